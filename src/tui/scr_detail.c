/* One schema: owner, every role that can reach it and how, search_path,
 * grants, size, the connection string without the password, and a
 * tenant's open sessions, which x cancels and X terminates.
 *
 * The screen is one page taller than the pane: ui->scroll is the page
 * line shown on the body's first row, and every block draws at page lines
 * (y) that may fall outside the pane. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"
#include "tui/activity.h"
#include "tui/ui.h"

/* ---- the tenant's role: locked, limits, settings ------------------------ */

static void
load_settings(struct pt_ui *ui)
{
	pt_error err;

	if (pt_tenant_settings_load(ui->db, ui->target_schema, &ui->dsettings, &err) != PT_OK)
		pt_ui_fail(ui, &err);
	else
		ui->have_dsettings = true;
}

static void
free_settings(struct pt_ui *ui)
{
	if (ui->have_dsettings)
		pt_tenant_settings_free(&ui->dsettings);
	ui->have_dsettings = false;
}

static bool page_row(int y, int h);
static void page_kv(WINDOW *win, int *y, int h, int w, const char *k, const char *v);

/* The values are the tenant's own text (it may ALTER ROLE itself): drawn
 * through the widgets only. */
static void
draw_settings(struct pt_ui *ui, WINDOW *win, int *y, int h, int w)
{
	const struct pt_tenant_settings *s = &ui->dsettings;
	const char *login;
	char limits[256], limit[32];
	attr_t la;

	if (!ui->have_dsettings)
		return;
	login = s->locked ? _("LOCKED: cannot log in (u unlocks)") : _("can log in");
	la = s->locked ? ui->attr[COL_WARN] : A_NORMAL;
	if (s->connection_limit >= 0)
		snprintf(limit, sizeof limit, "%d", s->connection_limit);
	snprintf(limits, sizeof limits, _("connections %s, expires %s"),
	         s->connection_limit >= 0 ? limit : _("unlimited"),
	         s->valid_until && strcmp(s->valid_until, "infinity") ? s->valid_until : _("never"));
	/* a short pane keeps its first page for who can reach the schema:
	 * all on one line */
	if (h < 20) {
		char *line = pt_xasprintf("%s; %s", login, limits);

		for (size_t i = 0; i < s->n; i++) {
			char *more = pt_xasprintf("%s%s%s=%s%s%s", line, i ? ", " : "; ", s->rows[i].name,
			                          s->rows[i].value, s->rows[i].all_databases ? " " : "",
			                          s->rows[i].all_databases ? _("(all databases)") : "");
			free(line);
			line = more;
		}
		if (page_row(*y, h)) {
			pt_ui_put(win, *y, 2, _("Login"), 18, A_BOLD);
			pt_ui_put(win, *y, 21, line, w - 23, la);
		}
		(*y)++;
		free(line);
		return;
	}
	if (page_row(*y, h)) {
		pt_ui_put(win, *y, 2, _("Login"), 18, A_BOLD);
		pt_ui_put(win, *y, 21, login, w - 23, la);
	}
	(*y)++;
	page_kv(win, y, h, w, _("Limits"), limits);
	if (!s->n)
		page_kv(win, y, h, w, _("Settings"), _("(server defaults)"));
	for (size_t i = 0; i < s->n; i++, (*y)++) {
		int x;

		if (!page_row(*y, h))
			continue;
		pt_ui_put(win, *y, 2, i ? "" : _("Settings"), 18, A_BOLD);
		x = 21 + pt_ui_put(win, *y, 21, s->rows[i].name, w - 23, A_NORMAL);
		x += pt_ui_put(win, *y, x, " = ", w - 2 - x, A_NORMAL);
		x += pt_ui_put(win, *y, x, s->rows[i].value, w - 2 - x, A_NORMAL);
		if (s->rows[i].all_databases)
			pt_ui_put(win, *y, x + 1, _("(all databases)"), w - 3 - x, ui->attr[COL_DIM]);
	}
}

/* ---- the tenant's sessions -------------------------------------------- */

static void
sessions_free(struct pt_ui *ui)
{
	if (ui->have_sessions)
		pt_session_list_free(&ui->sessions);
	ui->have_sessions = false;
}

/* (Re)read the sessions of the tenant shown, keeping the selected one by
 * pid. A key canceling a background read keeps the list shown (x and X
 * stay safe on it: the signal checks the session's start too); any other
 * failure leaves "not read". */
static void
sessions_load(struct pt_ui *ui)
{
	int keep = ui->have_sessions && ui->ssel < ui->sessions.n
		? ui->sessions.rows[ui->ssel].pid : 0;
	struct pt_session_list l;
	pt_error err;

	if (!ui->detail_role[0] || !ui->db || ui->lost) {
		sessions_free(ui);
		return;
	}
	if (pt_sessions_load(ui->db, ui->target_schema, &l, &err) != PT_OK) {
		pt_session_list_free(&l);
		if (!(ui->background && err.status == PT_ERR_CANCELED))
			sessions_free(ui);
		pt_ui_fail(ui, &err);
		return;
	}
	sessions_free(ui);
	ui->sessions = l;
	ui->have_sessions = true;
	for (size_t i = 0; i < l.n; i++)
		if (l.rows[i].pid == keep)
			ui->ssel = i;
	if (ui->ssel >= l.n)
		ui->ssel = l.n ? l.n - 1 : 0;
}

static void
reload(struct pt_ui *ui)
{
	if (ui->have_detail)
		sessions_load(ui);
}

enum { SC_PID, SC_STATE, SC_TIME, SC_WAIT, SC_XACT, SC_CLIENT, SC_START, SC_QUERY,
       SC_NCOLS };
/* The pid (what X asks for), the state in full ("idle in transaction"),
 * what blocks it and the query always stay; from 80 columns the query's
 * duration too. */
static const struct pt_ui_col scol[SC_NCOLS] = {
	[SC_PID] =    { N_("PID"),        7,  8, 0, true },
	[SC_STATE] =  { N_("State"),     19, 19, 0, false },
	[SC_TIME] =   { N_("Time"),       6,  7, 4, true },
	[SC_WAIT] =   { N_("Waiting on"), 12, 22, 0, false },
	[SC_XACT] =   { N_("Xact"),       5,  7, 5, true },
	[SC_CLIENT] = { N_("Client"),     6, 15, 6, false },
	[SC_START] =  { N_("Started"),   14, 14, 7, false },
	[SC_QUERY] =  { N_("Query"),     10,  0, 0, false },
};

static bool
page_row(int y, int h)
{
	return y >= 0 && y < h;
}

/* A label and its (server) value on page line *y, then the next line. */
static void
page_kv(WINDOW *win, int *y, int h, int w, const char *k, const char *v)
{
	if (page_row(*y, h)) {
		pt_ui_put(win, *y, 2, k, 18, A_BOLD);
		pt_ui_put(win, *y, 21, v, w - 23, A_NORMAL);
	}
	(*y)++;
}

static void
session_row(struct pt_ui *ui, WINDOW *win, int y, int w, const int *width,
            const struct pt_session *s, bool sel)
{
	attr_t a = sel ? A_REVERSE : A_NORMAL;
	char pid[16], start[16] = "-", age[24], time[24], *wait = pt_activity_waiting_on(s);
	int x = 1;

	snprintf(pid, sizeof pid, "%d", s->pid);
	/* "2026-11-27T20:44:49.123456Z" -> "11-27 20:44:49" (UTC) */
	if (s->backend_start && strlen(s->backend_start) >= 19) {
		snprintf(start, sizeof start, "%.14s", s->backend_start + 5);
		if (start[5] == 'T')
			start[5] = ' ';
	}
	pt_activity_age(s->xact_age, age, sizeof age);
	pt_activity_age(s->state_age, time, sizeof time);
	if (sel)
		pt_ui_select_bar(win, y, w);
	x = pt_ui_cell(win, y, x, &scol[SC_PID], width[SC_PID], pid, a);
	x = pt_ui_cell(win, y, x, &scol[SC_STATE], width[SC_STATE], s->state ? s->state : "-",
	               sel ? a : pt_ui_session_attr(ui, s));
	x = pt_ui_cell(win, y, x, &scol[SC_TIME], width[SC_TIME], time, a);
	x = pt_ui_cell(win, y, x, &scol[SC_WAIT], width[SC_WAIT], wait,
	               sel || !(s->blocked_by && *s->blocked_by) ? a : ui->attr[COL_ERROR]);
	x = pt_ui_cell(win, y, x, &scol[SC_XACT], width[SC_XACT], age, a);
	x = pt_ui_cell(win, y, x, &scol[SC_CLIENT], width[SC_CLIENT], s->client ? s->client : "-", a);
	x = pt_ui_cell(win, y, x, &scol[SC_START], width[SC_START], start, a);
	pt_ui_cell(win, y, x, &scol[SC_QUERY], width[SC_QUERY], s->query ? s->query : "", a);
	free(wait);
}

/* The selected session in full: what the row had to cut (tenant text all
 * of it, drawn by the widgets, which sanitise). */
static void
session_full(WINDOW *win, int *y, int h, int w, const struct pt_session *s)
{
	const char *query = s->query ? s->query : "";
	char *client, *wait = pt_activity_waiting_on(s);
	int lines, skip, shown;

	client = pt_xasprintf("%s%s%s%s  %s %s", s->client ? s->client : "-",
	                      s->client_hostname ? " (" : "",
	                      s->client_hostname ? s->client_hostname : "",
	                      s->client_hostname ? ")" : "",
	                      _("application:"),
	                      s->application_name && *s->application_name
	                      ? s->application_name : "-");
	if (s->node)        /* a worker's backend (Citus) */
		page_kv(win, y, h, w, _("Node"), s->node);
	page_kv(win, y, h, w, _("State"), s->state ? s->state : "-");
	page_kv(win, y, h, w, _("Client"), client);
	page_kv(win, y, h, w, _("Started (UTC)"), s->backend_start ? s->backend_start : "-");
	page_kv(win, y, h, w, _("Waiting on"), wait);
	if (page_row(*y, h))
		pt_ui_put(win, *y, 2, _("Query"), 18, A_BOLD);
	/* at most four lines of it, the rest cut with an ellipsis; only the
	 * lines inside the pane are drawn */
	lines = pt_ui_wrap_lines(query, w - 23);
	lines = lines < 1 ? 1 : lines > 4 ? 4 : lines;
	skip = *y < 0 ? -*y : 0;
	shown = (lines < h - *y ? lines : h - *y) - skip;
	if (shown > 0)
		pt_ui_wrap(win, *y + skip, 21, query, w - 23, skip, shown, A_NORMAL);
	*y += lines;
	free(client);
	free(wait);
}

/* The sessions block from page line *y: a title, the list, the selected
 * one in full. Records where the rows start for the selection's scroll. */
static void
draw_sessions(struct pt_ui *ui, WINDOW *win, int *y, int h, int w)
{
	const struct pt_session_list *l = &ui->sessions;
	int width[SC_NCOLS], x = 1;
	char title[128];

	if (!ui->detail_role[0])
		return;
	if (ui->have_sessions)
		snprintf(title, sizeof title, _("Open sessions: %zu"), l->n);
	else
		snprintf(title, sizeof title, "%s", _("Open sessions: ? (not read; r retries)"));
	if (page_row(*y, h))
		pt_ui_put(win, *y, 2, title, w - 4, ui->attr[COL_TITLE]);
	(*y)++;
	ui->sessions_line = *y + ui->scroll + 1;
	if (!ui->have_sessions || l->n == 0)
		return;
	pt_ui_layout(scol, SC_NCOLS, w, width);
	if (page_row(*y, h))
		for (int c = 0; c < SC_NCOLS; c++)
			x = pt_ui_col_title(win, *y, x, &scol[c], width[c], "");
	(*y)++;
	for (size_t i = 0; i < l->n; i++, (*y)++)
		if (page_row(*y, h))
			session_row(ui, win, *y, w, width, &l->rows[i], i == ui->ssel);
	if (ui->ssel < l->n)
		session_full(win, y, h, w, &l->rows[ui->ssel]);
}

/* x and X: the selected session, checked again by the server in the same
 * statement that signals it (a pid reused since is not touched). */
static void
signal_selected(struct pt_ui *ui, enum pt_signal sig)
{
	if (pt_ui_signal_session(ui, ui->target_schema,
	                         ui->have_sessions && ui->ssel < ui->sessions.n
	                         ? &ui->sessions.rows[ui->ssel] : NULL, sig))
		sessions_load(ui);
}

bool
pt_ui_signal_session(struct pt_ui *ui, const char *schema, const struct pt_session *s,
                     enum pt_signal sig)
{
	char typed[32], want[16], prompt[160], *started;
	pt_error err;
	int pid;

	if (pt_ui_read_only(ui)) {
		pt_ui_err(ui, "%s", _("Read-only session: sessions are neither canceled nor terminated."));
		return false;
	}
	if (!pt_ui_need_write(ui))
		return false;
	if (!s) {
		pt_ui_err(ui, "%s", _("No session selected."));
		return false;
	}
	pid = s->pid;
	started = s->backend_start ? pt_xstrdup(s->backend_start) : NULL;
	if (sig == PT_SIGNAL_TERMINATE) {
		snprintf(want, sizeof want, "%d", pid);
		snprintf(prompt, sizeof prompt,
		         _("Terminate session %d? Type its pid to confirm:"), pid);
		if (!pt_ui_prompt(ui, prompt, false, typed, sizeof typed) || strcmp(typed, want)) {
			pt_ui_msg(ui, "%s", _("Not confirmed: nothing was terminated."));
			free(started);
			return false;
		}
	}
	if (pt_session_signal_tenant(ui->db, schema, pid, started, sig, &err) != PT_OK)
		pt_ui_fail(ui, &err);
	else if (sig == PT_SIGNAL_TERMINATE)
		pt_ui_msg(ui, _("Session %d terminated."), pid);
	else
		pt_ui_msg(ui, _("Canceled the running query of session %d."), pid);
	free(started);
	return true;
}

/* Up/Down move the selection among the sessions and scroll the page to
 * keep it shown; past either end (or without sessions) they scroll. */
static bool
sessions_action(struct pt_ui *ui, enum pt_action a, int visible)
{
	size_t n = ui->have_sessions ? ui->sessions.n : 0;
	int line;

	switch (a) {
	case ACT_CANCEL_SESSION:
		signal_selected(ui, PT_SIGNAL_CANCEL);
		return true;
	case ACT_TERMINATE_SESSION:
		signal_selected(ui, PT_SIGNAL_TERMINATE);
		return true;
	case ACT_UP:
		if (n == 0 || ui->ssel == 0)
			return false;
		ui->ssel--;
		break;
	case ACT_DOWN:
		if (n == 0 || ui->ssel + 1 >= n)
			return false;
		ui->ssel++;
		break;
	case ACT_REFRESH:
		sessions_load(ui);
		return true;
	default:
		return false;
	}
	line = ui->sessions_line + (int)ui->ssel;
	if (line - (ui->ssel ? 0 : 2) < ui->scroll)
		ui->scroll = line - (ui->ssel ? 0 : 2);
	else if (line >= ui->scroll + visible)
		ui->scroll = line - visible + 1;
	if (ui->scroll < 0)
		ui->scroll = 0;
	return true;
}

/* ---- the screen ------------------------------------------------------- */

static void
enter(struct pt_ui *ui)
{
	pt_error err;

	struct pt_tenant_ref ref;

	ui->ssel = 0;
	ui->detail_role[0] = '\0';
	if (pt_schema_detail_load(ui->db, ui->target_schema, &ui->detail, &err) != PT_OK) {
		pt_ui_fail(ui, &err);
		return;
	}
	ui->have_detail = true;
	/* only a tenant has a connection string: not public, not a schema
	 * of the admin's or a shared one */
	if (pt_tenant_find(ui->db, ui->target_schema, &ref, NULL) == PT_OK) {
		snprintf(ui->detail_role, sizeof ui->detail_role, "%s", ref.role);
		pt_tenant_ref_free(&ref);
		load_settings(ui);
	}
	sessions_load(ui);
}

static void
leave(struct pt_ui *ui)
{
	if (ui->have_detail)
		pt_schema_detail_free(&ui->detail);
	ui->have_detail = false;
	free_settings(ui);
	sessions_free(ui);
}

/* Owner, tables, size, search_path, grants and the connection string. */
static void
draw_facts(struct pt_ui *ui, WINDOW *win, int *yp, int h, int w)
{
	const struct pt_schema_detail *d = &ui->detail;
	char buf[128];
	char *cs;
	pt_error err;
	int y = *yp;

	page_kv(win, &y, h, w, _("Owner"), d->owner);
	snprintf(buf, sizeof buf, "%ld", d->tables);
	page_kv(win, &y, h, w, _("Tables"), buf);
	pt_format_size(d->size_bytes, buf, sizeof buf);
	if (d->size_bytes == PT_SIZE_UNKNOWN)
		snprintf(buf, sizeof buf, "%s", _("? (a table is locked: its size is not waited for)"));
	page_kv(win, &y, h, w, _("Size"), d->size_bytes >= 0 || d->size_bytes == PT_SIZE_UNKNOWN ? buf : "-");
	if (d->node)
		page_kv(win, &y, h, w, _("Node"), *d->node ? d->node : _("- (no table yet)"));
	if (d->failed_nodes)
		page_kv(win, &y, h, w, _("Worker down"), d->failed_nodes);
	page_kv(win, &y, h, w, _("search_path"), *d->search_path ? d->search_path : _("(default)"));
	page_kv(win, &y, h, w, _("Grants (ACL)"), *d->acl ? d->acl : _("(owner only)"));
	cs = ui->have_ep && ui->detail_role[0]
		? pt_connstr_build(PT_CONNSTR_URI, &ui->ep, ui->detail_role, NULL, &err) : NULL;
	if (cs) {
		if (page_row(y, h))
			pt_ui_put(win, y, 2, _("Connection string (no password):"), w - 4, A_BOLD);
		if (page_row(++y, h))
			pt_ui_put(win, y, 0, cs, w, A_NORMAL);
		y++;
		pt_secret_free(cs);
	} else {
		page_kv(win, &y, h, w, _("Tenant"), _("no: pgtenant made no login role for it"));
	}
	*yp = y;
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	const struct pt_schema_detail *d = &ui->detail;
	int y = -ui->scroll, first;
	/* a short pane shows a tenant's sessions first, under its state:
	 * what a DBA opens the detail for must not start below the fold (and
	 * the order stays put as sessions come and go) */
	bool sessions_first = h < 20 && ui->detail_role[0];
	bool any = ui->have_sessions && ui->sessions.n;

	if (!ui->have_detail) {
		pt_ui_put(win, 1, 2, _("No detail to show."), w - 4, A_NORMAL);
		return;
	}
	page_kv(win, &y, h, w, _("Schema"), d->name);
	if (sessions_first) {
		draw_settings(ui, win, &y, h, w);
		draw_sessions(ui, win, &y, h, w);
		y += any;
		draw_facts(ui, win, &y, h, w);
		y += any;
	} else {
		draw_facts(ui, win, &y, h, w);
		draw_settings(ui, win, &y, h, w);
		/* a short pane gives the blank line to the role's state, so that
		 * who can reach the schema still starts on the first page */
		if (!(ui->have_dsettings && h < 20))
			y++;
		/* none to list: one line, so that at 60x15 who can reach it still
		 * starts in the pane */
		draw_sessions(ui, win, &y, h, w);
		y += any;
	}
	if (page_row(y, h))
		pt_ui_put(win, y, 2, _("Who can reach it, and how:"), w - 4, ui->attr[COL_TITLE]);
	if (page_row(++y, h)) {
		pt_ui_put(win, y, 2, _("Role"), 24, A_BOLD | A_UNDERLINE);
		pt_ui_put(win, y, 27, _("Via"), 20, A_BOLD | A_UNDERLINE);
		pt_ui_put(win, y, 48, _("Privileges"), w - 50, A_BOLD | A_UNDERLINE);
	}
	y++;
	/* only the rows in the pane are visited, however many roles */
	first = y < 0 ? -y : 0;
	for (size_t i = (size_t)first; i < d->n_access && y + (int)i < h; i++) {
		const struct pt_access_row *a = &d->access[i];
		attr_t at = strcmp(a->via, "PUBLIC") == 0 ? ui->attr[COL_WARN] : A_NORMAL;

		pt_ui_put(win, y + (int)i, 2, a->role, 24, at);
		pt_ui_put(win, y + (int)i, 27, a->via, 20, at);
		pt_ui_put(win, y + (int)i, 48, a->privileges, w - 50, at);
	}
	ui->page_lines = y + ui->scroll + (int)d->n_access;
}

static bool
action(struct pt_ui *ui, enum pt_action a)
{
	/* the body is the terminal less header, tabs, status and message */
	int visible = LINES - 4;

	switch (a) {
	case ACT_LOCK:
		pt_ui_start(ui, PEND_LOCK);
		return true;
	case ACT_UNLOCK:
		pt_ui_start(ui, PEND_UNLOCK);
		return true;
	case ACT_ALTER:
		pt_ui_start(ui, PEND_ALTER);
		return true;
	case ACT_MOVE:
		pt_ui_start(ui, PEND_MOVE);
		return true;
	default:
		break;
	}
	if (sessions_action(ui, a, visible))
		return true;
	return pt_ui_page_action(ui, a, ui->have_detail ? ui->page_lines : 0, visible);
}

static const char hint_page[] = N_("Up/Down scroll  Esc/q back  ? help  Q quit");

/* Sessions, lock, unlock and edit are a tenant's: a schema that is no
 * tenant's (public, an admin's) and a read-only session offer none. */
static const char *
hint_for(struct pt_ui *ui)
{
	return pt_ui_read_only(ui) || !ui->detail_role[0] ? hint_page : pt_scr_detail.hint;
}

const struct pt_screen_ops pt_scr_detail = {
	.title = N_("Schema detail"),
	.scopes = SC_CONFIRM | SC_DETAIL | SC_SESSIONS,
	.enter = enter,
	.leave = leave,
	.draw = draw,
	.action = action,
	.reload = reload,
	.hint = N_("Up/Down select  x cancel  X terminate  l lock  u unlock  e edit  Esc back"),
	.hint_ro = hint_page,
	.hint_for = hint_for,
};
