/* The list model: see model.h. No curses here. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "tui/model.h"

void
pt_model_init(struct pt_model *m, size_t n, int ncols,
              const enum pt_model_kind *kinds)
{
	if (ncols < 1 || ncols > PT_MODEL_MAX_COLS)
		pt_die("pt_model_init: %d columns", ncols);
	memset(m, 0, sizeof *m);
	m->n = n;
	m->ncols = ncols;
	memcpy(m->kind, kinds, sizeof *kinds * (size_t)ncols);
	/* +1 so that a model of zero rows still owns valid pointers */
	m->str = pt_xcalloc(n * (size_t)ncols + 1, sizeof *m->str);
	m->key = pt_xcalloc(n * (size_t)ncols + 1, sizeof *m->key);
	m->hay = pt_xcalloc(n + 1, sizeof *m->hay);
	m->order = pt_xcalloc(n + 1, sizeof *m->order);
	m->vis = pt_xcalloc(n + 1, sizeof *m->vis);
	for (size_t i = 0; i < n; i++)
		m->order[i] = i;
}

void
pt_model_set_str(struct pt_model *m, size_t row, int col, const char *s)
{
	m->str[(size_t)col * m->n + row] = s ? s : "";
}

void
pt_model_set_num(struct pt_model *m, size_t row, int col, int64_t v)
{
	/* flipping the sign bit makes unsigned order match signed order */
	m->key[(size_t)col * m->n + row] = (uint64_t)v ^ (UINT64_C(1) << 63);
}

void
pt_model_set_search(struct pt_model *m, size_t row, const char *text)
{
	char *h = pt_xstrdup(text ? text : "");

	for (char *p = h; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	free(m->hay[row]);
	m->hay[row] = h;
}

/* qsort has no context argument in C11; the model is used from one
 * thread, so the column being ranked is parked here for the comparator. */
static const char **rank_strs;

static int
rank_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(rank_strs[x], rank_strs[y]);

	return c ? c : (x > y) - (x < y);
}

static void
rank_column(struct pt_model *m, int col)
{
	const char **strs = m->str + (size_t)col * m->n;
	uint64_t *keys = m->key + (size_t)col * m->n;
	size_t *idx = pt_xmalloc((m->n + 1) * sizeof *idx);
	uint64_t rank = 0;

	for (size_t i = 0; i < m->n; i++)
		idx[i] = i;
	rank_strs = strs;
	qsort(idx, m->n, sizeof *idx, rank_cmp);
	rank_strs = NULL;
	for (size_t i = 0; i < m->n; i++) {
		if (i > 0 && strcmp(strs[idx[i - 1]], strs[idx[i]]) != 0)
			rank++;
		keys[idx[i]] = rank;   /* equal strings share a rank: ties stay stable */
	}
	free(idx);
}

static void
refilter(struct pt_model *m, bool narrow)
{
	size_t keep = pt_model_selected(m);
	const char *needle = m->filter;
	size_t n = 0;

	if (narrow) {
		/* the new filter extends the old: only rows that passed can pass */
		for (size_t i = 0; i < m->nvis; i++)
			if (strstr(m->hay[m->vis[i]], needle))
				m->vis[n++] = m->vis[i];
	} else {
		for (size_t i = 0; i < m->n; i++) {
			size_t r = m->order[i];

			if (!*needle || (m->hay[r] && strstr(m->hay[r], needle)))
				m->vis[n++] = r;
		}
	}
	m->nvis = n;
	m->sel = 0;
	m->top = 0;
	if (keep != PT_MODEL_NONE)
		pt_model_select_row(m, keep);
}

void
pt_model_finish(struct pt_model *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (!m->hay[i])
			m->hay[i] = pt_xstrdup("");
	for (int c = 0; c < m->ncols; c++)
		if (m->kind[c] == PT_MODEL_STR)
			rank_column(m, c);
	m->nvis = 0;
	pt_model_sort(m, m->sort_col, m->sort_desc);
}

void
pt_model_free(struct pt_model *m)
{
	if (m->hay)
		for (size_t i = 0; i < m->n; i++)
			free(m->hay[i]);
	free(m->hay);
	free(m->str);
	free(m->key);
	free(m->order);
	free(m->vis);
	memset(m, 0, sizeof *m);
}

/* Stable LSD radix sort of m->order by the column's keys, one byte per
 * pass, skipping the bytes every key shares (a rank below 2^17 needs three
 * passes, not eight). */
void
pt_model_sort(struct pt_model *m, int col, bool desc)
{
	const uint64_t *keys;
	uint64_t flip = desc ? ~UINT64_C(0) : 0;
	size_t *tmp, *src, *dst;
	size_t n = m->n;

	if (col < 0 || col >= m->ncols)
		col = 0;
	m->sort_col = col;
	m->sort_desc = desc;
	keys = m->key + (size_t)col * n;
	tmp = pt_xmalloc((n + 1) * sizeof *tmp);
	src = m->order;
	dst = tmp;
	for (int shift = 0; shift < 64; shift += 8) {
		size_t count[256] = { 0 }, pos[256];
		size_t sum = 0;

		for (size_t i = 0; i < n; i++)
			count[((keys[src[i]] ^ flip) >> shift) & 0xff]++;
		if (n == 0 || count[((keys[src[0]] ^ flip) >> shift) & 0xff] == n)
			continue;
		for (int b = 0; b < 256; b++) {
			pos[b] = sum;
			sum += count[b];
		}
		for (size_t i = 0; i < n; i++)
			dst[pos[((keys[src[i]] ^ flip) >> shift) & 0xff]++] = src[i];
		size_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != m->order)
		memcpy(m->order, src, n * sizeof *src);
	free(tmp);
	refilter(m, false);
}

void
pt_model_filter(struct pt_model *m, const char *text)
{
	char lower[PT_MODEL_FILTER_MAX];
	size_t len = strlen(m->filter);
	size_t i;
	bool narrow;

	for (i = 0; text[i] && i + 1 < sizeof lower; i++)
		lower[i] = (char)tolower((unsigned char)text[i]);
	lower[i] = '\0';
	narrow = *m->filter && !strncmp(lower, m->filter, len) && m->nvis <= m->n;
	memcpy(m->filter, lower, i + 1);
	refilter(m, narrow);
}

size_t
pt_model_selected(const struct pt_model *m)
{
	return m->sel < m->nvis ? m->vis[m->sel] : PT_MODEL_NONE;
}

bool
pt_model_select_row(struct pt_model *m, size_t row)
{
	for (size_t i = 0; i < m->nvis; i++)
		if (m->vis[i] == row) {
			m->sel = i;
			return true;
		}
	return false;
}

void
pt_model_move(struct pt_model *m, long delta)
{
	if (m->nvis == 0) {
		m->sel = 0;
		return;
	}
	if (delta < 0 && (size_t)-delta > m->sel)
		m->sel = 0;
	else if (delta > 0 && m->sel + (size_t)delta >= m->nvis)
		m->sel = m->nvis - 1;
	else
		m->sel = (size_t)((long)m->sel + delta);
}

void
pt_model_home(struct pt_model *m)
{
	m->sel = 0;
}

void
pt_model_end(struct pt_model *m)
{
	m->sel = m->nvis ? m->nvis - 1 : 0;
}

size_t
pt_model_window(struct pt_model *m, size_t height)
{
	if (height == 0)
		return m->top;
	if (m->sel < m->top)
		m->top = m->sel;
	else if (m->sel >= m->top + height)
		m->top = m->sel - height + 1;
	if (m->nvis <= height)
		m->top = 0;
	else if (m->top + height > m->nvis)
		m->top = m->nvis - height;
	return m->top;
}
