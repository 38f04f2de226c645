#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bulk.h"
#include "catalog.h"
#include "lib/api_int.h"
#include "citus.h"
#include "cli.h"
#include "cmd_bulk.h"
#include "names.h"
#include "ops.h"
#include "prompt.h"
#include "secret.h"
#include "tenant.h"

static const struct {
	const char *name;
	int (*fn)(struct pt_cli *, int, char **);
	const char *summary;
} commands[] = {
#define PT_COMMAND_ENTRY(name, fn, summary) { name, fn, summary },
	PT_COMMAND_LIST(PT_COMMAND_ENTRY)
#undef PT_COMMAND_ENTRY
};

/* The signal that asked the command to stop; see catch_signals. */
static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	interrupted = sig;
}

void
pt_cli_print_commands(FILE *out)
{
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(out, "  %-17s %s\n", commands[i].name, _(commands[i].summary));
}

/* Output that never arrived is a failure even when the server side
 * worked: a script must not take an empty answer for credentials. */
static int
finish_output(const struct pt_cli *cli, int rc)
{
	int failed = fflush(stdout) != 0 ? errno : 0;

	if (!failed && !ferror(stdout))
		return rc;
	/* An earlier write may have failed and left errno to others. */
	fprintf(stderr, "%s: %s%s%s\n", cli->progname, _("cannot write to standard output"),
	        failed ? ": " : "", failed ? strerror(failed) : "");
	return rc ? rc : 1;
}

int
pt_cli_run(struct pt_cli *cli, int argc, char **argv)
{
	pt_api_program_mode();
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (!strcmp(argv[0], commands[i].name)) {
			int rc = finish_output(cli, commands[i].fn(cli, argc, argv));
			/* The signal came too late to cancel: say the change stands. */
			if (interrupted && rc == 0)
				fprintf(stderr, _("%s: interrupted, but the operation had already "
				                  "completed: its result stands\n"), cli->progname);
			return rc;
		}
	pt_fprintf_safe(stderr, _("%s: unknown command \"%s\"\n"), cli->progname, argv[0]);
	fprintf(stderr, _("Try '%s --help' for the list of commands.\n"), cli->progname);
	return 2;
}

static void
report(const struct pt_cli *cli, const char *message, const char *detail, bool canceled)
{
	pt_fprintf_safe(stderr, "%s: %s\n", cli->progname, message);
	if (detail[0])
		pt_fprintf_safe(stderr, "%s: %s\n", cli->progname, detail);
	if (canceled && interrupted)
		fprintf(stderr, _("%s: interrupted: the server rolled the statement back; "
		                  "nothing was changed\n"), cli->progname);
}

int
pt_cli_fail(const struct pt_cli *cli, const pt_error *err)
{
	report(cli, err->message, err->detail, err->status == PT_ERR_CANCELED);
	return pt_status_exit_code(err->status);
}

int
pt_cli_fail_api(const struct pt_cli *cli, pgt_error *err)
{
	report(cli, pgt_error_message(err), pgt_error_detail(err),
	       pgt_error_category(err) == PGT_ERR_CANCELED);
	pgt_error_free(err);
	/* 2 is for usage errors and failing to connect, both settled before
	 * an API call; whatever an API call reports exits 1. */
	return 1;
}

void
pt_cli_tenant_defaults(const struct pt_cli *cli, struct pt_tenant_config *cfg)
{
	pt_tenant_config_init(cfg);
	cfg->user_pattern = cli->user_pattern;
	if (cli->connection_limit_set)
		cfg->connection_limit = cli->connection_limit;
}

int
pt_cli_usage_error(const struct pt_cli *cli, const char *command,
                   const char *fmt, ...)
{
	va_list ap;

	pt_fprintf_safe(stderr, "%s %s: ", cli->progname, command);
	va_start(ap, fmt);
	pt_vfprintf_safe(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fprintf(stderr, _("Try '%s --help' for more information.\n"), cli->progname);
	return 2;
}

bool
pt_cli_set_format(struct pt_cli *cli, const char *command, const char *value)
{
	if (!pt_format_parse(value, &cli->format)) {
		pt_cli_usage_error(cli, command,
		                   _("unknown format \"%s\": use table, csv or json"), value);
		return false;
	}
	cli->format_given = true;
	return true;
}

int
pt_cli_interrupted(void)
{
	return interrupted;
}

/* The core pumps this while it waits for the server: true cancels. */
static bool
interrupt_hook(void *ud)
{
	(void)ud;
	return interrupted != 0;
}

/* Dying on the signal while the server runs a create would leave the
 * tenant committed with a password nobody saw. The handler only notes
 * the signal: the wait hook cancels the statement, and a blocking read
 * (a prompt) returns with EINTR, as there is no SA_RESTART. */
static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool
pt_cli_set_string_format(struct pt_cli *cli, const char *command, const char *value)
{
	if (!pt_connstr_format_parse(value, &cli->string_format)) {
		pt_cli_usage_error(cli, command, _("unknown connection string format \"%s\": "
		                                   "use uri, conninfo, jdbc or env"), value);
		return false;
	}
	return true;
}

char *
pt_cli_connection_string(const struct pt_cli *cli, const struct pt_credentials *c,
                         bool warn)
{
	const char *why[4];
	size_t n = pt_connstr_warnings(cli->string_format, &c->endpoint, why, 4);
	pt_error err;
	char *s;

	for (size_t i = 0; warn && i < n; i++)
		fprintf(stderr, _("%s: warning: %s\n"), cli->progname, why[i]);
	if (cli->string_format == PT_CONNSTR_URI)
		return pt_secret_strdup(c->connection_string);
	s = pt_connstr_build(cli->string_format, &c->endpoint, c->username, c->password, &err);
	if (!s) {
		/* The tenant exists by now: hand over the URI rather than nothing. */
		fprintf(stderr, _("%s: warning: %s; giving the URI instead\n"), cli->progname,
		        err.message);
		s = pt_secret_strdup(c->connection_string);
	}
	return s;
}

pt_db *
pt_cli_connect(struct pt_cli *cli)
{
	pt_error err;
	pt_db *db;

	catch_signals();
	if (!cli->copts.wait_hook)
		cli->copts.wait_hook = interrupt_hook;
	if (!cli->copts.ask_password)
		cli->copts.ask_password = pt_prompt_password;
	db = pt_db_connect(cli->target, &cli->copts, &err);
	if (!db)
		pt_cli_fail(cli, &err);
	return db;
}

pgt_admin *
pt_cli_open_admin(struct pt_cli *cli)
{
	pt_db *db = pt_cli_connect(cli);

	return db ? pt_api_admin_adopt(db) : NULL;
}

/* Options every command takes: --format, and -h for its own usage. */
enum { OPT_FORMAT = 256, OPT_USER, OPT_PASSWORD_STDIN, OPT_CONN_LIMIT,
       OPT_VALID_UNTIL, OPT_YES, OPT_FROM, OPT_JOBS, OPT_INPUT_TIMEOUT };

static bool
parse_int(const char *s, int *out)
{
	char *end;
	long v;

	if (!*s)
		return false;
	v = strtol(s, &end, 10);
	if (*end || v < INT_MIN || v > INT_MAX)
		return false;
	*out = (int)v;
	return true;
}

bool
pt_cli_parse_int(const char *s, int *out)
{
	return parse_int(s, out);
}

/* A command that takes only --format. Returns -1 to go on, or an exit code. */
static int
parse_simple(struct pt_cli *cli, int argc, char **argv, int max_args)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 0;   /* 0: glibc starts afresh after main's parse */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == OPT_FORMAT) {
			if (!pt_cli_set_format(cli, argv[0], optarg))
				return 2;
		} else
			return pt_cli_usage_error(cli, argv[0], _("unknown option \"%s\""),
			                          argv[optind - 1]);
	}
	if (argc - optind > max_args)
		return pt_cli_usage_error(cli, argv[0], _("unexpected argument \"%s\""),
		                          argv[optind + max_args]);
	return -1;
}

int
pt_cli_parse_simple(struct pt_cli *cli, int argc, char **argv, int max_args)
{
	return parse_simple(cli, argc, argv, max_args);
}

/* A size in bytes; unknown (a relation is locked, a worker is down):
 * null, not a number. */
static const char *
bytes_cell(int64_t bytes, char *buf, size_t bufsz)
{
	if (bytes < 0)
		return NULL;
	snprintf(buf, bufsz, "%lld", (long long)bytes);
	return buf;
}

/* What list prints: the schemas, the tenants' session counts (NULL when
 * they could not be read), and which of schema_cell's columns each
 * printed column is (Citus adds the node). */
struct schema_cells {
	const struct pt_schema_list *list;
	const struct pt_session_counts *counts;
	const size_t *map;
};

static const char *
schema_cell(void *ud, size_t row, size_t col)
{
	static char buf[32];
	const struct schema_cells *sc = ud;
	const struct pt_schema_row *r = &sc->list->rows[row];

	switch (sc->map[col]) {
	case 0: return r->name;
	case 1: return r->owner;
	case 2: return r->login_roles;
	case 3: snprintf(buf, sizeof buf, "%ld", r->tables); return buf;
	case 4: return bytes_cell(r->size_bytes, buf, sizeof buf);
	case 5: pt_format_size(r->size_bytes, buf, sizeof buf); return buf;
	case 6:
		if (r->connection_limit < 0)
			return NULL;
		snprintf(buf, sizeof buf, "%d", r->connection_limit);
		return buf;
	case 7: return r->valid_until;
	case 8: return r->is_tenant ? "t" : "f";
	case 9: return r->is_tenant ? (r->locked ? "t" : "f") : NULL;
	case 10:
		/* a tenant's open sessions; null for other schemas, or when
		 * they could not be counted */
		if (!r->is_tenant || !sc->counts)
			return NULL;
		snprintf(buf, sizeof buf, "%ld", pt_session_count_of(sc->counts, r->name));
		return buf;
	/* "-": a distributed schema without a table is on no node yet */
	case 11: return r->node && !*r->node ? "-" : r->node;
	case 12:
	case 13: {
		/* the same query's counts: waiting on a lock, and idle in a
		 * transaction past --idle-xact */
		const struct pt_session_count *c;

		if (!r->is_tenant || !sc->counts)
			return NULL;
		c = pt_session_counts_find(sc->counts, r->name);
		snprintf(buf, sizeof buf, "%ld",
		         !c ? 0 : sc->map[col] == 12 ? c->blocked : c->idle_xact);
		return buf;
	}
	}
	return NULL;
}

/* Per worker: its tenants and their total size, every worker listed
 * (the empty one is where a tenant could go). */
struct node_total {
	const char *node;
	long tenants;
	int64_t size;            /* PT_SIZE_UNKNOWN when one of them is */
};

static struct node_total *
node_totals(const struct pt_citus *c, const struct pt_schema_list *l, size_t *n)
{
	struct node_total *t = pt_xcalloc(c->nnodes ? c->nnodes : 1, sizeof *t);

	*n = 0;
	for (size_t i = 0; i < c->nnodes; i++)
		if (!c->nodes[i].coordinator)
			t[(*n)++].node = c->nodes[i].name;
	for (size_t r = 0; r < l->n; r++)
		for (size_t i = 0; l->rows[r].is_tenant && l->rows[r].node && i < *n; i++) {
			if (strcmp(t[i].node, l->rows[r].node))
				continue;
			t[i].tenants++;
			if (l->rows[r].size_bytes < 0 || t[i].size == PT_SIZE_UNKNOWN)
				t[i].size = PT_SIZE_UNKNOWN;
			else
				t[i].size += l->rows[r].size_bytes;
		}
	return t;
}

static const char *
node_cell(void *ud, size_t row, size_t col)
{
	static char buf[32];
	const struct node_total *t = &((const struct node_total *)ud)[row];

	switch (col) {
	case 0: return t->node;
	case 1: snprintf(buf, sizeof buf, "%ld", t->tenants); return buf;
	case 2: return bytes_cell(t->size, buf, sizeof buf);
	case 3: pt_format_size(t->size, buf, sizeof buf); return buf;
	}
	return NULL;
}

static const struct pt_column node_cols[] = {
	{ "node", N_("NODE"), PT_COL_TEXT, false },
	{ "tenants", N_("TENANTS"), PT_COL_NUMBER, true },
	{ "size_bytes", N_("BYTES"), PT_COL_NUMBER, true },
	{ "size", N_("SIZE"), PT_COL_TEXT, true },
};

/* JSON on a Citus coordinator: an object, the cluster first, then the
 * per-node totals and the schemas (plain PostgreSQL keeps the array). */
static void
citus_json_head(const struct pt_citus *c, const struct pt_schema_list *l,
                const struct node_total *t, size_t nt)
{
	const char *down = l->failed_names ? l->failed_names : c->down_names;

	fputs("{\"citus\": {\"coordinator\": ", stdout);
	pt_json_string(stdout, c->nnodes ? c->nodes[0].name : "");
	printf(", \"workers\": %d, \"down\": [", c->workers);
	for (const char *p = down; p && *p;) {
		size_t len = strcspn(p, ",");
		char *one = pt_xasprintf("%.*s", (int)len, p);
		pt_json_string(stdout, one);
		free(one);
		p += len;
		p += strspn(p, ", ");
		if (*p)
			fputs(", ", stdout);
	}
	fputs("]},\n\"nodes\": ", stdout);
	pt_print_rows(stdout, PT_FORMAT_JSON, node_cols, sizeof node_cols / sizeof *node_cols,
	              nt, node_cell, (void *)t);
	fputs(",\"schemas\": ", stdout);
}

int
pt_cmd_list(struct pt_cli *cli, int argc, char **argv)
{
	static const struct pt_column cols[] = {
		{ "schema", N_("SCHEMA"), PT_COL_TEXT, false },
		{ "owner", N_("OWNER"), PT_COL_TEXT, false },
		{ "login_roles", N_("LOGIN ROLES"), PT_COL_TEXT, false },
		{ "tables", N_("TABLES"), PT_COL_NUMBER, true },
		{ "size_bytes", N_("BYTES"), PT_COL_NUMBER, true },
		{ "size", N_("SIZE"), PT_COL_TEXT, true },
		{ "connection_limit", N_("CONN LIMIT"), PT_COL_NUMBER, true },
		{ "valid_until", N_("VALID UNTIL"), PT_COL_NULLABLE, false },
		{ "is_tenant", N_("TENANT"), PT_COL_BOOL, false },
		{ "locked", N_("LOCKED"), PT_COL_BOOL, false },
		{ "sessions", N_("SESSIONS"), PT_COL_NUMBER, true },
		{ "node", N_("NODE"), PT_COL_NULLABLE, false },
		{ "blocked", N_("BLOCKED"), PT_COL_NUMBER, true },
		{ "idle_in_xact", N_("IDLE IN XACT"), PT_COL_NUMBER, true },
	};
	/* locked, sessions and the sessions' marks last: CSV and JSON
	 * readers keep their columns */
	static const size_t plain_map[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13 };
	/* the node beside the size: what to compare when deciding a move */
	static const size_t citus_map[] = { 0, 1, 2, 3, 4, 5, 11, 6, 7, 8, 9, 10, 12, 13 };
	struct pt_column shown[sizeof citus_map / sizeof *citus_map];
	const struct pt_citus *citus;
	struct pt_schema_list list;
	struct pt_session_counts counts;
	struct schema_cells sc = { &list, &counts, NULL };
	pt_error err;
	pt_db *db;
	int rc = parse_simple(cli, argc, argv, 0);

	if (rc >= 0)
		return rc;
	if (!(db = pt_cli_connect(cli)))
		return 2;
	if (pt_schema_list_load(db, true, &list, &err) != PT_OK) {
		rc = pt_cli_fail(cli, &err);
		pt_db_close(db);
		return rc;
	}
	/* One query for every tenant's count, as the console does. */
	if (pt_session_counts_load(db, cli->idle_xact_s, &counts, &err) != PT_OK) {
		pt_fprintf_safe(stderr, _("%s: warning: the sessions could not be counted: %s\n"),
		                cli->progname, err.message);
		sc.counts = NULL;
	}
	citus = pt_db_citus(db);
	if (!citus->present) {
		for (size_t i = 0; i < sizeof plain_map / sizeof *plain_map; i++)
			shown[i] = cols[plain_map[i]];
		sc.map = plain_map;
		pt_print_rows(stdout, cli->format, shown, sizeof plain_map / sizeof *plain_map,
		              list.n, schema_cell, &sc);
	} else {
		size_t nt;
		struct node_total *t = node_totals(citus, &list, &nt);

		for (size_t i = 0; i < sizeof citus_map / sizeof *citus_map; i++)
			shown[i] = cols[citus_map[i]];
		sc.map = citus_map;
		if (cli->format == PT_FORMAT_JSON)
			citus_json_head(citus, &list, t, nt);
		pt_print_rows(stdout, cli->format, shown, sizeof citus_map / sizeof *citus_map,
		              list.n, schema_cell, &sc);
		if (cli->format == PT_FORMAT_JSON)
			fputs("}\n", stdout);
		else if (cli->format == PT_FORMAT_TABLE) {
			fputc('\n', stdout);
			pt_fprintf_safe(stdout, P_("Citus coordinator %s, %d worker:\n",
			                           "Citus coordinator %s, %d workers:\n", citus->workers),
			                citus->nnodes ? citus->nodes[0].name : "", citus->workers);
			pt_print_rows(stdout, PT_FORMAT_TABLE, node_cols,
			              sizeof node_cols / sizeof *node_cols, nt, node_cell, t);
		}
		free(t);
		if (list.failed_nodes) {
			pt_fprintf_safe(stderr, _("%s: warning: Citus worker(s) did not answer; the "
			                          "sizes of the schemas on them are unknown (?):\n%s\n"),
			                cli->progname, list.failed_nodes);
			rc = PT_EXIT_NODE_DOWN;
		}
	}
	if (sc.counts)
		pt_session_counts_free(&counts);
	pt_schema_list_free(&list);
	pt_db_close(db);
	return rc < 0 ? 0 : rc;
}

static const char *
role_cell(void *ud, size_t row, size_t col)
{
	static char buf[32];
	const struct pt_role_row *r = &((struct pt_role_list *)ud)->rows[row];

	switch (col) {
	case 0: return r->name;
	case 1: return r->login ? "t" : "f";
	case 2: return r->superuser ? "t" : "f";
	case 3: return r->createdb ? "t" : "f";
	case 4: return r->createrole ? "t" : "f";
	case 5: return r->replication ? "t" : "f";
	case 6: return r->bypassrls ? "t" : "f";
	case 7: return r->inherit ? "t" : "f";
	case 8:
		if (r->connection_limit < 0)
			return NULL;
		snprintf(buf, sizeof buf, "%d", r->connection_limit);
		return buf;
	case 9: return r->valid_until;
	case 10: return r->member_of;
	case 11: return r->search_path;
	}
	return NULL;
}

int
pt_cmd_roles(struct pt_cli *cli, int argc, char **argv)
{
	static const struct pt_column cols[] = {
		{ "role", N_("ROLE"), PT_COL_TEXT, false },
		{ "login", N_("LOGIN"), PT_COL_BOOL, false },
		{ "superuser", N_("SUPER"), PT_COL_BOOL, false },
		{ "createdb", N_("CREATEDB"), PT_COL_BOOL, false },
		{ "createrole", N_("CREATEROLE"), PT_COL_BOOL, false },
		{ "replication", N_("REPLICATION"), PT_COL_BOOL, false },
		{ "bypassrls", N_("BYPASSRLS"), PT_COL_BOOL, false },
		{ "inherit", N_("INHERIT"), PT_COL_BOOL, false },
		{ "connection_limit", N_("CONN LIMIT"), PT_COL_NUMBER, true },
		{ "valid_until", N_("VALID UNTIL"), PT_COL_NULLABLE, false },
		{ "member_of", N_("MEMBER OF"), PT_COL_TEXT, false },
		{ "search_path", N_("SEARCH PATH"), PT_COL_NULLABLE, false },
	};
	struct pt_role_list list;
	pt_error err;
	pt_db *db;
	int rc = parse_simple(cli, argc, argv, 0);

	if (rc >= 0)
		return rc;
	if (!(db = pt_cli_connect(cli)))
		return 2;
	if (pt_role_list_load(db, &list, &err) != PT_OK) {
		rc = pt_cli_fail(cli, &err);
		pt_db_close(db);
		return rc;
	}
	pt_print_rows(stdout, cli->format, cols, sizeof cols / sizeof *cols, list.n,
	              role_cell, &list);
	pt_role_list_free(&list);
	pt_db_close(db);
	return 0;
}

/* Credentials in the chosen format. JSON carries exactly the four fields
 * of cloaca's TenantCredentials. */
static void
print_credential_values(const struct pt_cli *cli, const char *const vals[4])
{
	const char *keys[4] = { "username", "password", "schema_name", "connection_string" };

	switch (cli->format) {
	case PT_FORMAT_JSON:
		pt_json_object(stdout, keys, vals, 4);
		fputc('\n', stdout);
		break;
	case PT_FORMAT_CSV:
		pt_csv_record(stdout, keys, 4);
		pt_csv_record(stdout, vals, 4);
		break;
	default:
		pt_pairs_table(stdout, keys, vals, 4);
	}
	fflush(stdout);
}

/* The credentials with the connection string in the --string-format form,
 * with the warnings and the fall-back to the URI of
 * pt_cli_connection_string. */
static void
print_api_credentials(const struct pt_cli *cli, pgt_credentials *c)
{
	pgt_string_form form = pt_api_string_form(cli->string_format);
	const char *why[4], *cs;
	size_t n = pgt_credentials_string_warnings(c, form, why, 4);
	pgt_error *err = NULL;

	for (size_t i = 0; i < n; i++)
		fprintf(stderr, _("%s: warning: %s\n"), cli->progname, why[i]);
	if (!(cs = pgt_credentials_connection_string_as(c, form, &err))) {
		/* The tenant exists by now: hand over the URI rather than nothing. */
		fprintf(stderr, _("%s: warning: %s; giving the URI instead\n"), cli->progname,
		        pgt_error_message(err));
		pgt_error_free(err);
		cs = pgt_credentials_connection_string(c);
	}
	print_credential_values(cli, (const char *const[4]){ pgt_credentials_username(c),
	                        pgt_credentials_password(c), pgt_credentials_schema_name(c), cs });
}

/* Read the password for create/rotate from stdin when asked to. */
static bool
stdin_password(const struct pt_cli *cli, bool wanted, char **out)
{
	const char *why = NULL;

	*out = NULL;
	if (!wanted)
		return true;
	*out = pt_read_secret_line(stdin, &why);
	if (*out && cli->format == PT_FORMAT_JSON && !pt_utf8_valid(*out)) {
		/* Checked before anything is created: JSON cannot carry the
		 * password, and the tenant must not exist without it. */
		why = _(PT_BULK_NOT_UTF8);
		pt_secret_free(*out);
		*out = NULL;
	}
	if (!*out) {
		fprintf(stderr, "%s: %s\n", cli->progname, why);
		return false;
	}
	return true;
}

static void
warn_not_hardened(const struct pt_cli *cli, bool hardened, const char *dbname)
{
	if (!hardened)
		pt_fprintf_safe(stderr,
		        _("%s: warning: database \"%s\" is not hardened: tenants can still "
		          "use the public schema and PUBLIC may connect; run '%s harden'\n"),
		        cli->progname, dbname, cli->progname);
}

void
pt_cli_warn_not_hardened(const struct pt_cli *cli, pt_db *db)
{
	warn_not_hardened(cli, pt_db_info(db)->hardened, pt_db_info(db)->dbname);
}

/* The single create's config for libpgtenant (the password stays out:
 * it is set once read). */
static pgt_config *
api_config(const struct pt_tenant_config *c)
{
	pgt_config *p = pgt_config_new();

	pgt_config_set_schema_name(p, c->schema_name);
	pgt_config_set_username(p, c->username);
	pgt_config_set_user_pattern(p, c->user_pattern);
	pgt_config_set_connection_limit(p, c->connection_limit);
	pgt_config_set_valid_until(p, c->valid_until);
	return p;
}

int
pt_cmd_create(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "user", required_argument, NULL, OPT_USER },
		{ "password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN },
		{ "connection-limit", required_argument, NULL, OPT_CONN_LIMIT },
		{ "valid-until", required_argument, NULL, OPT_VALID_UNTIL },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "jobs", required_argument, NULL, OPT_JOBS },
		{ "input-timeout", required_argument, NULL, OPT_INPUT_TIMEOUT },
		{ NULL, 0, NULL, 0 }
	};
	int input_timeout = -1;
	struct pt_tenant_config cfg;
	int jobs = -1;
	pgt_credentials *creds;
	const char *from = NULL;
	bool pw_stdin = false;
	char *password = NULL;
	pgt_error *err = NULL;
	pgt_config *pcfg;
	pgt_admin *admin;
	int c, rc;

	pt_cli_tenant_defaults(cli, &cfg);
	optind = 0;   /* 0: glibc starts afresh after main's parse */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (!pt_cli_set_format(cli, argv[0], optarg))
				return 2;
			break;
		case OPT_USER: cfg.username = optarg; break;
		case OPT_PASSWORD_STDIN: pw_stdin = true; break;
		case OPT_CONN_LIMIT:
			if (!parse_int(optarg, &cfg.connection_limit) || cfg.connection_limit < -1)
				return pt_cli_usage_error(cli, argv[0],
				                          _("--connection-limit needs a whole number of -1 or more"));
			break;
		case OPT_VALID_UNTIL: cfg.valid_until = optarg; break;
		case OPT_FROM: from = optarg; break;
		case OPT_JOBS:
			if (!parse_int(optarg, &jobs) || jobs < 0 || jobs > PT_BULK_MAX_JOBS)
				return pt_cli_usage_error(cli, argv[0],
				                          _("--jobs needs a whole number from 0 (chosen "
				                            "for the server) to %d"), PT_BULK_MAX_JOBS);
			break;
		case OPT_INPUT_TIMEOUT:
			if (!parse_int(optarg, &input_timeout) || input_timeout < 0)
				return pt_cli_usage_error(cli, argv[0],
				                          _("--input-timeout needs a whole number of "
				                            "seconds, 0 or more"));
			break;
		default:
			if (optopt && optopt < 256 && optopt != '?')
				return pt_cli_usage_error(cli, argv[0], _("unknown option \"-%c\""), optopt);
			return pt_cli_usage_error(cli, argv[0], _("unknown option or missing value: \"%s\""),
			                          argv[optind - 1]);
		}
	}
	if (!from && input_timeout >= 0)
		return pt_cli_usage_error(cli, argv[0], _("--input-timeout goes with --from"));
	if (input_timeout < 0)
		input_timeout = PT_DEFAULT_INPUT_TIMEOUT;
	if (from) {
		if (argc - optind != 0 || cfg.username || pw_stdin)
			return pt_cli_usage_error(cli, argv[0],
			                          _("--from takes schema names, user names and "
			                            "passwords from the file: give no schema name, "
			                            "--user or --password-stdin with it"));
		return pt_cli_create_from(cli, from, &cfg, jobs < 0 ? 0 : (unsigned)jobs,
		                          input_timeout);
	}
	if (jobs >= 0)
		return pt_cli_usage_error(cli, argv[0], _("--jobs goes with --from"));
	if (argc - optind != 1)
		return pt_cli_usage_error(cli, argv[0], _("give exactly one schema name"));
	cfg.schema_name = argv[optind];
	pcfg = api_config(&cfg);
	/* Refuse bad names before asking for anything. */
	if (pgt_config_check(pcfg, &err) != PGT_OK) {
		pgt_config_free(pcfg);
		return pt_cli_fail_api(cli, err);
	}
	if (!stdin_password(cli, pw_stdin, &password)) {
		pgt_config_free(pcfg);
		return 2;
	}
	pgt_config_set_password(pcfg, password);
	pt_secret_free(password);
	if (!(admin = pt_cli_open_admin(cli))) {
		pgt_config_free(pcfg);
		return 2;
	}
	if (!(creds = pgt_tenant_create(admin, pcfg, &err))) {
		rc = pt_cli_fail_api(cli, err);
	} else {
		warn_not_hardened(cli, pgt_admin_hardened(admin), pgt_admin_database(admin));
		print_api_credentials(cli, creds);
		pgt_credentials_free(creds);
		rc = 0;
	}
	pgt_config_free(pcfg);
	pgt_admin_close(admin);
	return rc;
}

int
pt_cmd_drop(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, OPT_YES },
		{ NULL, 0, NULL, 0 }
	};
	char typed[256], prompt[256];
	bool yes = false;
	const char *schema;
	pgt_error *err = NULL;
	pgt_admin *admin;
	char *preview;
	int c, rc;

	optind = 0;   /* 0: glibc starts afresh after main's parse */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "y", opts, NULL)) != -1) {
		if (c == OPT_YES || c == 'y')
			yes = true;
		else
			return pt_cli_usage_error(cli, argv[0], _("unknown option \"%s\""),
			                          argv[optind - 1]);
	}
	if (argc - optind != 1)
		return pt_cli_usage_error(cli, argv[0], _("give exactly one schema name"));
	schema = argv[optind];
	if (pgt_schema_name_check(schema, &err) != PGT_OK)
		return pt_cli_fail_api(cli, err);
	if (!(admin = pt_cli_open_admin(cli)))
		return 2;
	preview = pgt_tenant_drop_preview(admin, schema, &err);
	if (!preview) {
		rc = pt_cli_fail_api(cli, err);
		pgt_admin_close(admin);
		return rc;
	}
	if (!yes) {
		pt_fprintf_safe(stderr, _("This will run:\n%s\n"), preview);
		snprintf(prompt, sizeof prompt,
		         _("Type the schema name \"%s\" to drop it with all its data: "), schema);
		if (!pt_prompt_line(prompt, typed, sizeof typed)) {
			if (interrupted)
				fprintf(stderr, _("\n%s: interrupted; nothing was dropped\n"),
				        cli->progname);
			else
				fprintf(stderr, _("%s: no terminal to confirm on: add --yes to "
				                  "drop without asking\n"), cli->progname);
			pgt_free(preview);
			pgt_admin_close(admin);
			return 2;
		}
		if (interrupted || strcmp(typed, schema) != 0) {
			fprintf(stderr, _("%s: the name did not match; nothing was dropped\n"),
			        cli->progname);
			pgt_free(preview);
			pgt_admin_close(admin);
			return 1;
		}
	}
	pgt_free(preview);
	rc = pgt_tenant_drop(admin, schema, &err) == PGT_OK ? 0 : pt_cli_fail_api(cli, err);
	if (rc == 0)
		fprintf(stderr, _("dropped tenant \"%s\"\n"), schema);
	pgt_admin_close(admin);
	return rc;
}

int
pt_cmd_rotate(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN },
		{ NULL, 0, NULL, 0 }
	};
	pgt_credentials *creds;
	bool pw_stdin = false;
	char *password = NULL;
	pgt_error *err = NULL;
	pgt_admin *admin;
	int c, rc;

	optind = 0;   /* 0: glibc starts afresh after main's parse */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == OPT_FORMAT) {
			if (!pt_cli_set_format(cli, argv[0], optarg))
				return 2;
		} else if (c == OPT_PASSWORD_STDIN)
			pw_stdin = true;
		else
			return pt_cli_usage_error(cli, argv[0], _("unknown option \"%s\""),
			                          argv[optind - 1]);
	}
	if (argc - optind != 1)
		return pt_cli_usage_error(cli, argv[0], _("give exactly one schema name"));
	if (pgt_schema_name_check(argv[optind], &err) != PGT_OK)
		return pt_cli_fail_api(cli, err);
	if (!stdin_password(cli, pw_stdin, &password))
		return 2;
	if (!(admin = pt_cli_open_admin(cli))) {
		pt_secret_free(password);
		return 2;
	}
	if (!(creds = pgt_tenant_rotate_password(admin, argv[optind], password, &err)))
		rc = pt_cli_fail_api(cli, err);
	else {
		print_api_credentials(cli, creds);
		pgt_credentials_free(creds);
		rc = 0;
	}
	pt_secret_free(password);
	pgt_admin_close(admin);
	return rc;
}
