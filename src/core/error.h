/* Expected failures: a status code plus a stored, translated message.
 *
 * Broken invariants are not errors: they abort through pt_die(), which
 * first runs the hook the front end installed (the console restores the
 * terminal there).
 */
#ifndef PT_ERROR_H
#define PT_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include <libpq-fe.h>

#include "i18n.h"

/* X(code, exit status, short description) */
#define PT_STATUS_LIST(X) \
	X(PT_OK,                  0, N_("success")) \
	X(PT_ERR_INVALID,         1, N_("invalid input")) \
	X(PT_ERR_EXISTS,          1, N_("already exists")) \
	X(PT_ERR_NOT_FOUND,       1, N_("not found")) \
	X(PT_ERR_PERMISSION,      1, N_("permission denied")) \
	X(PT_ERR_READ_ONLY,       1, N_("read-only session")) \
	X(PT_ERR_CANCELED,        1, N_("canceled")) \
	X(PT_ERR_LOCKED,          1, N_("lock not available")) \
	X(PT_ERR_SERVER,          1, N_("server error")) \
	X(PT_ERR_IO,              1, N_("input/output error")) \
	X(PT_ERR_CONNECTION_LOST, 1, N_("connection lost")) \
	X(PT_ERR_NODE,            1, N_("a node of the cluster failed")) \
	X(PT_ERR_CONNECT,         2, N_("could not connect")) \
	X(PT_ERR_USAGE,           2, N_("usage error"))

enum pt_status {
#define PT_STATUS_ENUM(code, exit, text) code,
	PT_STATUS_LIST(PT_STATUS_ENUM)
#undef PT_STATUS_ENUM
	PT_STATUS_COUNT
};

typedef struct pt_error {
	enum pt_status status;
	char message[1024];   /* one line, translated, says what failed and why */
	char detail[1024];    /* server's DETAIL/HINT, or empty */
	char sqlstate[6];     /* server's SQLSTATE, or empty */
} pt_error;

/* The translated short description of a status ("already exists"). */
const char *pt_status_text(enum pt_status status);
/* The process exit status that a command failing with this status uses. */
int pt_status_exit_code(enum pt_status status);

/* Fill err (which may be NULL) and return status. The message is formatted
 * with printf rules; detail is cleared. */
enum pt_status pt_error_set(pt_error *err, enum pt_status status,
                            const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Classify a failed libpq result (res may be NULL when the connection is
 * gone) into err: SQLSTATE 42710/42P06/23505 -> PT_ERR_EXISTS, 42501 ->
 * PT_ERR_PERMISSION, 25006 -> PT_ERR_READ_ONLY, 57014 -> PT_ERR_CANCELED,
 * 55P03 (lock_timeout expired, NOWAIT) -> PT_ERR_LOCKED,
 * a dead connection -> PT_ERR_CONNECTION_LOST, a connection failure
 * (08xxx, 57P0x) while our own connection is fine -> PT_ERR_NODE (a Citus
 * coordinator could not reach a worker: the server's message names it).
 * The message is
 * "<what>: <status text>: <server message>". */
enum pt_status pt_error_from_result(pt_error *err, const PGresult *res,
                                    const PGconn *conn, const char *what);

/* Reset to PT_OK with empty strings. */
void pt_error_clear(pt_error *err);

/* Abort with a message after running the installed hook (at most once). */
_Noreturn void pt_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void pt_set_die_hook(void (*hook)(void));

/* Allocation that cannot fail: out of memory aborts through pt_die(). */
void *pt_xmalloc(size_t n);
void *pt_xcalloc(size_t n, size_t size);
void *pt_xrealloc(void *p, size_t n);
char *pt_xstrdup(const char *s);
char *pt_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Seconds on the monotonic clock, for timeouts and rates. */
double pt_now(void);

#endif
