/* The admin session: connect with anything libpq accepts, ask for a
 * password when the server wants one, and run queries without ever
 * blocking the front end for longer than one wait-hook interval.
 *
 * Every query of the console's own session runs with
 * search_path = pg_catalog and schema-qualified names, so that no tenant
 * object can shadow what pgtenant runs.
 */
#ifndef PT_CONN_H
#define PT_CONN_H

#include <stdbool.h>
#include <libpq-fe.h>

#include "error.h"

typedef struct pt_db pt_db;

/* Asked for the admin password when the server wants one and none was
 * given. prompt is translated ("Password for user admin: "). Return a
 * secret string (pt_secret_alloc/pt_secret_strdup; the core frees it) or
 * NULL to give up. */
typedef char *(*pt_password_cb)(void *ud, const char *prompt);

/* Called about every 50 ms while a query waits for the server. Return true
 * to cancel the query (PQcancel); it then fails with PT_ERR_CANCELED. */
typedef bool (*pt_wait_hook)(void *ud);

struct pt_connect_opts {
	pt_password_cb ask_password;  /* NULL: never ask */
	void *ask_password_ud;
	bool read_only;               /* default_transaction_read_only = on */
	const char *tenant_host;      /* host/port put in tenants' connection */
	const char *tenant_port;      /* strings instead of the admin's; NULL = same */
	const char *tenant_sslrootcert; /* CA path for tenants' strings; NULL = none */
	const char *host, *port, *user; /* psql's -h -p -U: under the target's */
	bool force_password;          /* psql's -W: ask before the first attempt */
	pt_wait_hook wait_hook;       /* pumped while connecting, then as by */
	void *wait_ud;                /* pt_db_set_wait_hook(); NULL = block */
	int lock_timeout_ms;          /* longest wait for one lock: 0 = the
	                                 default, < 0 = forever (a tenant holding
	                                 a lock then stalls the admin) */
	int node_timeout_ms;          /* Citus: longest statement that reaches the
	                                 workers: 0 = the default, < 0 = none */
};

/* A tenant can hold any lock on its own tables and any advisory lock, so
 * no admin statement may wait on a lock for longer than this by default. */
#define PT_DEFAULT_LOCK_TIMEOUT_MS 5000
/* A Citus worker whose backend stops answering after it connected (a
 * stopped process, a network that drops packets) holds a statement that
 * reaches it until this. Not less: a whole audit of 840 tenants on the
 * 3-node loopback cluster took 37 s, and it grows with the tenants. */
#define PT_DEFAULT_NODE_TIMEOUT_MS 600000

/* What the session is, read once at connect time. Strings are owned by
 * the pt_db. */
struct pt_session_info {
	const char *user;            /* current_user */
	const char *host;            /* PQhost: a name, an address or a socket dir */
	const char *port;
	const char *dbname;
	const char *server_version;  /* "15.18" */
	int server_version_num;      /* 150018 */
	bool ssl;
	bool superuser;
	bool createrole;
	bool read_only;              /* the session cannot write */
	bool can_grant_connect;      /* may GRANT CONNECT ON DATABASE to tenants */
	bool hardened;               /* PUBLIC has neither USAGE nor CREATE on public,
	                                nor CONNECT/TEMP on this database */
	enum pt_group_state {
		PT_GROUP_NONE,           /* the tenants' group does not exist yet */
		PT_GROUP_OK,             /* it exists and pgtenant made it */
		PT_GROUP_FOREIGN,        /* a role of that name that pgtenant did not make */
	} tenant_group;
	bool may_grant_group;        /* may GRANT the tenants' group to new tenants */
	bool self_grant_set;         /* 16+: createrole_self_grant gives the creator
	                                SET and INHERIT on the roles it makes */
};

/* Connect to target (a URI, a conninfo string, a service via "service=x",
 * or NULL/"" for the PG* environment). Returns NULL with err filled
 * (PT_ERR_CONNECT) on failure. The result is freed with pt_db_close(). */
pt_db *pt_db_connect(const char *target, const struct pt_connect_opts *opts,
                     pt_error *err);
void pt_db_close(pt_db *db);

/* Open a new connection with the same parameters (and the password, if
 * one was typed) after the server went away. */
enum pt_status pt_db_reconnect(pt_db *db, pt_error *err);

/* A second session like db: the same target, typed password, options
 * and wait hook, for work that runs several sessions at once. NULL with
 * err when it cannot connect. Free with pt_db_close(). */
pt_db *pt_db_clone(pt_db *db, pt_error *err);

/* True when the wait hook asks to cancel (Ctrl-C): work made of many
 * statements stops between them too, not only while one waits. */
bool pt_db_cancel_requested(pt_db *db);

/* True while the connection is usable. */
bool pt_db_alive(pt_db *db);

PGconn *pt_db_conn(pt_db *db);
const struct pt_session_info *pt_db_info(const pt_db *db);
const struct pt_connect_opts *pt_db_opts(const pt_db *db);

/* Re-read the session facts (hardened, read_only...) after a change. */
enum pt_status pt_db_refresh_info(pt_db *db, pt_error *err);

void pt_db_set_wait_hook(pt_db *db, pt_wait_hook hook, void *ud);
/* The hook in force (and its ud), to put back after a statement that must
 * not be canceled. */
pt_wait_hook pt_db_wait_hook(const pt_db *db, void **ud);

/* The session's lock_timeout in milliseconds, 0 = none. */
int pt_db_lock_timeout_ms(const pt_db *db);

/* Run sql with optional text parameters and wait (pumping the wait hook).
 * Returns the last result on success (PGRES_COMMAND_OK or TUPLES_OK; the
 * caller PQclear()s it), or NULL with err filled. A multi-statement string
 * (no parameters) runs as one implicit transaction: either every statement
 * takes effect or none does. 'what' names the operation for messages.
 *
 * A wait for a lock ends after lock_timeout_ms with PT_ERR_LOCKED. Once a
 * query has waited about a second, a second short-lived connection asks
 * the server which sessions block it (pg_blocking_pids), once a second
 * until the answer comes; a lock timeout or a cancel then names them in
 * err->detail (pid, role, tenant, time in transaction, what to do). A
 * query that answers within a second costs nothing more. */
PGresult *pt_db_query(pt_db *db, const char *sql, int nparams,
                      const char *const *params, const char *what,
                      pt_error *err);

/* pt_db_query in two halves, so that the client can work while the
 * server runs sql: send it (no parameters) without waiting, then collect
 * its result with pt_db_wait, which returns what pt_db_query would. Nothing
 * else may be sent in between. */
enum pt_status pt_db_send(pt_db *db, const char *sql, const char *what,
                          pt_error *err);
PGresult *pt_db_wait(pt_db *db, const char *what, pt_error *err);

/* Run sql and discard the result. */
enum pt_status pt_db_exec(pt_db *db, const char *sql, int nparams,
                          const char *const *params, const char *what,
                          pt_error *err);

/* Quote an identifier or a literal for this connection. The result is
 * malloc'd (free()); aborts on allocation failure. */
char *pt_quote_ident(pt_db *db, const char *name);
char *pt_quote_literal(pt_db *db, const char *text);

/* The notices (WARNINGs) the server sent during the last query, joined by
 * newlines, or "" (owned by db). */
const char *pt_db_last_notices(const pt_db *db);

#endif
