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
		        "CREATE ROLE %s_user LOGIN NOINHERIT PASSWORD 'pw-%s-secret';"
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
	        "CREATE ROLE q_user LOGIN PASSWORD 'pw-q-secret'; CREATE SCHEMA tenant_q;"
	        "GRANT USAGE, CREATE ON SCHEMA tenant_q TO q_user;"
	        "GRANT USAGE ON SCHEMA tenant_q TO r_user;"
	        /* Two tenants handed the same admin schema. */
	        "CREATE ROLE u1_user LOGIN PASSWORD 'pw-u1-secret';"
	        "CREATE ROLE u2_user LOGIN PASSWORD 'pw-u2-secret';"
	        "CREATE SCHEMA shared_u; GRANT USAGE, CREATE ON SCHEMA shared_u TO u1_user, u2_user");
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
	for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
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
	assert_true(pt_audit_failed(&A));
	/* Nothing is said about tenant l's own table or tenant z at all,
	 * beyond its password's expiry. */
	for (size_t i = 0; i < A.n; i++) {
		assert_null(A.findings[i].object && strstr(A.findings[i].object, "mine")
		            ? A.findings[i].object : NULL);
		if (A.findings[i].schema && !strcmp(A.findings[i].schema, "tenant_z"))
			assert_int_equal(A.findings[i].severity, PT_SEV_INFO);
	}

	/* Every fix removes its finding, and only by running it. */
	for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
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
		        "CREATE ROLE cl%d_user LOGIN NOINHERIT PASSWORD 'pw-cl-secret' VALID UNTIL '2099-01-01';"
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
	assert_int_equal(pt_harden_plan(weak, &plan, &e), PT_ERR_PERMISSION);
	assert_non_null(strstr(e.message, "weak_admin"));
	assert_int_equal(plan.n, 0);
	/* Nothing was changed on the way. */
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_roles"
	                                  " WHERE rolname LIKE 'pgtenant_public_users_%%weak%%'"), 0);
	pt_db_close(weak);
	free(target);
	free(ci);
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
		cmocka_unit_test(test_planted_flaws),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
