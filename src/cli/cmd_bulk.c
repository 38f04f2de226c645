/* create --from FILE: many tenants from a CSV file, credentials streamed to
 * stdout as each tenant is committed (a run cut short still tells every
 * password it set), failures and progress on stderr. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bulk.h"
#include "citus.h"
#include "cli.h"
#include "cmd_bulk.h"
#include "secret.h"

/* The four fields of cloaca's TenantCredentials, in its order. */
static const char *const credential_keys[4] = {
	"username", "password", "schema_name", "connection_string"
};

struct run {
	const struct pt_cli *cli;
	const char *source;        /* the file name as messages show it */
	size_t printed;            /* credentials written so far */
	bool bar;                  /* stderr is a terminal: draw progress */
	bool bar_drawn;
	double started, last_draw;
	/* Citus: the tenants made, checked on every worker at the end (one
	 * round trip for the run, not one per tenant: it tripled the time) */
	bool citus;
	char **schemas, **users;
	size_t nmade, capmade;
};

static void
clear_bar(struct run *run)
{
	if (run->bar_drawn) {
		fputs("\r\033[K", stderr);
		run->bar_drawn = false;
	}
}

static void
begin_output(const struct run *run)
{
	switch (run->cli->format) {
	case PT_FORMAT_CSV:
		pt_csv_record(stdout, credential_keys, 4);
		break;
	case PT_FORMAT_JSON:
		fputc('[', stdout);
		break;
	default:
		break;
	}
}

static void
end_output(const struct run *run)
{
	if (run->cli->format == PT_FORMAT_JSON)
		fputs(run->printed ? "\n]\n" : "]\n", stdout);
	fflush(stdout);
}

static void
created(void *ud, unsigned long line, const struct pt_credentials *c)
{
	const char *const *keys = credential_keys;
	struct run *run = ud;
	/* what the string cannot do is the same for every tenant: say it once */
	char *cs = pt_cli_connection_string(run->cli, c, run->printed == 0);
	const char *vals[4] = { c->username, c->password, c->schema_name, cs };

	switch (run->cli->format) {
	case PT_FORMAT_CSV:
		pt_csv_record(stdout, vals, 4);
		break;
	case PT_FORMAT_JSON:
		fputs(run->printed ? ",\n " : "\n ", stdout);
		pt_json_object(stdout, keys, vals, 4);
		break;
	default:
		if (run->printed)
			fputc('\n', stdout);
		pt_pairs_table(stdout, keys, vals, 4);
	}
	/* Each password is out before the next tenant is attempted. */
	fflush(stdout);
	run->printed++;
	if (run->citus) {
		if (run->nmade == run->capmade) {
			run->capmade = run->capmade ? 2 * run->capmade : 64;
			run->schemas = pt_xrealloc(run->schemas, run->capmade * sizeof *run->schemas);
			run->users = pt_xrealloc(run->users, run->capmade * sizeof *run->users);
		}
		run->schemas[run->nmade] = pt_xstrdup(c->schema_name);
		run->users[run->nmade++] = pt_xstrdup(c->username);
	}
	pt_secret_free(cs);
}

static void
failed(void *ud, unsigned long line, const pt_error *err)
{
	struct run *run = ud;

	clear_bar(run);
	/* The message may quote a cell of the file. */
	pt_fprintf_safe(stderr, "%s: %s:%lu: %s\n", run->cli->progname, run->source,
	                line, err->message);
	if (err->detail[0])
		pt_fprintf_safe(stderr, "%s: %s:%lu: %s\n", run->cli->progname,
		                run->source, line, err->detail);
}

static void
progress(void *ud, size_t done, size_t total)
{
	enum { WIDTH = 30 };
	struct run *run = ud;
	double t = pt_now(), elapsed = t - run->started, rate;
	char bar[WIDTH + 1];

	if (!run->bar || (t - run->last_draw < 0.1 && done != total))
		return;
	run->last_draw = t;
	rate = elapsed > 0 ? (double)done / elapsed : 0;
	fputs("\r\033[K", stderr);
	if (total) {
		size_t fill = done * WIDTH / total;
		double left = rate > 0 ? (double)(total - done) / rate : 0;
		memset(bar, '#', fill);
		memset(bar + fill, '.', WIDTH - fill);
		bar[WIDTH] = '\0';
		fprintf(stderr, _("[%s] %zu/%zu  %.1f/s  %d:%02d left"), bar, done, total,
		        rate, (int)left / 60, (int)left % 60);
	} else
		fprintf(stderr, _("%zu done  %.1f/s"), done, rate);
	run->bar_drawn = true;
}

int
pt_cli_create_from(struct pt_cli *cli, const char *path,
                   const struct pt_tenant_config *defaults, unsigned jobs,
                   double input_timeout)
{
	const struct pt_bulk_ops ops = {
		.created = created, .failed = failed, .progress = progress,
		.utf8_passwords = cli->format == PT_FORMAT_JSON,
		.input_timeout = input_timeout,
	};
	struct run run = { .cli = cli };
	struct pt_bulk_result res;
	bool from_stdin = !strcmp(path, "-");
	enum pt_status st;
	pt_error err;
	FILE *in;
	pt_db *db;

	in = from_stdin ? stdin : fopen(path, "r");
	if (!in) {
		pt_fprintf_safe(stderr, _("%s: cannot open \"%s\": %s\n"), cli->progname, path,
		        strerror(errno));
		return 1;
	}
	run.source = from_stdin ? _("stdin") : path;
	if (!(db = pt_cli_connect(cli))) {
		if (!from_stdin)
			fclose(in);
		return 2;
	}
	run.bar = isatty(STDERR_FILENO);
	run.citus = pt_db_citus(db)->present;
	run.started = pt_now();
	begin_output(&run);
	/* Counting first reads the file twice: only worth it for the bar. */
	st = pt_bulk_create(db, in, defaults, jobs, run.bar, &ops, &run, &res, &err);
	end_output(&run);
	clear_bar(&run);
	if (st != PT_OK)
		pt_fprintf_safe(stderr, "%s: %s: %s\n", cli->progname, run.source,
		                err.message);
	if (run.nmade && pt_citus_check_tenants(db, run.nmade, (const char *const *)run.schemas,
	                                        (const char *const *)run.users, &err) != PT_OK) {
		pt_fprintf_safe(stderr, "%s: %s\n", cli->progname, err.message);
		st = err.status;
	}
	for (size_t i = 0; i < run.nmade; i++) {
		free(run.schemas[i]);
		free(run.users[i]);
	}
	free(run.schemas);
	free(run.users);
	if (res.created)
		pt_cli_warn_not_hardened(cli, db);
	fprintf(stderr, _("%s: %zu tenants created, %zu failed (sessions: %zu)\n"),
	        cli->progname, res.created, res.failed, res.sessions);
	pt_db_close(db);
	if (!from_stdin)
		fclose(in);
	return st != PT_OK || res.failed ? 1 : 0;
}
