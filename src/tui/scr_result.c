/* The credentials after create or rotate: the connection string on a line
 * of its own, with no border characters in it, so a mouse selection copies
 * it cleanly. Leaving wipes the password from memory and the screen. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "secret.h"
#include "tui/clipboard.h"
#include "tui/ui.h"

static void
rebuild(struct pt_ui *ui)
{
	pt_error err;

	pt_secret_free(ui->shown);
	ui->shown = pt_connstr_build(ui->fmt, &ui->creds.endpoint, ui->creds.username,
	                             ui->creds.password, &err);
	if (!ui->shown) {
		pt_ui_fail(ui, &err);
		ui->shown = pt_secret_strdup(ui->creds.connection_string);
	} else {
		const char *why[2];
		size_t n = pt_connstr_warnings(ui->fmt, &ui->creds.endpoint, why, 2);
		if (n)
			pt_ui_err(ui, "%s", why[n - 1]);   /* the JDBC one is the news */
	}
}

static void
enter(struct pt_ui *ui)
{
	ui->fmt = ui->opt->string_format;
	ui->creds_kept = false;
	rebuild(ui);
}

static void
leave(struct pt_ui *ui)
{
	pt_secret_free(ui->shown);
	ui->shown = NULL;
	if (ui->have_creds)
		pt_credentials_free(&ui->creds);
	ui->have_creds = false;
	/* the password must not stay in the terminal's screen buffer either */
	erase();
	refresh();
	clearok(curscr, TRUE);
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	const struct pt_credentials *c = &ui->creds;
	int y = 0;
	char label[128];

	if (!ui->have_creds)
		return;
	pt_ui_put(win, y++, 2, _(ui->result_title), w - 4, ui->attr[COL_OK]);
	y++;
	/* The labels' column is as wide as the widest translation needs
	 * ("Mot de passe :"), and never narrower than the English one. */
	const char *labels[3] = { _("Schema:"), _("User:"), _("Password:") };
	const char *values[3] = { c->schema_name, c->username, c->password };
	int lw = 11;
	for (int i = 0; i < 3; i++)
		if (pt_ui_width(labels[i]) > lw)
			lw = pt_ui_width(labels[i]);
	lw++;
	for (int i = 0; i < 3; i++) {
		pt_ui_put(win, y, 2, labels[i], lw, A_BOLD);
		pt_ui_put(win, y++, 2 + lw, values[i], w - 4 - lw, A_NORMAL);
	}
	if (c->password_generated)
		pt_ui_put(win, y - 1, 3 + lw + pt_ui_width(c->password), _("(generated)"),
		          w - 5 - lw - pt_ui_width(c->password), ui->attr[COL_DIM]);
	y++;
	snprintf(label, sizeof label, _("Connection string (%s; f cycles the format):"),
	         pt_connstr_format_label(ui->fmt));
	pt_ui_put(win, y++, 2, label, w - 4, A_BOLD);
	/* from column 0, nothing else on its lines: long strings wrap as the
	 * terminal wraps them, and a selection takes exactly the string */
	if (ui->shown) {
		/* the engine writes it again raw (when it is clean) so that
		 * the terminal, not curses, wraps it */
		ui->raw_text = ui->shown;
		ui->raw_row = y;
		for (const char *p = ui->shown; *p && y < h - 3;) {
			size_t len = strcspn(p, "\n");
			char *line = pt_secret_alloc(len + 1);

			memcpy(line, p, len);

			/* cut into rows of exactly w columns, as the terminal does */
			y += pt_ui_wrap_hard(win, y, 0, line, w, h - 3 - y, A_NORMAL);
			pt_secret_free(line);
			p += len + (p[len] == '\n');
		}
	}
	y++;
	pt_ui_put(win, y < h - 1 ? y : h - 1, 2,
	          _("y copy   w write to a 0600 file   t test the login   f format   Esc back"),
	          w - 4, ui->attr[COL_DIM]);
}

/* Write the credentials to a new 0600 file (pt_ui_create_file: the
 * private state directory by default, or where the user types). */
static void
write_file(struct pt_ui *ui)
{
	char name[128];
	char *path, *body;
	int fd, e;
	bool ok;
	ssize_t k;

	snprintf(name, sizeof name, "pgtenant-%s.credentials", ui->creds.schema_name);
	if ((fd = pt_ui_create_file(ui, _("Write to"), name, &path)) < 0)
		return;
	body = pt_xasprintf("schema=%s\nusername=%s\npassword=%s\nconnection_string=%s\n",
	                    ui->creds.schema_name, ui->creds.username, ui->creds.password,
	                    ui->creds.connection_string);
	k = write(fd, body, strlen(body));
	ok = k >= 0 && (size_t)k == strlen(body);
	e = ok ? 0 : k < 0 ? errno : ENOSPC;
	if (close(fd) != 0 && ok) {
		ok = false;
		e = errno;
	}
	sodium_memzero(body, strlen(body));
	free(body);
	if ((path = pt_ui_file_done(ui, path, ok, e))) {
		pt_ui_msg(ui, _("Wrote %s (mode 0600)."), path);
		ui->creds_kept = true;
		free(path);
	}
}

/* q or Q on the credentials: the password is shown once; ask before it
 * goes when it was neither copied nor written. */
static bool
may_leave(struct pt_ui *ui, bool quit)
{
	if (ui->creds_kept)
		return true;
	return pt_ui_confirm(ui, quit ? _("Password neither copied nor written. Quit? (y/N)")
	                              : _("Password neither copied nor written. Go back and wipe it? (y/N)"));
}

static bool
action(struct pt_ui *ui, enum pt_action a)
{
	pt_error err;
	const char *how;
	char *got;

	if (!ui->have_creds)
		return false;
	switch (a) {
	case ACT_COPY:
		/* make sure the screen is on the terminal before our bytes go out */
		refresh();
		if (pt_clipboard_copy(STDOUT_FILENO, ui->shown, &how)) {
			pt_ui_msg(ui, _("Connection string %s."), how);
			ui->creds_kept = true;
		}
		else
			pt_ui_err(ui, "%s", _("Could not write to the terminal."));
		clearok(curscr, TRUE);
		return true;
	case ACT_WRITE:
		write_file(ui);
		return true;
	case ACT_TEST:
		got = pt_tenant_test_login(&ui->creds, &err);
		if (got) {
			pt_ui_msg(ui, _("Login works: %s"), got);
			free(got);
		} else {
			pt_ui_err(ui, _("Login failed: %s"), err.message);
		}
		return true;
	case ACT_FORMAT:
		ui->fmt = (ui->fmt + 1) % PT_CONNSTR_FORMAT_COUNT;
		rebuild(ui);
		return true;
	case ACT_ENTER:
		pt_ui_pop(ui);
		return true;
	case ACT_QUIT:
		if (may_leave(ui, true))
			ui->quit = true;
		return true;
	case ACT_CLOSE:
		if (may_leave(ui, false))
			pt_ui_pop(ui);
		return true;
	default:
		return false;
	}
}

const struct pt_screen_ops pt_scr_result = {
	.title = N_("Credentials"),
	.scopes = SC_RESULT,
	.enter = enter,
	.leave = leave,
	.draw = draw,
	.action = action,
	.hint = N_("y copy  w write file  t test login  f format  Esc back (wipes the password)"),
};
