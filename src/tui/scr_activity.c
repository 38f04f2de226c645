/* Every tenant's session at once, as pg_activity shows a server's: the
 * tenant, pid, state, how long the query (or the state) has lasted, the
 * transaction's age, what it waits for and who blocks it, application,
 * client, node and query; longest first. A toggles every other client
 * session of the database too (an admin's), marked "(role)" where the
 * tenant would be. x and X act as on a tenant's detail (the same code),
 * Enter opens the session's tenant.
 *
 * Refreshed by the session's automatic refresh (-r) through .reload: a
 * key typed meanwhile cancels the read and then acts, so no key is held.
 * Every string drawn is the server's, most of it tenant text: it reaches
 * the terminal only through the widgets, which cut it to the cell before
 * sanitising it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citus.h"
#include "tui/activity.h"
#include "tui/ui.h"

static struct {
	struct pt_activity act;
	bool all;                           /* A: every session, not only tenants' */
	bool filtering;
	char filter[PT_MODEL_FILTER_MAX];
} st;

/* s, S and :sort cycle and name these (the model's columns). */
static const char *const col_title[AC_COUNT + 1] = {
	N_("Tenant"), N_("PID"), N_("State"), N_("Time"), N_("Xact"), N_("Wait"),
	N_("Application"), N_("Client"), N_("Query"), N_("Node"), NULL
};

/* The pid (what X asks for), the tenant, the state in full ("idle in
 * transaction"), the duration and what blocks it always stay; the query
 * goes last but one and the selected session's is always shown whole
 * under the list. */
static const struct pt_ui_col col[AC_COUNT] = {
	[AC_PID] =    { N_("PID"),          6,  7, 0, true },
	[AC_TENANT] = { N_("Tenant"),      12, 24, 0, false, true },
	[AC_STATE] =  { N_("State"),       19, 19, 0, false },
	[AC_TIME] =   { N_("Time"),         6,  7, 0, true },
	[AC_XACT] =   { N_("Xact"),         5,  7, 2, true },
	[AC_WAIT] =   { N_("Wait"),         9, 22, 0, false },
	[AC_APP] =    { N_("Application"),  8, 16, 3, false },
	[AC_CLIENT] = { N_("Client"),       6, 15, 5, false },
	[AC_NODE] =   { N_("Node"),        10, 21, 4, false },
	[AC_QUERY] =  { N_("Query"),        6,  0, 1, false },
};
/* Left to right. */
static const int order[AC_COUNT] = {
	AC_PID, AC_TENANT, AC_STATE, AC_TIME, AC_XACT, AC_WAIT, AC_APP, AC_CLIENT, AC_NODE,
	AC_QUERY
};

/* Read the sessions again, keeping sort, filter and selection. A key
 * canceling a background read keeps the list shown (x and X stay safe on
 * it: the signal checks the session's start); any other failure empties
 * it, never showing old rows as current. */
static void
load(struct pt_ui *ui)
{
	struct pt_session_list l;
	pt_error err;

	if (!ui->db || ui->lost)
		return;
	if (pt_activity_load(ui->db, st.all, &l, &err) != PT_OK) {
		pt_session_list_free(&l);
		if (!(ui->background && err.status == PT_ERR_CANCELED))
			pt_activity_free(&st.act);
		pt_ui_fail(ui, &err);
		return;
	}
	pt_activity_set(&st.act, &l, st.filter);
	if (st.act.list.hidden) {
		pt_sessions_hidden_error(ui->db, &st.act.list, &err);
		pt_ui_fail(ui, &err);
	}
}

static void
enter(struct pt_ui *ui)
{
	st.filtering = false;
	load(ui);
}

static void
leave(struct pt_ui *ui)
{
	(void)ui;
	pt_activity_free(&st.act);
	st.filtering = false;
	st.filter[0] = '\0';
}

static void
reload(struct pt_ui *ui)
{
	load(ui);
}

static int
session_row(struct pt_ui *ui, WINDOW *win, int y, const int *width, size_t r, bool sel)
{
	const struct pt_session *s = &st.act.list.rows[r];
	attr_t a = sel ? A_REVERSE : A_NORMAL;
	char pid[16], time[24], xact[24];
	int x = 1;

	snprintf(pid, sizeof pid, "%d", s->pid);
	pt_activity_age(s->state_age, time, sizeof time);
	pt_activity_age(s->xact_age, xact, sizeof xact);
	for (int i = 0; i < AC_COUNT; i++) {
		int c = order[i];
		const char *text = "";
		attr_t ca = a;

		switch (c) {
		case AC_PID: text = pid; break;
		case AC_TENANT:
			text = st.act.who[r];
			if (!s->tenant && !sel)
				ca = ui->attr[COL_DIM];
			break;
		case AC_STATE:
			text = pt_activity_state(s);
			if (!sel)
				ca = pt_ui_session_attr(ui, s);
			break;
		case AC_TIME: text = time; break;
		case AC_XACT: text = xact; break;
		case AC_WAIT:
			text = st.act.wait[r];
			if (!sel && s->blocked_by && *s->blocked_by)
				ca = ui->attr[COL_ERROR];
			break;
		case AC_APP: text = s->application_name ? s->application_name : ""; break;
		case AC_CLIENT: text = s->client ? s->client : "-"; break;
		case AC_NODE: text = s->node ? s->node : "-"; break;
		case AC_QUERY: text = s->query ? s->query : ""; break;
		}
		x = pt_ui_cell(win, y, x, &col[c], width[c], text, ca);
	}
	return x;
}

/* Under the list, the selected session in two lines: who and where, then
 * its query as far as the pane goes (cut before it is sanitised). */
static void
draw_selected(struct pt_ui *ui, WINDOW *win, int y, int w)
{
	const struct pt_session *s = pt_activity_selected(&st.act);
	char xact[24], *line;

	mvwhline(win, y, 0, ACS_HLINE, w);
	if (!s)
		return;
	pt_activity_age(s->xact_age, xact, sizeof xact);
	if (s->tenant)
		line = pt_xasprintf(_("pid %d  tenant %s (role %s)  xact %s  app %s  client %s%s%s"),
		                    s->pid, s->schemas ? s->schemas : "", s->role ? s->role : "",
		                    xact, s->application_name && *s->application_name
		                    ? s->application_name : "-", s->client ? s->client : "-",
		                    s->node ? "  " : "", s->node ? s->node : "");
	else
		line = pt_xasprintf(_("pid %d  NOT A TENANT: role %s  xact %s  app %s  client %s%s%s"),
		                    s->pid, s->role ? s->role : "?", xact,
		                    s->application_name && *s->application_name
		                    ? s->application_name : "-", s->client ? s->client : "-",
		                    s->node ? "  " : "", s->node ? s->node : "");
	/* the line holds tenant text: pt_ui_put cuts it to the pane first */
	pt_ui_put(win, y + 1, 1, line, w - 2, s->tenant ? A_BOLD : ui->attr[COL_WARN]);
	free(line);
	pt_ui_put(win, y + 2, 1, s->query && *s->query ? s->query : "-", w - 2, A_NORMAL);
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	struct pt_model *m = &st.act.model;
	struct pt_ui_col use[AC_COUNT];
	int width[AC_COUNT] = { 0 }, uw[AC_COUNT], map[AC_COUNT], n = 0, x = 1;
	int rows = h - 5;           /* titles; the selected one (3); the footer */
	size_t top;
	char count[96];

	/* the node column only where a row has a node (Citus) */
	for (int i = 0; i < AC_COUNT; i++) {
		if (order[i] == AC_NODE && !(st.act.have && st.act.nodes))
			continue;
		map[n] = order[i];
		use[n] = col[order[i]];
		/* "idle in transaction (aborted)" whole where the pane allows */
		if (order[i] == AC_STATE && st.act.have)
			for (size_t r = 0; r < st.act.list.n; r++) {
				int sw = (int)strlen(pt_activity_state(&st.act.list.rows[r]));

				/* beside the other columns that always stay */
				if (sw > use[n].min && sw <= 40 && w >= sw + 38)
					use[n].min = use[n].max = sw;
			}
		n++;
	}
	pt_ui_layout(use, n, w, uw);
	for (int i = 0; i < n; i++)
		width[map[i]] = uw[i];
	for (int i = 0; i < n; i++)
		x = pt_ui_col_title(win, 0, x, &col[map[i]], width[map[i]],
		                    st.act.have ? pt_ui_sort_mark(m, map[i]) : "");
	if (!st.act.have) {
		pt_ui_put(win, 2, 2, _("Sessions not read (r retries)."), w - 4, A_NORMAL);
		return;
	}
	if (m->n == 0)
		pt_ui_put(win, 2, 2, st.all ? _("No other session is open.")
		          : _("No tenant has a session open (A shows every session)."),
		          w - 4, A_NORMAL);
	top = pt_model_window(m, (size_t)(rows > 0 ? rows : 1));
	for (int i = 0; i < rows && top + (size_t)i < m->nvis; i++) {
		size_t vi = top + (size_t)i;

		if (vi == m->sel)
			pt_ui_select_bar(win, i + 1, w);
		session_row(ui, win, i + 1, width, m->vis[vi], vi == m->sel);
	}
	draw_selected(ui, win, h - 4, w);
	pt_ui_list_footer(win, h - 1, w, m, st.filter, st.filtering);
	/* which sessions these are, right of the count and the filter */
	snprintf(count, sizeof count, "%s", st.all ? _("all sessions (A: tenants only)")
	         : _("tenants' sessions (A: all)"));
	if (!st.filtering && !*st.filter && w > pt_ui_width(count) + 14)
		pt_ui_put(win, h - 1, w - 1 - pt_ui_width(count), count, pt_ui_width(count),
		          ui->attr[COL_DIM]);
}

static bool
input(struct pt_ui *ui, wint_t ch, bool is_code)
{
	(void)ui;
	return st.act.have && pt_ui_filter_input(&st.act.model, st.filter, sizeof st.filter,
	                                         &st.filtering, ch, is_code);
}

/* Enter: the session's tenant (its first schema when its role owns
 * several). */
static void
open_tenant(struct pt_ui *ui)
{
	const struct pt_session *s = pt_activity_selected(&st.act);
	size_t len;

	if (!s) {
		pt_ui_err(ui, "%s", _("No session selected."));
		return;
	}
	if (!s->tenant || !s->schemas) {
		pt_ui_err(ui, _("Session %d is not a tenant's (role %s): there is no tenant to open."),
		          s->pid, s->role ? s->role : "?");
		return;
	}
	len = strcspn(s->schemas, ",");
	if (len >= sizeof ui->target_schema)
		len = sizeof ui->target_schema - 1;
	memcpy(ui->target_schema, s->schemas, len);
	ui->target_schema[len] = '\0';
	if (pt_ui_need_server(ui))
		pt_ui_push(ui, &pt_scr_detail);
}

static void
signal_selected(struct pt_ui *ui, enum pt_signal sig)
{
	const struct pt_session *s = pt_activity_selected(&st.act);

	/* pgtenant signals only tenants' sessions: say so before asking for
	 * a pid (the server would refuse it anyway) */
	if (s && !s->tenant && !pt_ui_read_only(ui)) {
		pt_ui_err(ui, _("Session %d is not a tenant's (role %s): pgtenant cancels and "
		                "terminates only tenants' sessions."),
		          s->pid, s->role ? s->role : "?");
		return;
	}
	if (pt_ui_signal_session(ui, NULL, s, sig))
		load(ui);
}

static bool
action(struct pt_ui *ui, enum pt_action a)
{
	struct pt_model *m = &st.act.model;

	if (st.act.have && pt_ui_list_nav(ui, m, a, col_title))
		return true;
	switch (a) {
	case ACT_REFRESH:
		load(ui);
		return true;
	case ACT_ACTIVITY:
		return true;
	case ACT_ALL_SESSIONS:
		st.all = !st.all;
		load(ui);
		pt_ui_msg(ui, "%s", st.all ? _("Showing every client session of the database.")
		          : _("Showing the tenants' sessions only."));
		return true;
	case ACT_FILTER:
		st.filtering = st.act.have;
		return true;
	case ACT_CLOSE:
		/* q goes back even with a filter set (Esc clears that) */
		pt_ui_pop(ui);
		return true;
	case ACT_BACK:
		if (!*st.filter)
			return false;
		st.filter[0] = '\0';
		pt_model_filter(m, "");
		return true;
	case ACT_ENTER:
	case ACT_DETAIL:
		open_tenant(ui);
		return true;
	case ACT_CANCEL_SESSION:
		signal_selected(ui, PT_SIGNAL_CANCEL);
		return true;
	case ACT_TERMINATE_SESSION:
		signal_selected(ui, PT_SIGNAL_TERMINATE);
		return true;
	case ACT_NEXT_SCREEN:
		return true;
	default:
		return false;
	}
}

static struct pt_model *
model(struct pt_ui *ui)
{
	(void)ui;
	return st.act.have ? &st.act.model : NULL;
}

const struct pt_screen_ops pt_scr_activity = {
	.title = N_("Sessions"),
	.scopes = SC_LIST | SC_SESSIONS | SC_ACTIVITY,
	.enter = enter,
	.leave = leave,
	.draw = draw,
	.input = input,
	.action = action,
	.col_titles = col_title,
	.model = model,
	.reload = reload,
	.hint = N_("Enter tenant  / filter  s sort  x cancel  X terminate  A all  q back  Q quit"),
	.hint_ro = N_("Enter tenant  / filter  s sort  A all  r refresh  q back  ? help  Q quit"),
};
