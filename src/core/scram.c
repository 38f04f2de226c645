#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <sodium.h>

#include "scram.h"
#include "secret.h"

#define KEY_LEN SHA256_DIGEST_LENGTH
#define B64_KEY_LEN sodium_base64_ENCODED_LEN(KEY_LEN, sodium_base64_VARIANT_ORIGINAL)
#define PREFIX "SCRAM-SHA-256$"

int
pt_scram_iterations(const PGconn *conn)
{
	const char *s = conn ? PQparameterStatus(conn, "scram_iterations") : NULL;
	char *end;
	long v;

	if (!s)
		return PT_SCRAM_DEFAULT_ITERATIONS;
	v = strtol(s, &end, 10);
	if (end == s || *end)
		return PT_SCRAM_DEFAULT_ITERATIONS;
	/* The setting is the database's, and a tenant that owns the database
	 * may set it: never weaker than the default, and never so costly that
	 * create and rotate-password hash for minutes. */
	return v < PT_SCRAM_DEFAULT_ITERATIONS ? PT_SCRAM_DEFAULT_ITERATIONS
	     : v > PT_SCRAM_MAX_ITERATIONS ? PT_SCRAM_MAX_ITERATIONS : (int)v;
}

static bool
is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* The keys derived from a password, in secret memory. */
struct keys {
	unsigned char salted[KEY_LEN];
	unsigned char client[KEY_LEN];
	unsigned char stored[KEY_LEN];
	unsigned char server[KEY_LEN];
};

static bool
derive(const char *password, int iterations, const unsigned char *salt, size_t saltlen,
       struct keys *k)
{
	size_t pwlen = strlen(password);
	unsigned int n;

	if (pwlen > INT_MAX || saltlen > INT_MAX || iterations < 1)
		return false;
	/* SaltedPassword = Hi(password, salt, i) is PBKDF2 with one block. */
	if (PKCS5_PBKDF2_HMAC(password, (int)pwlen, salt, (int)saltlen, iterations,
	                      EVP_sha256(), KEY_LEN, k->salted) != 1)
		return false;
	n = KEY_LEN;
	if (!HMAC(EVP_sha256(), k->salted, KEY_LEN, (const unsigned char *)"Client Key", 10,
	          k->client, &n) || n != KEY_LEN)
		return false;
	n = KEY_LEN;
	if (!HMAC(EVP_sha256(), k->salted, KEY_LEN, (const unsigned char *)"Server Key", 10,
	          k->server, &n) || n != KEY_LEN)
		return false;
	return SHA256(k->client, KEY_LEN, k->stored) != NULL;
}

char *
pt_scram_verifier_salted(const char *password, int iterations,
                         const unsigned char *salt, size_t saltlen)
{
	size_t salt_b64len = sodium_base64_ENCODED_LEN(saltlen, sodium_base64_VARIANT_ORIGINAL);
	char stored[B64_KEY_LEN], server[B64_KEY_LEN];
	struct keys *k;
	char *salt_b64, *v = NULL;

	if (!is_ascii(password))
		return NULL;
	k = (struct keys *)pt_secret_alloc(sizeof *k);
	if (derive(password, iterations, salt, saltlen, k)) {
		salt_b64 = pt_xmalloc(salt_b64len);
		sodium_bin2base64(salt_b64, salt_b64len, salt, saltlen,
		                  sodium_base64_VARIANT_ORIGINAL);
		sodium_bin2base64(stored, sizeof stored, k->stored, KEY_LEN,
		                  sodium_base64_VARIANT_ORIGINAL);
		sodium_bin2base64(server, sizeof server, k->server, KEY_LEN,
		                  sodium_base64_VARIANT_ORIGINAL);
		v = pt_xasprintf(PREFIX "%d:%s$%s:%s", iterations, salt_b64, stored, server);
		free(salt_b64);
	}
	pt_secret_free((char *)k);
	return v;
}

char *
pt_scram_verifier(PGconn *conn, const char *user, const char *password, pt_error *err)
{
	unsigned char salt[PT_SCRAM_SALT_LEN];
	char *v, *lp;

	randombytes_buf(salt, sizeof salt);
	v = pt_scram_verifier_salted(password, pt_scram_iterations(conn), salt, sizeof salt);
	if (v)
		return v;
	/* Not ASCII: SASLprep first, which libpq has and we do not. */
	lp = PQencryptPasswordConn(conn, password, user, "scram-sha-256");
	if (!lp) {
		pt_error_set(err, PT_ERR_SERVER, _("cannot hash the password: %s"),
		             PQerrorMessage(conn));
		return NULL;
	}
	v = pt_xstrdup(lp);
	PQfreemem(lp);
	return v;
}
