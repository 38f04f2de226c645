/* The create form: schema (validated as you type), user (derived),
 * password (empty = generate; masked), connection limit, valid until. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "names.h"
#include "tui/ui.h"

enum { F_SCHEMA, F_USER, F_PASSWORD, F_LIMIT, F_VALID, F_COUNT };

static const char *const label[F_COUNT] = {
	N_("Schema"), N_("User"), N_("Password"), N_("Connection limit"), N_("Valid until")
};
static const char *const help[F_COUNT] = {
	N_("lower case letters, digits and _; e.g. tenant_acme"),
	N_("derived from the schema name until you edit it"),
	N_("leave empty to generate 32 random characters"),
	N_("empty = the default (20 or the configured one); -1 = none"),
	N_("empty = never; e.g. 2027-01-01"),
};

static char *
field(struct pt_ui *ui, int f, size_t *sz)
{
	switch (f) {
	case F_SCHEMA: *sz = sizeof ui->f_schema; return ui->f_schema;
	case F_USER: *sz = sizeof ui->f_user; return ui->f_user;
	case F_PASSWORD: *sz = PT_UI_PW_MAX; return ui->f_password;
	case F_LIMIT: *sz = sizeof ui->f_limit; return ui->f_limit;
	default: *sz = sizeof ui->f_valid; return ui->f_valid;
	}
}

static void
derive_user(struct pt_ui *ui)
{
	pt_error err;

	if (ui->user_edited)
		return;
	if (!*ui->f_schema ||
	    pt_default_username(ui->f_schema, ui->opt->user_pattern, ui->f_user,
	                        sizeof ui->f_user, &err) != PT_OK)
		ui->f_user[0] = '\0';
}

static void
wipe(struct pt_ui *ui)
{
	sodium_memzero(ui->f_password, PT_UI_PW_MAX);
	memset(ui->f_schema, 0, sizeof ui->f_schema);
	memset(ui->f_user, 0, sizeof ui->f_user);
	memset(ui->f_limit, 0, sizeof ui->f_limit);
	memset(ui->f_valid, 0, sizeof ui->f_valid);
	ui->user_edited = false;
	ui->field = F_SCHEMA;
	pgt_config_free(ui->cfg);        /* wipes its copy of the password */
	ui->cfg = NULL;
}

static void
enter(struct pt_ui *ui)
{
	wipe(ui);
}

static void
leave(struct pt_ui *ui)
{
	wipe(ui);
}

/* Why the field's content is not acceptable, or NULL (valid until the
 * next call). */
static const char *
problem(struct pt_ui *ui, int f, pt_error *err)
{
	static char taken[PT_NAME_MAX + 64];
	char *end;

	switch (f) {
	case F_SCHEMA:
		if (!*ui->f_schema)
			return _("type a schema name");
		if (pt_name_validate(ui->f_schema, PT_NAME_SCHEMA, err) != PT_OK)
			return err->message;
		/* the list shown knows it already; Enter asks the server */
		for (size_t i = 0; ui->have_schemas && i < ui->schemas.n; i++)
			if (!strcmp(ui->schemas.rows[i].name, ui->f_schema)) {
				snprintf(taken, sizeof taken, _("a schema named \"%s\" exists already"),
				         ui->f_schema);
				return taken;
			}
		return NULL;
	case F_USER:
		if (!*ui->f_user)
			return *ui->f_schema ? _("no user name can be derived: type one") : NULL;
		return pt_name_validate(ui->f_user, PT_NAME_ROLE, err) == PT_OK ? NULL
			: err->message;
	case F_LIMIT:
		if (!*ui->f_limit)
			return NULL;
		if (strtol(ui->f_limit, &end, 10) < -1 || *end)
			return _("a whole number (-1: no limit), or empty for the default");
		return NULL;
	default:
		return NULL;
	}
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	/* a short pane: two rows a field, the reason or help on one line */
	bool compact = h < 3 * F_COUNT + 4;
	int lw = w >= 80 ? 20 : 18, y = compact ? 0 : 1, fw = w - 2 - lw - 2;
	pt_error err;

	if (fw > 40)
		fw = 40;
	pt_ui_put(win, y, 2, _("Create a tenant: one schema and one login role, in one transaction."),
	          w - 4, ui->attr[COL_TITLE]);
	y += compact ? 1 : 2;
	for (int f = 0; f < F_COUNT; f++) {
		size_t sz;
		char *v = field(ui, f, &sz);
		bool focus = f == ui->field;
		const char *why = problem(ui, f, &err);
		int x = 2 + lw, vw;

		pt_ui_put(win, y, 2, _(label[f]), lw - 2, focus ? A_BOLD : A_NORMAL);
		wattron(win, focus ? A_REVERSE : A_UNDERLINE);
		mvwhline(win, y, x, ' ', fw);
		wattroff(win, focus ? A_REVERSE : A_UNDERLINE);
		if (f == F_PASSWORD) {
			/* masked: only the length shows */
			int n = pt_ui_width(v);

			for (int i = 0; i < n && i < fw; i++)
				mvwaddch(win, y, x + i, '*' | (focus ? A_REVERSE : A_UNDERLINE));
			vw = n;
		} else {
			vw = pt_ui_put(win, y, x, v, fw, focus ? A_REVERSE : A_UNDERLINE);
		}
		if (focus)
			pt_ui_cursor_at(win, y, x + (vw < fw ? vw : fw - 1));
		if (f == F_PASSWORD && !*v)
			pt_ui_put(win, y, x + 1, _("(generate)"), fw - 1, ui->attr[COL_DIM] |
			          (focus ? A_REVERSE : 0));
		if (why && (f != F_SCHEMA || *ui->f_schema || focus))
			/* the whole reason matters ("use tenant_x"): two lines */
			pt_ui_put_wrapped(win, y + 1, 4, why, w - 6, compact ? 1 : 2, *v || f != F_SCHEMA
			                  ? ui->attr[COL_ERROR] : ui->attr[COL_DIM]);
		else if (focus)
			pt_ui_put(win, y + 1, x, _(help[f]), w - x - 2, ui->attr[COL_DIM]);
		else if (f == F_SCHEMA && *v)
			pt_ui_put(win, y + 1, x, _("ok"), w - x - 2, ui->attr[COL_OK]);
		y += compact ? 2 : 3;
	}
	if (y < h)
		pt_ui_put(win, y, 2, _("Enter shows the SQL that will run; Esc cancels."), w - 4,
		          A_NORMAL);
}

static bool
input(struct pt_ui *ui, wint_t ch, bool is_code)
{
	size_t sz;
	char *v = field(ui, ui->field, &sz);

	if (!is_code && (ch == '\t' || ch == '\n' || ch == '\r' || ch == 27 || ch == 3))
		return false;
	if (!pt_ui_edit(v, sz, ch, is_code))
		return false;
	if (ui->field == F_SCHEMA)
		derive_user(ui);
	else if (ui->field == F_USER)
		ui->user_edited = *ui->f_user != '\0';
	return true;
}

/* The form as the API's config. */
static pgt_config *
form_config(struct pt_ui *ui)
{
	pgt_config *c = pgt_config_new();

	pgt_config_set_schema_name(c, ui->f_schema);
	pgt_config_set_username(c, ui->f_user);
	pgt_config_set_user_pattern(c, ui->opt->user_pattern);
	pgt_config_set_password(c, ui->f_password);      /* empty: generate one */
	if (*ui->f_limit)
		pgt_config_set_connection_limit(c, (int)strtol(ui->f_limit, NULL, 10));
	else if (ui->opt->connection_limit_set)
		pgt_config_set_connection_limit(c, ui->opt->connection_limit);
	pgt_config_set_valid_until(c, ui->f_valid);      /* empty: never expires */
	return c;
}

static void
go_on(struct pt_ui *ui)
{
	pgt_error *perr = NULL;
	pt_error err;
	char *sql;
	bool is_schema = false;

	for (int f = 0; f < F_COUNT; f++) {
		const char *why = problem(ui, f, &err);

		if (why || (f == F_SCHEMA && !*ui->f_schema)) {
			ui->field = f;
			pt_ui_err(ui, "%s: %s", _(label[f]), why ? why : _("required"));
			return;
		}
	}
	if (!pt_ui_need_write(ui))
		return;
	pgt_config_free(ui->cfg);
	ui->cfg = form_config(ui);
	if (pgt_config_check(ui->cfg, &perr) != PGT_OK) {
		pt_ui_fail_api(ui, perr);
		return;
	}
	/* a name in use fails the create: said here, not after the preview
	 * (no API call asks, and the preview does not) */
	if (pt_tenant_names_free(ui->db, ui->f_schema, ui->f_user, &is_schema, &err) != PT_OK) {
		if (err.status == PT_ERR_EXISTS)
			ui->field = is_schema ? F_SCHEMA : F_USER;
		pt_ui_fail(ui, &err);
		return;
	}
	sql = pgt_tenant_create_preview(ui->admin, ui->cfg, &perr);
	if (!sql) {
		pt_ui_fail_api(ui, perr);
		return;
	}
	free(ui->preview_sql);
	ui->preview_sql = sql;
	ui->pending = PEND_CREATE;
	pt_ui_push(ui, &pt_scr_preview);
}

static bool
action(struct pt_ui *ui, enum pt_action a)
{
	if (pt_ui_form_move(a, &ui->field, F_COUNT))
		return true;
	switch (a) {
	case ACT_ENTER:
		go_on(ui);
		return true;
	default:
		return false;
	}
}

const struct pt_screen_ops pt_scr_create = {
	.title = N_("Create tenant"),
	.scopes = SC_FORM,
	.enter = enter,
	.leave = leave,
	.draw = draw,
	.input = input,
	.action = action,
	.hint = N_("Tab/Shift-Tab move  Enter preview SQL  Esc cancel  F1 help"),
};
