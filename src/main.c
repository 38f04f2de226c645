/* pgtenant: options, locale set-up, and dispatch to a command or the
 * console. */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curses.h>
#include <readline/readline.h>
#include <sodium.h>

#include "cli/cli.h"
#include "pgtenant-paths.h"
#include "secret.h"
#include "tui/tui.h"
#include "userconf.h"

static void
usage(FILE *out, const char *progname)
{
	fprintf(out, _("Usage: %s [OPTION]... [COMMAND [ARG]...]\n"), progname);
	fputs(_("Manage schema-per-tenant PostgreSQL: without a command, open the console.\n"), out);
	fputs("\n", out);
	fputs(_("Commands:\n"), out);
	pt_cli_print_commands(out);
	fputs("\n", out);
	fputs(_("Global options go before the command or anywhere after it.\n"), out);
	fputs("\n", out);
	fputs(_("Connection options:\n"
	        "  -d, --dbname=TARGET    connect to TARGET: a postgresql:// URI or a\n"
	        "                         conninfo string; without it the PG* environment\n"
	        "                         variables, service files and ~/.pgpass apply\n"
	        "  -h, --host=HOST        server host or socket directory (as psql)\n"
	        "  -p, --port=PORT        server port (as psql)\n"
	        "  -U, --username=USER    connect as USER (as psql)\n"
	        "  -W, --password         ask for the password before connecting\n"
	        "      --read-only        open a read-only session; changes are refused\n"
	        "      --lock-timeout=SECONDS  give up waiting for a lock after SECONDS\n"
	        "                         (default 5) and name the session holding it;\n"
	        "                         0 waits forever, which lets a tenant stall you\n"
	        "      --tenant-host=HOST put HOST in tenants' connection strings\n"
	        "      --tenant-port=PORT put PORT in tenants' connection strings\n"
	        "      --tenant-sslrootcert=PATH\n"
	        "                         put sslrootcert=PATH (the CA on the tenants'\n"
	        "                         machines) in tenants' connection strings\n"), out);
	fputs(_("      --node-timeout=SECONDS  Citus: give up on a statement that reaches\n"
	        "                         the workers after SECONDS (default 600) and name\n"
	        "                         the worker that did not answer; 0 waits forever\n"), out);
	fputs("\n", out);
	fputs(_("Output options:\n"
	        "      --format=FORMAT    table (default), csv or json\n"
	        "      --string-format=FORM\n"
	        "                         tenants' connection strings as uri (default),\n"
	        "                         conninfo, jdbc or env (export lines)\n"
	        "      --no-color         draw the console without colour (so does NO_COLOR)\n"
	        "  -r, --refresh=SECONDS  console: reload every SECONDS (default 5; 0 = off)\n"), out);
	fputs(_("      --idle-xact=SECONDS\n"
	        "                         mark tenants (console, list) with a session idle\n"
	        "                         in transaction longer than SECONDS (default 60)\n"), out);
	fputs("\n", out);
	fputs(_("Command options:\n"
	        "  list | roles [--format=FORMAT]\n"
	        "  create SCHEMA [--user=NAME] [--password-stdin] [--connection-limit=N]\n"
	        "                [--valid-until=TIMESTAMP] [--format=FORMAT]\n"
	        "                [--string-format=FORM]\n"
	        "                N is the tenant's connection limit: default 20, -1 none\n"
	        "  create --from=FILE [--jobs=N] [--input-timeout=SECONDS] [--format=FORMAT]\n"
	        "                [--string-format=FORM]\n"
	        "                FILE is CSV with a header line: schema_name,username,password;\n"
	        "                \"-\" reads standard input; N sessions at once (default 1);\n"
	        "                waiting for input stops after SECONDS in all (default 60,\n"
	        "                0 = never)\n"
	        "  drop SCHEMA [-y|--yes]\n"
	        "  rotate-password SCHEMA [--password-stdin] [--format=FORMAT]\n"
	        "                [--string-format=FORM]\n"
	        "  audit [--severity=LEVEL] [--rule=NAME[,NAME]...]... [--format=FORMAT]\n"
	        "                LEVEL: info, low, medium or high (that level and above)\n"
	        "  audit --list-rules [--format=FORMAT]\n"
	        "  harden [-n|--dry-run | -y|--yes]\n"
	        "  sessions [SCHEMA] [--format=FORMAT]\n"
	        "  sessions SCHEMA --cancel=PID | --terminate=PID [--started=TIME] [-y|--yes]\n"
	        "                only that tenant's session, and only the one started at TIME\n"
	        "                (its backend_start) when given; terminating asks you to type\n"
	        "                the pid\n"
	        "  lock SCHEMA [--terminate] [-n|--dry-run] [-y|--yes]\n"
	        "  unlock SCHEMA [-n|--dry-run]\n"
	        "  alter SCHEMA [--connection-limit=N] [--valid-until=TIMESTAMP|infinity]\n"
	        "               [--set NAME=VALUE]... [--reset NAME]... [-n|--dry-run]\n"
	        "                without options, show the tenant's settings [--format=FORMAT]\n"
	        "  Without --password-stdin a password is generated. Passwords are never\n"
	        "  taken from the command line.\n"), out);
	fputs(_("  move SCHEMA --to=HOST:PORT [-n|--dry-run] [--progress|--no-progress]\n"
	        "                Citus: move a tenant to another worker (a locked one too);\n"
	        "                progress on stderr, by default when it is a terminal\n"), out);
	fputs(_("  activity [-a|--all] [--sort=COLUMN] [--filter=TEXT] [--format=FORMAT]\n"
	        "                every tenant's session, longest running first; --all adds\n"
	        "                every other client session of the database; COLUMN: duration,\n"
	        "                xact, pid, schema, role, state, application, client, node\n"), out);
	fputs("\n", out);
	fputs(_("Other options:\n"
	        "  -?, --help             show this help and exit\n"
	        "  -V, --version          show version information and exit\n"), out);
	fputs("\n", out);
	fputs(_("Exit status: 0 success, 1 the operation failed, 2 usage or connection error.\n"), out);
	fputs(_("On a Citus coordinator, list exits with 3 when a worker did not answer\n"
	        "(the sizes of the tenants on it show as ?).\n"), out);
	fputs(_("Defaults are read from $XDG_CONFIG_HOME/pgtenant/config (normally\n"
	        "~/.config/pgtenant/config); options override them. See pgtenant(1).\n"), out);
	fprintf(out, _("Report bugs to: %s\n"), PACKAGE_BUGREPORT);
}

/* The user's locale; when it is not installed (LANG=de_DE.UTF-8 over SSH
 * to a host without it), C.UTF-8 for the character set, so that wide
 * characters still show instead of "???", and the language kept for the
 * messages through LANGUAGE, which gettext reads under C.UTF-8. */
static void
set_locale(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *lang = NULL;
	char buf[64];

	if (setlocale(LC_ALL, ""))
		return;
	if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "C.utf8"))
		setlocale(LC_ALL, "C");
	if (getenv("LANGUAGE") && *getenv("LANGUAGE"))
		return;
	for (size_t i = 0; i < sizeof vars / sizeof *vars && !lang; i++)
		if (getenv(vars[i]) && *getenv(vars[i]))
			lang = getenv(vars[i]);
	/* "de_DE.UTF-8@euro" -> "de_DE"; "C" and "POSIX" name no language */
	if (lang && strcmp(lang, "C") && strcmp(lang, "POSIX") && strncmp(lang, "C.", 2)) {
		snprintf(buf, sizeof buf, "%.*s", (int)strcspn(lang, ".@"), lang);
		setenv("LANGUAGE", buf, 1);
	}
}

static void
version(void)
{
	int pq = PQlibVersion();

	printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	printf(_("libpq %d.%d, %s, readline %s, libsodium %s\n"),
	       pq / 10000, pq % 10000, curses_version(), rl_library_version,
	       sodium_version_string());
}

enum { OPT_TENANT_HOST = 256, OPT_TENANT_PORT, OPT_TENANT_SSLROOTCERT, OPT_READ_ONLY,
       OPT_NO_COLOR, OPT_FORMAT, OPT_STRING_FORMAT, OPT_HELP, OPT_LOCK_TIMEOUT,
       OPT_IDLE_XACT, OPT_NODE_TIMEOUT };

/* The global options, taken before the command or anywhere after it. */
static const struct option opts[] = {
	{ "dbname", required_argument, NULL, 'd' },
	{ "host", required_argument, NULL, 'h' },
	{ "port", required_argument, NULL, 'p' },
	{ "username", required_argument, NULL, 'U' },
	{ "password", no_argument, NULL, 'W' },
	{ "tenant-host", required_argument, NULL, OPT_TENANT_HOST },
	{ "tenant-port", required_argument, NULL, OPT_TENANT_PORT },
	{ "tenant-sslrootcert", required_argument, NULL, OPT_TENANT_SSLROOTCERT },
	{ "read-only", no_argument, NULL, OPT_READ_ONLY },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "string-format", required_argument, NULL, OPT_STRING_FORMAT },
	{ "lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT },
	{ "node-timeout", required_argument, NULL, OPT_NODE_TIMEOUT },
	{ "refresh", required_argument, NULL, 'r' },
	{ "idle-xact", required_argument, NULL, OPT_IDLE_XACT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};
/* psql's letters; help stays on -? as in psql, where -h is the host. */
static const char shortopts[] = "+d:h:p:U:r:WV?";

enum { GLOBAL_OK = -1 };

/* Apply global option c. Returns GLOBAL_OK to go on, or the exit status. */
static int
apply_global(struct pt_cli *cli, int c, const char *arg, const char *command)
{
	switch (c) {
	case 'd': cli->target = arg; break;
	case 'h': cli->copts.host = arg; break;
	case 'p': cli->copts.port = arg; break;
	case 'U': cli->copts.user = arg; break;
	case 'W': cli->copts.force_password = true; break;
	case OPT_TENANT_HOST: cli->copts.tenant_host = arg; break;
	case OPT_TENANT_PORT: cli->copts.tenant_port = arg; break;
	case OPT_TENANT_SSLROOTCERT: cli->copts.tenant_sslrootcert = arg; break;
	case OPT_READ_ONLY: cli->copts.read_only = true; break;
	case OPT_NO_COLOR: cli->no_color = true; break;
	case OPT_FORMAT:
		if (!pt_cli_set_format(cli, command, arg))
			return 2;
		break;
	case OPT_STRING_FORMAT:
		if (!pt_cli_set_string_format(cli, command, arg))
			return 2;
		break;
	case 'r': {
		char *end;
		long v = strtol(arg, &end, 10);

		if (*arg < '0' || *arg > '9' || *end || v > 86400) {
			fprintf(stderr, _("%s: --refresh takes whole seconds from 0 to 86400\n"),
			        cli->progname);
			return 2;
		}
		cli->refresh_s = v ? (int)v : -1;
		break;
	}
	case OPT_LOCK_TIMEOUT:
	case OPT_NODE_TIMEOUT:
		if (!pt_lock_timeout_parse(arg, c == OPT_LOCK_TIMEOUT ? &cli->copts.lock_timeout_ms
		                           : &cli->copts.node_timeout_ms)) {
			fprintf(stderr, c == OPT_LOCK_TIMEOUT
			        ? _("%s: --lock-timeout needs a number of seconds from "
			            "0 (wait forever) to 86400, not \"%s\"\n")
			        : _("%s: --node-timeout needs a number of seconds from "
			            "0 (wait forever) to 86400, not \"%s\"\n"),
			        cli->progname, arg);
			return 2;
		}
		break;
	case OPT_IDLE_XACT:
		if (!pt_idle_xact_parse(arg, &cli->idle_xact_s)) {
			fprintf(stderr, _("%s: --idle-xact takes whole seconds from 0 to 86400\n"),
			        cli->progname);
			return 2;
		}
		break;
	case '?':
	case OPT_HELP: usage(stdout, cli->progname); return 0;
	case 'V': version(); return 0;
	}
	return GLOBAL_OK;
}

/* Take the global options out of a command's arguments (argv[0] is the
 * command), wherever they stand, so that "create t --tenant-port 6432"
 * works; what is left, in order, is the command's. Only exact long names
 * and the short letters count: a command's own options and values pass
 * through, and "--" ends the search. Returns GLOBAL_OK and the new argc
 * in *argc, or the exit status. */
static int
take_globals(struct pt_cli *cli, int *argc, char **argv)
{
	int in, out = 1;

	for (in = 1; in < *argc; in++) {
		const char *a = argv[in], *arg = NULL, *eq;
		int c = 0, rc;

		if (!strcmp(a, "--")) {
			while (in < *argc)
				argv[out++] = argv[in++];
			break;
		}
		if (a[0] == '-' && a[1] == '-') {
			size_t len = (eq = strchr(a, '=')) ? (size_t)(eq - a - 2) : strlen(a + 2);
			for (const struct option *o = opts; o->name; o++)
				if (strlen(o->name) == len && !strncmp(o->name, a + 2, len)) {
					c = o->val;
					if (o->has_arg == no_argument && eq)
						return pt_cli_usage_error(cli, argv[0],
							_("option \"--%s\" takes no value"), o->name);
					if (o->has_arg == required_argument)
						arg = eq ? eq + 1 : in + 1 < *argc ? argv[++in] : NULL;
					break;
				}
		} else if (a[0] == '-' && a[1] && a[1] != ':' && strchr(shortopts + 1, a[1])) {
			c = a[1];
			if (strchr("dhpU", c))
				arg = a[2] ? a + 2 : in + 1 < *argc ? argv[++in] : NULL;
			else if (a[2])
				c = 0;   /* "-Wy" and the like: the command's business */
		}
		if (!c) {
			argv[out++] = argv[in];
			continue;
		}
		if (strchr("dhpU", c) || (c >= 256 && c != OPT_READ_ONLY && c != OPT_NO_COLOR))
			if (!arg)
				return pt_cli_usage_error(cli, argv[0],
					_("option \"%s\" needs a value"), a);
		if ((rc = apply_global(cli, c, arg, argv[0])) != GLOBAL_OK)
			return rc;
	}
	argv[out] = NULL;
	*argc = out;
	return GLOBAL_OK;
}

int
main(int argc, char **argv)
{
	struct pt_cli cli;
	struct pt_userconf uc;
	pt_error conf_err;
	const char *slash;
	char *conf_path;
	int c, rc;

	set_locale();
#if ENABLE_NLS
	/* PGTENANT_LOCALEDIR lets the tests run the build tree's binary with
	 * the build tree's catalogues, before anything is installed. */
	bindtextdomain(PACKAGE, getenv("PGTENANT_LOCALEDIR") && *getenv("PGTENANT_LOCALEDIR")
	               ? getenv("PGTENANT_LOCALEDIR") : LOCALEDIR);
	textdomain(PACKAGE);
#endif
	memset(&cli, 0, sizeof cli);
	slash = strrchr(argv[0], '/');
	cli.progname = slash ? slash + 1 : argv[0];
	cli.format = PT_FORMAT_TABLE;
	cli.string_format = PT_CONNSTR_URI;
	cli.idle_xact_s = -1;
	if (pt_core_init() != 0) {
		fprintf(stderr, _("%s: cannot initialise libsodium\n"), cli.progname);
		return 2;
	}
	cli.no_color = getenv("NO_COLOR") && *getenv("NO_COLOR");

	/* The configuration file comes first so that options override it; a
	 * bad file is reported after the options so --help and --version still
	 * work. NO_COLOR yields to the file, as no-color.org asks. */
	pt_userconf_init(&uc);
	pt_error_clear(&conf_err);
	conf_path = pt_userconf_path();
	if (conf_path && pt_userconf_load(&uc, conf_path, &conf_err) == PT_OK) {
		cli.copts.tenant_host = uc.tenant_host;
		cli.copts.tenant_port = uc.tenant_port;
		cli.copts.tenant_sslrootcert = uc.tenant_sslrootcert;
		if (uc.string_format_set)
			cli.string_format = uc.string_format;
		cli.user_pattern = uc.user_pattern;
		if (uc.color >= 0)
			cli.no_color = !uc.color;
		if (uc.format_set)
			cli.format = uc.format;
		cli.copts.lock_timeout_ms = uc.lock_timeout_ms;
		cli.connection_limit_set = uc.connection_limit_set;
		cli.connection_limit = uc.connection_limit;
		if (uc.idle_xact_s >= 0)
			cli.idle_xact_s = uc.idle_xact_s;
	}
	free(conf_path);

	/* '+': options stop at the command; take_globals finds the rest. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		/* '?' is both psql's help letter and getopt's "no such option" */
		if (c == '?' && strcmp(argv[optind - 1], "-?")) {
			/* up to "=": "--password=x" must not echo x */
			fprintf(stderr, _("%s: unknown option or missing value: \"%.*s\"\n"),
			        cli.progname, (int)strcspn(argv[optind - 1], "="), argv[optind - 1]);
			c = 0;
		}
		if (!c) {
			fprintf(stderr, _("Try '%s --help' for more information.\n"), cli.progname);
			rc = 2;
			goto out;
		}
		if ((rc = apply_global(&cli, c, optarg, "")) != GLOBAL_OK)
			goto out;
	}
	if (optind < argc) {
		argc -= optind;
		argv += optind;
		if ((rc = take_globals(&cli, &argc, argv)) != GLOBAL_OK)
			goto out;
	} else
		argc = 0;
	if (conf_err.status != PT_OK) {
		/* It may quote a line of the file. */
		pt_fprintf_safe(stderr, "%s: %s\n", cli.progname, conf_err.message);
		rc = 2;
		goto out;
	}
	if (argc > 0)
		rc = pt_cli_run(&cli, argc, argv);
	else {
		struct pt_tui_opts topt = {
			.target = cli.target, .copts = cli.copts, .no_color = cli.no_color,
			.user_pattern = cli.user_pattern, .progname = cli.progname,
			.refresh_s = cli.refresh_s,
			.idle_xact_s = cli.idle_xact_s,
			.connection_limit_set = cli.connection_limit_set,
			.connection_limit = cli.connection_limit,
			.string_format = cli.string_format,
		};

		rc = pt_tui_run(&topt);
	}
	/* every exit after the file was read frees it (LeakSanitizer) */
out:
	pt_userconf_free(&uc);
	return rc;
}
