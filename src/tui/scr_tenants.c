/* The first screen: every tenant schema, filtered as you type. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citus.h"
#include "tui/ui.h"

static const char *const col_title[TC_COUNT + 1] = {
	N_("Schema"), N_("Login roles"), N_("Tables"), N_("Size"), N_("Limit"),
	N_("Expires"), N_("Sessions"), N_("Node"), NULL
};

/* What is shown, in order; the schema name always stays, the rest go
 * when the pane is narrow, least useful first. */
enum { DC_NAME, DC_ROLES, DC_SESSIONS, DC_TABLES, DC_SIZE, DC_BAR, DC_LIMIT, DC_VALID,
       DC_NODE, DC_COUNT };
/* The open sessions are what a DBA watches live: the last column to go.
 * The schema's minimum leaves room for them and the limit at 80 columns. */
static const struct pt_ui_col dcol[DC_COUNT] = {
	[DC_NAME] =     { N_("Schema"),      16,  0,  0, false, true },
	[DC_ROLES] =    { N_("Login roles"), 10, 24,  6, false },
	[DC_SESSIONS] = { N_("Sessions"),     5,  8,  1, true },
	[DC_TABLES] =   { N_("Tables"),       6,  6,  8, true },
	[DC_SIZE] =     { N_("Size"),         9,  9,  4, true },
	[DC_BAR] =      { "",                 6,  8, 12, false },
	[DC_LIMIT] =    { N_("Limit"),        5,  5, 10, true },
	[DC_VALID] =    { N_("Expires"),     10, 11,  2, false },
	/* Citus: the worker that holds the tenant, "host:port" */
	[DC_NODE] =     { N_("Node"),        15, 21,  7, false },
};
static const int dcol_model[DC_COUNT] = {
	TC_NAME, TC_ROLES, TC_SESSIONS, TC_TABLES, TC_SIZE, -1, TC_LIMIT, TC_VALID, TC_NODE
};

/* The schema's cell; a locked tenant is marked in words (never by colour
 * alone) in the login roles' cell, or here when that column is gone. */
static int
name_cell(struct pt_ui *ui, WINDOW *win, int y, int x, const int *width,
          const struct pt_schema_row *r, attr_t a)
{
	const char *mark = _("locked");
	int mw = pt_ui_width(mark), w = width[DC_NAME];

	if (!r->locked || width[DC_ROLES] || w < mw + 6)
		return pt_ui_cell(win, y, x, &dcol[DC_NAME], w, r->name, a);
	pt_ui_put_mid(win, y, x, r->name, w - mw - 1, a);
	pt_ui_put(win, y, x + w - mw, mark, mw, a == A_REVERSE ? a : ui->attr[COL_WARN]);
	return x + w + 1;
}

static int
roles_cell(struct pt_ui *ui, WINDOW *win, int y, int x, const int *width,
           const struct pt_schema_row *r, attr_t a)
{
	char *text;

	if (!r->locked)
		return pt_ui_cell(win, y, x, &dcol[DC_ROLES], width[DC_ROLES],
		                  *r->login_roles ? r->login_roles : "-", a);
	/* its own role cannot log in; others that reach it still can */
	text = *r->login_roles ? pt_xasprintf("%s %s", _("locked"), r->login_roles)
	                       : pt_xstrdup(_("locked"));
	x = pt_ui_cell(win, y, x, &dcol[DC_ROLES], width[DC_ROLES], text,
	               a == A_REVERSE ? a : ui->attr[COL_WARN]);
	free(text);
	return x;
}

static int
sessions_cell(struct pt_ui *ui, WINDOW *win, int y, int x, const int *width,
              const struct pt_schema_row *r, attr_t a)
{
	char buf[64], marks[32] = "";

	/* only tenants' sessions are counted: an admin's schema has none to
	 * show; not read (failed): unknown, not zero */
	if (!r->is_tenant)
		snprintf(buf, sizeof buf, "-");
	else if (ui->have_scounts) {
		/* a blocked or long idle-in-transaction session: its letter
		 * before the count (which stays the cell's last word), in words
		 * and not by colour alone; the letters win when both do not fit */
		pt_ui_session_marks(ui, r->name, marks, sizeof marks);
		snprintf(buf, sizeof buf, "%s%s%ld", marks, *marks ? " " : "",
		         pt_session_count_of(&ui->scounts, r->name));
		if (*marks && pt_ui_width(buf) > width[DC_SESSIONS])
			snprintf(buf, sizeof buf, "%s", marks);
	} else
		snprintf(buf, sizeof buf, "?");
	return pt_ui_cell(win, y, x, &dcol[DC_SESSIONS], width[DC_SESSIONS], buf,
	                  *marks && a != A_REVERSE ? ui->attr[COL_WARN] : a);
}

/* What the marks mean, when a tenant has one, in at most room columns:
 * in words, or shorter when that does not fit (malloc'd; NULL: no mark,
 * or no room). */
static char *
marks_legend(struct pt_ui *ui, int room)
{
	const char *b = pt_ui_mark_blocked(), *i = pt_ui_mark_idle_xact();
	int secs = pt_ui_idle_xact_s(ui);
	bool blocked = false, idle = false;
	char *full, *brief;

	if (!ui->have_scounts)
		return NULL;
	for (size_t r = 0; r < ui->scounts.n; r++) {
		blocked |= ui->scounts.rows[r].blocked > 0;
		idle |= ui->scounts.rows[r].idle_xact > 0;
	}
	if (!blocked && !idle)
		return NULL;
	if (blocked && idle) {
		full = pt_xasprintf(_("%s blocked  %s idle in transaction >%ds"), b, i, secs);
		brief = pt_xasprintf(_("%s blocked  %s idle >%ds"), b, i, secs);
	} else if (blocked) {
		full = pt_xasprintf(_("%s: a session is blocked"), b);
		brief = pt_xasprintf(_("%s blocked"), b);
	} else {
		full = pt_xasprintf(_("%s: idle in transaction >%ds"), i, secs);
		brief = pt_xasprintf(_("%s idle >%ds"), i, secs);
	}
	if (pt_ui_width(full) <= room) {
		free(brief);
		return full;
	}
	free(full);
	if (pt_ui_width(brief) <= room)
		return brief;
	free(brief);
	return NULL;
}

/* The columns the list footer's left part (counts, filter) takes. */
static int
footer_left(const struct pt_ui *ui, const struct pt_model *m)
{
	char buf[64];
	int x;

	snprintf(buf, sizeof buf, "%zu/%zu", m->nvis, m->n);
	x = 1 + pt_ui_width(buf);
	if (ui->filtering || *ui->filter)
		x += 2 + pt_ui_width(_("filter:")) + 1 + pt_ui_width(ui->filter);
	return x;
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	struct pt_model *m = &ui->tmodel;
	int width[DC_COUNT], x, rows = h - 2;
	/* the node column only on a Citus coordinator */
	int ncols = ui->db && pt_db_citus(ui->db)->present ? DC_COUNT : DC_NODE;
	size_t top;
	char buf[64], *legend;
	bool locked_size = false;               /* a "?" shown: say why */
	int note = 0;                           /* the footer's note's columns */

	width[DC_NODE] = 0;
	pt_ui_layout(dcol, ncols, w, width);
	/* sized from the names, with room for "locked" beside one when the
	 * login roles' column is gone */
	pt_ui_layout_fit(width, ncols, dcol, ui->tname_width +
	                 (width[DC_ROLES] ? 0 : pt_ui_width(_("locked")) + 1));
	/* column titles; the sorted one is marked */
	x = 1;
	for (int c = 0; c < ncols; c++)
		x = pt_ui_col_title(win, 0, x, &dcol[c], width[c],
		                    dcol_model[c] < 0 ? "" : pt_ui_sort_mark(m, dcol_model[c]));
	if (!ui->have_schemas) {
		pt_ui_put(win, 2, 2, ui->db ? _("Loading...") : _("Not connected."), w - 4, A_NORMAL);
		return;
	}
	if (m->nvis == 0)
		pt_ui_put(win, 2, 2,
		          m->n ? _("No schema matches the filter. Esc clears it.")
		               : _("No tenant schemas yet. Press c to create one."),
		          w - 4, ui->attr[COL_DIM]);
	top = pt_model_window(m, (size_t)rows);
	/* only the visible rows are drawn, however long the list */
	for (int i = 0; i < rows && top + (size_t)i < m->nvis; i++) {
		size_t vi = top + (size_t)i;
		const struct pt_schema_row *r = &ui->schemas.rows[m->vis[vi]];
		bool sel = vi == m->sel;
		attr_t a = sel ? A_REVERSE : (r->is_tenant ? A_NORMAL : ui->attr[COL_DIM]);
		int y = i + 1, bar = width[DC_BAR];

		if (sel)
			pt_ui_select_bar(win, y, w);
		x = 1;
		x = name_cell(ui, win, y, x, width, r, a);
		x = roles_cell(ui, win, y, x, width, r, a);
		x = sessions_cell(ui, win, y, x, width, r, a);
		snprintf(buf, sizeof buf, "%ld", r->tables);
		x = pt_ui_cell(win, y, x, &dcol[DC_TABLES], width[DC_TABLES], buf, a);
		/* PT_SIZE_UNKNOWN (a relation is locked) shows as "?" */
		locked_size |= r->size_bytes == PT_SIZE_UNKNOWN && width[DC_SIZE];
		if (r->size_bytes >= 0 || r->size_bytes == PT_SIZE_UNKNOWN)
			pt_format_size(r->size_bytes, buf, sizeof buf);
		else
			snprintf(buf, sizeof buf, "%s", ui->sizes_unknown ? "?" : "...");
		x = pt_ui_cell(win, y, x, &dcol[DC_SIZE], width[DC_SIZE], buf, a);
		if (bar) {
			/* ncdu's bar: proportional to the largest schema */
			int fill = ui->max_size > 0 && r->size_bytes > 0
				? (int)((double)r->size_bytes * (bar - 2) / (double)ui->max_size + 0.5) : 0;

			mvwaddch(win, y, x, '[' | a);
			for (int b = 0; b < bar - 2; b++)
				mvwaddch(win, y, x + 1 + b, (b < fill ? '#' : ' ') |
				         (sel ? A_REVERSE : ui->attr[COL_BAR]));
			mvwaddch(win, y, x + bar - 1, ']' | a);
			x += bar + 1;
		}
		if (r->connection_limit >= 0)
			snprintf(buf, sizeof buf, "%d", r->connection_limit);
		else
			snprintf(buf, sizeof buf, "-");
		x = pt_ui_cell(win, y, x, &dcol[DC_LIMIT], width[DC_LIMIT], buf, a);
		x = pt_ui_cell(win, y, x, &dcol[DC_VALID], width[DC_VALID],
		               *r->valid_until ? r->valid_until : _("never"), a);
		/* "-": distributed but still without a table, on no node yet */
		pt_ui_cell(win, y, x, &dcol[DC_NODE], width[DC_NODE],
		           r->node ? (*r->node ? r->node : "-") : "", a);
	}
	/* the footer: counts, filter, sort; on the right a note on the
	 * sizes, and left of it what the sessions' marks mean */
	pt_ui_list_footer(win, h - 1, w, m, ui->filter, ui->filtering);
	if (ui->sizes_pending && !ui->lost) {
		pt_ui_put(win, h - 1, w - 12, _("sizing..."), 11, ui->attr[COL_DIM]);
		note = 12;
	} else if (ui->schemas.failed_names) {
		char *down = pt_xasprintf(_("sizes unknown (?): worker down: %s"),
		                          ui->schemas.failed_names);
		int dw = pt_ui_width(down) + 1;

		if (dw > w / 2)
			dw = w / 2;
		pt_ui_put(win, h - 1, w - dw, down, dw - 1, ui->attr[COL_WARN]);
		free(down);
		note = dw;
	} else if (ui->sizes_unknown) {
		pt_ui_put(win, h - 1, w - 30, _("sizes not measured: r retries"), 29,
		          ui->attr[COL_DIM]);
		note = 30;
	} else if (locked_size) {
		/* a tenant holds a lock on one of its tables: sizes do not wait */
		const char *why = _("size ?: a table is locked; r retries");
		int ww = pt_ui_width(why);

		pt_ui_put(win, h - 1, w - ww - 1, why, ww, ui->attr[COL_DIM]);
		note = ww + 1;
	}
	/* the marks (the help screen says more) */
	legend = width[DC_SESSIONS]
		? marks_legend(ui, w - note - (note ? 2 : 1) - footer_left(ui, m) - 2) : NULL;
	if (legend) {
		int lw = pt_ui_width(legend);

		pt_ui_put(win, h - 1, w - note - (note ? 2 : 1) - lw, legend, lw,
		          ui->attr[COL_WARN]);
	}
	free(legend);
}

static bool
input(struct pt_ui *ui, wint_t ch, bool is_code)
{
	return pt_ui_filter_input(&ui->tmodel, ui->filter, sizeof ui->filter, &ui->filtering,
	                          ch, is_code);
}

static bool
action(struct pt_ui *ui, enum pt_action a)
{
	struct pt_model *m = &ui->tmodel;
	const char *sel;

	if (pt_ui_list_nav(ui, m, a, col_title))
		return true;
	switch (a) {
	case ACT_FILTER:
		ui->filtering = true;
		return true;
	case ACT_BACK:
		if (*ui->filter) {
			ui->filter[0] = '\0';
			pt_model_filter(m, "");
		}
		return true;
	case ACT_REFRESH:
		pt_ui_load_tenants(ui);
		return true;
	case ACT_NEXT_SCREEN:
	case ACT_ROLES:
		pt_ui_push(ui, &pt_scr_roles);
		return true;
	case ACT_AUDIT:
		pt_ui_push(ui, &pt_scr_audit);
		return true;
	case ACT_HARDEN:
		pt_ui_harden_preview(ui);
		return true;
	case ACT_CREATE:
		if (pt_ui_need_write(ui))
			pt_ui_push(ui, &pt_scr_create);
		return true;
	case ACT_ENTER:
	case ACT_DETAIL:
	case ACT_DROP:
	case ACT_ROTATE:
	case ACT_LOCK:
	case ACT_UNLOCK:
	case ACT_ALTER:
	case ACT_MOVE:
		sel = pt_ui_selected_schema(ui);
		if (!sel) {
			pt_ui_err(ui, "%s", _("No schema selected."));
			return true;
		}
		snprintf(ui->target_schema, sizeof ui->target_schema, "%s", sel);
		if (a == ACT_DROP)
			pt_ui_start(ui, PEND_DROP);
		else if (a == ACT_ROTATE)
			pt_ui_start(ui, PEND_ROTATE);
		else if (a == ACT_LOCK || a == ACT_UNLOCK || a == ACT_ALTER || a == ACT_MOVE)
			pt_ui_start(ui, a == ACT_LOCK ? PEND_LOCK : a == ACT_UNLOCK ? PEND_UNLOCK
			                : a == ACT_MOVE ? PEND_MOVE : PEND_ALTER);
		else if (pt_ui_need_server(ui))
			pt_ui_push(ui, &pt_scr_detail);
		return true;
	default:
		return false;
	}
}

static struct pt_model *
model(struct pt_ui *ui)
{
	return &ui->tmodel;
}

const struct pt_screen_ops pt_scr_tenants = {
	.col_titles = col_title,
	.model = model,
	.title = N_("Tenants"),
	.scopes = SC_LIST | SC_TENANTS,
	.draw = draw,
	.input = input,
	.action = action,
	.hint = N_("c create  / filter  s sort  d drop  p rotate  Tab roles  l lock  u unlock  e edit  ? help  q quit"),
	.hint_ro = N_("/ filter  s sort  Enter detail  Tab roles  a audit  ? help  q quit"),
};
