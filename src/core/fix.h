/* Applying audit fixes: the fix_sql of chosen findings, shown first and
 * then run in one transaction. */
#ifndef PT_FIX_H
#define PT_FIX_H

#include <stddef.h>

#include "audit.h"
#include "conn.h"
#include "error.h"

/* The statements that fixing the n findings runs, one fix a paragraph
 * headed by a comment naming the rule and the role; NULL when none of
 * them has a fix. malloc'd, the caller frees. */
char *pt_fix_preview(const struct pt_finding *const *f, size_t n);

/* Run the fixes of the n findings in one transaction: all or nothing. A
 * GRANT or REVOKE the session is not entitled to (only a WARNING from the
 * server) fails it too. Refreshes the session info after. */
enum pt_status pt_fix_apply(pt_db *db, const struct pt_finding *const *f, size_t n,
                            pt_error *err);

/* Run sql (one or more statements) between BEGIN and COMMIT, rolling back
 * on any error or permission WARNING. what names it in messages. */
enum pt_status pt_exec_atomic(pt_db *db, const char *sql, const char *what, pt_error *err);

#endif
