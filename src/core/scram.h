/* SCRAM-SHA-256 verifiers (RFC 5802, RFC 7677), as PostgreSQL stores them:
 * "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>", base64.
 *
 * The same string PQencryptPasswordConn makes for the same salt, at about
 * a third of its cost: libpq keys HMAC afresh on each of the thousands of
 * PBKDF2 iterations, OpenSSL's PKCS5_PBKDF2_HMAC keys it once. A verifier
 * is most of a tenant's client-side cost in bulk onboarding.
 */
#ifndef PT_SCRAM_H
#define PT_SCRAM_H

#include <stddef.h>
#include <libpq-fe.h>

#include "error.h"

/* What libpq and the server use. */
#define PT_SCRAM_SALT_LEN 16
#define PT_SCRAM_DEFAULT_ITERATIONS 4096
/* About a quarter of a second a verifier here. */
#define PT_SCRAM_MAX_ITERATIONS 1000000

/* The iteration count the server on conn asks verifiers to use: its
 * scram_iterations, which it reports from PostgreSQL 16, else 4096; held
 * between 4096 and PT_SCRAM_MAX_ITERATIONS. */
int pt_scram_iterations(const PGconn *conn);

/* The verifier of password with iterations (>= 1) and the saltlen bytes
 * of salt. malloc'd: free(). NULL when password is not ASCII (it would
 * need SASLprep, which libpq does and this does not) or when OpenSSL
 * fails. The password and the keys derived from it are wiped. */
char *pt_scram_verifier_salted(const char *password, int iterations,
                               const unsigned char *salt, size_t saltlen);

/* The verifier to send to the server on conn for user's password: a
 * random salt and the server's iteration count; a non-ASCII password goes
 * through PQencryptPasswordConn. malloc'd: free(). NULL with err set when
 * it cannot be made. */
char *pt_scram_verifier(PGconn *conn, const char *user, const char *password,
                        pt_error *err);

#endif
