/* Live operations on tenants: their open sessions (list, count, cancel,
 * terminate), locking a tenant out and letting it back in, and changing
 * a tenant's connection limit, expiry and per-database settings.
 *
 * Every function here works on tenants only. A pid, a schema or a role
 * that is not a tenant's is refused before anything is sent that could
 * touch it, and the refusal and the action are one statement where a race
 * could slip in between (a pid reused by an admin's session).
 *
 * Console integration: pt_session_counts for the tenants screen's column
 * (one query, look schemas up with pt_session_count_of), pt_sessions_load
 * with the schema for the detail screen, pt_session_signal for x and X,
 * pt_tenant_lock_preview/pt_tenant_lock and pt_tenant_unlock for the lock
 * form, pt_tenant_settings_load for the detail screen, and
 * pt_tenant_alter_preview/pt_tenant_alter for the edit form. All strings
 * in the results come from the server and may hold anything a tenant
 * wrote (its query text, application_name, its own role settings): they
 * reach a terminal only through pt_sanitize.
 *
 * Every call goes through pt_db_query: it pumps the wait hook the console
 * set with pt_db_set_wait_hook and can be canceled with Ctrl-C like any
 * other query. pt_session_counts_load and pt_sessions_load cost what the
 * number of open sessions costs, not the number of tenants: fit for a
 * refresh every few seconds. */
#ifndef PT_OPS_H
#define PT_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "conn.h"
#include "error.h"
#include "names.h"

/* ---- sessions ----------------------------------------------------------- */

/* One open session of a tenant role (pg_stat_activity, client backends
 * only). Strings are malloc'd and owned by the list; NULL where the server
 * has nothing (no client address on a socket, no transaction, not
 * waiting). */
struct pt_session {
	char *schemas;          /* the tenant's schema(s), comma-separated */
	char *role;
	int pid;
	char *database;
	char *state;            /* active, idle, idle in transaction, ... */
	char *client;           /* address, or "local" for a unix socket */
	char *client_hostname;
	char *application_name;
	char *backend_start;    /* UTC, ISO 8601, to the microsecond */
	long long xact_age;     /* seconds in the open transaction; -1: none */
	char *wait_event_type;  /* Lock, IO, Client, ... */
	char *wait_event;
	char *blocked_by;       /* pids holding the lock it waits for: "12,34" */
	char *query;            /* tenant text: sanitise before a terminal */
	char *node;             /* on Citus, the worker ("host:port") this
	                           backend runs on; NULL on the coordinator
	                           (and on plain PostgreSQL) */
	long long state_age;    /* seconds: the running query's (active), else
	                           in the state; -1: unknown */
	double duration;        /* state_age to the microsecond; -1: unknown */
	char *query_start;      /* UTC, ISO 8601; NULL: no query yet */
	bool tenant;            /* false: a session of a role that is no
	                           tenant's (pt_activity_load with all only);
	                           schemas is NULL then */
	long long gpid;         /* on Citus, its global pid
	                           (citus_calculate_gpid(nodeid, pid)); else 0 */
};

struct pt_session_list {
	struct pt_session *rows;
	size_t n;
	/* Tenants' sessions the admin cannot see (not a member of their role,
	 * not a superuser): how many, and their roles (malloc'd, NULL if
	 * none). They are not in rows: never report them as absent. */
	size_t hidden;
	char *hidden_roles;
};

/* The sessions of every tenant, or of the tenant owning schema (NULL for
 * all; PT_ERR_NOT_FOUND or PT_ERR_INVALID when it is no tenant's), in one
 * query whose cost follows the number of sessions, not of tenants;
 * ordered by schema, then backend start. A tenant is what pt_tenant_find
 * says (a locked one too), minus any role that looks like an admin.
 * Takes no lock a tenant could hold. Free with pt_session_list_free. */
enum pt_status pt_sessions_load(pt_db *db, const char *schema,
                                struct pt_session_list *out, pt_error *err);
void pt_session_list_free(struct pt_session_list *list);
/* Every tenant's sessions as pt_sessions_load(db, NULL, ...) gives them
 * and, with all, every other client session of this database too (an
 * admin's, an application's: tenant false), for the activity screen and
 * pgtenant activity. The same one query; its cost follows the sessions. */
enum pt_status pt_activity_load(pt_db *db, bool all, struct pt_session_list *out,
                                pt_error *err);
/* What a filter matches in a session, one line (malloc'd): schema, role,
 * pid, state ("waiting" too when it waits for a lock), wait event,
 * blocking pids, application, client, node and the head of the query.
 * Tenant text: only searched, never shown from here. */
char *pt_session_search_text(const struct pt_session *s);
/* A session waiting for a lock. */
bool pt_session_waiting(const struct pt_session *s);
/* PT_ERR_PERMISSION, saying that list->hidden sessions could not be seen. */
enum pt_status pt_sessions_hidden_error(pt_db *db, const struct pt_session_list *list,
                                        pt_error *err);

/* Open sessions per tenant schema, for a column: only schemas with at
 * least one session, sorted by strcmp. One query, whose cost follows the
 * sessions, not the tenants. */
struct pt_session_count {
	char *schema;           /* malloc'd */
	long count;
	long blocked;           /* waiting on a lock another session holds */
	long idle_xact;         /* idle in transaction for longer than the
	                           threshold given to pt_session_counts_load */
};
struct pt_session_counts {
	struct pt_session_count *rows;
	size_t n;
};
/* The seconds a session may sit idle in a transaction before its tenant
 * is marked, when the user sets none. */
#define PT_IDLE_XACT_DEFAULT 60
/* idle_xact_s: the threshold in seconds (< 0: PT_IDLE_XACT_DEFAULT). */
enum pt_status pt_session_counts_load(pt_db *db, int idle_xact_s,
                                      struct pt_session_counts *out, pt_error *err);
/* The counts for schema, NULL when it has no session; O(log n). */
const struct pt_session_count *pt_session_counts_find(const struct pt_session_counts *c,
                                                      const char *schema);
/* The count for schema (0 when it has none); O(log n). */
long pt_session_count_of(const struct pt_session_counts *c, const char *schema);
void pt_session_counts_free(struct pt_session_counts *c);

/* PT_SIGNAL_CHECK sends nothing: it says whether pid is a tenant's
 * session, as the others would (for a confirmation first). */
enum pt_signal { PT_SIGNAL_CHECK, PT_SIGNAL_CANCEL, PT_SIGNAL_TERMINATE };

/* Cancel the running query of, or terminate, session pid, which must be a
 * client session of a tenant role (never a superuser's, a CREATEROLE
 * role's or the database owner's, never this session or another session
 * of the admin's own role). The check and the
 * signal are one statement. PT_ERR_NOT_FOUND: no such session;
 * PT_ERR_INVALID: not a tenant's session (the message names its role);
 * PT_ERR_PERMISSION: the server refused (the admin is not a member of the
 * tenant role). started: the backend_start pt_sessions_load gave for the
 * session the user chose, or NULL; with it, a pid that has since been
 * reused by another session is PT_ERR_NOT_FOUND and nothing is sent. */
enum pt_status pt_session_signal(pt_db *db, int pid, const char *started,
                                 enum pt_signal sig, pt_error *err);
/* The same, for a session of the tenant owning schema only (NULL: any
 * tenant's): a pid that belongs to another tenant's session is
 * PT_ERR_INVALID and nothing is sent. The check is part of the statement
 * that signals. */
enum pt_status pt_session_signal_tenant(pt_db *db, const char *schema, int pid,
                                        const char *started, enum pt_signal sig,
                                        pt_error *err);

/* ---- lock and unlock ---------------------------------------------------- */

/* The statement that ends every session of role (on Citus, its backends
 * on every node), as lock --terminate runs it (malloc'd), and running it:
 * *terminated gets the sessions ended added, *left the backends the
 * server did not end (either may be NULL). */
char *pt_role_terminate_sql(pt_db *db, const char *role);
enum pt_status pt_role_terminate(pt_db *db, const char *sql, int *terminated, int *left,
                                 const char *what, pt_error *err);

/* The SQL pt_tenant_lock would run for the tenant owning schema (malloc'd),
 * or NULL with err (not a tenant, read-only session, no ADMIN OPTION on
 * PostgreSQL 16+...). */
char *pt_tenant_lock_preview(pt_db *db, const char *schema, bool terminate,
                             pt_error *err);

/* Make the tenant's role NOLOGIN (committed first, so that a session
 * terminated next cannot log straight back in), then with terminate end
 * all its sessions; *terminated (may be NULL) gets how many. A tenant
 * that is already locked stays locked (and its sessions still go with
 * terminate). */
enum pt_status pt_tenant_lock(pt_db *db, const char *schema, bool terminate,
                              int *terminated, pt_error *err);

/* The SQL pt_tenant_unlock would run (malloc'd), or NULL with err. */
char *pt_tenant_unlock_preview(pt_db *db, const char *schema, pt_error *err);
/* LOGIN again. */
enum pt_status pt_tenant_unlock(pt_db *db, const char *schema, pt_error *err);

/* ---- alter -------------------------------------------------------------- */

/* NAME=VALUE, or a NAME to reset (value NULL). */
struct pt_setting_change {
	const char *name;
	const char *value;
};

#define PT_ALTER_KEEP_LIMIT (-2)

struct pt_tenant_alter {
	int connection_limit;        /* PT_ALTER_KEEP_LIMIT: unchanged; -1: none */
	const char *valid_until;     /* NULL: unchanged; "infinity": never */
	const struct pt_setting_change *changes;
	size_t n_changes;
};

/* All fields unchanged. */
void pt_tenant_alter_init(struct pt_tenant_alter *a);

/* Check a setting name without the server: a GUC name (lower case
 * letters, digits, _) that is not one pgtenant refuses because it would
 * break isolation or pgtenant's own bookkeeping (search_path, role,
 * session_authorization, default_tablespace, ...; the message says why).
 * The server then checks that it is a plain per-session setting (context
 * "user" in pg_settings). */
enum pt_status pt_setting_name_validate(const char *name, pt_error *err);

/* Everything alter checks before the server: the limit, the expiry and
 * every value as printable ASCII, every name as above. */
enum pt_status pt_tenant_alter_validate(const struct pt_tenant_alter *a,
                                        pt_error *err);

/* The SQL pt_tenant_alter would run (malloc'd), or NULL with err: the
 * changes are checked against the server's pg_settings first. PT_ERR_INVALID
 * when nothing is to change. */
char *pt_tenant_alter_preview(pt_db *db, const char *schema,
                              const struct pt_tenant_alter *a, pt_error *err);

/* Run the changes in one transaction: all or nothing. The server checks
 * each value; a bad one fails the lot. */
enum pt_status pt_tenant_alter(pt_db *db, const char *schema,
                               const struct pt_tenant_alter *a, pt_error *err);

/* A tenant's role attributes and its settings in this database (and for
 * all databases). Settings are defaults the tenant's sessions start with:
 * a tenant can SET them in its session or ALTER ROLE itself, so they are
 * not limits (the connection limit and the expiry are). */
struct pt_role_setting {
	char *name;                  /* malloc'd */
	char *value;                 /* malloc'd; tenant text */
	bool all_databases;          /* set for the role in every database */
};
struct pt_tenant_settings {
	char role[PT_NAME_MAX + 1];
	bool locked;                 /* NOLOGIN */
	int connection_limit;        /* -1: none */
	char *valid_until;           /* malloc'd; NULL: never expires */
	struct pt_role_setting *rows;
	size_t n;
};
enum pt_status pt_tenant_settings_load(pt_db *db, const char *schema,
                                       struct pt_tenant_settings *out,
                                       pt_error *err);
void pt_tenant_settings_free(struct pt_tenant_settings *s);

#endif
