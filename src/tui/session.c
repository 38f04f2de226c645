/* The console's server session: connecting, the admin password prompt,
 * loading the lists the screens show, noticing a lost server and
 * reconnecting with backoff. Screens call these; none of them touches
 * libpq itself. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "secret.h"
#include "citus.h"
#include "lib/api_int.h"
#include "tui/ui.h"

static void
mark_lost(struct pt_ui *ui)
{
	if (!ui->lost) {
		ui->lost = true;
		ui->backoff = 1;
		ui->next_reconnect = pt_ui_now() + ui->backoff;
	}
}

static void
fail_with(struct pt_ui *ui, bool canceled, bool lost, const char *message,
          const char *detail)
{
	/* a key canceled an automatic refresh: nothing went wrong */
	if (ui->background && canceled)
		return;
	if (lost || (ui->db && !pt_db_alive(ui->db)))
		mark_lost(ui);
	if (detail[0])
		pt_ui_err(ui, "%s (%s)", message, detail);
	else
		pt_ui_err(ui, "%s", message);
}

void
pt_ui_fail(struct pt_ui *ui, const pt_error *err)
{
	fail_with(ui, err->status == PT_ERR_CANCELED, err->status == PT_ERR_CONNECTION_LOST,
	          err->message, err->detail);
}

/* The API's error holds the core's message and detail as they were; its
 * connection category is a lost session here (the console's is open
 * before any call). */
void
pt_ui_fail_api(struct pt_ui *ui, pgt_error *err)
{
	pgt_category c = pgt_error_category(err);

	fail_with(ui, c == PGT_ERR_CANCELED, c == PGT_ERR_CONNECTION, pgt_error_message(err),
	          pgt_error_detail(err));
	pgt_error_free(err);
}

bool
pt_ui_need_server(struct pt_ui *ui)
{
	if (ui->db && !ui->lost && pt_db_alive(ui->db))
		return true;
	if (ui->db)
		mark_lost(ui);
	pt_ui_err(ui, "%s", _("Not connected to the server: press R to reconnect."));
	return false;
}

bool
pt_ui_read_only(const struct pt_ui *ui)
{
	return ui->opt->copts.read_only || (ui->db && pt_db_info(ui->db)->read_only);
}

bool
pt_ui_need_write(struct pt_ui *ui)
{
	if (!pt_ui_need_server(ui))
		return false;
	if (pt_ui_read_only(ui)) {
		pt_ui_err(ui, "%s", _("Read-only session: changes (create, drop, rotate, lock, edit, harden) are refused."));
		return false;
	}
	return true;
}


static char *
ask_password(void *ud, const char *prompt)
{
	struct pt_ui *ui = ud;
	char *pw = pt_secret_alloc(PT_UI_PW_MAX);

	if (!pt_ui_prompt(ui, prompt, true, pw, PT_UI_PW_MAX)) {
		pt_secret_free(pw);
		return NULL;
	}
	return pw;
}

/* ---- shared loaders ----------------------------------------------------- */

void
pt_ui_endpoint(struct pt_ui *ui)
{
	const struct pt_connect_opts *o = &ui->opt->copts;

	if (ui->have_ep)
		pt_endpoint_free(&ui->ep);
	pt_endpoint_from_conn(pt_db_conn(ui->db), o, &ui->ep);
	ui->have_ep = true;
}

/* Columns a name takes: its length when it is plain ASCII (the usual
 * case, and 100,000 of them are measured on every load), else measured. */
static int
name_width(const char *s)
{
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			return pt_ui_width(s);
	return (int)strlen(s);
}

static void
build_tenant_model(struct pt_ui *ui)
{
	static const enum pt_model_kind kinds[TC_COUNT] = {
		PT_MODEL_STR, PT_MODEL_STR, PT_MODEL_NUM, PT_MODEL_NUM, PT_MODEL_NUM, PT_MODEL_STR,
		PT_MODEL_NUM, PT_MODEL_STR
	};
	bool citus = ui->db && pt_db_citus(ui->db)->present;
	const struct pt_schema_list *l = &ui->schemas;
	struct pt_model *m = &ui->tmodel;
	size_t keep = pt_model_selected(m);
	char keepname[64] = "";
	int col = m->sort_col;
	bool desc = m->sort_desc;

	if (keep != PT_MODEL_NONE && m->str)
		snprintf(keepname, sizeof keepname, "%s", m->str[keep]);
	pt_model_free(m);
	pt_model_init(m, l->n, citus ? TC_COUNT : TC_NODE, kinds);
	ui->max_size = 0;
	ui->tname_width = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct pt_schema_row *r = &l->rows[i];
		const struct pt_session_count *sc = ui->have_scounts && r->is_tenant
			? pt_session_counts_find(&ui->scounts, r->name) : NULL;
		/* "locked", "blocked" and "idle in transaction" are found by the
		 * filter too */
		char *s = pt_xasprintf("%s %s %s%s%s%s%s%s%s", r->name, r->owner, r->login_roles,
		                       r->locked ? " " : "", r->locked ? _("locked") : "",
		                       sc && sc->blocked ? " " : "",
		                       sc && sc->blocked ? _("blocked") : "",
		                       sc && sc->idle_xact ? " " : "",
		                       sc && sc->idle_xact ? _("idle in transaction") : "");
		int nw = name_width(r->name);

		pt_model_set_str(m, i, TC_NAME, r->name);
		if (nw > ui->tname_width)
			ui->tname_width = nw;
		pt_model_set_str(m, i, TC_ROLES, r->login_roles);
		pt_model_set_num(m, i, TC_TABLES, r->tables);
		pt_model_set_num(m, i, TC_SIZE, r->size_bytes);
		pt_model_set_num(m, i, TC_LIMIT, r->connection_limit);
		pt_model_set_str(m, i, TC_VALID, r->valid_until);
		/* no tenant's, or not read: below none, as "-" and "?" show */
		pt_model_set_num(m, i, TC_SESSIONS, ui->have_scounts && r->is_tenant
		                 ? pt_session_count_of(&ui->scounts, r->name) : -1);
		if (citus)
			pt_model_set_str(m, i, TC_NODE, r->node ? r->node : "");
		pt_model_set_search(m, i, s);
		free(s);
		if (r->size_bytes > ui->max_size)
			ui->max_size = r->size_bytes;
	}
	m->sort_col = col;
	m->sort_desc = desc;
	pt_model_finish(m);
	pt_model_filter(m, ui->filter);
	for (size_t i = 0; *keepname && i < l->n; i++)
		if (!strcmp(l->rows[i].name, keepname)) {
			pt_model_select_row(m, i);
			break;
		}
}

/* The tenants list's sessions column: one query for all tenants. A
 * failure leaves the column unknown ("?") and the list as it is; a key
 * canceling it in the background keeps the last counts. */
static void
load_session_counts(struct pt_ui *ui)
{
	struct pt_session_counts c;
	pt_error err;

	if (pt_session_counts_load(ui->db, ui->opt->idle_xact_s, &c, &err) != PT_OK) {
		pt_session_counts_free(&c);
		if (!(ui->background && err.status == PT_ERR_CANCELED))
			pt_ui_free_session_counts(ui);
		pt_ui_fail(ui, &err);
		return;
	}
	pt_ui_free_session_counts(ui);
	ui->scounts = c;
	ui->have_scounts = true;
}

const char *
pt_ui_mark_blocked(void)
{
	/* TRANSLATORS: the tenants list marks a tenant one of whose sessions
	 * waits on a lock (is blocked) with this letter, beside its count of
	 * sessions; keep it to one letter, and unlike the next one */
	return _("B");
}

const char *
pt_ui_mark_idle_xact(void)
{
	/* TRANSLATORS: the tenants list marks a tenant one of whose sessions
	 * has been idle in a transaction too long with this letter */
	return _("I");
}

int
pt_ui_idle_xact_s(const struct pt_ui *ui)
{
	return ui->opt->idle_xact_s >= 0 ? ui->opt->idle_xact_s : PT_IDLE_XACT_DEFAULT;
}

const char *
pt_ui_session_marks(const struct pt_ui *ui, const char *schema, char *buf, size_t bufsz)
{
	const struct pt_session_count *c = ui->have_scounts
		? pt_session_counts_find(&ui->scounts, schema) : NULL;

	snprintf(buf, bufsz, "%s%s", c && c->blocked ? pt_ui_mark_blocked() : "",
	         c && c->idle_xact ? pt_ui_mark_idle_xact() : "");
	return buf;
}

void
pt_ui_free_session_counts(struct pt_ui *ui)
{
	if (ui->have_scounts)
		pt_session_counts_free(&ui->scounts);
	ui->have_scounts = false;
}

void
pt_ui_load_tenants(struct pt_ui *ui)
{
	struct pt_schema_list l;
	pt_error err;

	if (!pt_ui_need_server(ui))
		return;
	memset(&l, 0, sizeof l);
	if (pt_schema_list_load(ui->db, false, &l, &err) != PT_OK) {
		pt_ui_fail(ui, &err);
		return;
	}
	load_session_counts(ui);
	/* the model points into the old list: rebuild it before freeing that */
	{
		struct pt_schema_list old = ui->schemas;
		bool all = true;

		/* the sizes measured last time stand until measured again (both
		 * lists are in nspname order) */
		for (size_t i = 0, j = 0; i < l.n; i++) {
			int c = 1;

			while (ui->have_schemas && j < old.n &&
			       (c = strcmp(old.rows[j].name, l.rows[i].name)) < 0)
				j++;
			if (c == 0 && l.rows[i].size_bytes < 0)
				l.rows[i].size_bytes = old.rows[j].size_bytes;
			all = all && l.rows[i].size_bytes >= 0;
		}
		ui->schemas = l;
		build_tenant_model(ui);
		if (ui->have_schemas)
			pt_schema_list_free(&old);
		ui->sizes_complete = all;
	}
	ui->have_schemas = true;
	ui->sizes_pending = true;
}

static void
load_sizes(struct pt_ui *ui)
{
	pt_error err;

	ui->sizes_pending = false;
	if (!ui->have_schemas || ui->lost)
		return;
	if (pt_schema_list_load_sizes(ui->db, &ui->schemas, &err) != PT_OK) {
		/* A key canceled a measuring in the background: the user goes
		 * first, and the sizes are measured again once things are idle. */
		if (ui->background && err.status == PT_ERR_CANCELED) {
			ui->sizes_pending = true;
			return;
		}
		/* say "unknown", not "..." forever: r measures again */
		ui->sizes_unknown = true;
		pt_ui_fail(ui, &err);
		return;
	}
	ui->sizes_unknown = false;
	build_tenant_model(ui);
}

/* A role's attributes as the roles screen shows them, in full. */
static char *
role_attrs(const struct pt_role_row *r)
{
	return pt_xasprintf("%s%s%s%s%s%s%s",
	                    r->login ? "login " : "", r->superuser ? "superuser " : "",
	                    r->createrole ? "createrole " : "", r->createdb ? "createdb " : "",
	                    r->replication ? "replication " : "", r->bypassrls ? "bypassrls " : "",
	                    r->inherit ? "" : "noinherit");
}

static void
free_role_attrs(struct pt_ui *ui)
{
	for (size_t i = 0; ui->rattrs && i < ui->roles.n; i++)
		free(ui->rattrs[i]);
	free(ui->rattrs);
	ui->rattrs = NULL;
}

void
pt_ui_load_roles(struct pt_ui *ui)
{
	static const enum pt_model_kind kinds[RC_COUNT] = {
		[RC_NAME] = PT_MODEL_STR, [RC_ATTRS] = PT_MODEL_STR, [RC_LIMIT] = PT_MODEL_NUM,
		[RC_VALID] = PT_MODEL_STR, [RC_MEMBER] = PT_MODEL_STR,
	};
	struct pt_role_list l;
	pt_error err;

	if (!pt_ui_need_server(ui))
		return;
	memset(&l, 0, sizeof l);
	if (pt_role_list_load(ui->db, &l, &err) != PT_OK) {
		pt_ui_fail(ui, &err);
		return;
	}
	pt_model_free(&ui->rmodel);
	if (ui->have_roles) {
		free_role_attrs(ui);
		pt_role_list_free(&ui->roles);
	}
	ui->roles = l;
	ui->have_roles = true;
	ui->rattrs = pt_xcalloc(l.n ? l.n : 1, sizeof *ui->rattrs);
	pt_model_init(&ui->rmodel, l.n, RC_COUNT, kinds);
	for (size_t i = 0; i < l.n; i++) {
		const struct pt_role_row *r = &l.rows[i];
		char *s;

		ui->rattrs[i] = role_attrs(r);
		s = pt_xasprintf("%s %s %s", r->name, r->member_of, ui->rattrs[i]);
		pt_model_set_str(&ui->rmodel, i, RC_NAME, r->name);
		pt_model_set_str(&ui->rmodel, i, RC_ATTRS, ui->rattrs[i]);
		pt_model_set_num(&ui->rmodel, i, RC_LIMIT, r->connection_limit);
		pt_model_set_str(&ui->rmodel, i, RC_VALID, r->valid_until);
		pt_model_set_str(&ui->rmodel, i, RC_MEMBER, r->member_of);
		pt_model_set_search(&ui->rmodel, i, s);
		free(s);
	}
	pt_model_finish(&ui->rmodel);
	pt_model_filter(&ui->rmodel, ui->rfilter);
}

void
pt_ui_free_roles(struct pt_ui *ui)
{
	pt_model_free(&ui->rmodel);
	if (ui->have_roles) {
		free_role_attrs(ui);
		pt_role_list_free(&ui->roles);
	}
	ui->have_roles = false;
}

bool
pt_ui_select_schema(struct pt_ui *ui, const char *name)
{
	for (size_t i = 0; i < ui->schemas.n; i++)
		if (!strcmp(ui->schemas.rows[i].name, name)) {
			if (!pt_model_select_row(&ui->tmodel, i)) {
				ui->filter[0] = '\0';
				ui->filtering = false;
				pt_model_filter(&ui->tmodel, "");
				pt_model_select_row(&ui->tmodel, i);
			}
			return true;
		}
	return false;
}

const char *
pt_ui_selected_schema(struct pt_ui *ui)
{
	size_t r = pt_model_selected(&ui->tmodel);

	return r == PT_MODEL_NONE ? NULL : ui->schemas.rows[r].name;
}

/* ---- connection --------------------------------------------------------- */

void
pt_ui_reconnect(struct pt_ui *ui)
{
	pt_error err;

	if (!ui->db)
		return;
	pt_ui_msg(ui, "%s", _("Reconnecting..."));
	pt_ui_draw(ui);
	if (pt_db_reconnect(ui->db, &err) == PT_OK) {
		ui->lost = false;
		pt_ui_msg(ui, "%s", _("Reconnected."));
		pt_ui_load_tenants(ui);
		return;
	}
	ui->backoff = ui->backoff < 30 ? ui->backoff * 2 : 30;
	ui->next_reconnect = pt_ui_now() + ui->backoff;
	pt_ui_err(ui, _("Reconnect failed (next try in %.0f s): %s"), ui->backoff, err.message);
}

bool
pt_ui_have_pg_env(void)
{
	static const char *const vars[] = { "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE",
	                                    "PGUSER", "PGSERVICE" };

	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
		if (getenv(vars[i]) && *getenv(vars[i]))
			return true;
	return false;
}

bool
pt_ui_connect(struct pt_ui *ui, const char *target)
{
	struct pt_connect_opts o = ui->opt->copts;
	pt_error err;
	pt_db *db;

	o.ask_password = ask_password;
	o.ask_password_ud = ui;
	o.wait_hook = pt_ui_wait_hook;     /* a dead host must not freeze the screen */
	o.wait_ud = ui;
	pt_ui_msg(ui, "%s", _("Connecting..."));
	pt_ui_draw(ui);
	db = pt_db_connect(target, &o, &err);
	if (!db) {
		pt_ui_err(ui, "%s", err.message);
		return false;
	}
	ui->db = db;
	ui->admin = pt_api_admin_borrow(db);
	ui->lost = false;
	pt_db_set_wait_hook(db, pt_ui_wait_hook, ui);
	pt_ui_endpoint(ui);
	pt_ui_msg(ui, "%s", _("Press ? for help, c to create a tenant."));
	return true;
}

void
pt_ui_disconnect(struct pt_ui *ui)
{
	pgt_admin_close(ui->admin);     /* the handle only: it borrowed db */
	ui->admin = NULL;
	if (ui->db)
		pt_db_close(ui->db);
	ui->db = NULL;
}

/* The automatic refresh: the session's state (hardened? read-only?) for
 * the banner and the header, and the tenants list; it runs in the
 * background (a key cancels it), and its query is what notices a server
 * that went away while nobody typed. */
static void
auto_refresh(struct pt_ui *ui)
{
	pt_error err;

	ui->next_refresh = pt_ui_now() + ui->refresh_s;
	ui->background = true;
	if (pt_db_refresh_info(ui->db, &err) != PT_OK)
		pt_ui_fail(ui, &err);
	else if (ui->stack[ui->depth - 1] == &pt_scr_tenants) {
		pt_ui_load_tenants(ui);
		/* sizes cost more: not every time, unless some are missing */
		if (++ui->refreshes % PT_UI_SIZES_EVERY && ui->sizes_complete)
			ui->sizes_pending = false;
	} else if (ui->stack[ui->depth - 1]->reload)
		ui->stack[ui->depth - 1]->reload(ui);
	ui->background = false;
}

void
pt_ui_set_refresh(struct pt_ui *ui, int seconds)
{
	ui->refresh_s = seconds > 0 ? seconds : 0;
	ui->next_refresh = pt_ui_now() + ui->refresh_s;
}

int
pt_ui_idle_timeout(const struct pt_ui *ui)
{
	double left;

	if (ui->sizes_pending || ui->lost)
		return 50;
	/* a refresh runs when it is due, not up to a second later (with
	 * -r 1 that made it every two seconds) */
	if (ui->refresh_s && ui->db) {
		left = ui->next_refresh - pt_ui_now();
		if (left < 1.0)
			return left > 0 ? (int)(left * 1000) + 1 : 0;
	}
	return 1000;
}

void
pt_ui_session_idle(struct pt_ui *ui)
{
	if (ui->lost && ui->db && pt_ui_now() >= ui->next_reconnect)
		pt_ui_reconnect(ui);
	else if (ui->sizes_pending && !ui->lost) {
		/* Measuring in the background, as a refresh: a key typed meanwhile
		 * cancels it and acts, rather than being dropped. */
		ui->background = true;
		load_sizes(ui);
		ui->background = false;
	}
	else if (ui->refresh_s && ui->db && !ui->lost && pt_ui_now() >= ui->next_refresh)
		auto_refresh(ui);
}
