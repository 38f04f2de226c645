/* SCRAM verifiers without a server: bit for bit what libpq makes for the
 * same salt, and what PostgreSQL 16 made at other iteration counts. */
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
#include <libpq-fe.h>
#include <sodium.h>

#include "scram.h"
#include "secret.h"

static int
setup(void **state)
{
	/* PQencryptPasswordConn wants a connection only to read settings
	 * from; one that never starts (an unknown option) is enough. */
	PGconn *c = PQconnectStart("pgtenant_no_such_option=1");

	if (pt_core_init() != 0 || !c)
		return -1;
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	PQfinish(*state);
	return 0;
}

/* The iterations and salt of a verifier; false when it is not one. */
static bool
parse(const char *v, int *iterations, unsigned char *salt, size_t saltsz, size_t *saltlen)
{
	const char *p = strchr(v, '$'), *colon, *dollar;
	char b64[64];

	if (!p || strncmp(v, "SCRAM-SHA-256$", 14) != 0)
		return false;
	*iterations = atoi(p + 1);
	colon = strchr(p, ':');
	dollar = colon ? strchr(colon, '$') : NULL;
	if (!dollar || (size_t)(dollar - colon - 1) >= sizeof b64)
		return false;
	memcpy(b64, colon + 1, (size_t)(dollar - colon - 1));
	b64[dollar - colon - 1] = '\0';
	return sodium_base642bin(salt, saltsz, b64, strlen(b64), NULL, saltlen, NULL,
	                         sodium_base64_VARIANT_ORIGINAL) == 0;
}

/* libpq's verifier of pw, then ours with its salt: the same string. */
static void
assert_same_as_libpq(PGconn *c, const char *pw)
{
	char *theirs = PQencryptPasswordConn(c, pw, "tenant_user", "scram-sha-256");
	unsigned char salt[64];
	size_t saltlen;
	int iterations;
	char *ours;

	assert_non_null(theirs);
	assert_true(parse(theirs, &iterations, salt, sizeof salt, &saltlen));
	assert_int_equal(saltlen, PT_SCRAM_SALT_LEN);
	ours = pt_scram_verifier_salted(pw, iterations, salt, saltlen);
	assert_non_null(ours);
	assert_string_equal(ours, theirs);
	free(ours);
	PQfreemem(theirs);
}

static void
test_same_as_libpq(void **state)
{
	PGconn *c = *state;
	char *long_pw = pt_secret_alloc(1001), punct[128], ctrl[40];
	size_t n = 0;

	memset(long_pw, 'x', 1000);
	for (int i = 0; i < 1000; i += 7)
		long_pw[i] = pt_password_alphabet[i % 62];
	for (int ch = 0x20; ch < 0x7f; ch++)
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
			punct[n++] = (char)ch;
	punct[n] = '\0';
	/* ASCII control characters need no SASLprep either. */
	for (n = 0; n < 31; n++)
		ctrl[n] = (char)(n + 1);
	ctrl[n++] = 0x7f;
	ctrl[n] = '\0';
	/* Each twice: two random salts. */
	for (int round = 0; round < 2; round++) {
		const char *fixed[] = {
			"", "a", "0", " ", "x'y\"z\\", "Tr0ub4dor&3", "pass word", punct, ctrl, long_pw,
		};

		for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
			assert_same_as_libpq(c, fixed[i]);
		for (int i = 0; i < 20; i++) {
			char *pw = pt_password_generate();

			assert_same_as_libpq(c, pw);
			pt_secret_free(pw);
		}
	}
	pt_secret_free(long_pw);
}

/* Verifiers PostgreSQL 16.14 made with SET scram_iterations (ALTER ROLE
 * ... PASSWORD 'plain', then pg_authid.rolpassword): libpq 15 makes 4096
 * only, and the server's own code is the reference for the rest. */
static const struct {
	const char *password;
	const char *verifier;
} server_made[] = {
	{ "Tr0ub4dor&3", "SCRAM-SHA-256$10000:d+ei07iemyZjNcf5RlTzdw==$"
	  "4hLUy7RxYVm+LUvWFLdsn0QwJlVNrOZl29tNT1dR1xE=:NWLv6RBJd3cMyyMPkQLXh1cO9xarRHJqwyOCAAsFHBc=" },
	{ "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF", "SCRAM-SHA-256$10000:3DgL7H87soOD1kMMadlcnQ==$"
	  "tH+jrNeUtASaFyt89MjQRa6BNH0FeSRAamrxdCBuxfQ=:CoCwYa8kkCebCI8qwMyxu2fOuWPDKXzhsTG697XKzmE=" },
	{ "x", "SCRAM-SHA-256$1:GJ0Mdt7c3MXZqbtzSD1r3g==$"
	  "F0DH1qPuH96XJ39a4CHuLd0+2/osf8rg6zNXH3U748A=:UnpwCcLQz7axYQ58+MrtuwSZKs5OwhuWQnGw2oG0lrA=" },
	{ "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~", "SCRAM-SHA-256$4097:G9JWPE9jonB7LYVLdN66EA==$"
	  "unNhY3EuM70AQWRolVCor7D0fXTyc8C/GAy4vYsUjgk=:MwbxN8sbP7DZ3jZ6aDaoviWf9CDAW5LqNLJhgcw2ZFk=" },
	{ "pass word", "SCRAM-SHA-256$4096:eyKURNRbllfZD6KTGJW38g==$"
	  "Nc0lGTl9faV62UkarEQ8lJuZzrGXMK8Cfmvn320VUik=:Fd4w3Q9LlMTnxEAD0d4vIgcpurJJ8/vKbOMZEA2nB5M=" },
};

static void
test_same_as_server(void **state)
{
	int seen_other = 0;

	for (size_t i = 0; i < sizeof server_made / sizeof *server_made; i++) {
		unsigned char salt[64];
		size_t saltlen;
		int iterations;
		char *ours;

		assert_true(parse(server_made[i].verifier, &iterations, salt, sizeof salt, &saltlen));
		seen_other += iterations != PT_SCRAM_DEFAULT_ITERATIONS;
		ours = pt_scram_verifier_salted(server_made[i].password, iterations, salt, saltlen);
		assert_non_null(ours);
		assert_string_equal(ours, server_made[i].verifier);
		free(ours);
	}
	assert_true(seen_other >= 2);
}

/* A verifier that differs in a single bit of its password or salt, or
 * in its count, differs: the comparison above can fail. */
static void
test_inputs_matter(void **state)
{
	unsigned char salt[PT_SCRAM_SALT_LEN] = { 0 };
	char *a = pt_scram_verifier_salted("secret", 4096, salt, sizeof salt);
	char *b = pt_scram_verifier_salted("secreu", 4096, salt, sizeof salt);
	char *c = pt_scram_verifier_salted("secret", 4097, salt, sizeof salt);
	char *d;

	salt[15] = 1;
	d = pt_scram_verifier_salted("secret", 4096, salt, sizeof salt);
	assert_string_not_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
	assert_true(strncmp(c, "SCRAM-SHA-256$4097:", 19) == 0);
	free(a);
	free(b);
	free(c);
	free(d);
}

static void
test_fresh_salt_and_iterations(void **state)
{
	PGconn *c = *state;
	pt_error err;
	char *a = pt_scram_verifier(c, "u", "same password", &err);
	char *b = pt_scram_verifier(c, "u", "same password", &err);
	unsigned char salt[64];
	size_t saltlen;
	int iterations;

	assert_non_null(a);
	assert_non_null(b);
	assert_string_not_equal(a, b);
	assert_true(parse(a, &iterations, salt, sizeof salt, &saltlen));
	/* a server that reports no scram_iterations (before 16) or none yet */
	assert_int_equal(pt_scram_iterations(c), PT_SCRAM_DEFAULT_ITERATIONS);
	assert_int_equal(pt_scram_iterations(NULL), PT_SCRAM_DEFAULT_ITERATIONS);
	assert_int_equal(iterations, PT_SCRAM_DEFAULT_ITERATIONS);
	assert_int_equal(saltlen, PT_SCRAM_SALT_LEN);
	free(a);
	free(b);
}

/* A password that is not ASCII needs SASLprep: libpq's verifier. A soft
 * hyphen (U+00AD) maps to nothing, so "I\u00adX" must verify as "IX". */
static void
test_not_ascii_goes_through_saslprep(void **state)
{
	PGconn *c = *state;
	unsigned char salt[64];
	size_t saltlen;
	int iterations;
	pt_error err;
	char *v, *ix;

	assert_null(pt_scram_verifier_salted("I\xc2\xadX", 4096, (const unsigned char *)"0123456789abcdef", 16));
	v = pt_scram_verifier(c, "u", "I\xc2\xadX", &err);
	assert_non_null(v);
	assert_true(parse(v, &iterations, salt, sizeof salt, &saltlen));
	ix = pt_scram_verifier_salted("IX", iterations, salt, saltlen);
	assert_string_equal(v, ix);
	free(v);
	free(ix);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_libpq),
		cmocka_unit_test(test_same_as_server),
		cmocka_unit_test(test_inputs_matter),
		cmocka_unit_test(test_fresh_salt_and_iterations),
		cmocka_unit_test(test_not_ascii_goes_through_saslprep),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
