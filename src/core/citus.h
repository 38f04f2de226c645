/* Citus: a coordinator as a first-class target.
 *
 * "Run this on every node" goes through the coordinator, never through
 * connections of our own to the workers. The node design (shared/citus:
 * workers accept only connections that present the node certificate)
 * refuses every client but the nodes themselves, so a DBA's console could
 * not reach a worker even if it tried; Citus can, as the current user,
 * with run_command_on_workers. Each worker answers with one text, so a
 * query meant for every worker is wrapped to return its rows as JSON, and
 * the coordinator turns that back into rows in the same statement: the
 * front ends get one ordinary result whose first columns name the node.
 * A node that does not answer is a row too (success false, its error),
 * never silence.
 */
#ifndef PT_CITUS_H
#define PT_CITUS_H

#include <stdbool.h>
#include <stddef.h>
#include <libpq-fe.h>

#include "conn.h"
#include "error.h"

/* One primary node of the cluster, as the coordinator lists it. */
struct pt_citus_node {
	char *name;         /* "host:port", as Citus names it in its errors */
	bool coordinator;   /* group 0: the node we are connected to */
	bool active;        /* pg_dist_node.isactive */
	bool up;            /* answered SELECT 1 at detection (the coordinator: always) */
	char *error;        /* why it did not answer, or NULL */
};

/* What the session knows of the cluster, read once at connect (and on
 * pt_db_refresh_info). present is false on plain PostgreSQL and on a
 * Citus node that is not the coordinator (we manage tenants only through
 * the coordinator). Owned by the pt_db. */
struct pt_citus {
	bool present;
	size_t nnodes;
	struct pt_citus_node *nodes;   /* the coordinator first */
	int workers;                   /* primary workers, active or not */
	int down;                      /* workers that did not answer or are inactive */
	char *down_names;              /* "h:p, h:p" of those, or NULL */
};

const struct pt_citus *pt_db_citus(const pt_db *db);

/* Read the cluster's nodes and ask each worker whether it answers, with
 * a bounded connection timeout (a worker that does not answer costs at
 * most PT_CITUS_NODE_TIMEOUT_MS). Called by the connection code. */
#define PT_CITUS_NODE_TIMEOUT_MS 5000
enum pt_status pt_citus_detect(pt_db *db, struct pt_citus *out, pt_error *err);
void pt_citus_clear(struct pt_citus *c);

/* The milliseconds a statement that reaches the workers may take
 * (pt_connect_opts.node_timeout_ms), <= 0 for no bound. */
int pt_db_node_timeout_ms(const pt_db *db);

/* pt_db_query for a statement that reaches the workers, under
 * statement_timeout = the node timeout: a worker that stops answering
 * after it connected (connecting is bounded by
 * citus.node_connection_timeout) would hold it forever. At the timeout,
 * each worker is asked alone whether it answers, and the error is
 * PT_ERR_NODE naming those that did not. */
PGresult *pt_citus_query(pt_db *db, const char *sql, int nparams, const char *const *params,
                         const char *what, pt_error *err);

/* The columns every on-workers result starts with. */
enum { PT_CW_NODE, PT_CW_OK, PT_CW_ERROR, PT_CW_FIRST };

/* Run select (one SELECT statement of ours) on every active worker,
 * through the coordinator. $1..$nparams in select are replaced by the
 * quoted literals of params (run_command_on_workers takes no parameters);
 * coldefs is the column definition list of select's result ("a text,
 * b bigint"), in order. Returns one result: node ("host:port"), ok, error
 * (the node's error when not ok), then select's columns: one row per row
 * a worker returned, and one row with ok false and the rest NULL for a
 * worker that failed. NULL with err on a failure of the coordinator's own
 * statement. The caller PQclear()s it. */
PGresult *pt_citus_on_workers(pt_db *db, const char *select, const char *coldefs,
                              int nparams, const char *const *params,
                              const char *what, pt_error *err);

/* The command that runs select on a worker, as pt_citus_on_workers
 * does: its rows as one JSON array, after lock_timeout is set to this
 * session's there (the coordinator's setting does not reach a worker's
 * backend, and a tenant can hold a lock there as well as here).
 * malloc'd. */
char *pt_citus_worker_select(pt_db *db, const char *select);

/* select with $1..$nparams replaced by the quoted literals of params, as
 * pt_citus_on_workers does: for callers that put several queries into
 * one (each call costs a connection to every worker). malloc'd. */
char *pt_citus_inline_params(pt_db *db, const char *select, int nparams,
                             const char *const *params);

/* Run a command (DDL, no result wanted) on every active worker, in the
 * workers' own transactions: for what Citus does not propagate itself
 * (GRANT and REVOKE on schema public). Fails, naming each node and its
 * error, when any worker did not run it. */
enum pt_status pt_citus_exec_on_workers(pt_db *db, const char *sql, const char *what,
                                        pt_error *err);

/* After tenants are made: for each (schemas[i], users[i]) its role (able
 * to log in), its schema (owned by it), CONNECT on this database and
 * USAGE and CREATE on the schema, on every active worker, in one round
 * trip. Citus propagates them in the creating transaction; this proves
 * it before success is reported. PT_ERR_NODE naming each worker and what
 * it lacks, or what failed. PT_OK at once off Citus. */
enum pt_status pt_citus_check_tenants(pt_db *db, size_t n, const char *const *schemas,
                                      const char *const *users, pt_error *err);

/* The SQL that makes the next CREATE SCHEMA of the transaction a
 * distributed schema whatever the server's default ("" off Citus). */
const char *pt_citus_create_prefix(const pt_db *db);

/* Moving a tenant to another worker (citus_schema_move). The transfer
 * mode follows the servers: logical replication when wal_level is logical
 * on the coordinator and every worker (writes go on during the copy),
 * else block_writes. Citus refuses to
 * move a schema whose owner cannot log in (it connects to the workers as
 * the owner), so a locked tenant is let in for the move and locked again
 * after it, whatever the move's outcome; meanwhile its password is made
 * expired (the nodes connect by certificate, which VALID UNTIL does not
 * stop). That stops password logins only: once locked again, its
 * sessions are ended on every node, as lock --terminate does. */
struct pt_citus_move {
	char *schema, *role;
	char *from;                 /* "host:port" */
	char *to;
	const char *mode;           /* "force_logical" or "block_writes" */
	bool locked;
	char *sql[4];               /* [0] let in (locked only), [1] move, [2] lock again,
	                             * [3] end its sessions (locked only) */
};

/* Check and plan: the schema is a distributed tenant schema with a table,
 * to is another active worker that answers. */
enum pt_status pt_citus_move_plan(pt_db *db, const char *schema, const char *to,
                                  struct pt_citus_move *m, pt_error *err);
/* The plan's statements, one per line (malloc'd). */
char *pt_citus_move_preview(const struct pt_citus_move *m);
/* How far a running move is, from get_rebalance_progress() on a second
 * connection: bytes on the target of the bytes to copy, and Citus's own
 * word for the phase (server text, already sanitised). */
struct pt_citus_progress {
	long long done, total;
	char status[64];
};
typedef void (*pt_citus_progress_fn)(void *ud, const struct pt_citus_progress *p);
/* "moving S: 3.2 of 6.4 MiB (50%, Catching Up)" into buf. */
void pt_citus_progress_text(const char *schema, const struct pt_citus_progress *p, char *buf,
                            size_t bufsz);

/* Run the plan; *now_on gets the node the schema is on afterwards
 * (malloc'd, or NULL when it could not be read). With progress, it is
 * called from the wait hook about every half second while the move
 * statement runs (a second connection polls; the move itself is the
 * same statement, and it still runs when that connection fails). */
enum pt_status pt_citus_move_run(pt_db *db, const struct pt_citus_move *m,
                                 pt_citus_progress_fn progress, void *progress_ud,
                                 char **now_on, pt_error *err);
void pt_citus_move_free(struct pt_citus_move *m);

#endif
