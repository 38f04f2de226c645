#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "error.h"
#include "output.h"

static const char *const format_names[] = {
#define PT_FORMAT_NAME(code, name) name,
	PT_FORMAT_LIST(PT_FORMAT_NAME)
#undef PT_FORMAT_NAME
};

bool
pt_format_parse(const char *name, enum pt_format *out)
{
	for (int i = 0; i < PT_FORMAT_COUNT; i++)
		if (!strcmp(name, format_names[i])) {
			*out = (enum pt_format)i;
			return true;
		}
	return false;
}

bool
pt_utf8_valid(const char *s)
{
	size_t n;

	/* Checked by hand: mbrtowc would follow the locale, JSON wants UTF-8. */
	for (const unsigned char *p = (const unsigned char *)s; *p; p += n) {
		unsigned c = *p, min, cp;

		n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		if (!n)
			return false;
		min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
		cp = n == 1 ? c : c & (0x7f >> n);
		for (size_t i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (n > 1 && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)))
			return false;
	}
	return true;
}

void
pt_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

void
pt_csv_field(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' ')) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

void
pt_json_object(FILE *out, const char *const *keys, const char *const *vals,
               size_t n)
{
	fputc('{', out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", out);
		pt_json_string(out, keys[i]);
		fputs(": ", out);
		pt_json_string(out, vals[i]);
	}
	fputc('}', out);
}

void
pt_csv_record(FILE *out, const char *const *vals, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pt_csv_field(out, vals[i]);
		fputc(i + 1 < n ? ',' : '\n', out);
	}
}

/* Display width of a UTF-8 string (invalid bytes count as one column). */
static size_t
display_width(const char *s)
{
	mbstate_t st;
	size_t w = 0;

	memset(&st, 0, sizeof st);
	while (*s) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			w++;
			/* a C1 control is one "?" in any locale */
			s += (unsigned char)s[0] == 0xc2 && (unsigned char)s[1] >= 0x80 &&
			     (unsigned char)s[1] <= 0x9f ? 2 : 1;
			continue;
		}
		int cw = wcwidth(wc);
		/* A control character is shown as one "?" (put_cell). */
		w += cw > 0 ? (size_t)cw : cw < 0 ? 1u : 0u;
		s += n;
	}
	return w;
}

/* A name made outside pgtenant may hold control characters (an ESC
 * sequence in a schema name would drive the reader's terminal): show each
 * C0 or C1 control as "?". */
static void
put_cell(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fputc('?', out);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputc('?', out);
			p++;
		} else
			fputc(*p, out);
	}
}

static void
pad(FILE *out, size_t n)
{
	while (n--)
		fputc(' ', out);
}

static void
print_table(FILE *out, const struct pt_column *cols, size_t ncols, size_t nrows,
            pt_cell_fn cell, void *ud)
{
	size_t *w = pt_xcalloc(ncols, sizeof *w);

	for (size_t c = 0; c < ncols; c++)
		w[c] = display_width(_(cols[c].title));
	for (size_t r = 0; r < nrows; r++)
		for (size_t c = 0; c < ncols; c++) {
			const char *v = cell(ud, r, c);
			size_t cw = v ? display_width(v) : 0;
			if (cw > w[c])
				w[c] = cw;
		}
	for (size_t c = 0; c < ncols; c++) {
		size_t cw = display_width(_(cols[c].title));
		if (cols[c].right)
			pad(out, w[c] - cw);
		fputs(_(cols[c].title), out);
		if (c + 1 < ncols)
			pad(out, (cols[c].right ? 0 : w[c] - cw) + 2);
	}
	fputc('\n', out);
	for (size_t c = 0; c < ncols; c++) {
		for (size_t i = 0; i < w[c]; i++)
			fputc('-', out);
		if (c + 1 < ncols)
			fputs("  ", out);
	}
	fputc('\n', out);
	for (size_t r = 0; r < nrows; r++) {
		for (size_t c = 0; c < ncols; c++) {
			const char *v = cell(ud, r, c);
			if (!v)
				v = "";
			if (cols[c].kind == PT_COL_BOOL)
				v = *v == 't' ? "yes" : "no";
			size_t cw = display_width(v);
			if (cols[c].right)
				pad(out, w[c] - cw);
			put_cell(out, v);
			if (c + 1 < ncols)
				pad(out, (cols[c].right ? 0 : w[c] - cw) + 2);
		}
		fputc('\n', out);
	}
	free(w);
}

static void
print_json_value(FILE *out, const struct pt_column *col, const char *v)
{
	if (!v || (col->kind == PT_COL_NULLABLE && !*v))
		fputs("null", out);
	else if (col->kind == PT_COL_BOOL)
		fputs(*v == 't' ? "true" : "false", out);
	else if (col->kind == PT_COL_NUMBER && *v)
		fputs(v, out);
	else
		pt_json_string(out, v);
}

void
pt_print_rows(FILE *out, enum pt_format fmt, const struct pt_column *cols,
              size_t ncols, size_t nrows, pt_cell_fn cell, void *ud)
{
	switch (fmt) {
	case PT_FORMAT_TABLE:
		print_table(out, cols, ncols, nrows, cell, ud);
		break;
	case PT_FORMAT_CSV:
		for (size_t c = 0; c < ncols; c++) {
			pt_csv_field(out, cols[c].name);
			fputc(c + 1 < ncols ? ',' : '\n', out);
		}
		for (size_t r = 0; r < nrows; r++)
			for (size_t c = 0; c < ncols; c++) {
				const char *v = cell(ud, r, c);
				if (v && cols[c].kind == PT_COL_BOOL)
					v = *v == 't' ? "true" : "false";
				pt_csv_field(out, v ? v : "");
				fputc(c + 1 < ncols ? ',' : '\n', out);
			}
		break;
	case PT_FORMAT_JSON:
		fputc('[', out);
		for (size_t r = 0; r < nrows; r++) {
			fputs(r ? ",\n {" : "\n {", out);
			for (size_t c = 0; c < ncols; c++) {
				if (c)
					fputs(", ", out);
				pt_json_string(out, cols[c].name);
				fputs(": ", out);
				print_json_value(out, &cols[c], cell(ud, r, c));
			}
			fputc('}', out);
		}
		fputs(nrows ? "\n]\n" : "]\n", out);
		break;
	default:
		pt_die("bad output format %d", (int)fmt);
	}
}
