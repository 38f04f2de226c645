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

/* Stable LSD radix sort of the row indexes idx[0..n) by keys[row] ^ flip,
 * one byte per pass, skipping the bytes every key shares (a rank below
 * 2^17 needs three passes, not eight). */
static void
radix_sort(size_t *idx, size_t n, const uint64_t *keys, uint64_t flip)
{
	size_t *tmp = pt_xmalloc((n + 1) * sizeof *tmp);
	size_t *src = idx, *dst = tmp;

	for (int shift = 0; shift < 64 && n > 0; shift += 8) {
		size_t count[256] = { 0 }, pos[256];
		size_t sum = 0;

		for (size_t i = 0; i < n; i++)
			count[((keys[src[i]] ^ flip) >> shift) & 0xff]++;
		if (count[((keys[src[0]] ^ flip) >> shift) & 0xff] == n)
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
	if (src != idx)
		memcpy(idx, src, n * sizeof *src);
	free(tmp);
}

/* Replace a string column's keys by ranks (equal strings, equal ranks).
 * Comparison-sorting 100,000 strings costs ~100 ms; instead the 8 bytes
 * after the prefix all strings share ("tenant_") become an integer that a
 * radix sort orders, and only rows whose 8 bytes tie are compared in full. */
static void
rank_column(struct pt_model *m, int col)
{
	const char **strs = m->str + (size_t)col * m->n;
	uint64_t *keys = m->key + (size_t)col * m->n;
	uint64_t *pre;
	size_t *idx, lcp, n = m->n;
	uint64_t rank = 0;

	if (n == 0)
		return;
	lcp = strlen(strs[0]);
	for (size_t i = 1; i < n && lcp > 0; i++) {
		size_t k = 0;

		while (k < lcp && strs[i][k] == strs[0][k])
			k++;
		lcp = k;
	}
	pre = pt_xmalloc(n * sizeof *pre);
	idx = pt_xmalloc(n * sizeof *idx);
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = (const unsigned char *)strs[i] + lcp;
		uint64_t k = 0;
		int b;

		/* big-endian, NUL-padded: integer order is strcmp order */
		for (b = 0; b < 8 && p[b]; b++)
			k |= (uint64_t)p[b] << (56 - 8 * b);
		pre[i] = k;
		idx[i] = i;
	}
	radix_sort(idx, n, pre, 0);
	rank_strs = strs;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;

		while (j < n && pre[idx[j]] == pre[idx[i]])
			j++;
		if (j - i > 1)
			qsort(idx + i, j - i, sizeof *idx, rank_cmp);
		i = j;
	}
	rank_strs = NULL;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (pre[idx[i - 1]] != pre[idx[i]] ||
		              strcmp(strs[idx[i - 1]], strs[idx[i]]) != 0))
			rank++;
		keys[idx[i]] = rank;   /* equal strings share a rank: ties stay stable */
	}
	free(pre);
	free(idx);
}

/* Where row r's search text lies in the blob (without its '\n'). */
static const char *
hay_of(const struct pt_model *m, size_t r, size_t *len)
{
	*len = m->hay_off[r + 1] - m->hay_off[r] - 1;
	return m->blob + m->hay_off[r];
}

/* A naive byte search: needles are a few typed characters and haystacks
 * a few dozen bytes, where set-up costs of cleverer searches dominate. */
static const char *
find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (nlen == 0)
		return hay;
	for (const char *end = hay + hlen; (size_t)(end - hay) >= nlen; hay++) {
		hay = memchr(hay, needle[0], (size_t)(end - hay) - nlen + 1);
		if (!hay)
			return NULL;
		if (!memcmp(hay, needle, nlen))
			return hay;
	}
	return NULL;
}

static void
refilter(struct pt_model *m, bool narrow)
{
	size_t keep = pt_model_selected(m);
	const char *needle = m->filter;
	size_t nlen = strlen(needle), n = 0, hlen;

	/* narrowing a filter most rows pass costs more than one scan of all */
	if (narrow && m->nvis < m->n / 8) {
		/* the new filter extends the old: only rows that passed can pass */
		for (size_t i = 0; i < m->nvis; i++) {
			const char *h = hay_of(m, m->vis[i], &hlen);

			if (find(h, hlen, needle, nlen))
				m->vis[n++] = m->vis[i];
		}
	} else if (nlen == 0) {
		memcpy(m->vis, m->order, m->n * sizeof *m->vis);
		n = m->n;
	} else {
		/* one pass over all the text at once (it is contiguous: no
		 * pointer chasing), marking the rows hit, then the rows in
		 * sort order; a hit that spans a row end needs a '\n' in the
		 * needle, which typed filters never have */
		const char *p = m->blob, *end = m->blob + m->hay_off[m->n];
		size_t row = 0;

		memset(m->mark, 0, m->n + 1);
		while ((p = find(p, (size_t)(end - p), needle, nlen)) != NULL) {
			size_t off = (size_t)(p - m->blob);

			/* rows are in offset order: walk forward to the hit */
			while (m->hay_off[row + 1] <= off)
				row++;
			m->mark[row] = 1;
			p = m->blob + m->hay_off[row + 1];
		}
		for (size_t i = 0; i < m->n; i++)
			if (m->mark[m->order[i]])
				m->vis[n++] = m->order[i];
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
	size_t total = 0, off = 0;

	for (size_t i = 0; i < m->n; i++)
		total += (m->hay[i] ? strlen(m->hay[i]) : 0) + 1;
	m->blob = pt_xmalloc(total + 1);
	m->hay_off = pt_xmalloc((m->n + 1) * sizeof *m->hay_off);
	m->mark = pt_xmalloc(m->n + 1);
	for (size_t i = 0; i < m->n; i++) {
		size_t len = m->hay[i] ? strlen(m->hay[i]) : 0;

		m->hay_off[i] = off;
		if (len)
			memcpy(m->blob + off, m->hay[i], len);
		/* a newline inside one row's text would split it: flatten */
		for (size_t k = 0; k < len; k++)
			if (m->blob[off + k] == '\n')
				m->blob[off + k] = ' ';
		off += len;
		m->blob[off++] = '\n';
		free(m->hay[i]);
		m->hay[i] = NULL;
	}
	m->hay_off[m->n] = off;
	m->blob[off] = '\0';
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
	free(m->blob);
	free(m->hay_off);
	free(m->mark);
	free(m->str);
	free(m->key);
	free(m->order);
	free(m->vis);
	memset(m, 0, sizeof *m);
}

void
pt_model_sort(struct pt_model *m, int col, bool desc)
{
	const uint64_t *keys;
	uint64_t flip = desc ? ~UINT64_C(0) : 0;
	size_t n = m->n;

	if (col < 0 || col >= m->ncols)
		col = 0;
	m->sort_col = col;
	m->sort_desc = desc;
	if (m->kind[col] == PT_MODEL_STR && !m->ranked[col]) {
		rank_column(m, col);
		m->ranked[col] = true;
	}
	keys = m->key + (size_t)col * n;
	radix_sort(m->order, n, keys, flip);
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
