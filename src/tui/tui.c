/* The console's engine: terminal set-up, the event loop, resize, colours,
 * the header, status and message lines, the keymap and the screen stack.
 * Screens (scr_*.c) draw into the body window and handle actions. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>
#include <curses.h>
#include <term.h>

#include "secret.h"
#include "tui/tui.h"
#include "tui/ui.h"

#undef CTRL
#define CTRL(c) ((c) & 0x1f)
#define KEY_ESC 27

/* The keymap: data, not a switch. The help screen is generated from it. */
const struct pt_keybind pt_keymap[] = {
	{ '?',           false, ACT_HELP,        SC_GLOBAL, "?" },
	{ KEY_F(1),      true,  ACT_HELP,        SC_GLOBAL, "F1" },
	{ 'q',           false, ACT_QUIT,        SC_GLOBAL, "q" },
	{ ':',           false, ACT_COMMAND,     SC_GLOBAL, ":" },
	{ 'R',           false, ACT_RECONNECT,   SC_GLOBAL, "R" },
	{ CTRL('c'),     false, ACT_INTERRUPT,   SC_GLOBAL, "Ctrl-C" },
	{ KEY_ESC,       false, ACT_BACK,        SC_GLOBAL, "Esc" },
	{ KEY_UP,        true,  ACT_UP,          SC_LIST | SC_CONFIRM, "Up" },
	{ 'k',           false, ACT_UP,          SC_LIST | SC_CONFIRM, "k" },
	{ KEY_DOWN,      true,  ACT_DOWN,        SC_LIST | SC_CONFIRM, "Down" },
	{ 'j',           false, ACT_DOWN,        SC_LIST | SC_CONFIRM, "j" },
	{ KEY_PPAGE,     true,  ACT_PGUP,        SC_LIST | SC_CONFIRM, "PgUp" },
	{ KEY_NPAGE,     true,  ACT_PGDN,        SC_LIST | SC_CONFIRM, "PgDn" },
	{ KEY_HOME,      true,  ACT_HOME,        SC_LIST | SC_CONFIRM, "Home" },
	{ 'g',           false, ACT_HOME,        SC_LIST | SC_CONFIRM, "g" },
	{ KEY_END,       true,  ACT_END,         SC_LIST | SC_CONFIRM, "End" },
	{ 'G',           false, ACT_END,         SC_LIST | SC_CONFIRM, "G" },
	{ '\n',          false, ACT_ENTER,       SC_LIST | SC_FORM | SC_CONFIRM | SC_RESULT, "Enter" },
	{ '\r',          false, ACT_ENTER,       SC_LIST | SC_FORM | SC_CONFIRM | SC_RESULT, NULL },
	{ KEY_ENTER,     true,  ACT_ENTER,       SC_LIST | SC_FORM | SC_CONFIRM | SC_RESULT, NULL },
	{ '/',           false, ACT_FILTER,      SC_LIST, "/" },
	{ 's',           false, ACT_SORT,        SC_LIST, "s" },
	{ 'S',           false, ACT_SORT_REV,    SC_LIST, "S" },
	{ 'r',           false, ACT_REFRESH,     SC_LIST, "r" },
	{ '\t',          false, ACT_NEXT_SCREEN, SC_LIST, "Tab" },
	{ 'c',           false, ACT_CREATE,      SC_LIST, "c" },
	{ 'd',           false, ACT_DROP,        SC_TENANTS, "d" },
	{ 'p',           false, ACT_ROTATE,      SC_TENANTS, "p" },
	{ 'a',           false, ACT_AUDIT,       SC_LIST, "a" },
	{ 'H',           false, ACT_HARDEN,      SC_LIST, "H" },
	{ '\t',          false, ACT_NEXT_FIELD,  SC_FORM, "Tab" },
	{ KEY_DOWN,      true,  ACT_NEXT_FIELD,  SC_FORM, "Down" },
	{ KEY_BTAB,      true,  ACT_PREV_FIELD,  SC_FORM, "Shift-Tab" },
	{ KEY_UP,        true,  ACT_PREV_FIELD,  SC_FORM, "Up" },
	{ 'y',           false, ACT_COPY,        SC_RESULT, "y" },
	{ 'w',           false, ACT_WRITE,       SC_RESULT, "w" },
	{ 't',           false, ACT_TEST,        SC_RESULT, "t" },
	{ 'f',           false, ACT_FORMAT,      SC_RESULT, "f" },
};
const size_t pt_keymap_len = sizeof pt_keymap / sizeof *pt_keymap;

static const char *const action_help[] = {
#define PT_ACTION_HELP(a, cmd, help) help,
	PT_ACTION_LIST(PT_ACTION_HELP)
#undef PT_ACTION_HELP
};
static const char *const action_cmd[] = {
#define PT_ACTION_CMD(a, cmd, help) cmd,
	PT_ACTION_LIST(PT_ACTION_CMD)
#undef PT_ACTION_CMD
};

const char *
pt_action_help(enum pt_action a)
{
	return a < ACT_COUNT && action_help[a] ? _(action_help[a]) : "";
}

const char *
pt_action_command(enum pt_action a)
{
	return a < ACT_COUNT ? action_cmd[a] : NULL;
}

enum pt_action
pt_action_from_command(const char *word)
{
	for (int a = 0; a < ACT_COUNT; a++)
		if (action_cmd[a] && !strcmp(action_cmd[a], word))
			return (enum pt_action)a;
	return ACT_NONE;
}

static const struct { short fg, bg; attr_t mono; } theme[] = {
#define PT_COLOR_THEME(c, fg, bg, mono) { fg, bg, mono },
	PT_COLOR_LIST(PT_COLOR_THEME)
#undef PT_COLOR_THEME
};

static struct pt_ui *the_ui;   /* for the die hook and the wait hook */
static bool curses_up;

double
pt_ui_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- drawing helpers ---------------------------------------------------- */

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

/* ---- messages ----------------------------------------------------------- */

static void
vmsg(struct pt_ui *ui, bool error, const char *fmt, va_list ap)
{
	vsnprintf(ui->message, sizeof ui->message, fmt, ap);
	ui->message_error = error;
}

void
pt_ui_msg(struct pt_ui *ui, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(ui, false, fmt, ap);
	va_end(ap);
}

void
pt_ui_err(struct pt_ui *ui, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(ui, true, fmt, ap);
	va_end(ap);
}

static void
mark_lost(struct pt_ui *ui)
{
	if (!ui->lost) {
		ui->lost = true;
		ui->backoff = 1;
		ui->next_reconnect = pt_ui_now() + ui->backoff;
	}
}

void
pt_ui_fail(struct pt_ui *ui, const pt_error *err)
{
	if (err->status == PT_ERR_CONNECTION_LOST || (ui->db && !pt_db_alive(ui->db)))
		mark_lost(ui);
	if (err->detail[0])
		pt_ui_err(ui, "%s (%s)", err->message, err->detail);
	else
		pt_ui_err(ui, "%s", err->message);
}

bool
pt_ui_need_server(struct pt_ui *ui)
{
	if (ui->db && !ui->lost && pt_db_alive(ui->db))
		return true;
	if (ui->db)
		mark_lost(ui);
	pt_ui_err(ui, "%s", _("Not connected to the server: press R to reconnect."));
	return false;
}

bool
pt_ui_need_write(struct pt_ui *ui)
{
	if (!pt_ui_need_server(ui))
		return false;
	if (ui->cli->copts.read_only || pt_db_info(ui->db)->read_only) {
		pt_ui_err(ui, "%s", _("Read-only session: create, drop, rotate and harden are refused."));
		return false;
	}
	return true;
}

/* ---- screen stack ------------------------------------------------------- */

void
pt_ui_push(struct pt_ui *ui, const struct pt_screen_ops *s)
{
	if (ui->depth >= PT_UI_STACK)
		pt_die("screen stack overflow");
	ui->stack[ui->depth++] = s;
	if (s->enter)
		s->enter(ui);
}

void
pt_ui_pop(struct pt_ui *ui)
{
	const struct pt_screen_ops *s;

	if (ui->depth <= 1) {
		ui->quit = true;
		return;
	}
	s = ui->stack[--ui->depth];
	if (s->leave)
		s->leave(ui);
	/* a screen that held a secret must not leave it in the terminal's
	 * buffer: redraw from scratch */
	clearok(curscr, TRUE);
}

void
pt_ui_replace(struct pt_ui *ui, const struct pt_screen_ops *s)
{
	if (ui->depth > 1)
		pt_ui_pop(ui);
	pt_ui_push(ui, s);
}

const struct pt_screen_ops *
pt_ui_top(const struct pt_ui *ui)
{
	return ui->depth ? ui->stack[ui->depth - 1] : NULL;
}

/* ---- drawing ------------------------------------------------------------ */

static bool
too_small(void)
{
	return COLS < PT_UI_MIN_COLS || LINES < PT_UI_MIN_LINES;
}

static void
make_body(struct pt_ui *ui)
{
	if (ui->body)
		delwin(ui->body);
	ui->body = NULL;
	if (!too_small())
		ui->body = derwin(stdscr, LINES - 4, COLS, 2, 0);
}

static void
draw_header(struct pt_ui *ui)
{
	static const char spin[] = "|/-\\";
	const struct pt_session_info *si = ui->db ? pt_db_info(ui->db) : NULL;
	char line[512];
	int x;

	wattron(stdscr, ui->attr[COL_HEADER]);
	mvhline(0, 0, ' ', COLS);
	wattroff(stdscr, ui->attr[COL_HEADER]);
	if (si)
		/* "15.18 (Debian 15.18-0+deb12u1)": the number is what matters */
		snprintf(line, sizeof line, " pgtenant  %s@%s:%s/%s  PostgreSQL %.*s  %s",
		         si->user, si->host, si->port, si->dbname,
		         (int)strcspn(si->server_version, " "), si->server_version,
		         si->ssl ? "TLS" : _("no TLS"));
	else
		snprintf(line, sizeof line, " pgtenant  %s", _("not connected"));
	/* the badges matter more than a long socket path: they go right,
	 * and the connection text is cut to make room */
	{
		const char *badge[2];
		int nb = 0, bw = 0;

		if (ui->lost)
			badge[nb++] = _(" CONNECTION LOST (R reconnects) ");
		if (ui->cli->copts.read_only || (si && si->read_only))
			badge[nb++] = _(" READ-ONLY ");
		for (int i = 0; i < nb; i++)
			bw += pt_ui_width(badge[i]) + 1;
		pt_ui_put(stdscr, 0, 0, line, COLS - bw - 3, ui->attr[COL_HEADER]);
		x = COLS - bw - 2;
		for (int i = 0; i < nb; i++)
			x += pt_ui_put(stdscr, 0, x, badge[i], COLS - x, ui->attr[COL_BADGE]) + 1;
	}
	if (ui->busy)
		mvaddch(0, COLS - 2, (chtype)spin[ui->spinner % 4] | ui->attr[COL_HEADER]);
}

static void
draw_tabs(struct pt_ui *ui)
{
	const struct pt_session_info *si = ui->db ? pt_db_info(ui->db) : NULL;
	const struct pt_screen_ops *top = pt_ui_top(ui);
	int x = 0;

	move(1, 0);
	clrtoeol();
	if (si && !si->hardened && !ui->lost) {
		pt_ui_put(stdscr, 1, 0,
		          _(" ! Not hardened: PUBLIC reaches schema public or this database. H: fix"),
		          COLS, ui->attr[COL_WARN]);
		return;
	}
	for (int i = 0; i < ui->depth; i++) {
		const char *t = _(ui->stack[i]->title);

		x += pt_ui_put(stdscr, 1, x, i ? " > " : " ", COLS - x, A_NORMAL);
		x += pt_ui_put(stdscr, 1, x, t, COLS - x,
		               ui->stack[i] == top ? ui->attr[COL_TITLE] : A_NORMAL);
	}
}

static void
draw_status(struct pt_ui *ui)
{
	const struct pt_screen_ops *top = pt_ui_top(ui);

	wattron(stdscr, ui->attr[COL_STATUS]);
	mvhline(LINES - 2, 0, ' ', COLS);
	wattroff(stdscr, ui->attr[COL_STATUS]);
	if (top && top->hint)
		pt_ui_put(stdscr, LINES - 2, 1, _(top->hint), COLS - 2, ui->attr[COL_STATUS]);
	move(LINES - 1, 0);
	clrtoeol();
	pt_ui_put(stdscr, LINES - 1, 0, ui->message, COLS - 1,
	          ui->message_error ? ui->attr[COL_ERROR] : A_NORMAL);
}

/* curses positions every character itself, so a long line it draws is
 * two lines to the terminal, and a selection copies a line break into the
 * string. Writing the same characters from column 0 lets the terminal wrap
 * them (the cells are unchanged, so curses' picture stays true); the
 * cursor then goes back where curses believes it is. */
static void
write_raw(const char *text, int row)
{
	int y0 = getcury(curscr), x0 = getcurx(curscr);
	const char *p = text;
	char *cup;

	fflush(stdout);
	while (*p && row < LINES - 2) {
		size_t len = strcspn(p, "\n");
		ssize_t k;

		cup = tparm(cursor_address, row, 0, 0, 0, 0, 0, 0, 0, 0);
		if (!cup)
			return;
		k = write(STDOUT_FILENO, cup, strlen(cup));
		k = write(STDOUT_FILENO, p, len);
		(void)k;
		row += len ? (int)((len + (size_t)COLS - 1) / (size_t)COLS) : 1;
		p += len;
		if (*p == '\n')
			p++;
	}
	cup = tparm(cursor_address, y0, x0, 0, 0, 0, 0, 0, 0, 0);
	if (cup && write(STDOUT_FILENO, cup, strlen(cup)) < 0)
		return;
}

void
pt_ui_draw(struct pt_ui *ui)
{
	const struct pt_screen_ops *top = pt_ui_top(ui);

	erase();
	if (too_small()) {
		char line[128];
		int y = LINES / 2 - 1;

		snprintf(line, sizeof line, _("Terminal too small: %dx%d, needs %dx%d."),
		         COLS, LINES, PT_UI_MIN_COLS, PT_UI_MIN_LINES);
		pt_ui_put(stdscr, y < 0 ? 0 : y, 0, line, COLS, A_BOLD);
		if (y + 1 < LINES)
			pt_ui_put(stdscr, y + 1, 0, _("Enlarge it, or press q to quit."), COLS, A_NORMAL);
		refresh();
		return;
	}
	draw_header(ui);
	draw_tabs(ui);
	ui->raw_text = NULL;
	if (ui->body && top && top->draw) {
		werase(ui->body);
		top->draw(ui, ui->body, LINES - 4, COLS);
	}
	draw_status(ui);
	refresh();
	if (ui->raw_text)
		write_raw(ui->raw_text, ui->raw_row + 2);
}

/* ---- input -------------------------------------------------------------- */

/* Keys typed while a query runs wait here, so typing ahead works. */
static struct { wint_t ch; bool code; } queue[64];
static int qhead, qlen;

static void
queue_push(wint_t ch, bool code)
{
	if (qlen < (int)(sizeof queue / sizeof *queue)) {
		queue[(qhead + qlen) % 64].ch = ch;
		queue[(qhead + qlen) % 64].code = code;
		qlen++;
	}
}

static void
on_resize(struct pt_ui *ui)
{
	make_body(ui);
	clearok(curscr, TRUE);
	ui->need_redraw = true;
}

/* One key: from the queue, else from the terminal (timeout in ms, -1 =
 * wait). Returns ERR on timeout. */
static int
get_key(struct pt_ui *ui, int timeout_ms, wint_t *ch, bool *code)
{
	int r;

	if (qlen) {
		*ch = queue[qhead].ch;
		*code = queue[qhead].code;
		qhead = (qhead + 1) % 64;
		qlen--;
		return OK;
	}
	timeout(timeout_ms);
	r = get_wch(ch);
	if (r == ERR)
		return ERR;
	*code = r == KEY_CODE_YES;
	if (*code && *ch == KEY_RESIZE) {
		on_resize(ui);
		return ERR;
	}
	return OK;
}

/* The core calls this every 50 ms while a query waits for the server. */
static bool
wait_hook(void *ud)
{
	struct pt_ui *ui = ud;
	wint_t ch;
	int r;

	ui->busy = true;
	ui->spinner++;
	timeout(0);
	while ((r = get_wch(&ch)) != ERR) {
		if (r == KEY_CODE_YES && ch == KEY_RESIZE)
			on_resize(ui);
		else if (r != KEY_CODE_YES && ch == CTRL('c'))
			ui->cancel = true;
		else
			queue_push(ch, r == KEY_CODE_YES);
	}
	if (ui->spinner % 1000 == 4 && !ui->message[0])
		pt_ui_msg(ui, "%s", _("Waiting for the server... (Ctrl-C cancels)"));
	pt_ui_draw(ui);
	if (ui->cancel) {
		ui->cancel = false;
		return true;
	}
	return false;
}

bool
pt_ui_prompt(struct pt_ui *ui, const char *label, bool masked, char *buf,
             size_t bufsz)
{
	bool ok = false;

	memset(buf, 0, bufsz);
	curs_set(1);
	for (;;) {
		wint_t ch;
		bool code;
		int x;

		pt_ui_draw(ui);
		move(LINES - 1, 0);
		clrtoeol();
		x = pt_ui_put(stdscr, LINES - 1, 0, label, COLS / 2, A_BOLD);
		if (masked) {
			int n = pt_ui_width(buf);

			for (int i = 0; i < n && x + 1 + i < COLS - 1; i++)
				mvaddch(LINES - 1, x + 1 + i, '*');
			move(LINES - 1, x + 1 + (n < COLS - x - 2 ? n : COLS - x - 2));
		} else {
			int w = pt_ui_put(stdscr, LINES - 1, x + 1, buf, COLS - x - 2, A_NORMAL);
			move(LINES - 1, x + 1 + w);
		}
		refresh();
		if (get_key(ui, 250, &ch, &code) == ERR)
			continue;
		if (!code && (ch == '\n' || ch == '\r')) {
			ok = true;
			break;
		}
		if ((code && ch == KEY_ENTER)) {
			ok = true;
			break;
		}
		if (!code && (ch == KEY_ESC || ch == CTRL('c')))
			break;
		pt_ui_edit(buf, bufsz, ch, code);
	}
	curs_set(0);
	if (!ok)
		memset(buf, 0, bufsz);
	return ok;
}

/* libpq asks for the admin password: a masked field on the message line. */
static char *
ask_password(void *ud, const char *prompt)
{
	struct pt_ui *ui = ud;
	char *pw = pt_secret_alloc(PT_UI_PW_MAX);

	if (!pt_ui_prompt(ui, prompt, true, pw, PT_UI_PW_MAX)) {
		pt_secret_free(pw);
		return NULL;
	}
	return pw;
}

/* ---- shared loaders ----------------------------------------------------- */

void
pt_ui_endpoint(struct pt_ui *ui)
{
	const struct pt_connect_opts *o = &ui->cli->copts;

	if (ui->have_ep)
		pt_endpoint_free(&ui->ep);
	pt_endpoint_from_conn(pt_db_conn(ui->db), o, &ui->ep);
	ui->have_ep = true;
}

enum { TC_NAME, TC_ROLES, TC_TABLES, TC_SIZE, TC_LIMIT, TC_VALID, TC_COUNT };

static void
build_tenant_model(struct pt_ui *ui)
{
	static const enum pt_model_kind kinds[TC_COUNT] = {
		PT_MODEL_STR, PT_MODEL_STR, PT_MODEL_NUM, PT_MODEL_NUM, PT_MODEL_NUM, PT_MODEL_STR
	};
	const struct pt_schema_list *l = &ui->schemas;
	struct pt_model *m = &ui->tmodel;
	size_t keep = pt_model_selected(m);
	char keepname[64] = "";
	int col = m->sort_col;
	bool desc = m->sort_desc;

	if (keep != PT_MODEL_NONE && m->str)
		snprintf(keepname, sizeof keepname, "%s", m->str[keep]);
	pt_model_free(m);
	pt_model_init(m, l->n, TC_COUNT, kinds);
	ui->max_size = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct pt_schema_row *r = &l->rows[i];
		char *s = pt_xasprintf("%s %s %s", r->name, r->owner, r->login_roles);

		pt_model_set_str(m, i, TC_NAME, r->name);
		pt_model_set_str(m, i, TC_ROLES, r->login_roles);
		pt_model_set_num(m, i, TC_TABLES, r->tables);
		pt_model_set_num(m, i, TC_SIZE, r->size_bytes);
		pt_model_set_num(m, i, TC_LIMIT, r->connection_limit);
		pt_model_set_str(m, i, TC_VALID, r->valid_until);
		pt_model_set_search(m, i, s);
		free(s);
		if (r->size_bytes > ui->max_size)
			ui->max_size = r->size_bytes;
	}
	m->sort_col = col;
	m->sort_desc = desc;
	pt_model_finish(m);
	pt_model_filter(m, ui->filter);
	for (size_t i = 0; *keepname && i < l->n; i++)
		if (!strcmp(l->rows[i].name, keepname)) {
			pt_model_select_row(m, i);
			break;
		}
}

void
pt_ui_load_tenants(struct pt_ui *ui)
{
	struct pt_schema_list l;
	pt_error err;

	if (!pt_ui_need_server(ui))
		return;
	memset(&l, 0, sizeof l);
	if (pt_schema_list_load(ui->db, false, &l, &err) != PT_OK) {
		pt_ui_fail(ui, &err);
		return;
	}
	/* the model points into the old list: rebuild it before freeing that */
	{
		struct pt_schema_list old = ui->schemas;

		ui->schemas = l;
		build_tenant_model(ui);
		if (ui->have_schemas)
			pt_schema_list_free(&old);
	}
	ui->have_schemas = true;
	ui->sizes_pending = true;
}

static void
load_sizes(struct pt_ui *ui)
{
	pt_error err;

	ui->sizes_pending = false;
	if (!ui->have_schemas || ui->lost)
		return;
	if (pt_schema_list_load_sizes(ui->db, &ui->schemas, &err) != PT_OK) {
		pt_ui_fail(ui, &err);
		return;
	}
	build_tenant_model(ui);
}

void
pt_ui_load_roles(struct pt_ui *ui)
{
	static const enum pt_model_kind kinds[3] = { PT_MODEL_STR, PT_MODEL_STR, PT_MODEL_STR };
	struct pt_role_list l;
	pt_error err;

	if (!pt_ui_need_server(ui))
		return;
	memset(&l, 0, sizeof l);
	if (pt_role_list_load(ui->db, &l, &err) != PT_OK) {
		pt_ui_fail(ui, &err);
		return;
	}
	pt_model_free(&ui->rmodel);
	if (ui->have_roles)
		pt_role_list_free(&ui->roles);
	ui->roles = l;
	ui->have_roles = true;
	pt_model_init(&ui->rmodel, l.n, 3, kinds);
	for (size_t i = 0; i < l.n; i++) {
		char *s = pt_xasprintf("%s %s", l.rows[i].name, l.rows[i].member_of);

		pt_model_set_str(&ui->rmodel, i, 0, l.rows[i].name);
		pt_model_set_str(&ui->rmodel, i, 1, l.rows[i].member_of);
		pt_model_set_str(&ui->rmodel, i, 2, l.rows[i].valid_until);
		pt_model_set_search(&ui->rmodel, i, s);
		free(s);
	}
	pt_model_finish(&ui->rmodel);
	pt_model_filter(&ui->rmodel, ui->rfilter);
}

const char *
pt_ui_selected_schema(struct pt_ui *ui)
{
	size_t r = pt_model_selected(&ui->tmodel);

	return r == PT_MODEL_NONE ? NULL : ui->schemas.rows[r].name;
}

/* ---- connection --------------------------------------------------------- */

static void
try_reconnect(struct pt_ui *ui)
{
	pt_error err;

	if (!ui->db)
		return;
	pt_ui_msg(ui, "%s", _("Reconnecting..."));
	pt_ui_draw(ui);
	if (pt_db_reconnect(ui->db, &err) == PT_OK) {
		ui->lost = false;
		pt_ui_msg(ui, "%s", _("Reconnected."));
		pt_ui_load_tenants(ui);
		return;
	}
	ui->backoff = ui->backoff < 30 ? ui->backoff * 2 : 30;
	ui->next_reconnect = pt_ui_now() + ui->backoff;
	pt_ui_err(ui, _("Reconnect failed (next try in %.0f s): %s"), ui->backoff, err.message);
}

static bool
have_pg_env(void)
{
	static const char *const vars[] = { "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE",
	                                    "PGUSER", "PGSERVICE" };

	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
		if (getenv(vars[i]) && *getenv(vars[i]))
			return true;
	return false;
}

bool
pt_ui_connect(struct pt_ui *ui, const char *target)
{
	struct pt_connect_opts o = ui->cli->copts;
	pt_error err;
	pt_db *db;

	o.ask_password = ask_password;
	o.ask_password_ud = ui;
	o.wait_hook = wait_hook;     /* a dead host must not freeze the screen */
	o.wait_ud = ui;
	pt_ui_msg(ui, "%s", _("Connecting..."));
	pt_ui_draw(ui);
	db = pt_db_connect(target, &o, &err);
	if (!db) {
		pt_ui_err(ui, "%s", err.message);
		return false;
	}
	ui->db = db;
	ui->lost = false;
	pt_db_set_wait_hook(db, wait_hook, ui);
	pt_ui_endpoint(ui);
	pt_ui_msg(ui, "%s", _("Press ? for help, c to create a tenant."));
	return true;
}

/* ---- actions ------------------------------------------------------------ */

void
pt_ui_start(struct pt_ui *ui, enum pt_pending what)
{
	pt_error err;
	char *sql = NULL;

	if (!pt_ui_need_write(ui))
		return;
	switch (what) {
	case PEND_DROP:
		sql = pt_tenant_drop_preview(ui->db, ui->target_schema, &err);
		break;
	case PEND_ROTATE:
		sql = pt_xasprintf(_("-- give the login role of schema %s a new generated "
		                     "password\n-- (sent as a SCRAM verifier; the old one stops "
		                     "working at once)"), ui->target_schema);
		break;
	default:
		return;
	}
	if (!sql) {
		pt_ui_fail(ui, &err);
		return;
	}
	free(ui->preview_sql);
	ui->preview_sql = sql;
	ui->pending = what;
	pt_ui_push(ui, &pt_scr_preview);
}

/* What any screen leaves unhandled. */
static void
global_action(struct pt_ui *ui, enum pt_action a)
{
	switch (a) {
	case ACT_QUIT:
		ui->quit = true;
		break;
	case ACT_HELP:
		if (pt_ui_top(ui) != &pt_scr_help)
			pt_ui_push(ui, &pt_scr_help);
		break;
	case ACT_BACK:
		if (ui->depth > 1)
			pt_ui_pop(ui);
		break;
	case ACT_COMMAND:
		pt_cmdline_run(ui);
		break;
	case ACT_RECONNECT:
		if (ui->db && (ui->lost || !pt_db_alive(ui->db))) {
			ui->lost = true;
			try_reconnect(ui);
		} else {
			pt_ui_msg(ui, "%s", _("Connected."));
		}
		break;
	case ACT_INTERRUPT:
		pt_ui_msg(ui, "%s", _("Nothing to cancel. Press q to quit."));
		break;
	case ACT_TENANTS:
		while (ui->depth > 1)
			pt_ui_pop(ui);
		break;
	case ACT_ROLES:
	case ACT_AUDIT:
	case ACT_CREATE:
	case ACT_HARDEN:
		/* reachable from every screen through the command line */
		while (ui->depth > 1)
			pt_ui_pop(ui);
		if (ui->stack[0]->action)
			ui->stack[0]->action(ui, a);
		break;
	default:
		if (pt_action_command(a))
			pt_ui_err(ui, _("\"%s\" does nothing on this screen."), pt_action_command(a));
		break;
	}
}

void
pt_ui_dispatch(struct pt_ui *ui, enum pt_action a)
{
	const struct pt_screen_ops *top = pt_ui_top(ui);

	if (top && top->action && top->action(ui, a))
		return;
	global_action(ui, a);
}

static void
handle_key(struct pt_ui *ui, wint_t ch, bool code)
{
	const struct pt_screen_ops *top = pt_ui_top(ui);
	unsigned scopes = SC_GLOBAL | (top ? top->scopes : 0);

	if (too_small()) {
		if (!code && ch == 'q')
			ui->quit = true;
		return;
	}
	if (top && top->input && top->input(ui, ch, code))
		return;
	for (size_t i = 0; i < pt_keymap_len; i++) {
		const struct pt_keybind *k = &pt_keymap[i];

		if ((int)ch == k->key && code == k->is_code && (k->scope & scopes) &&
		    (k->scope & scopes & ~SC_GLOBAL || k->scope == SC_GLOBAL)) {
			pt_ui_dispatch(ui, k->action);
			return;
		}
	}
}

/* ---- terminal ----------------------------------------------------------- */

static void
restore_terminal(void)
{
	if (curses_up) {
		curses_up = false;
		/* wipe the alternate screen before leaving it, so no secret
		 * lingers in a terminal that does not clear it */
		erase();
		refresh();
		endwin();
	}
}

static void
setup_colors(struct pt_ui *ui)
{
	ui->color = !ui->cli->no_color && has_colors();
	if (ui->color) {
		start_color();
		use_default_colors();
	}
	for (int c = 0; c < COL_COUNT; c++) {
		if (ui->color && c > 0 && c < COLOR_PAIRS) {
			init_pair((short)c, theme[c].fg, theme[c].bg);
			ui->attr[c] = COLOR_PAIR(c) | (theme[c].mono & (A_BOLD | A_DIM));
		} else {
			ui->attr[c] = theme[c].mono;
		}
	}
}

static void
idle(struct pt_ui *ui)
{
	if (ui->lost && ui->db && pt_ui_now() >= ui->next_reconnect)
		try_reconnect(ui);
	else if (ui->sizes_pending && !ui->lost)
		load_sizes(ui);
}

static int
refuse(struct pt_cli *cli, const char *term)
{
	fprintf(stderr,
	        _("%s: the console needs a terminal (TERM is \"%s\"); use the "
	          "scriptable commands instead: list, roles, create, drop, "
	          "rotate-password, audit, harden (see --help)\n"),
	        cli->progname, term ? term : "");
	return 2;
}

int
pt_tui_run(struct pt_cli *cli)
{
	const char *term = getenv("TERM");
	struct pt_ui ui;
	SCREEN *scr;
	int errret = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) || !term || !*term ||
	    !strcmp(term, "dumb"))
		return refuse(cli, term);
	/* an unknown terminal: initscr would exit; check first */
	if (setupterm(NULL, STDOUT_FILENO, &errret) != OK || errret != 1 ||
	    !tigetstr("cup") || tigetstr("cup") == (char *)-1)
		return refuse(cli, term);
	del_curterm(cur_term);

	memset(&ui, 0, sizeof ui);
	ui.cli = cli;
	ui.fmt = PT_CONNSTR_URI;
	ui.f_password = pt_secret_alloc(PT_UI_PW_MAX);
	the_ui = &ui;
	set_escdelay(25);
	scr = newterm(NULL, stdout, stdin);
	if (!scr)
		return refuse(cli, term);
	curses_up = true;
	pt_set_die_hook(restore_terminal);
	raw();          /* Ctrl-C is a key here: it cancels, never kills */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	setup_colors(&ui);
	make_body(&ui);
	pt_cmdline_init(&ui);

	if (cli->target || have_pg_env()) {
		pt_ui_push(&ui, &pt_scr_tenants);
		if (pt_ui_connect(&ui, cli->target))
			pt_ui_load_tenants(&ui);
		else
			pt_ui_push(&ui, &pt_scr_connect);
	} else {
		pt_ui_push(&ui, &pt_scr_tenants);
		pt_ui_push(&ui, &pt_scr_connect);
	}

	while (!ui.quit) {
		wint_t ch;
		bool code;

		if (ui.busy && !strcmp(ui.message, _("Waiting for the server... (Ctrl-C cancels)")))
			ui.message[0] = '\0';
		ui.busy = false;
		ui.spinner = 0;
		pt_ui_draw(&ui);
		if (get_key(&ui, ui.sizes_pending || ui.lost ? 50 : 1000, &ch, &code) == ERR) {
			idle(&ui);
			continue;
		}
		ui.message[0] = '\0';
		handle_key(&ui, ch, code);
	}
	while (ui.depth > 0) {
		const struct pt_screen_ops *s = ui.stack[--ui.depth];

		if (s->leave)
			s->leave(&ui);
	}
	pt_cmdline_done();
	restore_terminal();
	delscreen(scr);
	pt_secret_free(ui.f_password);
	free(ui.preview_sql);
	pt_ui_harden_forget(&ui);
	pt_model_free(&ui.tmodel);
	pt_model_free(&ui.rmodel);
	if (ui.have_schemas)
		pt_schema_list_free(&ui.schemas);
	if (ui.have_roles)
		pt_role_list_free(&ui.roles);
	if (ui.have_ep)
		pt_endpoint_free(&ui.ep);
	if (ui.db)
		pt_db_close(ui.db);
	return 0;
}
