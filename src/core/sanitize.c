#include "config.h"

#include <stdio.h>
#include <string.h>

#include "error.h"
#include "sanitize.h"

/* The length of the well-formed UTF-8 sequence at p, with its code point
 * in *cp, or 0 when p does not start one (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF). */
static size_t
utf8_seq(const unsigned char *p, unsigned long *cp)
{
	unsigned long c;
	size_t n;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
		c = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		c = p[0] & 0x0F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10FFFF)))
		return 0;
	*cp = c;
	return n;
}

size_t
pt_utf8_char(const char *s, unsigned long *cp)
{
	return utf8_seq((const unsigned char *)s, cp);
}

bool
pt_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long c;
	size_t n;

	if (!s)
		return true;
	for (; *p; p += n)
		if (!(n = utf8_seq(p, &c)))
			return false;
	return true;
}

bool
pt_bidi_control(unsigned long c)
{
	return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

/* How the character at p is written: its byte length in *len, and the
 * escape in esc ("" when it is copied as it is). */
static void
classify(const unsigned char *p, unsigned flags, size_t *len, char esc[12])
{
	unsigned long c;
	size_t n = utf8_seq(p, &c);

	esc[0] = '\0';
	if (n == 0) {
		*len = 1;
		snprintf(esc, 12, "\\x%02x", p[0]);
		return;
	}
	*len = n;
	if (c == '\n' && (flags & PT_SAN_KEEP_NEWLINE))
		return;
	if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F))
		snprintf(esc, 12, "\\x%02lx", c);
	else if (pt_bidi_control(c))
		snprintf(esc, 12, "\\u%04lx", c);
}

bool
pt_text_clean(const char *s, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[12];
	size_t len;

	if (!s)
		return true;
	while (*p) {
		/* Printable ASCII is by far the common case. */
		if (*p >= 0x20 && *p < 0x7F) {
			p++;
			continue;
		}
		classify(p, flags, &len, esc);
		if (esc[0])
			return false;
		p += len;
	}
	return true;
}

size_t
pt_sanitize(char *out, size_t outsz, const char *s, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t need = 0, used = 0;
	bool full = outsz == 0;
	char esc[12];
	size_t len;

	while (*p) {
		const char *piece;
		size_t plen;

		classify(p, flags, &len, esc);
		piece = esc[0] ? esc : (const char *)p;
		plen = esc[0] ? strlen(esc) : len;
		if (!full && used + plen < outsz) {
			memcpy(out + used, piece, plen);
			used += plen;
		} else
			full = true;   /* never a part of a character or an escape */
		need += plen;
		p += len;
	}
	if (outsz)
		out[used] = '\0';
	return need;
}

char *
pt_sanitize_dup(const char *s, unsigned flags)
{
	size_t n = pt_sanitize(NULL, 0, s, flags);
	char *out = pt_xmalloc(n + 1);

	pt_sanitize(out, n + 1, s, flags);
	return out;
}
