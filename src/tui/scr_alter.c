/* The edit form: a tenant's connection limit, expiry and per-database
 * settings, each field starting at its current value. Only fields the
 * user changed are sent, so that editing one setting never rewrites the
 * others; a blank field means none: no limit, never expires, the
 * server's default (RESET). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui.h"

enum { F_LIMIT, F_VALID, F_STMT, F_IDLE, F_WORK_MEM, F_LOCK, F_OTHER, F_COUNT };
#define F_VALUE_MAX 128

/* The settings with a field of their own; NULL for the others. */
static const char *const setting[F_COUNT] = {
	[F_STMT] = "statement_timeout",
	[F_IDLE] = "idle_in_transaction_session_timeout",
	[F_WORK_MEM] = "work_mem",
	[F_LOCK] = "lock_timeout",
};
static const char *const label[F_COUNT] = {
	[F_LIMIT] = N_("Connection limit"),
	[F_VALID] = N_("Valid until"),
	[F_OTHER] = N_("Other NAME=VALUE"),
};
/* The unit the server reads a bare number in (pgtenant's own
 * --lock-timeout is in seconds: lock_timeout 5 here is 5 ms). */
static const char *const unit[F_COUNT] = {
	[F_STMT] = "ms", [F_IDLE] = "ms", [F_WORK_MEM] = "kB", [F_LOCK] = "ms",
};
static const char *const help[F_COUNT] = {
	[F_LIMIT] = N_("a whole number; blank or -1 = no limit"),
	[F_VALID] = N_("a time, e.g. 2027-01-01; blank or infinity = never expires"),
	[F_STMT] = N_("longest statement: 30s, 2min (bare number: ms); blank = default"),
	[F_IDLE] = N_("longest idle in a transaction: 5min (bare number: ms); blank = default"),
	[F_WORK_MEM] = N_("memory per sort or hash: 64MB (bare number: kB); blank = default"),
	[F_LOCK] = N_("longest wait for a lock: 5s (bare number: ms); blank = default"),
	[F_OTHER] = N_("any per-session setting: NAME=VALUE sets it, NAME alone resets it"),
};

struct alter_form {
	char value[F_COUNT][F_VALUE_MAX];
	char loaded[F_COUNT][F_VALUE_MAX];  /* as opened: unchanged is not sent */
	char all_dbs[F_COUNT][F_VALUE_MAX]; /* the role's value in every database */
	char role[PT_NAME_MAX + 1];
	bool locked;
	int field;
	pgt_alter *change;                  /* what the preview showed, for
	                                       pt_ui_alter_apply; NULL: none */
};

/* A value the server would read in the setting's unit: digits alone. */
static bool
bare_number(int f, const char *v)
{
	if (!unit[f] || !*v)
		return false;
	for (const char *p = v; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

/* What a bare number in field f means, said plainly; "" for any other
 * value. Valid until the next call. */
static const char *
bare_warning(const struct alter_form *fm, int f)
{
	static char buf[F_VALUE_MAX * 3 + 128];

	if (!bare_number(f, fm->value[f]))
		return "";
	if (!strcmp(unit[f], "ms"))
		snprintf(buf, sizeof buf, _("%s without a unit is %s ms; type %ss for seconds"),
		         fm->value[f], fm->value[f], fm->value[f]);
	else
		snprintf(buf, sizeof buf, _("%s without a unit is %s kB; type %sMB for megabytes"),
		         fm->value[f], fm->value[f], fm->value[f]);
	return buf;
}

static const char *
field_label(int f)
{
	return setting[f] ? setting[f] : _(label[f]);
}

static void
leave(struct pt_ui *ui)
{
	struct alter_form *fm = ui->alter;

	if (fm)
		pgt_alter_free(fm->change);
	free(fm);
	ui->alter = NULL;
}

/* The current values, from the server: a form that could not read them
 * would send changes nobody saw, so it closes instead. */
static void
enter(struct pt_ui *ui)
{
	struct alter_form *fm = pt_xcalloc(1, sizeof *fm);
	struct pt_tenant_settings s;
	pt_error err;

	ui->alter = fm;
	if (pt_tenant_settings_load(ui->db, ui->target_schema, &s, &err) != PT_OK) {
		pt_ui_pop(ui);
		pt_ui_fail(ui, &err);
		return;
	}
	snprintf(fm->role, sizeof fm->role, "%s", s.role);
	fm->locked = s.locked;
	if (s.connection_limit >= 0)
		snprintf(fm->loaded[F_LIMIT], F_VALUE_MAX, "%d", s.connection_limit);
	if (s.valid_until && strcmp(s.valid_until, "infinity") != 0)
		snprintf(fm->loaded[F_VALID], F_VALUE_MAX, "%s", s.valid_until);
	for (size_t i = 0; i < s.n; i++)
		for (int f = 0; f < F_COUNT; f++)
			if (setting[f] && !strcmp(s.rows[i].name, setting[f]))
				snprintf(s.rows[i].all_databases ? fm->all_dbs[f] : fm->loaded[f],
				         F_VALUE_MAX, "%s", s.rows[i].value);
	memcpy(fm->value, fm->loaded, sizeof fm->value);
	pt_tenant_settings_free(&s);
}

/* The limit typed, or why it is not one. */
static const char *
parse_limit(const char *text, int *limit)
{
	char *end;
	long v;

	if (!*text) {
		*limit = -1;
		return NULL;
	}
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || *end || v < -1 || v > INT_MAX)
		return _("a whole number of -1 (no limit) or more, or blank for no limit");
	*limit = (int)v;
	return NULL;
}

/* The form as a change: only what differs from what was loaded. Returns
 * the field at fault with *why, or -1 and (out not NULL: the draw only
 * checks) the change in *out, for pgt_alter_free(). */
static int
build(const struct alter_form *fm, const char **why, pgt_alter **out)
{
	char other_name[F_VALUE_MAX];
	int limit, was;
	pgt_alter *a;

	if ((*why = parse_limit(fm->value[F_LIMIT], &limit)))
		return F_LIMIT;
	if (!out)
		return -1;
	*out = a = pgt_alter_new();
	parse_limit(fm->loaded[F_LIMIT], &was);
	if (limit != was)
		pgt_alter_set_connection_limit(a, limit);
	if (strcmp(fm->value[F_VALID], fm->loaded[F_VALID]) != 0)
		pgt_alter_set_valid_until(a, *fm->value[F_VALID] ? fm->value[F_VALID] : "infinity");
	for (int f = 0; f < F_COUNT; f++)
		if (setting[f] && strcmp(fm->value[f], fm->loaded[f]) != 0)
			pgt_alter_set_setting(a, setting[f], *fm->value[f] ? fm->value[f] : NULL);
	if (*fm->value[F_OTHER]) {
		const char *v = fm->value[F_OTHER], *eq = strchr(v, '=');
		size_t n = eq ? (size_t)(eq - v) : strlen(v);

		while (n && v[n - 1] == ' ')
			n--;
		snprintf(other_name, sizeof other_name, "%.*s", (int)n, v);
		pgt_alter_set_setting(a, other_name, eq && eq[1] ? eq + 1 : NULL);
	}
	return -1;
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	struct alter_form *fm = ui->alter;
	/* room to spare: a blank line between the parts */
	int gap = h >= F_COUNT + 8, y = 0, lw = 2, fw;
	char title[256];
	const char *why;

	if (!fm)
		return;
	for (int f = 0; f < F_COUNT; f++)
		if (pt_ui_width(field_label(f)) + 2 > lw)
			lw = pt_ui_width(field_label(f)) + 2;
	/* the field keeps at least 24 columns; a long label is cut */
	if (lw > w - 4 - 24)
		lw = w - 4 - 24;
	fw = w - 4 - lw;
	if (fw > 40)
		fw = 40;
	snprintf(title, sizeof title, _("Edit tenant %s (role %s%s)"), ui->target_schema,
	         fm->role, fm->locked ? _(", locked") : "");
	pt_ui_put(win, y++, 2, title, w - 4, ui->attr[COL_TITLE]);
	pt_ui_put(win, y++, 2, _("Only changes are sent; blank = no limit/never/default."), w - 4, ui->attr[COL_DIM]);
	y += gap;
	for (int f = 0; f < F_COUNT && y < h; f++, y++) {
		bool focus = f == fm->field;
		int x = 2 + lw, vw;
		attr_t fa = focus ? A_REVERSE : A_UNDERLINE;

		pt_ui_put(win, y, 2, field_label(f), lw - 1, focus ? A_BOLD : A_NORMAL);
		wattron(win, fa);
		mvwhline(win, y, x, ' ', fw);
		wattroff(win, fa);
		vw = pt_ui_put(win, y, x, fm->value[f], fw, fa);
		if (focus)
			pt_ui_cursor_at(win, y, x + (vw < fw ? vw : fw - 1));
		/* the unit a bare number is read in, beside it */
		if (bare_number(f, fm->value[f]) && vw + 4 < fw)
			pt_ui_put(win, y, x + vw + 1, unit[f], fw - vw - 1,
			          ui->attr[COL_WARN] | (focus ? A_REVERSE : 0));
		if (!*fm->value[f] && *fm->all_dbs[f]) {
			/* set for every database: in force while this one is blank */
			char note[F_VALUE_MAX + 64];

			snprintf(note, sizeof note, _("(all databases: %s)"), fm->all_dbs[f]);
			pt_ui_put(win, y, x + 1, note, fw - 1, ui->attr[COL_DIM] | (focus ? A_REVERSE : 0));
		}
	}
	y += gap;
	if (y < h) {
		/* the focused field: its problem, or what it takes */
		int bad = build(fm, &why, NULL);

		char line[256];

		/* a setting's name in full: its label may have been cut */
		snprintf(line, sizeof line, "%s%s%s", setting[fm->field] ? setting[fm->field] : "",
		         setting[fm->field] ? ": " : "", _(help[fm->field]));
		/* two lines when the pane has them, then the Enter line if room */
		if (bad != fm->field && *bare_warning(fm, fm->field))
			y += pt_ui_put_wrapped(win, y, 2, bare_warning(fm, fm->field), w - 4,
			                       h - y >= 3 ? 2 : h - y, ui->attr[COL_WARN]);
		else
			y += pt_ui_put_wrapped(win, y, 2, bad == fm->field ? why : line, w - 4,
			                       h - y >= 3 ? 2 : h - y,
			                       bad == fm->field ? ui->attr[COL_ERROR]
			                                        : ui->attr[COL_DIM]);
	}
	if (y < h)
		pt_ui_put(win, y, 2, _("Enter shows the SQL that will run; Esc cancels."), w - 4,
		          A_NORMAL);
}

static bool
input(struct pt_ui *ui, wint_t ch, bool is_code)
{
	struct alter_form *fm = ui->alter;

	/* Tab, Enter, Esc and Ctrl-C are not text: the keymap has them */
	return fm && pt_ui_edit(fm->value[fm->field], F_VALUE_MAX, ch, is_code);
}

static void
go_on(struct pt_ui *ui)
{
	struct alter_form *fm = ui->alter;
	pgt_error *err = NULL;
	const char *why;
	char *sql;
	int bad;

	if ((bad = build(fm, &why, NULL)) >= 0) {
		fm->field = bad;
		pt_ui_err(ui, "%s: %s", field_label(bad), why);
		return;
	}
	if (!pt_ui_need_write(ui))
		return;
	pgt_alter_free(fm->change);
	build(fm, &why, &fm->change);
	/* checks the change without the server first, then against it */
	if (!(sql = pgt_tenant_alter_preview(ui->admin, ui->target_schema, fm->change, &err))) {
		pt_ui_fail_api(ui, err);
		return;
	}
	free(ui->preview_sql);
	ui->preview_sql = sql;
	ui->pending = PEND_ALTER;
	pt_ui_push(ui, &pt_scr_preview);
	/* still allowed (the server takes it), but said again over the SQL */
	for (int f = 0; f < F_COUNT; f++)
		if (strcmp(fm->value[f], fm->loaded[f]) && *bare_warning(fm, f)) {
			pt_ui_err(ui, "%s: %s", setting[f], bare_warning(fm, f));
			break;
		}
}

void
pt_ui_alter_apply(struct pt_ui *ui)
{
	struct alter_form *fm = ui->alter;
	pgt_error *err = NULL;

	if (!fm)
		return;
	if (pgt_tenant_alter(ui->admin, ui->target_schema, fm->change, &err) != PGT_OK) {
		/* nothing changed (one transaction): the form again, with why */
		pt_ui_pop(ui);
		pt_ui_fail_api(ui, err);
		return;
	}
	pt_ui_pop(ui);          /* preview */
	pt_ui_pop(ui);          /* form */
	pt_ui_load_tenants(ui);
	if (pt_ui_top(ui) == &pt_scr_detail)
		pt_ui_replace(ui, &pt_scr_detail);   /* reloads the settings shown */
	pt_ui_msg(ui, _("Changed %s."), ui->target_schema);
}

static bool
action(struct pt_ui *ui, enum pt_action a)
{
	struct alter_form *fm = ui->alter;

	if (!fm)
		return false;
	if (pt_ui_form_move(a, &fm->field, F_COUNT))
		return true;
	if (a != ACT_ENTER)
		return false;
	go_on(ui);
	return true;
}

const struct pt_screen_ops pt_scr_alter = {
	.title = N_("Edit tenant"),
	.scopes = SC_FORM,
	.enter = enter,
	.leave = leave,
	.draw = draw,
	.input = input,
	.action = action,
	.hint = N_("Tab/Shift-Tab move  Enter preview SQL  Esc cancel  F1 help"),
};
