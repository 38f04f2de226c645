/* The isolation audit and the harden preview. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "fix.h"
#include "tui/clipboard.h"
#include "tui/ui.h"

enum { AC_SEV, AC_RULE, AC_ROLE, AC_SCHEMA, AC_FINDING, AC_COUNT };

static const char *const col_title[AC_COUNT + 1] = {
	N_("Severity"), N_("Rule"), N_("Role"), N_("Schema"), N_("Finding"), NULL
};
static const struct pt_ui_col col[AC_COUNT] = {
	[AC_SEV] =     { N_("Severity"),  6,  8, 0, false },
	[AC_RULE] =    { N_("Rule"),     12, 32, 3, false },
	[AC_ROLE] =    { N_("Role"),     10, 20, 1, false, true },
	[AC_SCHEMA] =  { N_("Schema"),   10, 18, 2, false, true },
	[AC_FINDING] = { N_("Finding"),  20,  0, 0, false },
};

static void
free_audit(struct pt_ui *ui)
{
	pt_model_free(&ui->amodel);
	memset(&ui->amodel, 0, sizeof ui->amodel);
	free(ui->amap);
	ui->amap = NULL;
	free(ui->fixes);
	ui->fixes = NULL;
	ui->nfixes = 0;
	if (ui->audit) {
		pt_audit_free(ui->audit);
		free(ui->audit);
		ui->audit = NULL;
	}
}

/* The findings as a list model: filtered and sorted like the other
 * lists, by the curses-free model (bench/tui_model.c measures it). */
static void
build_model(struct pt_ui *ui)
{
	static const enum pt_model_kind kinds[AC_COUNT] = {
		PT_MODEL_NUM, PT_MODEL_STR, PT_MODEL_STR, PT_MODEL_STR, PT_MODEL_STR
	};
	const struct pt_audit *a = ui->audit;
	struct pt_model *m = &ui->amodel;
	int sort_col = m->ncols ? m->sort_col : AC_SEV;
	bool desc = m->ncols ? m->sort_desc : true;
	size_t n = 0;

	pt_model_free(m);
	free(ui->amap);
	ui->amap = pt_xcalloc(a->n + 1, sizeof *ui->amap);
	for (size_t i = 0; i < a->n; i++)
		if ((int)a->findings[i].severity >= ui->amin)
			ui->amap[n++] = i;
	pt_model_init(m, n, AC_COUNT, kinds);
	for (size_t i = 0; i < n; i++) {
		const struct pt_finding *f = &a->findings[ui->amap[i]];
		char *s = pt_xasprintf("%s %s %s %s %s %s %s", pt_severity_name(f->severity),
		                       f->rule ? f->rule : "", f->role ? f->role : "",
		                       f->schema ? f->schema : "", f->object ? f->object : "",
		                       f->node ? f->node : "", f->detail ? f->detail : "");

		pt_model_set_num(m, i, AC_SEV, f->severity);
		pt_model_set_str(m, i, AC_RULE, f->rule ? f->rule : "");
		pt_model_set_str(m, i, AC_ROLE, f->role ? f->role : "");
		pt_model_set_str(m, i, AC_SCHEMA, f->schema ? f->schema : "");
		pt_model_set_str(m, i, AC_FINDING, f->detail ? f->detail : "");
		pt_model_set_search(m, i, s);
		free(s);
	}
	/* most severe first, as the audit reports them, until s says else */
	m->sort_col = sort_col;
	m->sort_desc = desc;
	pt_model_finish(m);
	pt_model_filter(m, ui->afilter);
}

static void
enter(struct pt_ui *ui)
{
	struct pt_audit *a;
	pt_error err;

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
	build_model(ui);
	pt_ui_msg(ui, P_("%zu finding.", "%zu findings.", a->n), a->n);
}

static void
leave(struct pt_ui *ui)
{
	free_audit(ui);
	ui->afilter[0] = '\0';
	ui->afiltering = false;
	ui->amin = 0;
}

static const struct pt_finding *
selected(struct pt_ui *ui)
{
	size_t r = ui->audit ? pt_model_selected(&ui->amodel) : PT_MODEL_NONE;

	return r == PT_MODEL_NONE ? NULL
		: &((struct pt_audit *)ui->audit)->findings[ui->amap[r]];
}

static attr_t
sev_attr(struct pt_ui *ui, enum pt_severity s)
{
	return s >= PT_SEV_HIGH ? ui->attr[COL_ERROR] : s >= PT_SEV_MEDIUM ? ui->attr[COL_WARN]
		: A_NORMAL;
}

/* Text wrapped at width from column x, as lines vy on of a page whose
 * line scroll is at the window's top, h lines high: draws the lines that
 * fall inside (win NULL draws nothing). Returns the lines it takes. */
static int
page_text(WINDOW *win, int vy, int scroll, int h, int x, const char *text, int width,
          attr_t a)
{
	int n = pt_ui_wrap_lines(text, width), y = vy - scroll, skip = y < 0 ? -y : 0;

	if (n < 1)
		n = 1;
	if (win && y + n > 0 && y < h)
		pt_ui_wrap(win, y + skip, x, text, width, skip, h - (y + skip), a);
	return n;
}

/* One finding on the whole body as a page that scrolls (j/k, PgUp/PgDn):
 * nothing cut off, every value and the text wrapped between words at most
 * 80 columns wide, the fix in full so it can be selected with the mouse
 * and pasted into psql. The labels' column is as wide as the widest
 * translation needs. win NULL only counts: returns the page's lines. */
static int
finding_page(struct pt_ui *ui, const struct pt_finding *f, WINDOW *win, int h, int w)
{
	const char *label[6] = { _("Severity:"), _("Rule:"), _("Role:"), _("Schema:"),
	                         _("Object:"), _("Node:") };
	const char *value[6] = { pt_severity_name(f->severity), f->rule, f->role,
	                         f->schema ? f->schema : "-", f->object ? f->object : "-",
	                         f->node ? f->node : _("the coordinator") };
	/* The node line on Citus only. */
	int nl = ((const struct pt_audit *)ui->audit)->citus ? 6 : 5;
	int lw = 0, vy = 0, sc = win ? ui->scroll : 0, tw = w - 4 > 80 ? 80 : w - 4;

	for (int i = 0; i < nl; i++)
		if (pt_ui_width(label[i]) > lw)
			lw = pt_ui_width(label[i]);
	lw++;
	for (int i = 0; i < nl; i++) {
		if (win && vy - sc >= 0 && vy - sc < h)
			pt_ui_put(win, vy - sc, 2, label[i], lw, A_BOLD);
		vy += page_text(win, vy, sc, h, 2 + lw, value[i] ? value[i] : "", w - 4 - lw,
		                i == 0 ? sev_attr(ui, f->severity) : A_NORMAL);
	}
	vy++;
	vy += page_text(win, vy, sc, h, 2, f->detail ? f->detail : "", tw, A_NORMAL);
	vy++;
	if (win && vy - sc >= 0 && vy - sc < h)
		pt_ui_put(win, vy - sc, 2, _("Fix (y copies it):"), w - 4, A_BOLD);
	vy++;
	/* column 0 and no decoration, so a mouse selection copies clean SQL */
	vy += page_text(win, vy, sc, h, 0, f->fix_sql ? f->fix_sql : "", w, A_NORMAL);
	return vy;
}

static void
draw_finding(struct pt_ui *ui, const struct pt_finding *f, WINDOW *win, int h, int w)
{
	int last = finding_page(ui, f, NULL, h, w) - h;

	/* a resize can leave the page shorter than where it was scrolled */
	if (ui->scroll > (last > 0 ? last : 0))
		ui->scroll = last > 0 ? last : 0;
	finding_page(ui, f, win, h, w);
}

/* "3 high  5 medium  ...": what there is before what is shown. */
static void
draw_summary(struct pt_ui *ui, WINDOW *win, int y, int w)
{
	const struct pt_audit *a = ui->audit;
	int x = 1;

	for (int s = PT_SEVERITY_COUNT - 1; s >= 0 && x < w - 1; s--) {
		char buf[64];

		if (!a->count[s])
			continue;
		snprintf(buf, sizeof buf, "%zu %s  ", a->count[s], pt_severity_name(s));
		x += pt_ui_put(win, y, x, buf, w - 1 - x, a->count[s] ? sev_attr(ui, s) : A_NORMAL);
	}
	if (a->n == 0)
		pt_ui_put(win, y, 1, _("No path from one tenant to another was found."), w - 2,
		          ui->attr[COL_OK]);
	else if (ui->amin > 0) {
		char buf[64];

		snprintf(buf, sizeof buf, _("(v: %s and above)"), pt_severity_name(ui->amin));
		pt_ui_put(win, y, x, buf, w - 1 - x, A_BOLD);
	}
}

/* The rule cell of visible row vi in a list grouped by rule: "rule (n)"
 * on the group's first row, "" on the others (malloc'd). */
static char *
rule_group(struct pt_ui *ui, size_t vi)
{
	const struct pt_audit *a = ui->audit;
	const struct pt_model *m = &ui->amodel;
	const char *rule = a->findings[ui->amap[m->vis[vi]]].rule;
	size_t n = 0;

	if (vi > 0 && !strcmp(a->findings[ui->amap[m->vis[vi - 1]]].rule, rule))
		return pt_xstrdup("");
	while (vi + n < m->nvis && !strcmp(a->findings[ui->amap[m->vis[vi + n]]].rule, rule))
		n++;
	return pt_xasprintf("%s (%zu)", rule, n);
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	const struct pt_audit *a = ui->audit;
	struct pt_model *m = &ui->amodel;
	const struct pt_finding *sel = selected(ui);
	int width[AC_COUNT], x = 1, y, rows, tail;
	size_t top;

	if (!a) {
		pt_ui_put(win, 1, 2, _("No audit results."), w - 4, A_NORMAL);
		return;
	}
	if (ui->audit_open && sel) {
		draw_finding(ui, sel, win, h, w);
		return;
	}
	draw_summary(ui, win, 0, w);
	pt_ui_layout(col, AC_COUNT, w, width);
	for (int c = 0; c < AC_COUNT; c++)
		x = pt_ui_col_title(win, 1, x, &col[c], width[c], pt_ui_sort_mark(m, c));
	/* under the list: the selected finding's text over two lines and its
	 * fix, when the pane has room for them */
	tail = h >= 14 ? 4 : 0;
	rows = h - 3 - tail;
	top = pt_model_window(m, (size_t)(rows > 0 ? rows : 1));
	for (int i = 0; i < rows && top + (size_t)i < m->nvis; i++) {
		size_t vi = top + (size_t)i;
		const struct pt_finding *f = &a->findings[ui->amap[m->vis[vi]]];
		attr_t at = vi == m->sel ? A_REVERSE : sev_attr(ui, f->severity);

		y = i + 2;
		if (vi == m->sel)
			pt_ui_select_bar(win, y, w);
		x = pt_ui_cell(win, y, 1, &col[AC_SEV], width[AC_SEV], pt_severity_name(f->severity), at);
		if (m->sort_col == AC_RULE) {
			/* sorted by rule: grouped, the group's first row names the
			 * rule and counts its findings, the others leave it out */
			char *cell = rule_group(ui, vi);

			x = pt_ui_cell(win, y, x, &col[AC_RULE], width[AC_RULE], cell, at);
			free(cell);
		} else {
			x = pt_ui_cell(win, y, x, &col[AC_RULE], width[AC_RULE], f->rule, at);
		}
		x = pt_ui_cell(win, y, x, &col[AC_ROLE], width[AC_ROLE], f->role, at);
		x = pt_ui_cell(win, y, x, &col[AC_SCHEMA], width[AC_SCHEMA],
		               f->schema ? f->schema : "-", at);
		if (f->node) {
			/* a worker's own finding says where, first */
			char *cell = pt_xasprintf("[%s] %s", f->node, f->detail);
			pt_ui_cell(win, y, x, &col[AC_FINDING], width[AC_FINDING], cell, at);
			free(cell);
		} else {
			pt_ui_cell(win, y, x, &col[AC_FINDING], width[AC_FINDING], f->detail, at);
		}
	}
	if (a->n && m->nvis == 0)
		pt_ui_put(win, 3, 2, _("No finding matches the filter. Esc clears it."), w - 4,
		          ui->attr[COL_DIM]);
	if (tail && sel) {
		int lw = pt_ui_width(_("Fix:")) + 1;

		pt_ui_put_wrapped(win, h - 4, 1, sel->detail ? sel->detail : "", w - 2, 2, A_NORMAL);
		pt_ui_put(win, h - 2, 1, _("Fix:"), lw, A_BOLD);
		pt_ui_put(win, h - 2, 1 + lw, sel->fix_sql ? sel->fix_sql : "", w - 2 - lw, A_NORMAL);
	}
	pt_ui_list_footer(win, h - 1, w, m, ui->afilter, ui->afiltering);
}

static bool
input(struct pt_ui *ui, wint_t ch, bool is_code)
{
	if (ui->audit_open || !ui->audit)
		return false;
	return pt_ui_filter_input(&ui->amodel, ui->afilter, sizeof ui->afilter, &ui->afiltering,
	                          ch, is_code);
}

static void
copy_fix(struct pt_ui *ui)
{
	const struct pt_finding *f = selected(ui);
	const char *how;

	if (!f || !f->fix_sql || !*f->fix_sql) {
		pt_ui_err(ui, "%s", _("This finding has no fix to copy."));
		return;
	}
	refresh();
	if (pt_clipboard_copy(STDOUT_FILENO, f->fix_sql, &how))
		pt_ui_msg(ui, _("Fix %s."), how);
	else
		pt_ui_err(ui, "%s", _("Could not write to the terminal."));
	clearok(curscr, TRUE);
}

/* w: the findings shown (after the filter and the severity filter, in
 * the order shown) to a new 0600 file, as the document `pgtenant audit
 * --format=json` prints, so one script reads both. */
static void
write_findings(struct pt_ui *ui)
{
	const struct pt_audit *a = ui->audit;
	const struct pt_model *m = &ui->amodel;
	const char *db = ui->db ? pt_db_info(ui->db)->dbname : "";
	struct pt_audit shown;
	size_t *which;
	char name[160], question[160], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	char *path;
	FILE *f;
	int fd, e = 0;
	bool ok;

	if (!a)
		return;
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
	snprintf(name, sizeof name, "pgtenant-audit-%s-%s.json", db, stamp);
	snprintf(question, sizeof question, _("Write the findings shown (%zu) to"), m->nvis);
	if ((fd = pt_ui_create_file(ui, question, name, &path)) < 0)
		return;
	which = pt_xcalloc(m->nvis + 1, sizeof *which);
	for (size_t i = 0; i < m->nvis; i++)
		which[i] = ui->amap[m->vis[i]];
	pt_audit_subset(a, which, m->nvis, &shown);
	if (!(f = fdopen(fd, "w"))) {
		e = errno;
		close(fd);
		ok = false;
	} else {
		pt_audit_write_json(f, &shown, db);
		ok = fflush(f) == 0 && !ferror(f);
		e = ok ? 0 : errno ? errno : EIO;
		if (fclose(f) != 0 && ok) {
			ok = false;
			e = errno;
		}
	}
	free(shown.findings);
	free(which);
	if (!(path = pt_ui_file_done(ui, path, ok, e)))
		return;
	if (m->nvis < a->n)
		pt_ui_msg(ui, P_("Wrote %zu of %zu finding (those shown: filter or v) to %s (mode 0600).",
		                 "Wrote %zu of %zu findings (those shown: filter or v) to %s (mode 0600).",
		                 a->n), m->nvis, a->n, path);
	else
		pt_ui_msg(ui, P_("Wrote the %zu finding to %s (mode 0600).",
		                 "Wrote all %zu findings to %s (mode 0600).", a->n), a->n, path);
	free(path);
}

/* Preview the fixes of the selected finding, or of every finding of its
 * rule that the filter shows; Enter applies them (pt_ui_audit_apply). */
static void
preview_fixes(struct pt_ui *ui, bool whole_rule)
{
	const struct pt_audit *a = ui->audit;
	const struct pt_finding *sel = selected(ui);
	struct pt_model *m = &ui->amodel;
	const char *me;
	enum { OWN_NONE, OWN_NOT_AMONG, OWN_AMONG, OWN_LEFT_OUT } own_state = OWN_NONE;
	const struct pt_finding *own = NULL;
	char *sql;

	if (!sel || !pt_ui_need_write(ui))
		return;
	me = pt_db_info(ui->db)->user;
	free(ui->fixes);
	ui->fixes = pt_xcalloc(m->nvis + 1, sizeof *ui->fixes);
	ui->nfixes = 0;
	for (size_t i = 0; i < (whole_rule ? m->nvis : 1); i++) {
		const struct pt_finding *f = whole_rule ? &a->findings[ui->amap[m->vis[i]]] : sel;

		if (strcmp(f->rule, sel->rule))
			continue;
		/* an expiry on the session's own login locks the DBA out once
		 * it passes: never part of a batch without its own yes */
		if (f->rule_id == PT_RULE_NO_EXPIRY && f->role && !strcmp(f->role, me)) {
			own = f;
			continue;
		}
		ui->fixes[ui->nfixes++] = f;
	}
	if (own) {
		char q[PT_NAME_MAX + 160];

		snprintf(q, sizeof q, _("Your own login %s is among them: expire it too (you could "
		                        "not log in after that date)? (y/N)"), me);
		if (pt_ui_confirm(ui, q)) {
			ui->fixes[ui->nfixes++] = own;
			own_state = OWN_AMONG;
		} else {
			own_state = OWN_LEFT_OUT;
		}
	} else if (sel->rule_id == PT_RULE_NO_EXPIRY) {
		own_state = OWN_NOT_AMONG;
	}
	sql = ui->nfixes ? pt_fix_preview((const struct pt_finding *const *)ui->fixes, ui->nfixes)
	                 : NULL;
	if (!sql) {
		pt_ui_err(ui, "%s", _("No fix to apply."));
		return;
	}
	free(ui->preview_sql);
	ui->preview_sql = sql;
	ui->pending = PEND_FIX;
	pt_ui_push(ui, &pt_scr_preview);
	/* how many change, and whether the DBA's own login is one */
	{
		char count[256], note[PT_NAME_MAX + 128] = "";

		snprintf(count, sizeof count,
		         P_("This SQL fixes %zu finding of %s.", "This SQL fixes %zu findings of %s.",
		            ui->nfixes), ui->nfixes, sel->rule);
		if (own_state == OWN_AMONG)
			snprintf(note, sizeof note, _("Your own login %s is among them."), me);
		else if (own_state == OWN_LEFT_OUT)
			snprintf(note, sizeof note, _("Your own login %s is left out."), me);
		else if (own_state == OWN_NOT_AMONG)
			snprintf(note, sizeof note, _("Your own login %s is not among them."), me);
		pt_ui_msg(ui, "%s%s%s", count, *note ? " " : "", note);
	}
}

void
pt_ui_audit_apply(struct pt_ui *ui)
{
	pt_error err;
	size_t n = ui->nfixes;

	if (!pt_ui_need_write(ui))
		return;
	if (pt_fix_apply(ui->db, (const struct pt_finding *const *)ui->fixes, n, &err) != PT_OK) {
		pt_ui_fail(ui, &err);
		return;
	}
	pt_ui_pop(ui);                  /* the preview */
	/* the findings pointed at go with the old audit: audit again */
	free_audit(ui);
	enter(ui);
	if (ui->audit)
		pt_ui_msg(ui, P_("Applied %zu fix; the audit now finds %zu.",
		                 "Applied %zu fixes; the audit now finds %zu.", n), n,
		          ((struct pt_audit *)ui->audit)->n);
}

static bool
action(struct pt_ui *ui, enum pt_action act)
{
	struct pt_model *m = &ui->amodel;

	if (!ui->audit_open && ui->audit && pt_ui_list_nav(ui, m, act, col_title))
		return true;
	if (ui->audit_open && selected(ui) &&
	    pt_ui_scroll(ui, act, finding_page(ui, selected(ui), NULL, LINES - 4, COLS),
	                 LINES - 4))
		return true;
	switch (act) {
	case ACT_REFRESH:
	case ACT_AUDIT:
		free_audit(ui);
		enter(ui);
		return true;
	case ACT_NEXT_SCREEN:
		pt_ui_pop(ui);
		return true;
	case ACT_ENTER:
		ui->audit_open = selected(ui) && !ui->audit_open;
		ui->scroll = 0;                 /* a finding opens at its top */
		return true;
	case ACT_COPY:
		copy_fix(ui);
		return true;
	case ACT_WRITE:
		write_findings(ui);
		return true;
	case ACT_APPLY:
	case ACT_APPLY_RULE:
		preview_fixes(ui, act == ACT_APPLY_RULE);
		return true;
	case ACT_SEVERITY:
		if (!ui->audit)
			return true;
		ui->amin = (ui->amin + 1) % PT_SEVERITY_COUNT;
		build_model(ui);
		pt_ui_msg(ui, _("Showing %s findings and above."), pt_severity_name(ui->amin));
		return true;
	case ACT_FILTER:
		if (!ui->audit_open && ui->audit)
			ui->afiltering = true;
		return true;
	case ACT_BACK:
		if (ui->audit_open) {
			ui->audit_open = false;
			ui->scroll = 0;
			return true;
		}
		if (!*ui->afilter)
			return false;
		ui->afilter[0] = '\0';
		pt_model_filter(m, "");
		return true;
	case ACT_CREATE:
	case ACT_DROP:
	case ACT_ROTATE:
		/* these act on tenants: from the tenants screen */
		return false;
	default:
		return false;
	}
}

static struct pt_model *
model(struct pt_ui *ui)
{
	return &ui->amodel;
}

/* An open finding scrolls: say so where the list's keys were (msgids:
 * the engine translates). */
static const char *
hint_for(struct pt_ui *ui)
{
	return ui->audit_open
		? N_("Up/Down, PgUp/PgDn scroll  y copy fix  F apply fix  Enter or Esc back  ? help")
		: pt_scr_audit.hint;
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

	/* read-only: refused at once, not after the preview's Enter */
	if (!pt_ui_need_write(ui))
		return;
	if (pt_ui_top(ui) == &pt_scr_preview && ui->pending == PEND_HARDEN && ui->harden) {
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
	.scopes = SC_LIST | SC_AUDIT,
	.enter = enter,
	.leave = leave,
	.draw = draw,
	.input = input,
	.action = action,
	.col_titles = col_title,
	.model = model,
	.hint = N_("Enter finding  / filter  s sort  v severity  y copy fix  F apply fix  A apply rule  w write  r rerun  Esc back  ? help"),
	.hint_for = hint_for,
};
