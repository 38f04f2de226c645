/* pgtenant sessions, lock, unlock and alter: live operations on tenants. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "citus.h"
#include "cli.h"
#include "ops.h"
#include "prompt.h"
#include "sanitize.h"

enum { OPT_FORMAT = 256, OPT_CANCEL, OPT_TERMINATE, OPT_STARTED, OPT_YES, OPT_DRY_RUN,
       OPT_CONN_LIMIT, OPT_VALID_UNTIL, OPT_SET, OPT_RESET, OPT_TO,
       OPT_PROGRESS, OPT_NO_PROGRESS };

/* The usage error for an option getopt_long did not take. */
static int
bad_option(const struct pt_cli *cli, char **argv)
{
	if (optopt && optopt < 256 && optopt != '?')
		return pt_cli_usage_error(cli, argv[0], _("unknown option \"-%c\""), optopt);
	return pt_cli_usage_error(cli, argv[0], _("unknown option or missing value: \"%s\""),
	                          argv[optind - 1]);
}

/* ---- sessions ----------------------------------------------------------- */

static const char *
session_cell(void *ud, size_t row, size_t col)
{
	static char buf[32];
	const struct pt_session *s = &((const struct pt_session_list *)ud)->rows[row];

	switch (col) {
	case 0: return s->schemas;
	case 1: return s->role;
	case 2: snprintf(buf, sizeof buf, "%d", s->pid); return buf;
	case 3: return s->database;
	case 4: return s->state;
	case 5: return s->client;
	case 6: return s->client_hostname;
	case 7: return s->application_name;
	case 8: return s->backend_start;
	case 9:
		if (s->xact_age < 0)
			return NULL;
		snprintf(buf, sizeof buf, "%lld", s->xact_age);
		return buf;
	case 10: return s->wait_event_type;
	case 11: return s->wait_event;
	case 12: return s->blocked_by;
	case 13: return s->query;
	case 14: return s->node;
	case 15:
		if (!s->gpid)
			return NULL;
		snprintf(buf, sizeof buf, "%lld", s->gpid);
		return buf;
	}
	return NULL;
}

/* What a terminal shows of a session before it is terminated: each
 * string is the tenant's, so each goes through the sanitiser. */
static void
describe_session(FILE *out, const struct pt_session *s)
{
	const char *text[] = { s->schemas, s->role, s->state, s->application_name, s->query };
	char *clean[5];

	for (int i = 0; i < 5; i++)
		clean[i] = pt_sanitize_dup(text[i] ? text[i] : "", 0);
	fprintf(out, _("Session %d of tenant %s (role %s, %s, application \"%s\"):\n  %s\n"),
	        s->pid, clean[0], clean[1], clean[2], clean[3], clean[4]);
	for (int i = 0; i < 5; i++)
		free(clean[i]);
}

/* A pid, or on Citus a global pid: digits only, above 0. */
static bool
parse_id(const char *s, long long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return !*end && !errno && *out > 0;
}

/* Cancel the query of, or terminate, session pid of the tenant owning
 * schema: the one started at started when that is given (a pid read from
 * an earlier listing may have been reused since). Terminating asks for the
 * pid to be typed back unless yes. The session acted on is printed in the
 * chosen format, its start time with it; the signal itself carries the
 * start time and the schema, so a session that ended meanwhile is never
 * confused with its pid's next owner. On Citus an id beyond a pid's range
 * is a global pid (citus_stat_activity's, as the console's X signals): it
 * names a backend on any node, a worker's too. */
static int
signal_session(struct pt_cli *cli, pt_db *db, const char *schema, long long id,
               const char *started, enum pt_signal sig, bool yes,
               const struct pt_column *cols, size_t ncols)
{
	struct pt_session_list list, one;
	const struct pt_session *s = NULL;
	char typed[32], prompt[128], want[16];
	pt_error err;
	int rc = 0;
	bool global = id > INT_MAX;
	int pid = global ? 0 : (int)id;

	if (pt_sessions_load(db, schema, &list, &err) != PT_OK)
		return pt_cli_fail(cli, &err);
	for (size_t i = 0; i < list.n && !s; i++)
		/* A pid here is a coordinator session's (on Citus a worker's
		 * backend may have the same number). */
		if (global ? list.rows[i].gpid == id : list.rows[i].pid == pid && !list.rows[i].node)
			s = &list.rows[i];
	if (!s && global && !list.hidden) {
		pt_error_set(&err, PT_ERR_NOT_FOUND,
		             _("tenant \"%s\" has no backend with global pid %lld on any node"),
		             schema, id);
		rc = pt_cli_fail(cli, &err);
		goto out;
	}
	if (global)
		pid = s ? s->pid : 0;
	if (!s && list.hidden) {
		/* Its sessions are hidden from this session: it may be one. */
		rc = (pt_sessions_hidden_error(db, &list, &err), pt_cli_fail(cli, &err));
		goto out;
	}
	if (!s) {
		/* Why: no such pid, not a tenant's, or another tenant's. */
		if (pt_session_signal_tenant(db, schema, pid, NULL, PT_SIGNAL_CHECK, &err) != PT_OK)
			rc = pt_cli_fail(cli, &err);
		else {
			pt_error_set(&err, PT_ERR_NOT_FOUND,
			             _("session %d of tenant \"%s\" started after it was looked up: "
			               "nothing was sent; list the sessions again"), pid, schema);
			rc = pt_cli_fail(cli, &err);
		}
		goto out;
	}
	if (started && (!s->backend_start || strcmp(started, s->backend_start) != 0)) {
		pt_error_set(&err, PT_ERR_NOT_FOUND,
		             _("session %d of tenant \"%s\" started at %s, not %s: the pid now "
		               "belongs to another session; nothing was sent"),
		             pid, schema, s->backend_start ? s->backend_start : "?", started);
		rc = pt_cli_fail(cli, &err);
		goto out;
	}
	if (sig == PT_SIGNAL_TERMINATE && !yes) {
		describe_session(stderr, s);
		snprintf(want, sizeof want, "%lld", id);
		if (global)
			snprintf(prompt, sizeof prompt,
			         _("Type the global pid %lld to terminate the backend: "), id);
		else
			snprintf(prompt, sizeof prompt, _("Type the pid %d to terminate the session: "),
			         pid);
		if (!pt_prompt_line(prompt, typed, sizeof typed)) {
			fprintf(stderr, _("%s: no terminal to confirm on: add --yes to terminate "
			                  "without asking\n"), cli->progname);
			rc = 2;
		} else if (strcmp(typed, want) != 0) {
			fprintf(stderr, _("%s: the pid did not match; nothing was terminated\n"),
			        cli->progname);
			rc = 1;
		}
		if (rc)
			goto out;
	}
	if (pt_session_signal_tenant(db, schema, pid, s->backend_start, sig, &err) != PT_OK) {
		rc = pt_cli_fail(cli, &err);
		goto out;
	}
	one.rows = (struct pt_session *)s;
	one.n = 1;
	pt_print_rows(stdout, cli->format, cols, ncols, 1, session_cell, &one);
	if (global)
		fprintf(stderr, sig == PT_SIGNAL_TERMINATE
		        ? _("terminated backend %lld on %s (started %s)\n")
		        : _("canceled the query of backend %lld on %s (started %s)\n"),
		        id, s->node ? s->node : _("the coordinator"), s->backend_start);
	else if (sig == PT_SIGNAL_TERMINATE)
		fprintf(stderr, _("terminated session %d (started %s)\n"), pid, s->backend_start);
	else
		fprintf(stderr, _("canceled the query of session %d (started %s)\n"), pid,
		        s->backend_start);
out:
	pt_session_list_free(&list);
	return rc;
}

int
pt_cmd_sessions(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "cancel", required_argument, NULL, OPT_CANCEL },
		{ "terminate", required_argument, NULL, OPT_TERMINATE },
		{ "started", required_argument, NULL, OPT_STARTED },
		{ "yes", no_argument, NULL, OPT_YES },
		{ NULL, 0, NULL, 0 }
	};
	static const struct pt_column cols[] = {
		{ "schema", N_("SCHEMA"), PT_COL_TEXT, false },
		{ "role", N_("ROLE"), PT_COL_TEXT, false },
		{ "pid", N_("PID"), PT_COL_NUMBER, true },
		{ "database", N_("DATABASE"), PT_COL_TEXT, false },
		{ "state", N_("STATE"), PT_COL_NULLABLE, false },
		{ "client", N_("CLIENT"), PT_COL_NULLABLE, false },
		{ "client_hostname", N_("HOSTNAME"), PT_COL_NULLABLE, false },
		{ "application_name", N_("APPLICATION"), PT_COL_TEXT, false },
		{ "backend_start", N_("STARTED"), PT_COL_TEXT, false },
		{ "xact_age_seconds", N_("XACT S"), PT_COL_NUMBER, true },
		{ "wait_event_type", N_("WAIT"), PT_COL_NULLABLE, false },
		{ "wait_event", N_("WAITING ON"), PT_COL_NULLABLE, false },
		{ "blocked_by", N_("BLOCKED BY"), PT_COL_NULLABLE, false },
		{ "query", N_("QUERY"), PT_COL_TEXT, false },
		{ "node", N_("NODE"), PT_COL_NULLABLE, false },
		/* what --cancel and --terminate take for a worker's backend */
		{ "global_pid", N_("GLOBAL PID"), PT_COL_NULLABLE, true },
	};
	struct pt_session_list list;
	const char *schema = NULL, *started = NULL;
	long long cancel = 0, terminate = 0;
	int c, rc;
	bool yes = false;
	pt_error err;
	pt_db *db;

	optind = 0;   /* 0: glibc starts afresh after main's parse */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "y", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (!pt_cli_set_format(cli, argv[0], optarg))
				return 2;
			break;
		case OPT_CANCEL:
		case OPT_TERMINATE:
			if (!parse_id(optarg, c == OPT_CANCEL ? &cancel : &terminate))
				return pt_cli_usage_error(cli, argv[0],
				                          _("--cancel and --terminate need a process id"));
			break;
		case OPT_STARTED: started = optarg; break;
		case OPT_YES: case 'y': yes = true; break;
		default: return bad_option(cli, argv);
		}
	}
	if (cancel && terminate)
		return pt_cli_usage_error(cli, argv[0], _("give --cancel or --terminate, not both"));
	if (argc - optind > 1)
		return pt_cli_usage_error(cli, argv[0], _("unexpected argument \"%s\""),
		                          argv[optind + 1]);
	if (optind < argc)
		schema = argv[optind];
	/* A pid alone could name any tenant's session by the time the signal
	 * goes: the tenant bounds what a reused pid can hit. */
	if ((cancel || terminate) && !schema)
		return pt_cli_usage_error(cli, argv[0],
		                          _("--cancel and --terminate need the tenant's schema: "
		                            "sessions SCHEMA --cancel=PID"));
	if (started && !cancel && !terminate)
		return pt_cli_usage_error(cli, argv[0],
		                          _("--started goes with --cancel or --terminate"));
	if (schema && pt_name_validate(schema, PT_NAME_SCHEMA, &err) != PT_OK)
		return pt_cli_fail(cli, &err);
	if (!(db = pt_cli_connect(cli)))
		return 2;
	if (cancel || terminate)
		rc = signal_session(cli, db, schema, cancel ? cancel : terminate, started,
		                    cancel ? PT_SIGNAL_CANCEL : PT_SIGNAL_TERMINATE, yes,
		                    cols, sizeof cols / sizeof *cols - !pt_db_citus(db)->present);
	else if (pt_sessions_load(db, schema, &list, &err) != PT_OK)
		rc = pt_cli_fail(cli, &err);
	else {
		/* The node and global pid columns only where there are nodes. */
		const struct pt_citus *ci = pt_db_citus(db);
		bool citus = ci && ci->present;
		pt_print_rows(stdout, cli->format, cols, sizeof cols / sizeof *cols - 2 * !citus, list.n,
		              session_cell, &list);
		/* citus_stat_activity leaves out a node that does not answer. */
		if (citus && ci->down)
			fprintf(stderr, _("%s: warning: worker node(s) %s did not answer: their "
			                  "backends are not listed\n"), cli->progname, ci->down_names);
		/* What could not be seen is a failure, never an empty list. */
		rc = list.hidden ? (pt_sessions_hidden_error(db, &list, &err), pt_cli_fail(cli, &err))
		                 : 0;
		pt_session_list_free(&list);
	}
	pt_db_close(db);
	return rc;
}

/* ---- lock and unlock ---------------------------------------------------- */

/* Parse SCHEMA with -n/--dry-run, -y/--yes and, for lock, --terminate. */
static int
parse_lock(struct pt_cli *cli, int argc, char **argv, bool allow_terminate,
           bool *terminate, bool *dry_run, bool *yes)
{
	static const struct option opts[] = {
		{ "terminate", no_argument, NULL, OPT_TERMINATE },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "yes", no_argument, NULL, OPT_YES },
		{ NULL, 0, NULL, 0 }
	};
	pgt_error *err = NULL;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ny", opts, NULL)) != -1) {
		if (c == OPT_TERMINATE && allow_terminate)
			*terminate = true;
		else if (c == OPT_DRY_RUN || c == 'n')
			*dry_run = true;
		else if (c == OPT_YES || c == 'y')
			*yes = true;
		else if (c == OPT_TERMINATE)
			return pt_cli_usage_error(cli, argv[0], _("unknown option \"%s\""),
			                          argv[optind - 1]);
		else
			return bad_option(cli, argv);
	}
	if (argc - optind != 1)
		return pt_cli_usage_error(cli, argv[0], _("give exactly one schema name"));
	if (pgt_schema_name_check(argv[optind], &err) != PGT_OK)
		return pt_cli_fail_api(cli, err);
	return -1;
}

int
pt_cmd_lock(struct pt_cli *cli, int argc, char **argv)
{
	bool terminate = false, dry_run = false, yes = false;
	char typed[256], prompt[256];
	const char *schema;
	char *preview;
	int rc, ended;
	pgt_error *err = NULL;
	pgt_admin *admin;

	if ((rc = parse_lock(cli, argc, argv, true, &terminate, &dry_run, &yes)) >= 0)
		return rc;
	rc = 0;
	schema = argv[optind];
	if (!(admin = pt_cli_open_admin(cli)))
		return 2;
	if (!(preview = pgt_tenant_lock_preview(admin, schema, terminate, &err))) {
		rc = pt_cli_fail_api(cli, err);
		goto out;
	}
	printf(_("-- Locking tenant \"%s\" runs:\n%s\n"), schema, preview);
	fflush(stdout);
	pgt_free(preview);
	if (dry_run)
		goto out;
	/* Locking alone is undone by unlock; ended sessions are not. */
	if (terminate && !yes) {
		snprintf(prompt, sizeof prompt,
		         _("Type the schema name \"%s\" to lock it and end its sessions: "), schema);
		if (!pt_prompt_line(prompt, typed, sizeof typed)) {
			fprintf(stderr, _("%s: no terminal to confirm on: add --yes to lock without "
			                  "asking\n"), cli->progname);
			rc = 2;
			goto out;
		}
		if (strcmp(typed, schema) != 0) {
			fprintf(stderr, _("%s: the name did not match; nothing was changed\n"),
			        cli->progname);
			rc = 1;
			goto out;
		}
	}
	if (pgt_tenant_lock(admin, schema, terminate, &ended, &err) != PGT_OK) {
		rc = pt_cli_fail_api(cli, err);
		goto out;
	}
	if (terminate)
		fprintf(stderr, _("locked tenant \"%s\"; sessions terminated: %d\n"),
		        schema, ended);
	else
		fprintf(stderr, _("locked tenant \"%s\"\n"), schema);
out:
	pgt_admin_close(admin);
	return rc;
}

int
pt_cmd_unlock(struct pt_cli *cli, int argc, char **argv)
{
	bool terminate = false, dry_run = false, yes = false;
	const char *schema;
	char *preview;
	pgt_error *err = NULL;
	pgt_admin *admin;
	int rc;

	if ((rc = parse_lock(cli, argc, argv, false, &terminate, &dry_run, &yes)) >= 0)
		return rc;
	rc = 0;
	schema = argv[optind];
	if (!(admin = pt_cli_open_admin(cli)))
		return 2;
	if (!(preview = pgt_tenant_unlock_preview(admin, schema, &err))) {
		rc = pt_cli_fail_api(cli, err);
		goto out;
	}
	printf(_("-- Unlocking tenant \"%s\" runs:\n%s\n"), schema, preview);
	fflush(stdout);
	pgt_free(preview);
	if (dry_run)
		goto out;
	if (pgt_tenant_unlock(admin, schema, &err) != PGT_OK)
		rc = pt_cli_fail_api(cli, err);
	else
		fprintf(stderr, _("unlocked tenant \"%s\"\n"), schema);
out:
	pgt_admin_close(admin);
	return rc;
}

/* ---- alter -------------------------------------------------------------- */

static const char *
setting_cell(void *ud, size_t row, size_t col)
{
	static char buf[32];
	const struct pt_tenant_settings *s = ud;

	/* Rows 0-2 are the role's attributes, then its settings. */
	if (row < 3) {
		static const char *const names[] = { "login", "connection_limit", "valid_until" };
		if (col == 0)
			return names[row];
		if (col == 2)
			return "role";
		switch (row) {
		case 0: return s->locked ? "false" : "true";
		case 1: snprintf(buf, sizeof buf, "%d", s->connection_limit); return buf;
		default: return s->valid_until ? s->valid_until : "infinity";
		}
	}
	row -= 3;
	switch (col) {
	case 0: return s->rows[row].name;
	case 1: return s->rows[row].value;
	default: return s->rows[row].all_databases ? "all databases" : "database";
	}
}

static int
show_settings(struct pt_cli *cli, pt_db *db, const char *schema)
{
	static const struct pt_column cols[] = {
		{ "name", N_("SETTING"), PT_COL_TEXT, false },
		{ "value", N_("VALUE"), PT_COL_TEXT, false },
		{ "scope", N_("SCOPE"), PT_COL_TEXT, false },
	};
	struct pt_tenant_settings s;
	pt_error err;

	if (pt_tenant_settings_load(db, schema, &s, &err) != PT_OK)
		return pt_cli_fail(cli, &err);
	pt_print_rows(stdout, cli->format, cols, sizeof cols / sizeof *cols, s.n + 3,
	              setting_cell, &s);
	pt_tenant_settings_free(&s);
	return 0;
}

int
pt_cmd_alter(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "connection-limit", required_argument, NULL, OPT_CONN_LIMIT },
		{ "valid-until", required_argument, NULL, OPT_VALID_UNTIL },
		{ "set", required_argument, NULL, OPT_SET },
		{ "reset", required_argument, NULL, OPT_RESET },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ NULL, 0, NULL, 0 }
	};
	pgt_alter *a = pgt_alter_new();
	bool dry_run = false, show = true;
	const char *schema;
	char *sql = NULL, *eq;
	pgt_error *err = NULL;
	pgt_admin *admin;
	pt_db *db;
	int c, limit, rc = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (!pt_cli_set_format(cli, argv[0], optarg))
				rc = 2;
			break;
		case OPT_CONN_LIMIT:
			if (!pt_cli_parse_int(optarg, &limit) || limit < -1)
				rc = pt_cli_usage_error(cli, argv[0],
				                        _("--connection-limit needs a whole number of -1 or more"));
			else {
				pgt_alter_set_connection_limit(a, limit);
				show = false;
			}
			break;
		case OPT_VALID_UNTIL:
			pgt_alter_set_valid_until(a, optarg);
			show = false;
			break;
		case OPT_SET:
			if (!(eq = strchr(optarg, '='))) {
				rc = pt_cli_usage_error(cli, argv[0], _("--set needs NAME=VALUE"));
				break;
			}
			*eq = '\0';
			pgt_alter_set_setting(a, optarg, eq + 1);
			show = false;
			break;
		case OPT_RESET:
			pgt_alter_set_setting(a, optarg, NULL);
			show = false;
			break;
		case OPT_DRY_RUN: case 'n': dry_run = true; break;
		default: rc = bad_option(cli, argv);
		}
		if (rc)
			goto done;
	}
	if (argc - optind != 1) {
		rc = pt_cli_usage_error(cli, argv[0], _("give exactly one schema name"));
		goto done;
	}
	schema = argv[optind];
	if (pgt_schema_name_check(schema, &err) != PGT_OK) {
		rc = pt_cli_fail_api(cli, err);
		goto done;
	}
	/* Bad names and values are refused before connecting. */
	if (!show && pgt_alter_check(a, &err) != PGT_OK) {
		rc = pt_cli_fail_api(cli, err);
		goto done;
	}
	/* The API has no call for a tenant's settings: showing them stays on
	 * the core. */
	if (show) {
		if (!(db = pt_cli_connect(cli)))
			rc = 2;
		else {
			rc = show_settings(cli, db, schema);
			pt_db_close(db);
		}
		goto done;
	}
	if (!(admin = pt_cli_open_admin(cli))) {
		rc = 2;
		goto done;
	}
	if (!(sql = pgt_tenant_alter_preview(admin, schema, a, &err)))
		rc = pt_cli_fail_api(cli, err);
	else {
		printf(_("-- Changing tenant \"%s\" runs, in one transaction:\n%s\n"), schema, sql);
		fflush(stdout);
		if (!dry_run) {
			if (pgt_tenant_alter(admin, schema, a, &err) != PGT_OK)
				rc = pt_cli_fail_api(cli, err);
			else
				fprintf(stderr, _("changed tenant \"%s\"\n"), schema);
		}
	}
	pgt_free(sql);
	pgt_admin_close(admin);
done:
	pgt_alter_free(a);
	return rc;
}

/* ---- move (Citus) ------------------------------------------------------- */

/* On a terminal one line, rewritten in place; else (--progress into a
 * file or a pipe) a line each time it changes, so a long move's log does
 * not fill with the same line twice a second. */
struct move_progress {
	const char *schema;
	bool tty;
	bool shown;
	char last[256];
};

static void
show_move_progress(void *ud, const struct pt_citus_progress *p)
{
	struct move_progress *mp = ud;
	char line[256];

	pt_citus_progress_text(mp->schema, p, line, sizeof line);
	if (!strcmp(line, mp->last))
		return;
	snprintf(mp->last, sizeof mp->last, "%s", line);
	if (mp->tty)
		pt_fprintf_safe(stderr, "\r%s\033[K", line);
	else
		pt_fprintf_safe(stderr, "%s\n", line);
	fflush(stderr);
	mp->shown = true;
}

int
pt_cmd_move(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, OPT_TO },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ NULL, 0, NULL, 0 }
	};
	struct pt_citus_move m;
	struct move_progress mp = { .tty = isatty(STDERR_FILENO) };
	const char *to = NULL, *schema;
	bool dry_run = false, progress = mp.tty;
	char *preview, *now_on;
	double t0;
	pt_error err;
	pt_db *db;
	int c, rc = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
		if (c == OPT_TO)
			to = optarg;
		else if (c == OPT_DRY_RUN || c == 'n')
			dry_run = true;
		else if (c == OPT_PROGRESS)
			progress = true;
		else if (c == OPT_NO_PROGRESS)
			progress = false;
		else
			return bad_option(cli, argv);
	}
	if (argc - optind != 1)
		return pt_cli_usage_error(cli, argv[0], _("give exactly one schema name"));
	if (!to)
		return pt_cli_usage_error(cli, argv[0], _("say where to: --to=HOST:PORT"));
	schema = argv[optind];
	if (pt_name_validate(schema, PT_NAME_SCHEMA, &err) != PT_OK)
		return pt_cli_fail(cli, &err);
	if (!(db = pt_cli_connect(cli)))
		return 2;
	if (pt_citus_move_plan(db, schema, to, &m, &err) != PT_OK) {
		rc = pt_cli_fail(cli, &err);
		pt_db_close(db);
		return rc;
	}
	preview = pt_citus_move_preview(&m);
	pt_fprintf_safe(stdout, _("-- Moving tenant \"%s\" from %s to %s (%s) runs:\n%s\n"),
	                schema, m.from, m.to, m.mode, preview);
	if (m.locked)
		printf("%s\n", _("-- The tenant is locked: it is let in for the move with its password "
		                 "expired (which stops password logins only), locked again after it, "
		                 "whatever the outcome, and then its sessions on every node are "
		                 "ended."));
	fflush(stdout);
	free(preview);
	if (!dry_run) {
		t0 = pt_now();
		mp.schema = schema;
		rc = pt_citus_move_run(db, &m, progress ? show_move_progress : NULL, &mp, &now_on,
		                       &err) != PT_OK;
		/* the next message starts on a line of its own */
		if (mp.shown && mp.tty)
			fputc('\n', stderr);
		if (rc)
			rc = pt_cli_fail(cli, &err);
		else {
			pt_fprintf_safe(stderr, _("moved tenant \"%s\" in %.1f s: it is now on %s\n"),
			                schema, pt_now() - t0, now_on ? now_on : "?");
			free(now_on);
		}
	}
	pt_citus_move_free(&m);
	pt_db_close(db);
	return rc;
}
