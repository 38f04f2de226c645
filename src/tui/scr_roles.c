/* Roles: attributes and memberships. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tui/ui.h"

static const char *const col_title[3] = { N_("Role"), N_("Member of"), N_("Valid until") };

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
	int rows = h - 2, wname = 24, wattrs = 22, wlim = 6, wvalid = 11;
	int wmem = w - 2 - wname - wattrs - wlim - wvalid - 4;
	size_t top;
	char buf[64];

	pt_ui_put(win, 0, 1, _(col_title[0]), wname, A_BOLD | A_UNDERLINE);
	pt_ui_put(win, 0, 2 + wname, _("Attributes"), wattrs, A_BOLD | A_UNDERLINE);
	pt_ui_put(win, 0, 3 + wname + wattrs, _("Limit"), wlim, A_BOLD | A_UNDERLINE);
	pt_ui_put(win, 0, 4 + wname + wattrs + wlim, _(col_title[2]), wvalid, A_BOLD | A_UNDERLINE);
	pt_ui_put(win, 0, 5 + wname + wattrs + wlim + wvalid, _(col_title[1]), wmem,
	          A_BOLD | A_UNDERLINE);
	if (!ui->have_roles)
		return;
	top = pt_model_window(m, (size_t)rows);
	for (int i = 0; i < rows && top + (size_t)i < m->nvis; i++) {
		size_t vi = top + (size_t)i;
		const struct pt_role_row *r = &ui->roles.rows[m->vis[vi]];
		attr_t a = vi == m->sel ? A_REVERSE : A_NORMAL;
		int y = i + 1, x = 1;

		if (vi == m->sel)
			pt_ui_select_bar(win, y, w);
		pt_ui_put(win, y, x, r->name, wname, a);
		x += wname + 1;
		snprintf(buf, sizeof buf, "%s%s%s%s%s%s%s",
		         r->login ? "login " : "", r->superuser ? "super " : "",
		         r->createrole ? "createrole " : "", r->createdb ? "createdb " : "",
		         r->replication ? "repl " : "", r->bypassrls ? "bypassrls " : "",
		         r->inherit ? "" : "noinherit");
		pt_ui_put(win, y, x, buf, wattrs, a);
		x += wattrs + 1;
		if (r->connection_limit >= 0)
			snprintf(buf, sizeof buf, "%d", r->connection_limit);
		else
			snprintf(buf, sizeof buf, "-");
		pt_ui_put(win, y, x, buf, wlim, a);
		x += wlim + 1;
		pt_ui_put(win, y, x, *r->valid_until ? r->valid_until : _("never"), wvalid, a);
		x += wvalid + 1;
		pt_ui_put(win, y, x, r->member_of, wmem, a);
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
	case ACT_ROLES:
	case ACT_ENTER:
		return true;
	default:
		return false;
	}
}

const struct pt_screen_ops pt_scr_roles = {
	.title = N_("Roles"),
	.scopes = SC_LIST,
	.enter = enter,
	.draw = draw,
	.input = input,
	.action = action,
	.hint = N_("/ filter  s sort  r refresh  Tab audit  Esc tenants  ? help  q quit"),
};
