/* Secrets (passwords, connection strings that embed them) live in
 * libsodium's guarded memory: locked out of swap, excluded from core dumps
 * and wiped on free. Every char * documented as "secret" must be released
 * with pt_secret_free(), never free().
 */
#ifndef PT_SECRET_H
#define PT_SECRET_H

#include <stddef.h>

#define PT_GENERATED_PASSWORD_LEN 32

/* Once per process, before any other core call: initialise libsodium and
 * make sure the process cannot dump core (RLIMIT_CORE 0, not dumpable).
 * Returns 0, or -1 when libsodium cannot start. */
int pt_core_init(void);

/* A zeroed secret buffer of n bytes (n >= 1). Aborts on failure. */
char *pt_secret_alloc(size_t n);
/* Copy of s (NULL -> NULL) in secret memory. */
char *pt_secret_strdup(const char *s);
/* Wipe and release; NULL is fine. */
void pt_secret_free(char *secret);
/* How many secrets are allocated and not yet freed (for leak checks). */
size_t pt_secret_live(void);

/* A new secret string of PT_GENERATED_PASSWORD_LEN characters drawn
 * uniformly from [A-Za-z0-9] with randombytes_uniform (no modulo bias). */
char *pt_password_generate(void);

/* The alphabet pt_password_generate draws from. */
extern const char pt_password_alphabet[];

#endif
