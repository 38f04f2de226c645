/* The console's test login (`t` on the credentials screen) logs in as the
 * tenant: it runs with the tenant's own role settings. A hostile tenant
 * puts a schema of its own before pg_catalog in its search_path, shadows
 * current_setting() there with a function that raises NOTICE, WARNING and
 * a screen clear, sets a search_path full of escapes, and makes every
 * statement of its sessions sleep. The test login must run none of its
 * code, write nothing to the terminal (stderr here), show its text only
 * made visible, and come back in bounded time. */
#include "config.h"

#include <fcntl.h>
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

#include "conn.h"
#include "error.h"
#include "secret.h"
#include "tenant.h"
#include "tests/pg/pgtest.h"

static struct pt_credentials creds;

/* Run the test login with stderr sent to a file; return what it wrote. */
static char *
test_login_stderr(char **got, pt_error *err, double *seconds)
{
	char path[] = "/tmp/pt-login-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	static char buf[8192];
	double t0;
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, 2);
	t0 = pt_now();
	*got = pt_tenant_test_login(&creds, err);
	*seconds = pt_now() - t0;
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return buf;
}

/* The tenant's own connection, over its printed connection string. */
static PGconn *
as_tenant(void)
{
	char why[256];
	PGconn *t = pgt_login(creds.connection_string, why, sizeof why);

	if (!t)
		fail_msg("tenant login: %s", why);
	return t;
}

static void
shadowed_functions_and_notices(void **state)
{
	PGconn *t = as_tenant();
	const char *err_text;
	pt_error err;
	double secs;
	char *got;

	(void)state;
	pgt_sql(t,
	        "CREATE FUNCTION hostile_login.current_setting(text) RETURNS text "
	        "LANGUAGE plpgsql AS $$ BEGIN "
	        "RAISE NOTICE E'\\x1b]2;pwned\\x07\\x1b[2J'; "
	        "RAISE WARNING E'\\x1b]52;c;ZWNobyBwd25lZA==\\x07'; "
	        "RETURN 'shadowed'; END $$");
	/* Its own settings: its schema first, a name with escapes. */
	/* In this database: pgtenant set one there, which outranks the
	 * role-wide setting. */
	pgt_sql(t, "ALTER ROLE CURRENT_USER IN DATABASE \"%s\" SET search_path = "
	           "hostile_login, E'\\x1b[2J\\x1b]0;x\\x07', pg_catalog",
	        getenv("PGDATABASE"));
	PQfinish(t);

	err_text = test_login_stderr(&got, &err, &secs);
	if (!got)
		fail_msg("test login failed: %s", err.message);
	if (*err_text)
		fail_msg("the test login wrote to stderr: %s", err_text);
	assert_null(strstr(got, "shadowed"));
	assert_null(strchr(got, '\x1b'));
	assert_null(strchr(got, '\x07'));
	/* The tenant's text is there, made visible. */
	if (!strstr(got, "hostile_login") || !strstr(got, "\\x1b[2J"))
		fail_msg("test login said: %s", got);
	free(got);
}

/* Every statement of the tenant's sessions sleeps first (a role setting
 * it may make on itself): the test login's statement_timeout, which
 * startup options set and role settings cannot lift, bounds it. */
static void
bounded_against_a_slow_tenant(void **state)
{
	PGconn *t = as_tenant();
	pt_error err;
	double secs;
	char *got;

	(void)state;
	pgt_sql(t, "ALTER ROLE CURRENT_USER IN DATABASE \"%s\" SET statement_timeout = 0",
	        getenv("PGDATABASE"));
	pgt_sql(t, "CREATE OR REPLACE FUNCTION hostile_login.current_setting(text) "
	           "RETURNS text LANGUAGE sql AS $$ SELECT pg_catalog.pg_sleep(600)::text $$");
	PQfinish(t);
	(void)test_login_stderr(&got, &err, &secs);
	/* Nothing of the tenant's runs: an answer, at once (generous bound
	 * for a busy machine; the statement timeout would fail it). */
	if (!got)
		fail_msg("test login failed: %s", err.message);
	free(got);
	assert_true(secs < 30);
}

static int
setup(void **state)
{
	struct pt_tenant_config cfg;
	struct pt_connect_opts opts = { 0 };
	pt_error err;
	pt_db *db;

	(void)state;
	db = pt_db_connect(NULL, &opts, &err);
	if (!db) {
		fprintf(stderr, "connect: %s\n", err.message);
		return -1;
	}
	pt_tenant_config_init(&cfg);
	cfg.schema_name = "hostile_login";
	if (pt_tenant_create(db, &cfg, &creds, &err) != PT_OK) {
		fprintf(stderr, "create: %s\n", err.message);
		pt_db_close(db);
		return -1;
	}
	pt_db_close(db);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pt_credentials_free(&creds);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shadowed_functions_and_notices),
		cmocka_unit_test(bounded_against_a_slow_tenant),
	};

	if (pt_core_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
