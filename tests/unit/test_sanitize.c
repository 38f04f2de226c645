/* pt_sanitize: what a tenant's text becomes on its way to a terminal.
 * Every control a terminal obeys comes out as visible text, everything
 * else exactly as it was, and a short buffer never ends in half an escape
 * or half a character. */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanitize.h"

/* s made visible with flags must be want, and clean exactly when equal. */
static void
expect(const char *s, unsigned flags, const char *want)
{
	char *got = pt_sanitize_dup(s, flags);

	if (strcmp(got, want) != 0)
		fail_msg("sanitize(\"%s\") gave \"%s\", want \"%s\"", s, got, want);
	assert_int_equal(pt_sanitize(NULL, 0, s, flags), strlen(want));
	assert_int_equal(pt_text_clean(s, flags), !strcmp(s ? s : "", want));
	free(got);
}

/* No byte of the result is a control, DEL, a C1 control or outside UTF-8. */
static void
assert_inert(const char *out)
{
	for (const unsigned char *p = (const unsigned char *)out; *p; p++) {
		assert_true(*p >= 0x20 && *p != 0x7f);
		assert_false(*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f);
	}
	assert_true(pt_utf8_valid(out));
}

static void
plain_text_unchanged(void **state)
{
	(void)state;
	expect("tenant_acme", 0, "tenant_acme");
	expect("", 0, "");
	expect(NULL, 0, "");
	expect("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x98", 0,
	       "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x98");
	/* The backslash is text: a name may hold "\x1b" as four characters. */
	expect("a\\x1b", 0, "a\\x1b");
	/* U+00A0 and U+200F (a mark, not an override) are printable. */
	expect("\xc2\xa0\xe2\x80\x8f", 0, "\xc2\xa0\xe2\x80\x8f");
}

static void
c0_and_del(void **state)
{
	(void)state;
	expect("\x1b]52;c;ZWNobw==\x07\x1b[2J", 0, "\\x1b]52;c;ZWNobw==\\x07\\x1b[2J");
	expect("a\tb\rc\nd", 0, "a\\x09b\\x0dc\\x0ad");
	expect("\x01\x1f\x7f", 0, "\\x01\\x1f\\x7f");
}

static void
keep_newline(void **state)
{
	(void)state;
	expect("line 1\nline 2\r\n\x1b[2J", PT_SAN_KEEP_NEWLINE,
	       "line 1\nline 2\\x0d\n\\x1b[2J");
	assert_true(pt_text_clean("a\nb", PT_SAN_KEEP_NEWLINE));
	assert_false(pt_text_clean("a\nb", 0));
}

static void
c1_as_utf8(void **state)
{
	(void)state;
	/* U+009B is the one-character CSI, U+0080 and U+009F the ends. */
	expect("\xc2\x9b" "2J", 0, "\\x9b2J");
	expect("\xc2\x80\xc2\x9f", 0, "\\x80\\x9f");
	expect("\xc2\xa0", 0, "\xc2\xa0");
}

static void
broken_utf8(void **state)
{
	(void)state;
	/* A lone continuation, a lone lead, a cut sequence, bytes never used. */
	expect("a\x80z", 0, "a\\x80z");
	expect("\xc3", 0, "\\xc3");
	expect("\xe6\x97", 0, "\\xe6\\x97");
	expect("\xe6\x97z", 0, "\\xe6\\x97z");
	expect("\xff\xfe", 0, "\\xff\\xfe");
	/* A raw C1 byte (Latin-1 CSI) is not UTF-8 either. */
	expect("\x9b" "2J", 0, "\\x9b2J");
	/* Above U+10FFFF. */
	expect("\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80");
	assert_false(pt_utf8_valid("\xf4\x90\x80\x80"));
	assert_true(pt_utf8_valid("\xf4\x8f\xbf\xbf"));
}

static void
overlongs(void **state)
{
	(void)state;
	/* ESC as a two- and three-byte overlong: a lax decoder's ESC. */
	expect("\xc0\x9b", 0, "\\xc0\\x9b");
	expect("\xc1\xbf", 0, "\\xc1\\xbf");
	expect("\xe0\x80\x9b", 0, "\\xe0\\x80\\x9b");
	expect("\xf0\x80\x80\x9b", 0, "\\xf0\\x80\\x80\\x9b");
	assert_false(pt_utf8_valid("\xc0\x9b"));
	assert_false(pt_utf8_valid("\xe0\x80\x9b"));
}

static void
surrogates(void **state)
{
	(void)state;
	expect("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");
	expect("\xed\xbf\xbf", 0, "\\xed\\xbf\\xbf");
	assert_false(pt_utf8_valid("\xed\xa0\x80"));
	/* U+D7FF and U+E000 are fine. */
	expect("\xed\x9f\xbf\xee\x80\x80", 0, "\xed\x9f\xbf\xee\x80\x80");
}

static void
bidi_overrides(void **state)
{
	(void)state;
	/* U+202E RIGHT-TO-LEFT OVERRIDE: "v\u202egpj.exe" shows as "vexe.jpg". */
	expect("v\xe2\x80\xae" "gpj.exe", 0, "v\\u202egpj.exe");
	expect("\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9", 0, "\\u202a\\u2066\\u2069");
	assert_true(pt_bidi_control(0x202e));
	assert_false(pt_bidi_control(0x2029));
	assert_false(pt_bidi_control(0x206a));
}

/* Cut at every size: the result is always a prefix of the whole made of
 * whole pieces, never half an escape or half a character, and terminated. */
static void
truncation(void **state)
{
	const char *s = "ab\x1b[2J\xe6\x97\xa5\xc2\x9b" "c";
	/* a b \x1b [ 2 J U+65E5 \x9b c */
	static const size_t cuts[] = { 0, 1, 2, 6, 7, 8, 9, 12, 16, 17 };
	char whole[64], part[64];
	size_t need = pt_sanitize(whole, sizeof whole, s, 0);

	(void)state;
	assert_string_equal(whole, "ab\\x1b[2J\xe6\x97\xa5\\x9bc");
	for (size_t sz = 1; sz <= need + 1; sz++) {
		size_t got;

		memset(part, 'X', sizeof part);
		assert_int_equal(pt_sanitize(part, sz, s, 0), need);
		got = strlen(part);
		assert_true(got < sz);
		assert_memory_equal(part, whole, got);
		/* Ends where a piece of the whole ends, and the next one did
		 * not fit. */
		bool at_boundary = false;
		for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++)
			at_boundary |= got == cuts[i];
		if (!at_boundary)
			fail_msg("cut at %zu (size %zu): \"%s\"", got, sz, part);
		assert_true(got == need || sz <= got + 4);
		assert_inert(part);
	}
	assert_int_equal(pt_sanitize(part, 0, s, 0), need);   /* nothing written */
}

/* Every byte value, alone and after a lead byte: never a live control. */
static void
every_byte_is_inert(void **state)
{
	char in[4], *out;

	(void)state;
	for (int a = 1; a < 256; a++)
		for (int b = 0; b < 256; b++) {
			in[0] = (char)a;
			in[1] = (char)b;
			in[2] = '\0';
			out = pt_sanitize_dup(in, 0);
			assert_inert(out);
			free(out);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_text_unchanged),
		cmocka_unit_test(c0_and_del),
		cmocka_unit_test(keep_newline),
		cmocka_unit_test(c1_as_utf8),
		cmocka_unit_test(broken_utf8),
		cmocka_unit_test(overlongs),
		cmocka_unit_test(surrogates),
		cmocka_unit_test(bidi_overrides),
		cmocka_unit_test(truncation),
		cmocka_unit_test(every_byte_is_inert),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
