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
#include "lib/api_int.h"
#include "tui/clipboard.h"
#include "tui/ui.h"

/* The string in ui->fmt (kept and wiped by the credentials), or the URI
 * with the reason it is not. */
static void
rebuild(struct pt_ui *ui)
{
	pgt_string_form form = pt_api_string_form(ui->fmt);
	pgt_error *err = NULL;

	ui->shown = pgt_credentials_connection_string_as(ui->creds, form, &err);
	if (!ui->shown) {
		pt_ui_fail_api(ui, err);
		ui->shown = pgt_credentials_connection_string(ui->creds);
	} else {
		const char *why[2];
		size_t n = pgt_credentials_string_warnings(ui->creds, form, why, 2);
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
	ui->shown = NULL;
	pgt_credentials_free(ui->creds);    /* wipes the password and the strings */
	ui->creds = NULL;
	/* the password must not stay in the terminal's screen buffer either */
	erase();
	refresh();
	clearok(curscr, TRUE);
}

static void
draw(struct pt_ui *ui, WINDOW *win, int h, int w)
{
	const pgt_credentials *c = ui->creds;
	int y = 0;
	char label[128];

	if (!c)
		return;
	pt_ui_put(win, y++, 2, _(ui->result_title), w - 4, ui->attr[COL_OK]);
	y++;
	/* The labels' column is as wide as the widest translation needs
	 * ("Mot de passe :"), and never narrower than the English one. */
	const char *labels[3] = { _("Schema:"), _("User:"), _("Password:") };
	const char *pw = pgt_credentials_password(c);
	const char *values[3] = { pgt_credentials_schema_name(c), pgt_credentials_username(c), pw };
	int lw = 11;
	for (int i = 0; i < 3; i++)
		if (pt_ui_width(labels[i]) > lw)
			lw = pt_ui_width(labels[i]);
	lw++;
	for (int i = 0; i < 3; i++) {
		pt_ui_put(win, y, 2, labels[i], lw, A_BOLD);
		pt_ui_put(win, y++, 2 + lw, values[i], w - 4 - lw, A_NORMAL);
	}
	if (pgt_credentials_password_generated(c))
		pt_ui_put(win, y - 1, 3 + lw + pt_ui_width(pw), _("(generated)"),
		          w - 5 - lw - pt_ui_width(pw), ui->attr[COL_DIM]);
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
	const pgt_credentials *c = ui->creds;
	char name[128];
	char *path, *body;
	int fd, e;
	bool ok;
	ssize_t k;

	snprintf(name, sizeof name, "pgtenant-%s.credentials", pgt_credentials_schema_name(c));
	if ((fd = pt_ui_create_file(ui, _("Write to"), name, &path)) < 0)
		return;
	body = pt_xasprintf("schema=%s\nusername=%s\npassword=%s\nconnection_string=%s\n",
	                    pgt_credentials_schema_name(c), pgt_credentials_username(c),
	                    pgt_credentials_password(c), pgt_credentials_connection_string(c));
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

	if (!ui->creds)
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
		/* no API call logs in as the tenant: the core does, on the
		 * credentials the API returned */
		got = pt_tenant_test_login(pt_api_credentials_core(ui->creds), &err);
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
