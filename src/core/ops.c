#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "citus.h"
#include "ops.h"
#include "tenant.h"

/* ---- which roles are tenants ------------------------------------------ */

/* Client sessions other than this one. pg_stat_activity reads shared
 * memory and takes no lock a tenant could hold; pg_blocking_pids does
 * take the lock manager's partition locks, so it runs only for sessions
 * that wait on a lock. */
#define OPS_CLIENT_SESSION(A) \
	A ".backend_type = 'client backend' AND " A ".pid <> pg_catalog.pg_backend_pid()"

/* When a session started, in UTC to the microsecond: what identifies it
 * beside its pid, which the server reuses. */
#define OPS_STARTED(A) \
	"pg_catalog.to_char(" A ".backend_start AT TIME ZONE 'UTC'," \
	" 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

#define OPS_THIS_DB \
	"(SELECT d.oid FROM pg_catalog.pg_database d" \
	"  WHERE d.datname = pg_catalog.current_database())"

/* The tenants among the roles that have sessions, with their schemas:
 * ten (nsp, nspname, tenant) and tr (oid, rolname, schemas). It starts
 * from pg_stat_activity, never from the list of schemas, so that its cost
 * follows the number of sessions and not of tenants (100,000 of them);
 * the schemas a role owns come from pg_shdepend's index on the role.
 *
 * The rule is pt_tenant_find's, the one drop, rotate, lock and alter use:
 * a role owning a schema in this database is its tenant when it can log
 * in, or, locked (NOLOGIN), when its search_path here is that schema or it
 * is a member of the tenants' group ($1). Whatever that rule says, a role
 * that looks like an admin (a superuser, a CREATEROLE role, the
 * database's owner, the session's own role) is never a tenant here:
 * another admin who owns a schema must not have its sessions listed or
 * ended. */
#define OPS_TENANTS_SQL_ON(ACT, CLIENT) \
	"WITH sr AS (SELECT DISTINCT a.usesysid AS oid FROM " ACT " a" \
	"  WHERE " CLIENT("a") ")," \
	" cand AS (SELECT r.oid, r.rolname, r.rolcanlogin" \
	"   FROM sr JOIN pg_catalog.pg_roles r ON r.oid = sr.oid" \
	"  WHERE NOT r.rolsuper AND NOT r.rolcreaterole AND r.rolname <> current_user" \
	"    AND r.oid <> (SELECT d.datdba FROM pg_catalog.pg_database d" \
	"                   WHERE d.datname = pg_catalog.current_database()))," \
	" ten AS (SELECT n.oid AS nsp, n.nspname, r.oid AS tenant" \
	"   FROM cand r" \
	"   JOIN pg_catalog.pg_shdepend sd" \
	"     ON sd.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass" \
	"    AND sd.refobjid = r.oid AND sd.deptype = 'o'" \
	"    AND sd.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass" \
	"    AND sd.dbid = " OPS_THIS_DB \
	"   JOIN pg_catalog.pg_namespace n ON n.oid = sd.objid AND n.nspowner = r.oid" \
	"  WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'" \
	"    AND (r.rolcanlogin" \
	"      OR EXISTS (SELECT 1 FROM pg_catalog.pg_db_role_setting s," \
	"                 pg_catalog.unnest(s.setconfig) c" \
	"          WHERE s.setrole = r.oid AND s.setdatabase = sd.dbid" \
	"            AND c = 'search_path=' || pg_catalog.quote_ident(n.nspname))" \
	"      OR pg_catalog.pg_has_role(r.oid, (SELECT g.oid FROM pg_catalog.pg_roles g" \
	"           WHERE g.rolname = $1), 'MEMBER') IS TRUE))," \
	" tr AS (SELECT t.tenant AS oid, r.rolname," \
	"   pg_catalog.string_agg(t.nspname, ',' ORDER BY t.nspname) AS schemas" \
	"   FROM ten t JOIN cand r ON r.oid = t.tenant GROUP BY t.tenant, r.rolname)"
#define OPS_TENANTS_SQL \
	OPS_TENANTS_SQL_ON("pg_catalog.pg_stat_activity", OPS_CLIENT_SESSION)

/* On a Citus coordinator: the backends of every node (citus_stat_activity
 * asks each one), with the node's name (NULL for the coordinator's own)
 * and here (it is the coordinator's). A distributed session has a backend
 * on each worker it touched, of the same role: listed, and ended, with
 * it. This session is left out by its global pid, which its own worker
 * backends share; a worker's pid may equal ours, so the pid is no test
 * there. A worker reports its own OID of a role, and roles reach the
 * workers by name, not by OID: a worker's row gets the coordinator's OID
 * of the role of that name (none: no role here, never a tenant), or it
 * would be taken for whichever role has that OID here, another tenant's
 * or an admin's. */
#define OPS_CITUS_ACTIVITY \
	"(SELECT CASE WHEN n.groupid = 0 THEN c.usesysid ELSE r.oid END AS usesysid," \
	"        c.usename, c.pid, c.datname, c.state, c.client_addr, c.client_port," \
	"        c.client_hostname, c.application_name, c.backend_start, c.xact_start," \
	"        c.query_start, c.state_change," \
	"        c.wait_event_type, c.wait_event, c.query, c.backend_type, c.nodeid," \
	"        c.global_pid, c.is_worker_query," \
	"        CASE WHEN n.groupid <> 0 THEN n.nodename || ':' || n.nodeport END" \
	"        AS node, n.groupid = 0 AS here" \
	"   FROM pg_catalog.citus_stat_activity c" \
	"   JOIN pg_catalog.pg_dist_node n ON n.nodeid = c.nodeid" \
	"   LEFT JOIN pg_catalog.pg_roles r ON n.groupid <> 0 AND r.rolname = c.usename" \
	"  WHERE c.global_pid IS DISTINCT FROM pg_catalog.citus_backend_gpid())"
/* A worker's backends of other databases are no sessions of this one's
 * tenants (the coordinator's, as without Citus, are). */
#define OPS_CITUS_CLIENT(A) \
	A ".backend_type = 'client backend' AND (" A ".datname = pg_catalog.current_database()" \
	" OR " A ".nodeid = (SELECT n0.nodeid FROM pg_catalog.pg_dist_node n0 WHERE n0.groupid = 0))"

/* Only session a's of the tenant owning schema PARAM (a text parameter;
 * NULL: any tenant's). */
#define OPS_OF_SCHEMA(PARAM) \
	"   AND (" PARAM "::text IS NULL OR EXISTS (SELECT 1 FROM ten t" \
	"       WHERE t.tenant = a.usesysid AND t.nspname = " PARAM "))"

/* ACT: where the sessions come from; NODE and HERE: as above; GPID: the
 * backend's Citus global pid (0 without Citus). $3: also the client
 * sessions of this database that are no tenant's (their schemas NULL,
 * their role by name). */
#define OPS_SESSIONS_SQL(ACT, CLIENT, NODE, HERE, GPID) \
	OPS_TENANTS_SQL_ON(ACT, CLIENT) \
	" SELECT tr.schemas, coalesce(tr.rolname, a.usename), a.pid, a.datname, a.state," \
	"  coalesce(pg_catalog.host(a.client_addr)," \
	"           CASE WHEN a.client_port = -1 THEN 'local' END)," \
	"  a.client_hostname, a.application_name," \
	"  " OPS_STARTED("a") "," \
	"  pg_catalog.floor(EXTRACT(epoch FROM pg_catalog.now() - a.xact_start))::int8," \
	"  a.wait_event_type, a.wait_event," \
	"  CASE WHEN " HERE " AND a.wait_event_type = 'Lock' THEN pg_catalog.array_to_string(" \
	"       pg_catalog.pg_blocking_pids(a.pid), ',') END," \
	"  a.query, " NODE "," \
	"  pg_catalog.floor(EXTRACT(epoch FROM pg_catalog.now() - CASE WHEN a.state = 'active'" \
	"       THEN a.query_start ELSE a.state_change END))::int8," \
	"  tr.oid IS NOT NULL," \
	"  pg_catalog.to_char(a.query_start AT TIME ZONE 'UTC'," \
	"                     'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')," \
	"  GREATEST(0, EXTRACT(epoch FROM pg_catalog.now() - CASE WHEN" \
	"       a.state = 'active' THEN a.query_start ELSE a.state_change END))::float8, " GPID \
	" FROM " ACT " a LEFT JOIN tr ON tr.oid = a.usesysid" \
	" WHERE " CLIENT("a") \
	"   AND (tr.oid IS NOT NULL OR ($3::bool" \
	"        AND a.datname = pg_catalog.current_database()))" \
	OPS_OF_SCHEMA("$2") \
	" ORDER BY tr.schemas NULLS LAST, a.backend_start, a.pid"

static const char sessions_sql[] =
	OPS_SESSIONS_SQL("pg_catalog.pg_stat_activity", OPS_CLIENT_SESSION, "NULL::text", "true",
	                 "0::int8");
static const char citus_sessions_sql[] =
	OPS_SESSIONS_SQL(OPS_CITUS_ACTIVITY, OPS_CITUS_CLIENT, "a.node", "a.here",
	                 "pg_catalog.citus_calculate_gpid(a.nodeid, a.pid)");

/* Whether this session is a Citus coordinator's: then sessions, signals
 * and lock --terminate reach every node. */
static bool
on_citus(pt_db *db)
{
	const struct pt_citus *c = pt_db_citus(db);

	return c && c->present;
}

/* A session the admin may not see: pg_stat_activity shows its pid and
 * role, but no backend type, state or query, to a role that does not have
 * the session role's privileges. Before PostgreSQL 16 a tenant can revoke
 * the admin's membership in its role and so hide its sessions. */
#define OPS_HIDDEN_SESSION(A) \
	A ".backend_type IS NULL AND " A ".usesysid IS NOT NULL" \
	" AND " A ".pid <> pg_catalog.pg_backend_pid()"

static const char hidden_sql[] =
	OPS_TENANTS_SQL_ON("pg_catalog.pg_stat_activity", OPS_HIDDEN_SESSION)
	" SELECT tr.rolname, pg_catalog.count(*)"
	" FROM pg_catalog.pg_stat_activity a JOIN tr ON tr.oid = a.usesysid"
	" WHERE " OPS_HIDDEN_SESSION("a")
	OPS_OF_SCHEMA("$2")
	" GROUP BY tr.rolname ORDER BY tr.rolname";

/* The tenants' group of this database, OPS_TENANTS_SQL's $1. */
static void
group_param(pt_db *db, char *buf, size_t bufsz)
{
	pt_tenant_group_name(pt_db_info(db)->dbname, buf, bufsz);
}

static char *
dup_or_null(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : pt_xstrdup(PQgetvalue(res, row, col));
}

static enum pt_status
sessions_load(pt_db *db, const char *schema, bool all, struct pt_session_list *out,
              pt_error *err)
{
	char group[PT_NAME_MAX + 1];
	const char *params[3] = { group, schema, all ? "t" : "f" };
	PGresult *res;
	int n;

	memset(out, 0, sizeof *out);
	if (schema) {
		/* A schema that is not a tenant's is an error, not "no sessions". */
		struct pt_tenant_ref ref;
		enum pt_status st = pt_tenant_find(db, schema, &ref, err);

		pt_tenant_ref_free(&ref);
		if (st != PT_OK)
			return st;
	}
	group_param(db, group, sizeof group);
	res = (on_citus(db) ? pt_citus_query : pt_db_query)(
		db, on_citus(db) ? citus_sessions_sql : sessions_sql, 3, params,
		_("reading the tenants' sessions"), err);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	n = PQntuples(res);
	out->rows = pt_xcalloc(n ? (size_t)n : 1, sizeof *out->rows);
	for (int i = 0; i < n; i++) {
		struct pt_session *s = &out->rows[i];

		s->schemas = dup_or_null(res, i, 0);
		s->role = dup_or_null(res, i, 1);
		s->pid = atoi(PQgetvalue(res, i, 2));
		s->database = dup_or_null(res, i, 3);
		s->state = dup_or_null(res, i, 4);
		s->client = dup_or_null(res, i, 5);
		s->client_hostname = dup_or_null(res, i, 6);
		s->application_name = dup_or_null(res, i, 7);
		s->backend_start = dup_or_null(res, i, 8);
		s->xact_age = PQgetisnull(res, i, 9) ? -1 : atoll(PQgetvalue(res, i, 9));
		s->wait_event_type = dup_or_null(res, i, 10);
		s->wait_event = dup_or_null(res, i, 11);
		s->blocked_by = dup_or_null(res, i, 12);
		s->query = dup_or_null(res, i, 13);
		s->node = dup_or_null(res, i, 14);
		s->state_age = PQgetisnull(res, i, 15) ? -1 : atoll(PQgetvalue(res, i, 15));
		s->tenant = *PQgetvalue(res, i, 16) == 't';
		s->query_start = dup_or_null(res, i, 17);
		s->duration = PQgetisnull(res, i, 18) ? -1 : strtod(PQgetvalue(res, i, 18), NULL);
		s->gpid = atoll(PQgetvalue(res, i, 19));
	}
	out->n = (size_t)n;
	PQclear(res);
	/* A superuser sees every session; anyone else may miss some. */
	if (pt_db_info(db)->superuser)
		return PT_OK;
	res = pt_db_query(db, hidden_sql, 2, params, _("reading the tenants' sessions"), err);
	if (!res) {
		pt_session_list_free(out);
		return err ? err->status : PT_ERR_SERVER;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		char *t = out->hidden_roles
			? pt_xasprintf("%s, %s", out->hidden_roles, PQgetvalue(res, i, 0))
			: pt_xstrdup(PQgetvalue(res, i, 0));
		free(out->hidden_roles);
		out->hidden_roles = t;
		out->hidden += (size_t)atol(PQgetvalue(res, i, 1));
	}
	PQclear(res);
	return PT_OK;
}

enum pt_status
pt_sessions_load(pt_db *db, const char *schema, struct pt_session_list *out,
                 pt_error *err)
{
	return sessions_load(db, schema, false, out, err);
}

enum pt_status
pt_activity_load(pt_db *db, bool all, struct pt_session_list *out, pt_error *err)
{
	return sessions_load(db, NULL, all, out, err);
}

bool
pt_session_waiting(const struct pt_session *s)
{
	return (s->blocked_by && *s->blocked_by) ||
	       (s->wait_event_type && !strcmp(s->wait_event_type, "Lock"));
}

/* The query's head only: what a row can show of it is what a filter is
 * for, and a server may keep up to a megabyte of each query. */
#define OPS_SEARCH_QUERY_MAX 2048

char *
pt_session_search_text(const struct pt_session *s)
{
	const char *q = s->query ? s->query : "";
	size_t ql = strnlen(q, OPS_SEARCH_QUERY_MAX);

	return pt_xasprintf("%s %s %d %s%s %s %s %s %s %s %s %.*s",
	                    s->schemas ? s->schemas : "", s->role ? s->role : "", s->pid,
	                    s->state ? s->state : "", pt_session_waiting(s) ? " waiting" : "",
	                    s->wait_event_type ? s->wait_event_type : "",
	                    s->wait_event ? s->wait_event : "",
	                    s->blocked_by ? s->blocked_by : "",
	                    s->application_name ? s->application_name : "",
	                    s->client ? s->client : "", s->node ? s->node : "", (int)ql, q);
}

enum pt_status
pt_sessions_hidden_error(pt_db *db, const struct pt_session_list *list, pt_error *err)
{
	const char *me = pt_db_info(db)->user;

	return pt_error_set(err, PT_ERR_PERMISSION,
	                    P_("%zu session of tenant role(s) %s cannot be seen or ended: role "
	                       "\"%s\" is not a member of them (a tenant can revoke that itself "
	                       "before PostgreSQL 16); pgtenant audit names each, with the GRANT "
	                       "that gives the membership back",
	                       "%zu sessions of tenant role(s) %s cannot be seen or ended: role "
	                       "\"%s\" is not a member of them (a tenant can revoke that itself "
	                       "before PostgreSQL 16); pgtenant audit names each, with the GRANT "
	                       "that gives the membership back", list->hidden),
	                    list->hidden, list->hidden_roles ? list->hidden_roles : "?", me);
}

void
pt_session_list_free(struct pt_session_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->n; i++) {
		struct pt_session *s = &list->rows[i];
		free(s->schemas);
		free(s->role);
		free(s->database);
		free(s->state);
		free(s->client);
		free(s->client_hostname);
		free(s->application_name);
		free(s->backend_start);
		free(s->wait_event_type);
		free(s->wait_event);
		free(s->blocked_by);
		free(s->query);
		free(s->node);
		free(s->query_start);
	}
	free(list->rows);
	free(list->hidden_roles);
	memset(list, 0, sizeof *list);
}

/* Per tenant: its sessions, those waiting on a lock another session
 * holds (pg_blocking_pids, asked only of sessions that wait on a lock:
 * the CASE keeps the planner from calling it for every session), and
 * those idle in a transaction for more than $2 seconds (in that state
 * since state_change; an aborted transaction holds its locks too). */
static const char counts_sql[] =
	OPS_TENANTS_SQL
	" SELECT t.nspname, pg_catalog.count(*),"
	"  pg_catalog.count(*) FILTER (WHERE CASE WHEN a.wait_event_type = 'Lock'"
	"    THEN pg_catalog.cardinality(pg_catalog.pg_blocking_pids(a.pid)) > 0 END),"
	"  pg_catalog.count(*) FILTER (WHERE a.state IN ('idle in transaction',"
	"    'idle in transaction (aborted)')"
	"    AND a.state_change < pg_catalog.now() - $2::int4 * interval '1 second')"
	" FROM ten t JOIN pg_catalog.pg_stat_activity a ON a.usesysid = t.tenant"
	" WHERE " OPS_CLIENT_SESSION("a")
	" GROUP BY t.nspname";

static int
count_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pt_session_count *)a)->schema,
	              ((const struct pt_session_count *)b)->schema);
}

enum pt_status
pt_session_counts_load(pt_db *db, int idle_xact_s, struct pt_session_counts *out,
                       pt_error *err)
{
	char group[PT_NAME_MAX + 1], secs[16];
	const char *params[2] = { group, secs };
	PGresult *res;
	int n;

	memset(out, 0, sizeof *out);
	group_param(db, group, sizeof group);
	snprintf(secs, sizeof secs, "%d", idle_xact_s < 0 ? PT_IDLE_XACT_DEFAULT : idle_xact_s);
	res = pt_db_query(db, counts_sql, 2, params, _("counting the tenants' sessions"), err);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	n = PQntuples(res);
	out->rows = pt_xcalloc(n ? (size_t)n : 1, sizeof *out->rows);
	for (int i = 0; i < n; i++) {
		out->rows[i].schema = pt_xstrdup(PQgetvalue(res, i, 0));
		out->rows[i].count = atol(PQgetvalue(res, i, 1));
		out->rows[i].blocked = atol(PQgetvalue(res, i, 2));
		out->rows[i].idle_xact = atol(PQgetvalue(res, i, 3));
	}
	out->n = (size_t)n;
	PQclear(res);
	/* Sorted here, byte-wise, whatever the server's collation. */
	qsort(out->rows, out->n, sizeof *out->rows, count_cmp);
	return PT_OK;
}

const struct pt_session_count *
pt_session_counts_find(const struct pt_session_counts *c, const char *schema)
{
	struct pt_session_count key = { .schema = (char *)schema };

	if (!c->n)
		return NULL;
	return bsearch(&key, c->rows, c->n, sizeof *c->rows, count_cmp);
}

long
pt_session_count_of(const struct pt_session_counts *c, const char *schema)
{
	const struct pt_session_count *hit = pt_session_counts_find(c, schema);

	return hit ? hit->count : 0;
}

void
pt_session_counts_free(struct pt_session_counts *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->rows[i].schema);
	free(c->rows);
	memset(c, 0, sizeof *c);
}

/* The check and the signal in one statement: between a separate check and
 * the signal the pid could end and be reused by an admin's session. */
#define OPS_SIGNAL_SQL(EXPR) \
	OPS_TENANTS_SQL \
	" SELECT " EXPR \
	" FROM pg_catalog.pg_stat_activity a JOIN tr ON tr.oid = a.usesysid" \
	" WHERE a.pid = $2::int4 AND " OPS_CLIENT_SESSION("a") \
	"   AND ($3::text IS NULL OR " OPS_STARTED("a") " = $3)" \
	OPS_OF_SCHEMA("$4")

static const char *const signal_sql[] = {
	[PT_SIGNAL_CHECK] = OPS_SIGNAL_SQL("true"),
	[PT_SIGNAL_CANCEL] = OPS_SIGNAL_SQL("pg_catalog.pg_cancel_backend(a.pid)"),
	[PT_SIGNAL_TERMINATE] = OPS_SIGNAL_SQL("pg_catalog.pg_terminate_backend(a.pid)"),
};

/* On Citus a pid names a backend of any node, told apart by when it
 * started (a pid alone: the coordinator's), and the signal goes there by
 * its global pid (Citus' pg_cancel_backend and pg_terminate_backend take
 * one). Ending a coordinator's session ends its worker backends too: their
 * connection closes. */
#define OPS_CITUS_GPID "pg_catalog.citus_calculate_gpid(a.nodeid, a.pid)"
#define OPS_CITUS_SIGNAL_SQL(EXPR) \
	OPS_TENANTS_SQL_ON(OPS_CITUS_ACTIVITY, OPS_CITUS_CLIENT) \
	" SELECT " EXPR \
	" FROM " OPS_CITUS_ACTIVITY " a JOIN tr ON tr.oid = a.usesysid" \
	" WHERE a.pid = $2::int4 AND " OPS_CITUS_CLIENT("a") \
	"   AND (($3::text IS NULL AND a.here) OR " OPS_STARTED("a") " = $3)" \
	OPS_OF_SCHEMA("$4")

static const char *const citus_signal_sql[] = {
	[PT_SIGNAL_CHECK] = OPS_CITUS_SIGNAL_SQL("true"),
	[PT_SIGNAL_CANCEL] = OPS_CITUS_SIGNAL_SQL("pg_catalog.pg_cancel_backend(" OPS_CITUS_GPID ")"),
	[PT_SIGNAL_TERMINATE] =
		OPS_CITUS_SIGNAL_SQL("pg_catalog.pg_terminate_backend(" OPS_CITUS_GPID ")"),
};

/* Why pid was not signalled: it does not exist, or whose it is. */
static enum pt_status
explain_refusal(pt_db *db, int pid, const char *pidstr, pt_error *err)
{
	const char *params[1] = { pidstr };
	PGresult *res;
	enum pt_status st;

	res = pt_db_query(db,
	                  "SELECT coalesce(r.rolname, a.backend_type),"
	                  " a.pid = pg_catalog.pg_backend_pid()"
	                  " FROM pg_catalog.pg_stat_activity a"
	                  " LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.usesysid"
	                  " WHERE a.pid = $1::int4",
	                  1, params, _("looking up the session"), err);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	if (PQntuples(res) == 0)
		st = pt_error_set(err, PT_ERR_NOT_FOUND, _("there is no session with pid %d"), pid);
	else if (*PQgetvalue(res, 0, 1) == 't')
		st = pt_error_set(err, PT_ERR_INVALID,
		                  _("pid %d is pgtenant's own session"), pid);
	else
		st = pt_error_set(err, PT_ERR_INVALID,
		                  _("session %d belongs to \"%s\", which is not a tenant: "
		                    "pgtenant signals only tenants' sessions"),
		                  pid, PQgetvalue(res, 0, 0));
	PQclear(res);
	return st;
}

enum pt_status
pt_session_signal(pt_db *db, int pid, const char *started, enum pt_signal sig,
                  pt_error *err)
{
	return pt_session_signal_tenant(db, NULL, pid, started, sig, err);
}

enum pt_status
pt_session_signal_tenant(pt_db *db, const char *schema, int pid, const char *started,
                         enum pt_signal sig, pt_error *err)
{
	char pidstr[16], what[96], group[PT_NAME_MAX + 1];
	const char *params[4] = { group, pidstr, started, schema };
	PGresult *res;
	enum pt_status st = PT_OK;

	if (sig != PT_SIGNAL_CHECK && pt_tenant_check_session(db, false, err) != PT_OK)
		return err ? err->status : PT_ERR_READ_ONLY;
	if (pid <= 0)
		return pt_error_set(err, PT_ERR_NOT_FOUND, _("there is no session with pid %d"), pid);
	snprintf(pidstr, sizeof pidstr, "%d", pid);
	group_param(db, group, sizeof group);
	snprintf(what, sizeof what, sig == PT_SIGNAL_CHECK ? _("looking up session %d")
	         : sig == PT_SIGNAL_CANCEL ? _("canceling the query of session %d")
	         : _("terminating session %d"), pid);
	res = (on_citus(db) ? pt_citus_query : pt_db_query)(
		db, on_citus(db) ? citus_signal_sql[sig] : signal_sql[sig], 4, params, what, err);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	if (PQntuples(res) == 0 && started &&
	    pt_session_signal_tenant(db, schema, pid, NULL, PT_SIGNAL_CHECK, NULL) == PT_OK)
		st = pt_error_set(err, PT_ERR_NOT_FOUND,
		                  _("session %d ended; its pid now belongs to a newer session of a "
		                    "tenant: nothing was sent"), pid);
	else if (PQntuples(res) == 0 && schema &&
	         pt_session_signal_tenant(db, NULL, pid, NULL, PT_SIGNAL_CHECK, NULL) == PT_OK)
		/* A pid typed from an old list may now be another tenant's. */
		st = pt_error_set(err, PT_ERR_INVALID,
		                  _("session %d is not a session of tenant \"%s\": nothing was sent"),
		                  pid, schema);
	else if (PQntuples(res) == 0)
		st = explain_refusal(db, pid, pidstr, err);
	else if (*PQgetvalue(res, 0, 0) != 't')
		/* The server found no such process any more (it ended). */
		st = pt_error_set(err, PT_ERR_NOT_FOUND,
		                  _("session %d ended before it could be signalled"), pid);
	PQclear(res);
	return st;
}

/* ---- lock and unlock ---------------------------------------------------- */

/* The tenant owning schema, checked to be one this session may alter. */
static enum pt_status
find_alterable(pt_db *db, const char *schema, struct pt_tenant_ref *ref,
               pt_error *err)
{
	memset(ref, 0, sizeof *ref);
	if (pt_tenant_check_session(db, true, err) != PT_OK)
		return err ? err->status : PT_ERR_PERMISSION;
	if (pt_tenant_find(db, schema, ref, err) != PT_OK)
		return err ? err->status : PT_ERR_INVALID;
	if (pt_tenant_ref_check_alter(db, ref, err) != PT_OK) {
		pt_tenant_ref_free(ref);
		return err ? err->status : PT_ERR_PERMISSION;
	}
	return PT_OK;
}

char *
pt_role_terminate_sql(pt_db *db, const char *role)
{
	char *lit = pt_quote_literal(db, role);
	char *sql;

	/* On Citus every node's backends of the role, the workers' first
	 * (volatile functions run after the sort): what a worker query of a
	 * session holds goes before the session itself. Only the sessions are
	 * counted (not a session's worker backends). */
	if (on_citus(db))
		sql = pt_xasprintf("SELECT pg_catalog.pg_terminate_backend(" OPS_CITUS_GPID "),"
		                   " a.is_worker_query"
		                   " FROM pg_catalog.citus_stat_activity a"
		                   " WHERE a.usename = %s AND " OPS_CITUS_CLIENT("a")
		                   " ORDER BY a.is_worker_query DESC;", lit);
	else
		sql = pt_xasprintf("SELECT pg_catalog.pg_terminate_backend(a.pid)"
		                   " FROM pg_catalog.pg_stat_activity a"
		                   " WHERE a.usename = %s AND " OPS_CLIENT_SESSION("a") ";", lit);
	free(lit);
	return sql;
}

enum pt_status
pt_role_terminate(pt_db *db, const char *sql, int *terminated, int *left,
                  const char *what, pt_error *err)
{
	PGresult *res = pt_db_query(db, sql, 0, NULL, what, err);

	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	for (int i = 0; i < PQntuples(res); i++) {
		bool ended = *PQgetvalue(res, i, 0) == 't';
		/* Only sessions are counted, not a session's worker backends
		 * (Citus); any backend left is one that runs on. */
		if (terminated)
			*terminated += ended && (PQnfields(res) < 2 || *PQgetvalue(res, i, 1) != 't');
		if (left)
			*left += !ended;
	}
	PQclear(res);
	return PT_OK;
}

/* The statements of a lock: [0] commits NOLOGIN, [1] (with terminate)
 * then ends the role's sessions, [2] counts those this session may not
 * see. Two transactions on purpose: terminated
 * inside the ALTER's transaction, a session could reconnect before the
 * NOLOGIN is committed. */
static void
lock_sql(pt_db *db, const char *role, bool terminate, char *out[3])
{
	char *u = pt_quote_ident(db, role), *lit = pt_quote_literal(db, role);

	out[0] = pt_xasprintf("ALTER ROLE %s NOLOGIN;", u);
	out[1] = terminate ? pt_role_terminate_sql(db, role) : NULL;
	/* [2]: its sessions this session was not shown (see OPS_HIDDEN_SESSION) */
	out[2] = pt_xasprintf("SELECT pg_catalog.count(*) FROM pg_catalog.pg_stat_activity a"
	                      " WHERE a.usename = %s AND " OPS_HIDDEN_SESSION("a") ";", lit);
	free(lit);
	free(u);
}

char *
pt_tenant_lock_preview(pt_db *db, const char *schema, bool terminate,
                       pt_error *err)
{
	struct pt_tenant_ref ref;
	char *sql[3], *out;

	if (find_alterable(db, schema, &ref, err) != PT_OK)
		return NULL;
	if (terminate && !ref.admin_member) {
		pt_tenant_ref_member_error(db, &ref, _("end its sessions"), err);
		pt_tenant_ref_free(&ref);
		return NULL;
	}
	lock_sql(db, ref.role, terminate, sql);
	out = sql[1] ? pt_xasprintf("%s\n%s", sql[0], sql[1]) : pt_xstrdup(sql[0]);
	free(sql[0]);
	free(sql[1]);
	free(sql[2]);
	pt_tenant_ref_free(&ref);
	return out;
}

enum pt_status
pt_tenant_lock(pt_db *db, const char *schema, bool terminate, int *terminated,
               pt_error *err)
{
	struct pt_tenant_ref ref;
	char *sql[3], what[160];
	PGresult *res;
	enum pt_status st;

	if (terminated)
		*terminated = 0;
	if ((st = find_alterable(db, schema, &ref, err)) != PT_OK)
		return st;
	/* Sessions it cannot see it cannot end: refused before the lock, so
	 * that "terminated: 0" never stands for sessions that run on. */
	if (terminate && !ref.admin_member) {
		st = pt_tenant_ref_member_error(db, &ref, _("end its sessions"), err);
		pt_tenant_ref_free(&ref);
		return st;
	}
	lock_sql(db, ref.role, terminate, sql);
	snprintf(what, sizeof what, _("locking tenant \"%s\""), schema);
	st = pt_db_exec(db, sql[0], 0, NULL, what, err);
	if (st == PT_OK && sql[1]) {
		snprintf(what, sizeof what,
		         _("tenant \"%s\" is locked, but terminating its sessions"), schema);
		int left = 0;
		st = pt_role_terminate(db, sql[1], terminated, &left, what, err);
		/* and those the server did not show: none, as a member */
		if (st == PT_OK && !(res = pt_db_query(db, sql[2], 0, NULL, what, err)))
			st = err ? err->status : PT_ERR_SERVER;
		else if (st == PT_OK) {
			left += atoi(PQgetvalue(res, 0, 0));
			PQclear(res);
			if (left > 0)
				st = pt_error_set(err, PT_ERR_PERMISSION,
				                  P_("tenant \"%s\" is locked, but %d of its sessions "
				                     "could not be ended (%d were)",
				                     "tenant \"%s\" is locked, but %d of its sessions "
				                     "could not be ended (%d were)", left),
				                  schema, left, terminated ? *terminated : 0);
		}
	}
	free(sql[0]);
	free(sql[1]);
	free(sql[2]);
	pt_tenant_ref_free(&ref);
	return st;
}

static char *
unlock_sql(pt_db *db, const char *role)
{
	char *u = pt_quote_ident(db, role);
	char *sql = pt_xasprintf("ALTER ROLE %s LOGIN;", u);

	free(u);
	return sql;
}

char *
pt_tenant_unlock_preview(pt_db *db, const char *schema, pt_error *err)
{
	struct pt_tenant_ref ref;
	char *sql;

	if (find_alterable(db, schema, &ref, err) != PT_OK)
		return NULL;
	sql = unlock_sql(db, ref.role);
	pt_tenant_ref_free(&ref);
	return sql;
}

enum pt_status
pt_tenant_unlock(pt_db *db, const char *schema, pt_error *err)
{
	char *sql = pt_tenant_unlock_preview(db, schema, err);
	char what[160];
	enum pt_status st;

	if (!sql)
		return err ? err->status : PT_ERR_INVALID;
	snprintf(what, sizeof what, _("unlocking tenant \"%s\""), schema);
	st = pt_db_exec(db, sql, 0, NULL, what, err);
	free(sql);
	return st;
}

/* ---- alter -------------------------------------------------------------- */

/* Settings pgtenant will not set or reset for a tenant, though any
 * session may SET them: X(name, why). Everything else the server must
 * call a plain per-session setting (context "user"). */
#define PT_REFUSED_SETTINGS(X) \
	X("search_path", N_("pgtenant sets it to the tenant's schema when creating the " \
	                    "tenant and recognises a locked tenant by it")) \
	X("role", N_("it would make the tenant's sessions act as another role")) \
	X("session_authorization", N_("it would make the tenant's sessions act as another role")) \
	X("default_tablespace", N_("where tenants' tables are stored is a decision for the " \
	                           "whole database")) \
	X("temp_tablespaces", N_("where tenants' temporary files go is a decision for the " \
	                         "whole database")) \
	X("local_preload_libraries", N_("it loads server code into the tenant's sessions")) \
	X("session_preload_libraries", N_("it loads server code into the tenant's sessions")) \
	X("row_security", N_("row-level security is each table owner's policy")) \
	X("password_encryption", N_("it could give the tenant's own password changes a weaker " \
	                            "hash (md5)")) \
	X("session_replication_role", N_("it turns off triggers and foreign keys")) \
	X("createrole_self_grant", N_("it concerns creating roles, which tenants may not do"))

static const struct {
	const char *name;
	const char *why;
} refused_settings[] = {
#define PT_REFUSED_ENTRY(name, why) { name, why },
	PT_REFUSED_SETTINGS(PT_REFUSED_ENTRY)
#undef PT_REFUSED_ENTRY
};

void
pt_tenant_alter_init(struct pt_tenant_alter *a)
{
	memset(a, 0, sizeof *a);
	a->connection_limit = PT_ALTER_KEEP_LIMIT;
}

enum pt_status
pt_setting_name_validate(const char *name, pt_error *err)
{
	size_t len = name ? strlen(name) : 0;

	/* GUC names are identifiers; a dotted (extension) name is not a
	 * setting the server can vouch for until the extension is loaded. */
	if (!len || len > PT_NAME_MAX || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != len ||
	    (name[0] >= '0' && name[0] <= '9'))
		return pt_error_set(err, PT_ERR_INVALID,
		                    _("\"%s\" is not a setting name: use lower-case letters, "
		                      "digits and _, like statement_timeout"),
		                    name ? name : "");
	for (size_t i = 0; i < sizeof refused_settings / sizeof *refused_settings; i++)
		if (!strcmp(name, refused_settings[i].name))
			return pt_error_set(err, PT_ERR_INVALID,
			                    _("pgtenant does not set \"%s\" for a tenant: %s"),
			                    name, _(refused_settings[i].why));
	return PT_OK;
}

static bool
printable_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

enum pt_status
pt_tenant_alter_validate(const struct pt_tenant_alter *a, pt_error *err)
{
	if (a->connection_limit < -1 && a->connection_limit != PT_ALTER_KEEP_LIMIT)
		return pt_error_set(err, PT_ERR_INVALID,
		                    _("the connection limit must be -1 (none) or more, not %d"),
		                    a->connection_limit);
	if (a->valid_until && !*a->valid_until)
		return pt_error_set(err, PT_ERR_INVALID,
		                    _("give an expiry time, or \"infinity\" for none"));
	if (pt_valid_until_validate(a->valid_until, err) != PT_OK)
		return PT_ERR_INVALID;
	for (size_t i = 0; i < a->n_changes; i++) {
		const struct pt_setting_change *c = &a->changes[i];

		if (pt_setting_name_validate(c->name, err) != PT_OK)
			return PT_ERR_INVALID;
		/* Values of per-session settings are sizes, durations and names;
		 * a control byte has no business in a catalog the console shows. */
		if (c->value && !printable_ascii(c->value))
			return pt_error_set(err, PT_ERR_INVALID,
			                    _("the value for \"%s\" may hold only printable ASCII"),
			                    c->name);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(a->changes[j].name, c->name))
				return pt_error_set(err, PT_ERR_INVALID,
				                    _("\"%s\" is given twice"), c->name);
	}
	if (a->connection_limit == PT_ALTER_KEEP_LIMIT && !a->valid_until && !a->n_changes)
		return pt_error_set(err, PT_ERR_INVALID, _("nothing to change"));
	return PT_OK;
}

/* Ask the server whether every name is a plain per-session setting. */
static enum pt_status
check_settings_on_server(pt_db *db, const struct pt_tenant_alter *a, pt_error *err)
{
	char *names = pt_xstrdup("");
	const char *params[1];
	PGresult *res;
	enum pt_status st = PT_OK;

	if (!a->n_changes) {
		free(names);
		return PT_OK;
	}
	for (size_t i = 0; i < a->n_changes; i++) {
		char *more = pt_xasprintf("%s%s%s", names, i ? "," : "", a->changes[i].name);
		free(names);
		names = more;
	}
	params[0] = names;
	res = pt_db_query(db,
	                  "SELECT w.name, s.context"
	                  " FROM pg_catalog.unnest(pg_catalog.string_to_array($1, ',')) AS w(name)"
	                  " LEFT JOIN pg_catalog.pg_settings s"
	                  "   ON pg_catalog.lower(s.name) = w.name",
	                  1, params, _("checking the setting names"), err);
	free(names);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	for (int i = 0; i < PQntuples(res) && st == PT_OK; i++) {
		if (PQgetisnull(res, i, 1))
			st = pt_error_set(err, PT_ERR_INVALID,
			                  _("the server has no setting \"%s\""), PQgetvalue(res, i, 0));
		else if (strcmp(PQgetvalue(res, i, 1), "user") != 0)
			st = pt_error_set(err, PT_ERR_INVALID,
			                  _("\"%s\" is not a per-session setting (its context is "
			                    "\"%s\"): pgtenant sets only settings any session may "
			                    "change"),
			                  PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
	}
	PQclear(res);
	return st;
}

static char *
alter_sql(pt_db *db, const char *role, const struct pt_tenant_alter *a)
{
	char *u = pt_quote_ident(db, role);
	char *d = pt_quote_ident(db, pt_db_info(db)->dbname);
	char *sql = pt_xstrdup("");

	if (a->connection_limit != PT_ALTER_KEEP_LIMIT || a->valid_until) {
		char limit[48] = "";
		char *until = a->valid_until ? pt_quote_literal(db, a->valid_until) : NULL;

		if (a->connection_limit != PT_ALTER_KEEP_LIMIT)
			snprintf(limit, sizeof limit, " CONNECTION LIMIT %d", a->connection_limit);
		free(sql);
		sql = pt_xasprintf("ALTER ROLE %s%s%s%s;", u, limit,
		                   until ? " VALID UNTIL " : "", until ? until : "");
		free(until);
	}
	for (size_t i = 0; i < a->n_changes; i++) {
		const struct pt_setting_change *c = &a->changes[i];
		char *name = pt_quote_ident(db, c->name);
		char *value = c->value ? pt_quote_literal(db, c->value) : NULL;
		char *more = value
			? pt_xasprintf("%s%sALTER ROLE %s IN DATABASE %s SET %s = %s;",
			               sql, *sql ? "\n" : "", u, d, name, value)
			: pt_xasprintf("%s%sALTER ROLE %s IN DATABASE %s RESET %s;",
			               sql, *sql ? "\n" : "", u, d, name);
		free(sql);
		sql = more;
		free(name);
		free(value);
	}
	free(u);
	free(d);
	return sql;
}

char *
pt_tenant_alter_preview(pt_db *db, const char *schema,
                        const struct pt_tenant_alter *a, pt_error *err)
{
	struct pt_tenant_ref ref;
	char *sql;

	if (pt_tenant_alter_validate(a, err) != PT_OK)
		return NULL;
	if (find_alterable(db, schema, &ref, err) != PT_OK)
		return NULL;
	if (check_settings_on_server(db, a, err) != PT_OK) {
		pt_tenant_ref_free(&ref);
		return NULL;
	}
	sql = alter_sql(db, ref.role, a);
	pt_tenant_ref_free(&ref);
	return sql;
}

enum pt_status
pt_tenant_alter(pt_db *db, const char *schema, const struct pt_tenant_alter *a,
                pt_error *err)
{
	char *sql = pt_tenant_alter_preview(db, schema, a, err);
	char what[160];
	enum pt_status st;

	if (!sql)
		return err ? err->status : PT_ERR_INVALID;
	snprintf(what, sizeof what, _("changing tenant \"%s\""), schema);
	/* One multi-statement query: one implicit transaction. */
	st = pt_db_exec(db, sql, 0, NULL, what, err);
	free(sql);
	return st;
}

enum pt_status
pt_tenant_settings_load(pt_db *db, const char *schema,
                        struct pt_tenant_settings *out, pt_error *err)
{
	struct pt_tenant_ref ref;
	const char *params[1];
	PGresult *res;
	enum pt_status st;
	int n;

	memset(out, 0, sizeof *out);
	if ((st = pt_tenant_find(db, schema, &ref, err)) != PT_OK)
		return st;
	snprintf(out->role, sizeof out->role, "%s", ref.role);
	pt_tenant_ref_free(&ref);
	params[0] = out->role;
	res = pt_db_query(db,
	                  "SELECT r.rolcanlogin, r.rolconnlimit, r.rolvaliduntil::text"
	                  " FROM pg_catalog.pg_roles r WHERE r.rolname = $1",
	                  1, params, _("reading the tenant's settings"), err);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return pt_error_set(err, PT_ERR_NOT_FOUND, _("role \"%s\" is gone"), out->role);
	}
	out->locked = *PQgetvalue(res, 0, 0) != 't';
	out->connection_limit = atoi(PQgetvalue(res, 0, 1));
	out->valid_until = dup_or_null(res, 0, 2);
	PQclear(res);
	res = pt_db_query(db,
	                  "SELECT pg_catalog.split_part(c, '=', 1),"
	                  " pg_catalog.substr(c, pg_catalog.strpos(c, '=') + 1),"
	                  " s.setdatabase = 0"
	                  " FROM pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) c"
	                  " WHERE s.setrole = (SELECT r.oid FROM pg_catalog.pg_roles r"
	                  "                     WHERE r.rolname = $1)"
	                  "   AND s.setdatabase IN (0, (SELECT d.oid FROM pg_catalog.pg_database d"
	                  "        WHERE d.datname = pg_catalog.current_database()))"
	                  " ORDER BY 3, 1",
	                  1, params, _("reading the tenant's settings"), err);
	if (!res) {
		pt_tenant_settings_free(out);
		return err ? err->status : PT_ERR_SERVER;
	}
	n = PQntuples(res);
	out->rows = pt_xcalloc(n ? (size_t)n : 1, sizeof *out->rows);
	for (int i = 0; i < n; i++) {
		out->rows[i].name = pt_xstrdup(PQgetvalue(res, i, 0));
		out->rows[i].value = pt_xstrdup(PQgetvalue(res, i, 1));
		out->rows[i].all_databases = *PQgetvalue(res, i, 2) == 't';
	}
	out->n = (size_t)n;
	PQclear(res);
	return PT_OK;
}

void
pt_tenant_settings_free(struct pt_tenant_settings *s)
{
	if (!s)
		return;
	free(s->valid_until);
	for (size_t i = 0; i < s->n; i++) {
		free(s->rows[i].name);
		free(s->rows[i].value);
	}
	free(s->rows);
	memset(s, 0, sizeof *s);
}
