/* Helpers for cmocka tests that run against the throwaway PostgreSQL that
 * tests/lib/run-test starts for every test under tests/pg/.
 *
 * The runner sets PGHOST/PGPORT/PGUSER/PGDATABASE (the superuser
 * "pgtadmin", trusted on the socket), PT_TEST_SERVER_LOG (every statement
 * is logged there) and PGTENANT (the built binary).
 *
 * Functions marked "fails the test" end the current cmocka test with a
 * message (fail_msg) instead of returning an error; the others return one.
 * SQL arguments are printf formats: write a literal percent sign as %%.
 * Returned strings are malloc'd: free() them.
 */
#ifndef PT_PGTEST_H
#define PT_PGTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <libpq-fe.h>

/* A new superuser connection from the PG* environment, to dbname (NULL =
 * $PGDATABASE). Fails the test when it cannot connect. PQfinish() it. */
PGconn *pgt_admin(const char *dbname);

/* A libpq conninfo string (key=value) for the admin to dbname (NULL =
 * $PGDATABASE), for code under test that takes a target string. */
char *pgt_admin_conninfo(const char *dbname);

/* Connect with a connection string (URI or key=value), as a tenant would.
 * Returns the connection, or NULL with libpq's reason in why (which may
 * be NULL). Nothing is read from the environment but what libpq itself
 * reads. */
PGconn *pgt_login(const char *connstr, char *why, size_t whysz);

/* Run SQL that must succeed; fails the test otherwise. */
void pgt_sql(PGconn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Run SQL and return its SQLSTATE: "00000" on success, the server's code
 * on error ("42501"), "?????" when the connection is gone. The pointer is
 * to a static buffer, valid until the next call. */
const char *pgt_state(PGconn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The first column of the first row, or NULL when there is no row or the
 * value is SQL NULL. Fails the test when the query fails. */
char *pgt_value(PGconn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The first column of the first row as a number; fails the test when the
 * query fails or returns no number. */
long pgt_count(PGconn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* How many roles and schemas exist: compare before and after an operation
 * that must change nothing. */
struct pgt_census {
	long roles;
	long schemas;
	long databases;
};
void pgt_census(PGconn *admin, struct pgt_census *out);
void pgt_assert_census_equal(const struct pgt_census *a, const struct pgt_census *b);

/* The whole server log ($PT_TEST_SERVER_LOG). Fails the test when it
 * cannot be read. The server writes asynchronously to a file: call
 * pgt_log_sync() first to be sure everything said so far is in it. */
char *pgt_read_log(size_t *len);
/* Log a marker statement and wait until it is in the file. */
void pgt_log_sync(PGconn *admin);

/* A finished child process. */
struct pgt_proc {
	int status;      /* exit status; 128 + signal when killed */
	char *out;       /* everything it wrote to stdout, NUL-terminated */
	char *err;       /* likewise stderr */
};

/* Run argv[0] (searched in PATH) with argv, stdin_text (NULL = empty) on
 * its standard input, in a new session without a controlling terminal, and
 * wait for it. Fails the test when it cannot be started. */
void pgt_run(struct pgt_proc *p, const char *stdin_text, const char *const *argv);

/* Run $PGTENANT with the arguments given, NULL-terminated. */
void pgt_pgtenant(struct pgt_proc *p, const char *stdin_text, ...)
	__attribute__((sentinel));

void pgt_proc_free(struct pgt_proc *p);

#endif
