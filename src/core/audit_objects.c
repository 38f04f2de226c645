/* The objects family: grants on tenants' schemas, tables, columns,
 * sequences, functions and default privileges to other tenants or PUBLIC;
 * objects in tenant schemas owned by someone else; and objects outside
 * the tenant schemas (views, SECURITY DEFINER functions) through which a
 * tenant reads another tenant's data; tenants' tables inheriting from (or
 * partitions of) tables outside their schema. Four queries. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"

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
	PT_AUDIT_BASE_CTE ","
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
	"         pg_catalog.array_agg(DISTINCT e.col ORDER BY e.col)"
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
	/* A sequence needs no USAGE on its schema: nextval, currval and
	 * setval take its OID (nextval(16403::oid::regclass)), and only the
	 * name's lookup checks the schema. */
	" xt AS (SELECT r.id, r.reacher, r.kind IN ('schema', 'default', 'sequence')"
	"          OR ub.nsp IS NOT NULL OR pu.nsp IS NOT NULL AS eff,"
	"          ub.nsp IS NOT NULL OR pu.nsp IS NOT NULL AS named"
	"    FROM reach r"
	"    LEFT JOIN usable ub ON ub.nsp = r.nsp AND ub.who = r.reacher"
	"    LEFT JOIN pubusable pu ON pu.nsp = r.nsp"
	"   WHERE r.reacher <> r.owner AND NOT EXISTS (SELECT 1 FROM tenancy t"
	"           WHERE t.nsp = r.nsp AND t.tenant = r.reacher)),"
	" agg AS (SELECT x.id, pg_catalog.count(*) AS nreach, pg_catalog.bool_or(x.eff) AS eff,"
	"         pg_catalog.bool_or(x.named) AS named,"
	"         (pg_catalog.array_agg(x.reacher ORDER BY x.reacher))[1:" PT_AUDIT_STR(PT_AUDIT_MAX_NAMES) "]"
	"           AS first"
	"    FROM xt x GROUP BY x.id),"
	" res AS (SELECT e.kind, e.nsp, e.obj, e.args, e.cols, e.objtype, e.owner,"
	"         e.grantee, e.privs,"
	"         (SELECT pg_catalog.string_agg(rr.rolname, ', ' ORDER BY rr.rolname)"
	"            FROM pg_catalog.pg_roles rr WHERE rr.oid = ANY (a.first)) AS reachers,"
	"         a.nreach, a.eff, a.named"
	"    FROM agg a JOIN ent e ON e.id = a.id"
	"  UNION ALL"
	"  SELECT e.kind, e.nsp, e.obj, e.args, e.cols, e.objtype, e.owner, e.grantee,"
	"         e.privs, NULL, 0, e.kind IN ('schema', 'default', 'sequence')"
	"         OR pu.nsp IS NOT NULL, pu.nsp IS NOT NULL"
	"    FROM ent e LEFT JOIN pubusable pu ON pu.nsp = e.nsp WHERE e.grantee = 0),"
	" dtn AS (SELECT t.nsp, pg_catalog.array_agg(t.tenant) AS oids,"
	"         pg_catalog.string_agg(dr.rolname, ', ' ORDER BY dr.rolname) AS names"
	"    FROM tenancy t JOIN pg_catalog.pg_roles dr ON dr.oid = t.tenant GROUP BY t.nsp)"
	" SELECT r.kind, s.nspname, r.obj, r.args, r.cols, r.objtype, w.rolname,"
	"        CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE g.rolname END,"
	"        r.grantee IN (SELECT oid FROM troles), r.privs, r.reachers, r.eff,"
	"        " DATA_TENANTS("r", "w") ", r.nreach, r.grantee = 0,"
	"        r.kind = 'sequence' AND NOT r.named"
	"   FROM res r"
	"   LEFT JOIN dtn ON dtn.nsp = r.nsp"
	"   LEFT JOIN pg_catalog.pg_namespace s ON s.oid = r.nsp"
	"   LEFT JOIN pg_catalog.pg_roles g ON g.oid = r.grantee"
	"   JOIN pg_catalog.pg_roles w ON w.oid = r.owner";

enum { G_KIND, G_SCHEMA, G_OBJ, G_ARGS, G_COLS, G_OBJTYPE, G_OWNER, G_GRANTEE,
       G_DIRECT, G_PRIVS, G_REACHERS, G_EFF, G_TENANTS, G_NREACH,
       G_IS_PUBLIC, G_BY_OID };

/* Objects in tenant schemas that their tenant does not own. $2 = the
 * powerful built-in roles. */
static const char owners_sql[] =
	PT_AUDIT_BASE_CTE ","
	" privrole AS (SELECT g.oid FROM pg_catalog.pg_roles g"
	"   WHERE g.rolsuper OR g.rolcreaterole OR g.rolcreatedb OR g.rolreplication"
	"      OR g.rolbypassrls OR g.rolname = ANY ($2::text[])"
	"  UNION"
	"  SELECT m.member FROM memb m JOIN pg_catalog.pg_roles g ON g.oid = m.grp"
	"   WHERE g.rolsuper OR g.rolcreaterole OR g.rolcreatedb OR g.rolreplication"
	"      OR g.rolbypassrls OR g.rolname = ANY ($2::text[]))," 
	" obj AS ("
	"  SELECT c.relnamespace AS nsp, c.relkind::text AS kind, c.relname::text AS name,"
	"         ''::text AS args, c.relowner AS owner, false AS secdef, c.relacl AS acl"
	"    FROM pg_catalog.pg_class c"
	"   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
	"     AND c.relnamespace IN (SELECT t.nsp FROM tenancy t)"
	"  UNION ALL"
	"  SELECT p.pronamespace, 'routine', p.proname,"
	"         pg_catalog.pg_get_function_identity_arguments(p.oid), p.proowner,"
	"         p.prosecdef, p.proacl"
	"    FROM pg_catalog.pg_proc p"
	"   WHERE p.pronamespace IN (SELECT t.nsp FROM tenancy t)"
	"  UNION ALL"
	"  SELECT t.typnamespace, CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END,"
	"         t.typname, '', t.typowner, false, t.typacl"
	"    FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid"
	"   WHERE t.typtype IN ('e', 'd', 'r', 'c') AND (t.typrelid = 0 OR c.relkind = 'c')"
	"     AND t.typnamespace IN (SELECT t2.nsp FROM tenancy t2)),"
	" fo AS (SELECT o.* FROM obj o WHERE NOT EXISTS (SELECT 1 FROM tenancy t"
	"          WHERE t.nsp = o.nsp AND t.tenant = o.owner)),"
	" first_tenant AS (SELECT t.nsp, pg_catalog.min(r.rolname) AS name"
	"    FROM tenancy t JOIN pg_catalog.pg_roles r ON r.oid = t.tenant GROUP BY t.nsp),"
	/* Tenants of other schemas that can SET ROLE to a non-tenant owner. */
	" via AS (SELECT o.nsp, o.kind, o.name, o.args, " PT_AUDIT_CAPPED_NAMES("r.rolname") " AS names,"
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
	"        ft.name, v.names, v.n,"
	/* Who holds grants on it: ALTER ... OWNER keeps them, made in the
	 * new owner's name (PUBLIC as a flag: a role may be called so). */
	"        (SELECT pg_catalog.bool_or(a.grantee = 0) FROM " PT_ACL("o.acl", "a") "),"
	"        (SELECT pg_catalog.array_agg(DISTINCT g.rolname) FROM " PT_ACL("o.acl", "a")
	"           JOIN pg_catalog.pg_roles g ON g.oid = a.grantee"
	"          WHERE a.grantee <> o.owner)::text"
	"   FROM fo o JOIN pg_catalog.pg_namespace n ON n.oid = o.nsp"
	"   JOIN pg_catalog.pg_roles w ON w.oid = o.owner"
	"   LEFT JOIN first_tenant ft ON ft.nsp = o.nsp"
	"   LEFT JOIN via v ON v.nsp = o.nsp AND v.kind = o.kind AND v.name = o.name"
	"    AND v.args = o.args";

enum { O_SCHEMA, O_KIND, O_NAME, O_ARGS, O_OWNER, O_OWNER_TENANT, O_OWNER_PRIV,
       O_SECDEF, O_TENANT, O_REACHERS, O_NREACH, O_GRANT_PUBLIC, O_GRANTEES };

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
/* The column list (a text[] from the server: a name may hold any byte but
 * NUL, commas and 0x1f included), each name quoted. */
static char *
quote_columns(pt_db *db, const char *cols)
{
	size_t n;
	char **v = pt_audit_text_array(cols, &n), *out = pt_xstrdup("");

	for (size_t k = 0; k < n; k++) {
		char *q = pt_quote_ident(db, v[k]);
		char *o = pt_xasprintf("%s%s%s", out, k ? ", " : "", q);
		free(q);
		free(out);
		out = o;
	}
	pt_audit_strv_free(v);
	return out;
}

/* One row of grants_sql into a finding. */
static void
grant_finding(struct pt_audit_run *run, const PGresult *res, int i)
{
	pt_db *db = run->db;
	const char *kind = pt_audit_val(res, i, G_KIND), *schema = pt_audit_val(res, i, G_SCHEMA);
	const char *obj = pt_audit_val(res, i, G_OBJ), *args = pt_audit_val(res, i, G_ARGS);
	const char *objtype = pt_audit_val(res, i, G_OBJTYPE), *owner = pt_audit_val(res, i, G_OWNER);
	const char *grantee = pt_audit_val(res, i, G_GRANTEE), *privs = pt_audit_val(res, i, G_PRIVS);
	char *reachers = pt_audit_names_and_more(pt_audit_val(res, i, G_REACHERS), pt_audit_val(res, i, G_NREACH));
	const char *tenants = pt_audit_val(res, i, G_TENANTS);
	/* By oid: a role may really be called "PUBLIC". */
	bool is_public = pt_audit_tval(res, i, G_IS_PUBLIC);
	bool direct = pt_audit_tval(res, i, G_DIRECT);
	bool eff = pt_audit_tval(res, i, G_EFF);
	char *g = is_public ? pt_xstrdup("PUBLIC") : pt_quote_ident(db, grantee), *what = NULL, *fix = NULL, *object = NULL;
	char *who, *detail, *latent;
	static const enum pt_rule rules[][2] = {
		/* { cross-tenant, PUBLIC } */
		{ PT_RULE_XT_SCHEMA_GRANT, PT_RULE_PUB_SCHEMA_GRANT },
		{ PT_RULE_XT_TABLE_GRANT, PT_RULE_PUB_TABLE_GRANT },
		{ PT_RULE_XT_COLUMN_GRANT, PT_RULE_PUB_COLUMN_GRANT },
		{ PT_RULE_XT_SEQUENCE_GRANT, PT_RULE_PUB_SEQUENCE_GRANT },
		{ PT_RULE_XT_FUNCTION_GRANT, PT_RULE_PUB_FUNCTION_GRANT },
		{ PT_RULE_XT_DEFAULT_PRIV, PT_RULE_PUB_DEFAULT_PRIV },
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
		object = pt_audit_qualified(db, schema, obj);
		what = pt_xasprintf("%s %s", _(rk->noun), object);
		fix = pt_xasprintf("REVOKE ALL ON %s %s FROM %s;", rk->grant_sql, object, g);
	} else if (!strcmp(kind, "column")) {
		const struct relkind *rk = relkind_find(objtype);
		char *cols = quote_columns(db, pt_audit_val(res, i, G_COLS));
		k = 2;
		object = pt_audit_qualified(db, schema, obj);
		what = pt_xasprintf(_("columns (%s) of %s %s"), cols, _(rk->noun), object);
		fix = pt_xasprintf("REVOKE ALL (%s) ON TABLE %s FROM %s;", cols, object, g);
		free(cols);
	} else if (!strcmp(kind, "function")) {
		bool proc = objtype && objtype[0] == 'p';
		char *q = pt_audit_qualified(db, schema, obj);
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
	latent = pt_audit_tval(res, i, G_BY_OID)
		? pt_xasprintf(_(" It works without USAGE on schema %s: nextval, currval and "
		                 "setval reach the sequence by its OID."), schema ? schema : "")
		: eff ? pt_xstrdup("")
		: pt_xasprintf(_(" It is latent: it takes effect as soon as they get USAGE on "
		                 "schema %s."), schema ? schema : "");
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
	pt_audit_add(run, rules[k][is_public ? 1 : 0], eff ? PT_SEV_HIGH : PT_SEV_MEDIUM,
	    grantee, schema, object, is_public ? "PUBLIC" : direct ? NULL : grantee,
	    detail, fix);
	free(who);
	free(latent);
	free(what);
	free(object);
	free(g);
	free(reachers);
}

/* Giving an object to its schema's tenant must not widen what anyone can
 * do (issue 18): a view or SECURITY DEFINER function written by another
 * role would run with the tenant's rights, for every role its old owner
 * let use it (ALTER ... OWNER keeps the grants). So the fix makes the
 * function SECURITY INVOKER and revokes every grant but the new owner's.
 * malloc'd. */
static char *
owner_fix(pt_db *db, const PGresult *res, int i, const char *sql, const char *grant_sql,
          const char *object, const char *to, bool secdef)
{
	size_t n;
	char **grantees = pt_audit_text_array(pt_audit_val(res, i, O_GRANTEES), &n);
	char *t = pt_quote_ident(db, to);
	char *fix = pt_xasprintf("ALTER %s %s OWNER TO %s;", sql, object, t);
	char *from = pt_xstrdup(pt_audit_tval(res, i, O_GRANT_PUBLIC) ? "PUBLIC" : "");
	char *o;

	if (secdef) {
		o = pt_xasprintf("ALTER ROUTINE %s SECURITY INVOKER; %s", object, fix);
		free(fix);
		fix = o;
	}
	for (size_t k = 0; k < n; k++) {
		char *g;
		if (!strcmp(grantees[k], to))
			continue;
		g = pt_quote_ident(db, grantees[k]);
		o = pt_xasprintf("%s%s%s", from, *from ? ", " : "", g);
		free(g);
		free(from);
		from = o;
	}
	if (*from) {
		o = pt_xasprintf("%s REVOKE ALL ON %s %s FROM %s;", fix, grant_sql, object, from);
		free(fix);
		fix = o;
	}
	pt_audit_strv_free(grantees);
	free(from);
	free(t);
	return fix;
}

/* The same sentence for the attribute findings. */
static void
owner_finding(struct pt_audit_run *run, const PGresult *res, int i)
{
	pt_db *db = run->db;
	const char *schema = pt_audit_val(res, i, O_SCHEMA), *kind = pt_audit_val(res, i, O_KIND);
	const char *name = pt_audit_val(res, i, O_NAME), *args = pt_audit_val(res, i, O_ARGS);
	const char *owner = pt_audit_val(res, i, O_OWNER), *tenant = pt_audit_val(res, i, O_TENANT);
	char *reachers = pt_audit_val(res, i, O_REACHERS)
		? pt_audit_names_and_more(pt_audit_val(res, i, O_REACHERS), pt_audit_val(res, i, O_NREACH)) : NULL;
	bool owner_tenant = pt_audit_tval(res, i, O_OWNER_TENANT);
	bool owner_priv = pt_audit_tval(res, i, O_OWNER_PRIV), secdef = pt_audit_tval(res, i, O_SECDEF);
	char *q = pt_audit_qualified(db, schema, name), *object, *what, *fix, *t;
	const char *sql, *grant_sql;

	if (!strcmp(kind, "routine")) {
		object = pt_xasprintf("%s(%s)", q, args ? args : "");
		what = pt_xasprintf(_("function %s"), object);
		sql = grant_sql = "ROUTINE";
	} else if (!strcmp(kind, "type") || !strcmp(kind, "domain")) {
		object = pt_xstrdup(q);
		what = pt_xasprintf("%s %s", !strcmp(kind, "type") ? _("type") : _("domain"),
		                    object);
		sql = grant_sql = !strcmp(kind, "type") ? "TYPE" : "DOMAIN";
	} else {
		const struct relkind *rk = relkind_find(kind);
		object = pt_xstrdup(q);
		what = pt_xasprintf("%s %s", _(rk->noun), object);
		sql = rk->sql;
		grant_sql = rk->grant_sql;
	}
	t = pt_quote_ident(db, tenant ? tenant : owner);
	fix = owner_fix(db, res, i, sql, grant_sql, object, tenant ? tenant : owner, secdef);
	if (owner_tenant)
		pt_audit_add(run, PT_RULE_XT_OWNER, PT_SEV_HIGH, owner, schema, object, NULL,
		    pt_xasprintf(_("Tenant role %s owns %s in the schema of tenant %s: it can "
		                   "read, change, grant or drop it."), owner, what, tenant),
		    fix);
	else if (secdef && owner_priv)
		pt_audit_add(run, PT_RULE_SECDEF_PRIV_OWNER, PT_SEV_HIGH, owner, schema, object,
		    NULL,
		    pt_xasprintf(_("%s in the schema of tenant %s is SECURITY DEFINER and owned "
		                   "by the privileged role %s: it runs with %s's rights, and the "
		                   "tenant controls the schema its unqualified names resolve in."),
		                 what, tenant, owner, owner),
		    fix);
	else if (reachers)
		pt_audit_add(run, PT_RULE_XT_OWNER, PT_SEV_HIGH, owner, schema, object, owner,
		    pt_xasprintf(_("Tenant role(s) %s can SET ROLE %s, the owner of %s in the "
		                   "schema of tenant %s, and so read, change or drop it."),
		                 reachers, owner, what, tenant),
		    fix);
	else
		pt_audit_add(run, PT_RULE_FOREIGN_OWNED, PT_SEV_MEDIUM, owner, schema, object, NULL,
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

/* Views and SECURITY DEFINER functions outside the tenant schemas, owned
 * by a role that is no tenant, that a tenant (directly, through a group or
 * PUBLIC) may use, and that read a tenant's data with their owner's
 * rights: a view through its rule's dependencies, a function whenever its
 * owner can read a tenant schema (a superuser, pg_read_all_data, USAGE, or
 * a member of the tenant's role). A security_invoker view runs with the
 * caller's rights and is no path. One row per (object, grantee). */
static const char exposure_sql[] =
	PT_AUDIT_BASE_CTE ","
	" nuse AS (SELECT n.oid AS nsp, a.grantee FROM pg_catalog.pg_namespace n,"
	"          " PT_ACL("coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))", "a")
	"   WHERE a.privilege_type = 'USAGE'),"
	" vread AS (SELECT DISTINCT v.oid, t.nsp AS tnsp"
	"    FROM pg_catalog.pg_class v"
	"    JOIN pg_catalog.pg_rewrite w ON w.ev_class = v.oid"
	"    JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass"
	"     AND d.objid = w.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
	"    JOIN pg_catalog.pg_class c ON c.oid = d.refobjid"
	"    JOIN tenancy t ON t.nsp = c.relnamespace"
	"   WHERE v.relkind IN ('v', 'm') AND c.oid <> v.oid"
	"     AND v.relnamespace IN (SELECT oid FROM nsp)"
	"     AND v.relnamespace NOT IN (SELECT t2.nsp FROM tenancy t2)"
	"     AND v.relowner NOT IN (SELECT oid FROM troles)"
	"     AND NOT coalesce(v.reloptions && ARRAY['security_invoker=true',"
	"          'security_invoker=on', 'security_invoker=1', 'security_invoker=yes'], false)),"
	" fown AS (SELECT DISTINCT p.proowner AS owner FROM pg_catalog.pg_proc p"
	"   WHERE p.prosecdef AND p.pronamespace IN (SELECT oid FROM nsp)"
	"     AND p.pronamespace NOT IN (SELECT t.nsp FROM tenancy t)"
	"     AND p.proowner NOT IN (SELECT oid FROM troles)),"
	/* nsp NULL: every tenant schema. */
	" oread AS (SELECT f.owner, NULL::oid AS nsp FROM fown f"
	"    JOIN pg_catalog.pg_roles r ON r.oid = f.owner WHERE r.rolsuper"
	"  UNION"
	"  SELECT f.owner, NULL FROM fown f JOIN memb m ON m.member = f.owner"
	"    JOIN pg_catalog.pg_roles g ON g.oid = m.grp"
	"   WHERE g.rolsuper OR g.rolname IN ('pg_read_all_data', 'pg_write_all_data')"
	"  UNION"
	"  SELECT f.owner, u.nsp FROM fown f JOIN nuse u ON u.grantee = f.owner"
	"   WHERE u.nsp IN (SELECT t.nsp FROM tenancy t)"
	"  UNION"
	"  SELECT f.owner, u.nsp FROM fown f JOIN memb m ON m.member = f.owner"
	"    JOIN nuse u ON u.grantee = m.grp WHERE u.nsp IN (SELECT t.nsp FROM tenancy t)"
	"  UNION"
	"  SELECT f.owner, t.nsp FROM fown f JOIN memb m ON m.member = f.owner"
	"    JOIN tenancy t ON t.tenant = m.grp),"
	" obj AS ("
	"  SELECT 'view'::text AS kind, v.oid, v.relnamespace AS nsp, v.relname::text AS name,"
	"         ''::text AS args, v.relowner AS owner, v.relkind::text AS objtype,"
	"         v.relacl AS acl"
	"    FROM pg_catalog.pg_class v WHERE v.oid IN (SELECT r.oid FROM vread r)"
	"  UNION ALL"
	"  SELECT 'function', p.oid, p.pronamespace, p.proname::text,"
	"         pg_catalog.pg_get_function_identity_arguments(p.oid), p.proowner,"
	"         p.prokind::text, coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))"
	"    FROM pg_catalog.pg_proc p"
	"   WHERE p.prosecdef AND p.pronamespace IN (SELECT oid FROM nsp)"
	"     AND p.pronamespace NOT IN (SELECT t.nsp FROM tenancy t)"
	"     AND p.proowner IN (SELECT o.owner FROM oread o)),"
	/* The tenant schemas each object reads; NULL nsp = every one. */
	" reads AS (SELECT 'view'::text AS kind, r.oid, r.tnsp AS nsp FROM vread r"
	"  UNION ALL"
	"  SELECT 'function', o.oid, x.nsp FROM obj o JOIN oread x ON x.owner = o.owner"
	"   WHERE o.kind = 'function'),"
	" ent AS (SELECT o.kind, o.oid, o.nsp, o.name, o.args, o.owner, o.objtype, a.grantee,"
	"         pg_catalog.string_agg(DISTINCT a.privilege_type, ', ') AS privs"
	"    FROM obj o, " PT_ACL("o.acl", "a")
	"   WHERE a.grantee <> o.owner"
	"     AND (a.grantee = 0 OR a.grantee IN (SELECT oid FROM troles)"
	"          OR a.grantee IN (SELECT m.grp FROM memb m"
	"                            WHERE m.member IN (SELECT oid FROM troles)))"
	"   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8)"
	" SELECT e.kind, s.nspname, e.name, e.args, w.rolname,"
	"        CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE g.rolname END, e.grantee = 0,"
	"        e.privs, e.objtype,"
	"        CASE WHEN EXISTS (SELECT 1 FROM reads r WHERE r.kind = e.kind AND r.oid = e.oid"
	"                           AND r.nsp IS NULL) THEN NULL"
	"          ELSE (SELECT " PT_AUDIT_CAPPED_NAMES("n.nspname")
	"                  FROM reads r JOIN pg_catalog.pg_namespace n ON n.oid = r.nsp"
	"                 WHERE r.kind = e.kind AND r.oid = e.oid) END,"
	"        EXISTS (SELECT 1 FROM nuse u WHERE u.nsp = e.nsp AND (u.grantee IN (0, e.grantee)"
	"          OR u.grantee IN (SELECT m.grp FROM memb m WHERE m.member = e.grantee))),"
	"        (SELECT pg_catalog.count(DISTINCT r.nsp) FROM reads r"
	"          WHERE r.kind = e.kind AND r.oid = e.oid),"
	/* What a function's body reads, as far as the catalog tells: a
	 * BEGIN ATOMIC body (14+, prosqlbody, read through to_jsonb so that
	 * one text serves 13) records the tables it uses in pg_depend; any
	 * other body is text, searched for tenant schema names (and its
	 * search_path setting), and dynamic SQL (EXECUTE) may read anything.
	 * text[]: how ('depend' or 'text'), the schemas, 'dynamic' or ''. */
	"        (SELECT ARRAY[CASE WHEN (pg_catalog.to_jsonb(p) OPERATOR(pg_catalog.->>)"
	"                 'prosqlbody') IS NOT NULL THEN 'depend' ELSE 'text' END,"
	"           CASE WHEN (pg_catalog.to_jsonb(p) OPERATOR(pg_catalog.->>) 'prosqlbody')"
	"                IS NOT NULL"
	"             THEN (SELECT pg_catalog.string_agg(DISTINCT n.nspname, ', ')"
	"                     FROM pg_catalog.pg_depend d"
	"                     JOIN pg_catalog.pg_class c ON c.oid = d.refobjid"
	"                     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	"                    WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass"
	"                      AND d.objid = p.oid"
	"                      AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
	"                      AND c.relnamespace IN (SELECT t.nsp FROM tenancy t))"
	"             ELSE (SELECT pg_catalog.string_agg(DISTINCT n.nspname, ', ')"
	"                     FROM pg_catalog.pg_namespace n"
	"                    WHERE n.oid IN (SELECT t.nsp FROM tenancy t)"
	"                      AND (pg_catalog.strpos(pg_catalog.lower(p.prosrc), n.nspname) > 0"
	"                        OR pg_catalog.strpos(coalesce(pg_catalog.array_to_string("
	"                             p.proconfig, ' '), ''), n.nspname) > 0)) END,"
	"           CASE WHEN p.prosrc ~* '\\mexecute\\M' THEN 'dynamic' ELSE '' END]::text"
	"           FROM pg_catalog.pg_proc p WHERE e.kind = 'function' AND p.oid = e.oid)"
	"   FROM ent e JOIN pg_catalog.pg_namespace s ON s.oid = e.nsp"
	"   JOIN pg_catalog.pg_roles w ON w.oid = e.owner"
	"   LEFT JOIN pg_catalog.pg_roles g ON g.oid = e.grantee"
	/* A grant to the only tenant whose data it reads is no path. */
	"  WHERE e.grantee = 0 OR EXISTS (SELECT 1 FROM reads r"
	"          WHERE r.kind = e.kind AND r.oid = e.oid AND (r.nsp IS NULL"
	"            OR NOT EXISTS (SELECT 1 FROM tenancy t"
	"                            WHERE t.nsp = r.nsp AND t.tenant = e.grantee)))";

enum { X_KIND, X_SCHEMA, X_NAME, X_ARGS, X_OWNER, X_GRANTEE, X_IS_PUBLIC, X_PRIVS,
       X_OBJTYPE, X_READS, X_USABLE, X_NREADS, X_BODY };

/* What a SECURITY DEFINER function's body reads (X_BODY) in words: whose
 * data is at stake, or that the body does not say. malloc'd. */
static char *
body_reads(const char *body)
{
	size_t n;
	char **v, *out;

	if (!body)
		return pt_xstrdup("");
	v = pt_audit_text_array(body, &n);
	bool depend = n > 0 && v[0] && !strcmp(v[0], "depend");
	const char *names = n > 1 && v[1] && *v[1] ? v[1] : NULL;
	bool dynamic = n > 2 && v[2] && !strcmp(v[2], "dynamic");

	if (names && !dynamic)
		out = pt_xasprintf(depend ? _(" Its body reads tenant schema(s) %s (pg_depend).")
		                          : _(" Its body names tenant schema(s) %s."), names);
	else if (names)
		out = pt_xasprintf(_(" Its body names tenant schema(s) %s, and runs dynamic SQL "
		                     "(EXECUTE), which may read any other: cannot tell which."), names);
	else if (dynamic)
		out = pt_xstrdup(_(" Its body names no tenant schema but runs dynamic SQL (EXECUTE): "
		                   "cannot tell which tenants' data it reads."));
	else
		out = pt_xstrdup(depend ? _(" Its body reads no tenant's table (pg_depend).")
		                        : _(" Its body names no tenant schema (it may still reach "
		                            "one through its search_path or another function): "
		                            "cannot tell which tenants' data it reads."));
	pt_audit_strv_free(v);
	return out;
}

static void
exposure_finding(struct pt_audit_run *run, const PGresult *res, int i)
{
	pt_db *db = run->db;
	const char *kind = pt_audit_val(res, i, X_KIND), *schema = pt_audit_val(res, i, X_SCHEMA);
	const char *owner = pt_audit_val(res, i, X_OWNER), *grantee = pt_audit_val(res, i, X_GRANTEE);
	const char *privs = pt_audit_val(res, i, X_PRIVS), *reads = pt_audit_val(res, i, X_READS);
	const char *args = pt_audit_val(res, i, X_ARGS);
	bool is_public = pt_audit_tval(res, i, X_IS_PUBLIC), usable = pt_audit_tval(res, i, X_USABLE);
	bool view = !strcmp(kind, "view");
	char *q = pt_audit_qualified(db, schema, pt_audit_val(res, i, X_NAME));
	char *g = is_public ? pt_xstrdup("PUBLIC") : pt_quote_ident(db, grantee ? grantee : "?");
	char *object = view ? pt_xstrdup(q) : pt_xasprintf("%s(%s)", q, args ? args : "");
	char *who = is_public ? pt_xstrdup(_("Every role (PUBLIC), every tenant included,"))
	                      : pt_xasprintf(_("Role %s (a tenant, or a group with tenant "
	                                       "members)"), grantee);
	char *names = reads ? pt_audit_names_and_more(reads, pt_audit_val(res, i, X_NREADS))
	                    : NULL;
	char *whose = names ? pt_xasprintf(_("the data of tenant schema(s) %s"), names)
	                    : pt_xstrdup(_("every tenant's data"));
	char *latent = usable ? pt_xstrdup("")
	                      : pt_xasprintf(_(" It is latent: it takes effect as soon as "
	                                       "they get USAGE on schema %s."), schema);
	char *detail;

	if (view)
		detail = pt_xasprintf(_("%s holds %s on view %s, owned by %s, which reads %s with "
		                        "%s's rights.%s"), who, privs, object, owner, whose, owner,
		                      latent);
	else {
		char *body = body_reads(pt_audit_val(res, i, X_BODY));
		detail = pt_xasprintf(_("%s may run SECURITY DEFINER function %s, which runs as its "
		                        "owner %s, who can read %s.%s%s"), who, object, owner, whose,
		                      body, latent);
		free(body);
	}
	pt_audit_add(run, view ? PT_RULE_VIEW_EXPOSES : PT_RULE_SECDEF_EXPOSES,
	             usable ? PT_SEV_HIGH : PT_SEV_MEDIUM, is_public ? "PUBLIC" : grantee,
	             schema, object, is_public ? "PUBLIC" : NULL, detail,
	             view ? pt_xasprintf("REVOKE ALL ON TABLE %s FROM %s;", object, g)
	                  : pt_xasprintf("REVOKE ALL ON ROUTINE %s FROM %s;", object, g));
	free(latent);
	free(whose);
	free(names);
	free(who);
	free(object);
	free(g);
	free(q);
}

/* Tables in a tenant's schema that inherit from, or are partitions of, a
 * table outside it: a privilege on the parent reads (and updates, deletes)
 * the child's rows too, checked on the parent only. One row per (child,
 * reader): every role that holds SELECT, UPDATE or DELETE on the parent
 * and is not the child's tenant (PUBLIC included), and the parent's
 * owner. Columns: the reader, the child's schema and name, the parent
 * (qualified), whether a partition, the tenants whose data the child is,
 * the privileges, whether the reader is PUBLIC. */
static const char inherit_sql[] =
	PT_AUDIT_BASE_CTE ","
	" ch AS (SELECT c.oid, c.relname, c.relnamespace, c.relispartition, i.inhparent,"
	"         p.relnamespace AS pnsp, p.relowner AS powner, p.relacl AS pacl"
	"    FROM pg_catalog.pg_inherits i"
	"    JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid"
	"    JOIN pg_catalog.pg_class p ON p.oid = i.inhparent"
	"   WHERE c.relnamespace IN (SELECT t.nsp FROM tenancy t)"
	"     AND p.relnamespace <> c.relnamespace"
	"     AND c.relkind IN ('r', 'p', 'f')),"
	" rd AS (SELECT h.oid, a.grantee AS reader,"
	"         pg_catalog.string_agg(DISTINCT a.privilege_type, ', ') AS privs"
	"    FROM ch h, " PT_ACL("h.pacl", "a")
	"   WHERE a.privilege_type IN ('SELECT', 'UPDATE', 'DELETE')"
	"   GROUP BY h.oid, a.grantee"
	"  UNION"
	"  SELECT h.oid, h.powner, 'OWNER' FROM ch h)"
	" SELECT CASE WHEN r.reader = 0 THEN 'PUBLIC' ELSE g.rolname::text END,"
	"        n.nspname, h.relname, h.inhparent::pg_catalog.regclass::text,"
	"        h.relispartition,"
	"        (SELECT pg_catalog.string_agg(tr.rolname, ', ' ORDER BY tr.rolname)"
	"           FROM tenancy t JOIN pg_catalog.pg_roles tr ON tr.oid = t.tenant"
	"          WHERE t.nsp = h.relnamespace),"
	"        r.privs, r.reader = 0"
	"   FROM ch h JOIN rd r ON r.oid = h.oid"
	"   JOIN pg_catalog.pg_namespace n ON n.oid = h.relnamespace"
	"   LEFT JOIN pg_catalog.pg_roles g ON g.oid = r.reader"
	"  WHERE NOT EXISTS (SELECT 1 FROM tenancy t"
	"                     WHERE t.nsp = h.relnamespace AND t.tenant = r.reader)"
	"    AND (r.reader = 0 OR r.reader IN (SELECT oid FROM troles)"
	"         OR EXISTS (SELECT 1 FROM memb m WHERE m.grp = r.reader"
	"                     AND m.member IN (SELECT oid FROM troles)))"
	"    AND (r.reader = 0 OR g.oid IS NOT NULL)";

enum { I_READER, I_SCHEMA, I_NAME, I_PARENT, I_PARTITION, I_TENANTS, I_PRIVS, I_PUBLIC };

static void
inherit_finding(struct pt_audit_run *run, const PGresult *res, int i)
{
	pt_db *db = run->db;
	const char *reader = pt_audit_val(res, i, I_READER), *schema = pt_audit_val(res, i, I_SCHEMA);
	const char *parent = pt_audit_val(res, i, I_PARENT), *privs = pt_audit_val(res, i, I_PRIVS);
	const char *tenants = pt_audit_val(res, i, I_TENANTS);
	bool partition = pt_audit_tval(res, i, I_PARTITION), pub = pt_audit_tval(res, i, I_PUBLIC);
	char *child = pt_audit_qualified(db, schema, pt_audit_val(res, i, I_NAME));
	char *how = !strcmp(privs, "OWNER") ? pt_xasprintf(_("owns %s"), parent)
	                                    : pt_xasprintf(_("holds %s on %s"), privs, parent);

	pt_audit_add(run, PT_RULE_INHERITS_OUTSIDE, PT_SEV_HIGH, reader, schema, child,
	    pub ? "PUBLIC" : NULL,
	    pt_xasprintf(partition
	                 ? _("Table %s, which belongs to tenant %s, is a partition of %s, outside "
	                     "its schema: %s %s, and so reads the child's rows through it (the "
	                     "privilege is checked on the parent only).")
	                 : _("Table %s, which belongs to tenant %s, inherits from %s, outside "
	                     "its schema: %s %s, and so reads the child's rows through it (the "
	                     "privilege is checked on the parent only)."),
	                 child, tenants ? tenants : "?", parent,
	                 pub ? _("every role (PUBLIC)") : reader, how),
	    partition ? pt_xasprintf("ALTER TABLE %s DETACH PARTITION %s;", parent, child)
	              : pt_xasprintf("ALTER TABLE %s NO INHERIT %s;", child, parent));
	free(how);
	free(child);
}

enum pt_status
pt_audit_family_objects(struct pt_audit_run *r, pt_error *err)
{
	static const struct {
		const char *sql;
		int nparams;
		void (*row)(struct pt_audit_run *, const PGresult *, int);
	} queries[] = {
		{ grants_sql, 1, grant_finding },
		{ owners_sql, 2, owner_finding },
		{ exposure_sql, 1, exposure_finding },
		{ inherit_sql, 1, inherit_finding },
	};
	const char *params[2] = { r->pattern, r->builtins };

	for (size_t q = 0; q < sizeof queries / sizeof *queries; q++)
		if (pt_audit_rows(r, queries[q].sql, queries[q].nparams, params, queries[q].row,
		                  err) != PT_OK)
			return err->status;
	return PT_OK;
}
