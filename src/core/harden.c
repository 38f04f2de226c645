/* Harden: close the database-wide gaps so that "no access to the public
 * schema" holds. PUBLIC loses USAGE and CREATE on schema public and CONNECT
 * and TEMPORARY on the database; the non-tenant login roles get them back
 * through one NOLOGIN group (pt_public_group_name), every tenant role gets
 * CONNECT directly. The plan lists only what is missing, so a hardened
 * database plans nothing. Tenants are recognised as the audit does
 * (audit.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_sql.h"
#include "names.h"

/* $1 = user-name pattern, $2 = the group's name. */
static const char plan_sql[] =
	"WITH" PT_TENANT_CTES ","
	" grp AS (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = $2),"
	" db AS (SELECT d.oid, d.datname, d.datdba,"
	"   coalesce(d.datacl, pg_catalog.acldefault('d', d.datdba)) AS acl"
	"   FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()),"
	" pub AS (SELECT n.oid, n.nspowner,"
	"   coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner)) AS acl"
	"   FROM pg_catalog.pg_namespace n WHERE n.nspname = 'public'),"
	" dbg AS (SELECT a.grantee, a.privilege_type FROM db, " PT_ACL("db.acl", "a") "),"
	" pubg AS (SELECT a.grantee, a.privilege_type FROM pub, " PT_ACL("pub.acl", "a") ")"
	" SELECT 'state',"
	"  EXISTS (SELECT 1 FROM pub)::text,"
	"  EXISTS (SELECT 1 FROM pubg WHERE pubg.grantee = 0)::text,"
	"  EXISTS (SELECT 1 FROM grp)::text,"
	"  EXISTS (SELECT 1 FROM pubg, grp WHERE pubg.grantee = grp.oid"
	"          AND pubg.privilege_type = 'USAGE')::text,"
	"  (SELECT pg_catalog.count(*) FROM dbg, grp WHERE dbg.grantee = grp.oid"
	"          AND dbg.privilege_type IN ('CONNECT', 'TEMPORARY'))::text,"
	"  EXISTS (SELECT 1 FROM dbg WHERE dbg.grantee = 0"
	"          AND dbg.privilege_type IN ('CONNECT', 'TEMPORARY'))::text,"
	"  (SELECT r.rolsuper OR (pg_catalog.pg_has_role(db.datdba, 'USAGE')"
	"     AND coalesce((SELECT pg_catalog.pg_has_role(pub.nspowner, 'USAGE') FROM pub), true)"
	"     AND (r.rolcreaterole OR EXISTS (SELECT 1 FROM grp)))"
	"     FROM pg_catalog.pg_roles r, db WHERE r.rolname = current_user)::text"
	" UNION ALL"
	" SELECT 'member', r.rolname, r.rolinherit::text,"
	/* IN, not EXISTS: hashed once rather than probed per role. */
	"  (r.oid IN (SELECT m.member FROM pg_catalog.pg_auth_members m, grp"
	"             WHERE m.roleid = grp.oid))::text,"
	"  (r.oid IN (SELECT pubg.grantee FROM pubg"
	"             WHERE pubg.privilege_type = 'USAGE'))::text,"
	"  (r.oid IN (SELECT dbg.grantee FROM dbg"
	"             WHERE dbg.privilege_type = 'CONNECT'))::text, '', ''"
	"   FROM pg_catalog.pg_roles r"
	"  WHERE r.rolcanlogin AND NOT r.rolsuper AND r.rolname <> current_user"
	"    AND r.rolname !~ '^pg_' AND r.oid NOT IN (SELECT oid FROM troles)"
	/* Nor the tenants of other databases: pgtenant create leaves them
	 * NOINHERIT with a search_path set in their own database. */
	"    AND NOT (NOT r.rolinherit AND EXISTS (SELECT 1"
	"          FROM pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) c"
	"         WHERE s.setrole = r.oid AND s.setdatabase NOT IN (0, (SELECT db.oid FROM db))"
	"           AND c LIKE 'search\\_path=%'))"
	" UNION ALL"
	" SELECT 'tenant', r.rolname, '', '', '', '', '', ''"
	"   FROM troles t JOIN pg_catalog.pg_roles r ON r.oid = t.oid"
	"  WHERE NOT EXISTS (SELECT 1 FROM dbg WHERE dbg.grantee = t.oid"
	"                     AND dbg.privilege_type = 'CONNECT')"
	" ORDER BY 2";

/* prefix + dbname, cut to a role name's length. */
static void
group_name(const char *prefix, const char *dbname, char *buf, size_t bufsz)
{
	size_t room = PT_NAME_MAX - strlen(prefix), n = strlen(dbname);

	/* PostgreSQL would truncate a longer name itself, maybe inside a
	 * character; cut on a UTF-8 boundary instead. */
	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)dbname[n] & 0xC0) == 0x80)
			n--;
	}
	snprintf(buf, bufsz, "%s%.*s", prefix, (int)n, dbname);
}

void
pt_public_group_name(const char *dbname, char *buf, size_t bufsz)
{
	group_name(PT_PUBLIC_GROUP_PREFIX, dbname, buf, bufsz);
}

void
pt_tenant_group_name(const char *dbname, char *buf, size_t bufsz)
{
	group_name(PT_TENANT_GROUP_PREFIX, dbname, buf, bufsz);
}

struct plan_builder {
	char **s;
	size_t n, cap;
};

/* Take over a malloc'd statement. */
static void
push(struct plan_builder *b, char *stmt)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->s = pt_xrealloc(b->s, b->cap * sizeof *b->s);
	}
	b->s[b->n++] = stmt;
}

static bool
is_true(const PGresult *res, int row, int col)
{
	return !strcmp(PQgetvalue(res, row, col), "true");
}

/* One GRANT CONNECT per this many tenants keeps statements readable and
 * the plan short with 10,000 of them. */
#define TENANTS_PER_GRANT 50

enum pt_status
pt_harden_plan(pt_db *db, struct pt_harden_plan *out, pt_error *err)
{
	char group[PT_NAME_MAX + 1];
	const char *params[2] = { PT_DEFAULT_USER_PATTERN, group };
	struct plan_builder b = { 0 };
	char *g, *d, *tenants = NULL;
	size_t ntenants = 0;
	bool pub_exists, may;
	PGresult *res;
	int n, srow;

	memset(out, 0, sizeof *out);
	pt_public_group_name(pt_db_info(db)->dbname, group, sizeof group);
	if (pt_audit_txn_begin(db, err) != PT_OK)
		return err ? err->status : PT_ERR_SERVER;
	res = pt_db_query(db, plan_sql, 2, params, _("planning the hardening"), err);
	pt_audit_txn_end(db);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	n = PQntuples(res);
	for (srow = 0; srow < n; srow++)
		if (!strcmp(PQgetvalue(res, srow, 0), "state"))
			break;
	if (srow == n) {
		PQclear(res);
		return pt_error_set(err, PT_ERR_SERVER, _("cannot read the database's privileges"));
	}
	g = pt_quote_ident(db, group);
	d = pt_quote_ident(db, pt_db_info(db)->dbname);
	pub_exists = is_true(res, srow, 1);
	may = is_true(res, srow, 7);
	if (!is_true(res, srow, 3))
		push(&b, pt_xasprintf("CREATE ROLE %s NOLOGIN;", g));
	if (pub_exists && !is_true(res, srow, 4))
		push(&b, pt_xasprintf("GRANT USAGE ON SCHEMA public TO %s;", g));
	if (strcmp(PQgetvalue(res, srow, 5), "2"))
		push(&b, pt_xasprintf("GRANT CONNECT, TEMPORARY ON DATABASE %s TO %s;", d, g));
	for (int i = 0; i < n; i++) {
		const char *kind = PQgetvalue(res, i, 0);
		char *r = pt_quote_ident(db, PQgetvalue(res, i, 1));
		if (!strcmp(kind, "member")) {
			bool inherit = is_true(res, i, 2);
			if (!is_true(res, i, 3))
				push(&b, pt_xasprintf("GRANT %s TO %s;", g, r));
			/* A NOINHERIT role does not use its groups' privileges without
			 * SET ROLE: it needs its own grants. */
			if (!inherit && pub_exists && !is_true(res, i, 4))
				push(&b, pt_xasprintf("GRANT USAGE ON SCHEMA public TO %s;", r));
			if (!inherit && !is_true(res, i, 5))
				push(&b, pt_xasprintf("GRANT CONNECT ON DATABASE %s TO %s;", d, r));
		} else if (!strcmp(kind, "tenant")) {
			char *t = tenants ? pt_xasprintf("%s, %s", tenants, r) : pt_xstrdup(r);
			free(tenants);
			tenants = t;
			if (++ntenants == TENANTS_PER_GRANT) {
				push(&b, pt_xasprintf("GRANT CONNECT ON DATABASE %s TO %s;", d, tenants));
				free(tenants);
				tenants = NULL;
				ntenants = 0;
			}
		}
		free(r);
	}
	if (tenants)
		push(&b, pt_xasprintf("GRANT CONNECT ON DATABASE %s TO %s;", d, tenants));
	free(tenants);
	if (is_true(res, srow, 2))
		push(&b, pt_xstrdup("REVOKE ALL ON SCHEMA public FROM PUBLIC;"));
	if (is_true(res, srow, 6))
		push(&b, pt_xasprintf("REVOKE CONNECT, TEMPORARY ON DATABASE %s FROM PUBLIC;", d));
	PQclear(res);
	free(g);
	free(d);
	out->statements = b.s;
	out->n = b.n;
	if (b.n > 0 && !may) {
		pt_harden_plan_free(out);
		return pt_error_set(err, PT_ERR_PERMISSION,
		                    _("role \"%s\" may not harden database \"%s\": connect as a "
		                      "superuser, or as the owner of the database and of schema "
		                      "public with CREATEROLE"),
		                    pt_db_info(db)->user, pt_db_info(db)->dbname);
	}
	return PT_OK;
}

enum pt_status
pt_harden_apply(pt_db *db, const struct pt_harden_plan *plan, pt_error *err)
{
	const char *what = _("hardening the database");
	size_t len = 1;
	char *sql, *p;
	enum pt_status st;

	if (plan->n == 0)
		return PT_OK;
	for (size_t i = 0; i < plan->n; i++)
		len += strlen(plan->statements[i]) + 1;
	p = sql = pt_xmalloc(len);
	for (size_t i = 0; i < plan->n; i++) {
		p = stpcpy(p, plan->statements[i]);
		*p++ = '\n';
	}
	*p = '\0';
	if ((st = pt_db_exec(db, "BEGIN", 0, NULL, what, err)) != PT_OK) {
		free(sql);
		return st;
	}
	st = pt_db_exec(db, sql, 0, NULL, what, err);
	free(sql);
	/* A GRANT or REVOKE the session is not entitled to is only a WARNING
	 * and changes nothing: that is a failure here. */
	if (st == PT_OK && *pt_db_last_notices(db))
		st = pt_error_set(err, PT_ERR_PERMISSION, _("%s: %s"), what,
		                  pt_db_last_notices(db));
	if (st != PT_OK) {
		pt_error err2;
		(void)pt_db_exec(db, "ROLLBACK", 0, NULL, what, &err2);
		return st;
	}
	if ((st = pt_db_exec(db, "COMMIT", 0, NULL, what, err)) != PT_OK)
		return st;
	return pt_db_refresh_info(db, err);
}

void
pt_harden_plan_free(struct pt_harden_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->statements[i]);
	free(p->statements);
	memset(p, 0, sizeof *p);
}
