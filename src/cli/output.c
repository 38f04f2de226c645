#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "error.h"
#include "output.h"
#include "sanitize.h"

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

/* Whether out shows text to a person, who must see tenant text made
 * visible, or is a file or a pipe, which must get the exact bytes. */
bool
pt_stream_is_tty(FILE *out)
{
	return isatty(fileno(out)) == 1;
}

static void
csv_field(FILE *out, const char *s, bool tty)
{
	char *shown = NULL;

	if (tty && !pt_text_clean(s, 0))
		s = shown = pt_sanitize_dup(s, 0);
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' ')) {
		fputs(s, out);
		free(shown);
		return;
	}
	fputc('"', out);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	fputc('"', out);
	free(shown);
}

void
pt_csv_field(FILE *out, const char *s)
{
	csv_field(out, s, pt_stream_is_tty(out));
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
	bool tty = pt_stream_is_tty(out);

	for (size_t i = 0; i < n; i++) {
		csv_field(out, vals[i], tty);
		fputc(i + 1 < n ? ',' : '\n', out);
	}
}

void
pt_pairs_table(FILE *out, const char *const *keys, const char *const *vals,
               size_t n)
{
	bool tty = pt_stream_is_tty(out);

	for (size_t i = 0; i < n; i++) {
		char *shown = tty ? pt_sanitize_dup(vals[i], 0) : NULL;
		fprintf(out, "%-18s %s\n", keys[i], shown ? shown : vals[i]);
		free(shown);
	}
}

void
pt_vfprintf_safe(FILE *out, const char *fmt, va_list ap)
{
	char buf[1024], *text = buf, *shown;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	if (n < 0) {
		va_end(again);
		return;
	}
	if ((size_t)n >= sizeof buf) {
		text = pt_xmalloc((size_t)n + 1);
		vsnprintf(text, (size_t)n + 1, fmt, again);
	}
	va_end(again);
	shown = pt_sanitize_dup(text, PT_SAN_KEEP_NEWLINE);
	fputs(shown, out);
	free(shown);
	if (text != buf)
		free(text);
}

void
pt_fprintf_safe(FILE *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pt_vfprintf_safe(out, fmt, ap);
	va_end(ap);
}

const char *
pt_visible(const char *s)
{
	static char *ring[8];
	static unsigned next;
	char **slot = &ring[next++ % 8];

	free(*slot);
	*slot = pt_sanitize_dup(s, 0);
	return *slot;
}

/* Display width of a UTF-8 string that pt_sanitize has made visible
 * (bytes that do not convert count as one column each). */
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
			s++;
			continue;
		}
		int cw = wcwidth(wc);
		w += cw > 0 ? (size_t)cw : 0u;
		s += n;
	}
	return w;
}

/* A table is for a person: every cell made visible, whatever out is. The
 * result lives in *shown (the caller frees it) until the next call. */
static const char *
table_cell(const struct pt_column *col, pt_cell_fn cell, void *ud, size_t r,
           size_t c, char **shown)
{
	const char *v = cell(ud, r, c);

	if (!v)
		return "";
	if (col->kind == PT_COL_BOOL)
		return *v == 't' ? "yes" : "no";
	free(*shown);
	*shown = pt_sanitize_dup(v, 0);
	return *shown;
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
	char *shown = NULL;

	for (size_t c = 0; c < ncols; c++)
		w[c] = display_width(_(cols[c].title));
	for (size_t r = 0; r < nrows; r++)
		for (size_t c = 0; c < ncols; c++) {
			size_t cw = display_width(table_cell(&cols[c], cell, ud, r, c, &shown));
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
			const char *v = table_cell(&cols[c], cell, ud, r, c, &shown);
			size_t cw = display_width(v);
			if (cols[c].right)
				pad(out, w[c] - cw);
			fputs(v, out);
			if (c + 1 < ncols)
				pad(out, (cols[c].right ? 0 : w[c] - cw) + 2);
		}
		fputc('\n', out);
	}
	free(shown);
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
	bool tty;

	switch (fmt) {
	case PT_FORMAT_TABLE:
		print_table(out, cols, ncols, nrows, cell, ud);
		break;
	case PT_FORMAT_CSV:
		tty = pt_stream_is_tty(out);
		for (size_t c = 0; c < ncols; c++) {
			csv_field(out, cols[c].name, tty);
			fputc(c + 1 < ncols ? ',' : '\n', out);
		}
		for (size_t r = 0; r < nrows; r++)
			for (size_t c = 0; c < ncols; c++) {
				const char *v = cell(ud, r, c);
				if (v && cols[c].kind == PT_COL_BOOL)
					v = *v == 't' ? "true" : "false";
				csv_field(out, v ? v : "", tty);
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
