/* The console's widgets: drawing and editing primitives every screen
 * uses (htop's RichString/Panel, tig's draw.c). Width-aware (wcwidth, not
 * bytes), cut with an ellipsis, and the one place text reaches curses:
 * every string drawn goes through pt_sanitize here, so no screen can show
 * a tenant's escape sequence by forgetting to. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>
#include <wctype.h>
#include <curses.h>
#include <sodium.h>

#include "sanitize.h"
#include "tui/ui.h"

/* The bytes of the first maxchars characters of s (all of s when
 * SIZE_MAX); *more says whether text was left out. Drawing costs what is
 * shown, not what a tenant stored: a 1 MB role setting is cut here, before
 * it is copied, sanitised and decoded. */
static size_t
prefix_bytes(const char *s, size_t maxchars, bool *more)
{
	size_t i = 0, chars = 0;

	*more = false;
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars++ == maxchars) {
			*more = true;
			break;
		}
	return i;
}

/* Text on its way to the screen: its first maxchars characters (SIZE_MAX:
 * all) sanitised (a tenant's ESC, BEL, C1 or bidi override becomes visible
 * text), decoded, and every character one the terminal prints. Returns a
 * new wide string (free()), *n its length, *more whether text was cut. */
static wchar_t *
safe_wide_n(const char *utf8, unsigned flags, size_t maxchars, size_t *n, bool *more)
{
	const char *in = utf8 ? utf8 : "";
	size_t inlen = prefix_bytes(in, maxchars, more);
	char *cut = pt_xmalloc(inlen + 1), *s;
	const char *p;
	size_t len, k = 0;
	wchar_t *out;
	mbstate_t st;

	memcpy(cut, in, inlen);
	cut[inlen] = '\0';
	s = pt_sanitize_dup(cut, flags);
	sodium_memzero(cut, inlen);
	free(cut);
	p = s;
	len = strlen(s);
	out = pt_xmalloc((len + 1) * sizeof *out);
	memset(&st, 0, sizeof st);
	while (*p) {
		wchar_t wc;
		/* what is left, counted once: strlen(p) here made a long string
		 * cost the square of its length (248 s for 1.28 MB) */
		size_t r = mbrtowc(&wc, p, len - (size_t)(p - s), &st);

		if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
			/* a locale without UTF-8: one '?' per byte */
			wc = L'?';
			r = 1;
			memset(&st, 0, sizeof st);
		}
		if (wc != L'\n' && !iswprint((wint_t)wc))
			wc = L'?';
		out[k++] = wc;
		p += r;
	}
	out[k] = L'\0';
	/* it may be a password on the credentials screen */
	sodium_memzero(s, len);
	free(s);
	*n = k;
	return out;
}

static wchar_t *
safe_wide(const char *utf8, unsigned flags, size_t *n)
{
	bool more;

	return safe_wide_n(utf8, flags, SIZE_MAX, n, &more);
}

/* Characters enough to fill cols columns and show that more follows:
 * every character takes at least one column (but those of width 0, which
 * then end the text early with the ellipsis). */
static size_t
chars_for(int cols)
{
	return cols > 0 ? (size_t)cols + 1 : 1;
}

static void
free_wide(wchar_t *w, size_t n)
{
	sodium_memzero(w, n * sizeof *w);
	free(w);
}

static int
cell_width(wchar_t c)
{
	int w = wcwidth(c);

	return w < 0 ? 1 : w;
}

/* The ellipsis that marks cut text, where the locale can show it. */
static wchar_t
ellipsis(void)
{
	return MB_CUR_MAX > 1 ? L'\u2026' : L'~';
}

/* The columns of utf8, counted up to a little past max (INT_MAX: all). */
static int
width_upto(const char *utf8, int max)
{
	size_t n;
	bool more;
	wchar_t *w = safe_wide_n(utf8, 0, max == INT_MAX ? SIZE_MAX : chars_for(max), &n, &more);
	int cols = 0;

	for (size_t i = 0; i < n && cols <= max; i++)
		cols += cell_width(w[i]);
	free_wide(w, n);
	return more && cols <= max ? max + 1 : cols;
}

int
pt_ui_width(const char *utf8)
{
	return width_upto(utf8, INT_MAX);
}

/* Draw s[0..n) at y, x in at most maxcols columns; cut with an ellipsis
 * when it does not fit, or when more (text left out before) is set.
 * Returns the columns used. */
static int
put_wide(WINDOW *win, int y, int x, const wchar_t *s, size_t n, int maxcols, attr_t a,
         bool more)
{
	int used = 0, total = 0;
	size_t i;
	bool cut;

	if (maxcols <= 0)
		return 0;
	for (i = 0; i < n && total <= maxcols; i++)
		total += cell_width(s[i]);
	cut = more || total > maxcols;
	for (i = 0; i < n; i++) {
		int cw = cell_width(s[i]);

		if (used + cw > maxcols - (cut ? 1 : 0))
			break;
		used += cw;
	}
	if (win) {
		wattron(win, a);
		mvwaddnwstr(win, y, x, s, (int)i);
		if (cut) {
			wchar_t e[2] = { ellipsis(), L'\0' };

			waddnwstr(win, e, 1);
		}
		wattroff(win, a);
	}
	return used + (cut ? 1 : 0);
}

int
pt_ui_put(WINDOW *win, int y, int x, const char *utf8, int maxcols, attr_t a)
{
	size_t n;
	wchar_t *w;
	int used;
	bool more;

	if (maxcols <= 0)
		return 0;
	w = safe_wide_n(utf8, 0, chars_for(maxcols), &n, &more);
	used = put_wide(win, y, x, w, n, maxcols, a, more);
	free_wide(w, n);
	return used;
}

int
pt_ui_put_mid(WINDOW *win, int y, int x, const char *utf8, int maxcols, attr_t a)
{
	size_t n, head = 0, tail;
	wchar_t *w;
	int total = 0, hw = 0, tw = 0, room;

	if (maxcols <= 0)
		return 0;
	w = safe_wide(utf8, 0, &n);
	for (size_t i = 0; i < n; i++)
		total += cell_width(w[i]);
	if (total <= maxcols || maxcols < 5) {
		free_wide(w, n);
		return pt_ui_put(win, y, x, utf8, maxcols, a);
	}
	/* the tail tells names with a common prefix apart: it gets the odd
	 * column */
	room = maxcols - 1;
	while (head < n && hw + cell_width(w[head]) <= room / 2)
		hw += cell_width(w[head++]);
	tail = n;
	while (tail > head && tw + cell_width(w[tail - 1]) <= room - hw)
		tw += cell_width(w[--tail]);
	if (win) {
		wchar_t e[2] = { ellipsis(), L'\0' };

		wattron(win, a);
		mvwaddnwstr(win, y, x, w, (int)head);
		waddnwstr(win, e, 1);
		waddnwstr(win, w + tail, (int)(n - tail));
		wattroff(win, a);
	}
	free_wide(w, n);
	return hw + 1 + tw;
}

/* Where the line starting at s[i] ends within width columns: after the
 * last space that fits (between words, or tokens of SQL, never inside
 * one), at a newline, or, for a word longer than the line, where it stops
 * fitting. *next is where the following line starts. */
static size_t
line_end(const wchar_t *s, size_t n, size_t i, int width, size_t *next)
{
	size_t j = i, space = (size_t)-1;
	int used = 0;

	while (j < n && s[j] != L'\n') {
		int cw = cell_width(s[j]);

		if (used + cw > width)
			break;
		if (s[j] == L' ')
			space = j;
		used += cw;
		j++;
	}
	if (j >= n || s[j] == L'\n') {
		*next = j < n ? j + 1 : n;
		return j;
	}
	if (s[j] == L' ' || space == (size_t)-1 || space == i) {
		*next = j;
		if (s[j] == L' ')
			while (*next < n && s[*next] == L' ')
				(*next)++;
		return j > i ? j : i + 1;       /* a character wider than the line */
	}
	*next = space + 1;
	while (*next < n && s[*next] == L' ')
		(*next)++;
	return space;
}

int
pt_ui_wrap(WINDOW *win, int y, int x, const char *utf8, int width, int skip,
           int maxlines, attr_t a)
{
	size_t n, i = 0;
	wchar_t *s;
	int line = 0, drawn = 0;
	bool more = false;

	if (width <= 0)
		return 0;
	/* with a limit, no more than the lines shown can use: each line
	 * takes at most width characters and its break (runs of spaces
	 * at a break beyond that only cut the last line early) */
	s = maxlines < 0 ? safe_wide(utf8, PT_SAN_KEEP_NEWLINE, &n)
	    : safe_wide_n(utf8, PT_SAN_KEEP_NEWLINE,
	                  (size_t)(skip + maxlines) * chars_for(width + 1), &n, &more);
	while (i < n && (maxlines < 0 || drawn < maxlines)) {
		size_t next, end = line_end(s, n, i, width, &next);

		if (line++ >= skip) {
			if (maxlines >= 0 && drawn + 1 == maxlines && (next < n || more))
				/* the last line there is room for: the rest, cut
				 * with an ellipsis, so a cut never goes unnoticed */
				end = wcscspn(s + i, L"\n") + i;
			if (win)
				put_wide(win, y + drawn, x, s + i, end - i, width, a,
				         more && maxlines >= 0 && drawn + 1 == maxlines);
			drawn++;
		}
		i = next;
	}
	free_wide(s, n);
	return drawn;
}

int
pt_ui_wrap_hard(WINDOW *win, int y, int x, const char *utf8, int width, int maxlines,
                attr_t a)
{
	size_t n, i = 0;
	bool more;
	/* the rows shown are all it can use */
	wchar_t *s = safe_wide_n(utf8, 0, (size_t)(maxlines > 0 ? maxlines : 0) *
	                         chars_for(width), &n, &more);
	int drawn = 0;

	while (i < n && drawn < maxlines && width > 0) {
		size_t j = i;
		int used = 0;

		while (j < n && used + cell_width(s[j]) <= width)
			used += cell_width(s[j++]);
		if (j == i)
			j++;
		wattron(win, a);
		mvwaddnwstr(win, y + drawn++, x, s + i, (int)(j - i));
		wattroff(win, a);
		i = j;
	}
	free_wide(s, n);
	return drawn;
}

bool
pt_ui_page_action(struct pt_ui *ui, enum pt_action a, int total, int visible)
{
	if (pt_ui_scroll(ui, a, total, visible))
		return true;
	if (a != ACT_ENTER)
		return false;
	pt_ui_pop(ui);
	return true;
}

int
pt_ui_put_wrapped(WINDOW *win, int y, int x, const char *utf8, int width,
                  int maxlines, attr_t a)
{
	return pt_ui_wrap(win, y, x, utf8, width, 0, maxlines, a);
}

int
pt_ui_wrap_lines(const char *utf8, int width)
{
	return pt_ui_wrap(NULL, 0, 0, utf8, width, 0, -1, A_NORMAL);
}

bool
pt_ui_scroll(struct pt_ui *ui, enum pt_action a, int total, int visible)
{
	int page = visible > 1 ? visible - 1 : 1;
	int last = total > visible ? total - visible : 0;

	switch (a) {
	case ACT_DOWN: ui->scroll++; break;
	case ACT_UP: ui->scroll--; break;
	case ACT_PGDN: ui->scroll += page; break;
	case ACT_PGUP: ui->scroll -= page; break;
	case ACT_HOME: ui->scroll = 0; break;
	case ACT_END: ui->scroll = last; break;
	default: return false;
	}
	if (ui->scroll > last)
		ui->scroll = last;
	if (ui->scroll < 0)
		ui->scroll = 0;
	return true;
}

bool
pt_ui_edit(char *buf, size_t bufsz, wint_t ch, bool is_code)
{
	size_t len = strlen(buf);

	if ((is_code && ch == KEY_BACKSPACE) || (!is_code && (ch == 127 || ch == 8))) {
		/* drop one whole UTF-8 character */
		while (len > 0) {
			unsigned char c = (unsigned char)buf[--len];

			buf[len] = '\0';
			if ((c & 0xc0) != 0x80)
				break;
		}
		return true;
	}
	if (!is_code && ch == CTRL('u')) {
		memset(buf, 0, bufsz);
		return true;
	}
	if (!is_code && iswprint(ch)) {
		char mb[MB_LEN_MAX];
		mbstate_t st;
		size_t k;

		memset(&st, 0, sizeof st);
		k = wcrtomb(mb, (wchar_t)ch, &st);
		if (k != (size_t)-1 && len + k < bufsz) {
			memcpy(buf + len, mb, k);
			buf[len + k] = '\0';
		} else {
			beep();
		}
		return true;
	}
	return false;
}

bool
pt_ui_form_move(enum pt_action a, int *field, int n)
{
	if (a != ACT_NEXT_FIELD && a != ACT_PREV_FIELD)
		return false;
	*field = (*field + (a == ACT_NEXT_FIELD ? 1 : n - 1)) % n;
	return true;
}

bool
pt_ui_list_nav(struct pt_ui *ui, struct pt_model *m, enum pt_action a,
               const char *const *titles)
{
	long page = LINES > 8 ? LINES - 8 : 1;
	int next;

	switch (a) {
	case ACT_SORT:
		/* numbers (sizes, counts) sort largest first */
		next = (m->sort_col + 1) % m->ncols;
		pt_model_sort(m, next, m->kind[next] == PT_MODEL_NUM);
		pt_ui_msg(ui, _("Sorted by %s."), _(titles[next]));
		return true;
	case ACT_SORT_REV:
		pt_model_sort(m, m->sort_col, !m->sort_desc);
		return true;
	case ACT_UP: pt_model_move(m, -1); return true;
	case ACT_DOWN: pt_model_move(m, 1); return true;
	case ACT_PGUP: pt_model_move(m, -page); return true;
	case ACT_PGDN: pt_model_move(m, page); return true;
	case ACT_HOME: pt_model_home(m); return true;
	case ACT_END: pt_model_end(m); return true;
	default: return false;
	}
}

const char *
pt_ui_sort_mark(const struct pt_model *m, int col)
{
	if (m->sort_col != col)
		return "";
	return m->sort_desc ? "\xe2\x96\xbc" : "\xe2\x96\xb2";
}

bool
pt_ui_sort_by(struct pt_ui *ui, const char *name)
{
	const struct pt_screen_ops *top = pt_ui_top(ui);
	struct pt_model *m = top && top->model ? top->model(ui) : NULL;
	size_t len = strlen(name);

	if (!m || !top->col_titles) {
		pt_ui_err(ui, "%s", _("Nothing to sort on this screen."));
		return false;
	}
	for (int c = 0; c < m->ncols && top->col_titles[c]; c++)
		if (!strncasecmp(top->col_titles[c], name, len) ||
		    !strncasecmp(_(top->col_titles[c]), name, len)) {
			pt_model_sort(m, c, m->kind[c] == PT_MODEL_NUM);
			pt_ui_msg(ui, _("Sorted by %s."), _(top->col_titles[c]));
			return true;
		}
	pt_ui_err(ui, _("No column \"%s\" here."), name);
	return false;
}

bool
pt_ui_filter_input(struct pt_model *m, char *filter, size_t filtersz, bool *active,
                   wint_t ch, bool is_code)
{
	if (!*active)
		return false;
	if (!is_code && (ch == '\n' || ch == '\r')) {
		*active = false;                /* Enter keeps the filter */
		return true;
	}
	if (!is_code && (ch == KEY_ESC || ch == CTRL('c'))) {
		*active = false;                /* Esc clears it */
		filter[0] = '\0';
		pt_model_filter(m, "");
		return true;
	}
	if (is_code && (ch == KEY_UP || ch == KEY_DOWN || ch == KEY_NPAGE || ch == KEY_PPAGE))
		return false;                   /* move while filtering */
	if (pt_ui_edit(filter, filtersz, ch, is_code)) {
		pt_model_filter(m, filter);
		return true;
	}
	return false;
}

void
pt_ui_list_footer(WINDOW *win, int y, int w, const struct pt_model *m,
                  const char *filter, bool active)
{
	char buf[PT_MODEL_FILTER_MAX + 64];
	int x;

	snprintf(buf, sizeof buf, "%zu/%zu", m->nvis, m->n);
	x = pt_ui_put(win, y, 1, buf, w - 2, A_BOLD);
	if (active || *filter) {
		int used;

		snprintf(buf, sizeof buf, "  %s %s", _("filter:"), filter);
		used = pt_ui_put(win, y, 1 + x, buf, w - 2 - x, active ? A_BOLD : A_NORMAL);
		if (active)
			pt_ui_cursor_at(win, y, 1 + x + used < w - 1 ? 1 + x + used : w - 2);
	}
}

void
pt_ui_layout(const struct pt_ui_col *cols, int n, int w, int *width)
{
	bool on[PT_MODEL_MAX_COLS + 4];
	int mn[PT_MODEL_MAX_COLS + 4], mx[PT_MODEL_MAX_COLS + 4];
	int need, flex = -1;

	for (int c = 0; c < n; c++) {
		/* a column shown is as wide as its (translated) title and the
		 * sort arrow: "Limit▼", never "Lim…▼" */
		int tw = *cols[c].title ? pt_ui_width(_(cols[c].title)) + 1 : 0;

		on[c] = true;
		mn[c] = cols[c].min > tw || !cols[c].max ? cols[c].min : tw;
		mx[c] = cols[c].max && cols[c].max < mn[c] ? mn[c] : cols[c].max;
	}
	for (;;) {
		int worst = -1;

		need = 1;
		for (int c = 0; c < n; c++)
			if (on[c])
				need += mn[c] + 1;
		if (need <= w)
			break;
		for (int c = 0; c < n; c++)
			if (on[c] && cols[c].drop && (worst < 0 || cols[c].drop > cols[worst].drop))
				worst = c;
		if (worst < 0)
			break;
		on[worst] = false;
	}
	w -= need;
	for (int c = 0; c < n; c++) {
		width[c] = on[c] ? mn[c] : 0;
		if (on[c] && !mx[c] && flex < 0)
			flex = c;
	}
	/* the flexible column (the name) first up to twice its minimum */
	if (flex >= 0) {
		int more = mn[flex] < w ? mn[flex] : w;

		width[flex] += more;
		w -= more;
	}
	for (int c = 0; c < n && w > 0; c++)
		if (on[c] && c != flex && mx[c] > width[c]) {
			int more = mx[c] - width[c] < w ? mx[c] - width[c] : w;

			width[c] += more;
			w -= more;
		}
	if (flex >= 0 && w > 0)
		width[flex] += w;
}

void
pt_ui_layout_fit(int *width, int n, const struct pt_ui_col *cols, int fit)
{
	for (int c = 0; c < n; c++)
		if (!cols[c].max && width[c]) {
			int tw = pt_ui_width(_(cols[c].title)) + 1;

			if (fit < cols[c].min)
				fit = cols[c].min;
			if (fit < tw)
				fit = tw;
			if (width[c] > fit)
				width[c] = fit;
			return;
		}
}

int
pt_ui_col_title(WINDOW *win, int y, int x, const struct pt_ui_col *c, int width,
                const char *mark)
{
	int mw = pt_ui_width(mark), tw, at = x;

	if (!width)
		return x;
	tw = pt_ui_width(_(c->title));
	if (tw > width - mw)
		tw = width - mw;
	if (c->right)
		at += width - tw - mw;
	at += pt_ui_put(win, y, at, _(c->title), tw, A_BOLD | A_UNDERLINE);
	pt_ui_put(win, y, at, mark, mw, A_BOLD | A_UNDERLINE);
	return x + width + 1;
}

int
pt_ui_cell(WINDOW *win, int y, int x, const struct pt_ui_col *c, int width,
           const char *text, attr_t a)
{
	int tw;

	if (!width)
		return x;
	if (c->mid) {
		pt_ui_put_mid(win, y, x, text, width, a);
		return x + width + 1;
	}
	tw = width_upto(text, width);
	pt_ui_put(win, y, c->right && tw < width ? x + width - tw : x, text, width, a);
	return x + width + 1;
}

void
pt_ui_select_bar(WINDOW *win, int y, int w)
{
	wattron(win, A_REVERSE);
	mvwhline(win, y, 0, ' ', w);
	wattroff(win, A_REVERSE);
}


attr_t
pt_ui_session_attr(const struct pt_ui *ui, const struct pt_session *s)
{
	if (pt_session_waiting(s))
		return ui->attr[COL_ERROR];
	if (s->state && !strncmp(s->state, "idle in transaction", 19))
		return ui->attr[COL_WARN];
	if (s->state && !strcmp(s->state, "active"))
		return ui->attr[COL_OK];
	return A_NORMAL;
}
