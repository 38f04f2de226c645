/* The SQL about to run (secrets redacted): Enter runs it, Esc goes back. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui.h"

/* Draw text line by line from line 'skip', each cut to w columns. */
static int
draw_lines(WINDOW *win, int y, int h, int w, const char *text, int skip, attr_t a)
{
	const char *p = text;
	int line = 0;

	while (p && *p && y < h) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char buf[1024];

		/* long statements wrap: the preview shows the SQL exactly */
		size_t chunk = len > (size_t)(w - 4) ? (size_t)(w - 4) : len;

		if (line++ >= skip) {
			snprintf(buf, sizeof buf, "%.*s", (int)(chunk < sizeof buf ? chunk : sizeof buf - 1), p);
			pt_ui_put(win, y++, 2, buf, w - 4, a);
		}
		if (chunk < len) {
			p += chunk;
			continue;
		}
		p = nl ? nl + 1 : NULL;
	}
	return y;
}

/* How many lines draw_lines makes of text at width w. */
static int
count_lines(const char *text, int w)
{
	size_t width = w > 8 ? (size_t)(w - 4) : 4;
	int n = 0;

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		n += len ? (int)((len + width - 1) / width) : 1;
		p = nl ? nl + 1 : NULL;
	}
	return n;
}

static const char *
what(const struct pt_ui *ui)
{
	switch (ui->pending) {
	case PEND_CREATE: return _("This SQL will create the tenant (password redacted):");
	case PEND_DROP: return _("This SQL will DROP the tenant, its objects and its role:");
	case PEND_ROTATE: return _("Rotate the password:");
	case PEND_HARDEN: return _("This SQL will harden the database:");
	default: return "";
	}
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	int y;

	pt_ui_put(win, 0, 2, what(ui), w - 4, ui->pending == PEND_DROP
	          ? ui->attr[COL_ERROR] : ui->attr[COL_TITLE]);
	y = draw_lines(win, 2, h - 2, w, ui->preview_sql ? ui->preview_sql : "", ui->scroll,
	               A_NORMAL);
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
	ui->scroll = 0;
}

static void
run(struct pt_ui *ui)
{
	pt_error err;
	enum pt_pending p = ui->pending;
	char typed[64];

	if (!pt_ui_need_write(ui))
		return;
	switch (p) {
	case PEND_CREATE:
		memset(&ui->creds, 0, sizeof ui->creds);
		if (pt_tenant_create(ui->db, &ui->cfg, &ui->creds, &err) != PT_OK) {
			pt_ui_fail(ui, &err);
			return;
		}
		ui->have_creds = true;
		ui->result_title = N_("Tenant created.");
		pt_ui_pop(ui);          /* preview */
		pt_ui_pop(ui);          /* form: wipes the typed password */
		pt_ui_load_tenants(ui);
		pt_ui_select_schema(ui, ui->creds.schema_name);
		pt_ui_push(ui, &pt_scr_result);
		return;
	case PEND_ROTATE:
		memset(&ui->creds, 0, sizeof ui->creds);
		if (pt_tenant_rotate(ui->db, ui->target_schema, NULL, &ui->creds, &err) != PT_OK) {
			pt_ui_fail(ui, &err);
			return;
		}
		ui->have_creds = true;
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
		if (pt_tenant_drop(ui->db, ui->target_schema, &err) != PT_OK) {
			pt_ui_fail(ui, &err);
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
	default:
		return;
	}
}

static bool
action(struct pt_ui *ui, enum pt_action a)
{
	/* the SQL fills the body (LINES - 4) but for 2 rows above and 2 below */
	if (pt_ui_scroll(ui, a, count_lines(ui->preview_sql ? ui->preview_sql : "", COLS),
	                 LINES - 8))
		return true;
	switch (a) {
	case ACT_ENTER:
		run(ui);
		return true;
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
