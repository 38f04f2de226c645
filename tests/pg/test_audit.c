/* The audit and harden against a real PostgreSQL. A fixture plants every
 * flaw the audit must find, each one deliberately; every flaw must be
 * found with the right rule, role and schema, and running its fix_sql must
 * make it disappear from the next audit. Clean tenants must audit clean,
 * and harden must close the public schema without locking anyone out.
 * Each test works in a database of its own (roles are cluster-wide, so
 * every test uses its own role names). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "audit.h"
#include "conn.h"
#include "secret.h"
#include "tenant.h"
#include "pgtest.h"

static PGconn *admin;        /* superuser, to the test's database */
static pt_db *db;            /* the core's session, to the same database */
static struct pt_audit A;    /* the latest audit */

static void
use_database(const char *dbname)
{
	PGconn *c = pgt_admin(NULL);
	char *conninfo;
	pt_error e;

	pgt_sql(c, "CREATE DATABASE %s", dbname);
	PQfinish(c);
	if (admin)
		PQfinish(admin);
	if (db)
		pt_db_close(db);
	admin = pgt_admin(dbname);
	conninfo = pgt_admin_conninfo(dbname);
	db = pt_db_connect(conninfo, NULL, &e);
	free(conninfo);
	if (!db)
		fail_msg("core connect to %s: %s", dbname, e.message);
}

static void
audit(void)
{
	pt_error e;

	pt_audit_free(&A);
	if (pt_audit_run(db, &A, &e) != PT_OK)
		fail_msg("audit: %s", e.message);
}

static bool
same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The finding with this rule, role and schema (NULL = none) whose detail
 * contains hint (NULL = any). */
static const struct pt_finding *
find(const char *rule, const char *role, const char *schema, const char *hint)
{
	for (size_t i = 0; i < A.n; i++) {
		const struct pt_finding *f = &A.findings[i];
		if (!strcmp(f->rule, rule) && same(f->role, role) && same(f->schema, schema) &&
		    (!hint || strstr(f->detail, hint)))
			return f;
	}
	return NULL;
}

static void
dump(void)
{
	for (size_t i = 0; i < A.n; i++)
		print_message("  %s %s role=%s schema=%s: %s\n", pt_severity_name(A.findings[i].severity),
		              A.findings[i].rule, A.findings[i].role,
		              A.findings[i].schema ? A.findings[i].schema : "(null)",
		              A.findings[i].detail);
}

static int
setup(void **state)
{
	(void)state;
	return pt_core_init();
}

static int
teardown(void **state)
{
	(void)state;
	pt_audit_free(&A);
	pt_db_close(db);
	PQfinish(admin);
	return 0;
}

struct expect {
	const char *rule, *role, *schema, *hint;
	int severity;      /* -1: not checked */
	bool runnable;     /* fix_sql is SQL that removes the finding */
};

/* Every expected finding is there, with its severity, a fix and words. */
static void
check_found(const struct expect *expected, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct expect *x = &expected[i];
		const struct pt_finding *f = find(x->rule, x->role, x->schema, x->hint);
		if (!f) {
			dump();
			fail_msg("not found: %s role=%s schema=%s (%s)", x->rule, x->role,
			         x->schema ? x->schema : "(null)", x->hint ? x->hint : "");
		}
		if (x->severity >= 0 && (int)f->severity != x->severity) {
			dump();
			fail_msg("%s role=%s (%s): severity %s", x->rule, x->role,
			         x->hint ? x->hint : "", pt_severity_name(f->severity));
		}
		assert_non_null(f->fix_sql);
		assert_true(strlen(f->detail) > 20);
	}
}

/* Every runnable fix removes its finding, and only by running it. */
static void
check_fixes(const struct expect *expected, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct expect *x = &expected[i];
		const struct pt_finding *f = find(x->rule, x->role, x->schema, x->hint);
		char *fix;
		if (!x->runnable)
			continue;
		assert_non_null(f);
		fix = strdup(f->fix_sql);
		pgt_sql(admin, "%s", fix);
		audit();
		if (find(x->rule, x->role, x->schema, x->hint)) {
			dump();
			fail_msg("still found after running its fix (%s): %s role=%s", fix, x->rule,
			         x->role);
		}
		free(fix);
	}
}

/* Answers of pgt_value compared in place are kept here and freed at the
 * end, so the sanitizer build's leak check stays quiet. */
static char *kept_values[32];
static size_t n_kept;

static const char *
kept(char *v)
{
	if (n_kept < sizeof kept_values / sizeof *kept_values)
		kept_values[n_kept++] = v;
	return v;
}

static void
free_kept(void)
{
	while (n_kept)
		free(kept_values[--n_kept]);
}

static void
test_planted_flaws(void **state)
{
	/* pg_read_all_data is 14+; on 13 another role that reads what it should not. */
	const char *read_all = PQserverVersion(admin) >= 140000 ? "pg_read_all_data"
	                                                       : "pg_read_server_files";
	const struct expect expected[] = {
		{ "cross-tenant-schema-grant", "b_user", "tenant_a", "USAGE", PT_SEV_HIGH, true },
		{ "cross-tenant-table-grant", "c_user", "tenant_a", "It is latent", PT_SEV_MEDIUM, true },
		{ "cross-tenant-column-grant", "d_user", "tenant_a", "secret", -1, true },
		{ "cross-tenant-sequence-grant", "b_user", "tenant_a", NULL, PT_SEV_HIGH, true },
		{ "cross-tenant-function-grant", "c_user", "tenant_a", "EXECUTE", -1, true },
		{ "cross-tenant-default-privilege", "d_user", "tenant_a", "SELECT", PT_SEV_HIGH, true },
		{ "cross-tenant-default-privilege", "e_user", NULL, "INSERT", PT_SEV_HIGH, true },
		{ "cross-tenant-table-grant", "grp", "tenant_b", "e_user", PT_SEV_MEDIUM, true },
		{ "public-tenant-table-grant", "PUBLIC", "tenant_c", "SELECT", PT_SEV_HIGH, true },
		{ "public-tenant-schema-grant", "PUBLIC", "tenant_c", "USAGE", PT_SEV_HIGH, true },
		{ "cross-tenant-schema-grant", "r_user", "tenant_q", "USAGE", PT_SEV_HIGH, true },
		{ "shared-tenant-schema", "u2_user", "shared_u", "u1_user", PT_SEV_HIGH, true },
		{ "tenant-member-of-tenant", "f_user", "tenant_f", "b_user", PT_SEV_HIGH, true },
		{ "tenant-member-of-tenant", "f2_user", "tenant_f2", "through role mid", PT_SEV_HIGH, true },
		{ "tenant-member-of-builtin-role", "g_user", "tenant_g", read_all, PT_SEV_HIGH, true },
		{ "tenant-member-of-builtin-role", "g_user", "tenant_g", "pg_signal_backend", PT_SEV_MEDIUM, true },
		{ "tenant-member-of-builtin-role", "g_user", "tenant_g", "pg_execute_server_program", PT_SEV_HIGH, true },
		{ "tenant-member-of-privileged-role", "s_user", "tenant_s", "powerful", PT_SEV_HIGH, true },
		{ "tenant-role-attribute", "h_user", "tenant_h", "CREATEROLE", PT_SEV_HIGH, true },
		{ "tenant-role-attribute", "h_user", "tenant_h", "CREATEDB", PT_SEV_MEDIUM, true },
		{ "tenant-role-attribute", "h_user", "tenant_h", "REPLICATION", PT_SEV_HIGH, true },
		{ "tenant-role-attribute", "h_user", "tenant_h", "BYPASSRLS", -1, true },
		{ "tenant-role-attribute", "i_user", "tenant_i", "SUPERUSER", PT_SEV_HIGH, true },
		{ "public-schema-create", "PUBLIC", "public", NULL, PT_SEV_HIGH, true },
		{ "public-schema-usage", "PUBLIC", "public", NULL, PT_SEV_MEDIUM, true },
		{ "database-public-connect", "PUBLIC", NULL, "audit_fx", PT_SEV_MEDIUM, true },
		{ "database-public-temp", "PUBLIC", NULL, "audit_fx", PT_SEV_LOW, true },
		{ "other-database-public-access", "PUBLIC", NULL, "audit_fx_other", PT_SEV_INFO, true },
		{ "tenant-public-schema-access", "p_user", "public", "direct grant", PT_SEV_MEDIUM, true },
		{ "foreign-owned-object", "pgtadmin", "tenant_k", "admin_t", PT_SEV_MEDIUM, true },
		{ "security-definer-privileged-owner", "pgtadmin", "tenant_k", "sd", PT_SEV_HIGH, true },
		{ "cross-tenant-object-owner", "m_user", "tenant_l", "stolen", PT_SEV_HIGH, true },
		{ "cross-tenant-object-owner", "owner_grp", "tenant_l", "t_user", PT_SEV_HIGH, true },
		{ "tenant-owns-database", "n_user", "tenant_n", "audit_fx", PT_SEV_HIGH, true },
		{ "orphan-role", "o_user", NULL, "tenant_gone", PT_SEV_LOW, true },
		{ "orphan-role", "o2_user", NULL, "NOINHERIT", PT_SEV_LOW, true },
		{ "orphan-schema", "ghost", "abandoned", NULL, PT_SEV_LOW, true },
		{ "md5-password", "j_user", "tenant_j", "MD5", PT_SEV_LOW, false },
		{ "login-without-password", "nopw", NULL, NULL, PT_SEV_INFO, false },
		{ "login-without-expiry", "z_user", "tenant_z", NULL, PT_SEV_INFO, true },
	};
	static const char *const tenants[] = {
		"a", "b", "c", "d", "e", "f", "f2", "g", "h", "i", "j", "k", "l", "m", "n",
		"p", "r", "s", "t", "z",
	};
	(void)state;

	use_database("audit_fx");
	pgt_sql(admin, "CREATE DATABASE audit_fx_other");
	for (size_t i = 0; i < sizeof tenants / sizeof *tenants; i++)
		pgt_sql(admin,
		        "CREATE ROLE %s_user LOGIN NOINHERIT CONNECTION LIMIT 5 PASSWORD 'pw-%s-secret';"
		        "CREATE SCHEMA tenant_%s AUTHORIZATION %s_user;"
		        "GRANT CONNECT ON DATABASE audit_fx TO %s_user;"
		        "ALTER ROLE %s_user IN DATABASE audit_fx SET search_path = tenant_%s",
		        tenants[i], tenants[i], tenants[i], tenants[i], tenants[i], tenants[i],
		        tenants[i]);
	/* Tenant a's objects, made by a, granted out in every way. */
	pgt_sql(admin,
	        "SET ROLE a_user;"
	        "CREATE TABLE tenant_a.t1 (id int, secret text);"
	        "CREATE SEQUENCE tenant_a.s1;"
	        "CREATE FUNCTION tenant_a.f(i int) RETURNS int LANGUAGE sql AS 'SELECT i';"
	        "REVOKE EXECUTE ON FUNCTION tenant_a.f(int) FROM PUBLIC;"
	        "GRANT USAGE ON SCHEMA tenant_a TO b_user;"
	        "GRANT SELECT ON tenant_a.t1 TO c_user;"
	        "GRANT SELECT (secret) ON tenant_a.t1 TO d_user;"
	        "GRANT USAGE ON SEQUENCE tenant_a.s1 TO b_user;"
	        "GRANT EXECUTE ON FUNCTION tenant_a.f(int) TO c_user;"
	        "ALTER DEFAULT PRIVILEGES IN SCHEMA tenant_a GRANT SELECT ON TABLES TO d_user;"
	        "ALTER DEFAULT PRIVILEGES GRANT INSERT ON TABLES TO e_user;"
	        "RESET ROLE");
	/* Through a group a NOINHERIT tenant belongs to; through PUBLIC. */
	pgt_sql(admin,
	        "CREATE ROLE grp NOLOGIN; GRANT grp TO e_user;"
	        "CREATE TABLE tenant_b.t2 (x int); ALTER TABLE tenant_b.t2 OWNER TO b_user;"
	        "GRANT SELECT ON tenant_b.t2 TO grp;"
	        "CREATE TABLE tenant_c.t3 (x int); ALTER TABLE tenant_c.t3 OWNER TO c_user;"
	        "GRANT SELECT ON tenant_c.t3 TO PUBLIC; GRANT USAGE ON SCHEMA tenant_c TO PUBLIC");
	/* A cloaca-shaped tenant: the admin owns the schema, the tenant has
	 * CREATE on it; another tenant got USAGE. */
	pgt_sql(admin,
	        "CREATE ROLE q_user LOGIN CONNECTION LIMIT 5 PASSWORD 'pw-q-secret'; CREATE SCHEMA tenant_q;"
	        "GRANT USAGE, CREATE ON SCHEMA tenant_q TO q_user;"
	        "GRANT USAGE ON SCHEMA tenant_q TO r_user;"
	        /* Two tenants handed the same admin schema. */
	        "CREATE ROLE u1_user LOGIN CONNECTION LIMIT 5 PASSWORD 'pw-u1-secret';"
	        "CREATE ROLE u2_user LOGIN CONNECTION LIMIT 5 PASSWORD 'pw-u2-secret';"
	        "CREATE SCHEMA shared_u; GRANT USAGE, CREATE ON SCHEMA shared_u TO u1_user, u2_user;"
	        /* cloaca marks its tenants with a search_path for the role. */
	        "ALTER ROLE u1_user SET search_path = shared_u;"
	        "ALTER ROLE u2_user SET search_path = shared_u;"
	        /* An application role with CREATE on a shared schema but no
	         * tenant's mark is not a tenant (the demo's reporting). */
	        "CREATE ROLE app_reporting LOGIN CONNECTION LIMIT 5 PASSWORD 'pw-rep-secret';"
	        "CREATE SCHEMA shared_ref; GRANT USAGE, CREATE ON SCHEMA shared_ref TO app_reporting");
	/* Memberships and attributes. */
	pgt_sql(admin,
	        "GRANT b_user TO f_user;"
	        "CREATE ROLE mid NOLOGIN; GRANT mid TO f2_user; GRANT c_user TO mid;"
	        "GRANT %s, pg_signal_backend, pg_execute_server_program TO g_user;"
	        "CREATE ROLE powerful NOLOGIN CREATEROLE; GRANT powerful TO s_user;"
	        "ALTER ROLE h_user CREATEDB CREATEROLE REPLICATION BYPASSRLS;"
	        "ALTER ROLE i_user SUPERUSER", read_all);
	/* Database-wide gaps. */
	pgt_sql(admin,
	        "GRANT CREATE ON SCHEMA public TO PUBLIC;"
	        "GRANT USAGE ON SCHEMA public TO p_user;"
	        "ALTER DATABASE audit_fx OWNER TO n_user");
	/* Ownership. */
	pgt_sql(admin,
	        "CREATE TABLE tenant_k.admin_t (x int);"
	        "CREATE FUNCTION tenant_k.sd() RETURNS int LANGUAGE sql SECURITY DEFINER"
	        "  AS 'SELECT 1';"
	        "CREATE TABLE tenant_l.stolen (x int); ALTER TABLE tenant_l.stolen OWNER TO m_user;"
	        "CREATE ROLE owner_grp NOLOGIN; GRANT owner_grp TO t_user;"
	        "CREATE TABLE tenant_l.grp_owned (x int); ALTER TABLE tenant_l.grp_owned"
	        "  OWNER TO owner_grp;"
	        /* Tenant l's own table is not a finding. */
	        "CREATE TABLE tenant_l.mine (x int); ALTER TABLE tenant_l.mine OWNER TO l_user");
	/* Orphans, passwords. */
	pgt_sql(admin,
	        "CREATE ROLE o_user LOGIN NOINHERIT PASSWORD 'pw-o-secret';"
	        "ALTER ROLE o_user IN DATABASE audit_fx SET search_path = tenant_gone;"
	        "CREATE ROLE o2_user LOGIN NOINHERIT PASSWORD 'pw-o2-secret';"
	        "GRANT CONNECT ON DATABASE audit_fx TO o2_user;"
	        "CREATE ROLE ghost NOLOGIN; CREATE SCHEMA abandoned AUTHORIZATION ghost;"
	        "SET password_encryption = 'md5'; ALTER ROLE j_user PASSWORD 'pw-j-secret';"
	        "RESET password_encryption;"
	        "CREATE ROLE nopw LOGIN");

	audit();
	check_found(expected, sizeof expected / sizeof *expected);
	assert_true(pt_audit_failed(&A));
	/* Nothing is said about tenant l's own table or tenant z at all,
	 * beyond its password's expiry. */
	for (size_t i = 0; i < A.n; i++) {
		assert_null(A.findings[i].object && strstr(A.findings[i].object, "mine")
		            ? A.findings[i].object : NULL);
		if (A.findings[i].schema && !strcmp(A.findings[i].schema, "tenant_z"))
			assert_int_equal(A.findings[i].severity, PT_SEV_INFO);
	}

	check_fixes(expected, sizeof expected / sizeof *expected);
	/* The two whose fix is a password change. */
	pgt_sql(admin, "SET password_encryption = 'scram-sha-256';"
	               "ALTER ROLE j_user PASSWORD 'pw-j-new-secret'; ALTER ROLE nopw PASSWORD 'x-secret'");
	audit();
	assert_null(find("md5-password", "j_user", "tenant_j", NULL));
	assert_null(find("login-without-password", "nopw", NULL, NULL));
	/* What is left is only information. */
	for (size_t i = 0; i < A.n; i++)
		if (A.findings[i].severity > PT_SEV_INFO) {
			dump();
			fail_msg("left after every fix: %s role=%s", A.findings[i].rule, A.findings[i].role);
		}
	assert_false(pt_audit_failed(&A));
}

/* Tenants that only use their own schemas audit clean: their own grants,
 * their own default privileges and their functions' default EXECUTE for
 * PUBLIC are nobody else's way in. */
static void
test_clean_tenants(void **state)
{
	pt_error e;
	struct pt_harden_plan plan;
	(void)state;

	use_database("audit_clean");
	for (int i = 1; i <= 3; i++)
		pgt_sql(admin,
		        "CREATE ROLE cl%d_user LOGIN NOINHERIT CONNECTION LIMIT 5 PASSWORD 'pw-cl-secret'"
		        "  VALID UNTIL '2099-01-01';"
		        "CREATE SCHEMA tenant_cl%d AUTHORIZATION cl%d_user;"
		        "GRANT CONNECT ON DATABASE audit_clean TO cl%d_user;"
		        "ALTER ROLE cl%d_user IN DATABASE audit_clean SET search_path = tenant_cl%d;"
		        "SET ROLE cl%d_user;"
		        "CREATE TABLE tenant_cl%d.t (id serial PRIMARY KEY, v text);"
		        "CREATE FUNCTION tenant_cl%d.f() RETURNS int LANGUAGE sql AS 'SELECT 1';"
		        "GRANT SELECT ON tenant_cl%d.t TO cl%d_user;"
		        "ALTER DEFAULT PRIVILEGES IN SCHEMA tenant_cl%d GRANT SELECT ON TABLES TO cl%d_user;"
		        "RESET ROLE",
		        i, i, i, i, i, i, i, i, i, i, i, i, i);
	if (pt_harden_plan(db, &plan, &e) != PT_OK)
		fail_msg("harden plan: %s", e.message);
	assert_true(plan.n > 0);
	if (pt_harden_apply(db, &plan, &e) != PT_OK)
		fail_msg("harden: %s", e.message);
	pt_harden_plan_free(&plan);
	assert_true(pt_db_info(db)->hardened);
	audit();
	assert_int_equal(A.tenant_schemas, 3);
	assert_int_equal(A.tenant_roles, 3);
	for (size_t i = 0; i < A.n; i++)
		if (A.findings[i].severity > PT_SEV_INFO) {
			dump();
			fail_msg("clean tenants: %s role=%s", A.findings[i].rule, A.findings[i].role);
		}
	assert_false(pt_audit_failed(&A));
	/* Hardening twice plans nothing. */
	if (pt_harden_plan(db, &plan, &e) != PT_OK)
		fail_msg("harden plan: %s", e.message);
	assert_int_equal(plan.n, 0);
	pt_harden_plan_free(&plan);
}

/* Tenants made by the core's create, then harden: a tenant can no longer
 * read a table in public that PUBLIC may SELECT, the admin and a
 * non-tenant application role still can, the tenant still works in its own
 * schema. */
static void
test_harden_public(void **state)
{
	struct pt_tenant_config cfg;
	struct pt_credentials cr;
	struct pt_harden_plan plan;
	PGconn *t, *app;
	char why[256];
	pt_error e;
	(void)state;

	use_database("audit_hard");
	pgt_sql(admin, "CREATE TABLE public.shared (x int); INSERT INTO public.shared VALUES (42);"
	               "GRANT SELECT ON public.shared TO PUBLIC;"
	               "CREATE ROLE app_hard LOGIN PASSWORD 'pw-app-secret'");
	pt_tenant_config_init(&cfg);
	cfg.schema_name = "tenant_hard";
	if (pt_tenant_create(db, &cfg, &cr, &e) != PT_OK)
		fail_msg("create: %s", e.message);

	t = pgt_login(cr.connection_string, why, sizeof why);
	if (!t)
		fail_msg("tenant login before harden: %s", why);
	assert_string_equal(pgt_state(t, "SELECT * FROM public.shared"), "00000");
	PQfinish(t);

	if (pt_harden_plan(db, &plan, &e) != PT_OK)
		fail_msg("harden plan: %s", e.message);
	if (pt_harden_apply(db, &plan, &e) != PT_OK)
		fail_msg("harden: %s", e.message);
	pt_harden_plan_free(&plan);
	assert_true(pt_db_info(db)->hardened);

	t = pgt_login(cr.connection_string, why, sizeof why);
	if (!t)
		fail_msg("tenant login after harden: %s", why);
	assert_string_equal(pgt_state(t, "SELECT * FROM public.shared"), "42501");
	assert_string_equal(pgt_state(t, "CREATE TABLE public.mine (x int)"), "42501");
	assert_string_equal(pgt_state(t, "CREATE TABLE tenant_hard.mine (x int);"
	                                 "INSERT INTO tenant_hard.mine VALUES (1)"), "00000");
	assert_int_equal(pgt_count(t, "SELECT count(*) FROM mine"), 1);
	assert_string_equal(pgt_state(t, "CREATE TEMP TABLE tmp (x int)"), "42501");
	PQfinish(t);
	assert_int_equal(pgt_count(admin, "SELECT x FROM public.shared"), 42);
	{
		char *ci = pgt_admin_conninfo("audit_hard");
		char *appci = pt_xasprintf("%s user=app_hard password=pw-app-secret", ci);
		app = pgt_login(appci, why, sizeof why);
		if (!app)
			fail_msg("application role login after harden: %s", why);
		assert_int_equal(pgt_count(app, "SELECT x FROM public.shared"), 42);
		PQfinish(app);
		free(appci);
		free(ci);
	}
	/* Twice changes nothing. */
	if (pt_harden_plan(db, &plan, &e) != PT_OK)
		fail_msg("harden plan: %s", e.message);
	assert_int_equal(plan.n, 0);
	pt_harden_plan_free(&plan);
	pt_credentials_free(&cr);
}

/* An admin that is not a superuser may audit (without the password
 * checks, which need pg_authid, and saying so) but may not harden a
 * database it does not own. */
static void
test_not_superuser(void **state)
{
	struct pt_harden_plan plan;
	char *ci, *target;
	pt_db *weak;
	pt_error e;
	(void)state;

	use_database("audit_weak");
	pgt_sql(admin, "CREATE ROLE weak_admin LOGIN CREATEROLE PASSWORD 'weak-admin-secret';"
	               "CREATE ROLE w1_user LOGIN NOINHERIT PASSWORD 'pw-w1-secret';"
	               "CREATE SCHEMA tenant_w1 AUTHORIZATION w1_user;"
	               "GRANT USAGE ON SCHEMA tenant_w1 TO weak_admin;"
	               /* The admin's own schema, and its membership in the
	                * tenant role it made, are not paths between tenants. */
	               "CREATE SCHEMA weak_own AUTHORIZATION weak_admin;"
	               "GRANT w1_user TO weak_admin");
	ci = pgt_admin_conninfo("audit_weak");
	target = pt_xasprintf("%s user=weak_admin password=weak-admin-secret", ci);
	weak = pt_db_connect(target, NULL, &e);
	if (!weak)
		fail_msg("connect as weak_admin: %s", e.message);
	pt_audit_free(&A);
	if (pt_audit_run(weak, &A, &e) != PT_OK)
		fail_msg("audit as weak_admin: %s", e.message);
	assert_false(A.passwords_checked);
	assert_non_null(find("password-checks-skipped", "weak_admin", NULL, NULL));
	assert_non_null(find("public-schema-usage", "PUBLIC", "public", NULL));
	/* Up to 14 PUBLIC may also CREATE in public: that one is high. */
	if (PQserverVersion(admin) < 150000)
		assert_non_null(find("public-schema-create", "PUBLIC", "public", NULL));
	assert_int_equal(A.tenant_schemas, 1);
	for (size_t i = 0; i < A.n; i++)
		if ((A.findings[i].severity > PT_SEV_MEDIUM &&
		     !(PQserverVersion(admin) < 150000 &&
		       !strcmp(A.findings[i].rule, "public-schema-create"))) ||
		    (!strcmp(A.findings[i].role, "weak_admin") &&
		     A.findings[i].severity > PT_SEV_INFO)) {
			dump();
			fail_msg("as weak_admin: %s role=%s", A.findings[i].rule, A.findings[i].role);
		}
	/* The plan is there to be shown (--dry-run), with the reason it
	 * cannot run; applying it is refused. */
	assert_int_equal(pt_harden_plan(weak, &plan, &e), PT_OK);
	assert_non_null(plan.refusal);
	assert_non_null(strstr(plan.refusal, "weak_admin"));
	assert_true(plan.n > 0);
	assert_int_equal(pt_harden_apply(weak, &plan, &e), PT_ERR_PERMISSION);
	assert_non_null(strstr(e.message, "weak_admin"));
	pt_harden_plan_free(&plan);
	/* Nothing was changed on the way. */
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_roles"
	                                  " WHERE rolname LIKE 'pgtenant_public_users_%%weak%%'"), 0);
	pt_db_close(weak);
	free(target);
	free(ci);
}

/* Log in as a tenant of database dbname: "x?_user" with its password. */
static PGconn *
login_as(const char *dbname, const char *tenant)
{
	char *ci = pgt_admin_conninfo(dbname), why[256];
	char *t = pt_xasprintf("%s user=%s_user password=pw-%s-secret", ci, tenant, tenant);
	PGconn *c = pgt_login(t, why, sizeof why);

	if (!c)
		fail_msg("login as %s_user: %s", tenant, why);
	free(t);
	free(ci);
	return c;
}

/* The paths outside the tenant schemas (issue 10, section 3), each one
 * planted and proved to work before it is looked for: large objects,
 * lo_compat_privileges, foreign data (postgres_fdw back into this cluster,
 * dblink_connect_u), a view and a SECURITY DEFINER function outside the
 * tenant schemas, database CREATE/TEMPORARY for tenants and the "$user"
 * schema, connection limits, another database, the tenants' group, a
 * column name holding 0x1f, and PostgreSQL 16's membership options. */
static void
test_outside_paths(void **state)
{
	static const struct expect expected[] = {
		{ "cross-tenant-large-object-grant", "xb_user", "tenant_xa", "4242", PT_SEV_HIGH, true },
		{ "public-large-object-grant", "PUBLIC", "tenant_xa", "4243", PT_SEV_HIGH, true },
		{ "lo-compat-privileges", "PUBLIC", NULL, "audit_paths", PT_SEV_HIGH, true },
		{ "tenant-user-mapping", "xd_user", "tenant_xd", "loop", PT_SEV_HIGH, true },
		{ "foreign-server-usage", "xd_user", "tenant_xd", "loop", PT_SEV_MEDIUM, true },
		{ "foreign-data-wrapper-usage", "xd_user", "tenant_xd", "postgres_fdw", PT_SEV_MEDIUM, true },
		{ "dblink-connect-unchecked", "xe_user", "tenant_xe", "dblink_connect_u", PT_SEV_HIGH, true },
		{ "view-exposes-tenant-data", "xf_user", "public", "tenant_xa", PT_SEV_HIGH, true },
		{ "security-definer-exposes-tenant-data", "PUBLIC", "public", "peek", PT_SEV_HIGH, true },
		{ "tenant-database-create", "xh_user", NULL, "CREATE", PT_SEV_HIGH, true },
		{ "tenant-database-temp", "dbgrp", NULL, "xi_user", PT_SEV_LOW, true },
		{ "public-tenant-schema-grant", "PUBLIC", "victim_admin", "USAGE", PT_SEV_HIGH, true },
		{ "user-named-schema", "xh_user", "victim_admin", "owned by", PT_SEV_HIGH, true },
		{ "user-named-schema", "xj_user", "victim2", "may create", PT_SEV_HIGH, true },
		{ "tenant-without-connection-limit", "xl_user", "tenant_xl", NULL, PT_SEV_LOW, true },
		{ "tenant-other-database-connect", "xm_user", NULL, "audit_paths_other", PT_SEV_LOW, true },
		{ "tenant-outside-tenants-group", "xn_user", "tenant_xn", NULL, PT_SEV_INFO, true },
		{ "cross-tenant-column-grant", "xo_user", "tenant_xa", NULL, PT_SEV_HIGH, true },
		{ "cross-tenant-schema-grant", "xo_user", "tenant_xa", "USAGE", PT_SEV_HIGH, true },
		{ "tenant-member-of-tenant", "xk_user", "tenant_xk", "SET ROLE", PT_SEV_HIGH, true },
	};
	static const char *const tenants[] = {
		"xa", "xb", "xc", "xd", "xe", "xf", "xg", "xh", "xi", "xj", "xk", "xl", "xm",
		"xn", "xo", "xq",
	};
	/* After the fixes: each attack again, and the SQLSTATE it now gets. */
	static const struct { const char *tenant, *sql, *state; } closed[] = {
		{ "xb", "SELECT pg_catalog.lo_get(4242)", "42501" },
		{ "xc", "SELECT pg_catalog.lo_get(4244)", "42501" },
		{ "xd", "SELECT v FROM tenant_xd.steal", "42704" },
		{ "xe", "SELECT public.dblink_connect_u('x')", "42501" },
		{ "xf", "SELECT v FROM public.xa_view", "42501" },
		{ "xg", "SELECT public.peek()", "42501" },
		{ "xh", "CREATE SCHEMA again", "42501" },
		{ "xo", "SELECT \"a\x1f" "b\" FROM tenant_xa.c1f", "42501" },
	};
	const struct pt_finding *f;
	PGconn *t;
	bool v16;
	(void)state;

	use_database("audit_paths");
	v16 = pt_db_info(db)->server_version_num >= 160000;
	pgt_sql(admin, "CREATE DATABASE audit_paths_other");
	pgt_sql(admin, "REVOKE CONNECT ON DATABASE "
	               "audit_paths_other FROM PUBLIC; CREATE ROLE pgtenant_tenants_audit_paths NOLOGIN");
	for (size_t i = 0; i < sizeof tenants / sizeof *tenants; i++) {
		const char *n = tenants[i];
		pgt_sql(admin,
		        "CREATE ROLE %s_user LOGIN NOINHERIT CONNECTION LIMIT %d PASSWORD 'pw-%s-secret';"
		        "CREATE SCHEMA tenant_%s AUTHORIZATION %s_user;"
		        "GRANT CONNECT ON DATABASE audit_paths TO %s_user;"
		        "ALTER ROLE %s_user IN DATABASE audit_paths SET search_path = tenant_%s",
		        n, strcmp(n, "xl") ? 5 : -1, n, n, n, n, n, n);
		if (strcmp(n, "xn") != 0)
			pgt_sql(admin, "GRANT pgtenant_tenants_audit_paths TO %s_user", n);
	}
	pgt_sql(admin, "SET ROLE xa_user; CREATE TABLE tenant_xa.secret (v text);"
	               "INSERT INTO tenant_xa.secret VALUES ('xa-data'); RESET ROLE");

	/* Large objects: one granted to tenant xb, one to PUBLIC, one to nobody. */
	t = login_as("audit_paths", "xa");
	pgt_sql(t, "SELECT pg_catalog.lo_from_bytea(4242, 'lo-secret-1');"
	           "SELECT pg_catalog.lo_from_bytea(4243, 'lo-secret-2');"
	           "SELECT pg_catalog.lo_from_bytea(4244, 'lo-secret-3');"
	           "GRANT SELECT ON LARGE OBJECT 4242 TO xb_user;"
	           "GRANT SELECT, UPDATE ON LARGE OBJECT 4243 TO PUBLIC");
	PQfinish(t);
	t = login_as("audit_paths", "xb");
	assert_string_equal(kept(pgt_value(t, "SELECT pg_catalog.convert_from(pg_catalog.lo_get(4242), 'UTF8')")),
	                    "lo-secret-1");
	assert_string_equal(pgt_state(t, "SELECT pg_catalog.lo_get(4244)"), "42501");
	PQfinish(t);
	/* lo_compat_privileges for the database: no checks at all. */
	pgt_sql(admin, "ALTER DATABASE audit_paths SET lo_compat_privileges = on");
	t = login_as("audit_paths", "xc");
	assert_string_equal(kept(pgt_value(t, "SELECT pg_catalog.convert_from(pg_catalog.lo_get(4244), 'UTF8')")),
	                    "lo-secret-3");
	PQfinish(t);

	/* postgres_fdw back into this cluster with tenant xa's credentials. */
	pgt_sql(admin, "CREATE EXTENSION postgres_fdw; CREATE EXTENSION dblink;"
	               "CREATE SERVER loop FOREIGN DATA WRAPPER postgres_fdw"
	               "  OPTIONS (host '%s', port '%s', dbname 'audit_paths');"
	               "CREATE USER MAPPING FOR xd_user SERVER loop"
	               "  OPTIONS (user 'xa_user', password 'pw-xa-secret');"
	               "GRANT USAGE ON FOREIGN SERVER loop TO xd_user;"
	               "GRANT USAGE ON FOREIGN DATA WRAPPER postgres_fdw TO xd_user;"
	               "GRANT EXECUTE ON FUNCTION public.dblink_connect_u(text) TO xe_user",
	        getenv("PGHOST"), getenv("PGPORT"));
	t = login_as("audit_paths", "xd");
	pgt_sql(t, "CREATE FOREIGN TABLE tenant_xd.steal (v text) SERVER loop"
	           "  OPTIONS (schema_name 'tenant_xa', table_name 'secret')");
	assert_string_equal(kept(pgt_value(t, "SELECT v FROM tenant_xd.steal")), "xa-data");
	PQfinish(t);
	/* dblink_connect_u: no password check, so the trusted superuser. */
	t = login_as("audit_paths", "xe");
	pgt_sql(t, "SELECT public.dblink_connect_u('host=''%s'' port=%s dbname=audit_paths "
	           "user=pgtadmin')", getenv("PGHOST"), getenv("PGPORT"));
	assert_string_equal(kept(pgt_value(t, "SELECT v FROM public.dblink("
	                                 "'SELECT v FROM tenant_xa.secret') AS x(v text)")),
	                    "xa-data");
	PQfinish(t);

	/* A view and a SECURITY DEFINER function of the admin's in public. */
	pgt_sql(admin, "CREATE VIEW public.xa_view AS SELECT v FROM tenant_xa.secret;"
	               "GRANT SELECT ON public.xa_view TO xf_user;"
	               "CREATE FUNCTION public.peek() RETURNS text LANGUAGE sql SECURITY DEFINER"
	               "  AS 'SELECT v FROM tenant_xa.secret LIMIT 1';"
	               /* Not a path: a view granted only to the tenant whose
	                * data it reads. */
	               "CREATE VIEW public.own AS SELECT v FROM tenant_xa.secret;"
	               "GRANT SELECT ON public.own TO xa_user");
	if (pt_db_info(db)->server_version_num >= 150000)
		/* Nor a view that runs with the caller's rights (15+). */
		pgt_sql(admin, "CREATE VIEW public.inv WITH (security_invoker = true) AS"
		               "  SELECT v FROM tenant_xa.secret; GRANT SELECT ON public.inv TO xf_user");
	t = login_as("audit_paths", "xf");
	assert_string_equal(kept(pgt_value(t, "SELECT v FROM public.xa_view")), "xa-data");
	if (pt_db_info(db)->server_version_num >= 150000)
		assert_string_equal(pgt_state(t, "SELECT v FROM public.inv"), "42501");
	PQfinish(t);
	t = login_as("audit_paths", "xg");
	assert_string_equal(kept(pgt_value(t, "SELECT public.peek()")), "xa-data");
	PQfinish(t);

	/* CREATE on the database, and the "$user" schema it allows. */
	pgt_sql(admin, "GRANT CREATE ON DATABASE audit_paths TO xh_user;"
	               "CREATE ROLE dbgrp NOLOGIN; GRANT dbgrp TO xi_user;"
	               "GRANT TEMPORARY ON DATABASE audit_paths TO dbgrp;"
	               "CREATE ROLE victim_admin LOGIN PASSWORD 'pw-victim-secret';"
	               "CREATE ROLE victim2 NOLOGIN;"
	               "CREATE SCHEMA victim2; GRANT USAGE, CREATE ON SCHEMA victim2 TO xj_user");
	t = login_as("audit_paths", "xh");
	pgt_sql(t, "CREATE SCHEMA victim_admin; GRANT USAGE ON SCHEMA victim_admin TO PUBLIC");
	PQfinish(t);
	assert_string_equal(kept(pgt_value(admin, "SET ROLE victim_admin;"
	                                     "SELECT pg_catalog.current_schemas(false)::text")),
	                    "{victim_admin,public}");
	pgt_sql(admin, "RESET ROLE");

	/* Another database, a membership, a column named with 0x1f. */
	pgt_sql(admin, "GRANT CONNECT ON DATABASE audit_paths_other TO xm_user;"
	               "GRANT xq_user TO xk_user;"
	               "CREATE TABLE tenant_xa.c1f (a int, b int, \"a\x1f" "b\" text);"
	               "ALTER TABLE tenant_xa.c1f OWNER TO xa_user;"
	               "GRANT USAGE ON SCHEMA tenant_xa TO xo_user;"
	               "GRANT SELECT (\"a\x1f" "b\") ON tenant_xa.c1f TO xo_user");
	if (v16)
		/* A grant that allows nothing: not SET ROLE-able, not a path.
		 * One that only passes privileges on, and one with only the
		 * ADMIN option (which lets the member grant itself SET). */
		pgt_sql(admin, "GRANT xa_user TO xb_user WITH INHERIT FALSE, SET FALSE;"
		               "GRANT xc_user TO xd_user WITH INHERIT TRUE, SET FALSE;"
		               "GRANT xe_user TO xf_user WITH ADMIN TRUE, INHERIT FALSE, SET FALSE");
	if (pt_db_info(db)->server_version_num >= 180000)
		pgt_sql(admin, "GRANT pg_signal_autovacuum_worker TO xq_user");

	audit();
	check_found(expected, sizeof expected / sizeof *expected);
	/* The column list is one name, and its fix names exactly it. */
	f = find("cross-tenant-column-grant", "xo_user", "tenant_xa", NULL);
	assert_non_null(strstr(f->detail, "(\"a\x1f" "b\")"));
	assert_string_equal(f->fix_sql,
	                    "REVOKE ALL (\"a\x1f" "b\") ON TABLE \"tenant_xa\".\"c1f\" "
	                    "FROM \"xo_user\";");
	/* Nothing about the invoker's view, or the view for its own tenant. */
	for (size_t i = 0; i < A.n; i++)
		if (A.findings[i].object && (strstr(A.findings[i].object, "inv") ||
		                             strstr(A.findings[i].object, "own"))) {
			dump();
			fail_msg("not a path: %s %s", A.findings[i].rule, A.findings[i].object);
		}
	if (v16) {
		f = find("tenant-member-of-tenant", "xb_user", "tenant_xb", "neither");
		if (!f) {
			dump();
			fail_msg("WITH INHERIT FALSE, SET FALSE not reported as allowing nothing");
		}
		assert_int_equal(f->severity, PT_SEV_INFO);
		assert_null(strstr(f->detail, "can SET ROLE"));
		f = find("tenant-member-of-tenant", "xd_user", "tenant_xd", "by inheritance");
		assert_non_null(f);
		assert_int_equal(f->severity, PT_SEV_HIGH);
		assert_null(strstr(f->detail, "can SET ROLE"));
		pgt_sql(admin, "%s", f->fix_sql);
		f = find("tenant-member-of-tenant", "xf_user", "tenant_xf", "ADMIN option");
		assert_non_null(f);
		assert_int_equal(f->severity, PT_SEV_HIGH);
		pgt_sql(admin, "%s", f->fix_sql);
	}
	if (pt_db_info(db)->server_version_num >= 180000) {
		f = find("tenant-member-of-builtin-role", "xq_user", "tenant_xq",
		         "pg_signal_autovacuum_worker");
		assert_non_null(f);
		assert_int_equal(f->severity, PT_SEV_MEDIUM);
	}
	assert_int_equal(pgt_count(admin, "SELECT pg_catalog.has_column_privilege('xo_user',"
	                                  " 'tenant_xa.c1f', 'a\x1f" "b', 'SELECT')::int"), 1);
	check_fixes(expected, sizeof expected / sizeof *expected);
	assert_int_equal(pgt_count(admin, "SELECT pg_catalog.has_column_privilege('xo_user',"
	                                  " 'tenant_xa.c1f', 'a\x1f" "b', 'SELECT')::int"), 0);

	/* The fixes closed the paths for real. */
	for (size_t i = 0; i < sizeof closed / sizeof *closed; i++) {
		t = login_as("audit_paths", closed[i].tenant);
		if (strcmp(pgt_state(t, "%s", closed[i].sql), closed[i].state) != 0)
			fail_msg("as %s_user, still open: %s", closed[i].tenant, closed[i].sql);
		PQfinish(t);
	}
	/* (13 and 14 let PUBLIC create in schema public: not planted here.) */
	for (size_t i = 0; i < A.n; i++)
		if (A.findings[i].severity > PT_SEV_MEDIUM &&
		    strcmp(A.findings[i].rule, "public-schema-create") != 0) {
			dump();
			fail_msg("left after every fix: %s role=%s", A.findings[i].rule,
			         A.findings[i].role);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		/* Clean ones first: roles and their passwords are cluster-wide,
		 * and the fixture's flawed roles would show in every database. */
		cmocka_unit_test(test_clean_tenants),
		cmocka_unit_test(test_harden_public),
		cmocka_unit_test(test_not_superuser),
		cmocka_unit_test(test_outside_paths),
		cmocka_unit_test(test_planted_flaws),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);

	free_kept();
	return rc;
}
