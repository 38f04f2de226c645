/* pgtenant audit and pgtenant harden. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "prompt.h"

enum { OPT_DRY_RUN = 256, OPT_YES, OPT_FORMAT, OPT_SEVERITY, OPT_RULE, OPT_LIST_RULES };

/* Flag every rule named in list ("a,b"); false (after printing) on an
 * unknown one. */
static bool
add_rules(struct pt_cli *cli, const char *command, const char *list, bool *rules)
{
	char *copy = pt_xstrdup(list), *save = NULL;
	bool ok = true;

	for (char *n = strtok_r(copy, ",", &save); n && ok; n = strtok_r(NULL, ",", &save)) {
		enum pt_rule r;
		if (pt_rule_lookup(n, &r))
			rules[r] = true;
		else {
			pt_cli_usage_error(cli, command, _("unknown rule \"%s\" (audit --list-rules "
			                                   "lists them)"), n);
			ok = false;
		}
	}
	free(copy);
	return ok;
}

/* audit's options: --format, --severity=LEVEL, --rule=NAME[,NAME]...
 * (repeatable), --list-rules. Returns -1 to go on, or the exit code. */
static int
parse_audit(struct pt_cli *cli, int argc, char **argv, enum pt_severity *min,
            bool *rules, bool *some_rules, bool *list)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "severity", required_argument, NULL, OPT_SEVERITY },
		{ "rule", required_argument, NULL, OPT_RULE },
		{ "list-rules", no_argument, NULL, OPT_LIST_RULES },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == OPT_FORMAT) {
			if (!pt_cli_set_format(cli, argv[0], optarg))
				return 2;
		} else if (c == OPT_SEVERITY) {
			if (!pt_severity_lookup(optarg, min))
				return pt_cli_usage_error(cli, argv[0], _("unknown severity \"%s\" "
				                          "(info, low, medium or high)"), optarg);
		} else if (c == OPT_RULE) {
			if (!add_rules(cli, argv[0], optarg, rules))
				return 2;
			*some_rules = true;
		} else if (c == OPT_LIST_RULES) {
			*list = true;
		} else
			return pt_cli_usage_error(cli, argv[0], _("unknown option \"%s\""),
			                          argv[optind - 1]);
	}
	if (optind < argc)
		return pt_cli_usage_error(cli, argv[0], _("unexpected argument \"%s\""),
		                          argv[optind]);
	return -1;
}

static const char *
finding_cell(void *ud, size_t row, size_t col)
{
	const struct pt_finding *f = &((const struct pt_audit *)ud)->findings[row];

	switch (col) {
	case 0: return pt_severity_name(f->severity);
	case 1: return f->rule;
	case 2: return f->role;
	case 3: return f->schema;
	case 4: return f->object;
	case 5: return f->via;
	case 6: return f->detail;
	case 7: return f->fix_sql;
	case 8: return f->node;
	}
	return NULL;
}

static const char *
rule_cell(void *ud, size_t row, size_t col)
{
	const struct pt_rule_info *r = pt_rule_info((enum pt_rule)row);

	(void)ud;
	switch (col) {
	case 0: return r->name;
	case 1: return pt_severity_name(r->severity);
	case 2: return _(r->description);
	}
	return NULL;
}

/* Every rule the audit has, from the table in audit.h: no connection. */
static int
list_rules(const struct pt_cli *cli)
{
	static const struct pt_column cols[] = {
		{ "rule", N_("RULE"), PT_COL_TEXT, false },
		{ "severity", N_("SEVERITY"), PT_COL_TEXT, false },
		{ "description", N_("DESCRIPTION"), PT_COL_TEXT, false },
	};

	pt_print_rows(stdout, cli->format, cols, sizeof cols / sizeof *cols, PT_RULE_COUNT,
	              rule_cell, NULL);
	return fflush(stdout) != 0 || ferror(stdout) ? 2 : 0;
}

#define INFO_SHOWN 5

/* One block per finding: a heading line, the detail, the fix. Details are
 * sentences, which an aligned table would stretch past any terminal. */
static void
print_blocks(FILE *out, const struct pt_audit *a, const char *dbname, bool filtered)
{
	/* Findings come sorted by severity, then rule: count runs of one rule. */
	size_t run = 0;

	for (size_t i = 0; i < a->n; i++) {
		const struct pt_finding *f = &a->findings[i];
		char sev[16];
		size_t k;

		run = i > 0 && !strcmp(f->rule, a->findings[i - 1].rule) ? run + 1 : 0;
		/* 10,000 tenants without an expiry date would bury everything
		 * else: a few of each informational rule, then a count. */
		if (f->severity == PT_SEV_INFO && run >= INFO_SHOWN) {
			size_t more = 1;
			while (i + more < a->n && !strcmp(a->findings[i + more].rule, f->rule))
				more++;
			pt_fprintf_safe(out, _("        ... and %zu more %s findings (--format=json lists "
			               "them all)\n\n"), more, f->rule);
			i += more - 1;
			continue;
		}

		for (k = 0; pt_severity_name(f->severity)[k] && k + 1 < sizeof sev; k++)
			sev[k] = (char)(pt_severity_name(f->severity)[k] - 'a' + 'A');
		sev[k] = '\0';
		/* A tenant's name with a line break in it must not forge a line. */
		pt_fprintf_safe(out, "%-6s  %s  %s %s", sev, f->rule, _("role"),
		                pt_visible(f->role));
		if (f->schema)
			pt_fprintf_safe(out, "  %s %s", _("schema"), pt_visible(f->schema));
		if (f->node)
			pt_fprintf_safe(out, "  %s %s", _("node"), pt_visible(f->node));
		pt_fprintf_safe(out, "\n        %s\n        %s %s\n\n", pt_visible(f->detail),
		                _("fix:"), pt_visible(f->fix_sql));
	}
	pt_fprintf_safe(out, _("Database \"%s\": %zu tenant schemas, %zu tenant roles; "
	               "%zu high, %zu medium, %zu low, %zu info.\n"),
	        dbname, a->tenant_schemas, a->tenant_roles, a->count[PT_SEV_HIGH],
	        a->count[PT_SEV_MEDIUM], a->count[PT_SEV_LOW], a->count[PT_SEV_INFO]);
	if (a->citus)
		pt_fprintf_safe(out, P_("Citus: %zu node audited; a finding names its node when "
		                        "only a worker has it.\n",
		                        "Citus: %zu nodes audited; a finding names its node when "
		                        "only a worker has it.\n", a->nodes), a->nodes);
	/* Filtered, silence says nothing about the rules left out. */
	if (!pt_audit_failed(a))
		fputs(filtered ? _("No finding of low severity or above among the rules and "
		                   "severities chosen.\n")
		               : _("No path between tenants found.\n"), out);
}

int
pt_cmd_audit(struct pt_cli *cli, int argc, char **argv)
{
	static const struct pt_column cols[] = {
		{ "severity", N_("SEVERITY"), PT_COL_TEXT, false },
		{ "rule", N_("RULE"), PT_COL_TEXT, false },
		{ "role", N_("ROLE"), PT_COL_TEXT, false },
		{ "schema", N_("SCHEMA"), PT_COL_NULLABLE, false },
		{ "object", N_("OBJECT"), PT_COL_NULLABLE, false },
		{ "via", N_("VIA"), PT_COL_NULLABLE, false },
		{ "detail", N_("DETAIL"), PT_COL_TEXT, false },
		{ "fix_sql", N_("FIX"), PT_COL_TEXT, false },
		{ "node", N_("NODE"), PT_COL_NULLABLE, false },
	};
	struct pt_audit a;
	enum pt_severity min = PT_SEV_INFO;
	bool rules[PT_RULE_COUNT] = { false }, some_rules = false, list = false;
	pt_error err;
	pt_db *db;
	int rc;

	if ((rc = parse_audit(cli, argc, argv, &min, rules, &some_rules, &list)) >= 0)
		return rc;
	if (list)
		return list_rules(cli);
	if (!(db = pt_cli_connect(cli)))
		return 2;
	if (pt_audit_run_ex(db, cli->user_pattern, &a, &err) != PT_OK) {
		pt_cli_fail(cli, &err);
		pt_db_close(db);
		return 2;
	}
	pt_audit_filter(&a, min, some_rules ? rules : NULL);
	switch (cli->format) {
	case PT_FORMAT_JSON:
		pt_audit_write_json(stdout, &a, pt_db_info(db)->dbname);
		break;
	case PT_FORMAT_CSV:
		/* The node column only where there are nodes. */
		pt_print_rows(stdout, cli->format, cols, sizeof cols / sizeof *cols - !a.citus, a.n,
		              finding_cell, &a);
		break;
	default:
		print_blocks(stdout, &a, pt_db_info(db)->dbname, some_rules || min > PT_SEV_INFO);
	}
	rc = pt_audit_failed(&a) ? 1 : 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = 2;
	pt_audit_free(&a);
	pt_db_close(db);
	return rc;
}

int
pt_cmd_harden(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "yes", no_argument, NULL, OPT_YES },
		{ NULL, 0, NULL, 0 }
	};
	struct pt_harden_plan plan;
	bool dry_run = false, yes = false;
	char dbname[256];
	char answer[16];
	pt_error err;
	pt_db *db;
	int c, rc = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ny", opts, NULL)) != -1) {
		if (c == OPT_DRY_RUN || c == 'n')
			dry_run = true;
		else if (c == OPT_YES || c == 'y')
			yes = true;
		else
			return pt_cli_usage_error(cli, argv[0], _("unknown option \"%s\""),
			                          argv[optind - 1]);
	}
	if (optind < argc)
		return pt_cli_usage_error(cli, argv[0], _("unexpected argument \"%s\""),
		                          argv[optind]);
	if (dry_run && yes)
		return pt_cli_usage_error(cli, argv[0],
		                          _("--dry-run and --yes contradict each other"));
	if (!(db = pt_cli_connect(cli)))
		return 2;
	/* Copied: pt_db_info's strings change when harden refreshes them. */
	snprintf(dbname, sizeof dbname, "%s", pt_db_info(db)->dbname);
	if (pt_harden_plan(db, &plan, &err) != PT_OK) {
		rc = pt_cli_fail(cli, &err);
		pt_db_close(db);
		return rc ? rc : 2;
	}
	if (plan.n == 0) {
		printf(_("Database \"%s\" is already hardened: nothing to do.\n"), dbname);
		goto out;
	}
	if (plan.nlocal < plan.n)
		printf(_("-- Hardening database \"%s\" runs, node by node:\n"), dbname);
	else
		printf(_("-- Hardening database \"%s\" runs, in one transaction:\n"), dbname);
	for (size_t i = 0; i < plan.n; i++)
		pt_fprintf_safe(stdout, "%s\n", plan.statements[i]);
	fflush(stdout);
	if (plan.refusal) {
		fprintf(stderr, "%s: %s\n", cli->progname, plan.refusal);
		rc = 1;
		goto out;
	}
	if (dry_run)
		goto out;
	if (!yes) {
		if (!pt_prompt_line(_("Type \"yes\" to run these statements: "), answer,
		                    sizeof answer)) {
			fprintf(stderr, _("%s: no terminal to confirm on: nothing changed; add --yes "
			                  "to run the statements above\n"), cli->progname);
			rc = 2;
			goto out;
		}
		if (strcmp(answer, "yes") != 0) {
			fprintf(stderr, _("%s: not confirmed: nothing changed\n"), cli->progname);
			rc = 1;
			goto out;
		}
	}
	if (pt_harden_apply(db, &plan, &err) != PT_OK) {
		rc = pt_cli_fail(cli, &err);
		goto out;
	}
	if (!pt_db_info(db)->hardened) {
		fprintf(stderr, _("%s: the statements ran but database \"%s\" still grants PUBLIC "
		                  "access; run '%s audit'\n"), cli->progname, dbname, cli->progname);
		rc = 1;
		goto out;
	}
	printf(_("Database \"%s\" is hardened.\n"), dbname);
out:
	pt_harden_plan_free(&plan);
	pt_db_close(db);
	return rc;
}
