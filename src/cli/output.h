/* Printing rows as an aligned table, CSV (RFC 4180) or JSON. Rows are
 * pulled through a callback so a 100,000-row listing is never copied. */
#ifndef PT_OUTPUT_H
#define PT_OUTPUT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "json.h"        /* pt_json_string */
#include "sanitize.h"

#define PT_FORMAT_LIST(X) \
	X(PT_FORMAT_TABLE, "table") \
	X(PT_FORMAT_CSV,   "csv") \
	X(PT_FORMAT_JSON,  "json")

enum pt_format {
#define PT_FORMAT_ENUM(code, name) code,
	PT_FORMAT_LIST(PT_FORMAT_ENUM)
#undef PT_FORMAT_ENUM
	PT_FORMAT_COUNT
};

/* Parse "table", "csv" or "json"; false when it is none of them. */
bool pt_format_parse(const char *name, enum pt_format *out);

/* How a cell is written in JSON: quoted, bare number, true/false, or
 * null when the cell is NULL or (for PT_COL_NULLABLE) empty. */
enum pt_col_kind { PT_COL_TEXT, PT_COL_NUMBER, PT_COL_BOOL, PT_COL_NULLABLE };

struct pt_column {
	const char *name;        /* the CSV header and JSON key: never translated */
	const char *title;       /* the table heading, marked N_(): printed translated */
	enum pt_col_kind kind;
	bool right;              /* right-align in a table */
};

/* Return the text of a cell (bools as "t"/"f"), or NULL for SQL NULL. The
 * pointer must stay valid until the next call. */
typedef const char *(*pt_cell_fn)(void *ud, size_t row, size_t col);

void pt_print_rows(FILE *out, enum pt_format fmt, const struct pt_column *cols,
                   size_t ncols, size_t nrows, pt_cell_fn cell, void *ud);

/* How tenant text reaches each format (see sanitize.h): a table shows
 * every cell made visible; CSV keeps the exact bytes for a file or a pipe
 * and is made visible when out is a terminal; JSON keeps the exact text
 * and escapes every control, C1 and bidi override as \uXXXX. */

/* One CSV field, quoted when it must be. */
void pt_csv_field(FILE *out, const char *s);

/* True when out is a terminal. */
bool pt_stream_is_tty(FILE *out);

/* "key                value" lines for n pairs (credentials); values are
 * made visible when out is a terminal, exact otherwise. */
void pt_pairs_table(FILE *out, const char *const *keys,
                    const char *const *vals, size_t n);

/* printf with the whole result made visible (newlines kept), whether or
 * not out is a terminal: for every message that may carry server text,
 * file content or an argument (errors, warnings, the audit's blocks). */
void pt_fprintf_safe(FILE *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pt_vfprintf_safe(FILE *out, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* s made visible, line breaks included, for one argument of a message
 * whose own line breaks stay: owned here and valid for the next seven
 * calls (not thread-safe). */
const char *pt_visible(const char *s);

/* {"key": "value", ...} of n string pairs, without a line ending. */
void pt_json_object(FILE *out, const char *const *keys,
                    const char *const *vals, size_t n);
/* One CSV record of n fields with its line ending. */
void pt_csv_record(FILE *out, const char *const *vals, size_t n);

#endif
