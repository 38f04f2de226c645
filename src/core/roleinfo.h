/* Everything about one role, for the console's role detail: attributes,
 * memberships both ways (with PostgreSQL 16's INHERIT and SET options),
 * settings per database, and the schemas it reaches. */
#ifndef PT_ROLEINFO_H
#define PT_ROLEINFO_H

#include <stddef.h>
#include <libpq-fe.h>

#include "conn.h"
#include "error.h"

/* One fact: the section it belongs to, a key and a value (server text). */
struct pt_role_fact {
	const char *section;   /* "role", "member of", "members", "setting", "schema" */
	const char *key;
	const char *value;
};

struct pt_role_detail {
	struct pt_role_fact *facts;   /* by section, then key */
	size_t n;
	PGresult *res_;
};

/* PT_ERR_NOT_FOUND when there is no such role. Free with
 * pt_role_detail_free. */
enum pt_status pt_role_detail_load(pt_db *db, const char *role, struct pt_role_detail *out,
                                   pt_error *err);
void pt_role_detail_free(struct pt_role_detail *d);

#endif
