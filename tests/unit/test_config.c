/* The user configuration file parser: what it accepts, and that every bad
 * line is named by file and line number. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "userconf.h"

static enum pt_status
parse_text(struct pt_userconf *uc, const char *text, pt_error *err)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	enum pt_status st;

	assert_non_null(in);
	st = pt_userconf_parse(uc, in, "cfg", err);
	fclose(in);
	return st;
}

static void
every_key(void **state)
{
	struct pt_userconf uc;
	pt_error err;

	pt_userconf_init(&uc);
	assert_int_equal(parse_text(&uc,
		"# defaults for the jump host\n"
		"\n"
		"tenant_host = db.example.com\n"
		"  tenant_port=6432   # pgbouncer\n"
		"user_pattern = app_{tenant}\n"
		"color = off\n"
		"format = json\n"
		"tenant_sslrootcert = /etc/ssl/db-ca.pem\n"
		"string_format = jdbc\n", &err), PT_OK);
	assert_string_equal(uc.tenant_host, "db.example.com");
	assert_string_equal(uc.tenant_port, "6432");
	assert_string_equal(uc.user_pattern, "app_{tenant}");
	assert_int_equal(uc.color, 0);
	assert_true(uc.format_set);
	assert_int_equal(uc.format, PT_FORMAT_JSON);
	assert_string_equal(uc.tenant_sslrootcert, "/etc/ssl/db-ca.pem");
	assert_true(uc.string_format_set);
	assert_int_equal(uc.string_format, PT_CONNSTR_JDBC);
	pt_userconf_free(&uc);
}

static void
unset_keys_stay_unset(void **state)
{
	struct pt_userconf uc;
	pt_error err;

	pt_userconf_init(&uc);
	assert_int_equal(parse_text(&uc, "# nothing\n   \n\t\ncolor=on", &err), PT_OK);
	assert_null(uc.tenant_host);
	assert_null(uc.tenant_port);
	assert_null(uc.user_pattern);
	assert_false(uc.format_set);
	assert_null(uc.tenant_sslrootcert);
	assert_false(uc.string_format_set);
	assert_int_equal(uc.color, 1);   /* last line without a newline counts */
	pt_userconf_free(&uc);
}

static void
last_value_wins(void **state)
{
	struct pt_userconf uc;
	pt_error err;

	pt_userconf_init(&uc);
	assert_int_equal(parse_text(&uc, "tenant_port = 5432\ntenant_port = 6543\n", &err), PT_OK);
	assert_string_equal(uc.tenant_port, "6543");
	pt_userconf_free(&uc);
}

/* Each bad line is reported as "cfg:LINE: ..." naming what is wrong. */
static void
bad_lines(void **state)
{
	static const struct {
		const char *text;
		const char *where;
		const char *says;
	} cases[] = {
		{ "color = off\nthis is not a setting\n", "cfg:2: ", "key = value" },
		{ "# x\n\n\ncolour = off\n", "cfg:4: ", "unknown key \"colour\"" },
		{ "tenant_port = 0\n", "cfg:1: ", "1 to 65535" },
		{ "tenant_port = 65536\n", "cfg:1: ", "1 to 65535" },
		{ "tenant_port = 54x\n", "cfg:1: ", "\"54x\"" },
		{ "tenant_port = -1\n", "cfg:1: ", "\"-1\"" },
		{ "tenant_host = a b\n", "cfg:1: ", "tenant_host" },
		{ "user_pattern = {tenant}_{tenant}\n", "cfg:1: ", "{tenant}" },
		{ "user_pattern = Admin_{tenant}\n", "cfg:1: ", "Admin_{tenant}" },
		{ "user_pattern = app_user\n", "cfg:1: ", "{tenant}" },
		{ "color = maybe\n", "cfg:1: ", "on or off" },
		{ "format = xml\n", "cfg:1: ", "table, csv or json" },
		{ "format =\n", "cfg:1: ", "format has no value" },
		{ "string_format = keyvalue\n", "cfg:1: ", "uri, conninfo, jdbc or env" },
		{ "tenant_sslrootcert = my ca.pem\n", "cfg:1: ", "without spaces" },
		{ "tenant_sslrootcert = ca\x1b[2J.pem\n", "cfg:1: ", "control characters" },
		{ "= json\n", "cfg:1: ", "key is missing" },
		{ "lock_timeout = -1\n", "cfg:1: ", "0 (wait forever) to 86400" },
		{ "lock_timeout = 5s\n", "cfg:1: ", "\"5s\"" },
		{ "lock_timeout = inf\n", "cfg:1: ", "\"inf\"" },
		{ "lock_timeout = 0x10\n", "cfg:1: ", "\"0x10\"" },
		{ "lock_timeout = 86401\n", "cfg:1: ", "86400" },
		{ "connection_limit = -1\n", "cfg:1: ", "0 for none" },
		{ "connection_limit = 20x\n", "cfg:1: ", "\"20x\"" },
		{ "idle_xact = -1\n", "cfg:1: ", "0 to 86400" },
		{ "idle_xact = 1.5\n", "cfg:1: ", "\"1.5\"" },
		{ "idle_xact = 86401\n", "cfg:1: ", "86400" },
		{ "idle_xact = 60s\n", "cfg:1: ", "\"60s\"" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct pt_userconf uc;
		pt_error err;

		pt_userconf_init(&uc);
		assert_int_equal(parse_text(&uc, cases[i].text, &err), PT_ERR_USAGE);
		assert_int_equal(err.status, PT_ERR_USAGE);
		if (strncmp(err.message, cases[i].where, strlen(cases[i].where)) != 0
		    || !strstr(err.message, cases[i].says))
			fail_msg("case %zu: got \"%s\"", i, err.message);
		pt_userconf_free(&uc);
	}
}

/* lock_timeout in seconds becomes the milliseconds of pt_connect_opts
 * (-1 = forever); connection_limit 0 becomes -1 (none). */
static void
waits_and_limits(void **state)
{
	static const struct { const char *text; int ms; } t[] = {
		{ "lock_timeout = 5\n", 5000 }, { "lock_timeout = 0.25\n", 250 },
		{ "lock_timeout = 0\n", -1 }, { "lock_timeout = 0.0001\n", 1 },
	};
	struct pt_userconf uc;
	pt_error err;

	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		pt_userconf_init(&uc);
		assert_int_equal(parse_text(&uc, t[i].text, &err), PT_OK);
		assert_int_equal(uc.lock_timeout_ms, t[i].ms);
		pt_userconf_free(&uc);
	}
	pt_userconf_init(&uc);
	assert_false(uc.connection_limit_set);
	assert_int_equal(uc.lock_timeout_ms, 0);
	assert_int_equal(parse_text(&uc, "connection_limit = 0\n", &err), PT_OK);
	assert_true(uc.connection_limit_set);
	assert_int_equal(uc.connection_limit, -1);
	assert_int_equal(parse_text(&uc, "connection_limit = 50\n", &err), PT_OK);
	assert_int_equal(uc.connection_limit, 50);
	/* idle_xact: not set until said; 0 marks any idle transaction */
	assert_int_equal(uc.idle_xact_s, -1);
	assert_int_equal(parse_text(&uc, "idle_xact = 0\n", &err), PT_OK);
	assert_int_equal(uc.idle_xact_s, 0);
	assert_int_equal(parse_text(&uc, "idle_xact = 90\n", &err), PT_OK);
	assert_int_equal(uc.idle_xact_s, 90);
	pt_userconf_free(&uc);
}

static void
stops_at_first_bad_line(void **state)
{
	struct pt_userconf uc;
	pt_error err;

	pt_userconf_init(&uc);
	assert_int_equal(parse_text(&uc, "color = off\nformat = yaml\ntenant_port = 1\n", &err),
	                 PT_ERR_USAGE);
	assert_null(uc.tenant_port);
	pt_userconf_free(&uc);
}

static void
path_follows_xdg(void **state)
{
	char *p;

	setenv("HOME", "/home/dba", 1);
	setenv("XDG_CONFIG_HOME", "/etc/xdg-dba", 1);
	p = pt_userconf_path();
	assert_string_equal(p, "/etc/xdg-dba/pgtenant/config");
	free(p);
	/* A relative XDG_CONFIG_HOME is invalid by the spec: ignored. */
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	p = pt_userconf_path();
	assert_string_equal(p, "/home/dba/.config/pgtenant/config");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	p = pt_userconf_path();
	assert_string_equal(p, "/home/dba/.config/pgtenant/config");
	free(p);
	unsetenv("HOME");
	assert_null(pt_userconf_path());
}

static void
load_from_disk(void **state)
{
	char dir[] = "/tmp/pt-userconf.XXXXXX";
	char path[64];
	struct pt_userconf uc;
	pt_error err;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/config", dir);

	/* A missing file is the normal case: nothing set, no error. */
	pt_userconf_init(&uc);
	assert_int_equal(pt_userconf_load(&uc, path, &err), PT_OK);
	assert_null(uc.tenant_host);

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("tenant_host = replica.internal\n\ncolor = sometimes\n", f);
	fclose(f);
	assert_int_equal(pt_userconf_load(&uc, path, &err), PT_ERR_USAGE);
	assert_non_null(strstr(err.message, path));
	assert_non_null(strstr(err.message, ":3: "));
	pt_userconf_free(&uc);

	/* A directory where the file should be is an error, not silence. */
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(pt_userconf_load(&uc, path, &err), PT_ERR_USAGE);
	assert_non_null(strstr(err.message, path));
	rmdir(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_key),
		cmocka_unit_test(unset_keys_stay_unset),
		cmocka_unit_test(last_value_wins),
		cmocka_unit_test(bad_lines),
		cmocka_unit_test(waits_and_limits),
		cmocka_unit_test(stops_at_first_bad_line),
		cmocka_unit_test(path_follows_xdg),
		cmocka_unit_test(load_from_disk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
