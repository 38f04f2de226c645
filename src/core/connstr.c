#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connstr.h"
#include "secret.h"

static const struct {
	const char *name;
	const char *label;
} formats[] = {
#define PT_CONNSTR_INFO(code, name, label) { name, label },
	PT_CONNSTR_FORMAT_LIST(PT_CONNSTR_INFO)
#undef PT_CONNSTR_INFO
};

const char *
pt_connstr_format_name(enum pt_connstr_format f)
{
	return (unsigned)f < PT_CONNSTR_FORMAT_COUNT ? formats[f].name : "?";
}

const char *
pt_connstr_format_label(enum pt_connstr_format f)
{
	return (unsigned)f < PT_CONNSTR_FORMAT_COUNT ? _(formats[f].label) : "?";
}

bool
pt_connstr_format_parse(const char *name, enum pt_connstr_format *out)
{
	for (int f = 0; f < PT_CONNSTR_FORMAT_COUNT; f++)
		if (name && !strcmp(name, formats[f].name)) {
			*out = (enum pt_connstr_format)f;
			return true;
		}
	return false;
}

static const char *const warnings[] = {
#define PT_CONNSTR_WARN_TEXT(code, text) text,
	PT_CONNSTR_WARNING_LIST(PT_CONNSTR_WARN_TEXT)
#undef PT_CONNSTR_WARN_TEXT
};

enum {
#define PT_CONNSTR_WARN_ENUM(code, text) code,
	PT_CONNSTR_WARNING_LIST(PT_CONNSTR_WARN_ENUM)
#undef PT_CONNSTR_WARN_ENUM
};

static bool
is_socket(const char *host)
{
	return host[0] == '/' || host[0] == '@';
}

size_t
pt_connstr_warnings(enum pt_connstr_format f, const struct pt_endpoint *ep,
                    const char **out, size_t max)
{
	size_t n = 0;

	if (ep->ca_missing && n < max)
		out[n++] = _(warnings[PT_CONNSTR_WARN_CA]);
	if (f == PT_CONNSTR_JDBC && is_socket(ep->host) && n < max)
		out[n++] = _(warnings[PT_CONNSTR_WARN_JDBC_SOCKET]);
	return n;
}

static char *
dup_or_null(const char *s)
{
	return s && *s ? pt_xstrdup(s) : NULL;
}

void
pt_endpoint_from_conn(PGconn *conn, const struct pt_connect_opts *o,
                      struct pt_endpoint *ep)
{
	const char *host_override = o ? o->tenant_host : NULL;
	const char *port_override = o ? o->tenant_port : NULL;
	PQconninfoOption *opts = PQconninfo(conn);

	memset(ep, 0, sizeof *ep);
	ep->host = pt_xstrdup(host_override && *host_override ? host_override
	                      : PQhost(conn) ? PQhost(conn) : "localhost");
	ep->port = pt_xstrdup(port_override && *port_override ? port_override
	                      : PQport(conn) && *PQport(conn) ? PQport(conn) : "5432");
	ep->dbname = pt_xstrdup(PQdb(conn) ? PQdb(conn) : "");
	for (PQconninfoOption *opt = opts; opt && opt->keyword; opt++)
		/* "prefer" is libpq's default: say nothing rather than repeat it. */
		if (!strcmp(opt->keyword, "sslmode") && opt->val && strcmp(opt->val, "prefer"))
			ep->sslmode = dup_or_null(opt->val);
	PQconninfoFree(opts);
	/* The admin's sslrootcert names a file on the admin's machine (maybe
	 * relative to the admin's directory): only the tenant's own is given. */
	ep->sslrootcert = dup_or_null(o ? o->tenant_sslrootcert : NULL);
	ep->ca_missing = ep->sslmode && !strncmp(ep->sslmode, "verify-", 7) &&
	                 !ep->sslrootcert;
}

void
pt_endpoint_free(struct pt_endpoint *ep)
{
	if (!ep)
		return;
	free(ep->host);
	free(ep->port);
	free(ep->dbname);
	free(ep->sslmode);
	free(ep->sslrootcert);
	memset(ep, 0, sizeof *ep);
}

size_t
pt_percent_encode(const char *in, char *out, size_t outsz)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		             (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		             *p == '_' || *p == '~';
		char enc[3] = { (char)*p, 0, 0 };
		size_t k = 1;
		if (!plain) {
			enc[0] = '%';
			enc[1] = hex[*p >> 4];
			enc[2] = hex[*p & 15];
			k = 3;
		}
		for (size_t i = 0; i < k; i++, n++)
			if (outsz && n < outsz - 1)
				out[n] = enc[i];
	}
	if (outsz)
		out[n < outsz ? n : outsz - 1] = '\0';
	return n;
}

/* A growing secret buffer: everything appended may be a password. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static void
sb_grow(struct sbuf *b, size_t need)
{
	char *bigger;

	if (b->len + need + 1 <= b->cap)
		return;
	while (b->len + need + 1 > b->cap)
		b->cap = b->cap ? b->cap * 2 : 256;
	bigger = pt_secret_alloc(b->cap);
	if (b->s)
		memcpy(bigger, b->s, b->len + 1);
	pt_secret_free(b->s);
	b->s = bigger;
}

static void
sb_add(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	sb_grow(b, n);
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

static void
sb_add_encoded(struct sbuf *b, const char *s)
{
	size_t n = pt_percent_encode(s, NULL, 0);

	sb_grow(b, n);
	pt_percent_encode(s, b->s + b->len, n + 1);
	b->len += n;
}

/* key='value' with the quoting libpq's conninfo parser expects. */
static void
sb_add_kv(struct sbuf *b, const char *key, const char *val)
{
	char one[2] = { 0, 0 };

	if (b->len)
		sb_add(b, " ");
	sb_add(b, key);
	sb_add(b, "='");
	for (const char *p = val; *p; p++) {
		if (*p == '\'' || *p == '\\')
			sb_add(b, "\\");
		one[0] = *p;
		sb_add(b, one);
	}
	sb_add(b, "'");
}

/* export NAME='value' with POSIX shell quoting. */
static void
sb_add_export(struct sbuf *b, const char *name, const char *val)
{
	char one[2] = { 0, 0 };

	sb_add(b, "export ");
	sb_add(b, name);
	sb_add(b, "='");
	for (const char *p = val; *p; p++) {
		if (*p == '\'') {
			sb_add(b, "'\\''");
			continue;
		}
		one[0] = *p;
		sb_add(b, one);
	}
	sb_add(b, "'\n");
}

static void
build_uri(struct sbuf *b, const struct pt_endpoint *ep, const char *user,
          const char *password, bool jdbc)
{
	bool ipv6 = strchr(ep->host, ':') != NULL;
	bool socket = is_socket(ep->host);

	sb_add(b, jdbc ? "jdbc:postgresql://" : "postgresql://");
	if (!jdbc) {
		sb_add_encoded(b, user);
		if (password) {
			sb_add(b, ":");
			sb_add_encoded(b, password);
		}
		sb_add(b, "@");
	}
	if (jdbc && socket)
		sb_add(b, "localhost");   /* JDBC has no unix sockets */
	else if (ipv6) {
		/* libpq percent-decodes the bracketed host too: a zone id's "%"
		 * (fe80::1%eth0) must travel as "%25". */
		char one[2] = { 0, 0 };
		sb_add(b, "[");
		for (const char *p = ep->host; *p; p++) {
			one[0] = *p;
			sb_add(b, *p == '%' ? "%25" : one);
		}
		sb_add(b, "]");
	} else
		sb_add_encoded(b, ep->host);
	sb_add(b, ":");
	sb_add_encoded(b, ep->port);
	sb_add(b, "/");
	sb_add_encoded(b, ep->dbname);
	if (jdbc) {
		sb_add(b, "?user=");
		sb_add_encoded(b, user);
		if (password) {
			sb_add(b, "&password=");
			sb_add_encoded(b, password);
		}
	}
	if (ep->sslmode) {
		sb_add(b, jdbc ? "&sslmode=" : "?sslmode=");
		sb_add_encoded(b, ep->sslmode);
	}
	if (ep->sslrootcert) {
		sb_add(b, (jdbc || ep->sslmode) ? "&sslrootcert=" : "?sslrootcert=");
		sb_add_encoded(b, ep->sslrootcert);
	}
}

static bool
same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Parse s back and demand exactly what went in. */
static enum pt_status
verify(const char *s, const struct pt_endpoint *ep, const char *user,
       const char *password, pt_error *err)
{
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(s, &perr);
	bool ok = opts != NULL;

	for (PQconninfoOption *o = opts; ok && o->keyword; o++) {
		const char *want = NULL;   /* nothing else may be set */
		if (!strcmp(o->keyword, "user")) want = user;
		else if (!strcmp(o->keyword, "password")) want = password;
		else if (!strcmp(o->keyword, "host")) want = ep->host;
		else if (!strcmp(o->keyword, "port")) want = ep->port;
		else if (!strcmp(o->keyword, "dbname")) want = ep->dbname;
		else if (!strcmp(o->keyword, "sslmode")) want = ep->sslmode;
		else if (!strcmp(o->keyword, "sslrootcert")) want = ep->sslrootcert;
		ok = (want == NULL) == (o->val == NULL) && same(o->val, want);
	}
	PQconninfoFree(opts);
	if (!ok) {
		pt_error_set(err, PT_ERR_INVALID,
		             _("the connection string does not parse back to what it "
		               "should say%s%s"), perr ? ": " : "", perr ? perr : "");
		PQfreemem(perr);
		return PT_ERR_INVALID;
	}
	return PT_OK;
}

char *
pt_connstr_build(enum pt_connstr_format f, const struct pt_endpoint *ep,
                 const char *user, const char *password, pt_error *err)
{
	struct sbuf b = { 0 };

	sb_grow(&b, 0);
	switch (f) {
	case PT_CONNSTR_URI:
	case PT_CONNSTR_JDBC:
		build_uri(&b, ep, user, password, f == PT_CONNSTR_JDBC);
		break;
	case PT_CONNSTR_KEYVALUE:
		sb_add_kv(&b, "host", ep->host);
		sb_add_kv(&b, "port", ep->port);
		sb_add_kv(&b, "dbname", ep->dbname);
		sb_add_kv(&b, "user", user);
		if (password)
			sb_add_kv(&b, "password", password);
		if (ep->sslmode)
			sb_add_kv(&b, "sslmode", ep->sslmode);
		if (ep->sslrootcert)
			sb_add_kv(&b, "sslrootcert", ep->sslrootcert);
		break;
	case PT_CONNSTR_ENV:
		sb_add_export(&b, "PGHOST", ep->host);
		sb_add_export(&b, "PGPORT", ep->port);
		sb_add_export(&b, "PGDATABASE", ep->dbname);
		sb_add_export(&b, "PGUSER", user);
		if (password)
			sb_add_export(&b, "PGPASSWORD", password);
		if (ep->sslmode)
			sb_add_export(&b, "PGSSLMODE", ep->sslmode);
		if (ep->sslrootcert)
			sb_add_export(&b, "PGSSLROOTCERT", ep->sslrootcert);
		if (b.len && b.s[b.len - 1] == '\n')
			b.s[--b.len] = '\0';
		break;
	default:
		pt_secret_free(b.s);
		pt_error_set(err, PT_ERR_INVALID, _("unknown connection string format"));
		return NULL;
	}
	if ((f == PT_CONNSTR_URI || f == PT_CONNSTR_KEYVALUE) &&
	    verify(b.s, ep, user, password, err) != PT_OK) {
		pt_secret_free(b.s);
		return NULL;
	}
	return b.s;
}
