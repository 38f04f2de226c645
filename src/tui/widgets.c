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
#include <wchar.h>
#include <wctype.h>
#include <curses.h>

#include "sanitize.h"
#include "tui/ui.h"

static size_t
to_wide(const char *s, wchar_t *out, size_t outlen)
{
	mbstate_t st;
	size_t n = 0;

	memset(&st, 0, sizeof st);
	while (*s && n + 1 < outlen) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, strlen(s), &st);

		if (k == (size_t)-1 || k == (size_t)-2) {
			/* invalid UTF-8: show one replacement, resync on the next byte */
			wc = L'?';
			k = 1;
			memset(&st, 0, sizeof st);
		} else if (k == 0) {
			break;
		}
		if (!iswprint((wint_t)wc))
			wc = L'?';
		out[n++] = wc;
		s += k;
	}
	out[n] = L'\0';
	return n;
}

int
pt_ui_width(const char *utf8)
{
	wchar_t buf[1024];
	int w;

	to_wide(utf8, buf, sizeof buf / sizeof *buf);
	w = wcswidth(buf, wcslen(buf));
	return w < 0 ? (int)wcslen(buf) : w;
}

int
pt_ui_put(WINDOW *win, int y, int x, const char *utf8, int maxcols, attr_t a)
{
	wchar_t buf[1024];
	size_t n = to_wide(utf8 ? utf8 : "", buf, sizeof buf / sizeof *buf);
	int used = 0;
	size_t i;

	if (maxcols <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		int cw = wcwidth(buf[i]);

		if (cw < 0)
			cw = 1;
		if (used + cw > maxcols)
			break;
		used += cw;
	}
	wattron(win, a);
	mvwaddnwstr(win, y, x, buf, (int)i);
	wattroff(win, a);
	return used;
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

int
pt_ui_put_wrapped(WINDOW *win, int y, int x, const char *utf8, int width,
                  int maxlines, attr_t a)
{
	const char *p = utf8;
	int used = 0;

	while (*p && used < maxlines && width > 0) {
		size_t len = strlen(p), cut = len;
		char buf[1024];

		if (pt_ui_width(p) > width && used + 1 < maxlines) {
			/* break at a space; byte counts are a fair guess for the
			 * mostly ASCII messages, pt_ui_put still clips by width */
			cut = (size_t)width < len ? (size_t)width : len;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = (size_t)width;
		}
		snprintf(buf, sizeof buf, "%.*s", (int)(cut < sizeof buf ? cut : sizeof buf - 1), p);
		pt_ui_put(win, y + used++, x, buf, width, a);
		p += cut;
		while (*p == ' ')
			p++;
	}
	return used;
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
		snprintf(buf, sizeof buf, "  %s %s%s", _("filter:"), filter, active ? "_" : "");
		pt_ui_put(win, y, 1 + x, buf, w - 2 - x, active ? A_BOLD : A_NORMAL);
	}
}

void
pt_ui_select_bar(WINDOW *win, int y, int w)
{
	wattron(win, A_REVERSE);
	mvwhline(win, y, 0, ' ', w);
	wattroff(win, A_REVERSE);
}

