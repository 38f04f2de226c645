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

/* A worker's pg_hba.conf lines that ask for a password and are the first
 * line some tenant's connection can meet (pg_hba.conf's first match).
 * Connections fall in nine classes: the socket, and TCP with or without
 * TLS, over IPv4 or IPv6, from loopback (127.0.0.1, ::1) or elsewhere.
 * A line may match a class (its type allows it and its address could
 * hold such a client: a host name, samehost or samenet may hold any) and
 * covers it when it takes every connection of the class (address all, a
 * range holding the loopback address, or /0 for elsewhere). A password
 * line reaches a tenant in a class it may match unless a line before it
 * covers that class for that tenant, whatever its method (user all, the
 * tenant's name or +a group it is a member of; database all or this
 * one). Lines for sameuser or samerole may match but cover nothing, and
 * hostgssenc and hostnogssenc lines cover nothing either: doubt reports.
 * Cost: lines x classes, plus one row per tenant and line that names it
 * or one of its groups; a line for user all is one row per class, never
 * one per tenant, until a password line for all is weighed. */
#define HBA_LOOPBACK(C) "(CASE WHEN " C ".fam = 4 THEN '127.0.0.1'::inet ELSE '::1'::inet END)"
/* Does the range of line C (joined with a class) hold that class's
 * family's loopback address? */
#define HBA_HOLDS(C) \
	"((" HBA_LOOPBACK(C) " & " C ".netmask::inet) = (" C ".address::inet & " C ".netmask::inet))"
static const char hba_sql[] =
	PT_AUDIT_BASE_CTE ","
	" cls(k, loc, ssl, fam, lb) AS (VALUES (0, true, false, 0, false),"
	"   (1, false, false, 4, false), (2, false, false, 4, true),"
	"   (3, false, false, 6, false), (4, false, false, 6, true),"
	"   (5, false, true, 4, false), (6, false, true, 4, true),"
	"   (7, false, true, 6, false), (8, false, true, 6, true)),"
	" hl AS (SELECT h.line_number AS ln, h.type, h.auth_method, h.address, h.netmask,"
	"   h.user_name, h.auth_method IN ('password', 'md5', 'scram-sha-256') AS pw,"
	"   'all' = ANY (h.user_name) AS uall,"
	"   h.database && ARRAY['all', pg_catalog.current_database()::text] AS dall,"
	"   h.netmask IS NOT NULL AND h.address ~ '^[0-9A-Fa-f.:]+$' AS ip"
	"   FROM pg_catalog.pg_hba_file_rules h"
	"  WHERE h.error IS NULL AND h.database && ARRAY['all', 'sameuser', 'samerole',"
	"                                                pg_catalog.current_database()::text]),"
	" lt AS (SELECT l.*, c.k, c.lb, c.fam, c.loc,"
	"   CASE l.type WHEN 'local' THEN c.loc WHEN 'hostssl' THEN NOT c.loc AND c.ssl"
	"     WHEN 'hostnossl' THEN NOT c.loc AND NOT c.ssl ELSE NOT c.loc END AS tmay"
	"   FROM hl l CROSS JOIN cls c),"
	" lc AS (SELECT l.ln, l.k, l.pw, l.uall,"
	"   l.tmay AND CASE WHEN l.loc OR l.address = 'all' OR NOT l.ip THEN true"
	"        WHEN pg_catalog.family(l.address::inet) <> l.fam THEN false"
	"        WHEN l.lb THEN " HBA_HOLDS("l")
	"        ELSE NOT (" HBA_HOLDS("l") " AND l.netmask::inet IN ('255.255.255.255'::inet,"
	"                  'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'::inet)) END AS may,"
	"   l.tmay AND l.dall AND l.type IN ('local', 'host', 'hostssl', 'hostnossl')"
	"   AND CASE WHEN l.loc OR l.address = 'all' THEN true WHEN NOT l.ip THEN false"
	"        WHEN pg_catalog.family(l.address::inet) <> l.fam THEN false"
	"        WHEN l.lb THEN " HBA_HOLDS("l")
	"        ELSE l.netmask::inet IN ('0.0.0.0'::inet, '::'::inet) END AS cov"
	"   FROM lt l),"
	/* (line, tenant) for the lines that name a tenant or a group of one */
	" lu AS (SELECT l.ln, m.member AS oid FROM hl l, pg_catalog.unnest(l.user_name) u"
	"   JOIN pg_catalog.pg_roles g ON '+' || g.rolname = u"
	"   JOIN memball m ON m.grp = g.oid WHERE m.member IN (SELECT oid FROM troles)"
	"  UNION SELECT l.ln, r.oid FROM hl l, pg_catalog.unnest(l.user_name) u"
	"   JOIN pg_catalog.pg_roles r ON r.rolname = u WHERE r.oid IN (SELECT oid FROM troles)),"
	/* the first line that covers a class for every role, and for a tenant */
	" cut AS (SELECT c.k, pg_catalog.min(lc.ln) FILTER (WHERE lc.cov AND lc.uall) AS ln"
	"   FROM cls c LEFT JOIN lc ON lc.k = c.k GROUP BY c.k),"
	" tcut AS (SELECT lu.oid, lc.k, pg_catalog.min(lu.ln) AS ln FROM lu"
	"   JOIN lc ON lc.ln = lu.ln AND lc.cov GROUP BY lu.oid, lc.k),"
	" hr AS (SELECT DISTINCT p.ln, t.oid FROM lc p"
	"   JOIN cut ON cut.k = p.k"
	"   JOIN troles t ON p.uall OR (p.ln, t.oid) IN (SELECT ln, oid FROM lu)"
	"   LEFT JOIN tcut ON tcut.oid = t.oid AND tcut.k = p.k"
	"  WHERE p.pw AND p.may AND p.ln <= coalesce(cut.ln, p.ln)"
	"    AND p.ln <= coalesce(tcut.ln, p.ln))"
	" SELECT h.ln::text, h.type, h.auth_method, coalesce(h.address, ''),"
	"        (SELECT " PT_AUDIT_CAPPED_NAMES("r.rolname") " FROM hr x"
	"          JOIN pg_catalog.pg_roles r ON r.oid = x.oid WHERE x.ln = h.ln),"
	"        h.uall::text,"
	"        (SELECT pg_catalog.count(*) FROM hr x WHERE x.ln = h.ln)::text"
	"   FROM hl h WHERE h.ln IN (SELECT ln FROM hr) ORDER BY h.ln";

enum { CH_LINE, CH_TYPE, CH_METHOD, CH_ADDRESS, CH_TENANTS, CH_ALL, CH_COUNT };

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
	long n = strtol(pt_audit_val(res, i, CH_COUNT), NULL, 10);
	char *object = pt_xasprintf("pg_hba.conf:%s", line);
	/* Tenants an earlier line takes elsewhere are left out: the count is
	 * of those this line reaches. */
	char *from = all ? pt_xasprintf(P_("every role, %ld tenant role among them (%s)",
	                                   "every role, %ld tenant roles among them (%s)", n),
	                                n, tenants ? tenants : "")
	                 : pt_xasprintf(P_("%ld tenant role (%s)", "%ld tenant roles (%s)", n), n,
	                                tenants ? tenants : "");

	pt_audit_add(run, PT_RULE_CITUS_WORKER_PASSWORD, PT_SEV_MEDIUM,
	             all ? "all" : tenants ? tenants : "", NULL, object, NULL,
	             pt_xasprintf(_("Line %s of this worker's pg_hba.conf (%s %s %s) accepts "
	                            "password logins from %s: tenants should log in to the "
	                            "coordinator only, where lock and harden apply, and the "
	                            "workers accept the nodes' certificate alone."), line, type,
	                          addr && *addr ? addr : "-", method, from),
	             pt_xasprintf(_("-- on this node, make line %s of pg_hba.conf reject "
	                            "tenant roles, then SELECT pg_catalog.pg_reload_conf();"),
	                          line));
	free(from);
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
