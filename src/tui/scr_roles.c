/* Roles: attributes and memberships. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tui/ui.h"

static const char *const col_title[RC_COUNT + 1] = {
	N_("Role"), N_("Attributes"), N_("Limit"), N_("Valid until"), N_("Member of"), NULL
};
static const struct pt_ui_col col[RC_COUNT] = {
	[RC_NAME] =   { N_("Role"),        20,  0, 0, false, true },
	[RC_ATTRS] =  { N_("Attributes"),  12, 56, 3, false },
	[RC_LIMIT] =  { N_("Limit"),        5,  6, 4, true },
	[RC_VALID] =  { N_("Valid until"), 10, 11, 2, false },
	[RC_MEMBER] = { N_("Member of"),    9, 40, 1, false },
};

static void
enter(struct pt_ui *ui)
{
	ui->rfiltering = false;
	ui->rfilter[0] = '\0';
	pt_ui_load_roles(ui);
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	struct pt_model *m = &ui->rmodel;
	int width[RC_COUNT], rows = h - 2, x = 1;
	size_t top;
	char buf[64];

	pt_ui_layout(col, RC_COUNT, w, width);
	for (int c = 0; c < RC_COUNT; c++)
		x = pt_ui_col_title(win, 0, x, &col[c], width[c], pt_ui_sort_mark(m, c));
	if (!ui->have_roles)
		return;
	top = pt_model_window(m, (size_t)rows);
	for (int i = 0; i < rows && top + (size_t)i < m->nvis; i++) {
		size_t vi = top + (size_t)i;
		const struct pt_role_row *r = &ui->roles.rows[m->vis[vi]];
		attr_t a = vi == m->sel ? A_REVERSE : A_NORMAL;
		int y = i + 1;

		if (vi == m->sel)
			pt_ui_select_bar(win, y, w);
		x = pt_ui_cell(win, y, 1, &col[RC_NAME], width[RC_NAME], r->name, a);
		x = pt_ui_cell(win, y, x, &col[RC_ATTRS], width[RC_ATTRS], ui->rattrs[m->vis[vi]], a);
		if (r->connection_limit >= 0)
			snprintf(buf, sizeof buf, "%d", r->connection_limit);
		else
			snprintf(buf, sizeof buf, "-");
		x = pt_ui_cell(win, y, x, &col[RC_LIMIT], width[RC_LIMIT], buf, a);
		x = pt_ui_cell(win, y, x, &col[RC_VALID], width[RC_VALID],
		               *r->valid_until ? r->valid_until : _("never"), a);
		pt_ui_cell(win, y, x, &col[RC_MEMBER], width[RC_MEMBER], r->member_of, a);
	}
	pt_ui_list_footer(win, h - 1, w, m, ui->rfilter, ui->rfiltering);
}

static bool
input(struct pt_ui *ui, wint_t ch, bool is_code)
{
	return pt_ui_filter_input(&ui->rmodel, ui->rfilter, sizeof ui->rfilter, &ui->rfiltering,
	                          ch, is_code);
}

static bool
action(struct pt_ui *ui, enum pt_action a)
{
	struct pt_model *m = &ui->rmodel;

	if (pt_ui_list_nav(ui, m, a, col_title))
		return true;
	switch (a) {
	case ACT_REFRESH:
		pt_ui_load_roles(ui);
		return true;
	case ACT_NEXT_SCREEN:
	case ACT_AUDIT:
		pt_ui_replace(ui, &pt_scr_audit);
		return true;
	case ACT_FILTER:
		ui->rfiltering = true;
		return true;
	case ACT_BACK:
		if (!*ui->rfilter)
			return false;   /* back to the tenants */
		ui->rfilter[0] = '\0';
		pt_model_filter(m, "");
		return true;
	case ACT_ENTER:
	case ACT_DETAIL: {
		size_t r = pt_model_selected(m);

		if (r == PT_MODEL_NONE) {
			pt_ui_err(ui, "%s", _("No role selected."));
			return true;
		}
		snprintf(ui->target_role, sizeof ui->target_role, "%s", ui->roles.rows[r].name);
		if (pt_ui_need_server(ui))
			pt_ui_push(ui, &pt_scr_role);
		return true;
	}
	case ACT_ROLES:
		return true;
	default:
		return false;
	}
}

static struct pt_model *
model(struct pt_ui *ui)
{
	return &ui->rmodel;
}

const struct pt_screen_ops pt_scr_roles = {
	.col_titles = col_title,
	.model = model,
	.title = N_("Roles"),
	.scopes = SC_LIST,
	.enter = enter,
	.draw = draw,
	.input = input,
	.action = action,
	.hint = N_("Enter role in full  / filter  s sort  r refresh  Tab audit  Esc tenants  ? help  Q quit"),
};
