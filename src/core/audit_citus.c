/* The Citus family, on a coordinator only: the functions through which a
 * tenant moves, copies or redistributes data (its own schema to another
 * node, leaving a stale copy behind; another tenant's shards where the
 * function does not check ownership), passwords stored for the nodes'
 * connections, and workers that let tenants log in with a password (the
 * design: tenants log in to the coordinator alone). The function and
 * pg_dist_authinfo queries run on every node, the pg_hba.conf one on the
 * workers alone: each node has its own. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"

/* One row per (function name, grantee): the grantee, whether PUBLIC,
 * the tenants it reaches (capped) and how many, every overload's
 * signature for the fix. Only functions of the citus extension. */
static const char functions_sql[] =
	PT_AUDIT_BASE_CTE
	" SELECT p.proname::text,"
	"        CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE g.rolname::text END,"
	"        (a.grantee = 0)::text,"
	"        (SELECT " PT_AUDIT_CAPPED_NAMES("r.rolname") " FROM pg_catalog.pg_roles r"
	"          WHERE r.oid IN (SELECT oid FROM troles) AND (r.oid = a.grantee"
	"            OR EXISTS (SELECT 1 FROM memb m WHERE m.grp = a.grantee"
	"                        AND m.member = r.oid))),"
	"        pg_catalog.string_agg('pg_catalog.'"
	"          || p.oid::pg_catalog.regprocedure::text,"
	"          ', ' ORDER BY p.oid)"
	"   FROM pg_catalog.pg_proc p,"
	"        " PT_ACL("coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))", "a")
	"   LEFT JOIN pg_catalog.pg_roles g ON g.oid = a.grantee"
	"  WHERE p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace"
	"    AND p.proname = ANY ($2::text[]) AND a.privilege_type = 'EXECUTE'"
	"    AND a.grantee <> p.proowner"
	"    AND (a.grantee = 0 OR a.grantee IN (SELECT oid FROM troles)"
	"      OR EXISTS (SELECT 1 FROM memb m WHERE m.grp = a.grantee"
	"                  AND m.member IN (SELECT oid FROM troles)))"
	"    AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
	"         JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid"
	"        WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid"
	"          AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass"
	"          AND d.deptype = 'e' AND e.extname = 'citus')"
	"  GROUP BY p.proname, a.grantee, g.rolname";

enum { CF_NAME, CF_GRANTEE, CF_PUBLIC, CF_TENANTS, CF_SIGNATURES };

/* pg_dist_authinfo rows with a password (the only secret it takes; a
 * sslkey names a file). $1 is unused but keeps the parameters uniform. */
static const char authinfo_sql[] =
	"SELECT a.rolename::text, a.nodeid::text,"
	"       coalesce(n.nodename || ':' || n.nodeport, a.nodeid::text), $1::text"
	"  FROM pg_catalog.pg_dist_authinfo a"
	"  LEFT JOIN pg_catalog.pg_dist_node n ON n.nodeid = a.nodeid"
	" WHERE a.authinfo ~* '(^|[[:space:]])password[[:space:]]*='";

enum { CA_ROLE, CA_NODEID, CA_NODE };

/* A worker's pg_hba.conf lines that ask for a password and match this
 * database and tenant roles (all, one by name, or +group of one). The
 * first matching line wins: a line after one that rejects every role and
 * database from every address of its kind (local, or 0.0.0.0/0 or ::/0
 * for its family) is never used and not reported. A narrower reject
 * before it is not weighed: the finding names the line to check. */
static const char hba_sql[] =
	PT_AUDIT_BASE_CTE
	" SELECT h.line_number::text, h.type, h.auth_method,"
	"        coalesce(h.address, ''),"
	"        (SELECT " PT_AUDIT_CAPPED_NAMES("r.rolname") " FROM pg_catalog.pg_roles r"
	"          WHERE r.oid IN (SELECT oid FROM troles) AND ('all' = ANY (h.user_name)"
	"            OR r.rolname = ANY (h.user_name)"
	"            OR EXISTS (SELECT 1 FROM memball m JOIN pg_catalog.pg_roles g"
	"                  ON g.oid = m.grp WHERE m.member = r.oid"
	"                 AND '+' || g.rolname = ANY (h.user_name)))),"
	"        ('all' = ANY (h.user_name))::text"
	"   FROM pg_catalog.pg_hba_file_rules h"
	"  WHERE h.error IS NULL AND h.auth_method IN ('password', 'md5', 'scram-sha-256')"
	"    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_hba_file_rules e"
	"          WHERE e.line_number < h.line_number AND e.error IS NULL"
	"            AND e.auth_method = 'reject' AND 'all' = ANY (e.database)"
	"            AND 'all' = ANY (e.user_name)"
	"            AND ((h.type = 'local' AND e.type = 'local')"
	"              OR (h.type <> 'local' AND e.type IN ('host', h.type)"
	"                  AND (e.address = 'all'"
	"                    OR (e.netmask = '0.0.0.0' AND h.address !~ ':')"
	"                    OR (e.netmask = '::' AND h.address ~ ':')))))"
	"    AND (h.database && ARRAY['all', 'sameuser', 'samerole',"
	"                             pg_catalog.current_database()::text])"
	"    AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles r"
	"          WHERE r.oid IN (SELECT oid FROM troles) AND ('all' = ANY (h.user_name)"
	"            OR r.rolname = ANY (h.user_name)"
	"            OR EXISTS (SELECT 1 FROM memball m JOIN pg_catalog.pg_roles g"
	"                  ON g.oid = m.grp WHERE m.member = r.oid"
	"                 AND '+' || g.rolname = ANY (h.user_name))))";

enum { CH_LINE, CH_TYPE, CH_METHOD, CH_ADDRESS, CH_TENANTS, CH_ALL };

static void
function_finding(struct pt_audit_run *run, const PGresult *res, int i)
{
	const char *name = pt_audit_val(res, i, CF_NAME);
	const char *grantee = pt_audit_val(res, i, CF_GRANTEE);
	const char *tenants = pt_audit_val(res, i, CF_TENANTS);
	const char *sigs = pt_audit_val(res, i, CF_SIGNATURES);
	bool pub = pt_audit_tval(res, i, CF_PUBLIC);
	char *g = pub ? pt_xstrdup("PUBLIC") : pt_quote_ident(run->db, grantee ? grantee : "?");
	char *object = pt_xasprintf("pg_catalog.%s", name);
	char *who = pub ? pt_xstrdup(_("Every role (PUBLIC), every tenant included,"))
	                : pt_xasprintf(_("Role %s (tenant roles %s)"), grantee,
	                               tenants ? tenants : "");

	pt_audit_add(run, PT_RULE_CITUS_MOVE_FUNCTION, PT_SEV_HIGH, pub ? "PUBLIC" : grantee,
	             NULL, object, pub ? "PUBLIC" : NULL,
	             pt_xasprintf(_("%s may execute Citus function %s, which moves, copies or "
	                            "redistributes a table's or a schema's data between nodes: "
	                            "a tenant can move its own schema behind the DBA's back "
	                            "(leaving stale data), or undistribute it. pgtenant harden "
	                            "revokes it on every node."), who, name),
	             pt_xasprintf("REVOKE EXECUTE ON FUNCTION %s FROM %s;", sigs, g));
	free(who);
	free(object);
	free(g);
}

static void
authinfo_finding(struct pt_audit_run *run, const PGresult *res, int i)
{
	const char *role = pt_audit_val(res, i, CA_ROLE), *id = pt_audit_val(res, i, CA_NODEID);
	const char *node = pt_audit_val(res, i, CA_NODE);
	char *lit = pt_quote_literal(run->db, role);
	char *object = pt_xasprintf("pg_dist_authinfo(%s)", node);

	pt_audit_add(run, PT_RULE_CITUS_AUTHINFO_PASSWORD, PT_SEV_HIGH, role, NULL, object, NULL,
	             pt_xasprintf(_("pg_dist_authinfo stores a plaintext password of role %s for "
	                            "the nodes' connections (node id %s): anyone who reads the "
	                            "catalog or a backup has it, it goes stale on "
	                            "rotate-password and stays after drop. Let the nodes "
	                            "authenticate with a node certificate instead (see "
	                            "\"Citus\" in pgtenant(1))."), role, id),
	             pt_xasprintf("DELETE FROM pg_catalog.pg_dist_authinfo WHERE nodeid = %s"
	                          " AND rolename = %s;", id, lit));
	free(object);
	free(lit);
}

static void
hba_finding(struct pt_audit_run *run, const PGresult *res, int i)
{
	const char *line = pt_audit_val(res, i, CH_LINE), *method = pt_audit_val(res, i, CH_METHOD);
	const char *type = pt_audit_val(res, i, CH_TYPE), *addr = pt_audit_val(res, i, CH_ADDRESS);
	const char *tenants = pt_audit_val(res, i, CH_TENANTS);
	bool all = pt_audit_tval(res, i, CH_ALL);
	char *object = pt_xasprintf("pg_hba.conf:%s", line);

	pt_audit_add(run, PT_RULE_CITUS_WORKER_PASSWORD, PT_SEV_MEDIUM,
	             all ? "all" : tenants ? tenants : "", NULL, object, NULL,
	             pt_xasprintf(_("Line %s of this worker's pg_hba.conf (%s %s %s) accepts "
	                            "password logins from %s: tenants should log in to the "
	                            "coordinator only, where lock and harden apply, and the "
	                            "workers accept the nodes' certificate alone."), line, type,
	                          addr && *addr ? addr : "-", method,
	                          all ? _("every role, tenants included") : tenants),
	             pt_xasprintf(_("-- on this node, make line %s of pg_hba.conf reject "
	                            "tenant roles, then SELECT pg_catalog.pg_reload_conf();"),
	                          line));
	free(object);
}

/* May the session read pg_dist_authinfo and pg_hba_file_rules? Asked of
 * the coordinator: the nodes share their roles. */
static const char may_sql[] =
	"SELECT pg_catalog.has_table_privilege('pg_catalog.pg_dist_authinfo', 'SELECT'),"
	"       pg_catalog.has_table_privilege('pg_catalog.pg_hba_file_rules', 'SELECT')"
	"   AND pg_catalog.has_function_privilege('pg_catalog.pg_hba_file_rules()', 'EXECUTE')";

enum pt_status
pt_audit_family_citus(struct pt_audit_run *r, pt_error *err)
{
	const char *params[2] = { r->pattern, PT_CITUS_MOVE_FUNCTIONS };
	bool authinfo, hba;
	PGresult *res;

	if (!r->citus)
		return PT_OK;
	if (pt_audit_rows(r, functions_sql, 2, params, function_finding, err) != PT_OK)
		return err->status;
	res = pt_db_query(r->db, may_sql, 0, NULL, _("auditing tenant isolation"), err);
	if (!res)
		return err->status;
	authinfo = pt_audit_tval(res, 0, 0);
	hba = pt_audit_tval(res, 0, 1);
	PQclear(res);
	if (authinfo && pt_audit_rows(r, authinfo_sql, 1, params, authinfo_finding,
	                              err) != PT_OK)
		return err->status;
	if (hba && pt_audit_rows_on(r, PT_AUDIT_WORKERS_ONLY, hba_sql, 1, params, hba_finding,
	                            err) != PT_OK)
		return err->status;
	return PT_OK;
}
