/* The isolation audit and the harden preview. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "tui/ui.h"

static void
free_audit(struct pt_ui *ui)
{
	if (ui->audit) {
		pt_audit_free(ui->audit);
		free(ui->audit);
		ui->audit = NULL;
	}
}

static void
enter(struct pt_ui *ui)
{
	struct pt_audit *a;
	pt_error err;

	ui->audit_sel = 0;
	ui->audit_open = false;
	if (!pt_ui_need_server(ui))
		return;
	a = pt_xcalloc(1, sizeof *a);
	if (pt_audit_run_ex(ui->db, ui->opt->user_pattern, a, &err) != PT_OK) {
		free(a);
		pt_ui_fail(ui, &err);
		return;
	}
	ui->audit = a;
	pt_ui_msg(ui, _("%zu findings."), a->n);
}

static void
leave(struct pt_ui *ui)
{
	free_audit(ui);
}

/* Wrap text that may hold several lines (fix_sql often does); returns
 * the next free row. */
static int
put_paragraphs(WINDOW *win, int y, int x, const char *text, int width, int last_row)
{
	const char *p = text;

	while (*p && y <= last_row) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = pt_xasprintf("%.*s", (int)n, p);

		y += *line ? pt_ui_put_wrapped(win, y, x, line, width, last_row - y + 1, A_NORMAL) : 1;
		free(line);
		p += n + (nl ? 1 : 0);
	}
	return y;
}

/* One finding on the whole body: nothing cut off, the fix in full so it
 * can be selected with the mouse and pasted into psql. */
static void
draw_finding(struct pt_ui *ui, const struct pt_finding *f, WINDOW *win, int h, int w)
{
	int y = 1;

	pt_ui_put(win, y, 2, _("Severity:"), 10, A_BOLD);
	pt_ui_put(win, y++, 13, pt_severity_name(f->severity), w - 14,
	          f->severity >= PT_SEV_HIGH ? ui->attr[COL_ERROR]
	          : f->severity >= PT_SEV_MEDIUM ? ui->attr[COL_WARN] : A_NORMAL);
	pt_ui_put(win, y, 2, _("Rule:"), 10, A_BOLD);
	pt_ui_put(win, y++, 13, f->rule ? f->rule : "", w - 14, A_NORMAL);
	pt_ui_put(win, y, 2, _("Role:"), 10, A_BOLD);
	pt_ui_put(win, y++, 13, f->role ? f->role : "", w - 14, A_NORMAL);
	pt_ui_put(win, y, 2, _("Schema:"), 10, A_BOLD);
	pt_ui_put(win, y++, 13, f->schema ? f->schema : "-", w - 14, A_NORMAL);
	y++;
	y = put_paragraphs(win, y, 2, f->detail ? f->detail : "", w - 4, h - 4);
	y++;
	if (y < h - 2) {
		pt_ui_put(win, y++, 2, _("Fix:"), w - 4, A_BOLD);
		/* column 0 and no decoration, so a mouse selection copies clean SQL */
		put_paragraphs(win, y, 0, f->fix_sql ? f->fix_sql : "", w, h - 2);
	}
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	const struct pt_audit *a = ui->audit;
	int y = 0, top;

	if (!a) {
		pt_ui_put(win, 1, 2, _("No audit results."), w - 4, A_NORMAL);
		return;
	}
	if (ui->audit_open && (size_t)ui->audit_sel < a->n) {
		draw_finding(ui, &a->findings[ui->audit_sel], win, h, w);
		return;
	}
	pt_ui_put(win, y, 1, _("Severity"), 8, A_BOLD | A_UNDERLINE);
	pt_ui_put(win, y, 10, _("Role"), 20, A_BOLD | A_UNDERLINE);
	pt_ui_put(win, y, 31, _("Schema"), 18, A_BOLD | A_UNDERLINE);
	pt_ui_put(win, y++, 50, _("Finding"), w - 51, A_BOLD | A_UNDERLINE);
	if (a->n == 0) {
		pt_ui_put(win, 2, 2, _("No path from one tenant to another was found."), w - 4,
		          ui->attr[COL_OK]);
		return;
	}
	top = ui->audit_sel >= h - 6 ? ui->audit_sel - (h - 6) + 1 : 0;
	for (int i = top; (size_t)i < a->n && y < h - 5; i++, y++) {
		const struct pt_finding *f = &a->findings[i];
		attr_t at = i == ui->audit_sel ? A_REVERSE
			: f->severity >= PT_SEV_HIGH ? ui->attr[COL_ERROR]
			: f->severity >= PT_SEV_MEDIUM ? ui->attr[COL_WARN] : A_NORMAL;

		if (i == ui->audit_sel)
			pt_ui_select_bar(win, y, w);
		pt_ui_put(win, y, 1, pt_severity_name(f->severity), 8, at);
		pt_ui_put(win, y, 10, f->role ? f->role : "", 20, at);
		pt_ui_put(win, y, 31, f->schema ? f->schema : "-", 18, at);
		pt_ui_put(win, y, 50, f->detail ? f->detail : "", w - 51, at);
	}
	if ((size_t)ui->audit_sel < a->n) {
		const struct pt_finding *f = &a->findings[ui->audit_sel];

		/* the selected finding's detail in full, over two lines */
		pt_ui_put_wrapped(win, h - 4, 1, f->detail ? f->detail : "", w - 2, 2, A_NORMAL);
		pt_ui_put(win, h - 2, 1, _("Fix:"), 5, A_BOLD);
		pt_ui_put(win, h - 2, 6, f->fix_sql ? f->fix_sql : "", w - 7, A_NORMAL);
	}
}

static bool
action(struct pt_ui *ui, enum pt_action act)
{
	const struct pt_audit *a = ui->audit;
	int n = a ? (int)a->n : 0;

	switch (act) {
	case ACT_UP: if (ui->audit_sel > 0) ui->audit_sel--; return true;
	case ACT_DOWN: if (ui->audit_sel + 1 < n) ui->audit_sel++; return true;
	case ACT_HOME: ui->audit_sel = 0; return true;
	case ACT_END: ui->audit_sel = n ? n - 1 : 0; return true;
	case ACT_REFRESH:
	case ACT_AUDIT:
		free_audit(ui);
		enter(ui);
		return true;
	case ACT_NEXT_SCREEN:
		pt_ui_pop(ui);
		return true;
	case ACT_ENTER:
		ui->audit_open = n > 0 && !ui->audit_open;
		return true;
	case ACT_BACK:
		if (!ui->audit_open)
			return false;
		ui->audit_open = false;
		return true;
	case ACT_FILTER:
	case ACT_SORT:
		return true;
	default:
		return false;
	}
}

void
pt_ui_harden_forget(struct pt_ui *ui)
{
	if (ui->harden) {
		pt_harden_plan_free(ui->harden);
		free(ui->harden);
		ui->harden = NULL;
	}
}

/* Called by H (preview the plan) and by Enter on that preview (apply). */
void
pt_ui_harden_preview(struct pt_ui *ui)
{
	struct pt_harden_plan *plan;
	pt_error err;
	size_t len = 1;
	char *sql;

	if (!pt_ui_need_server(ui))
		return;
	if (pt_ui_top(ui) == &pt_scr_preview && ui->pending == PEND_HARDEN && ui->harden) {
		if (!pt_ui_need_write(ui))
			return;
		if (pt_harden_apply(ui->db, ui->harden, &err) != PT_OK) {
			pt_ui_fail(ui, &err);
			return;
		}
		pt_ui_harden_forget(ui);
		pt_db_refresh_info(ui->db, &err);
		pt_ui_pop(ui);
		pt_ui_msg(ui, "%s", _("The database is hardened."));
		return;
	}
	plan = pt_xcalloc(1, sizeof *plan);
	if (pt_harden_plan(ui->db, plan, &err) != PT_OK) {
		free(plan);
		pt_ui_fail(ui, &err);
		return;
	}
	if (plan->n == 0) {
		pt_harden_plan_free(plan);
		free(plan);
		pt_ui_msg(ui, "%s", _("Already hardened: nothing to do."));
		return;
	}
	for (size_t i = 0; i < plan->n; i++)
		len += strlen(plan->statements[i]) + 2;
	sql = pt_xmalloc(len);
	sql[0] = '\0';
	for (size_t i = 0; i < plan->n; i++) {
		strcat(sql, plan->statements[i]);
		strcat(sql, "\n");
	}
	pt_ui_harden_forget(ui);
	ui->harden = plan;
	free(ui->preview_sql);
	ui->preview_sql = sql;
	ui->pending = PEND_HARDEN;
	pt_ui_push(ui, &pt_scr_preview);
}

const struct pt_screen_ops pt_scr_audit = {
	.title = N_("Audit"),
	.scopes = SC_LIST,
	.enter = enter,
	.leave = leave,
	.draw = draw,
	.action = action,
	.hint = N_("Up/Down move  Enter finding in full  r rerun  H harden preview  Tab/Esc tenants  ? help"),
};
