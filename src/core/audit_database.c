/* The database-wide family: schema public, PUBLIC and tenants on the
 * database and on the others of the cluster, tenants reaching public
 * through a grant, schemas shared by tenants or orphaned, schemas named
 * after other roles, the tenants' group, and the facts the other families
 * need (may pg_authid be read, how many tenants). One query. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"

/* The tenant roles among a group's members, capped ('' for a tenant role
 * itself), and how many: for the grantee G of an ACL entry. */
#define GROUP_TENANTS(G) \
	"coalesce((SELECT " PT_AUDIT_CAPPED_NAMES("r.rolname") " FROM memb m" \
	"   JOIN pg_catalog.pg_roles r ON r.oid = m.member" \
	"  WHERE m.grp = " G " AND m.member IN (SELECT oid FROM troles)), '')," \
	" (SELECT pg_catalog.count(*)::text FROM memb m" \
	"  WHERE m.grp = " G " AND m.member IN (SELECT oid FROM troles))"
/* G is a tenant role, or a group with a tenant role among its members. */
#define HELD_BY_TENANT(G) \
	"(" G " IN (SELECT oid FROM troles) OR EXISTS (SELECT 1 FROM memb m" \
	"   WHERE m.grp = " G " AND m.member IN (SELECT oid FROM troles)))"

/* Database-wide: schema public, PUBLIC on databases, tenants reaching
 * public through a grant, orphan schemas, and the facts the other queries
 * need (may pg_authid be read, how many tenants). */
static const char dbwide_sql[] =
	PT_AUDIT_BASE_CTE
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
	/* CREATE or TEMPORARY on this database for tenants, not through
	 * PUBLIC (reported above) and not as its owner (the roles family). */
	" SELECT 'db-grant', g.rolname::text, a.privilege_type::text,"
	"        " GROUP_TENANTS("a.grantee")
	"   FROM pg_catalog.pg_database d, " PT_ACL("d.datacl", "a") ","
	"        pg_catalog.pg_roles g"
	"  WHERE d.datname = pg_catalog.current_database() AND g.oid = a.grantee"
	"    AND a.grantee <> d.datdba AND a.privilege_type IN ('CREATE', 'TEMPORARY')"
	"    AND " HELD_BY_TENANT("a.grantee")
	" UNION ALL"
	/* CONNECT on another database for tenants. */
	" SELECT 'other-db', d.datname::text, g.rolname::text,"
	"        " GROUP_TENANTS("a.grantee")
	"   FROM pg_catalog.pg_database d, " PT_ACL("d.datacl", "a") ","
	"        pg_catalog.pg_roles g"
	"  WHERE d.datname <> pg_catalog.current_database() AND d.datallowconn"
	"    AND g.oid = a.grantee AND a.privilege_type = 'CONNECT'"
	"    AND " HELD_BY_TENANT("a.grantee")
	" UNION ALL"
	/* The "$user" trick: a schema named after a role that is no tenant
	 * comes first in that role's default search_path. */
	" SELECT 'user-schema', n.nspname::text, w.rolname::text, 'owner', n.oid::text"
	"   FROM pg_catalog.pg_namespace n"
	"   JOIN pg_catalog.pg_roles u ON u.rolname = n.nspname"
	"   JOIN pg_catalog.pg_roles w ON w.oid = n.nspowner"
	"  WHERE u.oid NOT IN (SELECT oid FROM troles) AND u.rolname !~ '^pg_'"
	"    AND n.nspowner IN (SELECT oid FROM troles)"
	" UNION ALL"
	" SELECT 'user-schema', n.nspname::text,"
	"        CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE g.rolname END, 'create',"
	"        n.oid::text"
	"   FROM pg_catalog.pg_namespace n"
	"   JOIN pg_catalog.pg_roles u ON u.rolname = n.nspname, "
	"        " PT_ACL("n.nspacl", "a")
	"   LEFT JOIN pg_catalog.pg_roles g ON g.oid = a.grantee"
	"  WHERE u.oid NOT IN (SELECT oid FROM troles) AND u.rolname !~ '^pg_'"
	"    AND a.privilege_type = 'CREATE' AND a.grantee <> n.nspowner"
	"    AND (a.grantee = 0 OR " HELD_BY_TENANT("a.grantee") ")"
	" UNION ALL"
	/* Once the database's tenants' group exists, tenants get CONNECT
	 * through it: one outside it cannot log in after harden. */
	" SELECT 'outside-group', r.rolname::text,"
	"        (SELECT pg_catalog.min(n.nspname) FROM tenancy x JOIN nsp n ON n.oid = x.nsp"
	"          WHERE x.tenant = r.oid), '', ''"
	"   FROM troles t JOIN pg_catalog.pg_roles r ON r.oid = t.oid"
	"  WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_roles g WHERE g.rolname = $2)"
	"    AND NOT EXISTS (SELECT 1 FROM memball m JOIN pg_catalog.pg_roles g"
	"          ON g.oid = m.grp WHERE m.member = t.oid AND g.rolname = $2)"
	" UNION ALL"
	" SELECT 'facts', pg_catalog.has_table_privilege('pg_catalog.pg_authid',"
	"        'SELECT')::text,"
	"        (SELECT pg_catalog.count(DISTINCT t.nsp) FROM tenancy t)::text,"
	"        (SELECT pg_catalog.count(*) FROM troles)::text, ''";

enum { D_WHAT, D_NAME, D_A, D_B, D_C };

static void
dbwide_finding(struct pt_audit_run *run, const PGresult *res, int i)
{
	pt_db *db = run->db;
	struct pt_audit *out = run->out;
	const char *what = pt_audit_val(res, i, D_WHAT), *name = pt_audit_val(res, i, D_NAME);
	const char *a = pt_audit_val(res, i, D_A), *b = pt_audit_val(res, i, D_B), *c = pt_audit_val(res, i, D_C);
	const char *group = run->public_group;
	char *n;

	if (!strcmp(what, "facts")) {
		if (run->node)        /* the coordinator's facts are the audit's */
			return;
		out->passwords_checked = !strcmp(name, "true");
		out->tenant_schemas = strtoul(a, NULL, 10);
		out->tenant_roles = strtoul(b, NULL, 10);
		return;
	}
	n = pt_quote_ident(db, name);
	if (!strcmp(what, "public-schema")) {
		if (strstr(a, "CREATE"))
			pt_audit_add(run, PT_RULE_PUBLIC_CREATE, PT_SEV_HIGH, "PUBLIC", name, NULL, "PUBLIC",
			    pt_xasprintf(_("Every role (PUBLIC), tenants included, can create objects "
			                   "in schema public: a tenant can plant functions or operators "
			                   "there that other roles' queries pick up through their "
			                   "search_path. pgtenant harden closes this.")),
			    pt_xasprintf("REVOKE CREATE ON SCHEMA %s FROM PUBLIC;", n));
		if (strstr(a, "USAGE"))
			pt_audit_add(run, PT_RULE_PUBLIC_USAGE, PT_SEV_MEDIUM, "PUBLIC", name, NULL, "PUBLIC",
			    pt_xasprintf(_("Every role (PUBLIC), tenants included, can use schema "
			                   "public: tenants see and use whatever is granted there, so "
			                   "\"no access to the public schema\" does not hold. pgtenant "
			                   "harden revokes it and grants USAGE back to the group %s "
			                   "for the non-tenant roles."), group),
			    pt_xasprintf("REVOKE USAGE ON SCHEMA %s FROM PUBLIC;", n));
	} else if (!strcmp(what, "database")) {
		bool current = !strcmp(b, "true");
		if (current && strstr(a, "CONNECT"))
			pt_audit_add(run, PT_RULE_DB_PUBLIC_CONNECT, PT_SEV_MEDIUM, "PUBLIC", NULL, name, "PUBLIC",
			    pt_xasprintf(_("Every role (PUBLIC) may connect to database %s, the "
			                   "tenants' database, including roles made for other "
			                   "databases. pgtenant harden revokes it and grants CONNECT to "
			                   "each tenant and to %s."), name, group),
			    pt_xasprintf("REVOKE CONNECT ON DATABASE %s FROM PUBLIC;", n));
		if (current && strstr(a, "TEMPORARY"))
			pt_audit_add(run, PT_RULE_DB_PUBLIC_TEMP, PT_SEV_LOW, "PUBLIC", NULL, name, "PUBLIC",
			    pt_xasprintf(_("Every role (PUBLIC) may create temporary objects in "
			                   "database %s, the tenants' database (temporary functions "
			                   "can shadow others in a search_path)."), name),
			    pt_xasprintf("REVOKE TEMPORARY ON DATABASE %s FROM PUBLIC;", n));
		if (!current)
			pt_audit_add(run, PT_RULE_OTHER_DB_PUBLIC, PT_SEV_INFO, "PUBLIC", NULL, name,
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
		pt_audit_add(run, PT_RULE_TENANT_PUBLIC, PT_SEV_MEDIUM, name, "public", NULL,
		    *b ? b : NULL, detail, fix);
		free(r);
	} else if (!strcmp(what, "shared-schema")) {
		char *r = pt_quote_ident(db, a);
		pt_audit_add(run, PT_RULE_SHARED_SCHEMA, PT_SEV_HIGH, a, name, NULL, NULL,
		    pt_xasprintf(_("Tenant roles %s can all create objects in schema %s: each "
		                   "can plant tables, functions or operators that the others' "
		                   "unqualified names resolve to, and run code as them."),
		                 b, name),
		    pt_xasprintf("REVOKE CREATE ON SCHEMA %s FROM %s;", n, r));
		free(r);
	} else if (!strcmp(what, "db-grant")) {
		bool create = !strcmp(a, "CREATE");
		char *names = *b ? pt_audit_names_and_more(b, c) : NULL;
		char *g = pt_quote_ident(db, name), *d = pt_quote_ident(db, pt_db_info(db)->dbname);
		char *who = *b ? pt_xasprintf(_("Tenant role(s) %s hold %s on database %s through "
		                                "membership in role %s"),
		                              names, a,
		                              pt_db_info(db)->dbname, name)
		               : pt_xasprintf(_("Tenant role %s holds %s on database %s"), name, a,
		                              pt_db_info(db)->dbname);
		pt_audit_add(run, create ? PT_RULE_DB_CREATE : PT_RULE_DB_TEMP,
		             create ? PT_SEV_HIGH : PT_SEV_LOW, name, NULL,
		             pt_db_info(db)->dbname, *b ? name : NULL,
		             create ? pt_xasprintf(_("%s: it can create schemas, one named after an "
		                                     "admin role included, which every session of "
		                                     "that role with the default search_path "
		                                     "(\"$user\", public) then uses first, running "
		                                     "the tenant's functions and operators."), who)
		                    : pt_xasprintf(_("%s: its temporary functions and operators can "
		                                     "shadow others in a search_path, and it can "
		                                     "fill the disk with temporary tables."), who),
		             pt_xasprintf("REVOKE %s ON DATABASE %s FROM %s;", a, d, g));
		free(who);
		free(names);
		free(g);
		free(d);
	} else if (!strcmp(what, "other-db")) {
		char *g = pt_quote_ident(db, a);
		char *names = *b ? pt_audit_names_and_more(b, c) : NULL;
		char *who = *b ? pt_xasprintf(_("Tenant role(s) %s may connect to database %s "
		                                "through membership in role %s"),
		                              names, name, a)
		               : pt_xasprintf(_("Tenant role %s may connect to database %s"), a,
		                              name);
		pt_audit_add(run, PT_RULE_OTHER_DB_CONNECT, PT_SEV_LOW, a, NULL, name, *b ? a : NULL,
		             pt_xasprintf(_("%s, another database of the cluster: it sees whatever "
		                            "PUBLIC may use there, and its schema public."), who),
		             pt_xasprintf("REVOKE CONNECT ON DATABASE %s FROM %s;", n, g));
		free(who);
		free(names);
		free(g);
	} else if (!strcmp(what, "user-schema")) {
		bool owner = !strcmp(b, "owner"), pub = !strcmp(a, "PUBLIC");
		char *g = pub ? pt_xstrdup("PUBLIC") : pt_quote_ident(db, a);
		char *to = pt_xasprintf("quarantined_%s", c);
		char *qt = pt_quote_ident(db, to);
		pt_audit_add(run, PT_RULE_USER_SCHEMA, PT_SEV_HIGH, a, name, NULL,
		             pub ? "PUBLIC" : NULL,
		             owner ? pt_xasprintf(_("Schema %s is named after role %s, which is no "
		                                    "tenant, and is owned by tenant role %s: every "
		                                    "session of %s with the default search_path "
		                                    "(\"$user\", public) resolves names there first "
		                                    "and runs the tenant's functions and operators "
		                                    "with %s's rights. Rename it (the tenant's own "
		                                    "search_path must follow)."),
		                                  name, name, a, name, name)
		                   : pt_xasprintf(_("Schema %s is named after role %s, which is no "
		                                    "tenant, and %s may create objects in it: every "
		                                    "session of %s with the default search_path "
		                                    "(\"$user\", public) resolves names there first "
		                                    "and runs them with %s's rights."),
		                                  name, name, pub ? _("every role (PUBLIC)") : a,
		                                  name, name),
		             owner ? pt_xasprintf("ALTER SCHEMA %s RENAME TO %s;", n, qt)
		                   : pt_xasprintf("REVOKE CREATE ON SCHEMA %s FROM %s;", n, g));
		free(qt);
		free(to);
		free(g);
	} else if (!strcmp(what, "outside-group")) {
		char *g = pt_quote_ident(db, run->tenant_group);
		pt_audit_add(run, PT_RULE_OUTSIDE_GROUP, PT_SEV_INFO, name, a, NULL, NULL,
		             pt_xasprintf(_("Tenant role %s is not a member of %s, the group "
		                            "through which tenants may connect: once the database "
		                            "is hardened it cannot log in."), name, run->tenant_group),
		             /* As create grants it: before 16 a NOINHERIT role would not
		              * use the group's CONNECT. */
		             pt_db_info(db)->server_version_num >= 160000
		             ? pt_xasprintf("GRANT %s TO %s WITH INHERIT TRUE, SET FALSE;", g, n)
		             : pt_xasprintf("GRANT %s TO %s; ALTER ROLE %s INHERIT;", g, n, n));
		free(g);
	} else if (!strcmp(what, "orphan-schema")) {
		pt_audit_add(run, PT_RULE_ORPHAN_SCHEMA, PT_SEV_LOW, a, name, NULL, NULL,
		    pt_xasprintf(_("Schema %s has no login role: its owner %s cannot log in and "
		                   "no login role can use it. Review its contents, then drop it "
		                   "or give it to a tenant."), name, a),
		    pt_xasprintf("DROP SCHEMA %s CASCADE;", n));
	}
	free(n);
}

enum pt_status
pt_audit_family_database(struct pt_audit_run *r, pt_error *err)
{
	const char *params[2] = { r->pattern, r->tenant_group };

	return pt_audit_rows(r, dbwide_sql, 2, params, dbwide_finding, err);
}
