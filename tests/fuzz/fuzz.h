/* Shared by the libFuzzer harnesses: a NUL-terminated copy of the input,
 * a check that survives -DNDEBUG, and a count of live secret allocations.
 *
 * Secrets live in sodium_malloc'd pages (mmap), which neither
 * LeakSanitizer nor valgrind see: the harnesses are linked with
 * -Wl,--wrap=sodium_malloc,--wrap=sodium_free so that a secret the code
 * forgets to free is caught here instead. */
#ifndef PT_FUZZ_H
#define PT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} } while (0)

long fuzz_live_secrets;

void *__real_sodium_malloc(size_t size);
void __real_sodium_free(void *ptr);
void *__wrap_sodium_malloc(size_t size);
void __wrap_sodium_free(void *ptr);

void *
__wrap_sodium_malloc(size_t size)
{
	void *p = __real_sodium_malloc(size);
	if (p)
		fuzz_live_secrets++;
	return p;
}

void
__wrap_sodium_free(void *ptr)
{
	if (ptr)
		fuzz_live_secrets--;
	__real_sodium_free(ptr);
}

/* sodium_malloc needs sodium_init first; pt_core_init does that. */
int pt_core_init(void);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_CHECK(pt_core_init() == 0);
	return 0;
}

/* data as a C string (stops at the first NUL); free() it. */
static char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	FUZZ_CHECK(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
