/* The roles family: attributes and memberships of tenant roles (with
 * what each membership really allows), the database's owner, passwords,
 * expiry and connection limits of login roles, orphan roles. One query. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit_int.h"

/* The predefined roles worth a finding, with the version that made each. */
static const struct pt_audit_builtin builtins[] = {
	{ "pg_read_all_data", 140000, PT_SEV_HIGH,
	  N_("read every table, view and sequence in every schema, other tenants' included") },
	{ "pg_write_all_data", 140000, PT_SEV_HIGH,
	  N_("write every table in every schema, other tenants' included") },
	{ "pg_execute_server_program", 110000, PT_SEV_HIGH,
	  N_("run programs on the database server as its operating-system user") },
	{ "pg_read_server_files", 110000, PT_SEV_HIGH,
	  N_("read any file the database server can read") },
	{ "pg_write_server_files", 110000, PT_SEV_HIGH,
	  N_("write any file the database server can write") },
	{ "pg_signal_backend", 90600, PT_SEV_MEDIUM,
	  N_("cancel or terminate other sessions, other tenants' included") },
	{ "pg_monitor", 100000, PT_SEV_MEDIUM,
	  N_("read monitoring views, other sessions' queries included") },
	{ "pg_read_all_stats", 100000, PT_SEV_MEDIUM,
	  N_("read every statistics view, other sessions' queries included") },
	{ "pg_read_all_settings", 100000, PT_SEV_MEDIUM,
	  N_("read every server setting, file paths included") },
	{ "pg_stat_scan_tables", 100000, PT_SEV_MEDIUM,
	  N_("run monitoring functions that lock other tenants' tables") },
	{ "pg_checkpoint", 150000, PT_SEV_MEDIUM,
	  N_("force checkpoints at will") },
	{ "pg_create_subscription", 160000, PT_SEV_MEDIUM,
	  N_("create subscriptions that connect out of the server") },
	{ "pg_use_reserved_connections", 160000, PT_SEV_MEDIUM,
	  N_("take the connections reserved for administrators") },
	{ "pg_maintain", 170000, PT_SEV_MEDIUM,
	  N_("VACUUM, ANALYZE, REINDEX, CLUSTER and LOCK every table") },
	{ "pg_signal_autovacuum_worker", 180000, PT_SEV_MEDIUM,
	  N_("cancel or terminate autovacuum workers, on other tenants' tables included") },
};
#define N_BUILTINS (sizeof builtins / sizeof *builtins)

char *
pt_audit_builtins_array(int server_version_num)
{
	size_t len = 3;
	char *s, *p;
	bool first = true;

	for (size_t i = 0; i < N_BUILTINS; i++)
		len += strlen(builtins[i].name) + 1;
	p = s = pt_xmalloc(len);
	*p++ = '{';
	for (size_t i = 0; i < N_BUILTINS; i++) {
		if (builtins[i].since > server_version_num)
			continue;
		if (!first)
			*p++ = ',';
		first = false;
		p = stpcpy(p, builtins[i].name);
	}
	*p++ = '}';
	*p = '\0';
	return s;
}

const struct pt_audit_builtin *
pt_audit_builtin_find(const char *name)
{
	for (size_t i = 0; i < N_BUILTINS; i++)
		if (!strcmp(builtins[i].name, name))
			return &builtins[i];
	return NULL;
}

/* What an orphan role owns that runs code or shapes grants, one text a
 * row, a letter for its kind first: SECURITY DEFINER functions, triggers
 * on its tables or calling its functions, event triggers, default
 * privileges. Used with r = the orphan role; the caller closes the
 * subquery. */
#define ORPHAN_RISKS \
	"(SELECT 'f' || f.oid::pg_catalog.regprocedure::text AS x" \
	"    FROM pg_catalog.pg_proc f WHERE f.proowner = r.oid AND f.prosecdef" \
	"  UNION ALL" \
	"  SELECT 't' || pg_catalog.quote_ident(t.tgname) || ' ON '" \
	"         || t.tgrelid::pg_catalog.regclass::text" \
	"    FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid" \
	"    JOIN pg_catalog.pg_proc f ON f.oid = t.tgfoid" \
	"   WHERE NOT t.tgisinternal AND (c.relowner = r.oid OR f.proowner = r.oid)" \
	"  UNION ALL" \
	"  SELECT 'e' || pg_catalog.quote_ident(e.evtname)" \
	"    FROM pg_catalog.pg_event_trigger e WHERE e.evtowner = r.oid" \
	"  UNION ALL" \
	"  SELECT 'd' || a.defaclobjtype::text || coalesce(pg_catalog.quote_ident(n.nspname), '')" \
	"    FROM pg_catalog.pg_default_acl a" \
	"    LEFT JOIN pg_catalog.pg_namespace n ON n.oid = a.defaclnamespace" \
	"   WHERE a.defaclrole = r.oid"

/* The role-level checks: attributes and memberships of tenant roles, the
 * database's owner, passwords and expiry of login roles, orphan roles.
 * $2 = the powerful built-in roles, $3 = the user-name pattern as LIKE. */
#define ROLES_SQL(PW) \
	PT_AUDIT_BASE_CTE "," \
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
	"     CASE WHEN r.rolcreatedb THEN 'CREATEDB' END), '', '', ts.schema, NULL" \
	"   FROM pg_catalog.pg_roles r JOIN tschema ts ON ts.tenant = r.oid" \
	"  WHERE r.rolsuper OR r.rolcreaterole OR r.rolreplication OR r.rolbypassrls" \
	"     OR r.rolcreatedb" \
	" UNION ALL" \
	" SELECT 'member', r.rolname, g.rolname, h.rolname, k.k || ':' ||" \
	"     pg_catalog.concat_ws(',', CASE WHEN m.can_set THEN 'set' END," \
	"       CASE WHEN m.can_inherit THEN 'inherit' END," \
	"       CASE WHEN (SELECT pg_catalog.bool_or(x.admin_option)" \
	"                    FROM pg_catalog.pg_auth_members x" \
	"                   WHERE x.member = m.member AND x.roleid = m.grp)" \
	"         THEN 'admin' END), ts.schema, NULL" \
	"   FROM memball m JOIN tschema ts ON ts.tenant = m.member" \
	"   JOIN gkind k ON k.oid = m.grp" \
	"   JOIN pg_catalog.pg_roles r ON r.oid = m.member" \
	"   JOIN pg_catalog.pg_roles g ON g.oid = m.grp" \
	"   JOIN pg_catalog.pg_roles h ON h.oid = m.hop" \
	"  WHERE k.k IS NOT NULL AND m.grp <> m.member" \
	" UNION ALL" \
	" SELECT 'dbowner', r.rolname, d.datname, '', '', ts.schema, NULL" \
	"   FROM pg_catalog.pg_database d JOIN tschema ts ON ts.tenant = d.datdba" \
	"   JOIN pg_catalog.pg_roles r ON r.oid = d.datdba" \
	"  WHERE d.datname = pg_catalog.current_database()" \
	" UNION ALL" \
	" SELECT 'connlimit', r.rolname, '', '', '', ts.schema, NULL" \
	"   FROM pg_catalog.pg_roles r JOIN tschema ts ON ts.tenant = r.oid" \
	"  WHERE r.rolconnlimit < 0" \
	" UNION ALL" \
	/* A non-superuser admin needs the tenant's privileges to see its \
	 * sessions, end them and drop what it owns; before PostgreSQL 16 the \
	 * tenant may revoke that membership itself. Direct memberships are \
	 * hashed once; pg_has_role (linear in the admin's memberships) runs \
	 * only for the tenants not found there. */ \
	" SELECT 'adminlost', r.rolname, '', '', '', ts.schema, NULL" \
	"   FROM pg_catalog.pg_roles r JOIN tschema ts ON ts.tenant = r.oid" \
	"  WHERE NOT (SELECT me.rolsuper FROM pg_catalog.pg_roles me" \
	"              WHERE me.rolname = current_user)" \
	"    AND r.oid NOT IN (SELECT e.roleid FROM edge e" \
	"          JOIN pg_catalog.pg_roles me ON me.oid = e.member" \
	"         WHERE me.rolname = current_user AND e.i)" \
	"    AND NOT pg_catalog.pg_has_role(r.oid, 'USAGE')" \
	" UNION ALL" \
	/* Objects owned by a role that tenants are members of: every one of \
	 * them can act as their owner (before 16 by SET ROLE, which no grant \
	 * option can deny; by inheritance on every version). Large objects \
	 * (anyone may make one) one row per owner, the others one each. */ \
	" SELECT CASE WHEN sd.classid = 'pg_catalog.pg_largeobject'::pg_catalog.regclass" \
	"     THEN 'grplo' ELSE 'grpowns' END, g.rolname," \
	"     pg_catalog.min(i.type), pg_catalog.min(i.identity)," \
	"     pg_catalog.count(*)::text, pg_catalog.min(i.schema), pg_catalog.min(tg.n)::text" \
	"   FROM (SELECT m.roleid, pg_catalog.count(*) AS n FROM pg_catalog.pg_auth_members m" \
	"          WHERE m.member IN (SELECT oid FROM troles)" \
	"            AND m.roleid NOT IN (SELECT oid FROM troles) GROUP BY m.roleid) tg" \
	"   JOIN pg_catalog.pg_roles g ON g.oid = tg.roleid AND NOT g.rolsuper" \
	"   JOIN pg_catalog.pg_shdepend sd" \
	"     ON sd.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass" \
	"    AND sd.refobjid = g.oid AND sd.deptype = 'o' AND sd.dbid =" \
	"        (SELECT d.oid FROM pg_catalog.pg_database d" \
	"          WHERE d.datname = pg_catalog.current_database())," \
	"   LATERAL pg_catalog.pg_identify_object(sd.classid, sd.objid, sd.objsubid) i" \
	"  GROUP BY g.rolname, CASE WHEN sd.classid =" \
	"     'pg_catalog.pg_largeobject'::pg_catalog.regclass THEN 0 ELSE sd.objid END," \
	"     sd.classid" \
	" UNION ALL" \
	/* The tenants' group itself changed: what a tenant can do to it \
	 * after SET ROLE before 16 (its password, its settings), or what \
	 * someone with CREATEROLE did (LOGIN, powers, INHERIT, memberships). */ \
	" SELECT 'grpattr', r.rolname, 'attr', pg_catalog.concat_ws(' '," \
	"     CASE WHEN r.rolcanlogin THEN 'LOGIN' END, CASE WHEN r.rolsuper THEN 'SUPERUSER' END," \
	"     CASE WHEN r.rolcreaterole THEN 'CREATEROLE' END," \
	"     CASE WHEN r.rolcreatedb THEN 'CREATEDB' END," \
	"     CASE WHEN r.rolreplication THEN 'REPLICATION' END," \
	"     CASE WHEN r.rolbypassrls THEN 'BYPASSRLS' END), '', NULL, NULL" \
	"   FROM pg_catalog.pg_roles r JOIN tgrp ON tgrp.oid = r.oid" \
	"  WHERE r.rolcanlogin OR r.rolsuper OR r.rolcreaterole OR r.rolcreatedb" \
	"     OR r.rolreplication OR r.rolbypassrls" \
	" UNION ALL" \
	" SELECT 'grpattr', r.rolname, 'inherit', '', '', NULL, NULL" \
	"   FROM pg_catalog.pg_roles r JOIN tgrp ON tgrp.oid = r.oid WHERE r.rolinherit" \
	" UNION ALL" \
	" SELECT 'grpattr', r.rolname, 'member', g.rolname, '', NULL, NULL" \
	"   FROM pg_catalog.pg_roles r JOIN tgrp ON tgrp.oid = r.oid" \
	"   JOIN pg_catalog.pg_auth_members m ON m.member = r.oid" \
	"   JOIN pg_catalog.pg_roles g ON g.oid = m.roleid" \
	" UNION ALL" \
	" SELECT 'grpattr', r.rolname, 'setting', coalesce(d.datname, '')," \
	"     pg_catalog.array_to_string(s.setconfig, ', '), NULL, NULL" \
	"   FROM pg_catalog.pg_roles r JOIN tgrp ON tgrp.oid = r.oid" \
	"   JOIN pg_catalog.pg_db_role_setting s ON s.setrole = r.oid" \
	"   LEFT JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase" \
	" UNION ALL" \
	" SELECT 'grpattr', r.rolname, 'password', " PW ", '', NULL, NULL" \
	"   FROM pg_catalog.pg_roles r JOIN tgrp ON tgrp.oid = r.oid" \
	" UNION ALL" \
	" SELECT 'login', r.rolname, " PW "," \
	"     (r.rolvaliduntil IS NULL OR r.rolvaliduntil = 'infinity')::text," \
	"     '', ts.schema, NULL" \
	"   FROM pg_catalog.pg_roles r LEFT JOIN tschema ts ON ts.tenant = r.oid" \
	"  WHERE r.rolcanlogin" \
	" UNION ALL" \
	" SELECT 'orphan', r.rolname, coalesce(p.path, '')," \
	"     (SELECT pg_catalog.count(*) FROM pg_catalog.pg_shdepend s" \
	"       WHERE s.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass" \
	"         AND s.refobjid = r.oid AND s.deptype = 'o' AND s.dbid =" \
	"             (SELECT d.oid FROM pg_catalog.pg_database d" \
	"               WHERE d.datname = pg_catalog.current_database()))::text," \
	"     (SELECT (pg_catalog.array_agg(x ORDER BY x))[1:" PT_AUDIT_STR(PT_AUDIT_MAX_NAMES) "]::text" \
	"        FROM " ORPHAN_RISKS ") z), NULL," \
	"     (SELECT pg_catalog.count(*) FROM " ORPHAN_RISKS ") z)::text" \
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

enum { R_WHAT, R_ROLE, R_A, R_B, R_C, R_SCHEMA, R_D };
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

/* A suggested expiry date: "2027-11-26". One buffer per thread: programs
 * audit from several threads through libpgtenant, one handle each. */
static const char *
a_year_from_now(void)
{
	static _Thread_local char buf[16];
	time_t t = time(NULL) + 365L * 24 * 3600;
	struct tm tm;

	strftime(buf, sizeof buf, "%Y-%m-%d", gmtime_r(&t, &tm));
	return buf;
}

/* The orphan row's risky objects (ORPHAN_RISKS) in words: "SECURITY
 * DEFINER function public.f(), trigger t ON public.x and 3 more". */
static char *
orphan_risks(const PGresult *res, int i)
{
	size_t n;
	char **v = pt_audit_text_array(pt_audit_val(res, i, R_C), &n);
	long total = strtol(pt_audit_val(res, i, R_D) ? pt_audit_val(res, i, R_D) : "0", NULL, 10);
	char *out = pt_xstrdup("");

	for (size_t k = 0; k < n; k++) {
		const char *name = v[k] + 1;
		char *item, *o;

		switch (v[k][0]) {
		case 'f': item = pt_xasprintf(_("SECURITY DEFINER function %s"), name); break;
		case 't': item = pt_xasprintf(_("trigger %s"), name); break;
		case 'e': item = pt_xasprintf(_("event trigger %s"), name); break;
		default:
			/* 'd', the object type letter, then the schema (or none) */
			item = name[0] && name[1]
				? pt_xasprintf(_("default privileges on new objects (%c) in schema %s"),
				               name[0], name + 1)
				: pt_xasprintf(_("default privileges on new objects (%c)"), name[0]);
			break;
		}
		o = pt_xasprintf("%s%s%s", out, k ? ", " : "", item);
		free(item);
		free(out);
		out = o;
	}
	if (total > (long)n) {
		char *o = pt_xasprintf(_("%s and %ld more"), out, total - (long)n);
		free(out);
		out = o;
	}
	pt_audit_strv_free(v);
	return out;
}

static void
role_finding(struct pt_audit_run *run, const PGresult *res, int i)
{
	pt_db *db = run->db;
	const char *what = pt_audit_val(res, i, R_WHAT), *role = pt_audit_val(res, i, R_ROLE);
	const char *a = pt_audit_val(res, i, R_A), *b = pt_audit_val(res, i, R_B), *c = pt_audit_val(res, i, R_C);
	const char *schema = pt_audit_val(res, i, R_SCHEMA);
	char *r = pt_quote_ident(db, role);

	if (!strcmp(what, "attr")) {
		for (size_t k = 0; k < sizeof attrs / sizeof *attrs; k++) {
			if (!strstr(a, attrs[k].name))
				continue;
			pt_audit_add(run, PT_RULE_ATTRIBUTE, attrs[k].severity, role, schema, NULL, NULL,
			    pt_xasprintf(_("Tenant role %s has %s: it can %s."), role,
			                 attrs[k].name, _(attrs[k].power)),
			    pt_xasprintf("ALTER ROLE %s %s;", r, attrs[k].neg));
		}
	} else if (!strcmp(what, "member")) {
		char *h = pt_quote_ident(db, b);
		char *how = strcmp(a, b) ? pt_xasprintf(_("through role %s"), b)
		                         : pt_xstrdup(_("directly"));
		char *fix = pt_xasprintf("REVOKE %s FROM %s;", h, r);
		const char *opts = strchr(c, ':') ? strchr(c, ':') + 1 : "set";
		bool set = strstr(opts, "set") != NULL, inherit = strstr(opts, "inherit") != NULL;
		bool admin = strstr(opts, "admin") != NULL;
		enum pt_rule rule = !strncmp(c, "tenant:", 7) ? PT_RULE_MEMBER_TENANT
		                  : !strncmp(c, "builtin:", 8) ? PT_RULE_MEMBER_BUILTIN
		                  : PT_RULE_MEMBER_PRIVILEGED;
		const struct pt_audit_builtin *bi = pt_audit_builtin_find(a);
		enum pt_severity sev;
		char *allows, *detail;

		/* What the grant really allows (PostgreSQL 16's options). */
		if (set && inherit)
			allows = pt_xasprintf(_("it can SET ROLE %s and uses its privileges without "
			                        "doing so"), a);
		else if (set)
			allows = pt_xasprintf(_("it can SET ROLE %s (the grant does not pass its "
			                        "privileges on by inheritance)"), a);
		else if (inherit)
			allows = pt_xasprintf(_("it uses %s's privileges by inheritance (the grant "
			                        "does not allow SET ROLE)"), a);
		else if (admin)
			allows = pt_xasprintf(_("the grant allows neither SET ROLE nor inheriting, but "
			                        "its ADMIN option lets it grant %s to itself WITH SET "
			                        "TRUE and then SET ROLE %s"), a, a);
		else
			allows = pt_xasprintf(_("the grant allows neither SET ROLE nor inheriting "
			                        "(WITH INHERIT FALSE, SET FALSE): no access to %s's "
			                        "privileges; it matters only to pg_hba.conf's +group "
			                        "lines"), a);
		/* ADMIN OPTION is as good as SET: the member may grant the
		 * role to itself WITH SET TRUE (checked on 16). */
		bool reach = set || inherit || admin;
		if (rule == PT_RULE_MEMBER_TENANT) {
			sev = reach ? PT_SEV_HIGH : PT_SEV_INFO;
			detail = pt_xasprintf(_("Tenant role %s is a member of tenant role %s (%s): "
			                        "%s%s"), role, a, how, allows,
			                      reach ? _(", and so reads, changes or drops all of that "
			                                "tenant's data.") : ".");
		} else if (rule == PT_RULE_MEMBER_BUILTIN) {
			sev = reach ? (bi ? bi->severity : PT_SEV_HIGH) : PT_SEV_INFO;
			detail = reach
				? pt_xasprintf(_("Tenant role %s is a member of %s (%s): %s, and so can %s."),
				               role, a, how, allows, bi ? _(bi->power) : a)
				: pt_xasprintf(_("Tenant role %s is a member of %s (%s): %s."),
				               role, a, how, allows);
		} else {
			/* Attributes are never inherited: only SET ROLE uses them. */
			sev = set || admin ? PT_SEV_HIGH : inherit ? PT_SEV_MEDIUM : PT_SEV_INFO;
			detail = pt_xasprintf(_("Tenant role %s is a member of %s (%s), which has "
			                        "SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or "
			                        "BYPASSRLS: %s%s"), role, a, how, allows,
			                      set || admin ? _(", and so can use them.") : ".");
		}
		pt_audit_add(run, rule, sev, role, schema, NULL, strcmp(a, b) ? b : NULL, detail, fix);
		free(allows);
		free(how);
		free(h);
	} else if (!strcmp(what, "dbowner")) {
		char *d = pt_quote_ident(db, a), *me = pt_quote_ident(db, pt_db_info(db)->user);
		pt_audit_add(run, PT_RULE_OWNS_DATABASE, PT_SEV_HIGH, role, schema, NULL, NULL,
		    pt_xasprintf(_("Tenant role %s owns database %s: it owns schema public "
		                   "(pg_database_owner), grants CONNECT to anyone and changes "
		                   "the database's settings."), role, a),
		    pt_xasprintf("ALTER DATABASE %s OWNER TO %s;", d, me));
		free(d);
		free(me);
	} else if (!strcmp(what, "connlimit")) {
		pt_audit_add(run, PT_RULE_NO_CONN_LIMIT, PT_SEV_LOW, role, schema, NULL, NULL,
		             pt_xasprintf(_("Tenant role %s has no CONNECTION LIMIT: it can take "
		                            "every connection slot the server has left, and lock "
		                            "the other tenants out."), role),
		             pt_xasprintf("ALTER ROLE %s CONNECTION LIMIT %d;", r,
		                          PT_AUDIT_SUGGESTED_CONN_LIMIT));
	} else if (!strcmp(what, "adminlost")) {
		const struct pt_session_info *in = pt_db_info(db);
		char *me = pt_quote_ident(db, in->user);
		pt_audit_add(run, PT_RULE_ADMIN_NOT_MEMBER, PT_SEV_MEDIUM, role, schema, NULL, NULL,
		    pt_xasprintf(_("Admin role %s is not a member of tenant role %s, or does not "
		                   "inherit its privileges (before PostgreSQL 16 a tenant may revoke "
		                   "that itself: REVOKE %s FROM %s): pgtenant cannot see or end the "
		                   "tenant's sessions, nor drop what it owns."),
		                 in->user, role, role, in->user),
		    pt_xasprintf("GRANT %s TO %s%s;", r, me,
		                 in->server_version_num >= 160000 ? " WITH INHERIT TRUE, SET TRUE" : ""));
		free(me);
	} else if (!strcmp(what, "grplo") || !strcmp(what, "grpowns")) {
		/* a = object type, b = its identity, c = how many (large
		 * objects), schema, d = how many tenants are members */
		const char *members = pt_audit_val(res, i, R_D);
		bool lo = !strcmp(what, "grplo");
		long n = strtol(c, NULL, 10);
		char *obj = lo ? pt_xasprintf(P_("%ld large object", "%ld large objects", n), n)
		               : pt_xasprintf("%s %s", a, b);
		char *lit = pt_quote_literal(db, role);
		pt_audit_add(run, PT_RULE_GROUP_OWNED, PT_SEV_HIGH, role, schema, lo ? NULL : b, NULL,
		    pt_xasprintf(_("Role %s, which %s tenant role(s) are members of, owns %s: every "
		                   "one of those tenants can act as its owner (before PostgreSQL 16 "
		                   "by SET ROLE %s, which no grant can deny), so one tenant's data "
		                   "there is every other's."), role, members, obj, role),
		    lo ? pt_xasprintf("SELECT pg_catalog.lo_unlink(l.oid) FROM "
		                      "pg_catalog.pg_largeobject_metadata l WHERE l.lomowner = "
		                      "%s::pg_catalog.regrole;", lit)
		       : pt_xasprintf("-- review it first: DROP %s %s;", a, b));
		free(lit);
		free(obj);
	} else if (!strcmp(what, "grpattr")) {
		/* a = what changed; b, c = its details */
		enum pt_severity sev = PT_SEV_MEDIUM;
		char *detail = NULL, *fix = NULL;

		if (!strcmp(a, "attr")) {
			sev = PT_SEV_HIGH;
			detail = pt_xasprintf(_("The tenants' group %s has %s: it must be a NOLOGIN role "
			                        "without powers, since every tenant is a member."), role, b);
			fix = pt_xasprintf("ALTER ROLE %s NOLOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB "
			                   "NOREPLICATION NOBYPASSRLS;", r);
		} else if (!strcmp(a, "inherit")) {
			detail = pt_xasprintf(_("The tenants' group %s is INHERIT: a role granted to it "
			                        "would pass its privileges to every tenant."), role);
			fix = pt_xasprintf("ALTER ROLE %s NOINHERIT;", r);
		} else if (!strcmp(a, "member")) {
			char *g = pt_quote_ident(db, b);
			sev = PT_SEV_HIGH;
			detail = pt_xasprintf(_("The tenants' group %s is a member of %s: every tenant "
			                        "can use that role's privileges."), role, b);
			fix = pt_xasprintf("REVOKE %s FROM %s;", g, r);
			free(g);
		} else if (!strcmp(a, "setting")) {
			char *d = *b ? pt_quote_ident(db, b) : NULL;
			sev = PT_SEV_LOW;
			detail = pt_xasprintf(_("The tenants' group %s has settings of its own (%s%s%s); "
			                        "pgtenant sets none, and before PostgreSQL 16 any tenant "
			                        "can set them after SET ROLE %s."), role, c,
			                      *b ? _(" in database ") : "", b, role);
			fix = d ? pt_xasprintf("ALTER ROLE %s IN DATABASE %s RESET ALL;", r, d)
			        : pt_xasprintf("ALTER ROLE %s RESET ALL;", r);
			free(d);
		} else if (!strcmp(a, "password") && (!strcmp(b, "md5") || !strcmp(b, "ok"))) {
			detail = pt_xasprintf(_("The tenants' group %s has a password: pgtenant sets "
			                        "none, and before PostgreSQL 16 any tenant can set it after "
			                        "SET ROLE %s; with LOGIN it would log in as the group."),
			                      role, role);
			fix = pt_xasprintf("ALTER ROLE %s PASSWORD NULL;", r);
		}
		if (detail)
			pt_audit_add(run, PT_RULE_GROUP_ALTERED, sev, role, NULL, NULL, NULL, detail, fix);
	} else if (!strcmp(what, "login")) {
		if (!strcmp(a, "md5"))
			pt_audit_add(run, PT_RULE_MD5, PT_SEV_LOW, role, schema, NULL, NULL,
			    pt_xasprintf(_("Login role %s has its password stored as an MD5 hash, "
			                   "which is weak and replayable; set a new one so the "
			                   "server stores a SCRAM verifier."), role),
			    /* The role's name stays out of the comment: a newline in it
			     * would end the comment, and the rest would run. */
			    pt_xstrdup("SET password_encryption = 'scram-sha-256'; "
			               "-- then set its password again: \\password in psql, "
			               "or pgtenant rotate-password"));
		else if (!strcmp(a, "none"))
			pt_audit_add(run, PT_RULE_NO_PASSWORD, PT_SEV_INFO, role, schema, NULL, NULL,
			    pt_xasprintf(_("Login role %s has no password: it can log in only "
			                   "where pg_hba.conf trusts it or uses another method."), role),
			    pt_xstrdup("-- set one with \\password in psql"));
		if (!strcmp(b, "true") && strcmp(a, "none") != 0)
			pt_audit_add(run, PT_RULE_NO_EXPIRY, PT_SEV_INFO, role, schema, NULL, NULL,
			    pt_xasprintf(_("Login role %s's password never expires."), role),
			    pt_xasprintf("ALTER ROLE %s VALID UNTIL '%s';", r, a_year_from_now()));
	} else if (!strcmp(what, "orphan")) {
		/* Never REASSIGN OWNED to the admin: a SECURITY DEFINER function
		 * the orphan wrote would then run with the admin's rights, for
		 * anyone PUBLIC lets call it (issue 18). What it owns is dropped
		 * with it, and the finding names what of that runs code. */
		char *risks = orphan_risks(res, i);
		char *why = *a ? pt_xasprintf(_("Login role %s looks like a tenant (its search_path is "
		                                "%s) but has no schema: it can still log in."), role, a)
		               : pt_xasprintf(_("Login role %s looks like a tenant (NOINHERIT, named "
		                                "like one, CONNECT granted on this database) but has no "
		                                "schema: it can still log in."), role);
		long owned = strtol(b, NULL, 10);
		char *owns = owned == 0
			? pt_xstrdup(_("It owns nothing in this database."))
			: pt_xasprintf(P_("The fix drops the %ld object it owns in this database%s%s "
			                        "(review it first; nothing is handed to another role, "
			                        "which would run its code with that role's rights).",
			                        "The fix drops the %ld objects it owns in this database%s%s "
			                        "(review them first; nothing is handed to another role, "
			                        "which would run their code with that role's rights).",
			                        owned),
			               owned, *risks ? _(", among them ") : "", risks);
		pt_audit_add(run, PT_RULE_ORPHAN_ROLE, PT_SEV_LOW, role, NULL, NULL, NULL,
		    pt_xasprintf("%s %s", why, owns),
		    pt_xasprintf("DROP OWNED BY %s; DROP ROLE %s;", r, r));
		free(why);
		free(owns);
		free(risks);
	}
	free(r);
}

enum pt_status
pt_audit_family_roles(struct pt_audit_run *r, pt_error *err)
{
	const char *params[3] = { r->pattern, r->builtins, r->like };

	if (!r->out->passwords_checked) {
		const char *me = pt_db_info(r->db)->user;
		char *q = pt_quote_ident(r->db, me);
		pt_audit_add(r, PT_RULE_PW_SKIPPED, PT_SEV_INFO, me, NULL, NULL, NULL,
		             pt_xasprintf(_("Role %s may not read pg_authid, so MD5 passwords and "
		                            "login roles without a password were not checked; run "
		                            "the audit as a superuser to check them."), me),
		             pt_xasprintf("-- connect as a superuser (%s is not)", q));
		free(q);
	}
	return pt_audit_rows(r, r->out->passwords_checked ? roles_pw_sql : roles_sql, 3,
	                     params, role_finding, err);
}
