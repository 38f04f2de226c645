/* Applying audit fixes (see fix.h). */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fix.h"
#include "i18n.h"

/* Only the statements: what runs is exactly what was previewed, less
 * the comments. */
static char *
join(const struct pt_finding *const *f, size_t n, bool comments)
{
	size_t len = 1;
	char *out, *p;

	for (size_t i = 0; i < n; i++)
		if (f[i]->fix_sql && *f[i]->fix_sql)
			len += strlen(f[i]->fix_sql) + strlen(f[i]->rule) + strlen(f[i]->role) + 16;
	if (len == 1)
		return NULL;
	p = out = pt_xmalloc(len);
	for (size_t i = 0; i < n; i++) {
		if (!f[i]->fix_sql || !*f[i]->fix_sql)
			continue;
		if (comments) {
			p = stpcpy(p, "-- ");
			p = stpcpy(p, f[i]->rule);
			p = stpcpy(p, ": ");
			p = stpcpy(p, f[i]->role);
			*p++ = '\n';
		}
		p = stpcpy(p, f[i]->fix_sql);
		*p++ = '\n';
	}
	*p = '\0';
	return out;
}

char *
pt_fix_preview(const struct pt_finding *const *f, size_t n)
{
	return join(f, n, true);
}

enum pt_status
pt_exec_atomic(pt_db *db, const char *sql, const char *what, pt_error *err)
{
	enum pt_status st;
	pt_error err2;

	if ((st = pt_db_exec(db, "BEGIN", 0, NULL, what, err)) != PT_OK)
		return st;
	st = pt_db_exec(db, sql, 0, NULL, what, err);
	if (st == PT_OK && *pt_db_last_notices(db))
		st = pt_error_set(err, PT_ERR_PERMISSION, _("%s: %s"), what,
		                  pt_db_last_notices(db));
	if (st != PT_OK) {
		(void)pt_db_exec(db, "ROLLBACK", 0, NULL, what, &err2);
		return st;
	}
	return pt_db_exec(db, "COMMIT", 0, NULL, what, err);
}

enum pt_status
pt_fix_apply(pt_db *db, const struct pt_finding *const *f, size_t n, pt_error *err)
{
	char *sql = join(f, n, false);
	enum pt_status st;

	if (!sql)
		return pt_error_set(err, PT_ERR_INVALID, "%s", _("no fix to apply"));
	st = pt_exec_atomic(db, sql, _("applying the audit's fixes"), err);
	free(sql);
	return st == PT_OK ? pt_db_refresh_info(db, err) : st;
}
