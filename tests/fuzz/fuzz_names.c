/* libFuzzer harness: tenant name rules (pt_name_validate,
 * pt_user_pattern_valid, pt_default_username) against an independent
 * statement of the rules, including every suggestion a message makes. */
#include "config.h"

#include "fuzz.h"
#include "names.h"
#include "secret.h"

static int
is_reserved(const char *s, enum pt_name_kind kind)
{
	static const char *const roles[] = {
		"public", "none", "current_user", "session_user", "current_role", NULL
	};
	if (kind == PT_NAME_SCHEMA &&
	    (!strcmp(s, "public") || !strcmp(s, "information_schema")))
		return 1;
	for (const char *const *r = roles; *r; r++)
		if (!strcmp(s, *r))
			return 1;
	return 0;
}

/* ^[a-z_][a-z0-9_]{0,62}$, no pg_ or pgtenant_ prefix, not reserved */
static int
oracle_valid(const char *s, enum pt_name_kind kind)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
		if (!ok)
			return 0;
	}
	return strncmp(s, "pg_", 3) != 0 && strncmp(s, "pgtenant_", 9) != 0 &&
	       !is_reserved(s, kind);
}

static int
oracle_pattern(const char *p)
{
	const char *slot = strstr(p, "{tenant}");

	if (!slot || strstr(slot + 1, "{tenant}"))
		return 0;
	for (const char *q = p; *q; q++) {
		if (q == slot) {
			q += 7;
			continue;
		}
		if (!((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_'))
			return 0;
	}
	return 1;
}

static void
check_one(const char *name, enum pt_name_kind kind)
{
	pt_error err;
	enum pt_status st = pt_name_validate(name, kind, &err);
	const char *use;

	FUZZ_CHECK(st == PT_OK || st == PT_ERR_INVALID);
	FUZZ_CHECK((st == PT_OK) == oracle_valid(name, kind));
	FUZZ_CHECK(st == err.status);
	if (st == PT_OK) {
		FUZZ_CHECK(err.message[0] == '\0');
		return;
	}
	FUZZ_CHECK(err.message[0] != '\0');
	FUZZ_CHECK(strlen(err.message) < sizeof err.message);
	/* A message that says what to type instead must name a valid name. */
	use = strstr(err.message, ": use \"");
	if (use && !strchr(name, '"') && !strstr(name, ": use")) {
		char better[256];
		size_t n;
		use += strlen(": use \"");
		n = strlen(use);
		FUZZ_CHECK(n >= 1 && use[n - 1] == '"' && n - 1 < sizeof better);
		memcpy(better, use, n - 1);
		better[n - 1] = '\0';
		if (!oracle_valid(better, kind)) {
			fprintf(stderr, "suggestion \"%s\" for \"%s\" is not valid: %s\n",
			        better, name, err.message);
			FUZZ_CHECK(!"a suggested name must itself be valid");
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char *nl = strchr(s, '\n');
	const char *pattern = NULL, *schema = s;
	char user[PT_NAME_MAX + 1];
	pt_error err;

	check_one(s, PT_NAME_SCHEMA);
	check_one(s, PT_NAME_ROLE);
	(void)pt_name_validate(s, PT_NAME_ROLE, NULL);   /* err may be NULL */

	/* "pattern\nschema": the derived user name is valid whenever it is made */
	if (nl) {
		*nl = '\0';
		pattern = s;
		schema = nl + 1;
	}
	FUZZ_CHECK(pt_user_pattern_valid(pattern ? pattern : PT_DEFAULT_USER_PATTERN) ==
	           oracle_pattern(pattern ? pattern : PT_DEFAULT_USER_PATTERN));
	memset(user, 'X', sizeof user);
	if (pt_default_username(schema, pattern, user, sizeof user, &err) == PT_OK) {
		FUZZ_CHECK(memchr(user, '\0', sizeof user) != NULL);
		FUZZ_CHECK(oracle_valid(user, PT_NAME_ROLE));
	} else
		FUZZ_CHECK(err.status == PT_ERR_INVALID && err.message[0]);
	free(s);
	FUZZ_CHECK(pt_secret_live() == 0);
	return 0;
}
