/* libFuzzer harness: tenant connection strings. The input is split at NUL
 * bytes into host, port, dbname, user, password, sslmode, sslrootcert.
 * Every format is built; URI and key=value results are parsed back with
 * PQconninfoParse here too, and must say exactly what went in; the shell
 * form is unquoted here and must too. For ordinary inputs (a valid user
 * name, a host name, socket directory or IPv6 address, a numeric port)
 * building must succeed: a refusal there is a bug as well. */
#include "config.h"

#include <libpq-fe.h>

#include "connstr.h"
#include "fuzz.h"
#include "names.h"
#include "secret.h"

static int
plain_host(const char *h)
{
	int colon = 0, hex = 1, name = 1;

	if (!*h)
		return 0;
	if (h[0] == '/')
		return !strchr(h, ':') && !strchr(h, ',');
	for (const char *p = h; *p; p++) {
		int c = (unsigned char)*p;
		colon |= c == ':';
		hex &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		       (c >= 'A' && c <= 'F') || c == ':';
		name &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		        (c >= 'A' && c <= 'Z') || c == '.' || c == '-';
	}
	return colon ? hex : name;
}

static int
digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int
known_sslmode(const char *s)
{
	static const char *const m[] = { "disable", "allow", "prefer", "require",
	                                  "verify-ca", "verify-full", NULL };
	if (!s)
		return 1;
	for (const char *const *p = m; *p; p++)
		if (!strcmp(s, *p))
			return 1;
	return 0;
}

static int
same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Parse s back and compare every field. */
static void
check_parse_back(const char *s, const struct pt_endpoint *ep, const char *user,
                 const char *password)
{
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(s, &perr);

	if (!opts) {
		fprintf(stderr, "does not parse: %s\n", perr ? perr : "?");
		FUZZ_CHECK(!"a built connection string must parse");
	}
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		const char *want = NULL;
		if (!strcmp(o->keyword, "user")) want = user;
		else if (!strcmp(o->keyword, "password")) want = password;
		else if (!strcmp(o->keyword, "host")) want = ep->host;
		else if (!strcmp(o->keyword, "port")) want = ep->port;
		else if (!strcmp(o->keyword, "dbname")) want = ep->dbname;
		else if (!strcmp(o->keyword, "sslmode")) want = ep->sslmode;
		else if (!strcmp(o->keyword, "sslrootcert")) want = ep->sslrootcert;
		if (!(same(o->val, want) && (o->val == NULL) == (want == NULL))) {
			fprintf(stderr, "%s: got \"%s\", want \"%s\"\n", o->keyword,
			        o->val ? o->val : "(null)", want ? want : "(null)");
			FUZZ_CHECK(!"parses back to what went in");
		}
	}
	PQconninfoFree(opts);
	PQfreemem(perr);
}

/* Read "export NAME='value'" (value with '\'' for a quote) at *p. */
static int
shell_value(const char **p, const char *name, char *out, size_t outsz)
{
	size_t n = 0, k = strlen(name);

	if (strncmp(*p, "export ", 7) || strncmp(*p + 7, name, k) || strncmp(*p + 7 + k, "='", 2))
		return 0;
	*p += 9 + k;
	for (;;) {
		if (!**p)
			return 0;
		if (**p == '\'') {
			if (!strncmp(*p, "'\\''", 4)) {
				if (n + 1 >= outsz) return 0;
				out[n++] = '\'';
				*p += 4;
				continue;
			}
			(*p)++;
			break;
		}
		if (n + 1 >= outsz) return 0;
		out[n++] = *(*p)++;
	}
	out[n] = '\0';
	if (**p == '\n')
		(*p)++;
	return 1;
}

static void
check_env(const char *s, const struct pt_endpoint *ep, const char *user,
          const char *password)
{
	const char *names[] = { "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD",
	                        "PGSSLMODE", "PGSSLROOTCERT" };
	const char *vals[] = { ep->host, ep->port, ep->dbname, user, password,
	                       ep->sslmode, ep->sslrootcert };
	static char buf[8192];
	const char *p = s;

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		if (!vals[i])
			continue;
		FUZZ_CHECK(shell_value(&p, names[i], buf, sizeof buf));
		FUZZ_CHECK(!strcmp(buf, vals[i]));
	}
	FUZZ_CHECK(*p == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *f[7] = { "localhost", "5432", "postgres", "tenant_user", NULL, NULL, NULL };
	char *copy;
	struct pt_endpoint ep;
	int ordinary;

	if (size > 4096)
		return 0;
	copy = malloc(size + 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, size);
	copy[size] = '\0';
	{
		char *p = copy, *end = copy + size;
		for (int i = 0; i < 7 && p <= end; i++) {
			f[i] = p;
			p += strlen(p) + 1;
		}
	}
	/* empty optional fields mean "not set" */
	for (int i = 4; i < 7; i++)
		if (f[i] && !*f[i])
			f[i] = NULL;
	ep.host = (char *)f[0];
	ep.port = (char *)f[1];
	ep.dbname = (char *)f[2];
	ep.sslmode = (char *)f[5];
	ep.sslrootcert = (char *)f[6];

	ordinary = plain_host(ep.host) && digits(ep.port) && *ep.dbname &&
	           pt_name_validate(f[3], PT_NAME_ROLE, NULL) == PT_OK &&
	           known_sslmode(ep.sslmode) && (!ep.sslrootcert || *ep.sslrootcert);

	for (int fmt = 0; fmt < PT_CONNSTR_FORMAT_COUNT; fmt++) {
		pt_error err;
		char *s = pt_connstr_build((enum pt_connstr_format)fmt, &ep, f[3], f[4], &err);

		if (!s) {
			FUZZ_CHECK(err.status == PT_ERR_INVALID && err.message[0]);
			if (ordinary && (fmt == PT_CONNSTR_URI || fmt == PT_CONNSTR_KEYVALUE)) {
				fprintf(stderr, "refused an ordinary %s: %s\n",
				        pt_connstr_format_name((enum pt_connstr_format)fmt), err.message);
				FUZZ_CHECK(!"ordinary input is built");
			}
			continue;
		}
		if (fmt == PT_CONNSTR_URI || fmt == PT_CONNSTR_KEYVALUE)
			check_parse_back(s, &ep, f[3], f[4]);
		else if (fmt == PT_CONNSTR_ENV)
			check_env(s, &ep, f[3], f[4]);
		pt_secret_free(s);
	}
	{
		/* percent-encoding: the size it reports is the size it writes */
		char small[8];
		size_t need = pt_percent_encode(f[4] ? f[4] : "", NULL, 0);
		char *big = malloc(need + 1);
		FUZZ_CHECK(pt_percent_encode(f[4] ? f[4] : "", big, need + 1) == need);
		FUZZ_CHECK(strlen(big) == need);
		(void)pt_percent_encode(f[4] ? f[4] : "", small, sizeof small);
		FUZZ_CHECK(strlen(small) < sizeof small);
		FUZZ_CHECK(!strncmp(small, big, strlen(small)));
		free(big);
	}
	free(copy);
	FUZZ_CHECK(pt_secret_live() == 0);
	return 0;
}
