/* Naming rules and derived user names, without a server. Every rule of
 * pt_name_validate is exercised from both sides (the last valid and the
 * first invalid case), and each refusal must name its own rule. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "names.h"

static const enum pt_name_kind kinds[] = { PT_NAME_SCHEMA, PT_NAME_ROLE };

static void
assert_valid(const char *name)
{
	for (size_t k = 0; k < 2; k++) {
		pt_error e;
		if (pt_name_validate(name, kinds[k], &e) != PT_OK)
			fail_msg("\"%s\" (kind %zu) refused: %s", name, k, e.message);
		assert_int_equal(e.status, PT_OK);
		assert_string_equal(e.message, "");
	}
}

/* Refused for both kinds with a message holding every word in want[]. */
static void
assert_refused(const char *name, const char *const *want)
{
	for (size_t k = 0; k < 2; k++) {
		pt_error e;
		assert_int_equal(pt_name_validate(name, kinds[k], &e), PT_ERR_INVALID);
		assert_int_equal(e.status, PT_ERR_INVALID);
		assert_true(e.message[0] != '\0');
		assert_null(strchr(e.message, '\n'));
		for (const char *const *w = want; w && *w; w++)
			if (!strstr(e.message, *w))
				fail_msg("message for \"%s\" lacks \"%s\": %s", name, *w, e.message);
	}
}

static void
test_valid_names(void **state)
{
	char longest[PT_NAME_MAX + 1];

	memset(longest, 'a', PT_NAME_MAX);
	longest[PT_NAME_MAX] = '\0';
	assert_valid("tenant_acme");
	assert_valid("a");
	assert_valid("_");
	assert_valid("_x9");
	assert_valid("a1_b2_c3");
	assert_valid("pg");          /* only "pg_" is reserved */
	assert_valid("pgx_a");
	assert_valid("publication");
	assert_valid("nonexistent");
	assert_valid(longest);
}

static void
test_empty_and_null(void **state)
{
	const char *const want[] = { "empty", NULL };
	pt_error e;

	assert_refused("", want);
	assert_int_equal(pt_name_validate(NULL, PT_NAME_SCHEMA, &e), PT_ERR_INVALID);
	/* A NULL error pointer is allowed. */
	assert_int_equal(pt_name_validate("Bad", PT_NAME_ROLE, NULL), PT_ERR_INVALID);
	assert_int_equal(pt_name_validate("good", PT_NAME_ROLE, NULL), PT_OK);
}

static void
test_length_63_vs_64(void **state)
{
	const char *const want[] = { "64", "63", NULL };
	char name[PT_NAME_MAX + 2];

	memset(name, 'x', sizeof name);
	name[63] = '\0';
	assert_valid(name);
	name[63] = 'x';
	name[64] = '\0';
	assert_int_equal(strlen(name), 64);
	assert_refused(name, want);
}

static void
test_length_counts_bytes(void **state)
{
	/* 32 two-byte characters: 64 bytes; refused for length or for the
	 * characters, but refused. */
	char name[80] = "";

	for (int i = 0; i < 32; i++)
		strcat(name, "\xc3\xa9");
	assert_int_equal(pt_name_validate(name, PT_NAME_SCHEMA, NULL), PT_ERR_INVALID);
}

static void
test_uppercase_suggests(void **state)
{
	const char *const acme[] = { "capital", "\"tenant_acme\"", NULL };
	const char *const spaced[] = { "\"tenant_acme\"", NULL };
	const char *const upper[] = { "\"acme\"", NULL };

	assert_refused("Tenant_Acme", acme);
	assert_refused("tenant_ACME", acme);
	assert_refused("Tenant Acme", spaced);
	assert_refused("ACME", upper);
}

static void
test_forbidden_characters(void **state)
{
	static const struct {
		const char *name;
		const char *shows;    /* how the message names the character */
		const char *position;
	} cases[] = {
		{ "a\"b", "\"\"\"", "position 2" },
		{ "a'b", "\"'\"", "position 2" },
		{ "acme;drop", "\";\"", "position 5" },
		{ "a b", "space", "position 2" },
		{ "a\nb", "0x0a", "position 2" },
		{ "a\rb", "0x0d", "position 2" },
		{ "a\tb", "0x09", "position 2" },
		{ "a-b", "\"-\"", "position 2" },
		{ "a.b", "\".\"", "position 2" },
		{ "a$b", "\"$\"", "position 2" },
		{ "x\"; DROP ROLE admin; --", "\"\"\"", "position 2" },
		{ "caf\xc3\xa9", "0xc3", "position 4" },
		{ "t\xe2\x80\x8b", "0xe2", "position 2" },   /* zero-width space */
		{ "a\x7f", "0x7f", "position 2" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *const want[] = { cases[i].shows, cases[i].position, NULL };
		assert_refused(cases[i].name, want);
	}
}

static void
test_leading_digit(void **state)
{
	const char *const want[] = { "digit", NULL };

	assert_refused("1abc", want);
	assert_refused("9", want);
	assert_valid("a9");
}

static void
test_pg_prefix(void **state)
{
	const char *const want[] = { "\"pg_\"", "reserves", NULL };

	assert_refused("pg_", want);
	assert_refused("pg_acme", want);
	assert_refused("pg_signal_backend", want);
}

/* harden adopts pgtenant_* groups by name: no tenant may be called so,
 * and no suggestion may lead there. */
static void
test_pgtenant_prefix(void **state)
{
	const char *const want[] = { "\"pgtenant_\"", "pgtenant keeps", NULL };
	pt_error e;

	(void)state;
	assert_refused("pgtenant_", want);
	assert_refused("pgtenant_public_users_app", want);
	assert_refused("pgtenant_tenants_app", want);
	assert_valid("pgtenant");
	assert_valid("pgtenantx_a");
	assert_int_equal(pt_name_validate("PGTENANT_X", PT_NAME_ROLE, &e), PT_ERR_INVALID);
	assert_null(strstr(e.message, "use \"pgtenant_x\""));
}

static void
test_reserved_words(void **state)
{
	const char *const pub[] = { "\"public\"", NULL };
	const char *const none[] = { "\"none\"", "reserved", NULL };
	const char *const cur[] = { "\"current_user\"", NULL };
	pt_error e;

	assert_refused("public", pub);
	assert_refused("none", none);
	assert_refused("current_user", cur);
	assert_refused("session_user", NULL);
	assert_refused("current_role", NULL);
	assert_int_equal(pt_name_validate("information_schema", PT_NAME_SCHEMA, &e),
	                 PT_ERR_INVALID);
	assert_non_null(strstr(e.message, "information_schema"));
}

/* One clear message per rule: no two rules may say the same thing. */
static void
test_messages_differ_per_rule(void **state)
{
	static const char *const one_per_rule[] = {
		"", "Tenant_Acme", "1abc", "a;b",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"pg_acme", "public", "none",
	};
	enum { N = sizeof one_per_rule / sizeof *one_per_rule };
	pt_error e[N];

	for (size_t i = 0; i < N; i++)
		assert_int_equal(pt_name_validate(one_per_rule[i], PT_NAME_ROLE, &e[i]),
		                 PT_ERR_INVALID);
	for (size_t i = 0; i < N; i++)
		for (size_t j = i + 1; j < N; j++)
			if (!strcmp(e[i].message, e[j].message))
				fail_msg("rules %zu and %zu share a message: %s", i, j, e[i].message);
}

static void
assert_username(const char *schema, const char *pattern, const char *want)
{
	char out[PT_NAME_MAX + 1];
	pt_error e;

	memset(out, '#', sizeof out);
	if (pt_default_username(schema, pattern, out, sizeof out, &e) != PT_OK)
		fail_msg("%s with %s: %s", schema, pattern ? pattern : "(default)", e.message);
	assert_string_equal(out, want);
	assert_int_equal(pt_name_validate(out, PT_NAME_ROLE, NULL), PT_OK);
}

static void
test_default_username(void **state)
{
	assert_string_equal(PT_DEFAULT_USER_PATTERN, "{tenant}_user");
	assert_username("tenant_acme", NULL, "acme_user");
	assert_username("acme", NULL, "acme_user");
	assert_username("tenant_acme", PT_DEFAULT_USER_PATTERN, "acme_user");
	/* Only one leading prefix goes, and only a leading one. */
	assert_username("tenant_tenant_x", NULL, "tenant_x_user");
	assert_username("my_tenant_acme", NULL, "my_tenant_acme_user");
	assert_username("tenantacme", NULL, "tenantacme_user");
	/* A bare prefix leaves nothing to strip to. */
	assert_username("tenant_", NULL, "tenant__user");
}

static void
test_username_patterns(void **state)
{
	assert_username("tenant_acme", "app_{tenant}", "app_acme");
	assert_username("tenant_acme", "{tenant}", "acme");
	assert_username("tenant_acme", "u_{tenant}_rw", "u_acme_rw");
	assert_username("acme", "{tenant}_1", "acme_1");

	assert_true(pt_user_pattern_valid("{tenant}_user"));
	assert_true(pt_user_pattern_valid("{tenant}"));
	assert_false(pt_user_pattern_valid(NULL));
	assert_false(pt_user_pattern_valid(""));
	assert_false(pt_user_pattern_valid("user"));
	assert_false(pt_user_pattern_valid("{tenant}{tenant}"));
	assert_false(pt_user_pattern_valid("{tenant}_{tenant}"));
	assert_false(pt_user_pattern_valid("Bad_{tenant}"));
	assert_false(pt_user_pattern_valid("x-{tenant}"));
	assert_false(pt_user_pattern_valid("{tenant} user"));
	assert_false(pt_user_pattern_valid("{tenant};drop"));
	assert_false(pt_user_pattern_valid("{Tenant}"));
}

static void
test_username_refusals(void **state)
{
	char out[PT_NAME_MAX + 1], big[512];
	char schema[PT_NAME_MAX + 1];
	pt_error e;

	memset(schema, 'a', PT_NAME_MAX);
	schema[PT_NAME_MAX] = '\0';
	/* 63 + "_user" does not fit in a role name. */
	assert_int_equal(pt_default_username(schema, NULL, out, sizeof out, &e),
	                 PT_ERR_INVALID);
	assert_non_null(strstr(e.message, "--user"));
	assert_int_equal(pt_default_username(schema, NULL, big, sizeof big, &e),
	                 PT_ERR_INVALID);
	/* Exactly 63 still fits. */
	schema[58] = '\0';
	assert_int_equal(pt_default_username(schema, NULL, out, sizeof out, &e), PT_OK);
	assert_int_equal(strlen(out), 63);
	/* A small buffer is refused, never overrun. */
	memset(out, '#', sizeof out);
	assert_int_equal(pt_default_username("tenant_acme", NULL, out, 5, &e),
	                 PT_ERR_INVALID);
	assert_int_equal(out[5], '#');
	/* Patterns that are invalid, or that yield an invalid name. */
	assert_int_equal(pt_default_username("acme", "user", out, sizeof out, &e),
	                 PT_ERR_INVALID);
	assert_non_null(strstr(e.message, "{tenant}"));
	assert_int_equal(pt_default_username("acme", "pg_{tenant}", out, sizeof out, &e),
	                 PT_ERR_INVALID);
	assert_non_null(strstr(e.message, "pg_"));
	assert_int_equal(pt_default_username("tenant_public", "{tenant}", out, sizeof out, &e),
	                 PT_ERR_INVALID);
	assert_int_equal(pt_default_username("tenant_none", "{tenant}", out, sizeof out, &e),
	                 PT_ERR_INVALID);
	assert_int_equal(pt_default_username("tenant_1x", "{tenant}", out, sizeof out, &e),
	                 PT_ERR_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_names),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_length_63_vs_64),
		cmocka_unit_test(test_length_counts_bytes),
		cmocka_unit_test(test_uppercase_suggests),
		cmocka_unit_test(test_forbidden_characters),
		cmocka_unit_test(test_leading_digit),
		cmocka_unit_test(test_pg_prefix),
		cmocka_unit_test(test_pgtenant_prefix),
		cmocka_unit_test(test_reserved_words),
		cmocka_unit_test(test_messages_differ_per_rule),
		cmocka_unit_test(test_default_username),
		cmocka_unit_test(test_username_patterns),
		cmocka_unit_test(test_username_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
