/* Tenant connection strings: built from where the admin session really
 * is (host, port, database, sslmode), never from the admin's user,
 * password, file paths or other parameters, and always checked by parsing
 * them back with PQconninfoParse. */
#ifndef PT_CONNSTR_H
#define PT_CONNSTR_H

#include <stdbool.h>
#include <stddef.h>
#include <libpq-fe.h>

#include "conn.h"
#include "error.h"

#define PT_CONNSTR_FORMAT_LIST(X) \
	X(PT_CONNSTR_URI,      "uri",      N_("URI")) \
	X(PT_CONNSTR_KEYVALUE, "conninfo", N_("key=value")) \
	X(PT_CONNSTR_JDBC,     "jdbc",     N_("JDBC URL")) \
	X(PT_CONNSTR_ENV,      "env",      N_("shell export lines"))

enum pt_connstr_format {
#define PT_CONNSTR_ENUM(code, name, label) code,
	PT_CONNSTR_FORMAT_LIST(PT_CONNSTR_ENUM)
#undef PT_CONNSTR_ENUM
	PT_CONNSTR_FORMAT_COUNT
};

const char *pt_connstr_format_name(enum pt_connstr_format f);   /* "uri" */
const char *pt_connstr_format_label(enum pt_connstr_format f);  /* translated */
/* "uri", "conninfo", "jdbc" or "env" into *out; false for anything else. */
bool pt_connstr_format_parse(const char *name, enum pt_connstr_format *out);

/* Where tenants connect to. */
struct pt_endpoint {
	char *host;        /* a name, an address or a unix socket directory */
	char *port;
	char *dbname;
	char *sslmode;     /* NULL when the admin connection set none */
	char *sslrootcert; /* only --tenant-sslrootcert: the admin's is a path
	                      on the admin's machine, never copied */
	bool ca_missing;   /* sslmode verifies the server, sslrootcert is NULL */
};

/* Fill ep from the live admin connection; o's tenant_host, tenant_port and
 * tenant_sslrootcert (o or any of them NULL = none) replace host and port
 * and set sslrootcert. Free with pt_endpoint_free(). */
void pt_endpoint_from_conn(PGconn *conn, const struct pt_connect_opts *o,
                           struct pt_endpoint *ep);
void pt_endpoint_free(struct pt_endpoint *ep);

/* What a string in format f may fail to do for the tenant, in words for
 * the admin (translated). */
#define PT_CONNSTR_WARNING_LIST(X) \
	X(PT_CONNSTR_WARN_CA, N_("the tenants' connection string verifies the server's " \
	  "certificate (sslmode=verify-ca or verify-full) but names no CA certificate: " \
	  "each tenant needs the server's CA in ~/.postgresql/root.crt, or give " \
	  "--tenant-sslrootcert=PATH with its path on the tenants' machines")) \
	X(PT_CONNSTR_WARN_JDBC_SOCKET, N_("JDBC has no unix sockets: the JDBC URL says " \
	  "localhost instead of the socket directory; give --tenant-host=HOST with the " \
	  "host name tenants reach over TCP"))

/* Fill out (room for max) with the messages that apply to f and ep;
 * returns how many. */
size_t pt_connstr_warnings(enum pt_connstr_format f, const struct pt_endpoint *ep,
                           const char **out, size_t max);

/* Build the string for user (and password, NULL = leave it out) in format
 * f. The result is a secret (pt_secret_free). A URI or key=value result is
 * parsed back with PQconninfoParse and must yield exactly user, password,
 * host, port and dbname; otherwise NULL with err filled. */
char *pt_connstr_build(enum pt_connstr_format f, const struct pt_endpoint *ep,
                       const char *user, const char *password, pt_error *err);

/* RFC 3986 percent-encoding of everything but unreserved characters.
 * Writes at most outsz bytes including the NUL; returns the length the
 * full encoding needs (excluding the NUL), as snprintf does. */
size_t pt_percent_encode(const char *in, char *out, size_t outsz);

#endif
