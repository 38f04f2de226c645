/* The tenant core against a real PostgreSQL (the throwaway server that
 * tests/lib/run-test starts). Every promise is checked by doing what a
 * tenant or an admin would do, through the connection strings the core
 * returns, and by reading the catalogs and the server log. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "catalog.h"
#include "conn.h"
#include "connstr.h"
#include "secret.h"
#include "tenant.h"
#include "pgtest.h"

static PGconn *admin;   /* the test's own superuser connection */
static pt_db *db;       /* the core's admin session */

static pt_db *
core_connect(const char *target, const struct pt_connect_opts *opts)
{
	pt_error e;
	pt_db *d = pt_db_connect(target, opts, &e);

	if (!d)
		fail_msg("core connect to %s: %s", target ? target : "(environment)", e.message);
	return d;
}

static int
setup(void **state)
{
	if (pt_core_init() != 0)
		return -1;
	admin = pgt_admin(NULL);
	db = core_connect(NULL, NULL);
	return 0;
}

static int
teardown(void **state)
{
	pt_db_close(db);
	PQfinish(admin);
	return 0;
}

/* Create a tenant that must be created. */
static void
create(const char *schema, const char *user, const char *password,
       struct pt_credentials *out)
{
	struct pt_tenant_config cfg;
	pt_error e;

	pt_tenant_config_init(&cfg);
	cfg.schema_name = schema;
	cfg.username = user;
	cfg.password = password;
	if (pt_tenant_create(db, &cfg, out, &e) != PT_OK)
		fail_msg("creating %s: %s", schema, e.message);
}

/* Create a tenant that must be refused with status want, changing nothing. */
static void
create_refused(pt_db *d, const struct pt_tenant_config *cfg, enum pt_status want,
               pt_error *e)
{
	struct pgt_census before, after;
	struct pt_credentials c;
	enum pt_status st;

	pgt_census(admin, &before);
	st = pt_tenant_create(d, cfg, &c, e);
	if (st != want)
		fail_msg("creating %s: status %d, want %d: %s", cfg->schema_name, st, want,
		         e->message);
	assert_null(c.connection_string);
	assert_null(c.password);
	pgt_census(admin, &after);
	pgt_assert_census_equal(&before, &after);
}

static PGconn *
login(const char *connstr)
{
	char why[512];
	PGconn *c = pgt_login(connstr, why, sizeof why);

	if (!c)
		fail_msg("tenant login failed: %s", why);
	return c;
}

static void
assert_login_fails(const char *connstr, const char *why_contains)
{
	char why[512];
	PGconn *c = pgt_login(connstr, why, sizeof why);

	if (c) {
		PQfinish(c);
		fail_msg("login succeeded and should not have");
	}
	if (why_contains && !strstr(why, why_contains))
		fail_msg("login failed for another reason: %s", why);
}

static bool
role_exists(const char *role)
{
	return pgt_count(admin, "SELECT count(*) FROM pg_roles WHERE rolname = '%s'", role) == 1;
}

static bool
schema_exists(const char *schema)
{
	return pgt_count(admin, "SELECT count(*) FROM pg_namespace WHERE nspname = '%s'",
	                 schema) == 1;
}

static void
assert_state(const char *got, const char *want, const char *what)
{
	if (strcmp(got, want))
		fail_msg("%s: SQLSTATE %s, want %s", what, got, want);
}

static void
test_create_and_use_own_schema(void **state)
{
	struct pt_credentials c;
	PGconn *t;
	pt_error e;
	char *s;

	create("tenant_own", NULL, NULL, &c);
	assert_string_equal(c.username, "own_user");
	assert_string_equal(c.schema_name, "tenant_own");
	assert_true(c.password_generated);
	assert_int_equal(strlen(c.password), 32);
	assert_int_equal(strncmp(c.connection_string, "postgresql://own_user:", 22), 0);
	assert_non_null(strstr(c.connection_string, c.password));

	t = login(c.connection_string);
	s = pgt_value(t, "SELECT current_user || ' ' || current_schema()");
	assert_string_equal(s, "own_user tenant_own");
	free(s);
	/* Unqualified names land in, and are found in, the tenant's schema. */
	pgt_sql(t, "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL)");
	pgt_sql(t, "INSERT INTO items (name) VALUES ('a'), ('b')");
	pgt_sql(t, "CREATE INDEX items_name ON items (name)");
	pgt_sql(t, "CREATE VIEW item_names AS SELECT name FROM items");
	pgt_sql(t, "CREATE FUNCTION item_count() RETURNS bigint LANGUAGE sql "
	           "AS 'SELECT count(*) FROM items'");
	pgt_sql(t, "CREATE TYPE mood AS ENUM ('ok', 'meh')");
	pgt_sql(t, "ALTER TABLE items ADD COLUMN m mood");
	pgt_sql(t, "UPDATE items SET m = 'ok'");
	assert_int_equal(pgt_count(t, "SELECT item_count()"), 2);
	assert_int_equal(pgt_count(t, "SELECT count(*) FROM item_names"), 2);
	pgt_sql(t, "CREATE TABLE scratch (x int)");
	pgt_sql(t, "DROP TABLE scratch");
	PQfinish(t);

	s = pgt_value(admin, "SELECT relnamespace::regnamespace::text FROM pg_class "
	                     "WHERE relname = 'items'");
	assert_string_equal(s, "tenant_own");
	free(s);
	s = pgt_value(admin, "SELECT nspowner::regrole::text FROM pg_namespace "
	                     "WHERE nspname = 'tenant_own'");
	assert_string_equal(s, "own_user");
	free(s);
	/* The role is a plain login role and nothing more. */
	s = pgt_value(admin, "SELECT concat_ws(',', rolcanlogin, rolsuper, rolcreatedb, "
	                     "rolcreaterole, rolinherit, rolreplication, rolbypassrls) "
	                     "FROM pg_roles WHERE rolname = 'own_user'");
	/* INHERIT before 16, where a NOINHERIT role could not use the tenants'
	 * group's CONNECT; from 16 that one grant inherits instead. */
	assert_string_equal(s, PQserverVersion(admin) >= 160000 ? "t,f,f,f,f,f,f"
	                                                       : "t,f,f,f,t,f,f");
	free(s);
	/* The verifier, not a plaintext, is stored. */
	s = pgt_value(admin, "SELECT left(rolpassword, 14) FROM pg_authid "
	                     "WHERE rolname = 'own_user'");
	assert_string_equal(s, "SCRAM-SHA-256$");
	free(s);

	s = pt_tenant_test_login(&c, &e);
	if (!s)
		fail_msg("test login: %s", e.message);
	assert_string_equal(s, "user=own_user search_path=tenant_own");
	free(s);
	pt_credentials_free(&c);
}

static void
test_other_tenants_unreachable(void **state)
{
	struct pt_credentials a, b;
	PGconn *ta, *tb;

	create("tenant_iso_a", NULL, NULL, &a);
	create("tenant_iso_b", NULL, NULL, &b);
	ta = login(a.connection_string);
	tb = login(b.connection_string);
	pgt_sql(ta, "CREATE TABLE secrets (v text)");
	pgt_sql(ta, "INSERT INTO secrets VALUES ('a-private')");
	pgt_sql(ta, "CREATE FUNCTION peek() RETURNS text LANGUAGE sql AS 'SELECT 1::text'");

	assert_state(pgt_state(tb, "SELECT * FROM tenant_iso_a.secrets"), "42501", "select");
	assert_state(pgt_state(tb, "INSERT INTO tenant_iso_a.secrets VALUES ('x')"), "42501",
	             "insert");
	assert_state(pgt_state(tb, "DELETE FROM tenant_iso_a.secrets"), "42501", "delete");
	assert_state(pgt_state(tb, "CREATE TABLE tenant_iso_a.planted (x int)"), "42501",
	             "create in other schema");
	assert_state(pgt_state(tb, "DROP TABLE tenant_iso_a.secrets"), "42501", "drop");
	assert_state(pgt_state(tb, "SELECT tenant_iso_a.peek()"), "42501", "function");
	assert_state(pgt_state(tb, "SET ROLE iso_a_user"), "42501", "set role");
	assert_state(pgt_state(tb, "DROP SCHEMA tenant_iso_a CASCADE"), "42501", "drop schema");
	/* Nor by changing its own search_path. */
	pgt_sql(tb, "SET search_path = tenant_iso_a");
	/* Without USAGE the schema is skipped: the table is not even found. */
	assert_state(pgt_state(tb, "SELECT * FROM secrets"), "42P01", "via search_path");
	assert_int_equal(pgt_count(ta, "SELECT count(*) FROM secrets"), 1);
	/* And the other way round. */
	pgt_sql(tb, "SET search_path = tenant_iso_b");
	pgt_sql(tb, "CREATE TABLE b_only (x int)");
	assert_state(pgt_state(ta, "SELECT * FROM tenant_iso_b.b_only"), "42501", "reverse");
	PQfinish(ta);
	PQfinish(tb);
	pt_credentials_free(&a);
	pt_credentials_free(&b);
}

static void
test_no_roles_databases_schemas(void **state)
{
	struct pgt_census before, after;
	struct pt_credentials c;
	PGconn *t;

	create("tenant_nocreate", NULL, NULL, &c);
	t = login(c.connection_string);
	pgt_census(admin, &before);
	assert_state(pgt_state(t, "CREATE ROLE sneaky"), "42501", "create role");
	assert_state(pgt_state(t, "CREATE ROLE sneaky LOGIN PASSWORD 'x'"), "42501",
	             "create login role");
	assert_state(pgt_state(t, "CREATE DATABASE sneaky"), "42501", "create database");
	assert_state(pgt_state(t, "CREATE SCHEMA sneaky"), "42501", "create schema");
	assert_state(pgt_state(t, "ALTER ROLE nocreate_user CREATEROLE"), "42501",
	             "grant itself createrole");
	assert_state(pgt_state(t, "ALTER ROLE nocreate_user SUPERUSER"), "42501",
	             "grant itself superuser");
	/* pg_read_all_data is 14+ (on 13 the GRANT would fail for want of it). */
	assert_state(pgt_state(t, PQserverVersion(admin) >= 140000
	                          ? "GRANT pg_read_all_data TO nocreate_user"
	                          : "GRANT pg_read_server_files TO nocreate_user"), "42501",
	             "grant itself a predefined role");
	pgt_census(admin, &after);
	pgt_assert_census_equal(&before, &after);
	PQfinish(t);
	pt_credentials_free(&c);
}

static void
test_no_admin_functions(void **state)
{
	struct pt_credentials c;
	PGconn *t;
	int pid = PQbackendPID(admin);

	create("tenant_nofn", NULL, NULL, &c);
	t = login(c.connection_string);
	assert_state(pgt_state(t, "SELECT pg_read_file('postgresql.conf')"), "42501",
	             "pg_read_file");
	assert_state(pgt_state(t, "SELECT pg_read_binary_file('postgresql.conf')"), "42501",
	             "pg_read_binary_file");
	assert_state(pgt_state(t, "SELECT pg_ls_dir('.')"), "42501", "pg_ls_dir");
	assert_state(pgt_state(t, "SELECT pg_stat_file('postgresql.conf')"), "42501",
	             "pg_stat_file");
	assert_state(pgt_state(t, "SELECT pg_terminate_backend(%d)", pid), "42501",
	             "pg_terminate_backend");
	assert_state(pgt_state(t, "SELECT pg_cancel_backend(%d)", pid), "42501",
	             "pg_cancel_backend");
	assert_state(pgt_state(t, "SELECT pg_reload_conf()"), "42501", "pg_reload_conf");
	assert_state(pgt_state(t, "SELECT pg_rotate_logfile()"), "42501", "pg_rotate_logfile");
	assert_state(pgt_state(t, "SELECT lo_import('/etc/passwd')"), "42501", "lo_import");
	assert_state(pgt_state(t, "CREATE TABLE out (l text)"), "00000", "own table");
	assert_state(pgt_state(t, "COPY out FROM PROGRAM 'id'"), "42501", "copy from program");
	assert_state(pgt_state(t, "COPY out FROM '/etc/passwd'"), "42501", "copy from file");
	assert_state(pgt_state(t, "ALTER SYSTEM SET work_mem = '1GB'"), "42501", "alter system");
	assert_state(pgt_state(t, "SET log_statement = 'none'"), "42501", "hide from the log");
	/* The admin survived. */
	assert_int_equal(pgt_count(admin, "SELECT 1"), 1);
	assert_int_equal(PQbackendPID(admin), pid);
	PQfinish(t);
	pt_credentials_free(&c);
}

static void
assert_not_in(const char *log, const char *secret, const char *what)
{
	if (strstr(log, secret))
		fail_msg("%s password \"%s\" is in the server log", what, secret);
}

static void
test_passwords_never_logged(void **state)
{
	static const char typed[] = "Typed-Secret-Pw 4 log!";
	static const char rotated[] = "Rotated Typed Secret 9";
	static const char failing[] = "Failing-Create-Secret";
	static const char via_cli[] = "Cli-Stdin-Secret-77";
	struct pt_credentials gen, typ, rot_gen, rot_typ, dummy;
	struct pt_tenant_config cfg;
	struct pgt_proc p;
	PGconn *t;
	pt_error e;
	char *log;

	create("tenant_logg", NULL, NULL, &gen);
	create("tenant_logt", NULL, typed, &typ);
	PQfinish(login(gen.connection_string));
	PQfinish(login(typ.connection_string));
	assert_int_equal(pt_tenant_rotate(db, "tenant_logg", NULL, &rot_gen, &e), PT_OK);
	assert_int_equal(pt_tenant_rotate(db, "tenant_logt", rotated, &rot_typ, &e), PT_OK);
	t = login(rot_typ.connection_string);
	PQfinish(t);
	/* A failing statement is logged once more (log_min_error_statement). */
	pt_tenant_config_init(&cfg);
	cfg.schema_name = "tenant_logt";
	cfg.username = "logt2_user";
	cfg.password = failing;
	assert_int_equal(pt_tenant_create(db, &cfg, &dummy, &e), PT_ERR_EXISTS);
	/* And through the command, with the password on standard input. */
	pgt_pgtenant(&p, via_cli, "create", "tenant_logcli", "--password-stdin", NULL);
	if (p.status != 0)
		fail_msg("pgtenant create: %d: %s", p.status, p.err);
	assert_non_null(strstr(p.out, via_cli));
	pgt_proc_free(&p);

	pgt_log_sync(admin);
	log = pgt_read_log(NULL);
	/* The log does hold the statements: the test can see what it checks. */
	assert_non_null(strstr(log, "CREATE ROLE \"logg_user\" LOGIN PASSWORD 'SCRAM-SHA-256$"));
	assert_non_null(strstr(log, "CREATE ROLE \"logt2_user\" LOGIN PASSWORD 'SCRAM-SHA-256$"));
	assert_non_null(strstr(log, "ALTER ROLE \"logt_user\" PASSWORD 'SCRAM-SHA-256$"));
	assert_non_null(strstr(log, "CREATE ROLE \"logcli_user\""));
	assert_not_in(log, gen.password, "generated");
	assert_not_in(log, typed, "typed");
	assert_not_in(log, rot_gen.password, "rotated generated");
	assert_not_in(log, rotated, "rotated typed");
	assert_not_in(log, failing, "failed create's");
	assert_not_in(log, via_cli, "command's stdin");
	free(log);
	pt_credentials_free(&gen);
	pt_credentials_free(&typ);
	pt_credentials_free(&rot_gen);
	pt_credentials_free(&rot_typ);
}

static void
test_duplicate_schema(void **state)
{
	struct pt_tenant_config cfg;
	struct pt_credentials c;
	pt_error e;
	char *s;

	/* A schema the admin made: never taken over. */
	pgt_sql(admin, "CREATE SCHEMA dup_schema");
	pgt_sql(admin, "CREATE TABLE dup_schema.keep (x int)");
	pt_tenant_config_init(&cfg);
	cfg.schema_name = "dup_schema";
	create_refused(db, &cfg, PT_ERR_EXISTS, &e);
	assert_non_null(strstr(e.message, "already exists"));
	assert_string_equal(e.sqlstate, "42P06");
	assert_false(role_exists("dup_schema_user"));
	s = pgt_value(admin, "SELECT nspowner::regrole::text FROM pg_namespace "
	                     "WHERE nspname = 'dup_schema'");
	assert_string_equal(s, "pgtadmin");
	free(s);

	/* Another tenant's schema, with a fresh user name. */
	create("tenant_dupa", NULL, NULL, &c);
	pt_credentials_free(&c);
	cfg.schema_name = "tenant_dupa";
	cfg.username = "intruder_user";
	create_refused(db, &cfg, PT_ERR_EXISTS, &e);
	assert_false(role_exists("intruder_user"));
	s = pgt_value(admin, "SELECT nspowner::regrole::text FROM pg_namespace "
	                     "WHERE nspname = 'tenant_dupa'");
	assert_string_equal(s, "dupa_user");
	free(s);
	/* Same tenant twice. */
	cfg.username = NULL;
	create_refused(db, &cfg, PT_ERR_EXISTS, &e);
	assert_non_null(strstr(e.message, "already exists"));
}

static void
test_duplicate_user(void **state)
{
	struct pt_tenant_config cfg;
	struct pt_credentials c;
	pt_error e;
	char *before, *after;

	/* A role the admin made: its password and attributes stay. */
	pgt_sql(admin, "CREATE ROLE dup_user NOLOGIN");
	pt_tenant_config_init(&cfg);
	cfg.schema_name = "tenant_dupu";
	cfg.username = "dup_user";
	create_refused(db, &cfg, PT_ERR_EXISTS, &e);
	assert_non_null(strstr(e.message, "already exists"));
	assert_string_equal(e.sqlstate, "42710");
	assert_false(schema_exists("tenant_dupu"));
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_authid WHERE rolname = "
	                                  "'dup_user' AND NOT rolcanlogin AND rolpassword IS NULL"), 1);

	/* Another tenant's user. */
	create("tenant_dupo", NULL, NULL, &c);
	before = pgt_value(admin, "SELECT rolpassword FROM pg_authid WHERE rolname = 'dupo_user'");
	cfg.schema_name = "tenant_dupo2";
	cfg.username = "dupo_user";
	create_refused(db, &cfg, PT_ERR_EXISTS, &e);
	assert_false(schema_exists("tenant_dupo2"));
	after = pgt_value(admin, "SELECT rolpassword FROM pg_authid WHERE rolname = 'dupo_user'");
	assert_string_equal(before, after);
	PQfinish(login(c.connection_string));
	free(before);
	free(after);
	pt_credentials_free(&c);
}

/* Two admins racing for one name: the loser waits on the winner's
 * uncommitted row and gets 23505, which is "already exists" too. The wait
 * hook runs while the core waits: it lets the winner commit. */
static bool
commit_winner(void *ud)
{
	PGconn *winner = ud;

	if (winner) {
		PGresult *r = PQexec(winner, "COMMIT");
		PQclear(r);
		pt_db_set_wait_hook(db, NULL, NULL);
	}
	return false;
}

static void
test_duplicate_race(void **state)
{
	PGconn *winner = pgt_admin(NULL);
	struct pt_tenant_config cfg;
	struct pt_credentials c;
	pt_error e;

	pgt_sql(winner, "BEGIN");
	pgt_sql(winner, "CREATE ROLE race_user LOGIN");
	pt_tenant_config_init(&cfg);
	cfg.schema_name = "tenant_race";
	pt_db_set_wait_hook(db, commit_winner, winner);
	assert_int_equal(pt_tenant_create(db, &cfg, &c, &e), PT_ERR_EXISTS);
	pt_db_set_wait_hook(db, NULL, NULL);
	assert_string_equal(e.sqlstate, "23505");
	assert_non_null(strstr(e.message, "already exists"));
	assert_false(schema_exists("tenant_race"));
	assert_true(role_exists("race_user"));
	PQfinish(winner);
}

static void
test_hostile_names_refused(void **state)
{
	static const char *const hostile[] = {
		"zzhostile\"; CREATE ROLE zzhostile_a; --",
		"zzhostile'; CREATE ROLE zzhostile_b; --",
		"zzhostile;DROP ROLE pgtadmin",
		"zzhostile\nCREATE ROLE zzhostile_c",
		"zzhostile c",
		"Zzhostile",
		"zzhost\xc3\xafle",
		"zzhostile_64_bytes_long_replaced_at_run_time",
		"pg_zzhostile",
		"public",
		"none",
		"",
		"1zzhostile",
		"zzhostile$",
		"zzhostile\\",
	};
	struct pt_tenant_config cfg;
	char too_long[65];
	pt_error e;
	char *log;

	memset(too_long, 'x', 64);
	memcpy(too_long, "zzhostile_", 10);
	too_long[64] = '\0';
	for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
		const char *name = i == 7 ? too_long : hostile[i];
		pt_tenant_config_init(&cfg);
		cfg.schema_name = name;
		cfg.username = "zzfine_user";
		create_refused(db, &cfg, PT_ERR_INVALID, &e);
		assert_null(strchr(e.message, '\n'));
		cfg.schema_name = "tenant_zzfine";
		cfg.username = name;
		if (*name)   /* an empty user name means "derive it" */
			create_refused(db, &cfg, PT_ERR_INVALID, &e);
		assert_int_equal(pt_tenant_drop(db, name, &e), PT_ERR_INVALID);
	}
	/* Refused before anything reached the server. */
	pgt_log_sync(admin);
	log = pgt_read_log(NULL);
	if (strstr(log, "zzhostile") || strstr(log, "zzfine"))
		fail_msg("a hostile name reached the server");
	free(log);
	assert_false(schema_exists("tenant_zzfine"));
	assert_false(role_exists("zzfine_user"));

	/* An expiry that is not a time: the server refuses, nothing stays. */
	pt_tenant_config_init(&cfg);
	cfg.schema_name = "tenant_zzuntil";
	cfg.valid_until = "2099-01-01'; CREATE ROLE zzuntil_evil; --";
	create_refused(db, &cfg, PT_ERR_SERVER, &e);
	assert_false(role_exists("zzuntil_evil"));
	cfg.valid_until = "2099-01-01\nCREATE ROLE zzuntil_evil";
	create_refused(db, &cfg, PT_ERR_INVALID, &e);
	cfg.valid_until = NULL;
	cfg.connection_limit = -2;
	create_refused(db, &cfg, PT_ERR_INVALID, &e);
}

static void
test_typed_password_with_psql(void **state)
{
	static const char *const passwords[] = {
		"p@ss:w/o?r#d&x%y=z  with spaces",
		"@:/?#&%=",
		"  '\"\\ %41 %% ?user=pgtadmin&host=evil \xc3\xa4\xe5\xaf\x86",
	};
	static const char *const schemas[] = { "tenant_psql1", "tenant_psql2", "tenant_psql3" };
	static const char *const users[] = { "psql1_user", "psql2_user", "psql3_user" };

	for (size_t i = 0; i < 3; i++) {
		struct pt_credentials c;
		struct pgt_proc p;
		char want[128], *wrong, *at;

		create(schemas[i], NULL, passwords[i], &c);
		assert_false(c.password_generated);
		assert_string_equal(c.password, passwords[i]);
		{
			const char *argv[] = { "psql", "-X", "-A", "-t", "-d", c.connection_string,
			                       "-c", "SELECT current_user || ' ' || current_schema()",
			                       NULL };
			pgt_run(&p, NULL, argv);
		}
		snprintf(want, sizeof want, "%s %s\n", users[i], schemas[i]);
		if (p.status != 0 || strcmp(p.out, want))
			fail_msg("psql with <%s>: exit %d, out <%s>, err <%s>", c.connection_string,
			         p.status, p.out, p.err);
		pgt_proc_free(&p);

		/* psql really checks the password: a wrong one fails. */
		wrong = strdup(c.connection_string);
		at = strrchr(wrong, '@');
		assert_non_null(at);
		memcpy(at - 3, "%21", 3);
		{
			const char *argv[] = { "psql", "-X", "-A", "-t", "-w", "-d", wrong,
			                       "-c", "SELECT 1", NULL };
			pgt_run(&p, NULL, argv);
		}
		assert_int_equal(p.status, 2);
		assert_non_null(strstr(p.err, "password authentication failed"));
		pgt_proc_free(&p);
		free(wrong);
		pt_credentials_free(&c);
	}
}

static void
test_drop_tenant_with_tables(void **state)
{
	struct pt_credentials c;
	PGconn *t;
	pt_error e;

	create("tenant_drop", NULL, NULL, &c);
	t = login(c.connection_string);
	pgt_sql(t, "CREATE TABLE a (id serial PRIMARY KEY)");
	pgt_sql(t, "CREATE TABLE b (a_id int REFERENCES a)");
	pgt_sql(t, "INSERT INTO a DEFAULT VALUES");
	pgt_sql(t, "CREATE VIEW v AS SELECT * FROM a");
	pgt_sql(t, "CREATE SEQUENCE s");
	pgt_sql(t, "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'");
	pgt_sql(t, "CREATE TYPE colour AS ENUM ('red')");
	PQfinish(t);

	if (pt_tenant_drop(db, "tenant_drop", &e) != PT_OK)
		fail_msg("drop: %s", e.message);
	assert_false(schema_exists("tenant_drop"));
	assert_false(role_exists("drop_user"));
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_class WHERE relname IN "
	                                  "('a', 'b', 'v', 's')"), 0);
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_db_role_setting s "
	                                  "WHERE NOT EXISTS (SELECT 1 FROM pg_roles r "
	                                  "WHERE r.oid = s.setrole) AND s.setrole <> 0"), 0);
	assert_login_fails(c.connection_string, NULL);
	/* Dropped once: a second drop finds nothing. */
	assert_int_equal(pt_tenant_drop(db, "tenant_drop", &e), PT_ERR_NOT_FOUND);
	pt_credentials_free(&c);
}

static void
test_drop_refuses_non_tenants(void **state)
{
	struct pgt_census before, after;
	pt_error e;

	pgt_sql(admin, "CREATE SCHEMA admin_owned");
	pgt_sql(admin, "CREATE TABLE admin_owned.t (x int)");
	pgt_sql(admin, "CREATE ROLE a_group NOLOGIN");
	pgt_sql(admin, "CREATE SCHEMA group_owned AUTHORIZATION a_group");
	pgt_census(admin, &before);
	assert_int_equal(pt_tenant_drop(db, "admin_owned", &e), PT_ERR_INVALID);
	assert_non_null(strstr(e.message, "pgtadmin"));
	assert_int_equal(pt_tenant_drop(db, "group_owned", &e), PT_ERR_INVALID);
	assert_int_equal(pt_tenant_drop(db, "public", &e), PT_ERR_INVALID);
	assert_int_equal(pt_tenant_drop(db, "no_such_schema", &e), PT_ERR_NOT_FOUND);
	assert_null(pt_tenant_drop_preview(db, "admin_owned", &e));
	pgt_census(admin, &after);
	pgt_assert_census_equal(&before, &after);
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM admin_owned.t"), 0);
	assert_true(role_exists("a_group"));
}

static void
test_drop_refuses_role_used_elsewhere(void **state)
{
	struct pgt_census before, after;
	struct pt_credentials c;
	PGconn *other;
	pt_error e;
	char *preview;

	create("tenant_multi", NULL, NULL, &c);
	pgt_sql(admin, "CREATE DATABASE multi_other");
	other = pgt_admin("multi_other");
	pgt_sql(other, "CREATE TABLE owned_elsewhere (x int)");
	pgt_sql(other, "ALTER TABLE owned_elsewhere OWNER TO multi_user");

	pgt_census(admin, &before);
	assert_int_equal(pt_tenant_drop(db, "tenant_multi", &e), PT_ERR_INVALID);
	assert_non_null(strstr(e.message, "multi_other"));
	assert_non_null(strstr(e.message, "multi_user"));
	pgt_census(admin, &after);
	pgt_assert_census_equal(&before, &after);
	assert_true(schema_exists("tenant_multi"));
	assert_true(role_exists("multi_user"));
	PQfinish(login(c.connection_string));

	/* A privilege there is as much a tie as ownership. */
	pgt_sql(other, "ALTER TABLE owned_elsewhere OWNER TO pgtadmin");
	pgt_sql(other, "GRANT SELECT ON owned_elsewhere TO multi_user");
	assert_int_equal(pt_tenant_drop(db, "tenant_multi", &e), PT_ERR_INVALID);
	assert_non_null(strstr(e.message, "multi_other"));
	assert_true(role_exists("multi_user"));

	/* Once cleared there, the drop goes through; grants on the other
	 * database itself and settings there are shared objects that the drop
	 * clears on its own. */
	pgt_sql(other, "DROP OWNED BY multi_user");
	pgt_sql(admin, "GRANT CONNECT, TEMPORARY ON DATABASE multi_other TO multi_user");
	pgt_sql(admin, "ALTER ROLE multi_user IN DATABASE multi_other SET work_mem = '5MB'");
	preview = pt_tenant_drop_preview(db, "tenant_multi", &e);
	assert_non_null(preview);
	assert_non_null(strstr(preview, "DROP ROLE \"multi_user\""));
	free(preview);
	if (pt_tenant_drop(db, "tenant_multi", &e) != PT_OK)
		fail_msg("drop after cleanup: %s", e.message);
	assert_false(role_exists("multi_user"));
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_db_role_setting s "
	                                  "JOIN pg_database d ON d.oid = s.setdatabase "
	                                  "WHERE d.datname = 'multi_other'"), 0);
	PQfinish(other);
	pt_credentials_free(&c);
}

/* A role that owns a whole database: refused, named, nothing dropped. */
static void
test_drop_refuses_database_owner(void **state)
{
	struct pgt_census before, after;
	struct pt_credentials c;
	pt_error e;

	create("tenant_dbowner", NULL, NULL, &c);
	pgt_sql(admin, "CREATE DATABASE owned_by_tenant OWNER dbowner_user");
	pgt_census(admin, &before);
	assert_int_not_equal(pt_tenant_drop(db, "tenant_dbowner", &e), PT_OK);
	if (!strstr(e.message, "owned_by_tenant") && !strstr(e.detail, "owned_by_tenant"))
		fail_msg("the database is not named: %s / %s", e.message, e.detail);
	pgt_census(admin, &after);
	pgt_assert_census_equal(&before, &after);
	assert_true(schema_exists("tenant_dbowner"));
	PQfinish(login(c.connection_string));
	pt_credentials_free(&c);
}

static void
test_rotate_password(void **state)
{
	struct pt_credentials c, r1, r2;
	pt_error e;

	create("tenant_rot", NULL, NULL, &c);
	PQfinish(login(c.connection_string));
	if (pt_tenant_rotate(db, "tenant_rot", NULL, &r1, &e) != PT_OK)
		fail_msg("rotate: %s", e.message);
	assert_string_equal(r1.username, "rot_user");
	assert_string_equal(r1.schema_name, "tenant_rot");
	assert_true(r1.password_generated);
	assert_int_equal(strlen(r1.password), 32);
	assert_string_not_equal(r1.password, c.password);
	assert_string_not_equal(r1.connection_string, c.connection_string);
	assert_login_fails(c.connection_string, "password authentication failed");
	PQfinish(login(r1.connection_string));

	if (pt_tenant_rotate(db, "tenant_rot", "new typed p@ss:/?#&%=", &r2, &e) != PT_OK)
		fail_msg("rotate typed: %s", e.message);
	assert_false(r2.password_generated);
	assert_string_equal(r2.password, "new typed p@ss:/?#&%=");
	assert_login_fails(r1.connection_string, "password authentication failed");
	PQfinish(login(r2.connection_string));
	pt_credentials_free(&r1);

	/* Only tenants. */
	assert_int_equal(pt_tenant_rotate(db, "no_such_schema", NULL, &r1, &e) == PT_OK, 0);
	assert_int_equal(e.status, PT_ERR_NOT_FOUND);
	pgt_sql(admin, "CREATE SCHEMA IF NOT EXISTS admin_rot");
	assert_int_equal(pt_tenant_rotate(db, "admin_rot", NULL, &r1, &e), PT_ERR_INVALID);
	assert_null(r1.password);
	pt_credentials_free(&c);
	pt_credentials_free(&r2);
}

static void
test_read_only_session(void **state)
{
	struct pt_connect_opts o = { .read_only = true };
	pt_db *ro = core_connect(NULL, &o);
	struct pt_tenant_config cfg;
	struct pgt_census before, after;
	struct pt_credentials c, r;
	pt_error e;

	assert_true(pt_db_info(ro)->read_only);
	create("tenant_rokeep", NULL, NULL, &c);
	pgt_census(admin, &before);
	pt_tenant_config_init(&cfg);
	cfg.schema_name = "tenant_ro";
	create_refused(ro, &cfg, PT_ERR_READ_ONLY, &e);
	assert_null(pt_tenant_create_preview(ro, &cfg, &e));
	assert_int_equal(e.status, PT_ERR_READ_ONLY);
	assert_int_equal(pt_tenant_drop(ro, "tenant_rokeep", &e), PT_ERR_READ_ONLY);
	assert_int_equal(pt_tenant_rotate(ro, "tenant_rokeep", NULL, &r, &e), PT_ERR_READ_ONLY);
	/* The server itself refuses writes in this session. */
	assert_int_equal(pt_db_exec(ro, "CREATE SCHEMA ro_direct", 0, NULL, "test", &e),
	                 PT_ERR_READ_ONLY);
	assert_string_equal(e.sqlstate, "25006");
	pgt_census(admin, &after);
	pgt_assert_census_equal(&before, &after);
	PQfinish(login(c.connection_string));   /* old password still good */
	pt_db_close(ro);
	pt_credentials_free(&c);
}

static void
test_createrole_admin(void **state)
{
	struct pt_tenant_config cfg;
	struct pt_credentials c;
	pt_db *deputy;
	PGconn *t;
	pt_error e;
	char *target;

	/* A database of its own: its first tenant makes the tenants' group. */
	pgt_sql(admin, "CREATE ROLE deputy LOGIN CREATEROLE PASSWORD 'Deputy pw 1'");
	pgt_sql(admin, "CREATE DATABASE dep_db");
	if (asprintf(&target, "host='%s' port='%s' dbname=dep_db user=deputy "
	             "password='Deputy pw 1'", getenv("PGHOST"), getenv("PGPORT")) < 0)
		fail();
	deputy = core_connect(target, NULL);
	assert_false(pt_db_info(deputy)->superuser);
	assert_true(pt_db_info(deputy)->createrole);
	assert_string_equal(pt_db_info(deputy)->user, "deputy");
	pt_tenant_config_init(&cfg);
	cfg.schema_name = "tenant_dep";

	/* Without the right to pass CONNECT on: refused up front. */
	assert_false(pt_db_info(deputy)->can_grant_connect);
	create_refused(deputy, &cfg, PT_ERR_PERMISSION, &e);
	assert_non_null(strstr(e.message, "GRANT OPTION"));

	/* With it but without CREATE on the database: the schema fails and the
	 * role made before it in the same transaction goes too. */
	pgt_sql(admin, "GRANT CONNECT ON DATABASE dep_db TO deputy WITH GRANT OPTION");
	assert_int_equal(pt_db_refresh_info(deputy, &e), PT_OK);
	assert_true(pt_db_info(deputy)->can_grant_connect);
	create_refused(deputy, &cfg, PT_ERR_PERMISSION, &e);
	assert_false(role_exists("dep_user"));

	pgt_sql(admin, "GRANT CREATE ON DATABASE dep_db TO deputy");
	if (pt_tenant_create(deputy, &cfg, &c, &e) != PT_OK)
		fail_msg("create as deputy: %s", e.message);
	assert_string_equal(pt_db_last_notices(deputy), "");
	t = login(c.connection_string);
	pgt_sql(t, "CREATE TABLE mine (x int)");
	assert_int_equal(pgt_count(t, "SELECT count(*) FROM mine"), 0);
	assert_state(pgt_state(t, "CREATE ROLE x"), "42501", "tenant of a deputy");
	PQfinish(t);
	if (PQserverVersion(admin) < 160000) {
		assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_auth_members m "
		                                  "WHERE m.roleid = 'dep_user'::regrole "
		                                  "AND m.member = 'deputy'::regrole"), 1);
	} else {
		/* 16+: the server made the creator a member WITH ADMIN itself; at
		 * most one grant of ours beside it, for the SET that
		 * CREATE SCHEMA ... AUTHORIZATION needs. */
		assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_auth_members m "
		                                  "WHERE m.roleid = 'dep_user'::regrole "
		                                  "AND m.member = 'deputy'::regrole "
		                                  "AND m.admin_option"), 1);
		assert_in_range(pgt_count(admin, "SELECT count(*) FROM pg_auth_members m "
		                                 "WHERE m.roleid = 'dep_user'::regrole "
		                                 "AND m.member = 'deputy'::regrole"), 1, 2);
		assert_int_equal(pgt_count(admin, "SELECT pg_has_role('deputy', 'dep_user', "
		                                  "'SET')::int"), 1);
	}
	/* The deputy can take it away again. */
	if (pt_tenant_drop(deputy, "tenant_dep", &e) != PT_OK)
		fail_msg("drop as deputy: %s", e.message);
	assert_false(role_exists("dep_user"));
	pt_credentials_free(&c);
	pt_db_close(deputy);
	free(target);
	pgt_sql(admin, "DROP DATABASE dep_db");
	pgt_sql(admin, "DROP ROLE pgtenant_tenants_dep_db");
}

static void
test_limits_applied(void **state)
{
	struct pt_tenant_config cfg;
	struct pt_credentials c, old;
	struct pt_schema_list l;
	PGconn *t1, *t2;
	pt_error e;
	bool seen = false;

	pt_tenant_config_init(&cfg);
	cfg.schema_name = "tenant_lim";
	cfg.connection_limit = 2;
	cfg.valid_until = "2099-12-31 23:59:59+00";
	if (pt_tenant_create(db, &cfg, &c, &e) != PT_OK)
		fail_msg("create: %s", e.message);
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_roles WHERE rolname = "
	                                  "'lim_user' AND rolconnlimit = 2 AND rolvaliduntil = "
	                                  "'2099-12-31 23:59:59+00'::timestamptz"), 1);
	t1 = login(c.connection_string);
	t2 = login(c.connection_string);
	assert_login_fails(c.connection_string, "too many connections");
	PQfinish(t1);
	PQfinish(t2);
	assert_int_equal(pt_schema_list_load(db, false, &l, &e), PT_OK);
	for (size_t i = 0; i < l.n; i++)
		if (!strcmp(l.rows[i].name, "tenant_lim")) {
			seen = true;
			assert_int_equal(l.rows[i].connection_limit, 2);
			assert_memory_equal(l.rows[i].valid_until, "2099-12-31", 10);
		}
	assert_true(seen);
	pt_schema_list_free(&l);
	pt_credentials_free(&c);

	/* An expiry in the past: the role exists but cannot log in. */
	pt_tenant_config_init(&cfg);
	cfg.schema_name = "tenant_expired";
	cfg.valid_until = "2001-01-01 00:00:00+00";
	if (pt_tenant_create(db, &cfg, &old, &e) != PT_OK)
		fail_msg("create expired: %s", e.message);
	assert_login_fails(old.connection_string, "password authentication failed");
	pt_credentials_free(&old);

	/* Defaults: the default connection limit, no expiry. */
	create("tenant_nolim", NULL, NULL, &c);
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_roles WHERE rolname = "
	                                  "'nolim_user' AND rolconnlimit = 20 AND "
	                                  "rolvaliduntil IS NULL"), 1);
	pt_credentials_free(&c);
}

/* A database where PUBLIC may not connect (as after harden): the tenant
 * logs in through the CONNECT grant the creation made. */
static void
test_connect_granted(void **state)
{
	struct pt_credentials c;
	pt_db *h;

	pgt_sql(admin, "CREATE DATABASE closed_db");
	pgt_sql(admin, "REVOKE CONNECT, TEMPORARY ON DATABASE closed_db FROM PUBLIC");
	h = core_connect("dbname=closed_db", NULL);
	{
		struct pt_tenant_config cfg;
		pt_error e;
		pt_tenant_config_init(&cfg);
		cfg.schema_name = "tenant_closed";
		if (pt_tenant_create(h, &cfg, &c, &e) != PT_OK)
			fail_msg("create: %s", e.message);
	}
	assert_string_equal(c.endpoint.dbname, "closed_db");
	/* Through the tenants' group: the database's ACL names the group and
	 * never the tenant, so it does not grow with the tenants. */
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_database d, "
	                                  "aclexplode(d.datacl) a WHERE d.datname = 'closed_db' "
	                                  "AND a.grantee = 'pgtenant_tenants_closed_db'::regrole "
	                                  "AND a.privilege_type = 'CONNECT'"), 1);
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_database d, "
	                                  "aclexplode(d.datacl) a WHERE d.datname = 'closed_db' "
	                                  "AND a.grantee = 'closed_user'::regrole"), 0);
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_auth_members m "
	                                  "WHERE m.roleid = 'pgtenant_tenants_closed_db'::regrole "
	                                  "AND m.member = 'closed_user'::regrole"), 1);
	PQfinish(login(c.connection_string));
	/* Another tenant of another database has no way in. */
	{
		struct pt_credentials other;
		struct pt_endpoint ep;
		pt_error e;
		char *cs;
		create("tenant_outsider", NULL, NULL, &other);
		ep = other.endpoint;
		ep.dbname = "closed_db";
		cs = pt_connstr_build(PT_CONNSTR_URI, &ep, other.username, other.password, &e);
		assert_non_null(cs);
		assert_login_fails(cs, "permission denied for database");
		pt_secret_free(cs);
		pt_credentials_free(&other);
	}
	pt_credentials_free(&c);
	pt_db_close(h);
}

static void
test_search_path_per_database(void **state)
{
	struct pt_credentials c;
	struct pt_endpoint ep;
	PGconn *t;
	pt_error e;
	char *s, *cs;

	create("tenant_sp", NULL, NULL, &c);
	s = pgt_value(admin, "SELECT d.datname || ' ' || array_to_string(s.setconfig, ';') "
	                     "FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
	                     "WHERE s.setrole = 'sp_user'::regrole");
	assert_string_equal(s, "postgres search_path=tenant_sp");
	free(s);
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_db_role_setting "
	                                  "WHERE setrole = 'sp_user'::regrole"), 1);
	t = login(c.connection_string);
	s = pgt_value(t, "SHOW search_path");
	assert_string_equal(s, "tenant_sp");
	free(s);
	PQfinish(t);

	/* In another database (PUBLIC may still connect there) the setting
	 * does not apply. */
	pgt_sql(admin, "CREATE DATABASE sp_other");
	ep = c.endpoint;
	ep.dbname = "sp_other";
	cs = pt_connstr_build(PT_CONNSTR_URI, &ep, c.username, c.password, &e);
	assert_non_null(cs);
	t = login(cs);
	s = pgt_value(t, "SHOW search_path");
	assert_string_equal(s, "\"$user\", public");
	free(s);
	PQfinish(t);
	pt_secret_free(cs);
	pt_credentials_free(&c);
}

static void
test_admin_query_parameters_not_copied(void **state)
{
	const char *port = getenv("PGPORT");
	struct pt_credentials c;
	pt_db *qp;
	PGresult *r;
	PGconn *t;
	pt_error e;
	char *target, *want, *s;

	if (asprintf(&target, "postgresql://pgtadmin@127.0.0.1:%s/postgres"
	             "?application_name=x&options=-c%%20statement_timeout%%3D12345"
	             "&user=pgtadmin&connect_timeout=7", port) < 0)
		fail();
	qp = core_connect(target, NULL);
	/* The admin's options did reach the admin's session... */
	r = pt_db_query(qp, "SELECT current_setting('statement_timeout')", 0, NULL, "t", &e);
	assert_non_null(r);
	assert_string_equal(PQgetvalue(r, 0, 0), "12345ms");
	PQclear(r);
	/* ...and none of them reach the tenant's string. */
	pgt_sql(admin, "SELECT 1");
	{
		struct pt_tenant_config cfg;
		pt_tenant_config_init(&cfg);
		cfg.schema_name = "tenant_qp";
		if (pt_tenant_create(qp, &cfg, &c, &e) != PT_OK)
			fail_msg("create: %s", e.message);
	}
	if (asprintf(&want, "postgresql://qp_user:%s@127.0.0.1:%s/postgres", c.password,
	             port) < 0)
		fail();
	assert_string_equal(c.connection_string, want);
	t = login(c.connection_string);
	s = pgt_value(t, "SELECT current_user || ' ' || current_setting('statement_timeout') "
	                 "|| ' [' || current_setting('application_name') || ']'");
	assert_string_equal(s, "qp_user 0 []");
	free(s);
	PQfinish(t);
	pt_credentials_free(&c);
	pt_db_close(qp);
	free(want);
	free(target);
}

/* --tenant-host / --tenant-port: the admin on the socket, tenants told
 * to use TCP. */
static void
test_tenant_host_override(void **state)
{
	const char *port = getenv("PGPORT");
	struct pt_connect_opts o = { .tenant_host = "127.0.0.1", .tenant_port = port };
	struct pt_tenant_config cfg;
	struct pt_credentials c;
	pt_db *ov = core_connect(NULL, &o);
	pt_error e;
	char *want;

	pt_tenant_config_init(&cfg);
	cfg.schema_name = "tenant_tcp";
	if (pt_tenant_create(ov, &cfg, &c, &e) != PT_OK)
		fail_msg("create: %s", e.message);
	if (asprintf(&want, "postgresql://tcp_user:%s@127.0.0.1:%s/%s", c.password, port,
	             getenv("PGDATABASE")) < 0)
		fail();
	assert_string_equal(c.connection_string, want);
	PQfinish(login(c.connection_string));
	free(want);
	pt_credentials_free(&c);
	pt_db_close(ov);
}

/* Turn TLS on in the throwaway server with a fresh self-signed
 * certificate; returns the certificate's path (malloc'd) or NULL. */
static char *
enable_tls(void)
{
	const char *dir = getenv("PT_TEST_PGDIR");
	char *tls, *crt, *key, *data;
	struct pgt_proc p;

	if (!dir)
		return NULL;
	if (asprintf(&tls, "%s/tls", dir) < 0 || asprintf(&crt, "%s/server.crt", tls) < 0 ||
	    asprintf(&key, "%s/server.key", tls) < 0 || asprintf(&data, "%s/data", dir) < 0)
		fail();
	{
		const char *argv[] = { "mkdir", "-p", tls, NULL };
		pgt_run(&p, NULL, argv);
		pgt_proc_free(&p);
	}
	{
		const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
		                       "-keyout", key, "-out", crt, "-days", "2",
		                       "-subj", "/CN=127.0.0.1", NULL };
		pgt_run(&p, NULL, argv);
		if (p.status != 0) {
			pgt_proc_free(&p);
			return NULL;
		}
		pgt_proc_free(&p);
	}
	{
		/* The server (user postgres when the tests run as root) must own
		 * the key, and nobody else may read it. */
		const char *own[] = { "chown", "-R", "--reference", data, tls, NULL };
		const char *mode[] = { "chmod", "600", key, NULL };
		pgt_run(&p, NULL, own);
		pgt_proc_free(&p);
		pgt_run(&p, NULL, mode);
		pgt_proc_free(&p);
	}
	pgt_sql(admin, "ALTER SYSTEM SET ssl_cert_file = '%s'", crt);
	pgt_sql(admin, "ALTER SYSTEM SET ssl_key_file = '%s'", key);
	pgt_sql(admin, "ALTER SYSTEM SET ssl = on");
	pgt_sql(admin, "SELECT pg_reload_conf()");
	for (int i = 0; i < 100; i++) {   /* the reload is asynchronous */
		PGconn *probe = pgt_admin(NULL);
		char *on = pgt_value(probe, "SHOW ssl");
		bool done = !strcmp(on, "on");
		free(on);
		PQfinish(probe);
		if (done)
			break;
		usleep(50 * 1000);
	}
	free(tls);
	free(key);
	free(data);
	return crt;
}

/* The admin's sslmode reaches the tenant's string, and the tenant's
 * session really is encrypted; the admin's sslrootcert (a path on the
 * admin's machine), client certificate and the like do not: the CA path
 * is --tenant-sslrootcert's alone. */
static void
test_tls_settings_carried(void **state)
{
	const char *port = getenv("PGPORT");
	char *crt = enable_tls();
	struct pt_tenant_config cfg;
	struct pt_credentials c;
	char *target, *want, *s;
	PGconn *t;
	pt_db *tls;
	pt_error e;

	if (!crt)
		skip();
	if (asprintf(&target, "host=127.0.0.1 port=%s dbname=postgres user=pgtadmin "
	             "sslmode=verify-ca sslrootcert=%s sslcompression=1 "
	             "sslcert=/nonexistent/admin.crt sslkey=/nonexistent/admin.key",
	             port, crt) < 0)
		fail();
	tls = core_connect(target, NULL);
	assert_true(pt_db_info(tls)->ssl);
	pt_tenant_config_init(&cfg);
	cfg.schema_name = "tenant_tls_noca";
	if (pt_tenant_create(tls, &cfg, &c, &e) != PT_OK)
		fail_msg("create: %s", e.message);
	if (strstr(c.connection_string, "sslrootcert") || !c.endpoint.ca_missing ||
	    !strstr(c.connection_string, "?sslmode=verify-ca"))
		fail_msg("admin's CA path copied or not flagged: %s", c.connection_string);
	pt_credentials_free(&c);
	pt_db_close(tls);
	{
		struct pt_connect_opts o = { .tenant_sslrootcert = crt };
		tls = core_connect(target, &o);
	}
	cfg.schema_name = "tenant_tls";
	if (pt_tenant_create(tls, &cfg, &c, &e) != PT_OK)
		fail_msg("create: %s", e.message);
	assert_false(c.endpoint.ca_missing);
	{
		char enc[1024];
		pt_percent_encode(crt, enc, sizeof enc);
		if (asprintf(&want, "postgresql://tls_user:%s@127.0.0.1:%s/postgres"
		             "?sslmode=verify-ca&sslrootcert=%s", c.password, port, enc) < 0)
			fail();
	}
	assert_string_equal(c.connection_string, want);
	t = login(c.connection_string);
	s = pgt_value(t, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
	assert_string_equal(s, "t");
	free(s);
	PQfinish(t);
	pgt_sql(admin, "ALTER SYSTEM RESET ssl");
	pgt_sql(admin, "SELECT pg_reload_conf()");
	pt_credentials_free(&c);
	pt_db_close(tls);
	free(want);
	free(target);
	free(crt);
}

/* The admin's own session sees the socket it connected to: tenants get a
 * working unix-socket string. */
static void
test_unix_socket_connection_string(void **state)
{
	struct pt_credentials c;

	create("tenant_sock", NULL, NULL, &c);
	assert_string_equal(c.endpoint.host, getenv("PGHOST"));
	/* Encoded, not raw: a raw "/" would end the authority. */
	if (strchr(c.connection_string + strlen("postgresql://"), '/') !=
	    strrchr(c.connection_string, '/') || !strstr(c.connection_string, "%2Fsock:"))
		fail_msg("socket path not encoded: %s", c.connection_string);
	PQfinish(login(c.connection_string));
	pt_credentials_free(&c);
}

/* Count the statements one backend logged after the last sync marker. */
static long
statements_since(const char *log, const char *marker, int pid)
{
	const char *p = strstr(log, marker);
	char tag[32];
	long n = 0;

	assert_non_null(p);
	snprintf(tag, sizeof tag, "[%d] ", pid);
	while ((p = strstr(p, tag)) != NULL) {
		const char *eol = strchr(p, '\n');
		const char *st = strstr(p, "LOG:  statement: ");
		const char *ex = strstr(p, "LOG:  execute ");
		if ((st && (!eol || st < eol)) || (ex && (!eol || ex < eol)))
			n++;
		p += strlen(tag);
	}
	return n;
}

static void
test_one_statement_per_operation(void **state)
{
	int pid = PQbackendPID(pt_db_conn(db));
	struct pt_schema_list l;
	struct pt_role_list rl;
	struct pt_credentials c;
	pt_error e;
	char *log;

	for (int i = 0; i < 30; i++) {
		char name[32];
		snprintf(name, sizeof name, "tenant_many%02d", i);
		create(name, NULL, NULL, &c);
		pt_credentials_free(&c);
	}
	pgt_sql(admin, "SELECT 'count_marker_list'");
	assert_int_equal(pt_schema_list_load(db, true, &l, &e), PT_OK);
	assert_true(l.n >= 30);
	pgt_log_sync(admin);
	log = pgt_read_log(NULL);
	assert_int_equal(statements_since(log, "count_marker_list", pid), 1);
	free(log);

	pgt_sql(admin, "SELECT 'count_marker_roles'");
	assert_int_equal(pt_role_list_load(db, &rl, &e), PT_OK);
	pgt_log_sync(admin);
	log = pgt_read_log(NULL);
	assert_int_equal(statements_since(log, "count_marker_roles", pid), 1);
	free(log);

	pgt_sql(admin, "SELECT 'count_marker_create'");
	create("tenant_onetrip", NULL, NULL, &c);
	pgt_log_sync(admin);
	log = pgt_read_log(NULL);
	assert_int_equal(statements_since(log, "count_marker_create", pid), 1);
	free(log);
	pt_credentials_free(&c);
	pt_schema_list_free(&l);
	pt_role_list_free(&rl);
}

static void
test_lists_show_tenants(void **state)
{
	struct pt_credentials c;
	struct pt_schema_list l;
	struct pt_role_list rl;
	PGconn *t;
	pt_error e;
	int found = 0;

	create("tenant_cat", NULL, NULL, &c);
	t = login(c.connection_string);
	pgt_sql(t, "CREATE TABLE one AS SELECT g FROM generate_series(1, 1000) g");
	pgt_sql(t, "CREATE TABLE two (x int)");
	/* Not tables: */
	pgt_sql(t, "CREATE VIEW v AS SELECT * FROM two");
	pgt_sql(t, "CREATE SEQUENCE s");
	pgt_sql(t, "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x");
	pgt_sql(t, "CREATE INDEX two_x ON two (x)");
	PQfinish(t);
	assert_int_equal(pt_schema_list_load(db, true, &l, &e), PT_OK);
	for (size_t i = 0; i < l.n; i++) {
		const struct pt_schema_row *r = &l.rows[i];
		if (!strcmp(r->name, "tenant_cat")) {
			found++;
			assert_string_equal(r->owner, "cat_user");
			assert_string_equal(r->login_roles, "cat_user");
			assert_int_equal(r->tables, 2);
			assert_true(r->size_bytes > 8192);
			assert_true(r->is_tenant);
			assert_true(r->owner_can_login);
			assert_int_equal(r->connection_limit, PT_DEFAULT_CONNECTION_LIMIT);
			assert_string_equal(r->valid_until, "");
		}
		if (!strcmp(r->name, "public")) {
			found++;
			assert_false(r->is_tenant);
		}
		assert_true(strncmp(r->name, "pg_", 3) != 0);
		assert_string_not_equal(r->name, "information_schema");
	}
	assert_int_equal(found, 2);
	pt_schema_list_free(&l);

	assert_int_equal(pt_schema_list_load(db, false, &l, &e), PT_OK);
	assert_false(l.sizes_loaded);
	assert_int_equal(pt_schema_list_load_sizes(db, &l, &e), PT_OK);
	for (size_t i = 0; i < l.n; i++)
		if (!strcmp(l.rows[i].name, "tenant_cat"))
			assert_true(l.rows[i].size_bytes > 8192);
	pt_schema_list_free(&l);

	assert_int_equal(pt_role_list_load(db, &rl, &e), PT_OK);
	found = 0;
	for (size_t i = 0; i < rl.n; i++) {
		const struct pt_role_row *r = &rl.rows[i];
		if (!strcmp(r->name, "cat_user")) {
			found++;
			assert_true(r->login);
			assert_false(r->superuser || r->createdb || r->createrole ||
			             r->replication || r->bypassrls);
			assert_true(r->inherit == (PQserverVersion(admin) < 160000));
			assert_string_equal(r->search_path, "tenant_cat");
		}
		assert_true(strncmp(r->name, "pg_", 3) != 0);
	}
	assert_int_equal(found, 1);
	pt_role_list_free(&rl);
	pt_credentials_free(&c);
}

static void
test_connection_lost(void **state)
{
	pt_db *victim = core_connect(NULL, NULL);
	struct pt_schema_list l;
	pt_error e;

	pgt_sql(admin, "SELECT pg_terminate_backend(%d)", PQbackendPID(pt_db_conn(victim)));
	assert_int_equal(pt_schema_list_load(victim, false, &l, &e), PT_ERR_CONNECTION_LOST);
	assert_non_null(strstr(e.message, "connection lost"));
	assert_int_equal(pt_db_reconnect(victim, &e), PT_OK);
	assert_true(pt_db_alive(victim));
	assert_int_equal(pt_schema_list_load(victim, false, &l, &e), PT_OK);
	pt_schema_list_free(&l);
	pt_db_close(victim);
}

/* The console's own session: named, and blind to every schema but
 * pg_catalog, so nothing a tenant or anyone else puts in public can stand
 * in for what pgtenant runs. */
static void
test_admin_session_hardened(void **state)
{
	struct pt_credentials c;
	struct pt_schema_list l;
	PGresult *r;
	pt_error e;
	char *s;
	bool seen = false;

	s = pgt_value(admin, "SELECT application_name FROM pg_stat_activity WHERE pid = %d",
	              PQbackendPID(pt_db_conn(db)));
	assert_string_equal(s, "pgtenant");
	free(s);
	r = pt_db_query(db, "SHOW search_path", 0, NULL, "t", &e);
	assert_non_null(r);
	assert_string_equal(PQgetvalue(r, 0, 0), "pg_catalog");
	PQclear(r);

	/* Decoys where an unqualified name would find them first if public
	 * were on the path. */
	pgt_sql(admin, "CREATE TABLE public.pg_namespace (nspname name, nspowner oid)");
	pgt_sql(admin, "CREATE VIEW public.pg_roles AS SELECT 'zzdecoy'::name AS rolname");
	pgt_sql(admin, "CREATE FUNCTION public.string_agg(text, text) RETURNS text "
	               "LANGUAGE sql AS 'SELECT ''zzdecoy''::text'");
	pgt_sql(admin, "CREATE FUNCTION public.current_setting(text) RETURNS text "
	               "LANGUAGE sql AS 'SELECT ''zzdecoy''::text'");
	create("tenant_decoy", NULL, NULL, &c);
	assert_int_equal(pt_schema_list_load(db, true, &l, &e), PT_OK);
	for (size_t i = 0; i < l.n; i++) {
		assert_null(strstr(l.rows[i].owner, "zzdecoy"));
		assert_null(strstr(l.rows[i].login_roles, "zzdecoy"));
		if (!strcmp(l.rows[i].name, "tenant_decoy")) {
			seen = true;
			assert_string_equal(l.rows[i].owner, "decoy_user");
		}
	}
	assert_true(seen);
	pt_schema_list_free(&l);
	assert_int_equal(pt_db_refresh_info(db, &e), PT_OK);
	assert_int_equal(pt_tenant_drop(db, "tenant_decoy", &e), PT_OK);
	assert_false(role_exists("decoy_user"));
	pgt_sql(admin, "DROP TABLE public.pg_namespace");
	pgt_sql(admin, "DROP VIEW public.pg_roles");
	pgt_sql(admin, "DROP FUNCTION public.string_agg(text, text)");
	pgt_sql(admin, "DROP FUNCTION public.current_setting(text)");
	pt_credentials_free(&c);
}

/* A role that owns a second schema: dropping it would take that schema
 * too, so the drop is refused and names it. */
static void
test_drop_refuses_role_with_second_schema(void **state)
{
	struct pgt_census before, after;
	struct pt_credentials c;
	pt_error e;

	create("tenant_twice", NULL, NULL, &c);
	pgt_sql(admin, "CREATE SCHEMA twice_extra AUTHORIZATION twice_user");
	pgt_sql(admin, "CREATE TABLE twice_extra.keep (x int)");
	pgt_census(admin, &before);
	assert_int_equal(pt_tenant_drop(db, "tenant_twice", &e), PT_ERR_INVALID);
	assert_non_null(strstr(e.message, "twice_extra"));
	pgt_census(admin, &after);
	pgt_assert_census_equal(&before, &after);
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM twice_extra.keep"), 0);
	pt_credentials_free(&c);
}

static void
test_create_preview_redacts(void **state)
{
	struct pt_tenant_config cfg;
	pt_error e;
	char *sql;

	pt_tenant_config_init(&cfg);
	cfg.schema_name = "tenant_prev";
	cfg.password = "Preview-Secret-1";
	cfg.connection_limit = 4;
	sql = pt_tenant_create_preview(db, &cfg, &e);
	assert_non_null(sql);
	assert_null(strstr(sql, "Preview-Secret-1"));
	assert_non_null(strstr(sql, "'<redacted>'"));
	assert_non_null(strstr(sql, "CREATE ROLE \"prev_user\" LOGIN"));
	assert_non_null(strstr(sql, "CONNECTION LIMIT 4"));
	assert_non_null(strstr(sql, "CREATE SCHEMA \"tenant_prev\" AUTHORIZATION \"prev_user\""));
	free(sql);
	assert_false(schema_exists("tenant_prev"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_and_use_own_schema),
		cmocka_unit_test(test_other_tenants_unreachable),
		cmocka_unit_test(test_no_roles_databases_schemas),
		cmocka_unit_test(test_no_admin_functions),
		cmocka_unit_test(test_passwords_never_logged),
		cmocka_unit_test(test_duplicate_schema),
		cmocka_unit_test(test_duplicate_user),
		cmocka_unit_test(test_duplicate_race),
		cmocka_unit_test(test_hostile_names_refused),
		cmocka_unit_test(test_typed_password_with_psql),
		cmocka_unit_test(test_drop_tenant_with_tables),
		cmocka_unit_test(test_drop_refuses_non_tenants),
		cmocka_unit_test(test_drop_refuses_role_used_elsewhere),
		cmocka_unit_test(test_drop_refuses_database_owner),
		cmocka_unit_test(test_rotate_password),
		cmocka_unit_test(test_read_only_session),
		cmocka_unit_test(test_createrole_admin),
		cmocka_unit_test(test_limits_applied),
		cmocka_unit_test(test_connect_granted),
		cmocka_unit_test(test_search_path_per_database),
		cmocka_unit_test(test_admin_query_parameters_not_copied),
		cmocka_unit_test(test_tenant_host_override),
		cmocka_unit_test(test_unix_socket_connection_string),
		cmocka_unit_test(test_tls_settings_carried),
		cmocka_unit_test(test_one_statement_per_operation),
		cmocka_unit_test(test_lists_show_tenants),
		cmocka_unit_test(test_connection_lost),
		cmocka_unit_test(test_admin_session_hardened),
		cmocka_unit_test(test_drop_refuses_role_with_second_schema),
		cmocka_unit_test(test_create_preview_redacts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
