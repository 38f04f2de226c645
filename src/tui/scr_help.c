/* Help, generated from the keymap itself so it can never drift. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tui/ui.h"

static const struct { unsigned scope; const char *title; } groups[] = {
	{ SC_GLOBAL, N_("Everywhere") },
	{ SC_LIST, N_("Lists (tenants, roles, audit)") },
	{ SC_TENANTS, N_("Tenants") },
	{ SC_AUDIT, N_("Audit") },
	{ SC_FORM, N_("Create form") },
	{ SC_CONFIRM, N_("SQL preview, detail") },
	{ SC_DETAIL, N_("Tenant detail") },
	{ SC_RESULT, N_("Credentials") },
	{ SC_SESSIONS, N_("Schema detail: sessions") },
};

/* One help line per (group, action): the keys joined, then the text. */
static int
lines(const struct pt_ui *ui, char out[][160], int max)
{
	int n = 0;

	for (size_t g = 0; g < sizeof groups / sizeof *groups; g++) {
		if (n < max)
			snprintf(out[n++], 160, "\x01%s", _(groups[g].title));
		for (size_t i = 0; i < pt_keymap_len; i++) {
			const struct pt_keybind *k = &pt_keymap[i];
			char keys[64] = "";
			bool seen = false;

			if (!(k->scope & groups[g].scope) || !k->name)
				continue;
			for (size_t j = 0; j < i; j++)
				if (pt_keymap[j].action == k->action && (pt_keymap[j].scope & groups[g].scope))
					seen = true;
			if (seen)
				continue;
			for (size_t j = i; j < pt_keymap_len; j++) {
				const struct pt_keybind *o = &pt_keymap[j];

				if (o->action == k->action && (o->scope & groups[g].scope) && o->name) {
					size_t l = strlen(keys);

					snprintf(keys + l, sizeof keys - l, "%s%s", l ? ", " : "", o->name);
				}
			}
			if (n < max)
				snprintf(out[n++], 160, "  %-16s \x02%s", keys, pt_action_help(k->action));
		}
	}
	if (n < max)
		snprintf(out[n++], 160, "%s", "");
	/* the tenants list's marks, beside a tenant's count of sessions */
	if (n < max)
		snprintf(out[n++], 160, "\x01%s", _("Tenants list: marks in the Sessions column"));
	if (n < max)
		snprintf(out[n++], 160, "  %-16s \x02%s", pt_ui_mark_blocked(),
		         _("blocked: a session waits on a lock another session holds (/blocked "
		           "finds them)"));
	if (n < max) {
		snprintf(out[n], 160, "  %-16s \x02", pt_ui_mark_idle_xact());
		snprintf(out[n] + strlen(out[n]), 160 - strlen(out[n]),
		         _("idle in transaction for over %d s, holding its locks (--idle-xact or "
		           "idle_xact in the configuration file)"), pt_ui_idle_xact_s(ui));
		n++;
	}
	if (n < max)
		snprintf(out[n++], 160, "%s", "");
	if (n < max)
		snprintf(out[n++], 160, "\x01%s", _("Command line (:)"));
	for (int a = 0; a < ACT_COUNT && n < max; a++)
		if (pt_action_command((enum pt_action)a))
			snprintf(out[n++], 160, "  :%-15s \x02%s", pt_action_command((enum pt_action)a),
			         pt_action_help((enum pt_action)a));
	return n;
}

/* The rows a help line takes at width w: its text wraps under itself,
 * right of the keys, rather than being cut at 80 columns. */
static int
rows_of(const char *line, int w)
{
	const char *sep = strchr(line, '\x02');
	int r;

	if (!sep)
		return 1;
	r = pt_ui_wrap_lines(sep + 1, w - 2 - (int)(sep - line));
	return r < 1 ? 1 : r;
}

static int
total_rows(char text[][160], int n, int w)
{
	int t = 0;

	for (int i = 0; i < n; i++)
		t += rows_of(text[i], w);
	return t;
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	static char text[160][160];
	int n = lines(ui, text, 160), y = -ui->scroll;

	for (int i = 0; i < n && y < h; i++) {
		const char *sep = strchr(text[i], '\x02');
		int r = rows_of(text[i], w), skip = y < 0 ? -y : 0;

		if (y + r <= 0) {
			y += r;
			continue;
		}
		if (text[i][0] == '\x01') {
			pt_ui_put(win, y, 1, text[i] + 1, w - 2, ui->attr[COL_TITLE]);
		} else if (!sep) {
			pt_ui_put(win, y, 1, text[i], w - 2, A_NORMAL);
		} else {
			int kw = (int)(sep - text[i]);
			char keys[160];

			snprintf(keys, sizeof keys, "%.*s", kw, text[i]);
			if (!skip)
				pt_ui_put(win, y, 1, keys, kw, A_NORMAL);
			pt_ui_wrap(win, y + skip, 1 + kw, sep + 1, w - 2 - kw, skip,
			           r - skip < h - y - skip ? r - skip : h - y - skip, A_NORMAL);
		}
		y += r;
	}
}

static bool
action(struct pt_ui *ui, enum pt_action a)
{
	static char text[160][160];

	if (pt_ui_scroll(ui, a, total_rows(text, lines(ui, text, 160), COLS), LINES - 4))
		return true;
	switch (a) {
	case ACT_HELP:
	case ACT_ENTER:
		pt_ui_pop(ui);
		return true;
	default:
		return false;
	}
}

const struct pt_screen_ops pt_scr_help = {
	.title = N_("Help"),
	.scopes = SC_CONFIRM,
	.draw = draw,
	.action = action,
	.hint = N_("Up/Down scroll  Esc, q or ? back  Q quit"),
};
