/* The clipboard escape sequences: OSC 52 as terminals want it, and the
 * GNU screen form split into DCS strings of at most 768 bytes each. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "tui/clipboard.h"

static char *
decode(const char *b64, size_t len)
{
	unsigned char *out = calloc(1, len + 1);
	size_t n = 0;

	assert_non_null(out);
	assert_int_equal(sodium_base642bin(out, len, b64, len, NULL, &n, NULL,
	                                   sodium_base64_VARIANT_ORIGINAL), 0);
	out[n] = '\0';
	return (char *)out;
}

static void
plain_osc52(void **state)
{
	const char *text = "postgresql://acme_user:pw@db:5432/app";
	char *seq = pt_clipboard_osc52(text, false);
	size_t len = strlen(seq);
	char *got;

	(void)state;
	assert_memory_equal(seq, "\033]52;c;", 7);
	assert_int_equal(seq[len - 1], '\a');
	got = decode(seq + 7, len - 8);
	assert_string_equal(got, text);
	free(got);
	free(seq);
}

/* Join the payloads of the DCS strings, checking each one's length. */
static void
screen_chunks_of(size_t textlen)
{
	char *text = malloc(textlen + 1), *seq, *joined, *p, *got;
	size_t jn = 0, chunks = 0;

	assert_non_null(text);
	for (size_t i = 0; i < textlen; i++)
		text[i] = (char)('a' + i % 26);
	text[textlen] = '\0';
	seq = pt_clipboard_osc52(text, true);
	joined = calloc(1, strlen(seq) + 1);
	p = seq;
	while (*p) {
		char *end;

		assert_memory_equal(p, "\033P", 2);
		p += 2;
		end = strstr(p, "\033\\");
		assert_non_null(end);
		assert_true(end - p <= 768);
		memcpy(joined + jn, p, (size_t)(end - p));
		jn += (size_t)(end - p);
		chunks++;
		p = end + 2;
	}
	assert_true(chunks >= 1);
	assert_memory_equal(joined, "\033]52;c;", 7);
	assert_int_equal(joined[jn - 1], '\a');
	got = decode(joined + 7, jn - 8);
	assert_string_equal(got, text);
	free(got);
	free(joined);
	free(seq);
	free(text);
}

static void
screen_dcs_chunks(void **state)
{
	(void)state;
	/* around the chunk boundaries, where an off-by-one would show */
	for (size_t n = 1; n < 2400; n += 7)
		screen_chunks_of(n);
	screen_chunks_of(570);   /* 760 base64 characters */
	screen_chunks_of(571);
	screen_chunks_of(4000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_osc52),
		cmocka_unit_test(screen_dcs_chunks),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
