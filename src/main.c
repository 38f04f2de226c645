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
	fputs(_("Connection options:\n"
	        "  -d, --dbname=TARGET    connect to TARGET: a postgresql:// URI or a\n"
	        "                         conninfo string; without it the PG* environment\n"
	        "                         variables, service files and ~/.pgpass apply\n"
	        "      --read-only        open a read-only session; changes are refused\n"
	        "      --tenant-host=HOST put HOST in tenants' connection strings\n"
	        "      --tenant-port=PORT put PORT in tenants' connection strings\n"), out);
	fputs("\n", out);
	fputs(_("Output options:\n"
	        "      --format=FORMAT    table (default), csv or json\n"
	        "      --no-color         draw the console without colour (so does NO_COLOR)\n"
	        "  -r, --refresh=SECONDS  console: reload every SECONDS (default 5; 0 = off)\n"), out);
	fputs("\n", out);
	fputs(_("Command options:\n"
	        "  list | roles [--format=FORMAT]\n"
	        "  create SCHEMA [--user=NAME] [--password-stdin] [--connection-limit=N]\n"
	        "                [--valid-until=TIMESTAMP] [--format=FORMAT]\n"
	        "  create --from=FILE [--format=FORMAT]\n"
	        "                FILE is CSV with a header line: schema_name,username,password;\n"
	        "                \"-\" reads standard input\n"
	        "  drop SCHEMA [-y|--yes]\n"
	        "  rotate-password SCHEMA [--password-stdin] [--format=FORMAT]\n"
	        "  audit [--format=FORMAT]\n"
	        "  harden [-n|--dry-run | -y|--yes]\n"
	        "  Without --password-stdin a password is generated. Passwords are never\n"
	        "  taken from the command line.\n"), out);
	fputs("\n", out);
	fputs(_("Other options:\n"
	        "  -h, --help             show this help and exit\n"
	        "  -V, --version          show version information and exit\n"), out);
	fputs("\n", out);
	fputs(_("Exit status: 0 success, 1 the operation failed, 2 usage or connection error.\n"), out);
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

enum { OPT_TENANT_HOST = 256, OPT_TENANT_PORT, OPT_READ_ONLY, OPT_NO_COLOR,
       OPT_FORMAT };

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dbname", required_argument, NULL, 'd' },
		{ "tenant-host", required_argument, NULL, OPT_TENANT_HOST },
		{ "tenant-port", required_argument, NULL, OPT_TENANT_PORT },
		{ "read-only", no_argument, NULL, OPT_READ_ONLY },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "refresh", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct pt_cli cli;
	struct pt_userconf uc;
	pt_error conf_err;
	const char *slash;
	char *conf_path;
	int c, rc, refresh_s = 0;

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
		cli.user_pattern = uc.user_pattern;
		if (uc.color >= 0)
			cli.no_color = !uc.color;
		if (uc.format_set)
			cli.format = uc.format;
	}
	free(conf_path);

	/* '+': options stop at the command, which parses its own. */
	while ((c = getopt_long(argc, argv, "+d:r:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cli.target = optarg; break;
		case OPT_TENANT_HOST: cli.copts.tenant_host = optarg; break;
		case OPT_TENANT_PORT: cli.copts.tenant_port = optarg; break;
		case OPT_READ_ONLY: cli.copts.read_only = true; break;
		case OPT_NO_COLOR: cli.no_color = true; break;
		case 'r': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*optarg < '0' || *optarg > '9' || *end || v > 86400) {
				fprintf(stderr, _("%s: --refresh takes whole seconds from 0 to 86400\n"),
				        cli.progname);
				rc = 2;
				goto out;
			}
			refresh_s = v ? (int)v : -1;
			break;
		}
		case OPT_FORMAT:
			if (!pt_cli_set_format(&cli, "", optarg)) {
				rc = 2;
				goto out;
			}
			break;
		case 'h': usage(stdout, cli.progname); rc = 0; goto out;
		case 'V': version(); rc = 0; goto out;
		default:
			fprintf(stderr, _("Try '%s --help' for more information.\n"), cli.progname);
			rc = 2;
			goto out;
		}
	}
	if (conf_err.status != PT_OK) {
		fprintf(stderr, "%s: %s\n", cli.progname, conf_err.message);
		rc = 2;
		goto out;
	}
	if (optind < argc)
		rc = pt_cli_run(&cli, argc - optind, argv + optind);
	else {
		struct pt_tui_opts topt = {
			.target = cli.target, .copts = cli.copts, .no_color = cli.no_color,
			.user_pattern = cli.user_pattern, .progname = cli.progname,
			.refresh_s = refresh_s,
		};

		rc = pt_tui_run(&topt);
	}
	/* every exit after the file was read frees it (LeakSanitizer) */
out:
	pt_userconf_free(&uc);
	return rc;
}
