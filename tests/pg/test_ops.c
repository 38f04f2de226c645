/* Live operations on tenants (src/core/ops.c) against a real PostgreSQL:
 * sessions opened as real tenants, signals that must reach them and only
 * them, lock and unlock proved by logging in, settings proved by what the
 * tenant's next session does. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "audit.h"
#include "catalog.h"
#include "conn.h"
#include "ops.h"
#include "secret.h"
#include "tenant.h"
#include "pgtest.h"

static PGconn *admin;   /* the test's own superuser connection */
static pt_db *db;       /* the core's admin session */
static struct pt_credentials acme, globex;

static pt_db *
core_connect(const char *target)
{
	pt_error e;
	pt_db *d = pt_db_connect(target, NULL, &e);

	if (!d)
		fail_msg("core connect: %s", e.message);
	return d;
}

static void
create(pt_db *d, const char *schema, struct pt_credentials *out)
{
	struct pt_tenant_config cfg;
	pt_error e;

	pt_tenant_config_init(&cfg);
	cfg.schema_name = schema;
	if (pt_tenant_create(d, &cfg, out, &e) != PT_OK)
		fail_msg("creating %s: %s", schema, e.message);
}

static int
setup(void **state)
{
	(void)state;
	if (pt_core_init() != 0)
		return -1;
	admin = pgt_admin(NULL);
	db = core_connect(NULL);
	create(db, "tenant_acme", &acme);
	create(db, "tenant_globex", &globex);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pt_credentials_free(&acme);
	pt_credentials_free(&globex);
	pt_db_close(db);
	PQfinish(admin);
	return 0;
}

/* A tenant session running sql in the background (not waited for). */
static PGconn *
busy_session(const struct pt_credentials *c, const char *sql)
{
	char why[512];
	PGconn *t = pgt_login(c->connection_string, why, sizeof why);

	if (!t)
		fail_msg("login as %s: %s", c->username, why);
	if (sql && !PQsendQuery(t, sql))
		fail_msg("send: %s", PQerrorMessage(t));
	return t;
}

static int
backend_pid(PGconn *t)
{
	return PQbackendPID(t);
}

/* The result of the background query: its SQLSTATE, "?????" when the
 * connection went away, "00000" on success. Waits at most 30 s. */
static const char *
outcome(PGconn *t)
{
	static char state[6];
	time_t until = time(NULL) + 30;
	PGresult *r;

	while (PQisBusy(t) && time(NULL) < until) {
		if (!PQconsumeInput(t))
			break;
		usleep(20000);
	}
	if (PQisBusy(t) && PQstatus(t) == CONNECTION_OK)
		fail_msg("the tenant's query is still running");
	snprintf(state, sizeof state, "?????");
	while ((r = PQgetResult(t))) {
		if (PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK)
			snprintf(state, sizeof state, "00000");
		else if (PQresultErrorField(r, PG_DIAG_SQLSTATE))
			snprintf(state, sizeof state, "%s", PQresultErrorField(r, PG_DIAG_SQLSTATE));
		PQclear(r);
	}
	if (PQstatus(t) != CONNECTION_OK)
		snprintf(state, sizeof state, "?????");
	return state;
}

static const struct pt_session *
find_pid(const struct pt_session_list *l, int pid)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->rows[i].pid == pid)
			return &l->rows[i];
	return NULL;
}

static void
test_sessions_and_counts(void **state)
{
	PGconn *a1 = busy_session(&acme, "SELECT pg_catalog.pg_sleep(60)");
	PGconn *a2 = busy_session(&acme, NULL);
	PGconn *g1 = busy_session(&globex, NULL);
	PGconn *other = pgt_admin(NULL);
	struct pt_session_list l;
	struct pt_session_counts c;
	const struct pt_session *s;
	pt_error e;

	(void)state;
	usleep(200000);   /* let a1's query start: state "active" */
	assert_int_equal(pt_sessions_load(db, NULL, &l, &e), PT_OK);
	assert_int_equal(l.n, 3);
	s = find_pid(&l, backend_pid(a1));
	assert_non_null(s);
	assert_string_equal(s->schemas, "tenant_acme");
	assert_string_equal(s->role, "acme_user");
	assert_string_equal(s->query, "SELECT pg_catalog.pg_sleep(60)");
	assert_string_equal(s->state, "active");
	assert_non_null(s->backend_start);
	assert_true(s->xact_age >= 0);
	s = find_pid(&l, backend_pid(a2));
	assert_non_null(s);
	assert_string_equal(s->state, "idle");
	assert_int_equal(s->xact_age, -1);
	/* The admin's other session is not a tenant's. */
	assert_null(find_pid(&l, backend_pid(other)));
	pt_session_list_free(&l);

	assert_int_equal(pt_sessions_load(db, "tenant_globex", &l, &e), PT_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.rows[0].pid, backend_pid(g1));
	pt_session_list_free(&l);
	assert_int_equal(pt_sessions_load(db, "public", &l, &e), PT_ERR_INVALID);
	assert_int_equal(pt_sessions_load(db, "tenant_nope", &l, &e), PT_ERR_NOT_FOUND);

	assert_int_equal(pt_session_counts_load(db, -1, &c, &e), PT_OK);
	assert_int_equal(pt_session_count_of(&c, "tenant_acme"), 2);
	/* one active, one idle: neither blocked nor idle in a transaction */
	assert_int_equal(pt_session_counts_find(&c, "tenant_acme")->blocked, 0);
	assert_int_equal(pt_session_counts_find(&c, "tenant_acme")->idle_xact, 0);
	assert_null(pt_session_counts_find(&c, "zzz"));
	assert_int_equal(pt_session_count_of(&c, "tenant_globex"), 1);
	assert_int_equal(pt_session_count_of(&c, "public"), 0);
	assert_int_equal(pt_session_count_of(&c, "zzz"), 0);
	pt_session_counts_free(&c);

	PQfinish(a1);
	PQfinish(a2);
	PQfinish(g1);
	PQfinish(other);
}

static void
test_cancel_and_terminate(void **state)
{
	PGconn *t = busy_session(&acme, "SELECT pg_catalog.pg_sleep(60)");
	PGconn *other = pgt_admin(NULL);
	pt_error e;

	(void)state;
	usleep(200000);
	assert_int_equal(pt_session_signal(db, backend_pid(t), NULL, PT_SIGNAL_CHECK, &e), PT_OK);
	/* named as another tenant's session, it is not touched */
	assert_int_equal(pt_session_signal_tenant(db, "tenant_globex", backend_pid(t), NULL,
	                                          PT_SIGNAL_CANCEL, &e), PT_ERR_INVALID);
	assert_non_null(strstr(e.message, "not a session of tenant \"tenant_globex\""));
	assert_int_equal(pt_session_signal_tenant(db, "tenant_acme", backend_pid(t), NULL,
	                                          PT_SIGNAL_CANCEL, &e), PT_OK);
	assert_string_equal(outcome(t), "57014");
	assert_int_equal(PQstatus(t), CONNECTION_OK);   /* canceled, not ended */

	/* A session identified by pid and start: a pid now used by another
	 * session (as a stale start says) gets nothing. */
	assert_int_equal(pt_session_signal(db, backend_pid(t), "2000-01-01T00:00:00Z",
	                                   PT_SIGNAL_TERMINATE, &e), PT_ERR_NOT_FOUND);
	assert_non_null(strstr(e.message, "newer session"));
	assert_int_equal(pgt_count(t, "SELECT 1"), 1);
	{
		struct pt_session_list l;
		const struct pt_session *s;

		assert_int_equal(pt_sessions_load(db, "tenant_acme", &l, &e), PT_OK);
		s = find_pid(&l, backend_pid(t));
		assert_non_null(s);
		assert_int_equal(pt_session_signal(db, backend_pid(t), s->backend_start,
		                                   PT_SIGNAL_TERMINATE, &e), PT_OK);
		pt_session_list_free(&l);
	}
	assert_true(PQsendQuery(t, "SELECT 1") == 0 || strcmp(outcome(t), "?????") == 0);

	/* Never an admin's session, nor this one, nor a pid that is not there. */
	assert_int_equal(pt_session_signal(db, backend_pid(other), NULL, PT_SIGNAL_TERMINATE, &e),
	                 PT_ERR_INVALID);
	assert_non_null(strstr(e.message, "pgtadmin"));
	assert_int_equal(PQstatus(other), CONNECTION_OK);
	assert_int_equal(pgt_count(other, "SELECT 1"), 1);
	assert_int_equal(pt_session_signal(db, PQbackendPID(pt_db_conn(db)), NULL,
	                                   PT_SIGNAL_TERMINATE, &e), PT_ERR_INVALID);
	assert_true(pt_db_alive(db));
	assert_int_equal(pt_session_signal(db, 2147483000, NULL, PT_SIGNAL_CANCEL, &e),
	                 PT_ERR_NOT_FOUND);
	assert_int_equal(pt_session_signal(db, -1, NULL, PT_SIGNAL_CANCEL, &e), PT_ERR_NOT_FOUND);
	PQfinish(t);
	PQfinish(other);
}

/* A tenant role that looks like an admin (a superuser, a CREATEROLE
 * role) is never ours to list or signal: it may be another admin who
 * happens to own a schema. */
static void
test_admin_like_sessions_refused(void **state)
{
	static const char *const attrs[][2] = {
		{ "SUPERUSER", "NOSUPERUSER" },
		{ "CREATEROLE", "NOCREATEROLE" },
	};
	struct pt_credentials c;
	struct pt_session_list l;
	PGconn *t;
	pt_error e;

	(void)state;
	for (size_t i = 0; i < sizeof attrs / sizeof *attrs; i++) {
		create(db, "tenant_boss", &c);
		t = busy_session(&c, NULL);
		pgt_sql(admin, "ALTER ROLE boss_user %s", attrs[i][0]);
		assert_int_equal(pt_sessions_load(db, NULL, &l, &e), PT_OK);
		assert_null(find_pid(&l, backend_pid(t)));
		pt_session_list_free(&l);
		assert_int_equal(pt_session_signal(db, backend_pid(t), NULL, PT_SIGNAL_TERMINATE,
		                                   &e), PT_ERR_INVALID);
		assert_int_equal(pgt_count(t, "SELECT 1"), 1);
		/* and once it is plain again, it is a tenant's session */
		pgt_sql(admin, "ALTER ROLE boss_user %s", attrs[i][1]);
		assert_int_equal(pt_session_signal(db, backend_pid(t), NULL, PT_SIGNAL_CHECK, &e),
		                 PT_OK);
		PQfinish(t);
		assert_int_equal(pt_tenant_drop(db, "tenant_boss", &e), PT_OK);
		pt_credentials_free(&c);
	}
}

/* What the tenants list says of schema: -1 not listed, else bit 1 a
 * tenant, bit 2 locked. */
static int
list_flags(const char *schema)
{
	struct pt_schema_list l;
	pt_error e;
	int flags = -1;

	assert_int_equal(pt_schema_list_load(db, false, &l, &e), PT_OK);
	for (size_t i = 0; i < l.n; i++)
		if (!strcmp(l.rows[i].name, schema))
			flags = (l.rows[i].is_tenant ? 1 : 0) | (l.rows[i].locked ? 2 : 0);
	pt_schema_list_free(&l);
	return flags;
}

static void
test_lock_unlock(void **state)
{
	PGconn *t = busy_session(&globex, NULL);
	PGconn *t2;
	struct pt_session_list l;
	char why[512], *sql;
	int ended = -1;
	pt_error e;

	(void)state;
	sql = pt_tenant_lock_preview(db, "tenant_globex", true, &e);
	assert_non_null(sql);
	assert_non_null(strstr(sql, "ALTER ROLE \"globex_user\" NOLOGIN;"));
	assert_non_null(strstr(sql, "pg_terminate_backend"));
	free(sql);

	/* Lock without terminate: new logins fail, the open session stays
	 * and is still listed as the tenant's. */
	assert_int_equal(pt_tenant_lock(db, "tenant_globex", false, &ended, &e), PT_OK);
	assert_int_equal(ended, 0);
	assert_null(pgt_login(globex.connection_string, why, sizeof why));
	/* the tenants list marks it and still counts it as a tenant */
	assert_int_equal(list_flags("tenant_globex"), 1 | 2);
	assert_int_equal(list_flags("tenant_acme"), 1);
	assert_int_equal(list_flags("public"), 0);
	assert_non_null(strstr(why, "not permitted to log in"));
	assert_int_equal(pgt_count(t, "SELECT 1"), 1);
	assert_int_equal(pt_sessions_load(db, "tenant_globex", &l, &e), PT_OK);
	assert_int_equal(l.n, 1);
	pt_session_list_free(&l);

	/* Locking again with terminate ends the session; locked stays locked. */
	assert_int_equal(pt_tenant_lock(db, "tenant_globex", true, &ended, &e), PT_OK);
	assert_int_equal(ended, 1);
	assert_string_equal(pgt_state(t, "SELECT 1"), "?????");
	PQfinish(t);
	assert_null(pgt_login(globex.connection_string, why, sizeof why));

	assert_int_equal(pt_tenant_unlock(db, "tenant_globex", &e), PT_OK);
	assert_int_equal(list_flags("tenant_globex"), 1);
	t2 = pgt_login(globex.connection_string, why, sizeof why);
	assert_non_null(t2);
	PQfinish(t2);

	/* Not a tenant: nothing changes. */
	assert_int_equal(pt_tenant_lock(db, "public", true, NULL, &e), PT_ERR_INVALID);
	pgt_sql(admin, "CREATE ROLE app_owner LOGIN; CREATE SCHEMA app AUTHORIZATION app_owner;"
	               "ALTER ROLE app_owner SUPERUSER");
	assert_int_equal(pt_tenant_lock(db, "app", false, NULL, &e), PT_ERR_INVALID);
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_roles WHERE rolname = "
	                                  "'app_owner' AND rolcanlogin"), 1);
	pgt_sql(admin, "DROP SCHEMA app; DROP ROLE app_owner");
}

/* A locked tenant is recognised as pt_tenant_find does: by its
 * search_path in this database, or by membership of the tenants' group;
 * a NOLOGIN owner with neither is no tenant and its sessions are not ours. */
static void
test_locked_tenant_marks(void **state)
{
	struct pt_credentials c;
	struct pt_session_list l;
	char group[PT_NAME_MAX + 1];
	PGconn *t;
	pt_error e;

	(void)state;
	create(db, "tenant_mark", &c);
	t = busy_session(&c, NULL);
	pgt_sql(admin, "ALTER ROLE mark_user NOLOGIN");
	assert_int_equal(pt_session_signal(db, backend_pid(t), NULL, PT_SIGNAL_CHECK, &e), PT_OK);
	/* Without both marks (a tenant made before the tenants' group, whose
	 * search_path was reset): no tenant. */
	pt_tenant_group_name(getenv("PGDATABASE"), group, sizeof group);
	pgt_sql(admin, "ALTER ROLE mark_user IN DATABASE %s RESET search_path",
	        getenv("PGDATABASE"));
	assert_int_equal(pt_session_signal(db, backend_pid(t), NULL, PT_SIGNAL_CHECK, &e), PT_OK);
	pgt_sql(admin, "REVOKE %s FROM mark_user", group);
	assert_int_equal(pt_session_signal(db, backend_pid(t), NULL, PT_SIGNAL_CHECK, &e),
	                 PT_ERR_INVALID);
	assert_int_equal(pt_sessions_load(db, NULL, &l, &e), PT_OK);
	assert_null(find_pid(&l, backend_pid(t)));
	pt_session_list_free(&l);
	pgt_sql(admin, "GRANT %s TO mark_user", group);
	assert_int_equal(pt_session_signal(db, backend_pid(t), NULL, PT_SIGNAL_CHECK, &e), PT_OK);
	PQfinish(t);
	pgt_sql(admin, "ALTER ROLE mark_user LOGIN");
	assert_int_equal(pt_tenant_drop(db, "tenant_mark", &e), PT_OK);
	pt_credentials_free(&c);
}

static void
test_alter_settings(void **state)
{
	struct pt_setting_change ch[] = {
		{ "statement_timeout", "1s" },
		{ "work_mem", "8MB" },
	};
	struct pt_setting_change bad[] = {
		{ "lock_timeout", "3s" },
		{ "work_mem", "banana" },
	};
	struct pt_tenant_alter a;
	struct pt_tenant_settings s;
	PGconn *t;
	char why[512], *sql;
	pt_error e;

	(void)state;
	pt_tenant_alter_init(&a);
	a.changes = ch;
	a.n_changes = 2;
	a.connection_limit = 3;
	a.valid_until = "2100-01-01";
	sql = pt_tenant_alter_preview(db, "tenant_acme", &a, &e);
	assert_non_null(sql);
	assert_non_null(strstr(sql, "SET \"statement_timeout\" = '1s'"));
	free(sql);
	assert_int_equal(pt_tenant_alter(db, "tenant_acme", &a, &e), PT_OK);

	t = pgt_login(acme.connection_string, why, sizeof why);
	assert_non_null(t);
	assert_string_equal(pgt_state(t, "SELECT pg_catalog.pg_sleep(2)"), "57014");
	PQfinish(t);

	assert_int_equal(pt_tenant_settings_load(db, "tenant_acme", &s, &e), PT_OK);
	assert_string_equal(s.role, "acme_user");
	assert_false(s.locked);
	assert_int_equal(s.connection_limit, 3);
	assert_non_null(s.valid_until);
	assert_int_equal(strncmp(s.valid_until, "2100-01-01", 10), 0);
	assert_int_equal(s.n, 3);   /* search_path, statement_timeout, work_mem */
	assert_string_equal(s.rows[1].name, "statement_timeout");
	assert_string_equal(s.rows[1].value, "1s");
	assert_false(s.rows[1].all_databases);
	pt_tenant_settings_free(&s);

	/* One bad value fails the lot. */
	pt_tenant_alter_init(&a);
	a.changes = bad;
	a.n_changes = 2;
	a.connection_limit = 7;
	assert_int_not_equal(pt_tenant_alter(db, "tenant_acme", &a, &e), PT_OK);
	assert_int_equal(pgt_count(admin, "SELECT rolconnlimit FROM pg_roles WHERE rolname = "
	                                  "'acme_user'"), 3);
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_db_role_setting s, "
	                                  "unnest(s.setconfig) c WHERE c LIKE 'lock_timeout=%%'"), 0);

	/* Names refused before the server, or by its pg_settings. */
	{
		static const char *const refused[] = { "search_path", "role", "session_authorization",
			"default_tablespace", "temp_tablespaces", "Work_mem", "a;b", "x.y", "", "1abc" };
		static const char *const server_refused[] = { "log_statement", "shared_buffers",
			"no_such_setting" };
		struct pt_setting_change one;

		for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
			assert_int_equal(pt_setting_name_validate(refused[i], &e), PT_ERR_INVALID);
			one.name = refused[i];
			one.value = "1";
			pt_tenant_alter_init(&a);
			a.changes = &one;
			a.n_changes = 1;
			assert_null(pt_tenant_alter_preview(db, "tenant_acme", &a, &e));
		}
		for (size_t i = 0; i < sizeof server_refused / sizeof *server_refused; i++) {
			assert_int_equal(pt_setting_name_validate(server_refused[i], &e), PT_OK);
			one.name = server_refused[i];
			one.value = "1";
			pt_tenant_alter_init(&a);
			a.changes = &one;
			a.n_changes = 1;
			assert_int_equal(pt_tenant_alter(db, "tenant_acme", &a, &e), PT_ERR_INVALID);
		}
		one.name = "work_mem";
		one.value = "1\033[2J";
		pt_tenant_alter_init(&a);
		a.changes = &one;
		a.n_changes = 1;
		assert_int_equal(pt_tenant_alter_validate(&a, &e), PT_ERR_INVALID);
	}
	assert_int_equal(pgt_count(admin, "SELECT count(*) FROM pg_db_role_setting s, "
	                                  "unnest(s.setconfig) c WHERE s.setrole = "
	                                  "'acme_user'::regrole"), 3);

	/* Reset, and no limit. */
	{
		struct pt_setting_change r[] = { { "statement_timeout", NULL } };
		pt_tenant_alter_init(&a);
		a.changes = r;
		a.n_changes = 1;
		a.connection_limit = -1;
		a.valid_until = "infinity";
		assert_int_equal(pt_tenant_alter(db, "tenant_acme", &a, &e), PT_OK);
	}
	t = pgt_login(acme.connection_string, why, sizeof why);
	assert_non_null(t);
	assert_string_equal(pgt_state(t, "SELECT pg_catalog.pg_sleep(1.5)"), "00000");
	PQfinish(t);
	pt_tenant_alter_init(&a);
	assert_int_equal(pt_tenant_alter_validate(&a, &e), PT_ERR_INVALID);   /* nothing */
}

/* The "managed cloud" admin: CREATEROLE and CREATEDB, owns the database,
 * no superuser. */
static void
test_createrole_admin(void **state)
{
	struct pt_credentials c;
	struct pt_setting_change ch[] = { { "statement_timeout", "1s" } };
	struct pt_tenant_alter a;
	PGconn *t, *root;
	pt_db *cloud;
	char *target, why[512];
	int ended = 0;
	pt_error e;

	(void)state;
	pgt_sql(admin, "CREATE ROLE cloud LOGIN CREATEROLE CREATEDB PASSWORD 'Cloud pw 1'");
	pgt_sql(admin, "CREATE DATABASE clouddb OWNER cloud");
	pgt_sql(admin, "GRANT CONNECT ON DATABASE clouddb TO cloud WITH GRANT OPTION");
	if (asprintf(&target, "host='%s' port='%s' dbname=clouddb user=cloud "
	             "password='Cloud pw 1'", getenv("PGHOST"), getenv("PGPORT")) < 0)
		fail();
	cloud = core_connect(target);
	assert_false(pt_db_info(cloud)->superuser);
	create(cloud, "tenant_sky", &c);

	t = busy_session(&c, "SELECT pg_catalog.pg_sleep(60)");
	usleep(200000);
	assert_int_equal(pt_session_signal(cloud, backend_pid(t), NULL, PT_SIGNAL_CANCEL, &e), PT_OK);
	assert_string_equal(outcome(t), "57014");

	pt_tenant_alter_init(&a);
	a.changes = ch;
	a.n_changes = 1;
	if (pt_tenant_alter(cloud, "tenant_sky", &a, &e) != PT_OK)
		fail_msg("alter as cloud: %s", e.message);
	if (pt_tenant_lock(cloud, "tenant_sky", true, &ended, &e) != PT_OK)
		fail_msg("lock as cloud: %s", e.message);
	assert_int_equal(ended, 1);
	PQfinish(t);
	assert_null(pgt_login(c.connection_string, why, sizeof why));
	assert_int_equal(pt_tenant_unlock(cloud, "tenant_sky", &e), PT_OK);
	t = pgt_login(c.connection_string, why, sizeof why);
	assert_non_null(t);
	assert_string_equal(pgt_state(t, "SELECT pg_catalog.pg_sleep(2)"), "57014");

	/* The superuser's session is never the cloud admin's to signal. */
	root = pgt_admin("clouddb");
	assert_int_equal(pt_session_signal(cloud, PQbackendPID(root), NULL, PT_SIGNAL_TERMINATE,
	                                   &e), PT_ERR_INVALID);
	assert_int_equal(pgt_count(root, "SELECT 1"), 1);
	PQfinish(root);
	PQfinish(t);
	assert_int_equal(pt_tenant_drop(cloud, "tenant_sky", &e), PT_OK);
	pt_credentials_free(&c);
	pt_db_close(cloud);
	free(target);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sessions_and_counts),
		cmocka_unit_test(test_cancel_and_terminate),
		cmocka_unit_test(test_admin_like_sessions_refused),
		cmocka_unit_test(test_lock_unlock),
		cmocka_unit_test(test_locked_tenant_marks),
		cmocka_unit_test(test_alter_settings),
		cmocka_unit_test(test_createrole_admin),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
