#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/tui.h"

int
pt_tui_run(struct pt_cli *cli)
{
	const char *term = getenv("TERM");

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) || !term || !*term ||
	    !strcmp(term, "dumb")) {
		fprintf(stderr,
		        _("%s: the console needs a terminal (TERM is \"%s\"); use the "
		          "scriptable commands instead: list, roles, create, drop, "
		          "rotate-password, audit, harden (see --help)\n"),
		        cli->progname, term ? term : "");
		return 2;
	}
	fprintf(stderr, "%s: the console is not built yet\n", cli->progname);
	return 2;
}
