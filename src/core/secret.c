#include "config.h"

#include <string.h>
#include <sys/resource.h>
#if HAVE_SYS_PRCTL_H
# include <sys/prctl.h>
#endif
#include <sodium.h>

#include "error.h"
#include "secret.h"

const char pt_password_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

int
pt_core_init(void)
{
	struct rlimit none = { 0, 0 };

	/* A core file of an admin console would hold the admin's connection
	 * and every password typed: never write one. */
	(void)setrlimit(RLIMIT_CORE, &none);
#if HAVE_PRCTL && defined(PR_SET_DUMPABLE)
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
	return sodium_init() < 0 ? -1 : 0;
}

char *
pt_secret_alloc(size_t n)
{
	char *p = sodium_malloc(n ? n : 1);

	if (!p)
		pt_die("cannot allocate %zu bytes of secret memory", n);
	/* sodium_malloc fills with 0xdb; callers expect a terminated string. */
	memset(p, 0, n ? n : 1);
	return p;
}

char *
pt_secret_strdup(const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	p = pt_secret_alloc(n);
	memcpy(p, s, n);
	return p;
}

void
pt_secret_free(char *secret)
{
	if (secret)
		sodium_free(secret);   /* zeroes before releasing */
}

char *
pt_password_generate(void)
{
	const uint32_t k = (uint32_t)(sizeof pt_password_alphabet - 1);
	char *pw = pt_secret_alloc(PT_GENERATED_PASSWORD_LEN + 1);

	for (size_t i = 0; i < PT_GENERATED_PASSWORD_LEN; i++)
		pw[i] = pt_password_alphabet[randombytes_uniform(k)];
	pw[PT_GENERATED_PASSWORD_LEN] = '\0';
	return pw;
}
