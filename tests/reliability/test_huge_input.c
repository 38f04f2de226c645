/* Inputs of 1 MiB, which no command line can carry (the kernel caps one
 * argument at 128 KiB) but a console field, a service file or a caller of
 * the core can: connection targets, names and passwords. Each is refused
 * or handled with a bounded one-line message, and nothing reaches the
 * server. Runs against the test server (tests/lib/run-test). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conn.h"
#include "connstr.h"
#include "names.h"
#include "secret.h"
#include "tenant.h"

#define MIB (1024 * 1024)

static int
setup(void **state)
{
	(void)state;
	return pt_core_init() == 0 ? 0 : -1;
}

/* prefix followed by fill up to 1 MiB, then suffix */
static char *
huge(const char *prefix, char fill, const char *suffix)
{
	size_t p = strlen(prefix), s = strlen(suffix);
	char *out = malloc(MIB + 1);

	assert_non_null(out);
	memcpy(out, prefix, p);
	memset(out + p, fill, MIB - p - s);
	memcpy(out + MIB - s, suffix, s + 1);
	return out;
}

static void
assert_refused(const char *target, const char *why)
{
	pt_error err;
	pt_db *db = pt_db_connect(target, NULL, &err);

	assert_null(db);
	assert_int_equal(err.status, PT_ERR_CONNECT);
	assert_non_null(strstr(err.message, why));
	assert_null(strchr(err.message, '\n'));
	assert_true(strlen(err.message) < sizeof err.message);
}

static void
test_huge_targets(void **state)
{
	char *s;

	(void)state;
	s = huge("postgresql://pgtadmin@localhost/postgres?application_name=", '%', "");
	assert_refused(s, "percent-encoded");
	free(s);
	/* a socket that does not exist: no name lookup leaves the machine */
	s = huge("postgresql://%2Fnonexistent%2Fdir/", 'x', "");
	assert_refused(s, "No such file");
	free(s);
	s = huge("host=/", 'h', "");
	assert_refused(s, "socket path");
	free(s);
	s = huge("garbage ", '=', "");
	assert_refused(s, "parse");
	free(s);
	s = huge("host='", 'q', "");
	assert_refused(s, "unterminated");
	free(s);
}

/* A valid 1 MiB option value reaches libpq's startup packet, which the
 * server refuses: still one bounded message, no crash. */
static void
test_huge_startup_packet(void **state)
{
	const char *host = getenv("PGHOST"), *port = getenv("PGPORT");
	char *prefix, *s;
	pt_error err;
	pt_db *db;

	(void)state;
	prefix = pt_xasprintf("host=%s port=%s user=pgtadmin dbname=postgres options=-capplication_name=",
	                      host ? host : "/tmp", port ? port : "5432");
	s = huge(prefix, 'a', "");
	db = pt_db_connect(s, NULL, &err);
	assert_null(db);
	assert_int_equal(err.status, PT_ERR_CONNECT);
	assert_null(strchr(err.message, '\n'));
	free(prefix);
	free(s);
}

static void
test_huge_names(void **state)
{
	char *s = huge("tenant_", 'a', "");
	struct pt_tenant_config cfg;
	pt_error err;
	char user[PT_NAME_MAX + 1];

	(void)state;
	assert_int_equal(pt_name_validate(s, PT_NAME_SCHEMA, &err), PT_ERR_INVALID);
	assert_non_null(strstr(err.message, "1048576 bytes"));
	assert_int_equal(pt_default_username(s, NULL, user, sizeof user, &err), PT_ERR_INVALID);
	pt_tenant_config_init(&cfg);
	cfg.schema_name = "tenant_ok";
	cfg.username = s;
	assert_int_equal(pt_tenant_validate(&cfg, &err), PT_ERR_INVALID);
	cfg.username = NULL;
	cfg.user_pattern = s;
	assert_int_equal(pt_tenant_validate(&cfg, &err), PT_ERR_INVALID);
	assert_true(strlen(err.message) < sizeof err.message);
	free(s);
}

/* A 1 MiB password is percent-encoded into a 3 MiB connection string that
 * still parses back exactly. */
static void
test_huge_password(void **state)
{
	struct pt_endpoint ep = { .host = "/tmp/sock dir", .port = "5432", .dbname = "app" };
	char *pw = huge("", '%', "");
	pt_error err;
	char *s;

	(void)state;
	s = pt_connstr_build(PT_CONNSTR_URI, &ep, "acme_user", pw, &err);
	assert_non_null(s);
	assert_true(strlen(s) > 3 * (size_t)MIB);
	pt_secret_free(s);
	s = pt_connstr_build(PT_CONNSTR_KEYVALUE, &ep, "acme_user", pw, &err);
	assert_non_null(s);
	pt_secret_free(s);
	free(pw);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_huge_targets),
		cmocka_unit_test(test_huge_startup_packet),
		cmocka_unit_test(test_huge_names),
		cmocka_unit_test(test_huge_password),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
