/* The large-object and foreign-data family: data that lives outside the
 * schemas, and connections out of the server. Large objects are per
 * database with their own ACLs (lo_compat_privileges switches the checks
 * off); a user mapping hands a tenant the credentials of whatever a
 * foreign server reaches, the same cluster included (postgres_fdw,
 * dblink), where they read other tenants' data as the mapped user. One
 * query. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"

/* G is PUBLIC, a tenant role, or a group with a tenant role among its
 * members (other than the role OWNER, when given). */
#define REACHES_TENANT(G, OWNER) \
	"(" G " = 0 OR (" G " IN (SELECT oid FROM troles) AND " G " <> " OWNER ")" \
	" OR EXISTS (SELECT 1 FROM memb m WHERE m.grp = " G \
	"             AND m.member IN (SELECT oid FROM troles) AND m.member <> " OWNER "))"
#define GRANTEE_NAME(G, R) "CASE WHEN " G " = 0 THEN 'PUBLIC' ELSE " R ".rolname::text END"
#define LO_COMPAT_ON "'^lo_compat_privileges=(on|t|tr|tru|true|y|ye|yes|1)$'"

/* Every row: what, name, role (grantee or PUBLIC), a, b, schema, public. */
static const char foreign_sql[] =
	PT_AUDIT_BASE_CTE ","
	" tschema AS (SELECT t.tenant, pg_catalog.min(n.nspname) AS schema"
	"    FROM tenancy t JOIN nsp n ON n.oid = t.nsp GROUP BY t.tenant)"
	/* Large objects of tenants granted to anyone else who is or holds a
	 * tenant. */
	" SELECT 'lo', l.oid::text, " GRANTEE_NAME("a.grantee", "g") ", w.rolname::text,"
	"        pg_catalog.string_agg(DISTINCT a.privilege_type, ', '), ts.schema::text,"
	"        (a.grantee = 0)::text"
	"   FROM pg_catalog.pg_largeobject_metadata l"
	"   JOIN tschema ts ON ts.tenant = l.lomowner"
	"   JOIN pg_catalog.pg_roles w ON w.oid = l.lomowner,"
	"        " PT_ACL("l.lomacl", "a")
	"   LEFT JOIN pg_catalog.pg_roles g ON g.oid = a.grantee"
	"  WHERE a.grantee <> l.lomowner AND " REACHES_TENANT("a.grantee", "l.lomowner")
	"  GROUP BY l.oid, a.grantee, g.rolname, w.rolname, ts.schema"
	" UNION ALL"
	/* lo_compat_privileges from the server's configuration... */
	" SELECT 'lo-compat-server', s.source::text, '', '', '', NULL, 'false'"
	"   FROM pg_catalog.pg_settings s"
	"  WHERE s.name = 'lo_compat_privileges' AND s.setting = 'on'"
	"    AND s.source NOT IN ('database', 'user', 'database user', 'session', 'client')"
	" UNION ALL"
	/* ... or set for this database, for every role or for a tenant. */
	" SELECT 'lo-compat-setting', coalesce(r.rolname::text, ''),"
	"        coalesce(r.rolname::text, ''), (s.setdatabase <> 0)::text, '', ts.schema, 'false'"
	"   FROM pg_catalog.pg_db_role_setting s"
	"   CROSS JOIN LATERAL pg_catalog.unnest(s.setconfig) c"
	"   LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole"
	"   LEFT JOIN tschema ts ON ts.tenant = s.setrole"
	"  WHERE s.setdatabase IN (0, (SELECT d.oid FROM pg_catalog.pg_database d"
	"                              WHERE d.datname = pg_catalog.current_database()))"
	"    AND (s.setrole = 0 OR s.setrole IN (SELECT oid FROM troles))"
	"    AND NOT (s.setrole = 0 AND s.setdatabase = 0)"
	"    AND c ~* " LO_COMPAT_ON
	" UNION ALL"
	/* User mappings for tenants, their groups or PUBLIC; a = the wrapper,
	 * b = a text[]: whether a tenant may use the server (dblink, new
	 * foreign tables), the remote user it logs in as (its user option,
	 * else postgres_fdw's default: the local role's name), the schema of
	 * the tenant that is this cluster's role of that name, and the
	 * server's dbname option (NULL: the default, the remote user's name). */
	" SELECT 'mapping', s.srvname::text, " GRANTEE_NAME("u.umuser", "r") ", f.fdwname::text,"
	"        ARRAY[EXISTS (SELECT 1 FROM " PT_ACL("s.srvacl", "a")
	"                WHERE a.privilege_type = 'USAGE'"
	"                  AND " REACHES_TENANT("a.grantee", "0") ")::text,"
	"          mu.remote, (SELECT ts2.schema::text FROM tschema ts2"
	"             JOIN pg_catalog.pg_roles r2 ON r2.oid = ts2.tenant"
	"            WHERE r2.rolname::text = mu.remote),"
	"          (SELECT pg_catalog.substr(o, 8) FROM pg_catalog.unnest(s.srvoptions) o"
	"            WHERE o LIKE 'dbname=%' LIMIT 1)]::text,"
	"        ts.schema::text, (u.umuser = 0)::text"
	"   FROM pg_catalog.pg_user_mappings u"
	"   JOIN pg_catalog.pg_foreign_server s ON s.oid = u.srvid"
	"   JOIN pg_catalog.pg_foreign_data_wrapper f ON f.oid = s.srvfdw"
	"   LEFT JOIN pg_catalog.pg_roles r ON r.oid = u.umuser"
	"   LEFT JOIN tschema ts ON ts.tenant = u.umuser"
	"   CROSS JOIN LATERAL (SELECT coalesce((SELECT pg_catalog.substr(o, 6)"
	"        FROM pg_catalog.unnest(u.umoptions) o WHERE o LIKE 'user=%' LIMIT 1),"
	"        r.rolname::text) AS remote) mu"
	"  WHERE " REACHES_TENANT("u.umuser", "0")
	" UNION ALL"
	" SELECT 'server-usage', s.srvname::text, " GRANTEE_NAME("a.grantee", "g") ","
	"        f.fdwname::text, '', ts.schema::text, (a.grantee = 0)::text"
	"   FROM pg_catalog.pg_foreign_server s"
	"   JOIN pg_catalog.pg_foreign_data_wrapper f ON f.oid = s.srvfdw,"
	"        " PT_ACL("s.srvacl", "a")
	"   LEFT JOIN pg_catalog.pg_roles g ON g.oid = a.grantee"
	"   LEFT JOIN tschema ts ON ts.tenant = a.grantee"
	"  WHERE a.privilege_type = 'USAGE' AND a.grantee <> s.srvowner"
	"    AND " REACHES_TENANT("a.grantee", "0")
	" UNION ALL"
	" SELECT 'fdw-usage', f.fdwname::text, " GRANTEE_NAME("a.grantee", "g") ", '', '',"
	"        ts.schema::text, (a.grantee = 0)::text"
	"   FROM pg_catalog.pg_foreign_data_wrapper f, " PT_ACL("f.fdwacl", "a")
	"   LEFT JOIN pg_catalog.pg_roles g ON g.oid = a.grantee"
	"   LEFT JOIN tschema ts ON ts.tenant = a.grantee"
	"  WHERE a.privilege_type = 'USAGE' AND a.grantee <> f.fdwowner"
	"    AND " REACHES_TENANT("a.grantee", "0")
	" UNION ALL"
	/* dblink_connect_u connects without dblink's password checks, as the
	 * server's operating-system user would: revoked from PUBLIC by its
	 * extension, and a path as soon as a tenant holds it again. */
	" SELECT 'dblink-u', n.nspname::text, " GRANTEE_NAME("a.grantee", "g") ","
	"        pg_catalog.pg_get_function_identity_arguments(p.oid), p.proname::text,"
	"        ts.schema::text, (a.grantee = 0)::text"
	"   FROM pg_catalog.pg_proc p"
	"   JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace,"
	"        " PT_ACL("coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))", "a")
	"   LEFT JOIN pg_catalog.pg_roles g ON g.oid = a.grantee"
	"   LEFT JOIN tschema ts ON ts.tenant = a.grantee"
	"  WHERE p.proname = 'dblink_connect_u' AND a.privilege_type = 'EXECUTE'"
	"    AND a.grantee <> p.proowner AND " REACHES_TENANT("a.grantee", "0")
	"    AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
	"         JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid"
	"        WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid"
	"          AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass"
	"          AND d.deptype = 'e' AND e.extname = 'dblink')";

enum { F_WHAT, F_NAME, F_ROLE, F_A, F_B, F_SCHEMA, F_PUBLIC };

/* Wrappers whose servers are PostgreSQL databases, maybe this cluster. */
static bool
reaches_postgres(const char *fdw)
{
	return fdw && (!strcmp(fdw, "postgres_fdw") || !strcmp(fdw, "dblink_fdw"));
}

static void
foreign_finding(struct pt_audit_run *run, const PGresult *res, int i)
{
	pt_db *db = run->db;
	const char *what = pt_audit_val(res, i, F_WHAT), *name = pt_audit_val(res, i, F_NAME);
	const char *role = pt_audit_val(res, i, F_ROLE), *a = pt_audit_val(res, i, F_A);
	const char *b = pt_audit_val(res, i, F_B), *schema = pt_audit_val(res, i, F_SCHEMA);
	bool pub = pt_audit_tval(res, i, F_PUBLIC);

	/* A grantee's role may be gone from under a dangling ACL entry. */
	if (!role)
		role = "";
	if (!name)
		name = "";
	if (!a)
		a = "";
	if (!b)
		b = "";
	char *g = pub ? pt_xstrdup("PUBLIC") : pt_quote_ident(db, *role ? role : "?");
	char *n = pt_quote_ident(db, *name ? name : "?");
	char *who = pub ? pt_xstrdup(_("Every role (PUBLIC), every tenant included,"))
	                : pt_xasprintf(_("Role %s (a tenant, or a group with tenant members)"),
	                               role);
	const char *via = pub ? "PUBLIC" : NULL;

	if (!strcmp(what, "lo")) {
		char *object = pt_xasprintf(_("large object %s"), name);
		pt_audit_add(run, pub ? PT_RULE_PUB_LO_GRANT : PT_RULE_XT_LO_GRANT, PT_SEV_HIGH,
		             role, schema, object, via,
		             pt_xasprintf(_("%s holds %s on large object %s, which belongs to "
		                            "tenant %s: large objects live outside every schema "
		                            "and need no USAGE to be read."), who, b, name, a),
		             pt_xasprintf("REVOKE ALL ON LARGE OBJECT %s FROM %s;", name, g));
		free(object);
	} else if (!strcmp(what, "lo-compat-server")) {
		pt_audit_add(run, PT_RULE_LO_COMPAT, PT_SEV_HIGH, "PUBLIC", NULL, NULL, "PUBLIC",
		             pt_xasprintf(_("lo_compat_privileges is on for the whole server "
		                            "(source: %s): every role, every tenant included, may "
		                            "read and write every large object, other tenants' "
		                            "included."), name),
		             pt_xstrdup(!strcmp(name, "configuration file")
		                        ? "ALTER SYSTEM SET lo_compat_privileges = off; "
		                          "SELECT pg_catalog.pg_reload_conf();"
		                        : "ALTER SYSTEM RESET lo_compat_privileges; "
		                          "SELECT pg_catalog.pg_reload_conf();"));
	} else if (!strcmp(what, "lo-compat-setting")) {
		bool in_db = !strcmp(b, "true");
		char *d = pt_quote_ident(db, pt_db_info(db)->dbname);
		const char *dbname = pt_db_info(db)->dbname;
		char *fix, *detail;

		if (!*role) {
			detail = pt_xasprintf(_("lo_compat_privileges is on for database %s: every "
			                        "role, every tenant included, may read and write every "
			                        "large object, other tenants' included."), dbname);
			fix = pt_xasprintf("ALTER DATABASE %s RESET lo_compat_privileges;", d);
		} else {
			detail = pt_xasprintf(_("lo_compat_privileges is on for tenant role %s: its "
			                        "sessions may read and write every large object, other "
			                        "tenants' included."), role);
			fix = in_db ? pt_xasprintf("ALTER ROLE %s IN DATABASE %s RESET "
			                           "lo_compat_privileges;", g, d)
			            : pt_xasprintf("ALTER ROLE %s RESET lo_compat_privileges;", g);
		}
		pt_audit_add(run, PT_RULE_LO_COMPAT, PT_SEV_HIGH, *role ? role : "PUBLIC", schema,
		             *role ? NULL : dbname, *role ? NULL : "PUBLIC", detail, fix);
		free(d);
	} else if (!strcmp(what, "mapping")) {
		size_t nb;
		char **v = pt_audit_text_array(b, &nb);
		bool usable = nb > 0 && v[0] && !strcmp(v[0], "true");
		const char *remote = nb > 1 && v[1] ? v[1] : NULL;
		const char *victim = nb > 2 ? v[2] : NULL, *dbopt = nb > 3 ? v[3] : NULL;
		/* The remote database is this one when the server names it, or
		 * names none and the remote user is called like it. */
		const char *here = pt_db_info(db)->dbname;
		bool same_db = dbopt ? !strcmp(dbopt, here) : remote && !strcmp(remote, here);
		char *as = !remote
			? pt_xstrdup(_(" (the remote user is not visible to this session)"))
			: victim && reaches_postgres(a) && same_db
			? pt_xasprintf(_(" as %s (the role of tenant %s here, if the server is "
			                 "this cluster: that tenant's data is what it reaches)"),
			               remote, victim)
			: pt_xasprintf(_(" as %s"), remote);
		pt_audit_add(run, PT_RULE_USER_MAPPING,
		             reaches_postgres(a) || usable ? PT_SEV_HIGH : PT_SEV_MEDIUM,
		             role, schema, name, via,
		             pt_xasprintf(_("%s has a user mapping on foreign server %s (%s): its "
		                            "queries through that server log in%s, with the password "
		                            "the mapping stores%s%s"), who, name, a, as,
		                          reaches_postgres(a)
		                          ? _(", which on this cluster reads whatever that user "
		                              "may read, other tenants' data included")
		                          : "",
		                          usable ? _("; a tenant also holds USAGE on the server, "
		                                     "so it can make foreign tables or dblink "
		                                     "connections with it.")
		                                 : "."),
		             pt_xasprintf("DROP USER MAPPING FOR %s SERVER %s;", g, n));
		free(as);
		pt_audit_strv_free(v);
	} else if (!strcmp(what, "server-usage")) {
		pt_audit_add(run, PT_RULE_SERVER_USAGE, PT_SEV_MEDIUM, role, schema, name, via,
		             pt_xasprintf(_("%s holds USAGE on foreign server %s (%s): it can "
		                            "make foreign tables on it, and use any user mapping "
		                            "it has there."), who, name, a),
		             pt_xasprintf("REVOKE USAGE ON FOREIGN SERVER %s FROM %s;", n, g));
	} else if (!strcmp(what, "fdw-usage")) {
		pt_audit_add(run, PT_RULE_FDW_USAGE, PT_SEV_MEDIUM, role, schema, name, via,
		             pt_xasprintf(_("%s holds USAGE on foreign-data wrapper %s: it can "
		                            "create foreign servers%s."), who, name,
		                          reaches_postgres(name)
		                          ? _(" that reach any database of this cluster, past the "
		                              "pg_hba.conf rules for remote hosts")
		                          : ""),
		             pt_xasprintf("REVOKE USAGE ON FOREIGN DATA WRAPPER %s FROM %s;", n, g));
	} else if (!strcmp(what, "dblink-u")) {
		char *f = pt_audit_qualified(db, name, b);
		char *object = pt_xasprintf("%s(%s)", f, a);
		pt_audit_add(run, PT_RULE_DBLINK_UNCHECKED, PT_SEV_HIGH, role, schema, object, via,
		             pt_xasprintf(_("%s may execute %s, which opens connections without "
		                            "dblink's password checks: wherever pg_hba.conf trusts "
		                            "the server's own connections it logs in as any role, "
		                            "a superuser included."), who, object),
		             pt_xasprintf("REVOKE ALL ON FUNCTION %s FROM %s;", object, g));
		free(object);
		free(f);
	}
	free(who);
	free(n);
	free(g);
}

enum pt_status
pt_audit_family_foreign(struct pt_audit_run *r, pt_error *err)
{
	const char *params[1] = { r->pattern };

	return pt_audit_rows(r, foreign_sql, 1, params, foreign_finding, err);
}
