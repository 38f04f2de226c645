/* The SQL about to run (secrets redacted): Enter runs it, Esc goes back. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citus.h"
#include "tui/ui.h"

/* The SQL wrapped between tokens (never inside a word or a literal), so
 * that what a mouse selection copies is the same SQL. A comment that
 * wraps goes on as a comment. Draws the wrapped lines from skip on, from
 * row y to h. Returns the next free row, or with win NULL the number of
 * wrapped lines. */
static int
sql_lines(WINDOW *win, int y, int h, int w, const char *text, int skip)
{
	int width = w > 8 ? w - 4 : 4, line = 0;

	for (const char *p = text; p && *p;) {
		size_t len = strcspn(p, "\n");
		char *one = pt_xasprintf("%.*s", (int)len, p);
		/* "-- text": every row it wraps into starts with "-- " */
		int pre = !strncmp(one, "-- ", 3) ? 3 : 0;
		int n = pt_ui_wrap_lines(one + pre, width - pre);
		int from = skip > line ? skip - line : 0;

		if (n == 0)
			n = 1;
		if (win && from < n && y < h) {
			int k = pt_ui_wrap(win, y, 2 + pre, one + pre, width - pre, from, h - y,
			                   A_NORMAL);

			for (int r = 0; pre && r < k; r++)
				pt_ui_put(win, y + r, 2, "-- ", 3, A_NORMAL);
			y += k ? k : 1;
		}
		line += n;
		free(one);
		p = p[len] ? p + len + 1 : NULL;
	}
	return win ? y : line;
}

static const char *
what(const struct pt_ui *ui)
{
	switch (ui->pending) {
	case PEND_CREATE: return _("This SQL will create the tenant (password redacted):");
	case PEND_DROP: return _("This SQL will DROP the tenant, its objects and its role:");
	case PEND_ROTATE: return _("Rotate the password:");
	case PEND_HARDEN: return _("This SQL will harden the database:");
	case PEND_FIX: return _("This SQL will fix the findings, in one transaction:");
	case PEND_LOCK: return _("This SQL will lock the tenant out (no new logins):");
	case PEND_UNLOCK: return _("This SQL will let the tenant log in again:");
	case PEND_ALTER: return _("This SQL will change the tenant, in one transaction:");
	case PEND_MOVE: return _("This SQL will move the tenant to another worker:");
	default: return "";
	}
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	int y;

	pt_ui_put(win, 0, 2, what(ui), w - 4, ui->pending == PEND_DROP
	          ? ui->attr[COL_ERROR] : ui->attr[COL_TITLE]);
	if (ui->pending == PEND_LOCK)
		/* the choice in words, not only in the SQL */
		pt_ui_put(win, 1, 2, ui->lock_terminate
		          ? _("Its open sessions: TERMINATED too (t: leave them open)")
		          : _("Its open sessions: left open (t: terminate them too)"),
		          w - 4, ui->lock_terminate ? ui->attr[COL_WARN] : ui->attr[COL_DIM]);
	y = sql_lines(win, 2, h - 2, w, ui->preview_sql ? ui->preview_sql : "", ui->scroll);
	pt_ui_put(win, y + 1 < h ? y + 1 : h - 1, 2,
	          ui->pending == PEND_DROP ? _("Enter, then type the schema name to confirm; Esc goes back.")
	                                   : _("Enter runs it; Esc goes back."),
	          w - 4, A_BOLD);
}

static void
leave(struct pt_ui *ui)
{
	free(ui->preview_sql);
	ui->preview_sql = NULL;
}

/* Lock (with the sessions if t chose so) or unlock; back where the
 * preview was opened from, the list and a detail showing the new state. */
static void
run_lock(struct pt_ui *ui, bool lock)
{
	pgt_error *err = NULL;
	int ended = 0;
	int st = lock
		? pgt_tenant_lock(ui->admin, ui->target_schema, ui->lock_terminate, &ended, &err)
		: pgt_tenant_unlock(ui->admin, ui->target_schema, &err);

	if (st != PGT_OK) {
		pt_ui_fail_api(ui, err);
		return;
	}
	pt_ui_pop(ui);
	pt_ui_load_tenants(ui);
	if (pt_ui_top(ui) == &pt_scr_detail)
		pt_ui_replace(ui, &pt_scr_detail);   /* reloads what it shows */
	if (!lock)
		pt_ui_msg(ui, _("Unlocked %s: it can log in again."), ui->target_schema);
	else if (ui->lock_terminate)
		pt_ui_msg(ui, _("Locked %s: no new logins; sessions terminated: %d."),
		          ui->target_schema, ended);
	else
		pt_ui_msg(ui, _("Locked %s: no new logins; its open sessions go on."),
		          ui->target_schema);
}

/* Called from inside the move's wait, which draws the message next. */
static void
show_move_progress(void *ud, const struct pt_citus_progress *p)
{
	struct pt_ui *ui = ud;
	char line[256];

	pt_citus_progress_text(ui->target_schema, p, line, sizeof line);
	pt_ui_msg(ui, _("%s (Ctrl-C cancels)"), line);
}

/* The move planned again (the cluster may have changed since the
 * preview) and run; the tenants list then shows the new node. */
static void
run_move(struct pt_ui *ui)
{
	struct pt_citus_move m;
	char *now_on = NULL;
	double t0 = pt_now();
	pt_error err;

	if (pt_citus_move_plan(ui->db, ui->target_schema, ui->move_to, &m, &err) != PT_OK ||
	    pt_citus_move_run(ui->db, &m, show_move_progress, ui, &now_on, &err) != PT_OK) {
		pt_citus_move_free(&m);
		pt_ui_fail(ui, &err);
		return;
	}
	pt_citus_move_free(&m);
	pt_ui_pop(ui);
	pt_ui_load_tenants(ui);
	if (pt_ui_top(ui) == &pt_scr_detail)
		pt_ui_replace(ui, &pt_scr_detail);
	pt_ui_msg(ui, _("Moved %s in %.1f s: it is now on %s."), ui->target_schema, pt_now() - t0,
	          now_on ? now_on : "?");
	free(now_on);
}

/* t on a lock preview: the same lock, with or without ending sessions. */
static void
toggle_terminate(struct pt_ui *ui)
{
	pgt_error *err = NULL;
	char *sql;

	if (ui->pending != PEND_LOCK)
		return;
	sql = pgt_tenant_lock_preview(ui->admin, ui->target_schema, !ui->lock_terminate, &err);
	if (!sql) {
		pt_ui_fail_api(ui, err);
		return;
	}
	ui->lock_terminate = !ui->lock_terminate;
	free(ui->preview_sql);
	ui->preview_sql = sql;
	ui->scroll = 0;
}

/* The credentials a create or a rotate returned, for the result screen
 * (which frees them when it leaves); false with the reason shown. */
static bool
take_credentials(struct pt_ui *ui, pgt_credentials *c, pgt_error *err)
{
	if (!c) {
		pt_ui_fail_api(ui, err);
		return false;
	}
	/* the result screen frees them as it leaves: no others are held here
	 * (a create or a rotate starts from below any result screen) */
	pgt_credentials_free(ui->creds);
	ui->shown = NULL;
	ui->creds = c;
	return true;
}

static void
run(struct pt_ui *ui)
{
	pgt_error *err = NULL;
	pgt_credentials *c;
	enum pt_pending p = ui->pending;
	char typed[64];

	if (!pt_ui_need_write(ui))
		return;
	switch (p) {
	case PEND_CREATE:
		c = pgt_tenant_create(ui->admin, ui->cfg, &err);
		if (!take_credentials(ui, c, err))
			return;
		ui->result_title = N_("Tenant created.");
		pt_ui_pop(ui);          /* preview */
		pt_ui_pop(ui);          /* form: wipes the typed password */
		pt_ui_load_tenants(ui);
		pt_ui_select_schema(ui, pgt_credentials_schema_name(ui->creds));
		pt_ui_push(ui, &pt_scr_result);
		return;
	case PEND_ROTATE:
		c = pgt_tenant_rotate_password(ui->admin, ui->target_schema, NULL, &err);
		if (!take_credentials(ui, c, err))
			return;
		ui->result_title = N_("Password rotated.");
		pt_ui_pop(ui);
		pt_ui_push(ui, &pt_scr_result);
		return;
	case PEND_DROP: {
		char label[160];

		snprintf(label, sizeof label, _("Type %s to drop it:"), ui->target_schema);
		if (!pt_ui_prompt(ui, label, false, typed, sizeof typed))
			return;
		if (strcmp(typed, ui->target_schema) != 0) {
			pt_ui_err(ui, "%s", _("The name typed does not match: nothing dropped."));
			return;
		}
		if (pgt_tenant_drop(ui->admin, ui->target_schema, &err) != PGT_OK) {
			pt_ui_fail_api(ui, err);
			return;
		}
		pt_ui_pop(ui);
		pt_ui_load_tenants(ui);
		pt_ui_msg(ui, _("Dropped %s."), ui->target_schema);
		return;
	}
	case PEND_HARDEN:
		pt_ui_harden_preview(ui);   /* with a plan pending: applies it */
		return;
	case PEND_FIX:
		pt_ui_audit_apply(ui);
		return;
	case PEND_LOCK:
	case PEND_UNLOCK:
		run_lock(ui, p == PEND_LOCK);
		return;
	case PEND_ALTER:
		pt_ui_alter_apply(ui);
		return;
	case PEND_MOVE:
		run_move(ui);
		return;
	default:
		return;
	}
}

static bool
action(struct pt_ui *ui, enum pt_action a)
{
	/* the SQL fills the body (LINES - 4) but for 2 rows above and 2 below */
	if (pt_ui_scroll(ui, a, sql_lines(NULL, 0, 0, COLS, ui->preview_sql ? ui->preview_sql : "", 0),
	                 LINES - 8))
		return true;
	switch (a) {
	case ACT_ENTER:
		run(ui);
		return true;
	case ACT_LOCK_TERMINATE:
		toggle_terminate(ui);
		return ui->pending == PEND_LOCK;
	default:
		return false;
	}
}

const struct pt_screen_ops pt_scr_preview = {
	.title = N_("SQL preview"),
	.scopes = SC_CONFIRM,
	.leave = leave,
	.draw = draw,
	.action = action,
	.hint = N_("Enter run  Esc back  Up/Down scroll  ? help"),
};
