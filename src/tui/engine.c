/* The console's engine: terminal set-up, the event loop, resize, colours,
 * the header, status and message lines, the screen stack and dispatch
 * (tig's display.c and view.c). Widgets live in widgets.c, the keymap in
 * keymap.c, the server session in session.c; screens (scr_*.c) draw into
 * the body window and handle actions. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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

#include "sanitize.h"
#include "secret.h"
#include "tui/tui.h"
#include "citus.h"
#include "lib/api_int.h"
#include "tui/ui.h"


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

/* ---- screen stack ------------------------------------------------------- */

void
pt_ui_push(struct pt_ui *ui, const struct pt_screen_ops *s)
{
	if (ui->depth >= PT_UI_STACK)
		pt_die("screen stack overflow");
	/* every screen opens at its top (the SQL preview opened at the help's
	 * offset); the one under it gets its own back when it returns */
	if (ui->depth > 0)
		ui->scroll_under[ui->depth - 1] = ui->scroll;
	ui->scroll = 0;
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
	ui->scroll = ui->scroll_under[ui->depth - 1];
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

/* ---- stderr ----------------------------------------------------------- */

/* Whatever a library writes to stderr while the console is up (libpq's
 * default notice processor on a connection the core did not open
 * itself, a warning) would land raw on the screen: a tenant's NOTICE
 * could clear it or retitle the window. stderr goes into a pipe instead,
 * and what arrives is shown on the message line, through the widgets. */
static int stderr_saved = -1, stderr_pipe = -1;

static void
capture_stderr(void)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
		return;
	fflush(stderr);
	stderr_saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (stderr_saved < 0 || dup2(fds[1], STDERR_FILENO) < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	close(fds[1]);
	stderr_pipe = fds[0];
}

/* Show what was written to stderr since the last look (the last lines
 * that fit), after the current message. */
static void
drain_stderr(struct pt_ui *ui)
{
	char buf[4096];
	ssize_t k;
	size_t len;

	if (stderr_pipe < 0)
		return;
	fflush(stderr);
	while ((k = read(stderr_pipe, buf, sizeof buf - 1)) > 0) {
		buf[k] = '\0';
		/* one line: newlines and tabs become spaces */
		for (ssize_t i = 0; i < k; i++)
			if (buf[i] == '\n' || buf[i] == '\t' || buf[i] == '\r')
				buf[i] = ' ';
		len = strlen(ui->message);
		if (len && len + 3 < sizeof ui->message)
			strcat(ui->message, " | ");
		len = strlen(ui->message);
		/* keep the newest text when it all does not fit */
		if (strlen(buf) >= sizeof ui->message - len) {
			size_t skip = strlen(buf) - (sizeof ui->message - len - 1);

			/* never start inside a UTF-8 character */
			while (buf[skip] && ((unsigned char)buf[skip] & 0xc0) == 0x80)
				skip++;
			memmove(buf, buf + skip, strlen(buf + skip) + 1);
		}
		snprintf(ui->message + len, sizeof ui->message - len, "%s", buf);
	}
}

static void
release_stderr(void)
{
	if (stderr_saved >= 0) {
		/* what is left unread stays unread: it may be a tenant's */
		dup2(stderr_saved, STDERR_FILENO);
		close(stderr_saved);
		stderr_saved = -1;
	}
	if (stderr_pipe >= 0) {
		close(stderr_pipe);
		stderr_pipe = -1;
	}
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
	if (si && pt_db_citus(ui->db)->present) {
		const struct pt_citus *c = pt_db_citus(ui->db);
		size_t len = strlen(line);

		snprintf(line + len, sizeof line - len, "  ");
		len = strlen(line);
		snprintf(line + len, sizeof line - len,
		         P_("Citus coordinator, %d worker", "Citus coordinator, %d workers", c->workers),
		         c->workers);
	}
	/* the badges matter more than a long socket path: they go right,
	 * and the connection text is cut to make room */
	{
		const char *badge[3];
		char *down = NULL;
		int nb = 0, bw = 0;

		if (ui->lost)
			badge[nb++] = _(" CONNECTION LOST (R reconnects) ");
		else if (si && pt_db_citus(ui->db)->present && (ui->schemas.failed_names ||
		                                               pt_db_citus(ui->db)->down_names))
			/* the last list's failures are fresher than the connect's */
			badge[nb++] = down = pt_xasprintf(_(" WORKER DOWN: %s "),
				ui->schemas.failed_names ? ui->schemas.failed_names
				                         : pt_db_citus(ui->db)->down_names);
		if (pt_ui_read_only(ui))
			badge[nb++] = _(" READ-ONLY ");
		for (int i = 0; i < nb; i++)
			bw += pt_ui_width(badge[i]) + 1;
		pt_ui_put(stdscr, 0, 0, line, COLS - bw - 3, ui->attr[COL_HEADER]);
		x = COLS - bw - 2;
		for (int i = 0; i < nb; i++)
			x += pt_ui_put(stdscr, 0, x, badge[i], COLS - x, ui->attr[COL_BADGE]) + 1;
		free(down);
	}
	if (ui->busy)
		mvaddch(0, COLS - 2, (chtype)spin[ui->spinner % 4] | ui->attr[COL_HEADER]);
}

/* Line 2: the breadcrumb of screens, the top one always (every screen
 * says what it is), and the "not hardened" banner on the right in the
 * longest form that fits beside it; when even the shortest does not, the
 * screens under the top one go first, then the banner is cut. */
static void
draw_tabs(struct pt_ui *ui)
{
	static const char *const banners[] = {
		N_(" ! Not hardened: PUBLIC reaches schema public or this database. H: fix"),
		N_(" ! Not hardened (PUBLIC has access). H: fix"),
		N_(" ! Not hardened. H: fix"),
	};
	const struct pt_session_info *si = ui->db ? pt_db_info(ui->db) : NULL;
	const struct pt_screen_ops *top = pt_ui_top(ui);
	const char *banner = NULL;
	int x = 0, from = 0, trail = 0;

	move(1, 0);
	clrtoeol();
	for (int i = 0; i < ui->depth; i++)
		trail += pt_ui_width(i ? " > " : " ") + pt_ui_width(_(ui->stack[i]->title));
	if (si && !si->hardened && !ui->lost) {
		int top_only = 1 + (top ? pt_ui_width(_(top->title)) : 0);

		for (size_t b = 0; b < sizeof banners / sizeof *banners && !banner; b++)
			if (trail + 1 + pt_ui_width(_(banners[b])) <= COLS)
				banner = _(banners[b]);
		for (size_t b = 0; b < sizeof banners / sizeof *banners && !banner; b++)
			if (top_only + 1 + pt_ui_width(_(banners[b])) <= COLS)
				banner = _(banners[b]);
		if (!banner)    /* the shortest, cut with an ellipsis */
			banner = _(banners[sizeof banners / sizeof *banners - 1]);
		if (trail + 1 + pt_ui_width(banner) > COLS && ui->depth > 0)
			from = ui->depth - 1;
	}
	for (int i = from; i < ui->depth; i++) {
		const char *t = _(ui->stack[i]->title);

		x += pt_ui_put(stdscr, 1, x, i > from ? " > " : " ", COLS - x, A_NORMAL);
		x += pt_ui_put(stdscr, 1, x, t, COLS - x,
		               ui->stack[i] == top ? ui->attr[COL_TITLE] : A_NORMAL);
	}
	if (banner) {
		int bw = pt_ui_width(banner);

		pt_ui_put(stdscr, 1, COLS - bw > x ? COLS - bw : x, banner, COLS - x,
		          ui->attr[COL_WARN]);
	}
}

/* The key hint: items two spaces apart, as many as fit in width, in
 * their order, but "? help" always (it lists the rest). */
static void
put_hint(int y, const char *hint, int width, attr_t a)
{
	char *items = pt_xstrdup(hint), *out = pt_xmalloc(strlen(hint) + 3);
	const char *help = strncmp(hint, "? ", 2) ? strstr(hint, "  ? ") : hint;
	size_t help_at = help ? (size_t)(help - hint) + (help == hint ? 0 : 2) : (size_t)-1;
	char helpitem[64] = "";
	int room;
	char *p = items;

	if (help) {
		const char *e = strstr(hint + help_at, "  ");

		snprintf(helpitem, sizeof helpitem, "%.*s",
		         (int)(e ? (size_t)(e - hint) - help_at : strlen(hint + help_at)),
		         hint + help_at);
	}
	room = width - (help ? pt_ui_width(helpitem) + 2 : 0);

	out[0] = '\0';
	while (p && *p) {
		char *end = strstr(p, "  ");

		if (end)
			*end = '\0';
		if ((size_t)(p - items) != help_at &&
		    pt_ui_width(out) + (*out ? 2 : 0) + pt_ui_width(p) <= room) {
			if (*out)
				strcat(out, "  ");
			strcat(out, p);
		}
		p = end ? end + 2 : NULL;
	}
	if (help) {
		if (*out)
			strcat(out, "  ");
		strcat(out, helpitem);
	}
	pt_ui_put(stdscr, y, 1, out, width, a);
	free(out);
	free(items);
}

static void
draw_status(struct pt_ui *ui)
{
	const struct pt_screen_ops *top = pt_ui_top(ui);
	/* a long message (an error with its cause) takes up to three lines
	 * over the bottom of the body rather than being cut */
	int n = ui->message[0] ? pt_ui_wrap_lines(ui->message, COLS - 1) : 1;

	if (n > 3)
		n = 3;
	if (n < 1)
		n = 1;
	wattron(stdscr, ui->attr[COL_STATUS]);
	mvhline(LINES - 1 - n, 0, ' ', COLS);
	wattroff(stdscr, ui->attr[COL_STATUS]);
	if (top && top->hint_for)
		put_hint(LINES - 1 - n, _(top->hint_for(ui)), COLS - 2, ui->attr[COL_STATUS]);
	else if (top && (top->hint || top->hint_ro))
		/* a read-only session is not offered what it would refuse */
		put_hint(LINES - 1 - n,
		         _(pt_ui_read_only(ui) && top->hint_ro ? top->hint_ro : top->hint),
		         COLS - 2, ui->attr[COL_STATUS]);
	for (int i = 0; i < n; i++) {
		move(LINES - n + i, 0);
		clrtoeol();
	}
	pt_ui_put_wrapped(stdscr, LINES - n, 0, ui->message, COLS - 1, n,
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

	drain_stderr(ui);
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
	ui->cur_y = -1;
	if (ui->body && top && top->draw) {
		werase(ui->body);
		top->draw(ui, ui->body, LINES - 4, COLS);
	}
	draw_status(ui);
	if (ui->cur_y >= 0 && ui->cur_y < LINES && ui->cur_x < COLS) {
		move(ui->cur_y, ui->cur_x);
		curs_set(1);
	} else {
		curs_set(0);
	}
	refresh();
	/* the raw path skips the widgets: only text that needs no sanitising */
	if (ui->raw_text && pt_text_clean(ui->raw_text, PT_SAN_KEEP_NEWLINE))
		write_raw(ui->raw_text, ui->raw_row + 2);
}

void
pt_ui_cursor_at(WINDOW *win, int y, int x)
{
	if (!the_ui || !win)
		return;
	the_ui->cur_y = getbegy(win) + y;
	the_ui->cur_x = getbegx(win) + x;
}

/* ---- input -------------------------------------------------------------- */

static void
on_resize(struct pt_ui *ui)
{
	make_body(ui);
	clearok(curscr, TRUE);
	ui->need_redraw = true;
}

/* One key from the terminal (timeout in ms, -1 = wait). Returns ERR on
 * timeout. */
static int
get_key(struct pt_ui *ui, int timeout_ms, wint_t *ch, bool *code)
{
	int r;

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

bool
pt_ui_take_replay(struct pt_ui *ui, wint_t *ch, bool *code)
{
	if (!ui->nreplay)
		return false;
	*ch = ui->replay[0].ch;
	*code = ui->replay[0].code;
	memmove(ui->replay, ui->replay + 1, (size_t)--ui->nreplay * sizeof *ui->replay);
	return true;
}

/* The core calls this every 50 ms while a query waits for the server.
 * Ctrl-C (or q) cancels the query; a second one makes the core drop a
 * server that answers neither (it then reconnects in the background).
 * Other keys are dropped, never replayed: by then the screen they were
 * aimed at may be gone (Ctrl-C, then Enter on nothing); only during an
 * automatic refresh, which opens no screen, the first key cancels it and
 * they act as soon as it is over. */
bool
pt_ui_wait_hook(void *ud)
{
	struct pt_ui *ui = ud;
	wint_t ch;
	int r;

	ui->busy = true;
	ui->spinner++;
	timeout(0);
	while ((r = get_wch(&ch)) != ERR) {
		bool code = r == KEY_CODE_YES;
		bool stop = !code && (ch == CTRL('c') || ch == 'q' || ch == 'Q');

		if (code && ch == KEY_RESIZE) {
			on_resize(ui);
			continue;
		}
		if (ui->background && (!stop || ch != CTRL('c'))) {
			if (ui->nreplay < (int)(sizeof ui->replay / sizeof *ui->replay)) {
				ui->replay[ui->nreplay].ch = ch;
				ui->replay[ui->nreplay++].code = code;
			} else {
				ui->dropped_keys++;
			}
			if (ui->stops == 0)
				stop = true;
		} else if (!stop) {
			ui->dropped_keys++;
		}
		if (stop) {
			ui->cancel = true;
			/* the first asks the server; say what the second does */
			if (ui->stops++ == 0 && !ui->background)
				pt_ui_msg(ui, "%s", _("Canceling... Ctrl-C again drops the connection."));
			else if (ui->stops > 1)
				pt_ui_msg(ui, "%s", _("The server does not answer: dropping the connection."));
		}
	}
	if (ui->spinner % 1000 == 4 && !ui->message[0] && !ui->background)
		pt_ui_msg(ui, "%s", _("Waiting for the server... (Ctrl-C cancels)"));
	/* a canceled refresh the server is slow to end */
	if (ui->background && ui->stops == 1 && ui->spinner % 1000 == 14 && !ui->cancel)
		pt_ui_msg(ui, "%s", _("Canceling... Ctrl-C again drops the connection."));
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

	/* a question too long for one line with room for the answer (a
	 * default path) is shown whole, wrapped over the lines above it */
	int above = pt_ui_width(label) > COLS - 20 ? pt_ui_wrap_lines(label, COLS - 1) : 0;

	if (above > 3)
		above = 3;
	memset(buf, 0, bufsz);
	curs_set(1);
	for (;;) {
		wint_t ch;
		bool code;
		int x;

		pt_ui_draw(ui);
		for (int i = 0; i <= above; i++) {
			move(LINES - 1 - i, 0);
			clrtoeol();
		}
		if (above) {
			pt_ui_put_wrapped(stdscr, LINES - 1 - above, 0, label, COLS - 1, above, A_BOLD);
			x = pt_ui_put(stdscr, LINES - 1, 0, ">", 1, A_BOLD);
		} else {
			/* the question whole; the answer gets what is left */
			x = pt_ui_put(stdscr, LINES - 1, 0, label, COLS - 10, A_BOLD);
		}
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

bool
pt_ui_confirm(struct pt_ui *ui, const char *question)
{
	for (;;) {
		wint_t ch;
		bool code;
		int x;

		pt_ui_draw(ui);
		move(LINES - 1, 0);
		clrtoeol();
		x = pt_ui_put(stdscr, LINES - 1, 0, question, COLS - 2, A_BOLD);
		/* the answer is typed at the terminal's own cursor */
		move(LINES - 1, x + 1 < COLS ? x + 1 : COLS - 1);
		curs_set(1);
		refresh();
		if (get_key(ui, 250, &ch, &code) == ERR)
			continue;
		curs_set(0);
		return !code && (ch == 'y' || ch == 'Y');
	}
}

/* libpq asks for the admin password: a masked field on the message line. */

/* ---- actions ------------------------------------------------------------ */

/* The worker with the fewest bytes of tenants, other than where schema
 * is: the default target of a move. "" when there is none. */
static const char *
lightest_worker(const struct pt_ui *ui, const char *schema)
{
	const struct pt_citus *c = pt_db_citus(ui->db);
	const char *here = NULL, *best = "";
	int64_t best_size = -1;

	for (size_t r = 0; r < ui->schemas.n; r++)
		if (!strcmp(ui->schemas.rows[r].name, schema))
			here = ui->schemas.rows[r].node;
	for (size_t i = 0; i < c->nnodes; i++) {
		int64_t size = 0;

		if (c->nodes[i].coordinator || !c->nodes[i].up ||
		    (here && !strcmp(here, c->nodes[i].name)))
			continue;
		for (size_t r = 0; r < ui->schemas.n; r++)
			if (ui->schemas.rows[r].node && !strcmp(ui->schemas.rows[r].node, c->nodes[i].name) &&
			    ui->schemas.rows[r].size_bytes > 0)
				size += ui->schemas.rows[r].size_bytes;
		if (best_size < 0 || size < best_size) {
			best = c->nodes[i].name;
			best_size = size;
		}
	}
	return best;
}

/* Ask where to (the lightest other worker by default) and plan the move:
 * its SQL, or NULL (the reason shown). */
static char *
move_preview(struct pt_ui *ui, pt_error *err)
{
	struct pt_citus_move m;
	const char *dflt;
	char label[200], typed[128], *sql;

	if (!pt_db_citus(ui->db)->present) {
		pt_ui_err(ui, "%s", _("Moving a tenant needs a Citus coordinator."));
		return NULL;
	}
	dflt = lightest_worker(ui, ui->target_schema);
	snprintf(label, sizeof label, _("Move %s to which worker (host:port; Enter: %s)?"),
	         ui->target_schema, *dflt ? dflt : "-");
	if (!pt_ui_prompt(ui, label, false, typed, sizeof typed))
		return NULL;
	snprintf(ui->move_to, sizeof ui->move_to, "%s", *typed ? typed : dflt);
	if (pt_citus_move_plan(ui->db, ui->target_schema, ui->move_to, &m, err) != PT_OK) {
		pt_ui_fail(ui, err);
		return NULL;
	}
	{
		char *plan = pt_citus_move_preview(&m);

		sql = pt_xasprintf(_("-- from %s to %s, transfer mode %s%s\n%s"), m.from, m.to, m.mode,
		                   m.locked ? _("; the tenant is locked: let in for the move with its "
		                                "password expired, then locked again and its "
		                                "sessions ended") : "",
		                   plan);
		free(plan);
	}
	pt_citus_move_free(&m);
	return sql;
}

void
pt_ui_start(struct pt_ui *ui, enum pt_pending what)
{
	struct pt_tenant_ref ref;
	pgt_error *perr = NULL;
	pt_error err;
	char *sql = NULL;

	if (!pt_ui_need_write(ui))
		return;
	/* drop, rotate, lock, unlock and edit refuse a schema that is no
	 * tenant's at once, with the reason, before any preview (the core's
	 * look-up: the API has none, and rotate has no preview, nor edit one
	 * before its form) */
	if (pt_tenant_find(ui->db, ui->target_schema, &ref, &err) != PT_OK) {
		pt_ui_fail(ui, &err);
		return;
	}
	pt_tenant_ref_free(&ref);
	switch (what) {
	case PEND_DROP:
		sql = pgt_tenant_drop_preview(ui->admin, ui->target_schema, &perr);
		break;
	case PEND_ROTATE:
		sql = pt_xasprintf(_("-- give the login role of schema %s a new generated "
		                     "password\n-- (sent as a SCRAM verifier; the old one stops "
		                     "working at once)"), ui->target_schema);
		break;
	case PEND_LOCK:
		/* ending sessions cannot be undone: only when asked for (t) */
		ui->lock_terminate = false;
		sql = pgt_tenant_lock_preview(ui->admin, ui->target_schema, 0, &perr);
		break;
	case PEND_UNLOCK:
		sql = pgt_tenant_unlock_preview(ui->admin, ui->target_schema, &perr);
		break;
	case PEND_ALTER:
		pt_ui_push(ui, &pt_scr_alter);  /* its preview comes from the form */
		return;
	case PEND_MOVE:
		if (!(sql = move_preview(ui, &err)))
			return;
		break;
	default:
		return;
	}
	if (!sql) {
		pt_ui_fail_api(ui, perr);
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
	case ACT_CLOSE:
		/* tig's and k9s': q closes the view, Q and :q quit */
		if (ui->depth > 1)
			pt_ui_dispatch(ui, ACT_BACK);
		else
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
			pt_ui_reconnect(ui);
		} else {
			pt_ui_msg(ui, "%s", _("Connected."));
		}
		break;
	case ACT_INTERRUPT:
		pt_ui_msg(ui, "%s", _("Nothing to cancel. Press q to quit."));
		break;
	case ACT_INTERVAL: {
		char typed[16], *end;
		long v;

		if (!pt_ui_prompt(ui, _("Refresh every how many seconds (0 = off):"), false,
		                  typed, sizeof typed))
			break;
		v = strtol(typed, &end, 10);
		if (!*typed || *end || v < 0 || v > 86400) {
			pt_ui_err(ui, "%s", _("Whole seconds from 0 to 86400."));
			break;
		}
		pt_ui_set_refresh(ui, (int)v);
		if (v)
			pt_ui_msg(ui, _("Refreshing every %ld s."), v);
		else
			pt_ui_msg(ui, "%s", _("Automatic refresh is off."));
		break;
	}
	case ACT_TENANTS:
		while (ui->depth > 1)
			pt_ui_pop(ui);
		break;
	case ACT_ACTIVITY: {
		/* back to it when it is open under this screen: Enter (a tenant)
		 * and o again must not pile screens up */
		int at = -1;

		for (int i = 0; i < ui->depth; i++)
			if (ui->stack[i] == &pt_scr_activity)
				at = i;
		if (at >= 0) {
			while (ui->depth > at + 1)
				pt_ui_pop(ui);
		} else if (pt_ui_need_server(ui)) {
			pt_ui_push(ui, &pt_scr_activity);
		}
		break;
	}
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
		if (!code && (ch == 'q' || ch == 'Q'))
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
	release_stderr();
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
	ui->color = !ui->opt->no_color && has_colors();
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

/* Why the console cannot run here, said as it is. */
static int
refuse(const struct pt_tui_opts *opt, const char *term)
{
	char why[160];

	if (!isatty(STDIN_FILENO))
		snprintf(why, sizeof why, "%s", _("standard input is not a terminal"));
	else if (!isatty(STDOUT_FILENO))
		snprintf(why, sizeof why, "%s", _("standard output is not a terminal"));
	else if (!term || !*term)
		snprintf(why, sizeof why, "%s", _("TERM is not set"));
	else
		snprintf(why, sizeof why, _("the terminal type \"%s\" cannot position the cursor"),
		         term);
	fprintf(stderr,
	        _("%s: the console needs a terminal (%s); use the scriptable commands "
	          "instead: list, roles, create, drop, rotate-password, audit, harden "
	          "(see --help)\n"),
	        opt->progname, why);
	return 2;
}

int
pt_tui_run(const struct pt_tui_opts *opt)
{
	const char *term = getenv("TERM");
	struct pt_ui ui;
	SCREEN *scr;
	int errret = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) || !term || !*term ||
	    !strcmp(term, "dumb"))
		return refuse(opt, term);
	/* an unknown terminal: initscr would exit; check first */
	if (setupterm(NULL, STDOUT_FILENO, &errret) != OK || errret != 1 ||
	    !tigetstr("cup") || tigetstr("cup") == (char *)-1)
		return refuse(opt, term);
	del_curterm(cur_term);

	/* main.c bound the text domain: the API's calls must keep it */
	pt_api_program_mode();
	memset(&ui, 0, sizeof ui);
	ui.opt = opt;
	ui.fmt = PT_CONNSTR_URI;
	ui.f_password = pt_secret_alloc(PT_UI_PW_MAX);
	the_ui = &ui;
	set_escdelay(25);
	scr = newterm(NULL, stdout, stdin);
	if (!scr)
		return refuse(opt, term);
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
	capture_stderr();
	pt_ui_set_refresh(&ui, opt->refresh_s == 0 ? PT_UI_REFRESH_DEFAULT
	                       : opt->refresh_s < 0 ? 0 : opt->refresh_s);

	if (opt->target || pt_ui_have_pg_env()) {
		pt_ui_push(&ui, &pt_scr_tenants);
		if (pt_ui_connect(&ui, opt->target))
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

		if (ui.busy && (!strcmp(ui.message, _("Waiting for the server... (Ctrl-C cancels)")) ||
		                !strcmp(ui.message, _("Canceling... Ctrl-C again drops the connection."))))
			ui.message[0] = '\0';
		ui.busy = false;
		ui.spinner = 0;
		ui.stops = 0;
		if (ui.dropped_keys) {
			size_t len = strlen(ui.message);

			/* after what the action said, not instead of it */
			snprintf(ui.message + len, sizeof ui.message - len, len ? "  %s" : "%s",
			         _("Keys typed while waiting for the server were ignored."));
			ui.dropped_keys = 0;
		}
		if (pt_ui_take_replay(&ui, &ch, &code)) {
			/* typed during an automatic refresh: now, in order */
			ui.message[0] = '\0';
			handle_key(&ui, ch, code);
			continue;
		}
		pt_ui_draw(&ui);
		if (get_key(&ui, pt_ui_idle_timeout(&ui), &ch, &code) == ERR) {
			pt_ui_session_idle(&ui);
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
	pt_ui_free_roles(&ui);
	pt_ui_free_session_counts(&ui);
	if (ui.have_schemas)
		pt_schema_list_free(&ui.schemas);
	if (ui.have_ep)
		pt_endpoint_free(&ui.ep);
	pt_ui_disconnect(&ui);
	return 0;
}