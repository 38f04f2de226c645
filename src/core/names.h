/* Tenant naming rules: what a schema or role may be called, and the user
 * name derived from a schema name. */
#ifndef PT_NAMES_H
#define PT_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define PT_NAME_MAX 63      /* PostgreSQL's NAMEDATALEN - 1, in bytes */

enum pt_name_kind { PT_NAME_SCHEMA, PT_NAME_ROLE };

/* Roles and schemas pgtenant makes for itself (its groups) begin so; no
 * tenant may. */
#define PT_RESERVED_PREFIX "pgtenant_"

/* PT_OK when name matches ^[a-z_][a-z0-9_]{0,62}$, does not start with pg_
 * or PT_RESERVED_PREFIX and is not a reserved role name (public, none, ...). Otherwise
 * PT_ERR_INVALID with a message that says which rule failed and, where one
 * exists, what to type instead ("Tenant_Acme": use "tenant_acme"). */
enum pt_status pt_name_validate(const char *name, enum pt_name_kind kind,
                                pt_error *err);

/* The user name pattern: "{tenant}" stands for the schema name with a
 * leading "tenant_" removed. NULL means the default "{tenant}_user". */
#define PT_DEFAULT_USER_PATTERN "{tenant}_user"

/* Write the user name for schema into out (size outsz). Returns PT_OK or
 * PT_ERR_INVALID when the result would not be a valid role name (too long,
 * say), with a message. tenant_acme -> acme_user. */
enum pt_status pt_default_username(const char *schema, const char *pattern,
                                   char *out, size_t outsz, pt_error *err);

/* True when a pattern contains exactly one "{tenant}" and nothing else that
 * could not appear in a role name. */
bool pt_user_pattern_valid(const char *pattern);

#endif
