/* pgtenant activity: every tenant's sessions at once (with --all every
 * client session of the database), as the console's activity screen
 * shows them. A command of its own rather than more of "sessions": that
 * one is a tenant's list and the way to act on one of its sessions, and
 * its columns and order are what scripts read already; this one answers
 * "what runs right now, and what holds whom", longest first. */
#include "config.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citus.h"
#include "cli.h"
#include "ops.h"

enum { OPT_FORMAT = 256, OPT_ALL, OPT_SORT, OPT_FILTER };

/* --sort NAME: the column, and whether it sorts longest first. */
enum act_key { AK_DURATION, AK_XACT, AK_PID, AK_SCHEMA, AK_ROLE, AK_STATE, AK_APP,
	AK_CLIENT, AK_NODE };
static const struct { const char *name; enum act_key key; } sort_names[] = {
	{ "duration", AK_DURATION }, { "xact", AK_XACT }, { "pid", AK_PID },
	{ "schema", AK_SCHEMA }, { "tenant", AK_SCHEMA }, { "role", AK_ROLE },
	{ "state", AK_STATE }, { "application", AK_APP }, { "client", AK_CLIENT },
	{ "node", AK_NODE },
};

struct act_rows {
	const struct pt_session_list *list;
	size_t *idx;            /* the rows printed, in order */
	size_t n;
};

static const struct pt_session_list *cmp_list;
static enum act_key cmp_key;

static int
str_cmp(const char *a, const char *b)
{
	/* NULL (no tenant, no client) after every name */
	if (!a || !b)
		return !a - !b;
	return strcmp(a, b);
}

static int
num_cmp(double a, double b)
{
	return (a > b) - (a < b);
}

static int
row_cmp(const void *pa, const void *pb)
{
	const struct pt_session *a = &cmp_list->rows[*(const size_t *)pa];
	const struct pt_session *b = &cmp_list->rows[*(const size_t *)pb];
	int c = 0;

	switch (cmp_key) {
	case AK_DURATION: c = num_cmp(b->duration, a->duration); break;
	case AK_XACT: c = num_cmp((double)b->xact_age, (double)a->xact_age); break;
	case AK_PID: break;
	case AK_SCHEMA: c = str_cmp(a->schemas, b->schemas); break;
	case AK_ROLE: c = str_cmp(a->role, b->role); break;
	case AK_STATE: c = str_cmp(a->state, b->state); break;
	case AK_APP: c = str_cmp(a->application_name, b->application_name); break;
	case AK_CLIENT: c = str_cmp(a->client, b->client); break;
	case AK_NODE: c = str_cmp(a->node, b->node); break;
	}
	return c ? c : (a->pid > b->pid) - (a->pid < b->pid);
}

static char *
lower_dup(const char *s)
{
	char *d = pt_xstrdup(s);

	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

static void
format_secs(char *buf, size_t bufsz, double s)
{
	snprintf(buf, bufsz, "%.3f", s);
}

static const char *
activity_cell(void *ud, size_t row, size_t col)
{
	static char buf[32];
	const struct act_rows *r = ud;
	const struct pt_session *s = &r->list->rows[r->idx[row]];

	switch (col) {
	case 0: return s->schemas;
	case 1: return s->role;
	case 2: snprintf(buf, sizeof buf, "%d", s->pid); return buf;
	case 3: return s->state;
	case 4: return pt_session_waiting(s) ? "t" : "f";
	case 5:
		if (s->duration < 0)
			return NULL;
		format_secs(buf, sizeof buf, s->duration);
		return buf;
	case 6:
		if (s->xact_age < 0)
			return NULL;
		snprintf(buf, sizeof buf, "%lld", s->xact_age);
		return buf;
	case 7: return s->wait_event_type;
	case 8: return s->wait_event;
	case 9: return s->blocked_by;
	case 10: return s->application_name;
	case 11: return s->client;
	case 12: return s->query_start;
	case 13: return s->backend_start;
	case 14: return s->tenant ? "t" : "f";
	case 15: return s->query;
	case 16: return s->node;
	case 17:
		if (!s->gpid)
			return NULL;
		snprintf(buf, sizeof buf, "%lld", s->gpid);
		return buf;
	}
	return NULL;
}

int
pt_cmd_activity(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ NULL, 0, NULL, 0 }
	};
	static const struct pt_column cols[] = {
		{ "schema", N_("SCHEMA"), PT_COL_NULLABLE, false },
		{ "role", N_("ROLE"), PT_COL_TEXT, false },
		{ "pid", N_("PID"), PT_COL_NUMBER, true },
		{ "state", N_("STATE"), PT_COL_NULLABLE, false },
		{ "waiting", N_("WAITING"), PT_COL_BOOL, false },
		{ "duration_seconds", N_("DURATION S"), PT_COL_NUMBER, true },
		{ "xact_age_seconds", N_("XACT S"), PT_COL_NUMBER, true },
		{ "wait_event_type", N_("WAIT"), PT_COL_NULLABLE, false },
		{ "wait_event", N_("WAITING ON"), PT_COL_NULLABLE, false },
		{ "blocked_by", N_("BLOCKED BY"), PT_COL_NULLABLE, false },
		{ "application_name", N_("APPLICATION"), PT_COL_TEXT, false },
		{ "client", N_("CLIENT"), PT_COL_NULLABLE, false },
		{ "query_start", N_("QUERY START"), PT_COL_NULLABLE, false },
		{ "backend_start", N_("STARTED"), PT_COL_TEXT, false },
		{ "tenant", N_("TENANT"), PT_COL_BOOL, false },
		{ "query", N_("QUERY"), PT_COL_TEXT, false },
		{ "node", N_("NODE"), PT_COL_NULLABLE, false },
		/* what sessions --cancel and --terminate take for a worker's */
		{ "global_pid", N_("GLOBAL PID"), PT_COL_NULLABLE, true },
	};
	const size_t ncols = sizeof cols / sizeof *cols;
	struct pt_session_list list;
	struct act_rows rows = { &list, NULL, 0 };
	const struct pt_citus *ci;
	const char *sort = "duration";
	char *filter = NULL;
	bool all = false, citus, found = false;
	enum act_key key = AK_DURATION;
	pt_error err;
	pt_db *db;
	int c, rc = 0;

	optind = 0;   /* 0: glibc starts afresh after main's parse */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "a", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (!pt_cli_set_format(cli, argv[0], optarg))
				return 2;
			break;
		case OPT_ALL: case 'a': all = true; break;
		case OPT_SORT: sort = optarg; break;
		case OPT_FILTER: filter = optarg; break;
		default:
			if (optopt && optopt < 256 && optopt != '?')
				return pt_cli_usage_error(cli, argv[0], _("unknown option \"-%c\""),
				                          optopt);
			return pt_cli_usage_error(cli, argv[0],
			                          _("unknown option or missing value: \"%s\""),
			                          argv[optind - 1]);
		}
	}
	if (optind < argc)
		return pt_cli_usage_error(cli, argv[0], _("unexpected argument \"%s\""),
		                          argv[optind]);
	for (size_t i = 0; i < sizeof sort_names / sizeof *sort_names; i++)
		if (!strcmp(sort, sort_names[i].name)) {
			key = sort_names[i].key;
			found = true;
		}
	if (!found)
		return pt_cli_usage_error(cli, argv[0],
		                          _("--sort takes duration, xact, pid, schema, role, state, "
		                            "application, client or node, not \"%s\""), sort);
	if (!(db = pt_cli_connect(cli)))
		return 2;
	if (pt_activity_load(db, all, &list, &err) != PT_OK) {
		rc = pt_cli_fail(cli, &err);
		pt_db_close(db);
		return rc;
	}
	rows.idx = pt_xcalloc(list.n + 1, sizeof *rows.idx);
	filter = filter ? lower_dup(filter) : NULL;
	for (size_t i = 0; i < list.n; i++) {
		char *hay = filter ? pt_session_search_text(&list.rows[i]) : NULL;
		char *low = hay ? lower_dup(hay) : NULL;

		if (!filter || strstr(low, filter))
			rows.idx[rows.n++] = i;
		free(hay);
		free(low);
	}
	cmp_list = &list;
	cmp_key = key;
	qsort(rows.idx, rows.n, sizeof *rows.idx, row_cmp);
	ci = pt_db_citus(db);
	citus = ci && ci->present;
	/* The node and global pid columns only where there are nodes. */
	pt_print_rows(stdout, cli->format, cols, ncols - (citus ? 0 : 2), rows.n, activity_cell,
	              &rows);
	if (citus && ci->down)
		fprintf(stderr, _("%s: warning: worker node(s) %s did not answer: their "
		                  "backends are not listed\n"), cli->progname, ci->down_names);
	/* What could not be seen is a failure, never a shorter list. */
	if (list.hidden)
		rc = (pt_sessions_hidden_error(db, &list, &err), pt_cli_fail(cli, &err));
	free(filter);
	free(rows.idx);
	pt_session_list_free(&list);
	pt_db_close(db);
	return rc;
}
