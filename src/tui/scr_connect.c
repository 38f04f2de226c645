/* The connect screen: a URL field, the services from the user's and the
 * system's pg_service.conf, and recent targets (stored without passwords). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/ui.h"

#define MAX_ITEMS 64

static char url[512];
static char *items[MAX_ITEMS];
static int nitems, sel = -1;

static void
add_item(char *s)
{
	for (int i = 0; i < nitems; i++)
		if (!strcmp(items[i], s)) {
			free(s);
			return;
		}
	if (nitems < MAX_ITEMS)
		items[nitems++] = s;
	else
		free(s);
}

static void
read_services(const char *path)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		char *end = strchr(line, ']');

		if (line[0] == '[' && end) {
			*end = '\0';
			add_item(pt_xasprintf("service=%s", line + 1));
		}
	}
	fclose(f);
}

static void
enter(struct pt_ui *ui)
{
	const char *home = getenv("HOME"), *sf = getenv("PGSERVICEFILE"),
	           *sys = getenv("PGSYSCONFDIR");
	char *p, line[512];
	FILE *f;

	(void)ui;
	if (sf)
		read_services(sf);
	else if (home) {
		p = pt_xasprintf("%s/.pg_service.conf", home);
		read_services(p);
		free(p);
	}
	p = pt_xasprintf("%s/pg_service.conf", sys ? sys : "/etc/postgresql-common");
	read_services(p);
	free(p);
	p = pt_ui_state_path("targets");
	f = p ? fopen(p, "r") : NULL;
	free(p);
	while (f && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (*line)
			add_item(pt_xstrdup(line));
	}
	if (f)
		fclose(f);
}

static void
leave(struct pt_ui *ui)
{
	(void)ui;
	for (int i = 0; i < nitems; i++)
		free(items[i]);
	nitems = 0;
	sel = -1;
	memset(url, 0, sizeof url);
}

/* Keywords whose value is a secret: never saved. */
static bool
secret_keyword(const char *kw)
{
	return !strcmp(kw, "password") || !strcmp(kw, "sslpassword");
}

/* A value as conninfo spells it: bare when it can be, else quoted. */
static void
append_value(char *out, size_t outsz, const char *v)
{
	size_t n = strlen(out);
	bool bare = *v && !strpbrk(v, " \t\n\r\v\f'\\");

	if (bare) {
		snprintf(out + n, outsz - n, "%s", v);
		return;
	}
	if (n + 1 < outsz)
		out[n++] = '\'';
	for (; *v && n + 3 < outsz; v++) {
		if (*v == '\'' || *v == '\\')
			out[n++] = '\\';
		out[n++] = *v;
	}
	out[n++] = '\'';
	out[n] = '\0';
}

/* What is saved of a target: the options libpq parses out of it, rebuilt
 * as key=value without any secret, so that no spelling of "password"
 * (%70assword in a URI, say, which libpq decodes) gets through. False when
 * the target must not be saved at all (it does not parse, a dbname holds
 * a connection string of its own, or it does not fit). */
static bool
saved_form(const char *target, char *out, size_t outsz)
{
	PQconninfoOption *opts;
	char *why = NULL;
	bool ok = true;

	out[0] = '\0';
	/* A bare word is a database name, as libpq takes it. */
	/* One target a line in the file. */
	if (strpbrk(target, "\n\r"))
		return false;
	if (!strchr(target, '=') && !strstr(target, "://")) {
		snprintf(out, outsz, "%s", target);
		return *out && strlen(target) < outsz;
	}
	opts = PQconninfoParse(target, &why);
	if (!opts) {
		PQfreemem(why);
		return false;
	}
	for (PQconninfoOption *o = opts; ok && o->keyword; o++) {
		size_t n = strlen(out);
		if (!o->val || secret_keyword(o->keyword))
			continue;
		if (strpbrk(o->val, "\n\r")) {
			ok = false;
			break;
		}
		if (!strcmp(o->keyword, "dbname") &&
		    (strchr(o->val, '=') || strstr(o->val, "://"))) {
			ok = false;
			break;
		}
		/* Room for the worst case: every byte escaped, quotes, space. */
		if (n + strlen(o->keyword) + 2 * strlen(o->val) + 5 >= outsz) {
			ok = false;
			break;
		}
		snprintf(out + n, outsz - n, "%s%s=", n ? " " : "", o->keyword);
		append_value(out, outsz, o->val);
	}
	PQconninfoFree(opts);
	return ok && *out;
}

static void
remember(const char *target)
{
	char *path, line[512], saved[512];
	FILE *f;
	int fd;

	/* a target with a password in it is saved without it, or not at all */
	if (!saved_form(target, saved, sizeof saved) || pt_cmdline_line_has_secret(saved))
		return;
	path = pt_ui_state_path("targets");
	if (!path)
		return;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(path);
	f = fd >= 0 ? fdopen(fd, "r+") : NULL;
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, saved)) {
			fclose(f);
			return;
		}
	}
	fprintf(f, "%s\n", saved);
	fclose(f);
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	int y = 1;

	pt_ui_put(win, y++, 2, _("Connect to a database: a postgresql:// URI, a conninfo string "
	                         "or service=NAME."), w - 4, ui->attr[COL_TITLE]);
	y++;
	pt_ui_put(win, y, 2, _("Target:"), 10, A_BOLD);
	wattron(win, sel < 0 ? A_REVERSE : A_UNDERLINE);
	mvwhline(win, y, 12, ' ', w - 14);
	wattroff(win, sel < 0 ? A_REVERSE : A_UNDERLINE);
	{
		int used = pt_ui_put(win, y, 12, url, w - 14, sel < 0 ? A_REVERSE : A_UNDERLINE);

		pt_ui_cursor_at(win, y, 12 + (used < w - 14 ? used : w - 15));
	}
	y += 2;
	pt_ui_put(win, y++, 2, nitems ? _("Services and recent targets (Up/Down):")
	                              : _("No services in pg_service.conf and no recent targets."),
	          w - 4, A_BOLD);
	for (int i = 0; i < nitems && y < h - 1; i++, y++)
		pt_ui_put(win, y, 4, items[i], w - 6, i == sel ? A_REVERSE : A_NORMAL);
}

static bool
input(struct pt_ui *ui, wint_t ch, bool is_code)
{
	(void)ui;
	if (!is_code && (ch == '\n' || ch == '\r' || ch == 27 || ch == 3 || ch == '\t'))
		return false;
	if (is_code && (ch == KEY_UP || ch == KEY_DOWN))
		return false;
	if (pt_ui_edit(url, sizeof url, ch, is_code)) {
		sel = -1;
		return true;
	}
	return false;
}

static bool
action(struct pt_ui *ui, enum pt_action a)
{
	switch (a) {
	case ACT_UP:
	case ACT_PREV_FIELD:
		if (sel >= 0)
			sel--;
		if (sel >= 0)
			snprintf(url, sizeof url, "%s", items[sel]);
		return true;
	case ACT_DOWN:
	case ACT_NEXT_FIELD:
		if (sel + 1 < nitems)
			snprintf(url, sizeof url, "%s", items[++sel]);
		return true;
	case ACT_ENTER: {
		char target[512];

		snprintf(target, sizeof target, "%s", url);
		pt_ui_disconnect(ui);
		if (pt_ui_connect(ui, target)) {
			remember(target);
			pt_ui_pop(ui);
			pt_ui_load_tenants(ui);
		}
		memset(target, 0, sizeof target);
		return true;
	}
	case ACT_BACK:
		if (!ui->db)
			ui->quit = true;
		else
			pt_ui_pop(ui);
		return true;
	default:
		return false;
	}
}

const struct pt_screen_ops pt_scr_connect = {
	.title = N_("Connect"),
	.scopes = SC_FORM,
	.enter = enter,
	.leave = leave,
	.draw = draw,
	.input = input,
	.action = action,
	.hint = N_("type a target  Up/Down pick  Enter connect  Esc quit  F1 help"),
};
