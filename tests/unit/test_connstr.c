/* Tenant connection strings, without a server: every format, parsed back
 * by the consumer that will read it (libpq's PQconninfoParse, a POSIX
 * shell), for passwords and user names no URL should have to carry. */
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
#include <libpq-fe.h>

#include "connstr.h"
#include "secret.h"

/* What a parsed string said; NULL = absent. */
struct parsed {
	char *user, *password, *host, *port, *dbname, *sslmode, *sslrootcert;
	char other[512];   /* any other keyword that was set, space-separated */
};

static void
parsed_free(struct parsed *p)
{
	free(p->user);
	free(p->password);
	free(p->host);
	free(p->port);
	free(p->dbname);
	free(p->sslmode);
	free(p->sslrootcert);
	memset(p, 0, sizeof *p);
}

static char *
dup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void
parse_libpq(const char *s, struct parsed *out)
{
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(s, &perr);

	memset(out, 0, sizeof *out);
	if (!opts)
		fail_msg("PQconninfoParse refused <%s>: %s", s, perr ? perr : "?");
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val)
			continue;
		if (!strcmp(o->keyword, "user")) out->user = dup0(o->val);
		else if (!strcmp(o->keyword, "password")) out->password = dup0(o->val);
		else if (!strcmp(o->keyword, "host")) out->host = dup0(o->val);
		else if (!strcmp(o->keyword, "port")) out->port = dup0(o->val);
		else if (!strcmp(o->keyword, "dbname")) out->dbname = dup0(o->val);
		else if (!strcmp(o->keyword, "sslmode")) out->sslmode = dup0(o->val);
		else if (!strcmp(o->keyword, "sslrootcert")) out->sslrootcert = dup0(o->val);
		else {
			strncat(out->other, o->keyword, sizeof out->other - strlen(out->other) - 2);
			strcat(out->other, " ");
		}
	}
	PQconninfoFree(opts);
}

/* The export lines, sourced by /bin/sh, give back the same values. */
static void
parse_env(const char *s, struct parsed *out)
{
	char path[] = "/tmp/pt-test-env-XXXXXX";
	char cmd[256], buf[8192];
	int fd = mkstemp(path);   /* 0600: it holds a password */
	size_t n, off = 0;
	char *field[7];
	FILE *f;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
	/* Unset values come back as "\1" so that absent differs from empty. */
	snprintf(cmd, sizeof cmd,
	         "env -i /bin/sh -c '. \"$0\" && for v in \"${PGUSER-\1}\" "
	         "\"${PGPASSWORD-\1}\" \"${PGHOST-\1}\" \"${PGPORT-\1}\" "
	         "\"${PGDATABASE-\1}\" \"${PGSSLMODE-\1}\" \"${PGSSLROOTCERT-\1}\"; "
	         "do printf \"%%s\\0\" \"$v\"; done' %s", path);
	f = popen(cmd, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	assert_int_equal(pclose(f), 0);
	unlink(path);
	buf[n] = '\0';
	for (int i = 0; i < 7; i++) {
		assert_true(off < n);
		field[i] = strcmp(buf + off, "\1") ? buf + off : NULL;
		off += strlen(buf + off) + 1;
	}
	memset(out, 0, sizeof *out);
	out->user = dup0(field[0]);
	out->password = dup0(field[1]);
	out->host = dup0(field[2]);
	out->port = dup0(field[3]);
	out->dbname = dup0(field[4]);
	out->sslmode = dup0(field[5]);
	out->sslrootcert = dup0(field[6]);
}

static void
assert_same(const char *what, const char *got, const char *want, const char *s)
{
	if ((got == NULL) != (want == NULL) || (got && strcmp(got, want)))
		fail_msg("%s: got <%s>, want <%s> in <%s>", what, got ? got : "(absent)",
		         want ? want : "(absent)", s);
}

/* Build f for ep/user/password, parse it back as its consumer would and
 * demand exactly what went in. JDBC has no unix sockets: it says
 * localhost. */
static void
round_trip(enum pt_connstr_format f, const struct pt_endpoint *ep,
           const char *user, const char *password)
{
	pt_error e;
	char *s = pt_connstr_build(f, ep, user, password, &e);
	struct parsed p;
	const char *host = ep->host;

	if (!s)
		fail_msg("%s for user <%s> password <%s>: %s", pt_connstr_format_name(f),
		         user, password ? password : "(none)", e.message);
	switch (f) {
	case PT_CONNSTR_URI:
		assert_memory_equal(s, "postgresql://", 13);
		parse_libpq(s, &p);
		break;
	case PT_CONNSTR_KEYVALUE:
		parse_libpq(s, &p);
		break;
	case PT_CONNSTR_JDBC:
		/* Without "jdbc:" it is a libpq URI with user and password as query
		 * parameters, which libpq decodes just as the JDBC driver does. */
		assert_memory_equal(s, "jdbc:postgresql://", 18);
		parse_libpq(s + 5, &p);
		if (ep->host[0] == '/')
			host = "localhost";
		break;
	case PT_CONNSTR_ENV:
		assert_memory_equal(s, "export ", 7);
		parse_env(s, &p);
		break;
	default:
		fail();
	}
	assert_same("user", p.user, user, s);
	assert_same("password", p.password, password, s);
	assert_same("host", p.host, host, s);
	assert_same("port", p.port, ep->port, s);
	assert_same("dbname", p.dbname, ep->dbname, s);
	assert_same("sslmode", p.sslmode, ep->sslmode, s);
	assert_same("sslrootcert", p.sslrootcert, ep->sslrootcert, s);
	if (p.other[0])
		fail_msg("unexpected keywords %s in <%s>", p.other, s);
	parsed_free(&p);
	pt_secret_free(s);
}

static void
round_trip_all(const struct pt_endpoint *ep, const char *user, const char *password)
{
	for (int f = 0; f < PT_CONNSTR_FORMAT_COUNT; f++)
		round_trip((enum pt_connstr_format)f, ep, user, password);
}

static struct pt_endpoint
endpoint(const char *host, const char *port, const char *dbname)
{
	struct pt_endpoint ep;

	memset(&ep, 0, sizeof ep);
	ep.host = (char *)host;
	ep.port = (char *)port;
	ep.dbname = (char *)dbname;
	return ep;
}

static int
setup(void **state)
{
	return pt_core_init() == 0 ? 0 : -1;
}

static void
test_percent_encode(void **state)
{
	char out[64];

	assert_int_equal(pt_percent_encode("AZaz09-._~", out, sizeof out), 10);
	assert_string_equal(out, "AZaz09-._~");
	assert_int_equal(pt_percent_encode("a b", out, sizeof out), 5);
	assert_string_equal(out, "a%20b");
	pt_percent_encode("@:/?#&%=+", out, sizeof out);
	assert_string_equal(out, "%40%3A%2F%3F%23%26%25%3D%2B");
	pt_percent_encode("\xc3\xa9", out, sizeof out);
	assert_string_equal(out, "%C3%A9");
	assert_int_equal(pt_percent_encode("", out, sizeof out), 0);
	assert_string_equal(out, "");
	/* snprintf rules: the full length comes back, the output is cut and
	 * terminated. */
	assert_int_equal(pt_percent_encode("a b c", out, 4), 9);
	assert_string_equal(out, "a%2");
	assert_int_equal(pt_percent_encode("a b c", NULL, 0), 9);
	memset(out, '#', sizeof out);
	assert_int_equal(pt_percent_encode("abc", out, 1), 3);
	assert_int_equal(out[0], '\0');
	assert_int_equal(out[1], '#');
}

static void
test_nasty_passwords(void **state)
{
	struct pt_endpoint ep = endpoint("db.example.com", "5432", "app");
	char all_printable[96];
	char one[2] = { 0, 0 };
	static const char *const nasty[] = {
		"@:/?#&%=",
		"p@ss w:rd/?#&%=",
		"  leading and trailing  ",
		"%41%", "%zz", "%", "%%",
		"a'b\"c\\d",
		"\\'",
		"user=evil host=evil",
		"?user=evil&host=evil",
		"#frag",
		"p\xc3\xa4ssw\xc3\xb6rd \xe2\x9c\x93 \xe5\xaf\x86\xe7\xa0\x81",
		"tab\there",
		"new\nline",
		"semi;colon$dollar`tick`$(x)",
	};

	for (int c = 0x20; c < 0x7f; c++)
		all_printable[c - 0x20] = (char)c;
	all_printable[0x7f - 0x20] = '\0';
	round_trip_all(&ep, "acme_user", all_printable);
	for (int c = 0x20; c < 0x7f; c++) {
		one[0] = (char)c;
		round_trip_all(&ep, "acme_user", one);
	}
	for (size_t i = 0; i < sizeof nasty / sizeof *nasty; i++)
		round_trip_all(&ep, "acme_user", nasty[i]);
}

/* Generated passwords take the same road. */
static void
test_generated_passwords(void **state)
{
	struct pt_endpoint ep = endpoint("10.0.0.5", "6432", "app");

	for (int i = 0; i < 50; i++) {
		char *pw = pt_password_generate();
		round_trip_all(&ep, "acme_user", pw);
		pt_secret_free(pw);
	}
}

static void
test_nasty_user_names(void **state)
{
	struct pt_endpoint ep = endpoint("db.example.com", "5432", "app");
	char all_printable[96];

	for (int c = 0x20; c < 0x7f; c++)
		all_printable[c - 0x20] = (char)c;
	all_printable[0x7f - 0x20] = '\0';
	round_trip_all(&ep, all_printable, "secret");
	round_trip_all(&ep, "Tenant Acme", "secret");
	round_trip_all(&ep, "us@r:name", "p@ss:word");
	round_trip_all(&ep, "\xc3\xbcser", "\xc3\xbc");
}

static void
test_no_password(void **state)
{
	struct pt_endpoint ep = endpoint("db.example.com", "5432", "app");
	pt_error e;
	char *s;

	round_trip_all(&ep, "acme_user", NULL);
	s = pt_connstr_build(PT_CONNSTR_URI, &ep, "acme_user", NULL, &e);
	assert_non_null(s);
	assert_string_equal(s, "postgresql://acme_user@db.example.com:5432/app");
	pt_secret_free(s);
}

static void
test_exact_uri(void **state)
{
	struct pt_endpoint ep = endpoint("db.example.com", "5432", "app");
	pt_error e;
	char *s = pt_connstr_build(PT_CONNSTR_URI, &ep, "acme_user", "p@ss w/rd", &e);

	assert_non_null(s);
	assert_string_equal(s, "postgresql://acme_user:p%40ss%20w%2Frd@db.example.com:5432/app");
	pt_secret_free(s);
}

static void
test_unix_socket_host(void **state)
{
	struct pt_endpoint ep = endpoint("/var/run/postgresql", "5432", "app");
	struct pt_endpoint spaced = endpoint("/tmp/dir with space/and@at", "5433", "my db");
	pt_error e;
	char *s;

	round_trip_all(&ep, "acme_user", "p@ss:word");
	round_trip_all(&spaced, "acme_user", "p@ss:word");
	s = pt_connstr_build(PT_CONNSTR_URI, &ep, "acme_user", "pw", &e);
	assert_non_null(s);
	assert_string_equal(s, "postgresql://acme_user:pw@%2Fvar%2Frun%2Fpostgresql:5432/app");
	pt_secret_free(s);
}

static void
test_ipv6_host(void **state)
{
	static const char *const hosts[] = { "::1", "2001:db8::17", "fe80::1%eth0" };
	pt_error e;
	char *s;

	for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++) {
		struct pt_endpoint ep = endpoint(hosts[i], "5432", "app");
		round_trip_all(&ep, "acme_user", "p@ss:w/rd");
	}
	{
		struct pt_endpoint ep = endpoint("::1", "5432", "app");
		s = pt_connstr_build(PT_CONNSTR_URI, &ep, "u", "p", &e);
		assert_non_null(s);
		assert_string_equal(s, "postgresql://u:p@[::1]:5432/app");
		pt_secret_free(s);
	}
}

static void
test_odd_database_names(void **state)
{
	static const char *const dbs[] = {
		"my db", "a/b", "a?b", "a#b", "a&b=c", "d\xc3\xa9j\xc3\xa0", "x'y\"z\\",
	};

	for (size_t i = 0; i < sizeof dbs / sizeof *dbs; i++) {
		struct pt_endpoint ep = endpoint("db.example.com", "5432", dbs[i]);
		round_trip_all(&ep, "acme_user", "pw");
	}
}

static void
test_tls_settings_carried(void **state)
{
	struct pt_endpoint ep = endpoint("db.example.com", "5432", "app");

	ep.sslmode = "verify-full";
	round_trip_all(&ep, "acme_user", "p&ss=w");
	ep.sslrootcert = "/etc/ssl/root ca&x=y.crt";
	round_trip_all(&ep, "acme_user", "p&ss=w");
	ep.sslmode = NULL;
	round_trip_all(&ep, "acme_user", "p&ss=w");
}

static void
test_format_names(void **state)
{
	static const char *const want[] = { "uri", "conninfo", "jdbc", "env" };
	struct pt_endpoint ep = endpoint("h", "1", "d");
	pt_error e;

	assert_int_equal(PT_CONNSTR_FORMAT_COUNT, 4);
	for (int f = 0; f < PT_CONNSTR_FORMAT_COUNT; f++) {
		assert_string_equal(pt_connstr_format_name((enum pt_connstr_format)f), want[f]);
		assert_true(pt_connstr_format_label((enum pt_connstr_format)f)[0] != '\0');
	}
	assert_string_equal(pt_connstr_format_name(PT_CONNSTR_FORMAT_COUNT), "?");
	assert_null(pt_connstr_build(PT_CONNSTR_FORMAT_COUNT, &ep, "u", "p", &e));
	assert_int_equal(e.status, PT_ERR_INVALID);
}

/* An admin connection full of parameters of its own: only where the
 * server is (and TLS) may reach the tenant's string. The connection is
 * only started, towards a port nothing listens on: no server needed. */
static void
test_admin_parameters_do_not_leak(void **state)
{
	static const char admin[] =
		"postgresql://admin_root:AdminSecret@127.0.0.1:1/appdb"
		"?application_name=adminapp&options=-c%20search_path%3Devil"
		"&sslmode=disable&connect_timeout=3&target_session_attrs=any"
		"&keepalives=0&passfile=/root/.adminpass&gssencmode=disable"
		"&krbsrvname=adminkrb";
	static const char *const leaks[] = {
		"admin_root", "AdminSecret", "application_name", "adminapp", "options",
		"evil", "connect_timeout", "target_session_attrs", "keepalives",
		"passfile", "gssencmode", "adminkrb",
	};
	PGconn *conn = PQconnectStart(admin);
	struct pt_endpoint ep;
	struct parsed p;
	pt_error e;
	char *s;

	assert_non_null(conn);
	pt_endpoint_from_conn(conn, NULL, &ep);
	assert_string_equal(ep.host, "127.0.0.1");
	assert_string_equal(ep.port, "1");
	assert_string_equal(ep.dbname, "appdb");
	assert_string_equal(ep.sslmode, "disable");
	assert_null(ep.sslrootcert);
	for (int f = 0; f < PT_CONNSTR_FORMAT_COUNT; f++) {
		s = pt_connstr_build((enum pt_connstr_format)f, &ep, "acme_user", "pw", &e);
		assert_non_null(s);
		for (size_t i = 0; i < sizeof leaks / sizeof *leaks; i++)
			if (strstr(s, leaks[i]))
				fail_msg("admin's \"%s\" leaked into <%s>", leaks[i], s);
		pt_secret_free(s);
	}
	s = pt_connstr_build(PT_CONNSTR_URI, &ep, "acme_user", "pw", &e);
	assert_string_equal(s, "postgresql://acme_user:pw@127.0.0.1:1/appdb?sslmode=disable");
	parse_libpq(s, &p);
	assert_string_equal(p.other, "");
	parsed_free(&p);
	pt_secret_free(s);
	pt_endpoint_free(&ep);

	/* The tunnel overrides replace host and port, nothing else. */
	{
		struct pt_connect_opts o = { .tenant_host = "tenants.example.com",
		                             .tenant_port = "6543" };
		pt_endpoint_from_conn(conn, &o, &ep);
	}
	assert_string_equal(ep.host, "tenants.example.com");
	assert_string_equal(ep.port, "6543");
	assert_string_equal(ep.dbname, "appdb");
	round_trip_all(&ep, "acme_user", "pw");
	pt_endpoint_free(&ep);
	pt_endpoint_free(&ep);   /* twice is harmless */
	PQfinish(conn);
}

/* libpq's default sslmode ("prefer") is not repeated. */
static void
test_default_sslmode_not_repeated(void **state)
{
	PGconn *conn = PQconnectStart("host=127.0.0.1 port=1 dbname=app user=admin");
	struct pt_endpoint ep;

	assert_non_null(conn);
	pt_endpoint_from_conn(conn, NULL, &ep);
	assert_null(ep.sslmode);
	assert_string_equal(ep.host, "127.0.0.1");
	pt_endpoint_free(&ep);
	PQfinish(conn);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percent_encode),
		cmocka_unit_test(test_nasty_passwords),
		cmocka_unit_test(test_generated_passwords),
		cmocka_unit_test(test_nasty_user_names),
		cmocka_unit_test(test_no_password),
		cmocka_unit_test(test_exact_uri),
		cmocka_unit_test(test_unix_socket_host),
		cmocka_unit_test(test_ipv6_host),
		cmocka_unit_test(test_odd_database_names),
		cmocka_unit_test(test_tls_settings_carried),
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_admin_parameters_do_not_leak),
		cmocka_unit_test(test_default_sslmode_not_repeated),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
