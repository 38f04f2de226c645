/* The isolation audit.
 *
 * What a tenant is. A tenant schema is a schema that is not a system one
 * (pg_*, information_schema) and either
 *   1. is owned by a login role that is not a superuser - the rule
 *      catalog.c uses for is_tenant - or by a login role that still carries
 *      the marks `pgtenant create` left on it (its search_path in this
 *      database is that schema, or its name is the user-name pattern applied
 *      to the schema), so that a tenant later made SUPERUSER stays a tenant
 *      and is reported instead of vanishing from the audit; or
 *   2. is owned by anyone else (the admin, a NOLOGIN role) and, not being
 *      `public`, grants CREATE directly to login roles that are not
 *      superusers: the shape cloaca's create_tenant left behind (an admin
 *      schema handed to a tenant). Each such grantee is a tenant of it.
 * The role the audit runs as is never a tenant (the admin: a CREATEROLE
 * admin owns schemas too, and is a member of the tenant roles it made).
 * A tenant role is a role that is the tenant of some tenant schema. The data
 * of a tenant is everything in its schemas plus whatever it owns elsewhere.
 *
 * "Can reach" follows pg_has_role(..., 'MEMBER'): membership through any
 * chain of groups counts, inherited or not, because a NOINHERIT member can
 * still SET ROLE. The membership closure is computed once per query by a
 * recursive walk over pg_auth_members, so the cost grows with the number of
 * grants and memberships, never with tenants x tenants: five queries in all.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "audit_sql.h"
#include "names.h"

const char *
pt_severity_name(enum pt_severity s)
{
	static const char *const names[] = {
#define PT_SEVERITY_NAME(code, name) name,
		PT_SEVERITY_LIST(PT_SEVERITY_NAME)
#undef PT_SEVERITY_NAME
	};
	return (unsigned)s < PT_SEVERITY_COUNT ? names[s] : "?";
}

/* ---- the built-in roles worth a finding --------------------------------- */

static const struct builtin {
	const char *name;
	enum pt_severity severity;
	const char *power;      /* what a member can do, in plain words */
} builtins[] = {
	{ "pg_read_all_data", PT_SEV_HIGH,
	  N_("read every table, view and sequence in every schema, other tenants' included") },
	{ "pg_write_all_data", PT_SEV_HIGH,
	  N_("write every table in every schema, other tenants' included") },
	{ "pg_execute_server_program", PT_SEV_HIGH,
	  N_("run programs on the database server as its operating-system user") },
	{ "pg_read_server_files", PT_SEV_HIGH,
	  N_("read any file the database server can read") },
	{ "pg_write_server_files", PT_SEV_HIGH,
	  N_("write any file the database server can write") },
	{ "pg_signal_backend", PT_SEV_MEDIUM,
	  N_("cancel or terminate other sessions, other tenants' included") },
	{ "pg_monitor", PT_SEV_MEDIUM,
	  N_("read monitoring views, other sessions' queries included") },
	{ "pg_read_all_stats", PT_SEV_MEDIUM,
	  N_("read every statistics view, other sessions' queries included") },
	{ "pg_read_all_settings", PT_SEV_MEDIUM,
	  N_("read every server setting, file paths included") },
	{ "pg_stat_scan_tables", PT_SEV_MEDIUM,
	  N_("run monitoring functions that lock other tenants' tables") },
	{ "pg_checkpoint", PT_SEV_MEDIUM,
	  N_("force checkpoints at will") },
	{ "pg_create_subscription", PT_SEV_MEDIUM,
	  N_("create subscriptions that connect out of the server") },
	{ "pg_use_reserved_connections", PT_SEV_MEDIUM,
	  N_("take the connections reserved for administrators") },
	{ "pg_maintain", PT_SEV_MEDIUM,
	  N_("VACUUM, ANALYZE, REINDEX, CLUSTER and LOCK every table") },
	{ "pg_signal_autovacuum_worker", PT_SEV_MEDIUM,
	  N_("cancel or terminate autovacuum on other tenants' tables") },
};
#define N_BUILTINS (sizeof builtins / sizeof *builtins)

/* The names as a text[] literal, for "= ANY($2::text[])". */
static char *
builtins_array(void)
{
	size_t len = 3;
	char *s, *p;

	for (size_t i = 0; i < N_BUILTINS; i++)
		len += strlen(builtins[i].name) + 1;
	p = s = pt_xmalloc(len);
	*p++ = '{';
	for (size_t i = 0; i < N_BUILTINS; i++) {
		if (i)
			*p++ = ',';
		p = stpcpy(p, builtins[i].name);
	}
	*p++ = '}';
	*p = '\0';
	return s;
}

static const struct builtin *
builtin_find(const char *name)
{
	for (size_t i = 0; i < N_BUILTINS; i++)
		if (!strcmp(builtins[i].name, name))
			return &builtins[i];
	return NULL;
}

/* ---- the SQL -------------------------------------------------------------
 * Every query starts from the same definitions. $1 is the user-name
 * pattern ("{tenant}_user"). */

#define BASE_CTE \
	"WITH RECURSIVE" PT_TENANT_CTES "," \
	" closure(member, grp, hop) AS (" \
	"  SELECT m.member, m.roleid, m.roleid FROM pg_catalog.pg_auth_members m" \
	"  UNION" \
	"  SELECT c.member, m.roleid, c.hop FROM closure c, pg_catalog.pg_auth_members m" \
	"   WHERE m.member = c.grp)," \
	" memb AS (SELECT DISTINCT ON (c.member, c.grp) c.member, c.grp, c.hop" \
	"   FROM closure c ORDER BY c.member, c.grp, c.hop)"

/* The first names of an aggregate, sorted, at most MAX_NAMES of them: a
 * group with 10,000 tenant members must not make a 100 kB detail. */
#define MAX_NAMES 10
#define STR_(x) #x
#define STR(x) STR_(x)
#define CAPPED_NAMES(COL) \
	"pg_catalog.array_to_string((pg_catalog.array_agg(" COL "::text ORDER BY " COL \
	"))[1:" STR(MAX_NAMES) "], ', ')"

/* The tenants whose data an object is, as names: its schema's (from the
 * dtn CTE, joined) and its owner (row W of pg_roles) if a tenant. */
#define DATA_TENANTS(R, W) \
	"pg_catalog.concat_ws(', ', dtn.names, CASE WHEN " R ".owner IN" \
	"  (SELECT oid FROM troles) AND NOT coalesce(" R ".owner = ANY (dtn.oids), false)" \
	"  THEN " W ".rolname END)"

/* Every privilege on tenant data held by a role that is not that data's
 * tenant: through a direct grant to another tenant, a group another tenant
 * is a member of, or PUBLIC. One row per (object, grantee). */
static const char grants_sql[] =
	BASE_CTE ","
	" acl AS ("
	"  SELECT 'schema'::text AS kind, n.oid AS nsp, n.nspname::text AS obj,"
	"         ''::text AS args, ''::text AS col, n.nspowner AS owner,"
	"         'n'::text AS objtype, a.grantee, a.privilege_type AS priv"
	"    FROM nsp n, " PT_ACL("n.nspacl", "a")
	"  UNION ALL"
	"  SELECT CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END,"
	"         c.relnamespace, c.relname, '', '', c.relowner, c.relkind::text,"
	"         a.grantee, a.privilege_type"
	"    FROM pg_catalog.pg_class c, " PT_ACL("c.relacl", "a")
	"   WHERE c.relacl IS NOT NULL AND c.relnamespace IN (SELECT oid FROM nsp)"
	"  UNION ALL"
	"  SELECT 'column', c.relnamespace, c.relname, '', t.attname, c.relowner,"
	"         c.relkind::text, a.grantee, a.privilege_type"
	"    FROM pg_catalog.pg_attribute t"
	"    JOIN pg_catalog.pg_class c ON c.oid = t.attrelid,"
	"         " PT_ACL("t.attacl", "a")
	"   WHERE t.attacl IS NOT NULL AND NOT t.attisdropped"
	"     AND c.relnamespace IN (SELECT oid FROM nsp)"
	"  UNION ALL"
	/* PUBLIC's EXECUTE is every function's default and needs USAGE on the
	 * schema to matter, which is reported on its own. */
	"  SELECT 'function', p.pronamespace, p.proname,"
	"         pg_catalog.pg_get_function_identity_arguments(p.oid), '',"
	"         p.proowner, p.prokind::text, a.grantee, a.privilege_type"
	"    FROM pg_catalog.pg_proc p, " PT_ACL("p.proacl", "a")
	"   WHERE p.proacl IS NOT NULL AND p.pronamespace IN (SELECT oid FROM nsp)"
	"     AND a.grantee <> 0"
	"  UNION ALL"
	"  SELECT 'default', d.defaclnamespace, '', '', '', d.defaclrole,"
	"         d.defaclobjtype::text, a.grantee, a.privilege_type"
	"    FROM pg_catalog.pg_default_acl d, " PT_ACL("d.defaclacl", "a")
	"   WHERE NOT (a.grantee = 0 AND d.defaclobjtype IN ('f', 'T'))),"
	" ent AS (SELECT pg_catalog.row_number() OVER () AS id,"
	"         e.kind, e.nsp, e.obj, e.args, e.owner, e.objtype, e.grantee,"
	"         pg_catalog.string_agg(DISTINCT e.priv, ', ' ORDER BY e.priv) AS privs,"
	"         pg_catalog.string_agg(DISTINCT e.col, E'\\x1f' ORDER BY e.col)"
	"           FILTER (WHERE e.col <> '') AS cols"
	"    FROM acl e"
	"   WHERE e.grantee <> e.owner"
	"     AND (e.owner IN (SELECT oid FROM troles)"
	"          OR e.nsp IN (SELECT t.nsp FROM tenancy t))"
	"   GROUP BY e.kind, e.nsp, e.obj, e.args, e.owner, e.objtype, e.grantee),"
	" usage AS (SELECT n.oid AS nsp, a.grantee"
	"    FROM nsp n, " PT_ACL("n.nspacl", "a")
	"   WHERE a.privilege_type = 'USAGE'),"
	/* Narrow rows from here on: a grant to a group of 10,000 tenants makes
	 * 10,000 of them. */
	" reach AS (SELECT e.id, e.kind, e.nsp, e.owner, e.grantee AS reacher FROM ent e"
	"   WHERE e.grantee IN (SELECT oid FROM troles)"
	"  UNION ALL"
	"  SELECT e.id, e.kind, e.nsp, e.owner, m.member FROM ent e"
	"    JOIN memb m ON m.grp = e.grantee"
	"   WHERE e.grantee <> 0 AND e.grantee NOT IN (SELECT oid FROM troles)"
	"     AND m.member IN (SELECT oid FROM troles)),"
	/* Who may use which schema: joined, never probed row by row, so that
	 * a group of 10,000 tenants costs one hash join. */
	" usable AS (SELECT u.nsp, u.grantee AS who FROM usage u"
	"  UNION"
	"  SELECT u.nsp, m.member FROM usage u JOIN memb m ON m.grp = u.grantee),"
	" pubusable AS (SELECT DISTINCT u.nsp FROM usage u WHERE u.grantee = 0),"
	" xt AS (SELECT r.id, r.reacher, r.kind IN ('schema', 'default') OR ub.nsp IS NOT NULL"
	"          OR pu.nsp IS NOT NULL AS eff"
	"    FROM reach r"
	"    LEFT JOIN usable ub ON ub.nsp = r.nsp AND ub.who = r.reacher"
	"    LEFT JOIN pubusable pu ON pu.nsp = r.nsp"
	"   WHERE r.reacher <> r.owner AND NOT EXISTS (SELECT 1 FROM tenancy t"
	"           WHERE t.nsp = r.nsp AND t.tenant = r.reacher)),"
	" agg AS (SELECT x.id, pg_catalog.count(*) AS nreach, pg_catalog.bool_or(x.eff) AS eff,"
	"         (pg_catalog.array_agg(x.reacher ORDER BY x.reacher))[1:" STR(MAX_NAMES) "]"
	"           AS first"
	"    FROM xt x GROUP BY x.id),"
	" res AS (SELECT e.kind, e.nsp, e.obj, e.args, e.cols, e.objtype, e.owner,"
	"         e.grantee, e.privs,"
	"         (SELECT pg_catalog.string_agg(rr.rolname, ', ' ORDER BY rr.rolname)"
	"            FROM pg_catalog.pg_roles rr WHERE rr.oid = ANY (a.first)) AS reachers,"
	"         a.nreach, a.eff"
	"    FROM agg a JOIN ent e ON e.id = a.id"
	"  UNION ALL"
	"  SELECT e.kind, e.nsp, e.obj, e.args, e.cols, e.objtype, e.owner, e.grantee,"
	"         e.privs, NULL, 0, e.kind IN ('schema', 'default') OR pu.nsp IS NOT NULL"
	"    FROM ent e LEFT JOIN pubusable pu ON pu.nsp = e.nsp WHERE e.grantee = 0),"
	" dtn AS (SELECT t.nsp, pg_catalog.array_agg(t.tenant) AS oids,"
	"         pg_catalog.string_agg(dr.rolname, ', ' ORDER BY dr.rolname) AS names"
	"    FROM tenancy t JOIN pg_catalog.pg_roles dr ON dr.oid = t.tenant GROUP BY t.nsp)"
	" SELECT r.kind, s.nspname, r.obj, r.args, r.cols, r.objtype, w.rolname,"
	"        CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE g.rolname END,"
	"        r.grantee IN (SELECT oid FROM troles), r.privs, r.reachers, r.eff,"
	"        " DATA_TENANTS("r", "w") ", r.nreach, r.grantee = 0"
	"   FROM res r"
	"   LEFT JOIN dtn ON dtn.nsp = r.nsp"
	"   LEFT JOIN pg_catalog.pg_namespace s ON s.oid = r.nsp"
	"   LEFT JOIN pg_catalog.pg_roles g ON g.oid = r.grantee"
	"   JOIN pg_catalog.pg_roles w ON w.oid = r.owner";

enum { G_KIND, G_SCHEMA, G_OBJ, G_ARGS, G_COLS, G_OBJTYPE, G_OWNER, G_GRANTEE,
       G_DIRECT, G_PRIVS, G_REACHERS, G_EFF, G_TENANTS, G_NREACH,
       G_IS_PUBLIC };

/* The role-level checks: attributes and memberships of tenant roles, the
 * database's owner, passwords and expiry of login roles, orphan roles.
 * $2 = the powerful built-in roles, $3 = the user-name pattern as LIKE. */
#define ROLES_SQL(PW) \
	BASE_CTE "," \
	" tschema AS (SELECT t.tenant, pg_catalog.min(n.nspname) AS schema" \
	"    FROM tenancy t JOIN nsp n ON n.oid = t.nsp GROUP BY t.tenant)," \
	" gkind AS (SELECT g.oid, CASE" \
	"     WHEN g.oid IN (SELECT oid FROM troles) THEN 'tenant'" \
	"     WHEN g.rolname = ANY ($2::text[]) THEN 'builtin'" \
	"     WHEN g.rolsuper OR g.rolcreaterole OR g.rolcreatedb OR g.rolreplication" \
	"       OR g.rolbypassrls THEN 'privileged' END AS k" \
	"    FROM pg_catalog.pg_roles g)" \
	" SELECT 'attr', r.rolname, pg_catalog.concat_ws(','," \
	"     CASE WHEN r.rolsuper THEN 'SUPERUSER' END," \
	"     CASE WHEN r.rolcreaterole THEN 'CREATEROLE' END," \
	"     CASE WHEN r.rolreplication THEN 'REPLICATION' END," \
	"     CASE WHEN r.rolbypassrls THEN 'BYPASSRLS' END," \
	"     CASE WHEN r.rolcreatedb THEN 'CREATEDB' END), '', '', ts.schema" \
	"   FROM pg_catalog.pg_roles r JOIN tschema ts ON ts.tenant = r.oid" \
	"  WHERE r.rolsuper OR r.rolcreaterole OR r.rolreplication OR r.rolbypassrls" \
	"     OR r.rolcreatedb" \
	" UNION ALL" \
	" SELECT 'member', r.rolname, g.rolname, h.rolname, k.k, ts.schema" \
	"   FROM memb m JOIN tschema ts ON ts.tenant = m.member" \
	"   JOIN gkind k ON k.oid = m.grp" \
	"   JOIN pg_catalog.pg_roles r ON r.oid = m.member" \
	"   JOIN pg_catalog.pg_roles g ON g.oid = m.grp" \
	"   JOIN pg_catalog.pg_roles h ON h.oid = m.hop" \
	"  WHERE k.k IS NOT NULL AND m.grp <> m.member" \
	" UNION ALL" \
	" SELECT 'dbowner', r.rolname, d.datname, '', '', ts.schema" \
	"   FROM pg_catalog.pg_database d JOIN tschema ts ON ts.tenant = d.datdba" \
	"   JOIN pg_catalog.pg_roles r ON r.oid = d.datdba" \
	"  WHERE d.datname = pg_catalog.current_database()" \
	" UNION ALL" \
	" SELECT 'login', r.rolname, " PW "," \
	"     (r.rolvaliduntil IS NULL OR r.rolvaliduntil = 'infinity')::text," \
	"     '', ts.schema" \
	"   FROM pg_catalog.pg_roles r LEFT JOIN tschema ts ON ts.tenant = r.oid" \
	"  WHERE r.rolcanlogin" \
	" UNION ALL" \
	" SELECT 'orphan', r.rolname, coalesce(p.path, ''), '', '', NULL" \
	"   FROM pg_catalog.pg_roles r LEFT JOIN dbpath p ON p.setrole = r.oid" \
	"  WHERE r.rolcanlogin AND NOT r.rolsuper" \
	"    AND r.oid NOT IN (SELECT oid FROM troles)" \
	"    AND ((p.path ~ '^([a-z_][a-z0-9_$]*|\"([^\"]|\"\")+\")$'" \
	"          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n" \
	"                           WHERE pg_catalog.quote_ident(n.nspname) = p.path))" \
	"      OR (NOT r.rolinherit AND r.rolname LIKE $3 AND r.oid IN (SELECT a.grantee" \
	"           FROM pg_catalog.pg_database d, " PT_ACL("d.datacl", "a") \
	"          WHERE d.datname = pg_catalog.current_database()" \
	"            AND a.privilege_type = 'CONNECT')))"

static const char roles_pw_sql[] = ROLES_SQL(
	"(SELECT CASE WHEN a.rolpassword IS NULL THEN 'none'"
	"   WHEN a.rolpassword LIKE 'md5%' THEN 'md5' ELSE 'ok' END"
	"   FROM pg_catalog.pg_authid a WHERE a.oid = r.oid)");
static const char roles_sql[] = ROLES_SQL("'unknown'");

enum { R_WHAT, R_ROLE, R_A, R_B, R_C, R_SCHEMA };

/* Objects in tenant schemas that their tenant does not own. $2 = the
 * powerful built-in roles. */
static const char owners_sql[] =
	BASE_CTE ","
	" privrole AS (SELECT g.oid FROM pg_catalog.pg_roles g"
	"   WHERE g.rolsuper OR g.rolcreaterole OR g.rolcreatedb OR g.rolreplication"
	"      OR g.rolbypassrls OR g.rolname = ANY ($2::text[])"
	"  UNION"
	"  SELECT m.member FROM memb m JOIN pg_catalog.pg_roles g ON g.oid = m.grp"
	"   WHERE g.rolsuper OR g.rolcreaterole OR g.rolcreatedb OR g.rolreplication"
	"      OR g.rolbypassrls OR g.rolname = ANY ($2::text[]))," 
	" obj AS ("
	"  SELECT c.relnamespace AS nsp, c.relkind::text AS kind, c.relname::text AS name,"
	"         ''::text AS args, c.relowner AS owner, false AS secdef"
	"    FROM pg_catalog.pg_class c"
	"   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
	"     AND c.relnamespace IN (SELECT t.nsp FROM tenancy t)"
	"  UNION ALL"
	"  SELECT p.pronamespace, 'routine', p.proname,"
	"         pg_catalog.pg_get_function_identity_arguments(p.oid), p.proowner,"
	"         p.prosecdef"
	"    FROM pg_catalog.pg_proc p"
	"   WHERE p.pronamespace IN (SELECT t.nsp FROM tenancy t)"
	"  UNION ALL"
	"  SELECT t.typnamespace, CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END,"
	"         t.typname, '', t.typowner, false"
	"    FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid"
	"   WHERE t.typtype IN ('e', 'd', 'r', 'c') AND (t.typrelid = 0 OR c.relkind = 'c')"
	"     AND t.typnamespace IN (SELECT t2.nsp FROM tenancy t2)),"
	" fo AS (SELECT o.* FROM obj o WHERE NOT EXISTS (SELECT 1 FROM tenancy t"
	"          WHERE t.nsp = o.nsp AND t.tenant = o.owner)),"
	" first_tenant AS (SELECT t.nsp, pg_catalog.min(r.rolname) AS name"
	"    FROM tenancy t JOIN pg_catalog.pg_roles r ON r.oid = t.tenant GROUP BY t.nsp),"
	/* Tenants of other schemas that can SET ROLE to a non-tenant owner. */
	" via AS (SELECT o.nsp, o.kind, o.name, o.args, " CAPPED_NAMES("r.rolname") " AS names,"
	"          pg_catalog.count(*) AS n"
	"    FROM fo o JOIN memb m ON m.grp = o.owner"
	"    JOIN pg_catalog.pg_roles r ON r.oid = m.member"
	"   WHERE o.owner NOT IN (SELECT oid FROM troles)"
	"     AND m.member IN (SELECT oid FROM troles)"
	"     AND NOT EXISTS (SELECT 1 FROM tenancy t"
	"                      WHERE t.nsp = o.nsp AND t.tenant = m.member)"
	"   GROUP BY 1, 2, 3, 4)"
	" SELECT n.nspname, o.kind, o.name, o.args, w.rolname,"
	"        o.owner IN (SELECT oid FROM troles), o.owner IN (SELECT oid FROM privrole),"
	"        o.secdef,"
	"        ft.name, v.names, v.n"
	"   FROM fo o JOIN pg_catalog.pg_namespace n ON n.oid = o.nsp"
	"   JOIN pg_catalog.pg_roles w ON w.oid = o.owner"
	"   LEFT JOIN first_tenant ft ON ft.nsp = o.nsp"
	"   LEFT JOIN via v ON v.nsp = o.nsp AND v.kind = o.kind AND v.name = o.name"
	"    AND v.args = o.args";

enum { O_SCHEMA, O_KIND, O_NAME, O_ARGS, O_OWNER, O_OWNER_TENANT, O_OWNER_PRIV,
       O_SECDEF, O_TENANT, O_REACHERS, O_NREACH };

/* Database-wide: schema public, PUBLIC on databases, tenants reaching
 * public through a grant, orphan schemas, and the facts the other queries
 * need (may pg_authid be read, how many tenants). */
static const char dbwide_sql[] =
	BASE_CTE
	" SELECT 'public-schema', n.nspname::text,"
	"        pg_catalog.string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type),"
	"        '', ''"
	"   FROM pg_catalog.pg_namespace n,"
	"        " PT_ACL("coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))", "a")
	"  WHERE n.nspname = 'public' AND a.grantee = 0"
	"  GROUP BY n.nspname"
	" UNION ALL"
	" SELECT 'database', d.datname::text,"
	"        pg_catalog.string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type),"
	"        (d.datname = pg_catalog.current_database())::text, ''"
	"   FROM pg_catalog.pg_database d,"
	"        " PT_ACL("coalesce(d.datacl, pg_catalog.acldefault('d', d.datdba))", "a")
	"  WHERE d.datallowconn AND a.grantee = 0"
	"    AND a.privilege_type IN ('CONNECT', 'TEMPORARY')"
	"  GROUP BY d.datname"
	" UNION ALL"
	" SELECT 'public-access', r.rolname::text,"
	"        pg_catalog.string_agg(DISTINCT a.privilege_type, ', '),"
	"        pg_catalog.min(CASE WHEN a.grantee = r.oid THEN '' ELSE g.rolname END),"
	"        pg_catalog.min(CASE WHEN a.grantee = r.oid THEN '' ELSE h.rolname END)"
	"   FROM pg_catalog.pg_namespace n, " PT_ACL("n.nspacl", "a") ","
	"        pg_catalog.pg_roles g"
	"   LEFT JOIN memb m ON m.grp = g.oid"
	"   LEFT JOIN pg_catalog.pg_roles h ON h.oid = m.hop,"
	"        pg_catalog.pg_roles r"
	"  WHERE n.nspname = 'public' AND g.oid = a.grantee"
	"    AND r.oid IN (SELECT oid FROM troles)"
	"    AND (r.oid = a.grantee OR r.oid = m.member)"
	"  GROUP BY r.rolname"
	" UNION ALL"
	" SELECT 'orphan-schema', n.nspname::text, o.rolname::text, '', ''"
	"   FROM nsp n JOIN pg_catalog.pg_roles o ON o.oid = n.nspowner"
	"  WHERE n.nspname <> 'public' AND NOT o.rolcanlogin AND o.rolname !~ '^pg_'"
	"    AND n.oid NOT IN (SELECT t.nsp FROM tenancy t)"
	"    AND NOT EXISTS (SELECT 1 FROM memb m JOIN pg_catalog.pg_roles r"
	"          ON r.oid = m.member WHERE m.grp = n.nspowner AND r.rolcanlogin)"
	"    AND NOT EXISTS (SELECT 1 FROM " PT_ACL("n.nspacl", "a")
	"          LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee"
	"         WHERE a.privilege_type = 'USAGE' AND (a.grantee = 0 OR r.rolcanlogin"
	"           OR EXISTS (SELECT 1 FROM memb m JOIN pg_catalog.pg_roles r2"
	"                ON r2.oid = m.member WHERE m.grp = a.grantee AND r2.rolcanlogin)))"
	" UNION ALL"
	/* Several tenants of one schema (an admin schema granting CREATE to
	 * more than one): every one but the first is reported. */
	" SELECT 'shared-schema', n.nspname::text, r.rolname::text, x.others, ''"
	"   FROM (SELECT t.nsp, t.tenant, pg_catalog.string_agg(r2.rolname, ', ') OVER w"
	"           AS others,"
	"         pg_catalog.rank() OVER w AS k, pg_catalog.count(*) OVER w AS c"
	"    FROM tenancy t JOIN pg_catalog.pg_roles r2 ON r2.oid = t.tenant"
	"  WINDOW w AS (PARTITION BY t.nsp ORDER BY r2.rolname"
	"               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) x"
	"   JOIN pg_catalog.pg_namespace n ON n.oid = x.nsp"
	"   JOIN pg_catalog.pg_roles r ON r.oid = x.tenant"
	"  WHERE x.c > 1 AND x.k > 1"
	" UNION ALL"
	" SELECT 'facts', pg_catalog.has_table_privilege('pg_catalog.pg_authid',"
	"        'SELECT')::text,"
	"        (SELECT pg_catalog.count(DISTINCT t.nsp) FROM tenancy t)::text,"
	"        (SELECT pg_catalog.count(*) FROM troles)::text, ''";

enum { D_WHAT, D_NAME, D_A, D_B, D_C };

/* ---- building the result ------------------------------------------------ */

struct store {
	char **strs;
	size_t nstrs, capstrs;
	struct pt_finding *f;
	size_t nf, capf;
};

/* Keep s (malloc'd) until the audit is freed. */
static const char *
keep(struct store *st, char *s)
{
	if (!s)
		return NULL;
	if (st->nstrs == st->capstrs) {
		st->capstrs = st->capstrs ? st->capstrs * 2 : 64;
		st->strs = pt_xrealloc(st->strs, st->capstrs * sizeof *st->strs);
	}
	st->strs[st->nstrs++] = s;
	return s;
}

static const char *
keep_dup(struct store *st, const char *s)
{
	return s ? keep(st, pt_xstrdup(s)) : NULL;
}

/* Record a finding; detail and fix are malloc'd and taken over. */
static void
add(struct store *st, enum pt_severity sev, const char *rule, const char *role,
    const char *schema, const char *object, const char *via, char *detail,
    char *fix)
{
	struct pt_finding *f;

	if (st->nf == st->capf) {
		st->capf = st->capf ? st->capf * 2 : 64;
		st->f = pt_xrealloc(st->f, st->capf * sizeof *st->f);
	}
	f = &st->f[st->nf++];
	f->severity = sev;
	f->rule = rule;
	f->role = keep_dup(st, role);
	f->schema = schema && *schema ? keep_dup(st, schema) : NULL;
	f->object = object && *object ? keep_dup(st, object) : NULL;
	f->via = via && *via ? keep_dup(st, via) : NULL;
	f->detail = keep(st, detail);
	f->fix_sql = keep(st, fix);
}

/* schema.name, both quoted; name alone when schema is NULL or empty. */
static char *
qualified(pt_db *db, const char *schema, const char *name)
{
	char *n = pt_quote_ident(db, name), *s, *r;

	if (!schema || !*schema)
		return n;
	s = pt_quote_ident(db, schema);
	r = pt_xasprintf("%s.%s", s, n);
	free(s);
	free(n);
	return r;
}

static const char *
val(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static bool
tval(const PGresult *res, int row, int col)
{
	return *PQgetvalue(res, row, col) == 't';
}

/* How an object kind reads in a sentence, and how SQL names it. */
struct relkind {
	char kind;
	const char *noun;      /* translated at use */
	const char *sql;       /* ALTER <sql> ... OWNER TO */
	const char *grant_sql; /* GRANT/REVOKE ... ON <grant_sql> */
};

static const struct relkind relkinds[] = {
	{ 'r', N_("table"), "TABLE", "TABLE" },
	{ 'p', N_("partitioned table"), "TABLE", "TABLE" },
	{ 'v', N_("view"), "VIEW", "TABLE" },
	{ 'm', N_("materialized view"), "MATERIALIZED VIEW", "TABLE" },
	{ 'S', N_("sequence"), "SEQUENCE", "SEQUENCE" },
	{ 'f', N_("foreign table"), "FOREIGN TABLE", "TABLE" },
};

static const struct relkind *
relkind_find(const char *k)
{
	for (size_t i = 0; i < sizeof relkinds / sizeof *relkinds; i++)
		if (k && k[0] == relkinds[i].kind)
			return &relkinds[i];
	return &relkinds[0];
}

/* Default privileges: the objects they apply to. */
static void
defacl_kind(const char *objtype, const char **noun, const char **sql)
{
	switch (objtype ? objtype[0] : 'r') {
	case 'S': *noun = _("sequences"); *sql = "SEQUENCES"; break;
	case 'f': *noun = _("functions"); *sql = "FUNCTIONS"; break;
	case 'T': *noun = _("types"); *sql = "TYPES"; break;
	case 'n': *noun = _("schemas"); *sql = "SCHEMAS"; break;
	default: *noun = _("tables"); *sql = "TABLES"; break;
	}
}

/* Split the unit-separated column list and quote each name. */
static char *
quote_columns(pt_db *db, const char *cols)
{
	char *copy = pt_xstrdup(cols ? cols : ""), *save = NULL, *out = pt_xstrdup("");

	for (char *c = strtok_r(copy, "\x1f", &save); c; c = strtok_r(NULL, "\x1f", &save)) {
		char *q = pt_quote_ident(db, c);
		char *n = pt_xasprintf("%s%s%s", out, *out ? ", " : "", q);
		free(q);
		free(out);
		out = n;
	}
	free(copy);
	return out;
}

/* "a, b, c" or "a, ..., j and 990 more" for a capped name list and the
 * full count (a decimal string). malloc'd. */
static char *
names_and_more(const char *names, const char *count)
{
	long n = count ? strtol(count, NULL, 10) : 0;

	if (!names)
		return pt_xstrdup("");
	if (n <= MAX_NAMES)
		return pt_xstrdup(names);
	return pt_xasprintf(_("%s and %ld more"), names, n - MAX_NAMES);
}

/* One row of grants_sql into a finding. */
static void
grant_finding(pt_db *db, struct store *st, const PGresult *res, int i)
{
	const char *kind = val(res, i, G_KIND), *schema = val(res, i, G_SCHEMA);
	const char *obj = val(res, i, G_OBJ), *args = val(res, i, G_ARGS);
	const char *objtype = val(res, i, G_OBJTYPE), *owner = val(res, i, G_OWNER);
	const char *grantee = val(res, i, G_GRANTEE), *privs = val(res, i, G_PRIVS);
	char *reachers = names_and_more(val(res, i, G_REACHERS), val(res, i, G_NREACH));
	const char *tenants = val(res, i, G_TENANTS);
	/* By oid: a role may really be called "PUBLIC". */
	bool is_public = tval(res, i, G_IS_PUBLIC);
	bool direct = tval(res, i, G_DIRECT);
	bool eff = tval(res, i, G_EFF);
	char *g = is_public ? pt_xstrdup("PUBLIC") : pt_quote_ident(db, grantee), *what = NULL, *fix = NULL, *object = NULL;
	char *who, *detail, *latent;
	static const char *const rules[][2] = {
		/* { cross-tenant, PUBLIC } */
		{ "cross-tenant-schema-grant", "public-tenant-schema-grant" },
		{ "cross-tenant-table-grant", "public-tenant-table-grant" },
		{ "cross-tenant-column-grant", "public-tenant-column-grant" },
		{ "cross-tenant-sequence-grant", "public-tenant-sequence-grant" },
		{ "cross-tenant-function-grant", "public-tenant-function-grant" },
		{ "cross-tenant-default-privilege", "public-tenant-default-privilege" },
	};
	int k;

	if (!strcmp(kind, "schema")) {
		k = 0;
		object = pt_quote_ident(db, obj);
		what = pt_xasprintf(_("schema %s"), object);
		fix = pt_xasprintf("REVOKE ALL ON SCHEMA %s FROM %s;", object, g);
	} else if (!strcmp(kind, "table") || !strcmp(kind, "sequence")) {
		const struct relkind *rk = relkind_find(objtype);
		k = !strcmp(kind, "table") ? 1 : 3;
		object = qualified(db, schema, obj);
		what = pt_xasprintf("%s %s", _(rk->noun), object);
		fix = pt_xasprintf("REVOKE ALL ON %s %s FROM %s;", rk->grant_sql, object, g);
	} else if (!strcmp(kind, "column")) {
		const struct relkind *rk = relkind_find(objtype);
		char *cols = quote_columns(db, val(res, i, G_COLS));
		k = 2;
		object = qualified(db, schema, obj);
		what = pt_xasprintf(_("columns (%s) of %s %s"), cols, _(rk->noun), object);
		fix = pt_xasprintf("REVOKE ALL (%s) ON TABLE %s FROM %s;", cols, object, g);
		free(cols);
	} else if (!strcmp(kind, "function")) {
		bool proc = objtype && objtype[0] == 'p';
		char *q = qualified(db, schema, obj);
		k = 4;
		object = pt_xasprintf("%s(%s)", q, args ? args : "");
		free(q);
		what = pt_xasprintf("%s %s", proc ? _("procedure") : _("function"), object);
		fix = pt_xasprintf("REVOKE ALL ON ROUTINE %s FROM %s;", object, g);
	} else {
		const char *noun, *sql;
		char *o = pt_quote_ident(db, owner);
		k = 5;
		defacl_kind(objtype, &noun, &sql);
		if (schema) {
			char *s = pt_quote_ident(db, schema);
			what = pt_xasprintf(_("every one of the %s that %s creates in schema %s "
			                      "from now on (default privileges)"), noun, o, s);
			fix = pt_xasprintf("ALTER DEFAULT PRIVILEGES FOR ROLE %s IN SCHEMA %s "
			                   "REVOKE ALL ON %s FROM %s;", o, s, sql, g);
			free(s);
		} else {
			what = pt_xasprintf(_("every one of the %s that %s creates from now on "
			                      "(default privileges)"), noun, o);
			fix = pt_xasprintf("ALTER DEFAULT PRIVILEGES FOR ROLE %s "
			                   "REVOKE ALL ON %s FROM %s;", o, sql, g);
		}
		free(o);
	}
	if (is_public)
		who = pt_xasprintf(_("Every role (PUBLIC), every other tenant included, holds %s on %s"),
		                   privs, what);
	else if (direct)
		who = pt_xasprintf(_("Tenant role %s holds %s on %s"), grantee, privs, what);
	else
		who = pt_xasprintf(_("Tenant role(s) %s hold %s on %s"), reachers, privs, what);
	latent = eff ? pt_xstrdup("")
	             : pt_xasprintf(_(" It is latent: it takes effect as soon as they "
	                              "get USAGE on schema %s."), schema ? schema : "");
	if (is_public || direct)
		detail = pt_xasprintf(_("%s, which belongs to tenant %s, through a %s.%s"),
		                      who, tenants ? tenants : "?",
		                      is_public ? _("grant to PUBLIC") : _("direct grant"),
		                      latent);
	else
		detail = pt_xasprintf(_("%s, which belongs to tenant %s, through membership "
		                        "in role %s (directly or not; inherited or by "
		                        "SET ROLE).%s"),
		                      who, tenants ? tenants : "?", grantee, latent);
	add(st, eff ? PT_SEV_HIGH : PT_SEV_MEDIUM, rules[k][is_public ? 1 : 0],
	    grantee, schema, object, is_public ? "PUBLIC" : direct ? NULL : grantee,
	    detail, fix);
	free(who);
	free(latent);
	free(what);
	free(object);
	free(g);
	free(reachers);
}

/* The same sentence for the attribute findings. */
static const struct attr {
	const char *name, *neg;
	enum pt_severity severity;
	const char *power;
} attrs[] = {
	{ "SUPERUSER", "NOSUPERUSER", PT_SEV_HIGH,
	  N_("bypass every permission check, other tenants' data included") },
	{ "CREATEROLE", "NOCREATEROLE", PT_SEV_HIGH,
	  N_("create roles and grant itself membership in other roles") },
	{ "REPLICATION", "NOREPLICATION", PT_SEV_HIGH,
	  N_("stream the whole cluster's data through a replication connection") },
	{ "BYPASSRLS", "NOBYPASSRLS", PT_SEV_MEDIUM,
	  N_("ignore every row-level security policy") },
	{ "CREATEDB", "NOCREATEDB", PT_SEV_MEDIUM,
	  N_("create databases, which other tenants may connect to") },
};

/* A suggested expiry date: "2027-11-26". */
static const char *
a_year_from_now(void)
{
	static char buf[16];
	time_t t = time(NULL) + 365L * 24 * 3600;
	struct tm tm;

	strftime(buf, sizeof buf, "%Y-%m-%d", gmtime_r(&t, &tm));
	return buf;
}

static void
role_finding(pt_db *db, struct store *st, const PGresult *res, int i)
{
	const char *what = val(res, i, R_WHAT), *role = val(res, i, R_ROLE);
	const char *a = val(res, i, R_A), *b = val(res, i, R_B), *c = val(res, i, R_C);
	const char *schema = val(res, i, R_SCHEMA);
	char *r = pt_quote_ident(db, role);

	if (!strcmp(what, "attr")) {
		for (size_t k = 0; k < sizeof attrs / sizeof *attrs; k++) {
			if (!strstr(a, attrs[k].name))
				continue;
			add(st, attrs[k].severity, "tenant-role-attribute", role, schema, NULL, NULL,
			    pt_xasprintf(_("Tenant role %s has %s: it can %s."), role,
			                 attrs[k].name, _(attrs[k].power)),
			    pt_xasprintf("ALTER ROLE %s %s;", r, attrs[k].neg));
		}
	} else if (!strcmp(what, "member")) {
		char *h = pt_quote_ident(db, b);
		char *how = strcmp(a, b) ? pt_xasprintf(_("through role %s"), b)
		                         : pt_xstrdup(_("directly"));
		char *fix = pt_xasprintf("REVOKE %s FROM %s;", h, r);
		if (!strcmp(c, "tenant")) {
			add(st, PT_SEV_HIGH, "tenant-member-of-tenant", role, schema, NULL,
			    strcmp(a, b) ? b : NULL,
			    pt_xasprintf(_("Tenant role %s is a member of tenant role %s (%s): it "
			                   "can SET ROLE %s and read, change or drop all of that "
			                   "tenant's data."), role, a, how, a), fix);
		} else if (!strcmp(c, "builtin")) {
			const struct builtin *bi = builtin_find(a);
			add(st, bi ? bi->severity : PT_SEV_HIGH, "tenant-member-of-builtin-role",
			    role, schema, NULL, strcmp(a, b) ? b : NULL,
			    pt_xasprintf(_("Tenant role %s is a member of %s (%s): it can %s."),
			                 role, a, how, bi ? _(bi->power) : a), fix);
		} else {
			add(st, PT_SEV_HIGH, "tenant-member-of-privileged-role", role, schema, NULL,
			    strcmp(a, b) ? b : NULL,
			    pt_xasprintf(_("Tenant role %s is a member of %s (%s), which has "
			                   "SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS: "
			                   "it can SET ROLE %s and use them."), role, a, how, a), fix);
		}
		free(how);
		free(h);
	} else if (!strcmp(what, "dbowner")) {
		char *d = pt_quote_ident(db, a), *me = pt_quote_ident(db, pt_db_info(db)->user);
		add(st, PT_SEV_HIGH, "tenant-owns-database", role, schema, NULL, NULL,
		    pt_xasprintf(_("Tenant role %s owns database %s: it owns schema public "
		                   "(pg_database_owner), grants CONNECT to anyone and changes "
		                   "the database's settings."), role, a),
		    pt_xasprintf("ALTER DATABASE %s OWNER TO %s;", d, me));
		free(d);
		free(me);
	} else if (!strcmp(what, "login")) {
		if (!strcmp(a, "md5"))
			add(st, PT_SEV_LOW, "md5-password", role, schema, NULL, NULL,
			    pt_xasprintf(_("Login role %s has its password stored as an MD5 hash, "
			                   "which is weak and replayable; set a new one so the "
			                   "server stores a SCRAM verifier."), role),
			    pt_xasprintf("SET password_encryption = 'scram-sha-256'; "
			                 "-- then: \\password %s (psql), or pgtenant rotate-password", r));
		else if (!strcmp(a, "none"))
			add(st, PT_SEV_INFO, "login-without-password", role, schema, NULL, NULL,
			    pt_xasprintf(_("Login role %s has no password: it can log in only "
			                   "where pg_hba.conf trusts it or uses another method."), role),
			    pt_xasprintf("-- \\password %s (psql)", r));
		if (!strcmp(b, "true") && strcmp(a, "none") != 0)
			add(st, PT_SEV_INFO, "login-without-expiry", role, schema, NULL, NULL,
			    pt_xasprintf(_("Login role %s's password never expires."), role),
			    pt_xasprintf("ALTER ROLE %s VALID UNTIL '%s';", r, a_year_from_now()));
	} else if (!strcmp(what, "orphan")) {
		char *me = pt_quote_ident(db, pt_db_info(db)->user);
		add(st, PT_SEV_LOW, "orphan-role", role, NULL, NULL, NULL,
		    *a ? pt_xasprintf(_("Login role %s looks like a tenant (its search_path is "
		                        "%s) but has no schema: it can still log in."), role, a)
		       : pt_xasprintf(_("Login role %s looks like a tenant (NOINHERIT, named "
		                        "like one, CONNECT granted on this database) but has no "
		                        "schema: it can still log in."), role),
		    pt_xasprintf("REASSIGN OWNED BY %s TO %s; DROP OWNED BY %s; DROP ROLE %s;",
		                 r, me, r, r));
		free(me);
	}
	free(r);
}

static void
owner_finding(pt_db *db, struct store *st, const PGresult *res, int i)
{
	const char *schema = val(res, i, O_SCHEMA), *kind = val(res, i, O_KIND);
	const char *name = val(res, i, O_NAME), *args = val(res, i, O_ARGS);
	const char *owner = val(res, i, O_OWNER), *tenant = val(res, i, O_TENANT);
	char *reachers = val(res, i, O_REACHERS)
		? names_and_more(val(res, i, O_REACHERS), val(res, i, O_NREACH)) : NULL;
	bool owner_tenant = tval(res, i, O_OWNER_TENANT);
	bool owner_priv = tval(res, i, O_OWNER_PRIV), secdef = tval(res, i, O_SECDEF);
	char *q = qualified(db, schema, name), *object, *what, *fix, *t;
	const char *sql;

	if (!strcmp(kind, "routine")) {
		object = pt_xasprintf("%s(%s)", q, args ? args : "");
		what = pt_xasprintf(_("function %s"), object);
		sql = "ROUTINE";
	} else if (!strcmp(kind, "type") || !strcmp(kind, "domain")) {
		object = pt_xstrdup(q);
		what = pt_xasprintf("%s %s", !strcmp(kind, "type") ? _("type") : _("domain"),
		                    object);
		sql = !strcmp(kind, "type") ? "TYPE" : "DOMAIN";
	} else {
		const struct relkind *rk = relkind_find(kind);
		object = pt_xstrdup(q);
		what = pt_xasprintf("%s %s", _(rk->noun), object);
		sql = rk->sql;
	}
	t = pt_quote_ident(db, tenant ? tenant : owner);
	fix = pt_xasprintf("ALTER %s %s OWNER TO %s;", sql, object, t);
	if (owner_tenant)
		add(st, PT_SEV_HIGH, "cross-tenant-object-owner", owner, schema, object, NULL,
		    pt_xasprintf(_("Tenant role %s owns %s in the schema of tenant %s: it can "
		                   "read, change, grant or drop it."), owner, what, tenant),
		    fix);
	else if (secdef && owner_priv)
		add(st, PT_SEV_HIGH, "security-definer-privileged-owner", owner, schema, object,
		    NULL,
		    pt_xasprintf(_("%s in the schema of tenant %s is SECURITY DEFINER and owned "
		                   "by the privileged role %s: it runs with %s's rights, and the "
		                   "tenant controls the schema its unqualified names resolve in."),
		                 what, tenant, owner, owner),
		    fix);
	else if (reachers)
		add(st, PT_SEV_HIGH, "cross-tenant-object-owner", owner, schema, object, owner,
		    pt_xasprintf(_("Tenant role(s) %s can SET ROLE %s, the owner of %s in the "
		                   "schema of tenant %s, and so read, change or drop it."),
		                 reachers, owner, what, tenant),
		    fix);
	else
		add(st, PT_SEV_MEDIUM, "foreign-owned-object", owner, schema, object, NULL,
		    pt_xasprintf(_("%s in the schema of tenant %s is owned by %s, not by the "
		                   "tenant: the tenant controls the schema around it and can make "
		                   "%s's code run its own (triggers, functions and operators "
		                   "resolved through the schema)."), what, tenant, owner, owner),
		    fix);
	free(t);
	free(q);
	free(object);
	free(what);
	free(reachers);
}

static void
dbwide_finding(pt_db *db, struct store *st, const PGresult *res, int i,
               struct pt_audit *out)
{
	const char *what = val(res, i, D_WHAT), *name = val(res, i, D_NAME);
	const char *a = val(res, i, D_A), *b = val(res, i, D_B), *c = val(res, i, D_C);
	char group[PT_NAME_MAX + 1];
	char *n;

	pt_public_group_name(pt_db_info(db)->dbname, group, sizeof group);
	if (!strcmp(what, "facts")) {
		out->passwords_checked = !strcmp(name, "true");
		out->tenant_schemas = strtoul(a, NULL, 10);
		out->tenant_roles = strtoul(b, NULL, 10);
		return;
	}
	n = pt_quote_ident(db, name);
	if (!strcmp(what, "public-schema")) {
		if (strstr(a, "CREATE"))
			add(st, PT_SEV_HIGH, "public-schema-create", "PUBLIC", name, NULL, "PUBLIC",
			    pt_xasprintf(_("Every role (PUBLIC), tenants included, can create objects "
			                   "in schema public: a tenant can plant functions or operators "
			                   "there that other roles' queries pick up through their "
			                   "search_path. pgtenant harden closes this.")),
			    pt_xasprintf("REVOKE CREATE ON SCHEMA %s FROM PUBLIC;", n));
		if (strstr(a, "USAGE"))
			add(st, PT_SEV_MEDIUM, "public-schema-usage", "PUBLIC", name, NULL, "PUBLIC",
			    pt_xasprintf(_("Every role (PUBLIC), tenants included, can use schema "
			                   "public: tenants see and use whatever is granted there, so "
			                   "\"no access to the public schema\" does not hold. pgtenant "
			                   "harden revokes it and grants USAGE back to the group %s "
			                   "for the non-tenant roles."), group),
			    pt_xasprintf("REVOKE USAGE ON SCHEMA %s FROM PUBLIC;", n));
	} else if (!strcmp(what, "database")) {
		bool current = !strcmp(b, "true");
		if (current && strstr(a, "CONNECT"))
			add(st, PT_SEV_MEDIUM, "database-public-connect", "PUBLIC", NULL, name, "PUBLIC",
			    pt_xasprintf(_("Every role (PUBLIC) may connect to database %s, the "
			                   "tenants' database, including roles made for other "
			                   "databases. pgtenant harden revokes it and grants CONNECT to "
			                   "each tenant and to %s."), name, group),
			    pt_xasprintf("REVOKE CONNECT ON DATABASE %s FROM PUBLIC;", n));
		if (current && strstr(a, "TEMPORARY"))
			add(st, PT_SEV_LOW, "database-public-temp", "PUBLIC", NULL, name, "PUBLIC",
			    pt_xasprintf(_("Every role (PUBLIC) may create temporary objects in "
			                   "database %s, the tenants' database (temporary functions "
			                   "can shadow others in a search_path)."), name),
			    pt_xasprintf("REVOKE TEMPORARY ON DATABASE %s FROM PUBLIC;", n));
		if (!current)
			add(st, PT_SEV_INFO, "other-database-public-access", "PUBLIC", NULL, name,
			    "PUBLIC",
			    pt_xasprintf(_("Every role (PUBLIC), tenants included, has %s on database "
			                   "%s: tenants can connect there and use its public schema."),
			                 a, name),
			    pt_xasprintf("REVOKE CONNECT, TEMPORARY ON DATABASE %s FROM PUBLIC;", n));
	} else if (!strcmp(what, "public-access")) {
		char *r = pt_quote_ident(db, name), *fix, *detail;
		if (*b) {
			char *h = pt_quote_ident(db, c);
			fix = pt_xasprintf("REVOKE %s FROM %s;", h, r);
			detail = pt_xasprintf(_("Tenant role %s holds %s on schema public through "
			                        "membership in role %s."), name, a, b);
			free(h);
		} else {
			fix = pt_xasprintf("REVOKE ALL ON SCHEMA public FROM %s;", r);
			detail = pt_xasprintf(_("Tenant role %s holds %s on schema public through a "
			                        "direct grant."), name, a);
		}
		add(st, PT_SEV_MEDIUM, "tenant-public-schema-access", name, "public", NULL,
		    *b ? b : NULL, detail, fix);
		free(r);
	} else if (!strcmp(what, "shared-schema")) {
		char *r = pt_quote_ident(db, a);
		add(st, PT_SEV_HIGH, "shared-tenant-schema", a, name, NULL, NULL,
		    pt_xasprintf(_("Tenant roles %s can all create objects in schema %s: each "
		                   "can plant tables, functions or operators that the others' "
		                   "unqualified names resolve to, and run code as them."),
		                 b, name),
		    pt_xasprintf("REVOKE CREATE ON SCHEMA %s FROM %s;", n, r));
		free(r);
	} else if (!strcmp(what, "orphan-schema")) {
		add(st, PT_SEV_LOW, "orphan-schema", a, name, NULL, NULL,
		    pt_xasprintf(_("Schema %s has no login role: its owner %s cannot log in and "
		                   "no login role can use it. Review its contents, then drop it "
		                   "or give it to a tenant."), name, a),
		    pt_xasprintf("DROP SCHEMA %s CASCADE;", n));
	}
	free(n);
}

static int
finding_cmp(const void *pa, const void *pb)
{
	const struct pt_finding *a = pa, *b = pb;
	int c;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = strcmp(a->rule, b->rule)))
		return c;
	if ((c = strcmp(a->schema ? a->schema : "", b->schema ? b->schema : "")))
		return c;
	if ((c = strcmp(a->role ? a->role : "", b->role ? b->role : "")))
		return c;
	return strcmp(a->object ? a->object : "", b->object ? b->object : "");
}

static void
store_free(struct store *st)
{
	for (size_t i = 0; i < st->nstrs; i++)
		free(st->strs[i]);
	free(st->strs);
	free(st->f);
	free(st);
}

/* "{tenant}_user" as a LIKE pattern: "%\_user". */
static char *
pattern_like(const char *pattern)
{
	char *out = pt_xmalloc(strlen(pattern) * 2 + 2), *o = out;

	for (const char *p = pattern; *p; p++) {
		if (!strncmp(p, "{tenant}", 8)) {
			*o++ = '%';
			p += 7;
			continue;
		}
		if (*p == '%' || *p == '_' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

enum pt_status
pt_audit_run_ex(pt_db *db, const char *user_pattern, struct pt_audit *out,
                pt_error *err)
{
	const char *pattern = user_pattern && *user_pattern ? user_pattern
	                                                    : PT_DEFAULT_USER_PATTERN;
	char *like = pattern_like(pattern), *arr = builtins_array();
	const char *params[3] = { pattern, arr, like };
	struct store *st = pt_xcalloc(1, sizeof *st);
	PGresult *res = NULL;
	enum pt_status status = PT_OK;
	const char *what = _("auditing tenant isolation");

	memset(out, 0, sizeof *out);
	if (pt_audit_txn_begin(db, err) != PT_OK)
		goto fail;
	/* The database-wide query first: it says whether pg_authid is readable. */
	if (!(res = pt_db_query(db, dbwide_sql, 1, params, what, err)))
		goto fail;
	for (int i = 0; i < PQntuples(res); i++)
		dbwide_finding(db, st, res, i, out);
	PQclear(res);
	if (!out->passwords_checked) {
		char *me = pt_quote_ident(db, pt_db_info(db)->user);
		add(st, PT_SEV_INFO, "password-checks-skipped", pt_db_info(db)->user, NULL, NULL,
		    NULL,
		    pt_xasprintf(_("Role %s may not read pg_authid, so MD5 passwords and login "
		                   "roles without a password were not checked; run the audit "
		                   "as a superuser to check them."), pt_db_info(db)->user),
		    pt_xasprintf("-- connect as a superuser (%s is not)", me));
		free(me);
	}
	if (!(res = pt_db_query(db, out->passwords_checked ? roles_pw_sql : roles_sql, 3,
	                        params, what, err)))
		goto fail;
	for (int i = 0; i < PQntuples(res); i++)
		role_finding(db, st, res, i);
	PQclear(res);
	if (!(res = pt_db_query(db, grants_sql, 1, params, what, err)))
		goto fail;
	for (int i = 0; i < PQntuples(res); i++)
		grant_finding(db, st, res, i);
	PQclear(res);
	if (!(res = pt_db_query(db, owners_sql, 2, params, what, err)))
		goto fail;
	for (int i = 0; i < PQntuples(res); i++)
		owner_finding(db, st, res, i);
	PQclear(res);
	pt_audit_txn_end(db);

	qsort(st->f, st->nf, sizeof *st->f, finding_cmp);
	out->findings = st->f;
	out->n = st->nf;
	out->priv_ = st;
	for (size_t i = 0; i < st->nf; i++)
		out->count[st->f[i].severity]++;
	free(like);
	free(arr);
	return PT_OK;
fail:
	status = err ? err->status : PT_ERR_SERVER;
	pt_audit_txn_end(db);
	store_free(st);
	free(like);
	free(arr);
	memset(out, 0, sizeof *out);
	return status;
}

enum pt_status
pt_audit_run(pt_db *db, struct pt_audit *out, pt_error *err)
{
	return pt_audit_run_ex(db, NULL, out, err);
}

void
pt_audit_free(struct pt_audit *a)
{
	if (!a)
		return;
	if (a->priv_)
		store_free(a->priv_);
	memset(a, 0, sizeof *a);
}

bool
pt_audit_failed(const struct pt_audit *a)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->findings[i].severity >= PT_SEV_LOW)
			return true;
	return false;
}
