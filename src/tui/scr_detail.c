/* One schema: owner, every role that can reach it and how, search_path,
 * grants, size, and the connection string without the password. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"
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

static void kv(WINDOW *win, int *y, int h, int w, const char *k, const char *v);

/* Rows draw_settings takes in full, and took when last drawn. */
static int
settings_rows(const struct pt_ui *ui)
{
	return ui->have_dsettings ? 3 + (ui->dsettings.n > 1 ? (int)ui->dsettings.n - 1 : 0) : 0;
}
static int settings_drawn;

/* The values are the tenant's own text (it may ALTER ROLE itself): drawn
 * through the widgets only. */
static void
draw_settings(struct pt_ui *ui, WINDOW *win, int *y, int h, int w)
{
	const struct pt_tenant_settings *s = &ui->dsettings;
	const char *login;
	char limits[256], limit[32];
	attr_t la;

	settings_drawn = 0;
	if (!ui->have_dsettings || *y >= h)
		return;
	login = s->locked ? _("LOCKED: cannot log in (u unlocks)") : _("can log in");
	la = s->locked ? ui->attr[COL_WARN] : A_NORMAL;
	if (s->connection_limit >= 0)
		snprintf(limit, sizeof limit, "%d", s->connection_limit);
	snprintf(limits, sizeof limits, _("connections %s, expires %s"),
	         s->connection_limit >= 0 ? limit : _("unlimited"),
	         s->valid_until && strcmp(s->valid_until, "infinity") ? s->valid_until : _("never"));
	/* a short pane keeps its room for who can reach the schema (a blank
	 * line, the title, the column names): all on one line */
	if (h - *y < settings_rows(ui) + 3) {
		char *line = pt_xasprintf("%s; %s", login, limits);

		for (size_t i = 0; i < s->n; i++) {
			char *more = pt_xasprintf("%s%s%s=%s%s%s", line, i ? ", " : "; ", s->rows[i].name,
			                          s->rows[i].value, s->rows[i].all_databases ? " " : "",
			                          s->rows[i].all_databases ? _("(all databases)") : "");
			free(line);
			line = more;
		}
		pt_ui_put(win, *y, 2, _("Login"), 18, A_BOLD);
		pt_ui_put(win, (*y)++, 21, line, w - 23, la);
		free(line);
		settings_drawn = 1;
		return;
	}
	pt_ui_put(win, *y, 2, _("Login"), 18, A_BOLD);
	pt_ui_put(win, (*y)++, 21, login, w - 23, la);
	kv(win, y, h, w, _("Limits"), limits);
	settings_drawn = 2;
	if (!s->n) {
		kv(win, y, h, w, _("Settings"), _("(server defaults)"));
		settings_drawn++;
	}
	for (size_t i = 0; i < s->n && *y < h; i++, settings_drawn++) {
		int x;

		pt_ui_put(win, *y, 2, i ? "" : _("Settings"), 18, A_BOLD);
		x = 21 + pt_ui_put(win, *y, 21, s->rows[i].name, w - 23, A_NORMAL);
		x += pt_ui_put(win, *y, x, " = ", w - 2 - x, A_NORMAL);
		x += pt_ui_put(win, *y, x, s->rows[i].value, w - 2 - x, A_NORMAL);
		if (s->rows[i].all_databases)
			pt_ui_put(win, *y, x + 1, _("(all databases)"), w - 3 - x, ui->attr[COL_DIM]);
		(*y)++;
	}
}

static void
enter(struct pt_ui *ui)
{
	pt_error err;

	struct pt_tenant_ref ref;

	ui->scroll = 0;
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
}

static void
leave(struct pt_ui *ui)
{
	if (ui->have_detail)
		pt_schema_detail_free(&ui->detail);
	ui->have_detail = false;
	free_settings(ui);
}

static void
kv(WINDOW *win, int *y, int h, int w, const char *k, const char *v)
{
	if (*y >= h)
		return;
	pt_ui_put(win, *y, 2, k, 18, A_BOLD);
	pt_ui_put(win, (*y)++, 21, v, w - 23, A_NORMAL);
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	const struct pt_schema_detail *d = &ui->detail;
	char buf[128];
	char *cs;
	pt_error err;
	int y = 0;

	if (!ui->have_detail) {
		pt_ui_put(win, 1, 2, _("No detail to show."), w - 4, A_NORMAL);
		return;
	}
	kv(win, &y, h, w, _("Schema"), d->name);
	kv(win, &y, h, w, _("Owner"), d->owner);
	snprintf(buf, sizeof buf, "%ld", d->tables);
	kv(win, &y, h, w, _("Tables"), buf);
	pt_format_size(d->size_bytes, buf, sizeof buf);
	kv(win, &y, h, w, _("Size"), d->size_bytes >= 0 || d->size_bytes == PT_SIZE_UNKNOWN ? buf : "-");
	kv(win, &y, h, w, _("search_path"), *d->search_path ? d->search_path : _("(default)"));
	kv(win, &y, h, w, _("Grants (ACL)"), *d->acl ? d->acl : _("(owner only)"));
	cs = ui->have_ep && ui->detail_role[0]
		? pt_connstr_build(PT_CONNSTR_URI, &ui->ep, ui->detail_role, NULL, &err) : NULL;
	if (cs) {
		pt_ui_put(win, y++, 2, _("Connection string (no password):"), w - 4, A_BOLD);
		if (y < h)
			pt_ui_put(win, y++, 0, cs, w, A_NORMAL);
		pt_secret_free(cs);
	} else if (y < h) {
		kv(win, &y, h, w, _("Tenant"), _("no: pgtenant made no login role for it"));
	}
	draw_settings(ui, win, &y, h, w);
	y++;
	if (y < h)
		pt_ui_put(win, y++, 2, _("Who can reach it, and how:"), w - 4, ui->attr[COL_TITLE]);
	if (y < h) {
		pt_ui_put(win, y, 2, _("Role"), 24, A_BOLD | A_UNDERLINE);
		pt_ui_put(win, y, 27, _("Via"), 20, A_BOLD | A_UNDERLINE);
		pt_ui_put(win, y++, 48, _("Privileges"), w - 50, A_BOLD | A_UNDERLINE);
	}
	for (size_t i = (size_t)ui->scroll; i < d->n_access && y < h; i++, y++) {
		const struct pt_access_row *a = &d->access[i];
		attr_t at = strcmp(a->via, "PUBLIC") == 0 ? ui->attr[COL_WARN] : A_NORMAL;

		pt_ui_put(win, y, 2, a->role, 24, at);
		pt_ui_put(win, y, 27, a->via, 20, at);
		pt_ui_put(win, y, 48, a->privileges, w - 50, at);
	}
}

static bool
action(struct pt_ui *ui, enum pt_action a)
{
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
	default:
		break;
	}
	/* the access list starts about 12 rows into the 4-row-shorter body */
	return pt_ui_page_action(ui, a, ui->have_detail ? (int)ui->detail.n_access : 0,
	                         LINES - 16 - settings_drawn);
}

const struct pt_screen_ops pt_scr_detail = {
	.title = N_("Schema detail"),
	.scopes = SC_CONFIRM | SC_DETAIL,
	.enter = enter,
	.leave = leave,
	.draw = draw,
	.action = action,
	.hint = N_("Up/Down scroll  l lock  u unlock  e edit  Esc back  ? help  q quit"),
	.hint_ro = N_("Up/Down scroll  Esc back  ? help  q quit"),
};
