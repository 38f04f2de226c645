/* The console's list model: rows, filter, sort and the visible window,
 * with no knowledge of curses, so it can be unit-tested and benchmarked.
 *
 * A model indexes rows that live elsewhere (in a catalog list): it keeps
 * per row one lowercased search text and, per column, a sort key. String
 * columns are ranked once when the model is built, so that every later
 * sort is a radix sort on integers: a sort keystroke on 100,000 rows costs
 * a few linear passes, never a comparison sort. */
#ifndef PT_TUI_MODEL_H
#define PT_TUI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PT_MODEL_MAX_COLS 10
#define PT_MODEL_FILTER_MAX 256
#define PT_MODEL_NONE ((size_t)-1)

enum pt_model_kind { PT_MODEL_STR, PT_MODEL_NUM };

struct pt_model {
	size_t n;                       /* rows in the source */
	int ncols;
	enum pt_model_kind kind[PT_MODEL_MAX_COLS];
	const char **str;               /* str[col * n + row]: borrowed */
	uint64_t *key;                  /* key[col * n + row]: order-preserving */
	char **hay;                     /* lowercased search text per row, until
	                                   pt_model_finish packs it into blob */
	char *blob;                     /* every row's search text, in row order,
	                                   each ended by '\n' (owned) */
	size_t *hay_off;                /* row r's text is blob[hay_off[r]..
	                                   hay_off[r + 1] - 1) */
	unsigned char *mark;            /* scratch: rows matching the filter */
	size_t *order;                  /* every row, in sort order */
	size_t *vis;                    /* the rows passing the filter, in order */
	size_t nvis;
	bool ranked[PT_MODEL_MAX_COLS]; /* string column's keys are ranks */
	int sort_col;
	bool sort_desc;
	char filter[PT_MODEL_FILTER_MAX];
	size_t sel;                     /* index into vis */
	size_t top;                     /* first vis index drawn */
};

/* Start a model of n rows and ncols columns of the given kinds. Every cell
 * must then be set, and pt_model_finish called, before any other use. */
void pt_model_init(struct pt_model *m, size_t n, int ncols,
                   const enum pt_model_kind *kinds);
/* s is borrowed: it must outlive the model. */
void pt_model_set_str(struct pt_model *m, size_t row, int col, const char *s);
void pt_model_set_num(struct pt_model *m, size_t row, int col, int64_t v);
/* What the filter matches against, case-insensitively (copied). */
void pt_model_set_search(struct pt_model *m, size_t row, const char *text);
/* Pack the search texts, then sort (ranking the sort column's strings)
 * and filter with the current settings. Other string columns are ranked
 * the first time they are sorted by. */
void pt_model_finish(struct pt_model *m);
void pt_model_free(struct pt_model *m);

/* Sort every row by col (descending when desc); keeps the filter and the
 * selected row. Ties keep the previous order (the sort is stable). */
void pt_model_sort(struct pt_model *m, int col, bool desc);
/* Show only the rows whose search text contains text (case-insensitive;
 * "" shows all). Keeps the selected row when it still passes. */
void pt_model_filter(struct pt_model *m, const char *text);

/* The source row under the selection, or PT_MODEL_NONE when none. */
size_t pt_model_selected(const struct pt_model *m);
/* Select the visible row showing source row; false when it is filtered out. */
bool pt_model_select_row(struct pt_model *m, size_t row);
/* Move the selection by delta rows (clamped). */
void pt_model_move(struct pt_model *m, long delta);
void pt_model_home(struct pt_model *m);
void pt_model_end(struct pt_model *m);
/* Scroll so that the selection shows in a window of height rows; returns
 * the first visible index (into vis) to draw. */
size_t pt_model_window(struct pt_model *m, size_t height);

#endif
