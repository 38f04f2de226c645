/* libFuzzer harness: pt_sanitize. Whatever a tenant names a thing, the
 * result holds no control byte, no C1 control, no bidi override and no
 * byte that is not UTF-8; it equals the input exactly when pt_text_clean
 * says so; and a buffer of any size gets a prefix of the whole result,
 * terminated and never cut inside a character or an escape. */
#include "config.h"

#include "fuzz.h"
#include "sanitize.h"

static void
check_inert(const char *out, unsigned flags)
{
	unsigned long c;
	size_t n;

	for (const char *p = out; *p; p += n) {
		n = pt_utf8_char(p, &c);
		FUZZ_CHECK(n > 0);
		FUZZ_CHECK(c >= 0x20 || (c == '\n' && (flags & PT_SAN_KEEP_NEWLINE)));
		FUZZ_CHECK(c < 0x7f || c > 0x9f);
		FUZZ_CHECK(!pt_bidi_control(c));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned flags = size && (data[0] & 1) ? PT_SAN_KEEP_NEWLINE : 0;
	char *s = fuzz_cstr(data, size), *whole, *part;
	size_t need, cut;

	whole = pt_sanitize_dup(s, flags);
	need = strlen(whole);
	check_inert(whole, flags);
	FUZZ_CHECK(pt_text_clean(s, flags) == !strcmp(s, whole));
	/* A cut chosen by the input: a prefix made of whole pieces. */
	cut = size > 1 ? data[1] % (need + 2) : 0;
	part = malloc(cut + 1);
	FUZZ_CHECK(part != NULL);
	FUZZ_CHECK(pt_sanitize(part, cut, s, flags) == need);
	if (cut) {
		size_t got = strlen(part);
		FUZZ_CHECK(got < cut && !memcmp(part, whole, got));
		check_inert(part, flags);
		/* The next piece (at most 6 bytes: "\u202e") did not fit. */
		FUZZ_CHECK(got == need || cut <= got + 6);
	}
	free(part);
	free(whole);
	free(s);
	return 0;
}
