/* The pgtenant program's own way into libpgtenant's API: never exported
 * (no pgt_ prefix, and the library exports only pgt_), never installed.
 *
 * The program connects through the core because the public
 * pgt_admin_open() has none of what its connection needs: the password
 * prompt on /dev/tty, psql's -h/-p/-U/-W, a read-only session, the
 * tenants' host and CA for their strings, and the wait hook that turns
 * Ctrl-C into a cancel. Everything after the connection goes through the
 * pgt_ calls wherever they cover what a command needs (the table at the
 * top of api.c). */
#ifndef PT_API_INT_H
#define PT_API_INT_H

#include "conn.h"
#include "connstr.h"
#include "tenant.h"
#include "lib/pgtenant.h"

/* A handle on the program's own session: it takes db over, and
 * pgt_admin_close() closes it. The options and wait hook db was opened
 * with stay in force. */
pgt_admin *pt_api_admin_adopt(pt_db *db);

/* A handle on a session the program keeps (the console's, which outlives
 * every call): pgt_admin_close() releases the handle only, and db stays
 * open with its options and wait hook. Close the handle before db. */
pgt_admin *pt_api_admin_borrow(pt_db *db);

/* The public form of a connection string format (the program's options
 * and the console's f key name the core's). */
pgt_string_form pt_api_string_form(enum pt_connstr_format f);

/* The core's credentials inside c, for what the API has no call for (the
 * console's test login as the tenant); they belong to c. */
const struct pt_credentials *pt_api_credentials_core(const pgt_credentials *c);

/* The program has bound its text domain itself (in the user's charset,
 * perhaps from PGTENANT_LOCALEDIR): the library must not rebind it to its
 * installed catalogue in UTF-8. Call before any pgt_ call. */
void pt_api_program_mode(void);

#endif
