#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "userconf.h"

void
pt_userconf_init(struct pt_userconf *uc)
{
	memset(uc, 0, sizeof *uc);
	uc->color = -1;
	uc->format = PT_FORMAT_TABLE;
	uc->idle_xact_s = -1;
}

void
pt_userconf_free(struct pt_userconf *uc)
{
	free(uc->tenant_host);
	free(uc->tenant_port);
	free(uc->tenant_sslrootcert);
	free(uc->user_pattern);
	pt_userconf_init(uc);
}

char *
pt_userconf_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	/* The XDG base directory spec says to ignore a relative path. */
	if (xdg && xdg[0] == '/')
		return pt_xasprintf("%s/pgtenant/config", xdg);
	if (home && home[0])
		return pt_xasprintf("%s/.config/pgtenant/config", home);
	return NULL;
}

bool
pt_lock_timeout_parse(const char *s, int *ms)
{
	char *end;
	double v;

	/* strtod takes "inf", "nan" and hex: a plain decimal only. */
	if (!isdigit((unsigned char)s[0]) || strspn(s, "0123456789.") != strlen(s))
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (*end || errno || v < 0 || v > 86400)
		return false;
	*ms = v == 0 ? -1 : (int)(v * 1000 + 0.5);
	if (*ms == 0)
		*ms = 1;
	return true;
}

bool
pt_idle_xact_parse(const char *s, int *secs)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno || v > 86400)
		return false;
	*secs = (int)v;
	return true;
}

static void
replace(char **slot, const char *value)
{
	free(*slot);
	*slot = pt_xstrdup(value);
}

/* Values are single words, so "#" can never be part of one: everything
 * from it on is a comment, also after a value. */
static enum pt_status
apply(struct pt_userconf *uc, const char *key, const char *value,
      const char *name, unsigned lineno, pt_error *err)
{
	if (!strcmp(key, "tenant_host")) {
		for (const char *p = value; *p; p++)
			if (isspace((unsigned char)*p))
				return pt_error_set(err, PT_ERR_USAGE,
					_("%s:%u: tenant_host \"%s\" must be one host name or address"),
					name, lineno, value);
		replace(&uc->tenant_host, value);
	} else if (!strcmp(key, "tenant_port")) {
		char *end;
		long port;

		errno = 0;
		port = strtol(value, &end, 10);
		if (!isdigit((unsigned char)value[0]) || *end || errno || port < 1 || port > 65535)
			return pt_error_set(err, PT_ERR_USAGE,
				_("%s:%u: tenant_port \"%s\" must be a port number from 1 to 65535"),
				name, lineno, value);
		replace(&uc->tenant_port, value);
	} else if (!strcmp(key, "tenant_sslrootcert")) {
		/* one word like every value here; the value is not echoed:
		 * its control characters would reach the terminal */
		for (const char *p = value; *p; p++)
			if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
				return pt_error_set(err, PT_ERR_USAGE,
					_("%s:%u: tenant_sslrootcert must be one path without "
					  "spaces or control characters"), name, lineno);
		replace(&uc->tenant_sslrootcert, value);
	} else if (!strcmp(key, "string_format")) {
		if (!pt_connstr_format_parse(value, &uc->string_format))
			return pt_error_set(err, PT_ERR_USAGE,
				_("%s:%u: string_format \"%s\" must be uri, conninfo, jdbc or env"),
				name, lineno, value);
		uc->string_format_set = true;
	} else if (!strcmp(key, "user_pattern")) {
		if (!pt_user_pattern_valid(value))
			return pt_error_set(err, PT_ERR_USAGE,
				_("%s:%u: user_pattern \"%s\" must contain \"{tenant}\" once and "
				  "otherwise only a-z, 0-9 and \"_\""), name, lineno, value);
		replace(&uc->user_pattern, value);
	} else if (!strcmp(key, "color")) {
		if (!strcmp(value, "on") || !strcmp(value, "yes") || !strcmp(value, "true"))
			uc->color = 1;
		else if (!strcmp(value, "off") || !strcmp(value, "no") || !strcmp(value, "false"))
			uc->color = 0;
		else
			return pt_error_set(err, PT_ERR_USAGE,
				_("%s:%u: color \"%s\" must be on or off"), name, lineno, value);
	} else if (!strcmp(key, "format")) {
		if (!pt_format_parse(value, &uc->format))
			return pt_error_set(err, PT_ERR_USAGE,
				_("%s:%u: format \"%s\" must be table, csv or json"),
				name, lineno, value);
		uc->format_set = true;
	} else if (!strcmp(key, "lock_timeout")) {
		if (!pt_lock_timeout_parse(value, &uc->lock_timeout_ms))
			return pt_error_set(err, PT_ERR_USAGE,
				_("%s:%u: lock_timeout \"%s\" must be a number of seconds from 0 "
				  "(wait forever) to 86400"), name, lineno, value);
	} else if (!strcmp(key, "connection_limit")) {
		char *end;
		long v;

		errno = 0;
		v = strtol(value, &end, 10);
		if (!isdigit((unsigned char)value[0]) || *end || errno || v > 1000000)
			return pt_error_set(err, PT_ERR_USAGE,
				_("%s:%u: connection_limit \"%s\" must be a whole number of "
				  "connections, 0 for none"), name, lineno, value);
		uc->connection_limit = v == 0 ? -1 : (int)v;
		uc->connection_limit_set = true;
	} else if (!strcmp(key, "idle_xact")) {
		if (!pt_idle_xact_parse(value, &uc->idle_xact_s))
			return pt_error_set(err, PT_ERR_USAGE,
				_("%s:%u: idle_xact \"%s\" must be a whole number of seconds "
				  "from 0 to 86400"), name, lineno, value);
	} else
		return pt_error_set(err, PT_ERR_USAGE,
			_("%s:%u: unknown key \"%s\": known keys are tenant_host, "
			  "tenant_port, tenant_sslrootcert, user_pattern, color, format, "
			  "string_format, lock_timeout, connection_limit and idle_xact"),
			name, lineno, key);
	return PT_OK;
}

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

enum pt_status
pt_userconf_parse_line(struct pt_userconf *uc, const char *line,
                       const char *name, unsigned lineno, pt_error *err)
{
	char *copy = pt_xstrdup(line);
	char *hash = strchr(copy, '#');
	char *eq, *key, *value;
	enum pt_status st;

	if (hash)
		*hash = '\0';
	key = trim(copy);
	if (!*key) {
		free(copy);
		return PT_OK;
	}
	eq = strchr(key, '=');
	if (!eq) {
		st = pt_error_set(err, PT_ERR_USAGE,
			_("%s:%u: expected \"key = value\", found \"%s\""), name, lineno, key);
		free(copy);
		return st;
	}
	*eq = '\0';
	value = trim(eq + 1);
	key = trim(key);
	if (!*key)
		st = pt_error_set(err, PT_ERR_USAGE,
			_("%s:%u: a key is missing before \"=\""), name, lineno);
	else if (!*value)
		st = pt_error_set(err, PT_ERR_USAGE,
			_("%s:%u: %s has no value"), name, lineno, key);
	else
		st = apply(uc, key, value, name, lineno, err);
	free(copy);
	return st;
}

enum pt_status
pt_userconf_parse(struct pt_userconf *uc, FILE *in, const char *name,
                  pt_error *err)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	enum pt_status st = PT_OK;

	while (st == PT_OK && (len = getline(&line, &cap, in)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (strlen(line) != (size_t)len)
			st = pt_error_set(err, PT_ERR_USAGE,
				_("%s:%u: the line contains a NUL byte"), name, lineno);
		else
			st = pt_userconf_parse_line(uc, line, name, lineno, err);
	}
	if (st == PT_OK && ferror(in))
		st = pt_error_set(err, PT_ERR_USAGE, _("%s: cannot read: %s"), name,
		                  strerror(errno));
	free(line);
	return st;
}

enum pt_status
pt_userconf_load(struct pt_userconf *uc, const char *path, pt_error *err)
{
	FILE *in = fopen(path, "r");
	enum pt_status st;

	if (!in) {
		if (errno == ENOENT)
			return PT_OK;
		return pt_error_set(err, PT_ERR_USAGE, _("%s: cannot read: %s"), path,
		                    strerror(errno));
	}
	st = pt_userconf_parse(uc, in, path, err);
	fclose(in);
	return st;
}
