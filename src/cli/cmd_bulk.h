/* create --from FILE: bulk onboarding from CSV (see core/bulk.h). */
#ifndef PT_CMD_BULK_H
#define PT_CMD_BULK_H

#include "cli.h"
#include "tenant.h"

/* Create a tenant per record of the CSV file at path ("-" = stdin), with
 * defaults for what the file does not say; credentials go to stdout in
 * cli->format, failures to stderr with their line. Waiting for input may
 * take input_timeout seconds in all (0 = no bound). Returns the exit
 * status: 0 all created, 1 any record failed, 2 no connection. */
#define PT_DEFAULT_INPUT_TIMEOUT 60
int pt_cli_create_from(struct pt_cli *cli, const char *path,
                       const struct pt_tenant_config *defaults, unsigned jobs,
                       double input_timeout);

#endif
