/* One role in full (see roleinfo.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "roleinfo.h"

/* The membership options: PostgreSQL 16 keeps INHERIT and SET per grant;
 * before, inheriting is the member's attribute and SET always allowed. */
#define MEMBER_OPTS_16 \
	"pg_catalog.concat_ws(' ', CASE WHEN m.admin_option THEN 'admin' END," \
	" CASE WHEN m.inherit_option THEN 'inherit' ELSE 'no-inherit' END," \
	" CASE WHEN m.set_option THEN 'set' ELSE 'no-set' END," \
	" 'granted by ' OPERATOR(pg_catalog.||) gr.rolname)"
#define MEMBER_OPTS_OLD \
	"pg_catalog.concat_ws(' ', CASE WHEN m.admin_option THEN 'admin' END," \
	" CASE WHEN mr.rolinherit THEN 'inherit' ELSE 'no-inherit' END, 'set'," \
	" 'granted by ' OPERATOR(pg_catalog.||) gr.rolname)"

#define ROLE_DETAIL_SQL(OPTS) \
	"WITH r AS (SELECT * FROM pg_catalog.pg_roles WHERE rolname = $1) " \
	"SELECT 1, 'role', 'attributes', pg_catalog.concat_ws(' '," \
	"  CASE WHEN rolcanlogin THEN 'login' ELSE 'nologin' END," \
	"  CASE WHEN rolsuper THEN 'superuser' END, CASE WHEN rolcreaterole THEN 'createrole' END," \
	"  CASE WHEN rolcreatedb THEN 'createdb' END, CASE WHEN rolreplication THEN 'replication' END," \
	"  CASE WHEN rolbypassrls THEN 'bypassrls' END," \
	"  CASE WHEN rolinherit THEN 'inherit' ELSE 'noinherit' END) FROM r " \
	"UNION ALL SELECT 2, 'role', 'connection limit'," \
	"  CASE WHEN rolconnlimit < 0 THEN 'none' ELSE rolconnlimit::text END FROM r " \
	"UNION ALL SELECT 3, 'role', 'valid until', coalesce(rolvaliduntil::text, 'never') FROM r " \
	"UNION ALL SELECT 4, 'member of', g.rolname, " OPTS \
	"  FROM r JOIN pg_catalog.pg_auth_members m ON m.member = r.oid" \
	"  JOIN pg_catalog.pg_roles g ON g.oid = m.roleid" \
	"  JOIN pg_catalog.pg_roles mr ON mr.oid = m.member" \
	"  LEFT JOIN pg_catalog.pg_roles gr ON gr.oid = m.grantor " \
	"UNION ALL SELECT 5, 'members', mr.rolname, " OPTS \
	"  FROM r JOIN pg_catalog.pg_auth_members m ON m.roleid = r.oid" \
	"  JOIN pg_catalog.pg_roles mr ON mr.oid = m.member" \
	"  LEFT JOIN pg_catalog.pg_roles gr ON gr.oid = m.grantor " \
	"UNION ALL SELECT 6, 'setting', coalesce(d.datname, '(every database)')," \
	"  pg_catalog.array_to_string(s.setconfig, ', ')" \
	"  FROM r JOIN pg_catalog.pg_db_role_setting s ON s.setrole = r.oid" \
	"  LEFT JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase " \
	"UNION ALL SELECT 7, 'schema', n.nspname, pg_catalog.concat_ws(', '," \
	"  CASE WHEN n.nspowner = r.oid THEN 'owner' END," \
	"  CASE WHEN pg_catalog.has_schema_privilege(r.oid, n.oid, 'USAGE') THEN 'usage' END," \
	"  CASE WHEN pg_catalog.has_schema_privilege(r.oid, n.oid, 'CREATE') THEN 'create' END)" \
	"  FROM r, pg_catalog.pg_namespace n" \
	"  WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'" \
	"    AND (pg_catalog.has_schema_privilege(r.oid, n.oid, 'USAGE')" \
	"      OR pg_catalog.has_schema_privilege(r.oid, n.oid, 'CREATE')) " \
	"ORDER BY 1, 3"

static const char role_detail_sql_16[] = ROLE_DETAIL_SQL(MEMBER_OPTS_16);
static const char role_detail_sql_old[] = ROLE_DETAIL_SQL(MEMBER_OPTS_OLD);

enum pt_status
pt_role_detail_load(pt_db *db, const char *role, struct pt_role_detail *out, pt_error *err)
{
	const char *params[1] = { role };
	char what[160];
	PGresult *res;
	int n;

	memset(out, 0, sizeof *out);
	snprintf(what, sizeof what, _("reading role \"%s\""), role);
	res = pt_db_query(db, pt_db_info(db)->server_version_num >= 160000
	                  ? role_detail_sql_16 : role_detail_sql_old, 1, params, what, err);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	n = PQntuples(res);
	if (n == 0) {
		PQclear(res);
		return pt_error_set(err, PT_ERR_NOT_FOUND, _("there is no role \"%s\""), role);
	}
	out->res_ = res;
	out->n = (size_t)n;
	out->facts = pt_xcalloc((size_t)n, sizeof *out->facts);
	for (int i = 0; i < n; i++) {
		out->facts[i].section = PQgetvalue(res, i, 1);
		out->facts[i].key = PQgetvalue(res, i, 2);
		out->facts[i].value = PQgetvalue(res, i, 3);
	}
	return PT_OK;
}

void
pt_role_detail_free(struct pt_role_detail *d)
{
	if (!d)
		return;
	PQclear(d->res_);
	free(d->facts);
	memset(d, 0, sizeof *d);
}
