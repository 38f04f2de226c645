/* libpgtenant: the public API (pgtenant.h) over the core. Everything here
 * translates: opaque handles to the core's structs, pt_status to
 * pgt_category. The rules themselves live in src/core.
 *
 * The pgtenant program uses this API where it covers what a command needs
 * (issue 20). It connects through the core and hands the session over
 * (api_int.h): pgt_admin_open has no password prompt, no -h/-p/-U/-W, no
 * read-only session, no tenants' host or CA, and no wait hook (Ctrl-C to
 * cancel in the CLI; the console's hook also pumps the screen); the
 * handed-over session keeps all of them. What each front end needs:
 *
 *   CLI command         needs beyond the basic call          on
 *   drop                name check, preview, confirmation    API
 *   lock [--terminate]  name check, preview (--dry-run)      API
 *   unlock              name check, preview (--dry-run)      API
 *   alter (changes)     checks before connecting, preview    API
 *   alter (show)        the role's settings and attributes   core: no call
 *   rotate-password     name check, --string-format forms    API
 *                       and their warnings
 *   create SCHEMA       user-name pattern, config check,     API
 *                       --string-format, "not hardened"
 *   create --from       jobs, input timeout, per-row report  core (bulk.c)
 *   list                every schema, login roles, limits,   core: the API
 *                       expiry, sessions, Citus nodes        list is narrower
 *   audit               user-name pattern, --severity,       core: the API
 *                       --rule, table/CSV, exit 1 on finding gives JSON only
 *   roles, harden,      no API call at all                   core
 *   sessions, move
 *
 *   Console action      needs                                on
 *   drop, lock, unlock  preview, Ctrl-C/q cancel, spinner   API
 *   (lock: t toggles    (the borrowed session's wait hook),
 *   ending sessions)    read-only refusal
 *   rotate              credentials in 4 string forms, their API
 *                       warnings, copy, 0600 file
 *   create              config check, preview, credentials   API
 *   create: names       "exists" before the preview, on the  core: no call
 *                       field at fault
 *   alter (changes)     checks, preview                      API
 *   alter (form)        the role's current settings          core: no call
 *   result: test login  log in as the tenant                 core: no call
 *   drop, rotate, lock, refuse a schema that is no tenant's  core: no call
 *   unlock, alter:      at once (rotate has no preview;
 *   look-up             alter opens its form first)
 *   tenants, detail,    list/detail/session models wider     core
 *   roles, audit, fix,  than the API; audit findings as
 *   harden, sessions,   structs (fix SQL per finding)
 *   move, clipboard
 *
 * The console keeps one session for its whole life (lists, audit, its
 * reconnects): it lends it to a handle (pt_api_admin_borrow) rather than
 * handing it over, and reports a pgt_error on its status line with the
 * same texts as a pt_error.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "audit.h"
#include "catalog.h"
#include "conn.h"
#include "connstr.h"
#include "error.h"
#include "i18n.h"
#include "names.h"
#include "ops.h"
#include "secret.h"
#include "tenant.h"
#include "lib/api_int.h"
#include "lib/pgtenant.h"
#include "pgtenant-paths.h"

struct pgt_error {
	pgt_category category;
	pt_error e;
};

struct pgt_admin {
	pt_db *db;
	bool borrowed;            /* db is the program's: close leaves it open */
};

struct pgt_config {
	char *schema_name;        /* malloc'd or NULL */
	char *username;           /* malloc'd or NULL */
	char *password;           /* secret or NULL */
	char *valid_until;        /* malloc'd or NULL */
	char *user_pattern;       /* malloc'd or NULL: the default */
	int connection_limit;
};

struct pgt_credentials {
	struct pt_credentials c;
	char *forms[PT_CONNSTR_FORMAT_COUNT];  /* secrets, built when asked for */
};

struct pgt_alter {
	int connection_limit;     /* PT_ALTER_KEEP_LIMIT: unchanged */
	char *valid_until;        /* malloc'd or NULL: unchanged */
	struct pt_setting_change *changes;  /* names and values malloc'd */
	size_t n_changes;
};

struct pgt_tenant_list {
	struct pt_schema_list list;
	size_t *rows;             /* indexes of the tenant schemas in list */
	size_t n;
};

/* Set once by the pgtenant program before it makes any call (and before
 * any thread): it binds the text domain itself. */
static bool program_mode;

/* sodium_init and bindtextdomain are idempotent and take their own locks:
 * every entry point that may touch secret memory or make a message calls
 * this, so no caller needs an init function. Messages come in UTF-8
 * whatever the program's locale charset, as the header promises. */
static int
lib_init(void)
{
#if ENABLE_NLS
	if (!program_mode) {
		bindtextdomain(PACKAGE, LOCALEDIR);
		bind_textdomain_codeset(PACKAGE, "UTF-8");
	}
#endif
	return sodium_init() < 0 ? -1 : 0;
}

void
pt_api_program_mode(void)
{
	program_mode = true;
}

static pgt_category
category_of(enum pt_status st)
{
	switch (st) {
	case PT_OK:                   return PGT_OK;
	case PT_ERR_INVALID:
	case PT_ERR_USAGE:            return PGT_ERR_INVALID;
	case PT_ERR_EXISTS:           return PGT_ERR_EXISTS;
	case PT_ERR_NOT_FOUND:        return PGT_ERR_NOT_FOUND;
	case PT_ERR_PERMISSION:
	case PT_ERR_READ_ONLY:        return PGT_ERR_PRIVILEGE;
	case PT_ERR_CANCELED:         return PGT_ERR_CANCELED;
	case PT_ERR_LOCKED:           return PGT_ERR_LOCKED;
	case PT_ERR_SERVER:           return PGT_ERR_SERVER;
	case PT_ERR_CONNECTION_LOST:
	case PT_ERR_CONNECT:          return PGT_ERR_CONNECTION;
	case PT_ERR_NODE:             return PGT_ERR_NODE;
	case PT_ERR_IO:
	case PT_STATUS_COUNT:         break;
	}
	return PGT_ERR_INTERNAL;
}

/* Hand a core error to the caller; returns its category. */
static pgt_category
fail(pgt_error **err, const pt_error *e)
{
	pgt_category c = category_of(e->status);

	if (c == PGT_OK)
		c = PGT_ERR_INTERNAL;
	if (err) {
		pgt_error *out = pt_xcalloc(1, sizeof *out);

		out->category = c;
		out->e = *e;
		*err = out;
	}
	return c;
}

static pgt_category
fail_msg(pgt_error **err, enum pt_status st, const char *msg)
{
	pt_error e;

	pt_error_set(&e, st, "%s", msg);
	return fail(err, &e);
}

const char *
pgt_version(void)
{
	return PACKAGE_VERSION;
}

void
pgt_free(void *p)
{
	free(p);
}

/* ---- errors ------------------------------------------------------------- */

pgt_category
pgt_error_category(const pgt_error *e)
{
	return e ? e->category : PGT_ERR_INTERNAL;
}

const char *
pgt_category_name(pgt_category c)
{
	switch (c) {
	case PGT_OK:             return "ok";
	case PGT_ERR_INVALID:    return "invalid";
	case PGT_ERR_EXISTS:     return "exists";
	case PGT_ERR_NOT_FOUND:  return "not_found";
	case PGT_ERR_PRIVILEGE:  return "privilege";
	case PGT_ERR_CONNECTION: return "connection";
	case PGT_ERR_LOCKED:     return "locked";
	case PGT_ERR_CANCELED:   return "canceled";
	case PGT_ERR_SERVER:     return "server";
	case PGT_ERR_INTERNAL:   return "internal";
	case PGT_ERR_NODE:       return "node";
	}
	return "unknown";
}

const char *
pgt_error_sqlstate(const pgt_error *e)
{
	return e ? e->e.sqlstate : "";
}

const char *
pgt_error_message(const pgt_error *e)
{
	return e ? e->e.message : "";
}

const char *
pgt_error_detail(const pgt_error *e)
{
	return e ? e->e.detail : "";
}

void
pgt_error_free(pgt_error *e)
{
	free(e);
}

/* ---- the admin session -------------------------------------------------- */

/* Replace every occurrence of the n bytes at secret in buf (a string of
 * bufsz bytes) with "<redacted>". */
static void
redact(char *buf, size_t bufsz, const char *secret, size_t n)
{
	static const char mark[] = "<redacted>";
	const size_t m = sizeof mark - 1;
	char *p = buf;

	if (n == 0)
		return;
	while ((p = memmem(p, strlen(p), secret, n))) {
		size_t pos = (size_t)(p - buf), tail = strlen(p + n) + 1;

		if (pos + m >= bufsz) {     /* no room for the mark: cut here */
			*p = '\0';
			return;
		}
		if (pos + m + tail > bufsz)
			tail = bufsz - pos - m;
		memmove(p + m, p + n, tail);
		memcpy(p, mark, m);
		buf[bufsz - 1] = '\0';
		p += m;
	}
}

/* A message cut to its buffer may end in the start of the secret: cut
 * that too (the mark when it fits). Only a full buffer was cut. */
static void
redact_tail(char *buf, size_t bufsz, const char *secret, size_t n)
{
	static const char mark[] = "<redacted>";
	size_t len = strlen(buf);

	if (len + 1 < bufsz)
		return;
	for (size_t k = n - 1 < len ? n - 1 : len; k >= 3 && k > 0; k--)
		if (!memcmp(buf + len - k, secret, k)) {
			size_t at = len - k;

			if (at + sizeof mark <= bufsz)
				memcpy(buf + at, mark, sizeof mark);
			else
				buf[at] = '\0';
			return;
		}
}

static void
redact_both(pt_error *e, const char *secret, size_t n)
{
	if (n == 0)
		return;
	redact(e->message, sizeof e->message, secret, n);
	redact(e->detail, sizeof e->detail, secret, n);
	redact_tail(e->message, sizeof e->message, secret, n);
	redact_tail(e->detail, sizeof e->detail, secret, n);
}

/* libpq quotes the piece of a target it cannot parse ("invalid
 * percent-encoded token: \"<the password>\"", "missing \"=\" after
 * \"<the password's second word>\""), and a program may log the error:
 * take every password the target spells out of the messages, in every
 * form: as libpq parses it (decoded, unquoted), the URI's raw
 * user:password@, and each raw password= value, quoted (with its
 * escapes) or not, with every word of it up to the next keyword= (an
 * unquoted password with a space is no password to libpq, but it is one
 * to the user who typed it). */
static void
redact_target(pt_error *e, const char *target)
{
	const char *p, *end;
	PQconninfoOption *opts;

	if (!target)
		return;
	if ((opts = PQconninfoParse(target, NULL))) {
		for (PQconninfoOption *o = opts; o->keyword; o++)
			if (!strcmp(o->keyword, "password") && o->val)
				redact_both(e, o->val, strlen(o->val));
		PQconninfoFree(opts);
	}
	if ((p = strstr(target, "://"))) {
		const char *at, *colon;

		p += 3;
		end = p + strcspn(p, "/?#");
		at = memchr(p, '@', (size_t)(end - p));
		colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
		if (colon)
			redact_both(e, colon + 1, (size_t)(at - colon - 1));
	}
	for (p = target; (p = strstr(p, "password")); ) {
		p += strlen("password");
		p += strspn(p, " \t");
		if (*p != '=')
			continue;
		p++;
		p += strspn(p, " \t");
		if (*p == '\'') {
			/* to the closing quote, over backslash escapes */
			for (end = ++p; *end && *end != '\''; end++)
				if (*end == '\\' && end[1])
					end++;
			redact_both(e, p, (size_t)(end - p));
			continue;
		}
		/* the words up to the next keyword= (or a URI's next &) */
		end = p;
		for (;;) {
			const char *w = end + strcspn(end, " \t&"), *next = w + strspn(w, " \t");
			size_t klen = strspn(next, "abcdefghijklmnopqrstuvwxyz_");

			if (end == p || w - end >= 3)
				redact_both(e, end, (size_t)(w - end));
			if (*w != ' ' && *w != '\t')
				break;
			if (!*next || (klen && next[klen + strspn(next + klen, " \t")] == '='))
				break;
			end = next;
		}
		redact_both(e, p, (size_t)(end + strcspn(end, " \t&") - p));
	}
}

pgt_admin *
pgt_admin_open(const char *target, pgt_error **err)
{
	struct pt_connect_opts opts = { 0 };
	pgt_admin *admin;
	pt_error e;
	pt_db *db;

	if (lib_init() != 0) {
		fail_msg(err, PT_ERR_IO, _("libsodium could not be initialised"));
		return NULL;
	}
	db = pt_db_connect(target, &opts, &e);
	if (!db) {
		redact_target(&e, target);
		fail(err, &e);
		return NULL;
	}
	admin = pt_xcalloc(1, sizeof *admin);
	admin->db = db;
	return admin;
}

void
pgt_admin_close(pgt_admin *admin)
{
	if (!admin)
		return;
	if (!admin->borrowed)
		pt_db_close(admin->db);
	free(admin);
}

int
pgt_admin_hardened(const pgt_admin *admin)
{
	return admin && admin->db && pt_db_info(admin->db)->hardened;
}

const char *
pgt_admin_database(const pgt_admin *admin)
{
	return admin && admin->db ? pt_db_info(admin->db)->dbname : NULL;
}

pgt_admin *
pt_api_admin_adopt(pt_db *db)
{
	pgt_admin *admin = pt_xcalloc(1, sizeof *admin);

	admin->db = db;
	return admin;
}

pgt_admin *
pt_api_admin_borrow(pt_db *db)
{
	pgt_admin *admin = pt_api_admin_adopt(db);

	admin->borrowed = true;
	return admin;
}

pgt_string_form
pt_api_string_form(enum pt_connstr_format f)
{
	switch (f) {
	case PT_CONNSTR_URI:      return PGT_STRING_URI;
	case PT_CONNSTR_KEYVALUE: return PGT_STRING_CONNINFO;
	case PT_CONNSTR_JDBC:     return PGT_STRING_JDBC;
	case PT_CONNSTR_ENV:      return PGT_STRING_ENV;
	case PT_CONNSTR_FORMAT_COUNT: break;
	}
	return PGT_STRING_URI;
}

const struct pt_credentials *
pt_api_credentials_core(const pgt_credentials *c)
{
	return c ? &c->c : NULL;
}

/* A null handle or name is the caller's bug, but an error beats a crash
 * in a binding that passed None. */
static bool
args_ok(pgt_admin *admin, const void *arg, pgt_error **err)
{
	if (admin && admin->db && arg)
		return true;
	fail_msg(err, PT_ERR_INVALID, admin ? _("a required argument is NULL")
	                                    : _("the admin handle is NULL"));
	return false;
}

/* ---- creating tenants --------------------------------------------------- */

pgt_config *
pgt_config_new(void)
{
	pgt_config *cfg;

	if (lib_init() != 0)
		return NULL;
	cfg = pt_xcalloc(1, sizeof *cfg);
	cfg->connection_limit = PT_DEFAULT_CONNECTION_LIMIT;
	return cfg;
}

void
pgt_config_free(pgt_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->schema_name);
	free(cfg->username);
	pt_secret_free(cfg->password);
	free(cfg->valid_until);
	free(cfg->user_pattern);
	free(cfg);
}

static void
replace(char **slot, const char *s)
{
	free(*slot);
	*slot = s && *s ? pt_xstrdup(s) : NULL;
}

int
pgt_config_set_schema_name(pgt_config *cfg, const char *schema_name)
{
	if (!cfg)
		return PGT_ERR_INVALID;
	replace(&cfg->schema_name, schema_name);
	return PGT_OK;
}

int
pgt_config_set_username(pgt_config *cfg, const char *username)
{
	if (!cfg)
		return PGT_ERR_INVALID;
	replace(&cfg->username, username);
	return PGT_OK;
}

int
pgt_config_set_password(pgt_config *cfg, const char *password)
{
	if (!cfg)
		return PGT_ERR_INVALID;
	pt_secret_free(cfg->password);
	cfg->password = password && *password ? pt_secret_strdup(password) : NULL;
	return PGT_OK;
}

int
pgt_config_set_connection_limit(pgt_config *cfg, int limit)
{
	if (!cfg)
		return PGT_ERR_INVALID;
	cfg->connection_limit = limit;
	return PGT_OK;
}

int
pgt_config_set_valid_until(pgt_config *cfg, const char *valid_until)
{
	if (!cfg)
		return PGT_ERR_INVALID;
	replace(&cfg->valid_until, valid_until);
	return PGT_OK;
}

int
pgt_config_set_user_pattern(pgt_config *cfg, const char *pattern)
{
	if (!cfg)
		return PGT_ERR_INVALID;
	replace(&cfg->user_pattern, pattern);
	return PGT_OK;
}

/* The core's view of cfg; its strings stay cfg's. */
static void
core_config(const pgt_config *cfg, struct pt_tenant_config *tc)
{
	pt_tenant_config_init(tc);
	tc->schema_name = cfg->schema_name;
	tc->username = cfg->username;
	tc->user_pattern = cfg->user_pattern;
	tc->password = cfg->password;
	tc->connection_limit = cfg->connection_limit;
	tc->valid_until = cfg->valid_until;
}

int
pgt_config_check(const pgt_config *cfg, pgt_error **err)
{
	struct pt_tenant_config tc;
	pt_error e;

	if (!cfg)
		return fail_msg(err, PT_ERR_INVALID, _("a required argument is NULL"));
	core_config(cfg, &tc);
	/* No name: the name check says what an empty one lacks. */
	if (!tc.schema_name)
		tc.schema_name = "";
	if (pt_tenant_validate(&tc, &e) != PT_OK)
		return fail(err, &e);
	return PGT_OK;
}

const char *
pgt_credentials_username(const pgt_credentials *c)
{
	return c ? c->c.username : NULL;
}

const char *
pgt_credentials_password(const pgt_credentials *c)
{
	return c ? c->c.password : NULL;
}

const char *
pgt_credentials_schema_name(const pgt_credentials *c)
{
	return c ? c->c.schema_name : NULL;
}

const char *
pgt_credentials_connection_string(const pgt_credentials *c)
{
	return c ? c->c.connection_string : NULL;
}

int
pgt_credentials_password_generated(const pgt_credentials *c)
{
	return c && c->c.password_generated;
}

void
pgt_credentials_free(pgt_credentials *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < PT_CONNSTR_FORMAT_COUNT; i++)
		pt_secret_free(c->forms[i]);
	pt_credentials_free(&c->c);
	free(c);
}

/* The core's format for a public form; false for one this version lacks. */
static bool
form_of(pgt_string_form form, enum pt_connstr_format *out)
{
	switch (form) {
	case PGT_STRING_URI:      *out = PT_CONNSTR_URI; return true;
	case PGT_STRING_CONNINFO: *out = PT_CONNSTR_KEYVALUE; return true;
	case PGT_STRING_JDBC:     *out = PT_CONNSTR_JDBC; return true;
	case PGT_STRING_ENV:      *out = PT_CONNSTR_ENV; return true;
	}
	return false;
}

const char *
pgt_credentials_connection_string_as(pgt_credentials *c, pgt_string_form form,
                                     pgt_error **err)
{
	enum pt_connstr_format f;
	pt_error e;

	if (!c || !form_of(form, &f)) {
		fail_msg(err, PT_ERR_INVALID, c ? _("unknown connection string format")
		                                : _("a required argument is NULL"));
		return NULL;
	}
	if (f == PT_CONNSTR_URI)
		return c->c.connection_string;
	if (!c->forms[f]) {
		c->forms[f] = pt_connstr_build(f, &c->c.endpoint, c->c.username, c->c.password, &e);
		if (!c->forms[f])
			fail(err, &e);
	}
	return c->forms[f];
}

size_t
pgt_credentials_string_warnings(const pgt_credentials *c, pgt_string_form form,
                                const char **why, size_t max)
{
	enum pt_connstr_format f;

	if (!c || !form_of(form, &f))
		return 0;
	return pt_connstr_warnings(f, &c->c.endpoint, why, max);
}

/* What create and its preview need before the server: a handle and a
 * config with a schema name. */
static bool
config_ok(pgt_admin *admin, const pgt_config *cfg, pgt_error **err)
{
	if (!args_ok(admin, cfg, err))
		return false;
	if (!cfg->schema_name) {
		fail_msg(err, PT_ERR_INVALID, _("the tenant config has no schema name"));
		return false;
	}
	return true;
}

static pgt_credentials *
credentials_take(struct pt_credentials *in)
{
	pgt_credentials *c = pt_xcalloc(1, sizeof *c);

	c->c = *in;
	return c;
}

pgt_credentials *
pgt_tenant_create(pgt_admin *admin, const pgt_config *cfg, pgt_error **err)
{
	struct pt_tenant_config tc;
	struct pt_credentials out;
	pt_error e;

	if (!config_ok(admin, cfg, err))
		return NULL;
	core_config(cfg, &tc);
	if (pt_tenant_create(admin->db, &tc, &out, &e) != PT_OK) {
		fail(err, &e);
		return NULL;
	}
	return credentials_take(&out);
}

/* ---- changing tenants --------------------------------------------------- */

int
pgt_tenant_drop(pgt_admin *admin, const char *schema_name, pgt_error **err)
{
	pt_error e;

	if (!args_ok(admin, schema_name, err))
		return PGT_ERR_INVALID;
	if (pt_tenant_drop(admin->db, schema_name, &e) != PT_OK)
		return fail(err, &e);
	return PGT_OK;
}

pgt_credentials *
pgt_tenant_rotate_password(pgt_admin *admin, const char *schema_name,
                           const char *password, pgt_error **err)
{
	struct pt_credentials out;
	pt_error e;

	if (!args_ok(admin, schema_name, err))
		return NULL;
	if (pt_tenant_rotate(admin->db, schema_name, password, &out, &e) != PT_OK) {
		fail(err, &e);
		return NULL;
	}
	return credentials_take(&out);
}

int
pgt_tenant_lock(pgt_admin *admin, const char *schema_name,
                int terminate_sessions, int *terminated, pgt_error **err)
{
	pt_error e;

	if (terminated)
		*terminated = 0;
	if (!args_ok(admin, schema_name, err))
		return PGT_ERR_INVALID;
	if (pt_tenant_lock(admin->db, schema_name, terminate_sessions != 0,
	                   terminated, &e) != PT_OK)
		return fail(err, &e);
	return PGT_OK;
}

int
pgt_tenant_unlock(pgt_admin *admin, const char *schema_name, pgt_error **err)
{
	pt_error e;

	if (!args_ok(admin, schema_name, err))
		return PGT_ERR_INVALID;
	if (pt_tenant_unlock(admin->db, schema_name, &e) != PT_OK)
		return fail(err, &e);
	return PGT_OK;
}

pgt_alter *
pgt_alter_new(void)
{
	pgt_alter *a = pt_xcalloc(1, sizeof *a);

	a->connection_limit = PT_ALTER_KEEP_LIMIT;
	return a;
}

void
pgt_alter_free(pgt_alter *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_changes; i++) {
		free((char *)a->changes[i].name);
		free((char *)a->changes[i].value);
	}
	free(a->changes);
	free(a->valid_until);
	free(a);
}

int
pgt_alter_set_connection_limit(pgt_alter *a, int limit)
{
	if (!a)
		return PGT_ERR_INVALID;
	a->connection_limit = limit;
	return PGT_OK;
}

int
pgt_alter_set_valid_until(pgt_alter *a, const char *valid_until)
{
	if (!a || !valid_until)
		return PGT_ERR_INVALID;
	free(a->valid_until);
	a->valid_until = pt_xstrdup(valid_until);
	return PGT_OK;
}

int
pgt_alter_set_setting(pgt_alter *a, const char *name, const char *value)
{
	struct pt_setting_change *c;

	if (!a || !name)
		return PGT_ERR_INVALID;
	a->changes = pt_xrealloc(a->changes, (a->n_changes + 1) * sizeof *a->changes);
	c = &a->changes[a->n_changes++];
	c->name = pt_xstrdup(name);
	c->value = value ? pt_xstrdup(value) : NULL;
	return PGT_OK;
}

static void
core_alter(const pgt_alter *a, struct pt_tenant_alter *ta)
{
	pt_tenant_alter_init(ta);
	ta->connection_limit = a->connection_limit;
	ta->valid_until = a->valid_until;
	ta->changes = a->changes;
	ta->n_changes = a->n_changes;
}

int
pgt_alter_check(const pgt_alter *a, pgt_error **err)
{
	struct pt_tenant_alter ta;
	pt_error e;

	if (!a)
		return fail_msg(err, PT_ERR_INVALID, _("a required argument is NULL"));
	core_alter(a, &ta);
	if (pt_tenant_alter_validate(&ta, &e) != PT_OK)
		return fail(err, &e);
	return PGT_OK;
}

int
pgt_tenant_alter(pgt_admin *admin, const char *schema_name, const pgt_alter *a,
                 pgt_error **err)
{
	struct pt_tenant_alter ta;
	pt_error e;

	if (!args_ok(admin, schema_name, err) || !args_ok(admin, a, err))
		return PGT_ERR_INVALID;
	core_alter(a, &ta);
	if (pt_tenant_alter_validate(&ta, &e) != PT_OK ||
	    pt_tenant_alter(admin->db, schema_name, &ta, &e) != PT_OK)
		return fail(err, &e);
	return PGT_OK;
}

/* ---- checks and previews ------------------------------------------------ */

int
pgt_schema_name_check(const char *schema_name, pgt_error **err)
{
	pt_error e;

	if (lib_init() != 0)
		return fail_msg(err, PT_ERR_IO, _("libsodium could not be initialised"));
	if (!schema_name)
		return fail_msg(err, PT_ERR_INVALID, _("a required argument is NULL"));
	if (pt_name_validate(schema_name, PT_NAME_SCHEMA, &e) != PT_OK)
		return fail(err, &e);
	return PGT_OK;
}

/* A preview from the core, or NULL with *err. */
static char *
preview_or_fail(char *sql, const pt_error *e, pgt_error **err)
{
	if (!sql)
		fail(err, e);
	return sql;
}

char *
pgt_tenant_create_preview(pgt_admin *admin, const pgt_config *cfg, pgt_error **err)
{
	struct pt_tenant_config tc;
	pt_error e;

	if (!config_ok(admin, cfg, err))
		return NULL;
	core_config(cfg, &tc);
	return preview_or_fail(pt_tenant_create_preview(admin->db, &tc, &e), &e, err);
}

/* A preview that needs nothing but the schema. */
static char *
schema_preview(pgt_admin *admin, const char *schema_name,
               char *(*preview)(pt_db *, const char *, pt_error *), pgt_error **err)
{
	pt_error e;

	if (!args_ok(admin, schema_name, err))
		return NULL;
	return preview_or_fail(preview(admin->db, schema_name, &e), &e, err);
}

char *
pgt_tenant_drop_preview(pgt_admin *admin, const char *schema_name, pgt_error **err)
{
	return schema_preview(admin, schema_name, pt_tenant_drop_preview, err);
}

char *
pgt_tenant_lock_preview(pgt_admin *admin, const char *schema_name,
                        int terminate_sessions, pgt_error **err)
{
	pt_error e;

	if (!args_ok(admin, schema_name, err))
		return NULL;
	return preview_or_fail(pt_tenant_lock_preview(admin->db, schema_name,
	                                              terminate_sessions != 0, &e), &e, err);
}

char *
pgt_tenant_unlock_preview(pgt_admin *admin, const char *schema_name, pgt_error **err)
{
	return schema_preview(admin, schema_name, pt_tenant_unlock_preview, err);
}

char *
pgt_tenant_alter_preview(pgt_admin *admin, const char *schema_name, const pgt_alter *a,
                         pgt_error **err)
{
	struct pt_tenant_alter ta;
	pt_error e;

	if (!args_ok(admin, schema_name, err) || !args_ok(admin, a, err))
		return NULL;
	core_alter(a, &ta);
	if (pt_tenant_alter_validate(&ta, &e) != PT_OK) {
		fail(err, &e);
		return NULL;
	}
	return preview_or_fail(pt_tenant_alter_preview(admin->db, schema_name, &ta, &e), &e, err);
}

/* ---- listing and auditing ----------------------------------------------- */

pgt_tenant_list *
pgt_tenant_list_load(pgt_admin *admin, int with_sizes, pgt_error **err)
{
	pgt_tenant_list *l;
	pt_error e;

	if (!args_ok(admin, admin, err))
		return NULL;
	l = pt_xcalloc(1, sizeof *l);
	if (pt_schema_list_load(admin->db, with_sizes != 0, &l->list, &e) != PT_OK) {
		free(l);
		fail(err, &e);
		return NULL;
	}
	l->rows = pt_xcalloc(l->list.n ? l->list.n : 1, sizeof *l->rows);
	for (size_t i = 0; i < l->list.n; i++)
		if (l->list.rows[i].is_tenant)
			l->rows[l->n++] = i;
	return l;
}

void
pgt_tenant_list_free(pgt_tenant_list *l)
{
	if (!l)
		return;
	pt_schema_list_free(&l->list);
	free(l->rows);
	free(l);
}

size_t
pgt_tenant_list_count(const pgt_tenant_list *l)
{
	return l ? l->n : 0;
}

static const struct pt_schema_row *
row_at(const pgt_tenant_list *l, size_t i)
{
	return l && i < l->n ? &l->list.rows[l->rows[i]] : NULL;
}

const char *
pgt_tenant_list_schema(const pgt_tenant_list *l, size_t i)
{
	const struct pt_schema_row *r = row_at(l, i);

	return r ? r->name : NULL;
}

const char *
pgt_tenant_list_role(const pgt_tenant_list *l, size_t i)
{
	const struct pt_schema_row *r = row_at(l, i);

	return r ? r->owner : NULL;
}

int
pgt_tenant_list_locked(const pgt_tenant_list *l, size_t i)
{
	const struct pt_schema_row *r = row_at(l, i);

	return r && r->locked;
}

long
pgt_tenant_list_tables(const pgt_tenant_list *l, size_t i)
{
	const struct pt_schema_row *r = row_at(l, i);

	return r ? r->tables : 0;
}

int64_t
pgt_tenant_list_size(const pgt_tenant_list *l, size_t i)
{
	const struct pt_schema_row *r = row_at(l, i);

	return r ? r->size_bytes : -1;
}

char *
pgt_audit_json(pgt_admin *admin, pgt_error **err)
{
	struct pt_audit a;
	char *buf = NULL;
	size_t len = 0;
	pt_error e;
	FILE *f;

	if (!args_ok(admin, admin, err))
		return NULL;
	if (pt_audit_run(admin->db, &a, &e) != PT_OK) {
		fail(err, &e);
		return NULL;
	}
	pt_audit_filter(&a, PT_SEV_INFO, NULL);
	f = open_memstream(&buf, &len);
	if (!f)
		pt_die("open_memstream: out of memory");
	pt_audit_write_json(f, &a, pt_db_info(admin->db)->dbname);
	if (fclose(f) != 0)
		pt_die("open_memstream: out of memory");
	pt_audit_free(&a);
	return buf;
}
