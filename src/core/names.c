#include "config.h"

#include <stdio.h>
#include <string.h>

#include "names.h"

/* Role names PostgreSQL reserves or treats as keywords in GRANT/ALTER. */
static const char *const reserved_roles[] = {
	"public", "none", "current_user", "session_user", "current_role", NULL
};

static bool
is_lower(int c) { return c >= 'a' && c <= 'z'; }
static bool
is_digit(int c) { return c >= '0' && c <= '9'; }

static const char *
kind_word(enum pt_name_kind kind)
{
	return kind == PT_NAME_SCHEMA ? _("schema name") : _("user name");
}

/* The closest valid spelling, when a simple one exists: lowercase, other
 * characters become '_'. Returns false when there is no useful suggestion
 * (including one that is itself refused: "Public" must not suggest
 * "public"). */
static bool
suggest(const char *name, enum pt_name_kind kind, char *out, size_t outsz)
{
	size_t n = 0;

	for (const char *p = name; *p && n + 1 < outsz; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 'A' && c <= 'Z')
			out[n++] = (char)(c - 'A' + 'a');
		else if (is_lower(c) || is_digit(c) || c == '_')
			out[n++] = (char)c;
		else if (c < 0x80)
			out[n++] = '_';
		else
			return false;
	}
	out[n] = '\0';
	if (n == 0 || n > PT_NAME_MAX || is_digit(out[0]) || !strncmp(out, "pg_", 3) ||
	    !strncmp(out, PT_RESERVED_PREFIX, strlen(PT_RESERVED_PREFIX)))
		return false;
	return strcmp(out, name) != 0 && pt_name_validate(out, kind, NULL) == PT_OK;
}

static void
describe_char(unsigned char c, char *buf, size_t bufsz)
{
	if (c >= 0x21 && c < 0x7f)
		snprintf(buf, bufsz, "\"%c\"", c);
	else if (c == ' ')
		snprintf(buf, bufsz, "%s", _("a space"));
	else
		snprintf(buf, bufsz, "byte 0x%02x", c);
}

enum pt_status
pt_name_validate(const char *name, enum pt_name_kind kind, pt_error *err)
{
	const char *what = kind_word(kind);
	char better[PT_NAME_MAX + 2];
	char ch[32];
	size_t len;

	if (!name || !*name)
		return pt_error_set(err, PT_ERR_INVALID, _("the %s is empty"), what);
	len = strlen(name);
	if (len > PT_NAME_MAX)
		return pt_error_set(err, PT_ERR_INVALID,
			_("the %s is %zu bytes long; PostgreSQL keeps only the first %d "
			  "bytes and two long names could collide: use at most %d"),
			what, len, PT_NAME_MAX, PT_NAME_MAX);

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		bool ok = is_lower(c) || c == '_' || (i > 0 && is_digit(c));
		if (ok)
			continue;
		if (c >= 'A' && c <= 'Z' && suggest(name, kind, better, sizeof better))
			return pt_error_set(err, PT_ERR_INVALID,
				_("the %s \"%s\" has capital letters, which PostgreSQL "
				  "folds to lower case unless quoted everywhere: use \"%s\""),
				what, name, better);
		if (i == 0 && is_digit(c))
			return pt_error_set(err, PT_ERR_INVALID,
				_("the %s must start with a lowercase letter or \"_\", "
				  "not a digit"), what);
		describe_char(c, ch, sizeof ch);
		if (suggest(name, kind, better, sizeof better))
			return pt_error_set(err, PT_ERR_INVALID,
				_("the %s may hold only lowercase letters a-z, digits and "
				  "\"_\"; %s at position %zu is not allowed: use \"%s\""),
				what, ch, i + 1, better);
		return pt_error_set(err, PT_ERR_INVALID,
			_("the %s may hold only lowercase letters a-z, digits and "
			  "\"_\"; %s at position %zu is not allowed"),
			what, ch, i + 1);
	}

	if (!strncmp(name, "pg_", 3))
		return pt_error_set(err, PT_ERR_INVALID,
			_("the %s \"%s\" starts with \"pg_\", which PostgreSQL reserves "
			  "for its own schemas and roles"), what, name);
	/* harden adopts its groups by name: a tenant called like one would
	 * be made the public schema's group, or a member of another's. */
	if (!strncmp(name, PT_RESERVED_PREFIX, strlen(PT_RESERVED_PREFIX)))
		return pt_error_set(err, PT_ERR_INVALID,
			_("the %s \"%s\" starts with \"%s\", which pgtenant keeps for "
			  "the roles and schemas it makes itself"), what, name,
			PT_RESERVED_PREFIX);
	if (kind == PT_NAME_SCHEMA &&
	    (!strcmp(name, "public") || !strcmp(name, "information_schema")))
		return pt_error_set(err, PT_ERR_INVALID,
			_("\"%s\" is a schema every database shares; a tenant needs a "
			  "schema of its own"), name);
	for (const char *const *r = reserved_roles; *r; r++)
		if (!strcmp(name, *r))
			return pt_error_set(err, PT_ERR_INVALID,
				_("\"%s\" is a reserved role name in PostgreSQL"), name);
	pt_error_clear(err);
	return PT_OK;
}

bool
pt_user_pattern_valid(const char *pattern)
{
	const char *p = pattern ? strstr(pattern, "{tenant}") : NULL;

	if (!p || strstr(p + 1, "{tenant}"))
		return false;
	for (const char *q = pattern; *q; q++) {
		if (q == p) {
			q += strlen("{tenant}") - 1;
			continue;
		}
		if (!is_lower((unsigned char)*q) && !is_digit((unsigned char)*q) && *q != '_')
			return false;
	}
	return true;
}

enum pt_status
pt_default_username(const char *schema, const char *pattern, char *out,
                    size_t outsz, pt_error *err)
{
	const char *tenant = schema;
	const char *slot;
	char buf[256];
	int n;

	if (!pattern)
		pattern = PT_DEFAULT_USER_PATTERN;
	if (!pt_user_pattern_valid(pattern))
		return pt_error_set(err, PT_ERR_INVALID,
			_("the user name pattern \"%s\" must contain \"{tenant}\" once "
			  "and otherwise only a-z, 0-9 and \"_\""), pattern);
	if (!strncmp(tenant, "tenant_", 7) && tenant[7])
		tenant += 7;
	slot = strstr(pattern, "{tenant}");
	n = snprintf(buf, sizeof buf, "%.*s%s%s", (int)(slot - pattern), pattern,
	             tenant, slot + strlen("{tenant}"));
	if (n < 0 || (size_t)n >= sizeof buf || (size_t)n >= outsz)
		return pt_error_set(err, PT_ERR_INVALID,
			_("the user name derived from \"%s\" is too long: give one "
			  "with --user"), schema);
	if (pt_name_validate(buf, PT_NAME_ROLE, err) != PT_OK)
		return PT_ERR_INVALID;
	memcpy(out, buf, (size_t)n + 1);
	return PT_OK;
}
