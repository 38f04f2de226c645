/* Placeholder until the audit lands: the commands exist but say so. */
#include "config.h"

#include "cli.h"

int
pt_cmd_audit(struct pt_cli *cli, int argc, char **argv)
{
	fprintf(stderr, "%s: audit is not built yet\n", cli->progname);
	return 2;
}

int
pt_cmd_harden(struct pt_cli *cli, int argc, char **argv)
{
	fprintf(stderr, "%s: harden is not built yet\n", cli->progname);
	return 2;
}
