/* The scriptable commands: parse arguments, call the core, print. */
#ifndef PT_CLI_H
#define PT_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "conn.h"
#include "connstr.h"
#include "lib/pgtenant.h"
#include "output.h"
#include "tenant.h"

/* What the global options said. */
struct pt_cli {
	const char *target;            /* -d: URL or conninfo; NULL = PG* variables */
	struct pt_connect_opts copts;
	enum pt_format format;
	bool format_given;
	enum pt_connstr_format string_format;  /* of connection_string */
	bool no_color;
	const char *user_pattern;      /* NULL: the default */
	int refresh_s;                 /* the console's -r: 0 default, -1 off */
	int idle_xact_s;               /* --idle-xact: -1 the default */
	bool connection_limit_set;     /* the configuration file gave one: */
	int connection_limit;          /* -1 none */
	const char *progname;
};

/* The exit status of list on a Citus coordinator when a worker did not
 * answer: the list is printed, with the sizes on that worker unknown. */
#define PT_EXIT_NODE_DOWN 3

/* X(name, handler, summary) */
#define PT_COMMAND_LIST(X) \
	X("list",            pt_cmd_list,    N_("list tenant schemas with owner, login roles, tables and size")) \
	X("roles",           pt_cmd_roles,   N_("list roles with attributes, memberships and search_path")) \
	X("create",          pt_cmd_create,  N_("create a tenant: schema plus login role, in one transaction")) \
	X("drop",            pt_cmd_drop,    N_("drop a tenant's schema, its objects and its role")) \
	X("rotate-password", pt_cmd_rotate,  N_("give a tenant role a new password")) \
	X("audit",           pt_cmd_audit,   N_("find every path from one tenant to another")) \
	X("harden",          pt_cmd_harden,  N_("close the database-wide gaps in tenant isolation")) \
	X("sessions",        pt_cmd_sessions, N_("list tenants' open sessions; cancel or terminate one")) \
	X("activity",        pt_cmd_activity, N_("every tenant's session at once: state, duration, waits, blockers")) \
	X("lock",            pt_cmd_lock,    N_("lock a tenant out (NOLOGIN), optionally ending its sessions")) \
	X("unlock",          pt_cmd_unlock,  N_("let a locked tenant log in again")) \
	X("alter",           pt_cmd_alter,   N_("show or change a tenant's connection limit, expiry and settings")) \
	X("move",            pt_cmd_move,    N_("move a tenant to another Citus worker"))

#define PT_COMMAND_DECL(name, fn, summary) \
	int fn(struct pt_cli *cli, int argc, char **argv);
PT_COMMAND_LIST(PT_COMMAND_DECL)
#undef PT_COMMAND_DECL

/* Run the command named argv[0]; returns the process exit status. */
int pt_cli_run(struct pt_cli *cli, int argc, char **argv);

/* Print the command summaries (for --help). */
void pt_cli_print_commands(FILE *out);

/* Connect as the global options say, printing the error on failure.
 * From here on SIGINT and SIGTERM cancel the statement in flight (the
 * server rolls it back) instead of ending the process, so that a change
 * the server did commit is still reported. */
pt_db *pt_cli_connect(struct pt_cli *cli);

/* pt_cli_connect's session as a libpgtenant handle, for the commands the
 * public API covers (pgt_admin_close closes it); NULL after printing the
 * error. */
pgt_admin *pt_cli_open_admin(struct pt_cli *cli);

/* The signal (SIGINT, SIGTERM) that asked the command to stop, or 0. */
int pt_cli_interrupted(void);

/* A tenant config with the defaults the configuration file and the global
 * options give (user pattern, connection limit). */
void pt_cli_tenant_defaults(const struct pt_cli *cli, struct pt_tenant_config *cfg);

/* Print "pgtenant: <message>" and the detail line to stderr; return the
 * exit code for err's status. */
int pt_cli_fail(const struct pt_cli *cli, const pt_error *err);

/* pt_cli_fail for an API error, which it releases; returns 1. */
int pt_cli_fail_api(const struct pt_cli *cli, pgt_error *err);

/* Print a usage error for the command and return 2. */
int pt_cli_usage_error(const struct pt_cli *cli, const char *command,
                       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Warn on stderr when the database is not hardened (tenants can still
 * reach the public schema). */
void pt_cli_warn_not_hardened(const struct pt_cli *cli, pt_db *db);

/* Parse a command that takes only --format and at most max_args
 * arguments. Returns -1 to go on, or the exit code to return. */
int pt_cli_parse_simple(struct pt_cli *cli, int argc, char **argv, int max_args);

/* A whole number in int range; false otherwise. */
bool pt_cli_parse_int(const char *s, int *out);

/* Parse the --string-format value into cli; false (after printing) when
 * it is not a known form. */
bool pt_cli_set_string_format(struct pt_cli *cli, const char *command, const char *value);

/* The tenant's connection string in the form --string-format chose (a
 * secret: pt_secret_free). With warn, what it cannot do for the tenant
 * is said on stderr. */
char *pt_cli_connection_string(const struct pt_cli *cli, const struct pt_credentials *c,
                               bool warn);

/* Parse the --format option value into cli; false (after printing) when
 * it is not a known format. */
bool pt_cli_set_format(struct pt_cli *cli, const char *command, const char *value);

#endif
