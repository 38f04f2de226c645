/* The ':' command line: GNU readline's callback interface inside ncurses.
 * readline never touches the terminal here: bytes are fed to it from the
 * curses input loop (rl_getc_function), it draws through
 * rl_redisplay_function onto the message line, and its terminal and
 * signal handling is switched off. */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <readline/readline.h>
#include <readline/history.h>

#include "tui/ui.h"

static struct pt_ui *cl_ui;
static unsigned char pending[32];
static int npending;
static bool done;
static char *history_path;
static FILE *devnull;

static int
cl_getc(FILE *f)
{
	(void)f;
	if (npending == 0)
		return EOF;
	{
		int c = pending[0];

		memmove(pending, pending + 1, (size_t)--npending);
		return c;
	}
}

static int
cl_input_available(void)
{
	return npending > 0;
}

static void
cl_redisplay(void)
{
	int x, cx;
	char before[1024];

	move(LINES - 1, 0);
	clrtoeol();
	x = pt_ui_put(stdscr, LINES - 1, 0, ":", COLS, A_BOLD);
	pt_ui_put(stdscr, LINES - 1, x, rl_line_buffer, COLS - x - 1, A_NORMAL);
	snprintf(before, sizeof before, "%.*s", rl_point, rl_line_buffer);
	cx = x + pt_ui_width(before);
	move(LINES - 1, cx < COLS ? cx : COLS - 1);
	refresh();
}

static void
cl_noop_prep(int meta)
{
	(void)meta;
}

static void
cl_noop_deprep(void)
{
}

bool
pt_cmdline_line_has_secret(const char *line)
{
	const char *p, *at;
	char low[1024];
	size_t i;

	for (i = 0; line[i] && i + 1 < sizeof low; i++)
		low[i] = (char)tolower((unsigned char)line[i]);
	low[i] = '\0';
	if (strstr(low, "password") || strstr(low, "passwd") || strstr(low, "secret"))
		return true;
	/* a URI with user:password@ */
	p = strstr(low, "://");
	if (p) {
		at = strchr(p + 3, '@');
		if (at && memchr(p + 3, ':', (size_t)(at - (p + 3))))
			return true;
	}
	return false;
}

static void
save_history_line(const char *line)
{
	int fd;

	if (!*line || pt_cmdline_line_has_secret(line))
		return;
	add_history(line);
	if (!history_path)
		return;
	/* the file is created private before readline appends to it */
	fd = open(history_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	close(fd);
	append_history(1, history_path);
	history_truncate_file(history_path, 1000);
}

/* The commands that act on the schema they name (else on the selection). */
static bool
takes_name(enum pt_action a)
{
	return a == ACT_DROP || a == ACT_ROTATE || a == ACT_DETAIL || a == ACT_LOCK ||
	       a == ACT_UNLOCK || a == ACT_ALTER;
}

static bool
takes_arg(enum pt_action a)
{
	return takes_name(a) || a == ACT_FILTER || a == ACT_SORT || a == ACT_CREATE;
}

static void
cl_line(char *line)
{
	char *cmd, *arg, *save = NULL;
	enum pt_action a;
	struct pt_ui *ui = cl_ui;

	done = true;
	rl_callback_handler_remove();
	if (!line)
		return;
	save_history_line(line);
	cmd = strtok_r(line, " \t", &save);
	arg = cmd ? strtok_r(NULL, " \t", &save) : NULL;
	if (!cmd) {
		free(line);
		return;
	}
	a = pt_action_from_command(cmd);
	if (a == ACT_NONE) {
		pt_ui_err(ui, _("Unknown command \"%s\"; :help lists them."), cmd);
		free(line);
		return;
	}
	/* a word the command would not use must not be dropped silently:
	 * ":lock NAME" that locked the selected row instead was the bug */
	if (a == ACT_SORT && arg) {
		/* a column title may have spaces ("Login roles", as Tab completes) */
		char *rest = strtok_r(NULL, "", &save);

		if (rest) {
			size_t n;

			arg[strlen(arg)] = ' ';
			n = strlen(arg);
			while (n > 0 && (arg[n - 1] == ' ' || arg[n - 1] == '\t'))
				arg[--n] = '\0';
		}
	} else if ((arg && !takes_arg(a)) || (arg && strtok_r(NULL, " \t", &save))) {
		pt_ui_err(ui, arg && !takes_arg(a) ? _("\"%s\" takes no name: nothing was done.")
		                                   : _("\"%s\" takes one name: nothing was done."),
		          cmd);
		free(line);
		return;
	}
	if (a == ACT_FILTER) {
		while (ui->depth > 1)
			pt_ui_pop(ui);
		snprintf(ui->filter, sizeof ui->filter, "%s", arg ? arg : "");
		pt_model_filter(&ui->tmodel, ui->filter);
	} else if (arg && takes_name(a)) {
		while (ui->depth > 1)
			pt_ui_pop(ui);
		/* select the named schema so the tenants screen acts on it */
		if (!pt_ui_select_schema(ui, arg))
			pt_ui_err(ui, _("No schema named \"%s\"."), arg);
		else
			pt_ui_dispatch(ui, a);
	} else if (a == ACT_SORT && arg) {
		pt_ui_sort_by(ui, arg);
	} else if (a == ACT_CREATE && arg) {
		while (ui->depth > 1)
			pt_ui_pop(ui);
		pt_ui_dispatch(ui, a);
		if (pt_ui_top(ui) == &pt_scr_create) {
			for (const char *p = arg; *p; p++)
				pt_scr_create.input(ui, (wint_t)(unsigned char)*p, false);
		}
	} else {
		pt_ui_dispatch(ui, a);
	}
	free(line);
}

/* Completion: commands for the first word, tenant names after. */
static char *
gen_command(const char *text, int state)
{
	static int a;
	size_t len = strlen(text);

	if (!state)
		a = 0;
	while (a < ACT_COUNT) {
		const char *c = pt_action_command((enum pt_action)a++);

		if (c && !strncmp(c, text, len))
			return strdup(c);
	}
	return NULL;
}

static char *
gen_schema(const char *text, int state)
{
	static size_t i;
	size_t len = strlen(text);

	if (!state)
		i = 0;
	while (i < cl_ui->schemas.n) {
		const char *n = cl_ui->schemas.rows[i++].name;

		if (!strncmp(n, text, len))
			return strdup(n);
	}
	return NULL;
}

/* Several completions: list them on the status line above the command
 * line (readline would print them to its output stream, which is not the
 * screen here). */
static void
cl_show_matches(char **matches, int num, int max_length)
{
	char line[1024] = "";
	size_t len = 0;

	(void)max_length;
	for (int i = 1; i <= num && len + 2 < sizeof line; i++)
		len += (size_t)snprintf(line + len, sizeof line - len, "%s%s", i > 1 ? "  " : "",
		                        matches[i]);
	move(LINES - 2, 0);
	clrtoeol();
	pt_ui_put(stdscr, LINES - 2, 1, line, COLS - 2, A_REVERSE);
	cl_redisplay();
}

/* The top screen's column titles, for ":sort ": those its model has
 * (the Node column only on a Citus coordinator), as :sort takes them. */
static char *
gen_column(const char *text, int state)
{
	static int c;
	const struct pt_screen_ops *top = pt_ui_top(cl_ui);
	const struct pt_model *m = top && top->model ? top->model(cl_ui) : NULL;
	size_t len = strlen(text);

	if (!state)
		c = 0;
	while (m && top->col_titles && c < m->ncols && top->col_titles[c]) {
		const char *t = _(top->col_titles[c++]);

		if (!strncasecmp(t, text, len))
			return strdup(t);
	}
	return NULL;
}

static char **
cl_complete(const char *text, int start, int end)
{
	size_t first = strspn(rl_line_buffer, " ");

	(void)end;
	rl_attempted_completion_over = 1;
	if (start == 0 || first == (size_t)start)
		return rl_completion_matches(text, gen_command);
	if (!strncmp(rl_line_buffer + first, "sort ", 5))
		return rl_completion_matches(text, gen_column);
	return rl_completion_matches(text, gen_schema);
}

void
pt_cmdline_init(struct pt_ui *ui)
{
	cl_ui = ui;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = cl_noop_prep;
	rl_deprep_term_function = cl_noop_deprep;
	rl_getc_function = cl_getc;
	rl_input_available_hook = cl_input_available;
	rl_redisplay_function = cl_redisplay;
	rl_attempted_completion_function = cl_complete;
	rl_completion_display_matches_hook = cl_show_matches;
	rl_readline_name = "pgtenant";
	devnull = fopen("/dev/null", "w");
	rl_outstream = devnull;   /* completion lists must not scribble on curses */
	rl_instream = NULL;
	using_history();
	stifle_history(1000);
	history_path = pt_ui_state_path("history");
	if (history_path)
		read_history(history_path);
}

void
pt_cmdline_done(void)
{
	free(history_path);
	history_path = NULL;
	if (devnull)
		fclose(devnull);
	devnull = NULL;
}

static void
feed(const char *bytes, size_t n)
{
	for (size_t i = 0; i < n && !done; i++) {
		if (npending < (int)sizeof pending)
			pending[npending++] = (unsigned char)bytes[i];
		while (npending > 0 && !done)
			rl_callback_read_char();
	}
}

void
pt_cmdline_run(struct pt_ui *ui)
{
	done = false;
	npending = 0;
	rl_callback_handler_install(":", cl_line);
	curs_set(1);
	cl_redisplay();
	while (!done) {
		wint_t ch;
		bool code;
		int r;

		/* ':' typed during a refresh: the rest of the line came with it */
		if (pt_ui_take_replay(ui, &ch, &code)) {
			r = code ? KEY_CODE_YES : OK;
		} else {
			timeout(250);
			r = get_wch(&ch);
		}
		if (r == ERR)
			continue;
		if (r == KEY_CODE_YES) {
			const char *seq = NULL;

			switch (ch) {
			case KEY_LEFT: seq = "\033[D"; break;
			case KEY_RIGHT: seq = "\033[C"; break;
			case KEY_UP: seq = "\033[A"; break;
			case KEY_DOWN: seq = "\033[B"; break;
			case KEY_HOME: seq = "\001"; break;
			case KEY_END: seq = "\005"; break;
			case KEY_BACKSPACE: seq = "\177"; break;
			case KEY_DC: seq = "\004"; break;
			case KEY_ENTER: seq = "\r"; break;
			case KEY_RESIZE:
				pt_ui_draw(ui);
				cl_redisplay();
				break;
			default: break;
			}
			if (seq)
				feed(seq, strlen(seq));
			continue;
		}
		if (ch == 27 || ch == 3) {
			/* a lone Esc (curses already waited for a sequence) cancels */
			rl_callback_handler_remove();
			rl_replace_line("", 1);
			done = true;
			break;
		}
		{
			char mb[MB_LEN_MAX];
			mbstate_t st;
			size_t k;

			memset(&st, 0, sizeof st);
			k = wcrtomb(mb, (wchar_t)ch, &st);
			if (k != (size_t)-1)
				feed(mb, k);
		}
	}
	curs_set(0);
}
