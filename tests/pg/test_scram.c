/* pgtenant's SCRAM verifiers against a real server: it accepts a login
 * with the password whose verifier we made, at the iteration count it
 * asks for, and our verifier for the salt it picked is the one it made. */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "scram.h"
#include "secret.h"
#include "pgtest.h"

static PGconn *admin;

static int
setup(void **state)
{
	if (pt_core_init() != 0)
		return -1;
	admin = pgt_admin(NULL);
	return 0;
}

static int
teardown(void **state)
{
	PQfinish(admin);
	return 0;
}

/* Whether role can log in with password (SCRAM over the socket). */
static bool
logs_in(const char *role, const char *password)
{
	const char *keys[] = { "host", "port", "dbname", "user", "password", NULL };
	const char *vals[] = { getenv("PGHOST"), getenv("PGPORT"), getenv("PGDATABASE"),
	                       role, password, NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 0);
	bool ok = PQstatus(c) == CONNECTION_OK;

	PQfinish(c);
	return ok;
}

/* A login role whose password is given as our verifier, checked by logging in. */
static void
assert_login_with_our_verifier(const char *role, const char *password)
{
	pt_error err;
	char *v = pt_scram_verifier(admin, role, password, &err);
	char *lit;

	if (!v)
		fail_msg("no verifier: %s", err.message);
	assert_true(strncmp(v, "SCRAM-SHA-256$", 14) == 0);
	lit = PQescapeLiteral(admin, v, strlen(v));
	pgt_sql(admin, "DROP ROLE IF EXISTS %s", role);
	pgt_sql(admin, "CREATE ROLE %s LOGIN PASSWORD %s", role, lit);
	if (!logs_in(role, password))
		fail_msg("the server refused %s's password", role);
	/* the hba asks for the password: a wrong one fails */
	assert_false(logs_in(role, "not the password"));
	PQfreemem(lit);
	free(v);
}

static void
test_server_accepts_our_verifier(void **state)
{
	char *gen = pt_password_generate(), *long_pw = pt_secret_alloc(1001);

	memset(long_pw, 'q', 1000);
	assert_login_with_our_verifier("scram_gen", gen);
	assert_login_with_our_verifier("scram_one", "1");
	assert_login_with_our_verifier("scram_long", long_pw);
	assert_login_with_our_verifier("scram_punct", "'\"\\$:%;, =&?#@!`~^*()[]{}<>|/+-_.");
	/* not ASCII: libpq's SASLprep */
	assert_login_with_our_verifier("scram_utf8", "p\xc3\xa4ssw\xc3\xb6rd \xe2\x82\xac");
	pt_secret_free(gen);
	pt_secret_free(long_pw);
}

/* The verifier the server made of password (it hashed the plain text
 * itself), and ours with its salt and count: the same string. */
static void
assert_same_as_server(const char *password, int want_iterations)
{
	char *lit = PQescapeLiteral(admin, password, strlen(password));
	char *theirs, *b64, *ours;
	unsigned char salt[64];
	size_t saltlen;
	long iterations;

	pgt_sql(admin, "DROP ROLE IF EXISTS scram_server");
	pgt_sql(admin, "CREATE ROLE scram_server PASSWORD %s", lit);
	theirs = pgt_value(admin, "SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_server'");
	iterations = pgt_count(admin, "SELECT split_part(split_part(rolpassword, '$', 2), ':', 1) "
	                              "FROM pg_authid WHERE rolname = 'scram_server'");
	b64 = pgt_value(admin, "SELECT split_part(split_part(rolpassword, '$', 2), ':', 2) "
	                       "FROM pg_authid WHERE rolname = 'scram_server'");
	assert_non_null(theirs);
	assert_non_null(b64);
	assert_int_equal(iterations, want_iterations);
	assert_int_equal(sodium_base642bin(salt, sizeof salt, b64, strlen(b64), NULL, &saltlen,
	                                   NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	ours = pt_scram_verifier_salted(password, (int)iterations, salt, saltlen);
	assert_non_null(ours);
	assert_string_equal(ours, theirs);
	free(ours);
	free(theirs);
	free(b64);
	PQfreemem(lit);
}

static void
test_same_as_server_at_its_iterations(void **state)
{
	/* not "": the server stores no password for it */
	const char *pws[] = { "x", "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF", "!\"#%&'()*+,-./:;<=>?" };
	/* scram_iterations is from 16; the server reports it to the client */
	bool has_setting = PQserverVersion(admin) >= 160000;

	pgt_sql(admin, "SET password_encryption = 'scram-sha-256'");
	assert_int_equal(pt_scram_iterations(admin), PT_SCRAM_DEFAULT_ITERATIONS);
	for (size_t i = 0; i < sizeof pws / sizeof *pws; i++)
		assert_same_as_server(pws[i], PT_SCRAM_DEFAULT_ITERATIONS);
	if (!has_setting) {
		print_message("PostgreSQL %d has no scram_iterations: 4096 only\n",
		              PQserverVersion(admin) / 10000);
		return;
	}
	pgt_sql(admin, "SET scram_iterations = 10000");
	assert_int_equal(pt_scram_iterations(admin), 10000);
	for (size_t i = 0; i < sizeof pws / sizeof *pws; i++)
		assert_same_as_server(pws[i], 10000);
	/* what pgtenant sends follows the server: 10000, and it logs in */
	assert_login_with_our_verifier("scram_10k", "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF");
	assert_int_equal(pgt_count(admin, "SELECT split_part(split_part(rolpassword, '$', 2), "
	                                  "':', 1) FROM pg_authid WHERE rolname = 'scram_10k'"),
	                 10000);
	pgt_sql(admin, "RESET scram_iterations");
	assert_int_equal(pt_scram_iterations(admin), PT_SCRAM_DEFAULT_ITERATIONS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_accepts_our_verifier),
		cmocka_unit_test(test_same_as_server_at_its_iterations),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
