/* Shared by the libFuzzer harnesses: a NUL-terminated copy of the input,
 * and a check that survives -DNDEBUG.
 *
 * Secrets live in sodium_malloc'd pages (mmap), which neither
 * LeakSanitizer nor valgrind see: a harness checks pt_secret_live() == 0
 * after each input, so that a secret the code forgets to free is caught
 * there instead. */
#ifndef PT_FUZZ_H
#define PT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"

#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} } while (0)

/* sodium_malloc needs sodium_init first; pt_core_init does that. */
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
