#include "config.h"

#include <stdio.h>

#include "json.h"
#include "sanitize.h"

/* Exact text, with every control escaped: C0 and DEL as JSON requires or
 * allows, and the C1 controls (U+0080 to U+009F) too, which JSON would
 * carry raw but a terminal showing the JSON would obey, and the bidi
 * overrides, which would reorder what a terminal shows. A byte that is not
 * UTF-8 (only a SQL_ASCII database holds such names) becomes U+FFFD: JSON
 * cannot carry it, and the document must stay valid. */
void
pt_json_string(FILE *out, const char *s)
{
	unsigned long c;
	size_t n;

	fputc('"', out);
	for (const char *p = s; *p; p += n) {
		n = pt_utf8_char(p, &c);
		if (!n) {
			fputs("\\ufffd", out);
			n = 1;
			continue;
		}
		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || pt_bidi_control(c))
				fprintf(out, "\\u%04lx", c);
			else
				fwrite(p, 1, n, out);
		}
	}
	fputc('"', out);
}
