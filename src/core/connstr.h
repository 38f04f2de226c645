/* Tenant connection strings: built from where the admin session really
 * is (host, port, database, TLS settings), never from the admin's user,
 * password or other parameters, and always checked by parsing them back
 * with PQconninfoParse. */
#ifndef PT_CONNSTR_H
#define PT_CONNSTR_H

#include <stdbool.h>
#include <stddef.h>
#include <libpq-fe.h>

#include "error.h"

#define PT_CONNSTR_FORMAT_LIST(X) \
	X(PT_CONNSTR_URI,      "uri",      N_("URI")) \
	X(PT_CONNSTR_KEYVALUE, "keyvalue", N_("key=value")) \
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

/* Where tenants connect to. */
struct pt_endpoint {
	char *host;        /* a name, an address or a unix socket directory */
	char *port;
	char *dbname;
	char *sslmode;     /* NULL when the admin connection set none */
	char *sslrootcert; /* likewise */
};

/* Fill ep from the live admin connection; host_override / port_override
 * (NULL = none) replace host and port. Free with pt_endpoint_free(). */
void pt_endpoint_from_conn(PGconn *conn, const char *host_override,
                           const char *port_override, struct pt_endpoint *ep);
void pt_endpoint_free(struct pt_endpoint *ep);

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
