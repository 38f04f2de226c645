/* Harden: close the database-wide gaps so that "no access to the public
 * schema" holds. PUBLIC loses USAGE and CREATE on schema public and CONNECT
 * and TEMPORARY on the database. The two sides get back what they need
 * through one NOLOGIN group each, made and marked by pgtenant:
 *   - tenants: CONNECT, through pgtenant_tenants_<db> (pt_tenant_group_name;
 *     tenant.c makes it with the first tenant, harden for databases made
 *     before it). Tenants that still hold their own CONNECT grant (made
 *     before the group) join it and lose that grant, which shrinks the
 *     database's ACL back to a few entries.
 *   - every other login role: USAGE on public and CONNECT/TEMP, through
 *     pgtenant_public_users_<db> (pt_public_group_name).
 * Who is a tenant is decided by PT_TENANT_CTES, as everywhere else. The
 * plan lists only what is missing, so a hardened database plans nothing,
 * and it names every role it moves and the side it moves it to. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_sql.h"
#include "citus.h"
#include "names.h"

/* A group's state: 'none', 'ok' (pgtenant's mark, no powers, owns no
 * schema), 'legacy' (no mark but otherwise clean: made by pgtenant before
 * it marked its groups; only a role with CREATEROLE can make a NOLOGIN
 * role, and create refuses the pgtenant_ prefix, so no tenant made it) or
 * 'foreign'. */
#define GROUP_STATE(CTE, MARK) \
	"(SELECT CASE WHEN g.oid IS NULL THEN 'none'" \
	"   WHEN g.rolcanlogin OR g.rolsuper OR g.rolcreaterole OR g.rolcreatedb" \
	"     OR g.rolreplication OR g.rolbypassrls OR EXISTS (SELECT 1" \
	"        FROM pg_catalog.pg_namespace n WHERE n.nspowner = g.oid) THEN 'foreign'" \
	"   WHEN pg_catalog.shobj_description(g.oid, 'pg_authid') =" \
	"     '" MARK "' || pg_catalog.current_database() THEN 'ok'" \
	"   WHEN pg_catalog.shobj_description(g.oid, 'pg_authid') IS NULL THEN 'legacy'" \
	"   ELSE 'foreign' END" \
	"  FROM (SELECT 1) one LEFT JOIN " CTE " g ON true)"

/* Why a group of that name may not be adopted, one problem a line
 * ("kind<TAB>what<TAB>count"), NULL when it is clean: the name alone proves
 * nothing, since any role with CREATEROLE can make the role, give it
 * pgtenant's comment, and make it a member of pg_read_all_data before the
 * first tenant joins it. A clean group is a member of nothing, owns
 * nothing in any database, and holds no privilege but the ones pgtenant
 * gives it (DBPRIVS on this database; USAGE on schema public with
 * PUBLIC_SCHEMA); the tenants' group must also be NOINHERIT
 * (WANT_NOINHERIT), so that a membership granted to it later does not pass
 * to every tenant. */
#define GROUP_PROBLEMS(CTE, DBPRIVS, PUBLIC_SCHEMA, WANT_NOINHERIT) \
	"(SELECT pg_catalog.string_agg(p.line, E'\\n' ORDER BY p.line) FROM (" \
	"  SELECT 'inherit' AS line FROM " CTE " g WHERE " WANT_NOINHERIT " AND g.rolinherit" \
	"  UNION ALL SELECT 'member' || E'\\t' || pg_catalog.quote_ident(r.rolname) || E'\\t1'" \
	"   FROM " CTE " g JOIN pg_catalog.pg_auth_members m ON m.member = g.oid" \
	"   JOIN pg_catalog.pg_roles r ON r.oid = m.roleid" \
	"  UNION ALL SELECT CASE sd.deptype WHEN 'o' THEN 'owns' ELSE 'holds' END || E'\\t'" \
	"     || coalesce(pg_catalog.quote_ident(d.datname), '-') || E'\\t' || pg_catalog.count(*)" \
	"   FROM " CTE " g JOIN pg_catalog.pg_shdepend sd" \
	"     ON sd.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass AND sd.refobjid = g.oid" \
	"   LEFT JOIN pg_catalog.pg_database d ON d.oid = sd.dbid" \
	"   WHERE sd.deptype <> 'a' OR NOT (" \
	"      (sd.classid = 'pg_catalog.pg_database'::pg_catalog.regclass" \
	"       AND sd.objid = (SELECT db.oid FROM db))" \
	"      OR (" PUBLIC_SCHEMA " AND sd.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass" \
	"       AND sd.dbid = (SELECT db.oid FROM db) AND sd.objid = (SELECT pub.oid FROM pub)))" \
	"   GROUP BY sd.deptype, d.datname" \
	/* what it holds where it may hold something: no more than pgtenant gives */ \
	"  UNION ALL SELECT 'extra' || E'\\t' || pg_catalog.string_agg(DISTINCT x.what, ', ')" \
	"     || E'\\t1' FROM (" \
	"     SELECT a.privilege_type || ' ON DATABASE' AS what FROM " CTE " g, dbg a" \
	"      WHERE a.grantee = g.oid AND (a.privilege_type NOT IN (" DBPRIVS ") OR a.is_grantable)" \
	"     UNION ALL SELECT a.privilege_type || ' ON SCHEMA public' FROM " CTE " g, pubg a" \
	"      WHERE a.grantee = g.oid AND (NOT " PUBLIC_SCHEMA " OR a.privilege_type <> 'USAGE'" \
	"        OR a.is_grantable)) x HAVING pg_catalog.count(*) > 0" \
	" ) p)"

/* May the session grant membership in a group (or make it)? */
#define MAY_GRANT(CTE) \
	"(SELECT me.rolsuper OR (pg_catalog.current_setting('server_version_num')::int" \
	"   < 160000 AND me.rolcreaterole) OR (g.oid IS NULL AND me.rolcreaterole)" \
	"   OR coalesce(pg_catalog.pg_has_role(g.oid, 'MEMBER WITH ADMIN OPTION'), false)" \
	"  FROM me LEFT JOIN " CTE " g ON true)"

/* $1 = user-name pattern, $2 = the public users' group, $3 = the tenants'
 * group. Rows: one 'state', a 'member' per non-tenant login role, a
 * 'tenant' per tenant role; nine columns each. */
static const char plan_sql[] =
	"WITH" PT_TENANT_CTES ","
	" grp AS (SELECT r.* FROM pg_catalog.pg_roles r WHERE r.rolname = $2),"
	" tg AS (SELECT r.* FROM pg_catalog.pg_roles r WHERE r.rolname = $3),"
	" db AS (SELECT d.oid, d.datname, d.datdba,"
	"   coalesce(d.datacl, pg_catalog.acldefault('d', d.datdba)) AS acl"
	"   FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()),"
	" pub AS (SELECT n.oid, n.nspowner,"
	"   coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner)) AS acl"
	"   FROM pg_catalog.pg_namespace n WHERE n.nspname = 'public'),"
	" dbg AS (SELECT a.grantee, a.privilege_type, a.is_grantable"
	"   FROM db, " PT_ACL("db.acl", "a") "),"
	" pubg AS (SELECT a.grantee, a.privilege_type, a.is_grantable"
	"   FROM pub, " PT_ACL("pub.acl", "a") "),"
	" me AS (SELECT r.* FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)"
	" SELECT 'state',"
	"  EXISTS (SELECT 1 FROM pub)::text,"
	"  EXISTS (SELECT 1 FROM pubg WHERE pubg.grantee = 0)::text,"
	"  " GROUP_STATE("grp", PT_PUBLIC_GROUP_MARK) ","
	"  EXISTS (SELECT 1 FROM pubg, grp WHERE pubg.grantee = grp.oid"
	"          AND pubg.privilege_type = 'USAGE')::text,"
	"  (SELECT pg_catalog.count(*) FROM dbg, grp WHERE dbg.grantee = grp.oid"
	"          AND dbg.privilege_type IN ('CONNECT', 'TEMPORARY'))::text,"
	"  EXISTS (SELECT 1 FROM dbg WHERE dbg.grantee = 0"
	"          AND dbg.privilege_type IN ('CONNECT', 'TEMPORARY'))::text,"
	"  " GROUP_STATE("tg", PT_TENANT_GROUP_MARK) ","
	"  EXISTS (SELECT 1 FROM dbg, tg WHERE dbg.grantee = tg.oid"
	"          AND dbg.privilege_type = 'CONNECT')::text,"
	"  " GROUP_PROBLEMS("grp", "'CONNECT', 'TEMPORARY'", "true", "false") ","
	"  " GROUP_PROBLEMS("tg", "'CONNECT'", "false", "true")
	" UNION ALL"
	/* What the session may do: the database's ACL, schema public, roles. */
	" SELECT 'may',"
	"  (SELECT me.rolsuper OR pg_catalog.pg_has_role(db.datdba, 'USAGE') FROM me, db)::text,"
	"  coalesce((SELECT me.rolsuper OR pg_catalog.pg_has_role(pub.nspowner, 'USAGE')"
	"     FROM me, pub), true)::text,"
	"  (SELECT pg_catalog.quote_ident(o.rolname) FROM pub"
	"     JOIN pg_catalog.pg_roles o ON o.oid = pub.nspowner),"
	"  " MAY_GRANT("grp") "::text, " MAY_GRANT("tg") "::text,"
	"  (SELECT me.rolsuper OR me.rolcreaterole FROM me)::text,"
	"  (SELECT me.rolsuper FROM me)::text, '', '', ''"
	" UNION ALL"
	" SELECT 'member', r.rolname, r.rolinherit::text,"
	/* IN, not EXISTS: hashed once rather than probed per role. */
	"  (r.oid IN (SELECT m.member FROM pg_catalog.pg_auth_members m, grp"
	"             WHERE m.roleid = grp.oid))::text,"
	"  (r.oid IN (SELECT pubg.grantee FROM pubg"
	"             WHERE pubg.privilege_type = 'USAGE'))::text,"
	"  (r.oid IN (SELECT dbg.grantee FROM dbg"
	"             WHERE dbg.privilege_type = 'CONNECT'))::text, '', '', '', '', ''"
	"   FROM pg_catalog.pg_roles r"
	"  WHERE r.rolcanlogin AND NOT r.rolsuper AND r.rolname <> current_user"
	"    AND r.rolname !~ '^pg_' AND r.oid NOT IN (SELECT oid FROM troles)"
	/* Nor the tenants of other databases: members of their tenants'
	 * group, or (made before it) NOINHERIT with a search_path set in their
	 * own database. */
	"    AND r.oid NOT IN (SELECT m.member FROM pg_catalog.pg_auth_members m"
	"          JOIN pg_catalog.pg_roles g ON g.oid = m.roleid"
	"         WHERE g.rolname ~ '^" PT_TENANT_GROUP_PREFIX "')"
	"    AND NOT (NOT r.rolinherit AND EXISTS (SELECT 1"
	"          FROM pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) c"
	"         WHERE s.setrole = r.oid AND s.setdatabase NOT IN (0, (SELECT db.oid FROM db))"
	"           AND c LIKE 'search\\_path=%'))"
	" UNION ALL"
	" SELECT 'tenant', r.rolname, r.rolinherit::text,"
	"  (r.oid IN (SELECT m.member FROM pg_catalog.pg_auth_members m, tg"
	"             WHERE m.roleid = tg.oid))::text,"
	"  (r.oid IN (SELECT dbg.grantee FROM dbg"
	"             WHERE dbg.privilege_type = 'CONNECT'))::text, '', '', '', '', '', ''"
	"   FROM troles t JOIN pg_catalog.pg_roles r ON r.oid = t.oid"
	" ORDER BY 1, 2";

enum { C_KIND, C_NAME, C_A, C_B, C_C, C_D, C_E, C_F, C_G, C_H, C_I };

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

/* Roles batched into one statement each, so that 10,000 of them make a
 * short, readable plan: "GRANT g TO a, b, ...". */
#define ROLES_PER_STATEMENT 50

struct batch {
	char *names;      /* quoted, comma-separated; malloc'd or NULL */
	size_t n;
	const char *head; /* the statement: head, the names, tail */
	const char *tail;
};

static void
batch_flush(struct plan_builder *b, struct batch *bt)
{
	if (bt->names)
		push(b, pt_xasprintf("%s%s%s", bt->head, bt->names, bt->tail));
	free(bt->names);
	bt->names = NULL;
	bt->n = 0;
}

static void
batch_add(struct plan_builder *b, struct batch *bt, const char *quoted)
{
	char *t = bt->names ? pt_xasprintf("%s, %s", bt->names, quoted) : pt_xstrdup(quoted);

	free(bt->names);
	bt->names = t;
	if (++bt->n == ROLES_PER_STATEMENT)
		batch_flush(b, bt);
}

/* The COMMENT that marks a group as pgtenant's. */
static char *
mark_sql(pt_db *db, const char *quoted_group, const char *mark)
{
	char *text = pt_xasprintf("%s%s", mark, pt_db_info(db)->dbname);
	char *lit = pt_quote_literal(db, text);
	char *sql = pt_xasprintf("COMMENT ON ROLE %s IS %s;", quoted_group, lit);

	free(text);
	free(lit);
	return sql;
}

/* The refusal for a group with problems (GROUP_PROBLEMS' lines): each
 * reason, then the statements that clear it. */
static char *
problems_refusal(pt_db *db, const char *name, const char *quoted, const char *problems)
{
	char *why = pt_xstrdup(""), *fix = pt_xstrdup(""), *list = pt_xstrdup(problems);
	char *save = NULL, *t, *r;

	for (char *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[3] = { line, (char *)"", (char *)"" };
		char *w = NULL, *x = NULL;
		long n;

		if ((t = strchr(f[0], '\t'))) {
			*t = '\0';
			f[1] = t + 1;
			if ((t = strchr(f[1], '\t'))) {
				*t = '\0';
				f[2] = t + 1;
			}
		}
		n = atol(f[2]);
		if (!strcmp(f[0], "inherit")) {
			w = pt_xstrdup(_("it is INHERIT, so a membership granted to it would pass to "
			                 "every tenant"));
			x = pt_xasprintf("ALTER ROLE %s NOINHERIT;", quoted);
		} else if (!strcmp(f[0], "member")) {
			w = pt_xasprintf(_("it is a member of %s"), f[1]);
			x = pt_xasprintf("REVOKE %s FROM %s;", f[1], quoted);
		} else if (!strcmp(f[0], "owns")) {
			w = pt_xasprintf(P_("it owns %ld object in database %s",
			                    "it owns %ld objects in database %s", n), n, f[1]);
			x = pt_xasprintf(_("-- in database %s, after reviewing them: DROP OWNED BY %s;"),
			                 f[1], quoted);
		} else if (!strcmp(f[0], "holds")) {
			w = !strcmp(f[1], "-")
				? pt_xasprintf(P_("it holds %ld privilege on a database or tablespace",
				                  "it holds privileges on %ld databases or tablespaces", n), n)
				: pt_xasprintf(P_("it holds privileges on %ld object in database %s",
				                  "it holds privileges on %ld objects in database %s", n),
				               n, f[1]);
			x = !strcmp(f[1], "-")
				? pt_xasprintf(_("-- REVOKE ALL ON DATABASE ... FROM %s; for each"), quoted)
				: pt_xasprintf(_("-- in database %s: DROP OWNED BY %s; (revokes them)"),
				               f[1], quoted);
		} else if (!strcmp(f[0], "extra")) {
			w = pt_xasprintf(_("it holds %s"), f[1]);
			x = pt_xasprintf(_("-- revoke: %s (pgtenant grants back what it needs)"), f[1]);
		} else
			continue;
		r = pt_xasprintf("%s%s%s", why, *why ? "; " : "", w);
		free(why);
		why = r;
		if (!strstr(fix, x)) {
			r = pt_xasprintf("%s\n  %s", fix, x);
			free(fix);
			fix = r;
		}
		free(w);
		free(x);
	}
	r = pt_xasprintf(_("role \"%s\" may not be adopted as pgtenant's group: %s. Fix it "
	                   "(or drop or rename it), then harden again:%s"), name, why, fix);
	(void)db;
	free(why);
	free(fix);
	free(list);
	return r;
}

/* Make or adopt a group; false with a refusal when a role of that name is
 * not pgtenant's or not clean (problems: GROUP_PROBLEMS' text, "" if
 * none). */
static bool
plan_group(pt_db *db, struct plan_builder *b, const char *state, const char *problems,
           const char *name, const char *quoted, const char *mark, char **refusal)
{
	if (strcmp(state, "none") && strcmp(state, "foreign") && *problems) {
		if (!*refusal)
			*refusal = problems_refusal(db, name, quoted, problems);
		return false;
	}
	if (!strcmp(state, "none")) {
		push(b, pt_xasprintf("CREATE ROLE %s NOLOGIN NOINHERIT;", quoted));
		push(b, mark_sql(db, quoted, mark));
	} else if (!strcmp(state, "legacy")) {
		push(b, pt_xasprintf(_("-- %s was made before pgtenant marked its groups: "
		                       "marked now"), name));
		push(b, mark_sql(db, quoted, mark));
	} else if (!strcmp(state, "foreign") && !*refusal) {
		*refusal = pt_xasprintf(_("role \"%s\" exists but pgtenant did not make it (it "
		                          "lacks pgtenant's comment, can log in, has powers or "
		                          "owns a schema): harden will not hand roles to it; "
		                          "review it, then drop or rename it"), name);
		return false;
	}
	return true;
}

/* What a node grants PUBLIC that Citus does not propagate: anything on
 * schema public, and EXECUTE on the functions that move tenant data
 * (their signatures, ready for a REVOKE, or NULL). $1 = the functions. */
static const char node_public_sql[] =
	"SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n,"
	"        " PT_ACL("coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))", "a")
	"        WHERE n.nspname = 'public' AND a.grantee = 0) AS pub,"
	"       (SELECT pg_catalog.string_agg('pg_catalog.'"
	"          || p.oid::pg_catalog.regprocedure::text,"
	"          E',\\n  ' ORDER BY p.proname, p.oid)"
	"          FROM pg_catalog.pg_proc p,"
	"          " PT_ACL("coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))", "a")
	"         WHERE p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace"
	"           AND p.proname = ANY ($1::text[]) AND a.grantee = 0"
	"           AND a.privilege_type = 'EXECUTE') AS funcs";

/* A statement only a superuser may run: commented out, saying so. */
static char *
superuser_only(char *stmt, bool super, bool *partial)
{
	char *t;

	if (super)
		return stmt;
	t = pt_xasprintf(_("-- needs a superuser (the functions belong to Citus' owner): %s"), stmt);
	free(stmt);
	*partial = true;
	return t;
}

/* On a Citus coordinator: the functions' REVOKE for the coordinator, then
 * what every worker needs (schema public as the coordinator's plan leaves
 * it, the functions), after a comment that names the nodes. A worker
 * that does not answer refuses the plan: harden would leave it open. */
static enum pt_status
plan_workers(pt_db *db, struct plan_builder *b, const char *g, bool super,
             size_t *nlocal, char **refusal, bool *partial, pt_error *err)
{
	const char *params[1] = { PT_CITUS_MOVE_FUNCTIONS };
	struct plan_builder w = { 0 };
	char *workers = NULL, *down = NULL;
	bool worker_pub = false, revokes_pub = false;
	PGresult *res;

	res = pt_db_query(db, node_public_sql, 1, params, _("planning the hardening"), err);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	if (!PQgetisnull(res, 0, 1))
		push(b, superuser_only(pt_xasprintf("REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC;",
		                                    PQgetvalue(res, 0, 1)), super, partial));
	PQclear(res);
	*nlocal = b->n;

	res = pt_citus_on_workers(db, node_public_sql, "pub boolean, funcs text", 1, params,
	                          _("planning the hardening on the workers"), err);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *node = PQgetvalue(res, i, PT_CW_NODE);
		char **list = *PQgetvalue(res, i, PT_CW_OK) == 't' ? &workers : &down;
		char *t = pt_xasprintf("%s%s%s", *list ? *list : "", *list ? ", " : "", node);
		free(*list);
		*list = t;
		if (list == &down)
			continue;
		worker_pub |= *PQgetvalue(res, i, PT_CW_FIRST) == 't';
	}
	if (down) {
		/* Never "already hardened" while a node is unknown. */
		push(&w, pt_xasprintf(_("-- not planned: worker node(s) %s did not answer"), down));
		if (!*refusal)
			*refusal = pt_xasprintf(_("worker node(s) %s did not answer: harden would "
			                          "leave them open; bring them back (or remove them "
			                          "from the cluster) first"), down);
	}
	/* Schema public: the coordinator's own statements on it, when it has
	 * them; else (the coordinator hardened before) the same end state. */
	for (size_t i = 0; i < *nlocal; i++)
		if (b->s[i][0] != '-' && strstr(b->s[i], "ON SCHEMA public FROM PUBLIC"))
			revokes_pub = true;
	if (worker_pub && revokes_pub) {
		for (size_t i = 0; i < *nlocal; i++)
			if (b->s[i][0] != '-' && strstr(b->s[i], "ON SCHEMA public"))
				push(&w, pt_xstrdup(b->s[i]));
	} else if (worker_pub) {
		push(&w, pt_xasprintf("GRANT USAGE ON SCHEMA public TO %s;", g));
		push(&w, pt_xstrdup("REVOKE ALL ON SCHEMA public FROM PUBLIC;"));
	}
	/* The functions: one REVOKE per distinct list (the same Citus on
	 * every node makes one). */
	for (int i = 0; i < PQntuples(res); i++) {
		bool seen = false;
		char *stmt;
		if (*PQgetvalue(res, i, PT_CW_OK) != 't' || PQgetisnull(res, i, PT_CW_FIRST + 1))
			continue;
		stmt = pt_xasprintf("REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC;",
		                    PQgetvalue(res, i, PT_CW_FIRST + 1));
		for (size_t k = 0; k < w.n && !seen; k++)
			seen = strstr(w.s[k], stmt) != NULL;
		if (seen)
			free(stmt);
		else
			push(&w, superuser_only(stmt, super, partial));
	}
	PQclear(res);
	if (w.n > 0) {
		push(b, pt_xasprintf(_("-- then on every worker (%s), each in one transaction: "
		                       "Citus does not propagate these"), workers ? workers : "-"));
		for (size_t i = 0; i < w.n; i++)
			push(b, w.s[i]);
	}
	free(w.s);
	free(workers);
	free(down);
	return PT_OK;
}

enum pt_status
pt_harden_plan(pt_db *db, struct pt_harden_plan *out, pt_error *err)
{
	const struct pt_session_info *in = pt_db_info(db);
	bool v16 = in->server_version_num >= 160000;
	char group[PT_NAME_MAX + 1], tgroup[PT_NAME_MAX + 1];
	const char *params[3] = { PT_DEFAULT_USER_PATTERN, group, tgroup };
	struct plan_builder b = { 0 };
	char *g, *tg, *d, *refusal = NULL, *join_head, *revoke_head;
	struct batch join, revoke;
	char *others = NULL;
	size_t ntenants = 0, nmoved = 0, njoined = 0, nlocal;
	bool pub_exists, may_db, may_pub, may_roles;
	bool citus = pt_db_citus(db) && pt_db_citus(db)->present;
	PGresult *res;
	int n, srow = -1, mrow = -1;

	memset(out, 0, sizeof *out);
	pt_public_group_name(in->dbname, group, sizeof group);
	pt_tenant_group_name(in->dbname, tgroup, sizeof tgroup);
	if (pt_audit_txn_begin(db, err) != PT_OK)
		return err ? err->status : PT_ERR_SERVER;
	res = pt_db_query(db, plan_sql, 3, params, _("planning the hardening"), err);
	pt_audit_txn_end(db);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	n = PQntuples(res);
	for (int i = 0; i < n; i++) {
		if (!strcmp(PQgetvalue(res, i, C_KIND), "state"))
			srow = i;
		else if (!strcmp(PQgetvalue(res, i, C_KIND), "may"))
			mrow = i;
	}
	if (srow < 0 || mrow < 0) {
		PQclear(res);
		return pt_error_set(err, PT_ERR_SERVER, _("cannot read the database's privileges"));
	}
	g = pt_quote_ident(db, group);
	tg = pt_quote_ident(db, tgroup);
	d = pt_quote_ident(db, in->dbname);
	pub_exists = is_true(res, srow, C_NAME);
	may_db = is_true(res, mrow, C_NAME);
	may_pub = is_true(res, mrow, C_A);
	may_roles = is_true(res, mrow, C_E);

	/* The tenants' side. */
	if (plan_group(db, &b, PQgetvalue(res, srow, C_F), PQgetvalue(res, srow, C_I), tgroup,
	               tg, PT_TENANT_GROUP_MARK, &refusal) && !is_true(res, srow, C_G))
		push(&b, pt_xasprintf("GRANT CONNECT ON DATABASE %s TO %s;", d, tg));
	join_head = pt_xasprintf("GRANT %s TO ", tg);
	revoke_head = pt_xasprintf("REVOKE CONNECT ON DATABASE %s FROM ", d);
	join = (struct batch){ .head = join_head,
	                       .tail = v16 ? " WITH INHERIT TRUE, SET FALSE;" : ";" };
	revoke = (struct batch){ .head = revoke_head, .tail = ";" };
	for (int i = 0; i < n; i++) {
		char *r;
		if (strcmp(PQgetvalue(res, i, C_KIND), "tenant"))
			continue;
		ntenants++;
		r = pt_quote_ident(db, PQgetvalue(res, i, C_NAME));
		/* Before 16 a NOINHERIT role cannot use the group's CONNECT. */
		if (!v16 && !is_true(res, i, C_A))
			push(&b, pt_xasprintf("ALTER ROLE %s INHERIT;", r));
		if (!is_true(res, i, C_B)) {
			batch_add(&b, &join, r);
			nmoved++;
		}
		free(r);
	}
	batch_flush(&b, &join);
	/* Their own grants go once they are in the group. */
	for (int i = 0; i < n; i++) {
		char *r;
		if (strcmp(PQgetvalue(res, i, C_KIND), "tenant") || !is_true(res, i, C_C))
			continue;
		r = pt_quote_ident(db, PQgetvalue(res, i, C_NAME));
		batch_add(&b, &revoke, r);
		free(r);
	}
	batch_flush(&b, &revoke);
	free(join_head);
	free(revoke_head);

	/* Every other login role keeps what PUBLIC gave it. */
	if (plan_group(db, &b, PQgetvalue(res, srow, C_B), PQgetvalue(res, srow, C_H), group, g,
	               PT_PUBLIC_GROUP_MARK, &refusal)) {
		if (pub_exists && !is_true(res, srow, C_C))
			push(&b, pt_xasprintf("GRANT USAGE ON SCHEMA public TO %s;", g));
		if (strcmp(PQgetvalue(res, srow, C_D), "2"))
			push(&b, pt_xasprintf("GRANT CONNECT, TEMPORARY ON DATABASE %s TO %s;", d, g));
	}
	for (int i = 0; i < n; i++) {
		char *r, *t;
		if (strcmp(PQgetvalue(res, i, C_KIND), "member"))
			continue;
		r = pt_quote_ident(db, PQgetvalue(res, i, C_NAME));
		t = others ? pt_xasprintf("%s, %s", others, r) : pt_xstrdup(r);
		free(others);
		others = t;
		if (!is_true(res, i, C_B)) {
			push(&b, pt_xasprintf("GRANT %s TO %s;", g, r));
			njoined++;
		}
		/* A NOINHERIT role does not use its groups' privileges without
		 * SET ROLE: it needs its own grants. */
		if (!is_true(res, i, C_A) && pub_exists && !is_true(res, i, C_C))
			push(&b, pt_xasprintf("GRANT USAGE ON SCHEMA public TO %s;", r));
		if (!is_true(res, i, C_A) && !is_true(res, i, C_D))
			push(&b, pt_xasprintf("GRANT CONNECT ON DATABASE %s TO %s;", d, r));
		free(r);
	}

	/* PUBLIC last, once both sides have their way in. */
	if (is_true(res, srow, C_A)) {
		if (may_pub)
			push(&b, pt_xstrdup("REVOKE ALL ON SCHEMA public FROM PUBLIC;"));
		else {
			/* PostgreSQL 13 and 14 give schema public to the bootstrap
			 * superuser: only a superuser can hand it to the admin. */
			char *me = pt_quote_ident(db, in->user);
			push(&b, pt_xasprintf(_("-- needs a superuser first: ALTER SCHEMA public "
			                        "OWNER TO %s; -- (public belongs to %s)"),
			                      me, PQgetvalue(res, mrow, C_B)));
			free(me);
			push(&b, pt_xstrdup(_("-- skipped until then: REVOKE ALL ON SCHEMA public "
			                      "FROM PUBLIC;")));
			out->partial = true;
		}
	}
	if (is_true(res, srow, C_E))
		push(&b, pt_xasprintf("REVOKE CONNECT, TEMPORARY ON DATABASE %s FROM PUBLIC;", d));

	/* A GRANT USAGE ON SCHEMA public that the session may not give would
	 * be a WARNING and no grant: leave it to the superuser too. */
	if (!may_pub)
		for (size_t i = 0; i < b.n; i++)
			if (strstr(b.s[i], "ON SCHEMA public TO") && b.s[i][0] != '-') {
				char *t = pt_xasprintf(_("-- skipped until then: %s"), b.s[i]);
				free(b.s[i]);
				b.s[i] = t;
				out->partial = true;
			}

	nlocal = b.n;
	if (citus && plan_workers(db, &b, g, is_true(res, mrow, C_F), &nlocal, &refusal,
	                          &out->partial, err) != PT_OK) {
		PQclear(res);
		free(others);
		free(g);
		free(tg);
		free(d);
		for (size_t i = 0; i < b.n; i++)
			free(b.s[i]);
		free(b.s);
		free(refusal);
		return err ? err->status : PT_ERR_SERVER;
	}

	if (b.n > 0) {
		/* Who goes where, first: a plan names every role it moves. */
		struct plan_builder head = { 0 };
		push(&head, pt_xasprintf(_("-- tenants: %zu, of which %zu join %s for CONNECT"),
		                         ntenants, nmoved, tg));
		push(&head, pt_xasprintf(_("-- other login roles keep schema public and CONNECT "
		                           "through %s: %s"), g, others ? others : _("none")));
		if (citus)
			push(&head, pt_xasprintf(_("-- on the coordinator (%s), in one transaction:"),
			                         pt_db_citus(db)->nodes[0].name));
		nlocal += head.n;
		for (size_t i = 0; i < b.n; i++)
			push(&head, b.s[i]);
		free(b.s);
		b = head;
	}
	if (!refusal && b.n > 0 && (!may_db || !may_roles))
		refusal = pt_xasprintf(_("role \"%s\" may not harden database \"%s\": it must own "
		                         "the database (or be a superuser) and have CREATEROLE"),
		                       in->user, in->dbname);
	if (!refusal && b.n > 0 &&
	    ((!is_true(res, mrow, C_C) && njoined > 0) || (!is_true(res, mrow, C_D) && nmoved > 0)))
		refusal = pt_xasprintf(_("role \"%s\" may not grant membership in %s or %s: from "
		                         "PostgreSQL 16 that needs ADMIN OPTION on the group (GRANT "
		                         "... TO \"%s\" WITH ADMIN OPTION, by the group's creator "
		                         "or a superuser)"), in->user, g, tg, in->user);
	PQclear(res);
	free(others);
	free(g);
	free(tg);
	free(d);
	out->statements = b.s;
	out->n = b.n;
	out->nlocal = nlocal;
	out->refusal = refusal;
	return PT_OK;
}

/* statements[from..to) without the comments, one a line; NULL when
 * that leaves nothing to run. */
static char *
plan_sql_of(const struct pt_harden_plan *plan, size_t from, size_t to)
{
	size_t len = 1;
	char *sql, *p;

	for (size_t i = from; i < to; i++)
		len += strlen(plan->statements[i]) + 1;
	p = sql = pt_xmalloc(len);
	*p = '\0';
	for (size_t i = from; i < to; i++)
		if (plan->statements[i][0] != '-') {
			p = stpcpy(p, plan->statements[i]);
			*p++ = '\n';
			*p = '\0';
		}
	if (!*sql) {
		free(sql);
		return NULL;
	}
	return sql;
}

enum pt_status
pt_harden_apply(pt_db *db, const struct pt_harden_plan *plan, pt_error *err)
{
	const char *what = _("hardening the database");
	char *sql;
	enum pt_status st;

	if (plan->refusal)
		return pt_error_set(err, PT_ERR_PERMISSION, "%s", plan->refusal);
	if ((sql = plan_sql_of(plan, 0, plan->nlocal))) {
		if ((st = pt_db_exec(db, "BEGIN", 0, NULL, what, err)) != PT_OK) {
			free(sql);
			return st;
		}
		st = pt_db_exec(db, sql, 0, NULL, what, err);
		free(sql);
		/* A GRANT or REVOKE the session is not entitled to is only a
		 * WARNING and changes nothing: that is a failure here. */
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
	}
	/* Then the workers, once the coordinator's roles and grants are
	 * there (committed, so propagated): one command, so that each worker
	 * runs it in one transaction. */
	if ((sql = plan_sql_of(plan, plan->nlocal, plan->n))) {
		st = pt_citus_exec_on_workers(db, sql, _("hardening the workers"), err);
		free(sql);
		if (st != PT_OK)
			return st;
	}
	return plan->n ? pt_db_refresh_info(db, err) : PT_OK;
}

void
pt_harden_plan_free(struct pt_harden_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->statements[i]);
	free(p->statements);
	free(p->refusal);
	memset(p, 0, sizeof *p);
}
