/* One role in full (Enter on the roles screen): its attributes, what it is
 * a member of and who is a member of it, with the options of each grant,
 * its settings, and every schema it reaches. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tui/ui.h"

static const struct { const char *id, *title; } sections[] = {
	{ "role",      N_("Role") },
	{ "member of", N_("Member of (grant options)") },
	{ "members",   N_("Its members (grant options)") },
	{ "setting",   N_("Settings, by database") },
	{ "schema",    N_("Schemas it reaches (directly or by inheriting)") },
};

static void
enter(struct pt_ui *ui)
{
	pt_error err;

	if (pt_role_detail_load(ui->db, ui->target_role, &ui->rdetail, &err) != PT_OK) {
		pt_ui_fail(ui, &err);
		return;
	}
	ui->have_rdetail = true;
}

static void
leave(struct pt_ui *ui)
{
	if (ui->have_rdetail)
		pt_role_detail_free(&ui->rdetail);
	ui->have_rdetail = false;
}

/* The lines as drawn: a title per section, a key and value per fact.
 * With win NULL only counts. */
static int
lines(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	const struct pt_role_detail *d = &ui->rdetail;
	int line = 1, y = 0, kw = w >= 80 ? 28 : 18;

	/* the name first: it may be long, or a tenant's odd one */
	if (win && ui->scroll == 0) {
		int x = pt_ui_put(win, y, 1, _("Role:"), w - 2, A_BOLD) + 2;

		pt_ui_put(win, y++, x, ui->target_role, w - 1 - x, A_BOLD);
	}

	for (size_t s = 0; s < sizeof sections / sizeof *sections; s++) {
		bool any = false;

		for (size_t i = 0; i < d->n; i++) {
			const struct pt_role_fact *f = &d->facts[i];

			if (strcmp(f->section, sections[s].id))
				continue;
			if (!any) {
				if (win && line >= ui->scroll && y < h)
					pt_ui_put(win, y++, 1, _(sections[s].title), w - 2, ui->attr[COL_TITLE]);
				line++;
				any = true;
			}
			if (win && line >= ui->scroll && y < h) {
				pt_ui_put(win, y, 3, f->key, kw, A_BOLD);
				pt_ui_put(win, y++, 4 + kw, f->value, w - 5 - kw, A_NORMAL);
			}
			line++;
		}
	}
	return line;
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	if (!ui->have_rdetail) {
		pt_ui_put(win, 1, 2, _("No detail to show."), w - 4, A_NORMAL);
		return;
	}
	lines(ui, win, h, w);
}

static bool
action(struct pt_ui *ui, enum pt_action a)
{
	return pt_ui_page_action(ui, a, ui->have_rdetail ? lines(ui, NULL, 0, COLS) : 0,
	                         LINES - 4);
}

const struct pt_screen_ops pt_scr_role = {
	.title = N_("Role detail"),
	.scopes = SC_CONFIRM,
	.enter = enter,
	.leave = leave,
	.draw = draw,
	.action = action,
	.hint = N_("Up/Down scroll  Esc/q back  ? help  Q quit"),
};
