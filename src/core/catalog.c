#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_sql.h"
#include "catalog.h"
#include "citus.h"
#include "names.h"

/* Relations whose size cannot be read without waiting: every relation
 * another session holds or has asked for (a queued request is served
 * before ours) in ACCESS EXCLUSIVE mode, the one mode that conflicts with
 * the ACCESS SHARE lock pg_total_relation_size takes, mapped to the table
 * it belongs to: an index to its table, a TOAST table (and, through its
 * index, a TOAST index) to its owner by the internal dependency. A tenant
 * can lock any of these on its own tables; what it locks after this look
 * is caught by lock_timeout. Prepared transactions have no pid. */
#define LOCKED_CTE \
	" lk0 AS (SELECT DISTINCT l.relation AS oid FROM pg_catalog.pg_locks l" \
	"          WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'" \
	"            AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()" \
	"            AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d" \
	"                               WHERE d.datname = pg_catalog.current_database()))," \
	" lk1 AS (SELECT coalesce(i.indrelid, lk0.oid) AS oid FROM lk0" \
	"           LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = lk0.oid)," \
	" lk AS (SELECT lk1.oid FROM lk1 UNION" \
	"        SELECT d.refobjid FROM lk1 JOIN pg_catalog.pg_depend d" \
	"          ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass" \
	"         AND d.objid = lk1.oid AND d.deptype = 'i'" \
	"         AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass)"

/* Over pg_class c grouped by schema: the total size of the tables and
 * materialized views that are not locked, and whether any one is. */
#define SIZE_AGGREGATES_BUT(SKIP) \
	" sum(pg_catalog.pg_total_relation_size(c.oid))" \
	"   FILTER (WHERE c.relkind IN ('r', 'm') AND c.oid NOT IN (SELECT lk.oid FROM lk)" SKIP ") AS size," \
	" bool_or(c.oid IN (SELECT lk.oid FROM lk)) AS locked"
#define SIZE_AGGREGATES SIZE_AGGREGATES_BUT("")
/* On a Citus coordinator a distributed table is an empty shell whose few
 * pages would make every small tenant look twice its size. */
#define CITUS_SIZE_AGGREGATES SIZE_AGGREGATES_BUT( \
	" AND c.oid NOT IN (SELECT dp.logicalrelid FROM pg_catalog.pg_dist_partition dp)")
/* ... and what a row shows for them: PT_SIZE_UNKNOWN when locked. */
#define SIZE_VALUE(T) \
	"CASE WHEN " T ".locked THEN -2 ELSE coalesce(" T ".size, 0) END"

/* Set-based rather than one correlated subquery per schema, which on
 * 10,000 schemas ran 10,000 times. s: the schemas. x: the login roles
 * that can use a schema besides its owner: direct USAGE grantees (PUBLIC
 * when PUBLIC may) and login members of the owner or of a grantee group,
 * in two branches rather than one OR-join, which would scan pg_roles per
 * row. Only schemas with an ACL or a member role have any, so l aggregates
 * those few and every other schema simply shows its owner when it can log
 * in. */
#define SCHEMA_LIST_SQL(SIZE_CTE, SIZE_COL, SIZE_FILTER, NODE_COLS, NODE_JOIN) \
	"WITH" PT_TENANT_CTES "," \
	" s AS (SELECT n.oid, n.nspname, n.nspowner, n.nspacl" \
	"             FROM pg_catalog.pg_namespace n" \
	"            WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema')," \
	SIZE_CTE \
	" x AS (SELECT s.oid AS ns, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE r.rolname END AS name" \
	"         FROM s CROSS JOIN LATERAL pg_catalog.aclexplode(s.nspacl) a" \
	"         LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee" \
	"        WHERE s.nspacl IS NOT NULL AND a.privilege_type = 'USAGE'" \
	"          AND (a.grantee = 0 OR r.rolcanlogin)" \
	"       UNION ALL" \
	"       SELECT gs.ns, r.rolname" \
	"         FROM (SELECT s.oid AS ns, s.nspowner AS g FROM s" \
	"               UNION ALL" \
	"               SELECT s.oid, a.grantee FROM s, pg_catalog.aclexplode(s.nspacl) a" \
	"                WHERE s.nspacl IS NOT NULL AND a.privilege_type = 'USAGE') gs" \
	"         JOIN pg_catalog.pg_auth_members m ON m.roleid = gs.g" \
	"         JOIN pg_catalog.pg_roles r ON r.oid = m.member" \
	"        WHERE r.rolcanlogin)," \
	" l AS (SELECT y.ns, string_agg(DISTINCT y.name, ',') AS names" \
	"         FROM (SELECT x.ns, x.name FROM x" \
	"               UNION ALL" \
	"               SELECT s.oid, o.rolname FROM s" \
	"                 JOIN pg_catalog.pg_roles o ON o.oid = s.nspowner" \
	"                WHERE o.rolcanlogin AND s.oid IN (SELECT x.ns FROM x)) y" \
	"        GROUP BY y.ns)" \
	" SELECT s.nspname, o.rolname," \
	" coalesce(l.names, CASE WHEN o.rolcanlogin THEN o.rolname::text ELSE '' END)," \
	" coalesce(t.tables, 0), " SIZE_COL "," \
	" o.rolcanlogin, o.rolsuper, o.rolconnlimit," \
	" coalesce(o.rolvaliduntil::text, '')," \
	" s.oid IN (SELECT t.nsp FROM tenancy t)," \
	" s.oid IN (SELECT t.nsp FROM tenancy t" \
	"           JOIN pg_catalog.pg_roles r ON r.oid = t.tenant" \
	"          WHERE NOT r.rolcanlogin)" NODE_COLS \
	" FROM s" \
	" JOIN pg_catalog.pg_roles o ON o.oid = s.nspowner" \
	" LEFT JOIN l ON l.ns = s.oid" \
	" LEFT JOIN (SELECT c.relnamespace," \
	"     count(*) FILTER (WHERE c.relkind IN ('r', 'p')) AS tables" SIZE_FILTER \
	"     FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'p', 'm')" \
	"    GROUP BY c.relnamespace) t" \
	"   ON t.relnamespace = s.oid" NODE_JOIN \
	" ORDER BY s.nspname"

/* Citus. The coordinator's tables are empty shells: the data is in the
 * shards on the workers, so sizes are asked of every worker through the
 * coordinator (never with connections of our own: see citus.h), in the
 * same statement, and a worker that does not answer leaves its schemas'
 * sizes unknown rather than wrong (citus_shard_sizes() skips it with a
 * warning and sums the rest). Each worker reports the size of every
 * shard placed on it, by shard id; a shard another session holds in
 * ACCESS EXCLUSIVE mode (its table, or an index or TOAST table of it)
 * is not measured: its size would wait on it. The command runs with
 * pt_citus_worker_select's lock_timeout: what is locked after the look
 * fails that worker, and leaves its sizes unknown. */
#define CITUS_WORKER_SIZES_SQL \
	"WITH" LOCKED_CTE \
	" SELECT s.shardid, CASE WHEN r.oid IS NULL OR r.oid IN (SELECT lk.oid FROM lk) THEN NULL" \
	"        ELSE pg_catalog.pg_total_relation_size(r.oid) END AS size" \
	"   FROM pg_catalog.pg_dist_shard s" \
	"   JOIN pg_catalog.pg_dist_placement p ON p.shardid = s.shardid" \
	"    AND p.groupid = (SELECT g.groupid FROM pg_catalog.pg_dist_local_group g)" \
	"  CROSS JOIN LATERAL (SELECT pg_catalog.to_regclass(" \
	"        pg_catalog.shard_name(s.logicalrelid, s.shardid))::oid AS oid) r"

/* The worker command of CITUS_WORKER_SIZES_SQL, NULL without Citus. */
static char *
worker_sizes(pt_db *db, bool citus)
{
	return citus ? pt_citus_worker_select(db, CITUS_WORKER_SIZES_SQL) : NULL;
}

/* cw: every worker's answer (a failed worker: one row, success false).
 * cs: per schema, the sum of its shards on the workers, unknown when a
 * shard's worker failed or did not measure it. cn: the node that holds a
 * distributed schema (all its tables are colocated: one node), "" while
 * it has no table. cf: the workers that failed, "node: error" lines.
 * P is the parameter that carries CITUS_WORKER_SIZES_SQL. */
#define CITUS_NODE_CTE \
	" cn AS (SELECT ps.schemaid AS nsp, coalesce(min(dn.nodename || ':' || dn.nodeport), '') AS node" \
	"   FROM pg_catalog.pg_dist_schema ps" \
	"   LEFT JOIN (pg_catalog.pg_dist_partition dp" \
	"        JOIN pg_catalog.pg_dist_shard ds ON ds.logicalrelid = dp.logicalrelid" \
	"        JOIN pg_catalog.pg_dist_placement pl ON pl.shardid = ds.shardid" \
	"        JOIN pg_catalog.pg_dist_node dn ON dn.groupid = pl.groupid AND dn.noderole = 'primary')" \
	"     ON dp.colocationid = ps.colocationid" \
	"  GROUP BY ps.schemaid)"
#define CITUS_SIZE_CTES(P) \
	" cw AS (SELECT w.nodename || ':' || w.nodeport AS node, w.success, w.result AS error," \
	"               r.shardid, r.size" \
	"          FROM pg_catalog.run_command_on_workers(" P ") w" \
	"          LEFT JOIN LATERAL pg_catalog.json_to_recordset(" \
	"               CASE WHEN w.success THEN w.result::pg_catalog.json END)" \
	"               AS r(shardid bigint, size bigint) ON true)," \
	" cs AS (SELECT c.relnamespace AS nsp, sum(cw.size) AS size," \
	"               bool_or(cw.size IS NULL) AS unknown" \
	"          FROM pg_catalog.pg_dist_shard ds" \
	"          JOIN pg_catalog.pg_class c ON c.oid = ds.logicalrelid" \
	"          JOIN pg_catalog.pg_dist_placement pl ON pl.shardid = ds.shardid AND pl.groupid <> 0" \
	"          JOIN pg_catalog.pg_dist_node dn ON dn.groupid = pl.groupid AND dn.noderole = 'primary'" \
	"          LEFT JOIN cw ON cw.node = dn.nodename || ':' || dn.nodeport AND cw.shardid = ds.shardid" \
	"         GROUP BY c.relnamespace)," \
	" cf AS (SELECT string_agg(cw.node || ': ' || coalesce(cw.error, ''), E'\\n' ORDER BY cw.node)" \
	"               AS failed, string_agg(cw.node, ', ' ORDER BY cw.node) AS names" \
	"          FROM cw WHERE NOT cw.success)"
/* A schema's size on Citus: its coordinator relations (shells, or real
 * tables of a schema that is not distributed) plus its shards. */
#define CITUS_SIZE_VALUE(T) \
	"CASE WHEN " T ".locked OR coalesce(cs.unknown, false) THEN -2" \
	" ELSE coalesce(" T ".size, 0) + coalesce(cs.size, 0) END"

static const char schema_list_sql[] = SCHEMA_LIST_SQL("", "-1", "", ", NULL, NULL, NULL", "");
static const char schema_list_sizes_sql[] = SCHEMA_LIST_SQL(
	LOCKED_CTE ",", SIZE_VALUE("t"), "," SIZE_AGGREGATES, ", NULL, NULL, NULL", "");
static const char citus_list_sql[] = SCHEMA_LIST_SQL(
	CITUS_NODE_CTE ",", "-1", "", ", cn.node, NULL, NULL", " LEFT JOIN cn ON cn.nsp = s.oid");
static const char citus_list_sizes_sql[] = SCHEMA_LIST_SQL(
	LOCKED_CTE "," CITUS_NODE_CTE "," CITUS_SIZE_CTES("$2") ",",
	CITUS_SIZE_VALUE("t"), "," CITUS_SIZE_AGGREGATES, ", cn.node, cf.failed, cf.names",
	" CROSS JOIN cf LEFT JOIN cn ON cn.nsp = s.oid LEFT JOIN cs ON cs.nsp = s.oid");

static const char schema_sizes_sql[] =
	"WITH" LOCKED_CTE ","
	" t AS (SELECT c.relnamespace," SIZE_AGGREGATES
	"         FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'm')"
	"        GROUP BY c.relnamespace)"
	" SELECT n.nspname, " SIZE_VALUE("t") ", NULL, NULL"
	" FROM pg_catalog.pg_namespace n LEFT JOIN t ON t.relnamespace = n.oid"
	" WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"
	" ORDER BY n.nspname";
static const char citus_sizes_sql[] =
	"WITH" LOCKED_CTE "," CITUS_SIZE_CTES("$1") ","
	" t AS (SELECT c.relnamespace," CITUS_SIZE_AGGREGATES
	"         FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'm')"
	"        GROUP BY c.relnamespace)"
	" SELECT n.nspname, " CITUS_SIZE_VALUE("t") ", cf.failed, cf.names"
	" FROM pg_catalog.pg_namespace n CROSS JOIN cf LEFT JOIN t ON t.relnamespace = n.oid"
	" LEFT JOIN cs ON cs.nsp = n.oid"
	" WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"
	" ORDER BY n.nspname";

/* Every size of l unknown: what a lock taken after the look at pg_locks
 * leaves, once lock_timeout has ended the wait for it. */
static void
sizes_unknown(struct pt_schema_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		l->rows[i].size_bytes = PT_SIZE_UNKNOWN;
	l->sizes_loaded = true;
}

enum pt_status
pt_schema_list_load(pt_db *db, bool with_sizes, struct pt_schema_list *out,
                    pt_error *err)
{
	bool citus = pt_db_citus(db)->present;
	char *sizes = worker_sizes(db, citus && with_sizes);
	const char *params[2] = { PT_DEFAULT_USER_PATTERN, sizes };
	PGresult *res;
	int n;

	memset(out, 0, sizeof *out);
	if (citus)
		res = pt_citus_query(db, with_sizes ? citus_list_sizes_sql : citus_list_sql,
		                  with_sizes ? 2 : 1, params, _("listing schemas"), err);
	else
		res = pt_db_query(db, with_sizes ? schema_list_sizes_sql : schema_list_sql,
		                  1, params, _("listing schemas"), err);
	free(sizes);
	if (!res && with_sizes && err && err->status == PT_ERR_LOCKED) {
		/* A relation locked after the look at pg_locks: the list without
		 * sizes rather than no list. */
		if (pt_schema_list_load(db, false, out, err) != PT_OK)
			return err->status;
		sizes_unknown(out);
		return PT_OK;
	}
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	n = PQntuples(res);
	out->res_ = res;
	out->n = (size_t)n;
	out->rows = pt_xcalloc((size_t)n, sizeof *out->rows);
	out->sizes_loaded = with_sizes;
	for (int i = 0; i < n; i++) {
		struct pt_schema_row *r = &out->rows[i];
		r->name = PQgetvalue(res, i, 0);
		r->owner = PQgetvalue(res, i, 1);
		r->login_roles = PQgetvalue(res, i, 2);
		r->tables = strtol(PQgetvalue(res, i, 3), NULL, 10);
		r->size_bytes = strtoll(PQgetvalue(res, i, 4), NULL, 10);
		r->owner_can_login = *PQgetvalue(res, i, 5) == 't';
		r->is_tenant = *PQgetvalue(res, i, 9) == 't';
		r->locked = *PQgetvalue(res, i, 10) == 't';
		r->connection_limit = atoi(PQgetvalue(res, i, 7));
		r->valid_until = PQgetvalue(res, i, 8);
		r->node = PQgetisnull(res, i, 11) ? NULL : PQgetvalue(res, i, 11);
	}
	if (n > 0 && !PQgetisnull(res, 0, 12)) {
		out->failed_nodes = PQgetvalue(res, 0, 12);
		out->failed_names = PQgetvalue(res, 0, 13);
	}
	return PT_OK;
}

enum pt_status
pt_schema_list_load_sizes(pt_db *db, struct pt_schema_list *l, pt_error *err)
{
	bool citus = pt_db_citus(db)->present;
	char *sizes = worker_sizes(db, citus);
	const char *params[1] = { sizes };
	PGresult *res = (citus ? pt_citus_query : pt_db_query)(db, citus ? citus_sizes_sql
	                                                       : schema_sizes_sql, citus ? 1 : 0,
	                                                       params, _("measuring schema sizes"),
	                                                       err);
	size_t i = 0;
	int j = 0, n;

	free(sizes);

	if (!res && err && err->status == PT_ERR_LOCKED) {
		sizes_unknown(l);
		pt_error_clear(err);
		return PT_OK;
	}
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	n = PQntuples(res);
	/* Both lists come sorted by name from the same server: merge them.
	 * Schemas made or dropped in between simply keep size -1. */
	while (i < l->n && j < n) {
		int c = strcmp(l->rows[i].name, PQgetvalue(res, j, 0));
		if (c == 0)
			l->rows[i++].size_bytes = strtoll(PQgetvalue(res, j++, 1), NULL, 10);
		else if (c < 0)
			i++;
		else
			j++;
	}
	PQclear(l->sizes_res_);
	l->sizes_res_ = res;
	l->sizes_loaded = true;
	l->failed_nodes = n > 0 && !PQgetisnull(res, 0, 2) ? PQgetvalue(res, 0, 2) : NULL;
	l->failed_names = l->failed_nodes ? PQgetvalue(res, 0, 3) : NULL;
	return PT_OK;
}

void
pt_schema_list_free(struct pt_schema_list *l)
{
	if (!l)
		return;
	PQclear(l->res_);
	PQclear(l->sizes_res_);
	free(l->rows);
	memset(l, 0, sizeof *l);
}

/* The search_path a role has set for this database (ALTER ROLE ... IN
 * DATABASE ... SET), or "". */
#define SEARCH_PATH_SQL(ROLE_OID) \
	"coalesce((SELECT substr(c, 13) FROM pg_catalog.pg_db_role_setting s," \
	"     unnest(s.setconfig) c" \
	"   WHERE s.setrole = " ROLE_OID " AND c LIKE 'search\\_path=%'" \
	"     AND s.setdatabase = (SELECT d.oid FROM pg_catalog.pg_database d" \
	"                           WHERE d.datname = current_database())), '')"

/* A role's memberships, each role once: from PostgreSQL 16 on
 * pg_auth_members has one row per grantor, and the role's creator is a
 * member by the server's own grant beside any made later. Options that
 * change what the membership allows follow the name in parentheses: "admin"
 * (may grant it on), and from 16 on "noinherit" / "noset" when no grantor
 * gave INHERIT / SET. The grants add up, hence bool_or over the grantors. */
#define ROLE_LIST_SQL(OPTIONS) \
	"SELECT r.rolname," \
	" coalesce((SELECT string_agg(o.name, ',' ORDER BY o.name)" \
	"   FROM (SELECT g.rolname || coalesce('(' || nullif(concat_ws(' '," \
	"                 " OPTIONS "), '') || ')', '') AS name" \
	"           FROM pg_catalog.pg_auth_members m" \
	"           JOIN pg_catalog.pg_roles g ON g.oid = m.roleid" \
	"          WHERE m.member = r.oid GROUP BY g.rolname) o), '')," \
	" " SEARCH_PATH_SQL("r.oid") "," \
	" coalesce(r.rolvaliduntil::text, ''), r.rolconnlimit," \
	" r.rolcanlogin, r.rolsuper, r.rolcreatedb, r.rolcreaterole," \
	" r.rolreplication, r.rolbypassrls, r.rolinherit" \
	" FROM pg_catalog.pg_roles r WHERE r.rolname !~ '^pg_' ORDER BY 1"
#define ROLE_ADMIN_OPTION "CASE WHEN bool_or(m.admin_option) THEN 'admin' END"

static const char role_list_sql[] = ROLE_LIST_SQL(ROLE_ADMIN_OPTION);
static const char role_list_sql_16[] = ROLE_LIST_SQL(
	ROLE_ADMIN_OPTION ","
	" CASE WHEN NOT bool_or(m.inherit_option) THEN 'noinherit' END,"
	" CASE WHEN NOT bool_or(m.set_option) THEN 'noset' END");

enum pt_status
pt_role_list_load(pt_db *db, struct pt_role_list *out, pt_error *err)
{
	PGresult *res;
	int n;

	memset(out, 0, sizeof *out);
	res = pt_db_query(db, pt_db_info(db)->server_version_num >= 160000
	                  ? role_list_sql_16 : role_list_sql,
	                  0, NULL, _("listing roles"), err);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	n = PQntuples(res);
	out->res_ = res;
	out->n = (size_t)n;
	out->rows = pt_xcalloc((size_t)n, sizeof *out->rows);
	for (int i = 0; i < n; i++) {
		struct pt_role_row *r = &out->rows[i];
		r->name = PQgetvalue(res, i, 0);
		r->member_of = PQgetvalue(res, i, 1);
		r->search_path = PQgetvalue(res, i, 2);
		r->valid_until = PQgetvalue(res, i, 3);
		r->connection_limit = atoi(PQgetvalue(res, i, 4));
		r->login = *PQgetvalue(res, i, 5) == 't';
		r->superuser = *PQgetvalue(res, i, 6) == 't';
		r->createdb = *PQgetvalue(res, i, 7) == 't';
		r->createrole = *PQgetvalue(res, i, 8) == 't';
		r->replication = *PQgetvalue(res, i, 9) == 't';
		r->bypassrls = *PQgetvalue(res, i, 10) == 't';
		r->inherit = *PQgetvalue(res, i, 11) == 't';
	}
	return PT_OK;
}

void
pt_role_list_free(struct pt_role_list *l)
{
	if (!l)
		return;
	PQclear(l->res_);
	free(l->rows);
	memset(l, 0, sizeof *l);
}

#define DETAIL_SQL(CTES, AGGREGATES, SIZE, MORE) \
	"WITH" LOCKED_CTE CTES \
	" SELECT n.nspname, o.rolname, coalesce(n.nspacl::text, '')," \
	" " SEARCH_PATH_SQL("o.oid") "," \
	" (SELECT count(*) FROM pg_catalog.pg_class c" \
	"   WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p'))," \
	" (SELECT " SIZE " FROM (SELECT" AGGREGATES \
	"    FROM pg_catalog.pg_class c" \
	"   WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'm')) t" MORE \
	" FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles o ON o.oid = n.nspowner" \
	" WHERE n.nspname = $1"

static const char detail_sql[] = DETAIL_SQL("", SIZE_AGGREGATES, SIZE_VALUE("t"), "), NULL, NULL");
static const char citus_detail_sql[] = DETAIL_SQL(
	"," CITUS_NODE_CTE "," CITUS_SIZE_CTES("$2"), CITUS_SIZE_AGGREGATES, CITUS_SIZE_VALUE("t"),
	" LEFT JOIN cs ON cs.nsp = n.oid),"
	" (SELECT cn.node FROM cn WHERE cn.nsp = n.oid), (SELECT cf.failed FROM cf)");

/* Every role that reaches the schema and how: as owner, by a direct
 * grant, through PUBLIC, through membership of a grantee (pg_has_role
 * MEMBER, so NOINHERIT roles that can SET ROLE count), or as superuser. */
static const char access_sql[] =
	"WITH s AS (SELECT n.oid, n.nspowner FROM pg_catalog.pg_namespace n"
	"            WHERE n.nspname = $1),"
	" g AS (SELECT a.grantee, string_agg(a.privilege_type, ', '"
	"              ORDER BY a.privilege_type) AS privs"
	"         FROM s, pg_catalog.pg_namespace n,"
	"              pg_catalog.aclexplode(coalesce(n.nspacl,"
	"                 pg_catalog.acldefault('n', n.nspowner))) a"
	"        WHERE n.oid = s.oid GROUP BY a.grantee)"
	" SELECT r.rolname, CASE WHEN r.oid = s.nspowner THEN 'owner' ELSE 'direct' END,"
	"        g.privs, r.rolcanlogin, 0 AS k"
	"   FROM g JOIN pg_catalog.pg_roles r ON r.oid = g.grantee, s"
	" UNION ALL"
	" SELECT 'PUBLIC', 'PUBLIC', g.privs, true, 1 FROM g WHERE g.grantee = 0"
	" UNION ALL"
	" SELECT m.rolname, gr.rolname, g.privs, m.rolcanlogin, 2"
	"   FROM g JOIN pg_catalog.pg_roles gr ON gr.oid = g.grantee"
	"   JOIN pg_catalog.pg_roles m ON m.oid <> gr.oid"
	"    AND pg_catalog.pg_has_role(m.oid, gr.oid, 'MEMBER')"
	"  WHERE NOT m.rolsuper"
	" UNION ALL"
	" SELECT r.rolname, 'superuser', 'ALL', r.rolcanlogin, 3"
	"   FROM pg_catalog.pg_roles r WHERE r.rolsuper"
	" ORDER BY 5, 1";

enum pt_status
pt_schema_detail_load(pt_db *db, const char *schema,
                      struct pt_schema_detail *out, pt_error *err)
{
	bool citus = pt_db_citus(db)->present;
	char *sizes = worker_sizes(db, citus);
	const char *params[2] = { schema, sizes };
	PGresult *res, *acc;
	char what[160];
	int n;

	memset(out, 0, sizeof *out);
	snprintf(what, sizeof what, _("reading schema \"%s\""), schema);
	res = (citus ? pt_citus_query : pt_db_query)(db, citus ? citus_detail_sql : detail_sql,
	                                             citus ? 2 : 1, params, what, err);
	free(sizes);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return pt_error_set(err, PT_ERR_NOT_FOUND, _("there is no schema \"%s\""), schema);
	}
	acc = pt_db_query(db, access_sql, 1, params, what, err);
	if (!acc) {
		PQclear(res);
		return err ? err->status : PT_ERR_SERVER;
	}
	out->res_ = res;
	out->access_res_ = acc;
	out->name = PQgetvalue(res, 0, 0);
	out->owner = PQgetvalue(res, 0, 1);
	out->acl = PQgetvalue(res, 0, 2);
	out->search_path = PQgetvalue(res, 0, 3);
	out->tables = strtol(PQgetvalue(res, 0, 4), NULL, 10);
	out->size_bytes = strtoll(PQgetvalue(res, 0, 5), NULL, 10);
	out->node = PQgetisnull(res, 0, 6) ? NULL : PQgetvalue(res, 0, 6);
	out->failed_nodes = PQgetisnull(res, 0, 7) ? NULL : PQgetvalue(res, 0, 7);
	n = PQntuples(acc);
	out->n_access = (size_t)n;
	out->access = pt_xcalloc((size_t)n, sizeof *out->access);
	for (int i = 0; i < n; i++) {
		out->access[i].role = PQgetvalue(acc, i, 0);
		out->access[i].via = PQgetvalue(acc, i, 1);
		out->access[i].privileges = PQgetvalue(acc, i, 2);
		out->access[i].login = *PQgetvalue(acc, i, 3) == 't';
	}
	return PT_OK;
}

void
pt_schema_detail_free(struct pt_schema_detail *d)
{
	if (!d)
		return;
	PQclear(d->res_);
	PQclear(d->access_res_);
	free(d->access);
	memset(d, 0, sizeof *d);
}

void
pt_format_size(int64_t bytes, char *buf, size_t bufsz)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	unsigned u = 0;

	if (bytes == PT_SIZE_UNKNOWN) {
		snprintf(buf, bufsz, "?");
		return;
	}
	if (bytes < 0) {
		snprintf(buf, bufsz, "…");
		return;
	}
	while (v >= 1024 && u + 1 < sizeof units / sizeof *units) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, bufsz, "%" PRId64 " B", bytes);
	else
		snprintf(buf, bufsz, "%.1f %s", v, units[u]);
}
