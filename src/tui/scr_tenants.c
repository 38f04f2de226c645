/* The first screen: every tenant schema, filtered as you type. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tui/ui.h"

enum { TC_NAME, TC_ROLES, TC_TABLES, TC_SIZE, TC_LIMIT, TC_VALID, TC_COUNT };

static const char *const col_title[TC_COUNT] = {
	N_("Schema"), N_("Login roles"), N_("Tables"), N_("Size"), N_("Limit"),
	N_("Expires")
};

/* Which columns fit in w, and how wide each is. */
static void
layout(int w, int width[TC_COUNT], int *bar)
{
	/* every column fits in 80: the narrowest terminal the console runs in */
	width[TC_ROLES] = w >= 110 ? 24 : w >= 100 ? 16 : 14;
	width[TC_TABLES] = 6;
	width[TC_SIZE] = 9;
	width[TC_LIMIT] = 5;
	width[TC_VALID] = w >= 100 ? 11 : 10;
	*bar = w >= 100 ? 8 : 6;
	width[TC_NAME] = w - 1 - width[TC_ROLES] - width[TC_TABLES] - width[TC_SIZE] -
		width[TC_LIMIT] - (width[TC_VALID] ? width[TC_VALID] + 1 : 0) -
		(*bar ? *bar + 1 : 0) - 4;
}

static void
put_right(WINDOW *win, int y, int x, int width, const char *s, attr_t a)
{
	int sw = pt_ui_width(s);

	pt_ui_put(win, y, x + (sw < width ? width - sw : 0), s, width, a);
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	struct pt_model *m = &ui->tmodel;
	int width[TC_COUNT], bar, x, rows = h - 2;
	size_t top;
	char buf[64];

	layout(w, width, &bar);
	/* column titles; the sorted one is marked */
	x = 1;
	for (int c = 0; c < TC_COUNT; c++) {
		char t[64];

		if (!width[c])
			continue;
		snprintf(t, sizeof t, "%s%s", _(col_title[c]),
		         m->sort_col == c ? (m->sort_desc ? "\xe2\x96\xbc" : "\xe2\x96\xb2") : "");
		if (c == TC_TABLES || c == TC_SIZE || c == TC_LIMIT)
			put_right(win, 0, x, width[c], t, A_BOLD | A_UNDERLINE);
		else
			pt_ui_put(win, 0, x, t, width[c], A_BOLD | A_UNDERLINE);
		x += width[c] + 1;
		if (c == TC_SIZE && bar)
			x += bar + 1;
	}
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
		int y = i + 1;

		if (sel)
			pt_ui_select_bar(win, y, w);
		x = 1;
		pt_ui_put(win, y, x, r->name, width[TC_NAME], a);
		x += width[TC_NAME] + 1;
		pt_ui_put(win, y, x, *r->login_roles ? r->login_roles : "-", width[TC_ROLES], a);
		x += width[TC_ROLES] + 1;
		snprintf(buf, sizeof buf, "%ld", r->tables);
		put_right(win, y, x, width[TC_TABLES], buf, a);
		x += width[TC_TABLES] + 1;
		if (r->size_bytes >= 0)
			pt_format_size(r->size_bytes, buf, sizeof buf);
		else
			snprintf(buf, sizeof buf, "%s", ui->sizes_unknown ? "?" : "...");
		put_right(win, y, x, width[TC_SIZE], buf, a);
		x += width[TC_SIZE] + 1;
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
		put_right(win, y, x, width[TC_LIMIT], buf, a);
		x += width[TC_LIMIT] + 1;
		if (width[TC_VALID])
			pt_ui_put(win, y, x, *r->valid_until ? r->valid_until : _("never"),
			          width[TC_VALID], a);
	}
	/* the footer: counts, filter, sort */
	pt_ui_list_footer(win, h - 1, w, m, ui->filter, ui->filtering);
	if (ui->sizes_pending && !ui->lost)
		pt_ui_put(win, h - 1, w - 20, _("sizing..."), 19, ui->attr[COL_DIM]);
	else if (ui->sizes_unknown)
		pt_ui_put(win, h - 1, w - 28, _("sizes unknown: r retries"), 27, ui->attr[COL_DIM]);
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
		else if (pt_ui_need_server(ui))
			pt_ui_push(ui, &pt_scr_detail);
		return true;
	default:
		return false;
	}
}

const struct pt_screen_ops pt_scr_tenants = {
	.title = N_("Tenants"),
	.scopes = SC_LIST | SC_TENANTS,
	.draw = draw,
	.input = input,
	.action = action,
	.hint = N_("c create  / filter  s sort  d drop  p rotate  Tab roles  ? help  q quit"),
	.hint_ro = N_("/ filter  s sort  Enter detail  Tab roles  a audit  ? help  q quit"),
};
