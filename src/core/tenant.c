#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_sql.h"
#include "citus.h"
#include "names.h"
#include "sanitize.h"
#include "scram.h"
#include "secret.h"
#include "tenant.h"

void
pt_tenant_config_init(struct pt_tenant_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->connection_limit = PT_DEFAULT_CONNECTION_LIMIT;
}

void
pt_credentials_free(struct pt_credentials *c)
{
	if (!c)
		return;
	free(c->username);
	free(c->schema_name);
	pt_secret_free(c->password);
	pt_secret_free(c->connection_string);
	pt_endpoint_free(&c->endpoint);
	memset(c, 0, sizeof *c);
}

/* The user name cfg asks for, derived when not given. */
static enum pt_status
resolve_username(const struct pt_tenant_config *cfg, char *out, size_t outsz,
                 pt_error *err)
{
	if (cfg->username && *cfg->username) {
		if (pt_name_validate(cfg->username, PT_NAME_ROLE, err) != PT_OK)
			return PT_ERR_INVALID;
		snprintf(out, outsz, "%s", cfg->username);
		return PT_OK;
	}
	return pt_default_username(cfg->schema_name, cfg->user_pattern, out, outsz, err);
}

enum pt_status
pt_tenant_validate(const struct pt_tenant_config *cfg, pt_error *err)
{
	char user[PT_NAME_MAX + 1];

	if (pt_name_validate(cfg->schema_name, PT_NAME_SCHEMA, err) != PT_OK)
		return PT_ERR_INVALID;
	if (resolve_username(cfg, user, sizeof user, err) != PT_OK)
		return PT_ERR_INVALID;
	if (cfg->connection_limit < -1)
		return pt_error_set(err, PT_ERR_INVALID,
		                    _("the connection limit must be -1 (none) or more, not %d"),
		                    cfg->connection_limit);
	return pt_valid_until_validate(cfg->valid_until, err);
}

enum pt_status
pt_valid_until_validate(const char *valid_until, pt_error *err)
{
	/* PostgreSQL's timestamps are ASCII; anything else (a control byte,
	 * a broken UTF-8 sequence libpq refuses to quote) is refused here. */
	for (const char *p = valid_until; p && *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			return pt_error_set(err, PT_ERR_INVALID,
			                    _("the expiry time may hold only printable ASCII, "
			                      "like 2030-12-31 or \"2030-12-31 23:59:59+00\""));
	return PT_OK;
}

/* What every write needs from the admin session. */
static enum pt_status
check_session(pt_db *db, bool needs_createrole, pt_error *err)
{
	const struct pt_session_info *in = pt_db_info(db);

	if (in->read_only)
		return pt_error_set(err, PT_ERR_READ_ONLY,
		                    _("this session is read-only: reconnect without --read-only "
		                      "(and to a primary) to change tenants"));
	if (needs_createrole && !in->superuser && !in->createrole)
		return pt_error_set(err, PT_ERR_PERMISSION,
		                    _("role \"%s\" may not create roles: connect as a "
		                      "superuser or a role with CREATEROLE"), in->user);
	return PT_OK;
}

enum pt_status
pt_tenant_check_session(pt_db *db, bool needs_createrole, pt_error *err)
{
	return check_session(db, needs_createrole, err);
}

/* How a tenant gets CONNECT. Not by its own GRANT CONNECT ON DATABASE: the
 * database's ACL is one row that every such grant rewrites whole, so each
 * create and drop cost more the more tenants there were, and two of them at
 * once failed with "tuple concurrently updated" unless serialised on a
 * lock that any tenant could take too. Instead every tenant is a member of
 * one group per database that holds CONNECT; a membership is a row of its
 * own, so creates and drops touch no shared row and need no lock: of two
 * admins racing for one name, the unique index makes one win and the other
 * read "already exists".
 *
 * Before PostgreSQL 16 a NOINHERIT role does not use its groups' rights,
 * CONNECT included, so there tenants are INHERIT. NOINHERIT never kept a
 * tenant from a role it was granted (it can still SET ROLE), and the audit
 * reports every membership of a tenant but this one, so nothing is lost.
 * From 16 the option is per grant: tenants stay NOINHERIT and this one
 * grant inherits, without SET. */
static char *
group_membership_sql(pt_db *db, const char *quoted_user)
{
	char group[PT_NAME_MAX + 1], *g, *sql;

	pt_tenant_group_name(pt_db_info(db)->dbname, group, sizeof group);
	g = pt_quote_ident(db, group);
	sql = pt_xasprintf("GRANT %s TO %s%s;\n", g, quoted_user,
	                   pt_db_info(db)->server_version_num >= 160000
	                   ? " WITH INHERIT TRUE, SET FALSE" : "");
	free(g);
	return sql;
}

/* The statements that make the tenants' group, once per database. */
static char *
group_create_sql(pt_db *db)
{
	const char *dbname = pt_db_info(db)->dbname;
	char group[PT_NAME_MAX + 1], *g, *d, *mark, *lit, *sql;

	pt_tenant_group_name(dbname, group, sizeof group);
	g = pt_quote_ident(db, group);
	d = pt_quote_ident(db, dbname);
	mark = pt_xasprintf("%s%s", PT_TENANT_GROUP_MARK, dbname);
	lit = pt_quote_literal(db, mark);
	sql = pt_xasprintf("CREATE ROLE %s NOLOGIN NOINHERIT;\n"
	                   "COMMENT ON ROLE %s IS %s;\n"
	                   "GRANT CONNECT ON DATABASE %s TO %s;",
	                   g, g, lit, d, g);
	free(g);
	free(d);
	free(mark);
	free(lit);
	return sql;
}

/* The creation script; verifier_sql is the quoted verifier or a redaction. */
static char *
create_sql(pt_db *db, const struct pt_tenant_config *cfg, const char *user,
           const char *verifier_sql)
{
	const struct pt_session_info *in = pt_db_info(db);
	bool v16 = in->server_version_num >= 160000;
	char *s = pt_quote_ident(db, cfg->schema_name);
	char *u = pt_quote_ident(db, user);
	char *d = pt_quote_ident(db, in->dbname);
	char *admin = pt_quote_ident(db, in->user);
	char *until = cfg->valid_until && *cfg->valid_until
		? pt_quote_literal(db, cfg->valid_until) : NULL;
	char *member = group_membership_sql(db, u);
	char limit[48] = "";
	char *grant, *group, *sql;

	if (cfg->connection_limit >= 0)
		snprintf(limit, sizeof limit, " CONNECTION LIMIT %d", cfg->connection_limit);
	/* A non-superuser with CREATEROLE must be able to SET ROLE to the new
	 * role to give it a schema (CREATE SCHEMA ... AUTHORIZATION), and to
	 * have its privileges to cancel its sessions or drop what it owns, as
	 * an INHERIT admin had before 16. From 16 the creator is made a member
	 * with ADMIN only, and with SET and INHERIT too when
	 * createrole_self_grant says so: then no grant is needed. */
	if (in->superuser || (v16 && in->self_grant_set))
		grant = pt_xstrdup("");
	else
		grant = pt_xasprintf("GRANT %s TO %s%s;\n", u, admin,
		                     v16 ? " WITH INHERIT TRUE, SET TRUE" : "");
	/* The first tenant of a database makes the group in its transaction,
	 * so that a failed create leaves nothing behind, not even the group. */
	group = in->tenant_group == PT_GROUP_NONE ? group_create_sql(db) : pt_xstrdup("");
	sql = pt_xasprintf(
		"%s%s%s"
		"CREATE ROLE %s LOGIN PASSWORD %s NOSUPERUSER NOCREATEDB NOCREATEROLE "
		"%s NOREPLICATION NOBYPASSRLS%s%s%s;\n"
		"%s"
		"CREATE SCHEMA %s AUTHORIZATION %s;\n"
		"%s"
		"ALTER ROLE %s IN DATABASE %s SET search_path = %s;",
		pt_citus_create_prefix(db), group, *group ? "\n" : "",
		u, verifier_sql, v16 ? "NOINHERIT" : "INHERIT", limit,
		until ? " VALID UNTIL " : "", until ? until : "",
		grant, s, u, member, u, d, s);
	free(grant);
	free(group);
	free(member);
	free(s);
	free(u);
	free(d);
	free(admin);
	free(until);
	return sql;
}

/* Whether the session can hand new tenants to the tenants' group: it is
 * pgtenant's, and the session may grant it (or, when it does not exist
 * yet and !must_exist, may make it and grant it CONNECT). */
static enum pt_status
check_group(pt_db *db, bool must_exist, pt_error *err)
{
	const struct pt_session_info *in = pt_db_info(db);
	char group[PT_NAME_MAX + 1];

	pt_tenant_group_name(in->dbname, group, sizeof group);
	switch (in->tenant_group) {
	case PT_GROUP_FOREIGN:
		return pt_error_set(err, PT_ERR_PERMISSION,
		                    _("role \"%s\" exists but pgtenant did not make it (it lacks "
		                      "the comment \"%s%s\", can log in, has powers, is INHERIT "
		                      "or is a member of another role): pgtenant will not hand "
		                      "tenants to it; review it, then drop or rename it"),
		                    group, PT_TENANT_GROUP_MARK, in->dbname);
	case PT_GROUP_NONE:
		if (must_exist)
			return pt_error_set(err, PT_ERR_SERVER,
			                    _("the tenants' group \"%s\" does not exist"), group);
		if (!in->can_grant_connect)
			return pt_error_set(err, PT_ERR_PERMISSION,
			                    _("role \"%s\" may not grant CONNECT on database \"%s\" to "
			                      "the tenants' group \"%s\": the tenants could not log in "
			                      "once the database is hardened; ask its owner to GRANT "
			                      "CONNECT ... WITH GRANT OPTION"),
			                    in->user, in->dbname, group);
		return PT_OK;
	case PT_GROUP_OK:
		if (!in->may_grant_group)
			return pt_error_set(err, PT_ERR_PERMISSION,
			                    _("role \"%s\" may not grant membership in the tenants' "
			                      "group \"%s\": it needs ADMIN OPTION on it (GRANT \"%s\" "
			                      "TO \"%s\" WITH ADMIN OPTION, by its creator or a "
			                      "superuser)"), in->user, group, group, in->user);
		return PT_OK;
	}
	return PT_OK;
}

enum pt_status
pt_tenant_ensure_group(pt_db *db, pt_error *err)
{
	const char *what = _("creating the tenants' group");
	enum pt_status st;
	char *sql;

	if (check_session(db, true, err) != PT_OK)
		return err ? err->status : PT_ERR_PERMISSION;
	if (pt_db_info(db)->tenant_group == PT_GROUP_NONE) {
		if ((st = check_group(db, false, err)) != PT_OK)
			return st;
		sql = group_create_sql(db);
		st = pt_db_exec(db, sql, 0, NULL, what, err);
		free(sql);
		/* Another admin made it first: as good, once checked below. */
		if (st != PT_OK && st != PT_ERR_EXISTS)
			return st;
		/* A GRANT the session is not entitled to is only a WARNING. */
		if (st == PT_OK && *pt_db_last_notices(db))
			return pt_error_set(err, PT_ERR_PERMISSION, _("%s: %s"), what,
			                    pt_db_last_notices(db));
		if ((st = pt_db_refresh_info(db, err)) != PT_OK)
			return st;
	}
	return check_group(db, true, err);
}

static enum pt_status
prepare_create(pt_db *db, const struct pt_tenant_config *cfg, char *user,
               size_t usersz, pt_error *err)
{
	if (pt_tenant_validate(cfg, err) != PT_OK)
		return PT_ERR_INVALID;
	if (resolve_username(cfg, user, usersz, err) != PT_OK)
		return PT_ERR_INVALID;
	if (check_session(db, true, err) != PT_OK)
		return err ? err->status : PT_ERR_PERMISSION;
	return check_group(db, false, err);
}

char *
pt_tenant_create_preview(pt_db *db, const struct pt_tenant_config *cfg,
                         pt_error *err)
{
	char user[PT_NAME_MAX + 1];


	if (prepare_create(db, cfg, user, sizeof user, err) != PT_OK)
		return NULL;
	return create_sql(db, cfg, user, "'<redacted>'");
}

/* The SCRAM verifier for password, computed here so that the plaintext
 * never reaches the server, its log or pg_stat_statements. */
static char *
verifier_literal(pt_db *db, const char *user, const char *password, pt_error *err)
{
	char *v = pt_scram_verifier(pt_db_conn(db), user, password, err);
	char *lit;

	if (!v)
		return NULL;
	lit = pt_quote_literal(db, v);
	free(v);
	return lit;
}

static enum pt_status
fill_credentials(pt_db *db, const char *schema, const char *user,
                 char *password, bool generated, struct pt_credentials *out,
                 pt_error *err)
{
	const struct pt_connect_opts *o = pt_db_opts(db);

	memset(out, 0, sizeof *out);
	out->username = pt_xstrdup(user);
	out->schema_name = pt_xstrdup(schema);
	out->password = password;
	out->password_generated = generated;
	pt_endpoint_from_conn(pt_db_conn(db), o, &out->endpoint);
	out->connection_string = pt_connstr_build(PT_CONNSTR_URI, &out->endpoint,
	                                          user, password, err);
	if (!out->connection_string) {
		pt_credentials_free(out);
		return PT_ERR_INVALID;
	}
	return PT_OK;
}

enum pt_status
pt_credentials_for(pt_db *db, const char *schema, const char *user, char *password,
                   bool generated, struct pt_credentials *out, pt_error *err)
{
	return fill_credentials(db, schema, user, password, generated, out, err);
}

/* The password to use: a copy of the given one, or a generated one. */
static char *
take_password(const char *given, bool *generated)
{
	*generated = !given || !*given;
	return *generated ? pt_password_generate() : pt_secret_strdup(given);
}

void
pt_tenant_job_free(struct pt_tenant_job *job)
{
	if (!job)
		return;
	free(job->schema_name);
	free(job->username);
	pt_secret_free(job->password);
	free(job->sql);
	memset(job, 0, sizeof *job);
}

enum pt_status
pt_tenant_job_prepare(pt_db *db, const struct pt_tenant_config *cfg,
                      struct pt_tenant_job *job, pt_error *err)
{
	char user[PT_NAME_MAX + 1];
	char *verifier;
	enum pt_status st;

	memset(job, 0, sizeof *job);
	if ((st = prepare_create(db, cfg, user, sizeof user, err)) != PT_OK)
		return st;
	job->password = take_password(cfg->password, &job->generated);
	verifier = verifier_literal(db, user, job->password, err);
	if (!verifier) {
		pt_tenant_job_free(job);
		return PT_ERR_SERVER;
	}
	job->sql = create_sql(db, cfg, user, verifier);
	free(verifier);
	job->schema_name = pt_xstrdup(cfg->schema_name);
	job->username = pt_xstrdup(user);
	return PT_OK;
}

static void
job_what(const struct pt_tenant_job *job, char *what, size_t whatsz)
{
	snprintf(what, whatsz, _("creating tenant \"%s\""), job->schema_name);
}

enum pt_status
pt_tenant_job_send(pt_db *db, struct pt_tenant_job *job, pt_error *err)
{
	char what[160];

	job_what(job, what, sizeof what);
	/* One multi-statement send: one round trip, one implicit transaction. */
	return pt_db_send(db, job->sql, what, err);
}

enum pt_status
pt_tenant_job_wait(pt_db *db, struct pt_tenant_job *job, pt_error *err)
{
	char what[160];
	PGresult *res;

	job_what(job, what, sizeof what);
	res = pt_db_wait(db, what, err);
	if (!res) {
		pt_tenant_job_free(job);
		return err ? err->status : PT_ERR_SERVER;
	}
	PQclear(res);
	return PT_OK;
}

enum pt_status
pt_tenant_job_credentials(pt_db *db, struct pt_tenant_job *job,
                          struct pt_credentials *out, pt_error *err)
{
	enum pt_status st;

	/* The password moves into out. */
	st = fill_credentials(db, job->schema_name, job->username, job->password,
	                      job->generated, out, err);
	job->password = NULL;
	pt_tenant_job_free(job);
	return st;
}

enum pt_status
pt_tenant_job_finish(pt_db *db, struct pt_tenant_job *job,
                     struct pt_credentials *out, pt_error *err)
{
	enum pt_status st;

	memset(out, 0, sizeof *out);
	if ((st = pt_tenant_job_wait(db, job, err)) != PT_OK)
		return st;
	return pt_tenant_job_credentials(db, job, out, err);
}

enum pt_status
pt_tenant_create(pt_db *db, const struct pt_tenant_config *cfg,
                 struct pt_credentials *out, pt_error *err)
{
	struct pt_tenant_job job;
	enum pt_status st;

	memset(out, 0, sizeof *out);
	for (int attempt = 0;; attempt++) {
		bool made_group = pt_db_info(db)->tenant_group == PT_GROUP_NONE;
		pt_error again;

		if ((st = pt_tenant_job_prepare(db, cfg, &job, err)) != PT_OK)
			return st;
		if ((st = pt_tenant_job_send(db, &job, err)) != PT_OK) {
			pt_tenant_job_free(&job);
			return st;
		}
		st = pt_tenant_job_finish(db, &job, out, err);
		if (st == PT_OK) {
			/* Committed: on Citus, proven on every worker before it is
			 * called made (bulk checks all its tenants at its end). */
			const char *s = out->schema_name, *u = out->username;

			if ((st = pt_citus_check_tenants(db, 1, &s, &u, err)) != PT_OK) {
				pt_credentials_free(out);
				return st;
			}
			/* The session's info still says there is no group: without
			 * this the next create on this session would make it again,
			 * fail with "already exists" and retry. If the refresh fails,
			 * that is all that happens, and the tenant is made. */
			if (made_group)
				(void)pt_db_refresh_info(db, NULL);
			return PT_OK;
		}
		if (!made_group || attempt > 0)
			return st;
		/* This transaction was to make the group too. If the group exists
		 * now, another admin made it meanwhile and that is why this one
		 * failed: once more, as a member only. */
		if (!pt_db_alive(db) || pt_db_refresh_info(db, &again) != PT_OK ||
		    pt_db_info(db)->tenant_group == PT_GROUP_NONE)
			return st;
	}
}

/* The tenant role owning schema, by the one definition of a tenant
 * (audit_sql.h), narrowed to that schema and its owner so that it costs the
 * same however many tenants there are. others: databases where the role
 * still owns or holds something. $1 = user-name pattern, $2 = schema. */
static const char owner_sql[] =
	"WITH" PT_TENANT_CTES_FOR(" AND n.nspname = $2",
	                          " AND s.setrole = (SELECT n.nspowner FROM pg_catalog.pg_namespace n"
	                          "                  WHERE n.nspname = $2)")
	" SELECT r.rolname, coalesce((SELECT n.owner_tenant FROM nsp n), false),"
	" r.rolsuper, r.rolname = current_user,"
	" (SELECT pg_catalog.string_agg(DISTINCT d.datname, ', ' ORDER BY d.datname)"
	"    FROM pg_catalog.pg_shdepend sd JOIN pg_catalog.pg_database d ON d.oid = sd.dbid"
	"   WHERE sd.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass"
	"     AND sd.refobjid = r.oid AND d.datname <> pg_catalog.current_database()),"
	/* Through pg_shdepend's index, not pg_namespace (no index on nspowner:
	 * a scan of every schema, 25 ms per drop at 100,000 tenants). */
	" (SELECT pg_catalog.string_agg(n2.nspname, ', ' ORDER BY n2.nspname)"
	"    FROM pg_catalog.pg_shdepend so JOIN pg_catalog.pg_namespace n2 ON n2.oid = so.objid"
	"   WHERE so.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass"
	"     AND so.refobjid = r.oid AND so.deptype = 'o'"
	"     AND so.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass"
	"     AND so.dbid = (SELECT d.oid FROM pg_catalog.pg_database d"
	"                     WHERE d.datname = pg_catalog.current_database())"
	"     AND n2.oid <> n.oid),"
	" r.rolcanlogin,"
	/* From 16 CREATEROLE alone no longer lets a role alter or drop
	 * another: it needs ADMIN OPTION on it (its creator has it). */
	" (SELECT me.rolsuper FROM pg_catalog.pg_roles me WHERE me.rolname = current_user)"
	"  OR pg_catalog.current_setting('server_version_num')::int < 160000"
	"  OR pg_catalog.pg_has_role(r.oid, 'MEMBER WITH ADMIN OPTION'),"
	" (SELECT me.rolsuper FROM pg_catalog.pg_roles me WHERE me.rolname = current_user)"
	"  OR pg_catalog.pg_has_role(r.oid, 'USAGE')"
	" FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner"
	" WHERE n.nspname = $2";

enum pt_status
pt_tenant_find(pt_db *db, const char *schema, struct pt_tenant_ref *ref,
               pt_error *err)
{
	const char *params[2] = { PT_DEFAULT_USER_PATTERN, schema };
	PGresult *res;
	char what[160];
	enum pt_status st = PT_OK;

	memset(ref, 0, sizeof *ref);
	if (pt_name_validate(schema, PT_NAME_SCHEMA, err) != PT_OK)
		return PT_ERR_INVALID;
	snprintf(what, sizeof what, _("looking up schema \"%s\""), schema);
	res = pt_db_query(db, owner_sql, 2, params, what, err);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	if (PQntuples(res) == 0)
		st = pt_error_set(err, PT_ERR_NOT_FOUND, _("there is no schema \"%s\""), schema);
	else if (*PQgetvalue(res, 0, 1) != 't' || *PQgetvalue(res, 0, 2) == 't')
		st = pt_error_set(err, PT_ERR_INVALID,
		                  _("schema \"%s\" is owned by \"%s\", which is not a tenant "
		                    "(a superuser, the admin itself, or a role that neither logs "
		                    "in nor carries a tenant's marks): pgtenant leaves it alone"),
		                  schema, PQgetvalue(res, 0, 0));
	else {
		snprintf(ref->role, sizeof ref->role, "%s", PQgetvalue(res, 0, 0));
		if (!PQgetisnull(res, 0, 4))
			ref->other_dbs = pt_xstrdup(PQgetvalue(res, 0, 4));
		if (!PQgetisnull(res, 0, 5))
			ref->other_schemas = pt_xstrdup(PQgetvalue(res, 0, 5));
		ref->locked = *PQgetvalue(res, 0, 6) != 't';
		ref->may_alter = *PQgetvalue(res, 0, 7) == 't';
		ref->admin_member = *PQgetvalue(res, 0, 8) == 't';
	}
	PQclear(res);
	return st;
}

enum pt_status
pt_tenant_names_free(pt_db *db, const char *schema, const char *role, bool *is_schema,
                     pt_error *err)
{
	const char *params[2] = { schema, role };
	PGresult *res;
	enum pt_status st = PT_OK;

	res = pt_db_query(db,
	                  "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1),"
	                  " EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $2)",
	                  2, params, _("looking for the new names"), err);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	*is_schema = *PQgetvalue(res, 0, 0) == 't';
	if (*is_schema)
		st = pt_error_set(err, PT_ERR_EXISTS, _("a schema named \"%s\" exists already"),
		                  schema);
	else if (*PQgetvalue(res, 0, 1) == 't')
		st = pt_error_set(err, PT_ERR_EXISTS, _("a role named \"%s\" exists already"), role);
	PQclear(res);
	return st;
}

enum pt_status
pt_tenant_ref_check_alter(pt_db *db, const struct pt_tenant_ref *ref, pt_error *err)
{
	const char *me = pt_db_info(db)->user;

	if (ref->may_alter)
		return PT_OK;
	return pt_error_set(err, PT_ERR_PERMISSION,
	                    _("role \"%s\" has no ADMIN OPTION on tenant role \"%s\", which "
	                      "PostgreSQL 16 and later require to alter it: GRANT \"%s\" TO "
	                      "\"%s\" WITH ADMIN OPTION as its creator or a superuser"),
	                    me, ref->role, ref->role, me);
}

enum pt_status
pt_tenant_ref_member_error(pt_db *db, const struct pt_tenant_ref *ref, const char *what,
                           pt_error *err)
{
	const struct pt_session_info *in = pt_db_info(db);

	return pt_error_set(err, PT_ERR_PERMISSION,
	                    _("role \"%s\" cannot %s: it is not a member of tenant role \"%s\" "
	                      "(or does not inherit its privileges), which a tenant can revoke "
	                      "itself before PostgreSQL 16; GRANT \"%s\" TO \"%s\"%s first"),
	                    in->user, what, ref->role, ref->role, in->user,
	                    in->server_version_num >= 160000 ? " WITH INHERIT TRUE, SET TRUE" : "");
}

void
pt_tenant_ref_free(struct pt_tenant_ref *ref)
{
	if (!ref)
		return;
	free(ref->other_dbs);
	free(ref->other_schemas);
	memset(ref, 0, sizeof *ref);
}

/* What a drop runs, in parts: *grant_out (the membership the admin needs
 * to drop what the tenant owns, "" when none, malloc'd) and the final
 * transaction (returned, malloc'd); *role_out (may be NULL) the tenant's
 * role. NULL with err when it is refused. */
static char *
drop_plan(pt_db *db, const char *schema, char **grant_out, char **role_out,
          pt_error *err)
{
	struct pt_tenant_ref oi;
	char *s, *u, *sql = NULL;

	*grant_out = NULL;
	if (check_session(db, true, err) != PT_OK)
		return NULL;
	if (pt_tenant_find(db, schema, &oi, err) != PT_OK)
		return NULL;
	if (pt_tenant_ref_check_alter(db, &oi, err) != PT_OK) {
		pt_tenant_ref_free(&oi);
		return NULL;
	}
	if (oi.other_dbs)
		pt_error_set(err, PT_ERR_INVALID,
		             _("role \"%s\" still owns objects or holds privileges in "
		               "database(s) %s: drop or reassign them there first"),
		             oi.role, oi.other_dbs);
	else if (oi.other_schemas)
		pt_error_set(err, PT_ERR_INVALID,
		             _("role \"%s\" also owns schema(s) %s, which dropping it "
		               "would destroy: drop or reassign them first"),
		             oi.role, oi.other_schemas);
	else {
		const struct pt_session_info *in = pt_db_info(db);
		char *me = pt_quote_ident(db, in->user);

		s = pt_quote_ident(db, schema);
		u = pt_quote_ident(db, oi.role);
		/* From 16 a non-superuser creator is a member of the tenant with
		 * SET but not INHERIT, and dropping its schema and what it owns
		 * needs the tenant's privileges: take them (the membership goes
		 * with the role). */
		*grant_out = !in->superuser && in->server_version_num >= 160000
			? pt_xasprintf("GRANT %s TO %s WITH INHERIT TRUE;\n", u, me)
			/* Before 16 the tenant can have revoked the admin's
			 * membership itself; CREATEROLE grants it back. */
			: !in->superuser && !oi.admin_member
			? pt_xasprintf("GRANT %s TO %s;\n", u, me) : pt_xstrdup("");
		sql = pt_xasprintf("DROP SCHEMA %s CASCADE;\nDROP OWNED BY %s;\nDROP ROLE %s;",
		                   s, u, u);
		if (role_out)
			*role_out = pt_xstrdup(oi.role);
		free(me);
		free(s);
		free(u);
	}
	pt_tenant_ref_free(&oi);
	return sql;
}

/* The tenant's objects that a drop removes in bounded transactions
 * first, when one transaction would take more locks than
 * max_locks_per_transaction (every object dropped is locked until the
 * end of its transaction: 30,000 tables made DROP SCHEMA ... CASCADE fail
 * with "out of shared memory" for ever, and starve the shared lock table
 * for every other session while it ran). Each row: the DROP's object
 * kind, the object's name as SQL (schema-qualified, quoted), and about how
 * many locks dropping it takes (it and what depends on it). Views go
 * first (nothing of the tenant's depends on them being there), then
 * children before their parents (a parent's CASCADE would take every
 * child's lock at once), functions last. Extension members stay for
 * the final DROP SCHEMA. $1 = the schema. */
static const char drop_objects_sql[] =
	"WITH n AS (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $1),"
	" ext AS (SELECT d.classid, d.objid FROM pg_catalog.pg_depend d WHERE d.deptype = 'e')"
	" SELECT k, name, w FROM ("
	"  SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'"
	"           WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS k,"
	"         c.oid::pg_catalog.regclass::text AS name,"
	"         1 + (SELECT pg_catalog.count(*) FROM pg_catalog.pg_depend d"
	"               WHERE d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
	"                 AND d.refobjid = c.oid)"
	"           + CASE WHEN c.reltoastrelid <> 0 THEN 3 ELSE 0 END AS w,"
	"         CASE WHEN c.relkind IN ('v', 'm') THEN 0"
	"              WHEN c.relkind = 'p' THEN 3 - c.relispartition::int"
	"              WHEN c.relispartition OR EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i"
	"                     WHERE i.inhrelid = c.oid) THEN 1"
	"              WHEN c.relkind = 'S' THEN 4 ELSE 2 END AS ord"
	"    FROM pg_catalog.pg_class c, n"
	"   WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
	"     AND (c.relkind <> 'S' OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
	"          WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
	"            AND d.objid = c.oid AND d.deptype IN ('a', 'i')))"
	"     AND (c.oid) NOT IN (SELECT e.objid FROM ext e"
	"          WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass)"
	"  UNION ALL"
	"  SELECT CASE p.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE'"
	"           ELSE 'FUNCTION' END, p.oid::pg_catalog.regprocedure::text, 1, 5"
	"    FROM pg_catalog.pg_proc p, n"
	"   WHERE p.pronamespace = n.oid"
	"     AND p.oid NOT IN (SELECT e.objid FROM ext e"
	"          WHERE e.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass)"
	" ) x ORDER BY ord, name";

/* Large objects the role owns go in batches of $2 too (DROP OWNED locks
 * each). */
static const char drop_lo_sql[] =
	"SELECT pg_catalog.lo_unlink(l.oid) FROM (SELECT m.oid"
	"  FROM pg_catalog.pg_largeobject_metadata m"
	" WHERE m.lomowner = (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = $1)"
	" LIMIT $2::int) l";

/* Locks one of drop's transactions may take: max_locks_per_transaction,
 * the share of the shared lock table each session is sized for. */
static long
drop_lock_budget(pt_db *db)
{
	PGresult *res = pt_db_query(db, "SELECT pg_catalog.current_setting("
	                                "'max_locks_per_transaction')::int",
	                            0, NULL, _("reading max_locks_per_transaction"), NULL);
	long n = res && PQntuples(res) == 1 ? atol(PQgetvalue(res, 0, 0)) : 64;

	PQclear(res);
	return n < 10 ? 10 : n;
}

/* Drop the tenant's objects in transactions of at most budget locks each,
 * before the final transaction. *done counts what went. */
static enum pt_status
drop_batches(pt_db *db, const char *schema, const char *role, const char *grant,
             const char *what, long *done, pt_error *err)
{
	const char *params[2] = { schema, role };
	long budget = drop_lock_budget(db), total = 0;
	char budget_s[24];
	PGresult *res;
	enum pt_status st = PT_OK;
	int n;

	*done = 0;
	res = pt_db_query(db, drop_objects_sql, 1, params, what, err);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	n = PQntuples(res);
	for (int i = 0; i < n; i++)
		total += atol(PQgetvalue(res, i, 2));
	if (total > budget && *grant)
		/* the membership first, for every batch: it goes with the role */
		st = pt_db_exec(db, grant, 0, NULL, what, err);
	for (int i = 0; st == PT_OK && total > budget && i < n;) {
		char *sql = pt_xstrdup(""), *t;
		long used = 0;
		int start = i;

		/* at least one object, then as many as fit; one DROP per kind */
		while (i < n && (i == start || used + atol(PQgetvalue(res, i, 2)) <= budget)) {
			const char *kind = PQgetvalue(res, i, 0);
			bool next_same = i + 1 < n && !strcmp(kind, PQgetvalue(res, i + 1, 0)) &&
			                 used + atol(PQgetvalue(res, i, 2)) +
			                 atol(PQgetvalue(res, i + 1, 2)) <= budget;
			bool first = i == start || strcmp(kind, PQgetvalue(res, i - 1, 0));

			t = pt_xasprintf("%s%s%s%s%s", sql,
			                 first ? "DROP " : ", ", first ? kind : "",
			                 first ? " IF EXISTS " : "", PQgetvalue(res, i, 1));
			free(sql);
			sql = t;
			if (!next_same) {
				t = pt_xasprintf("%s CASCADE;\n", sql);
				free(sql);
				sql = t;
			}
			used += atol(PQgetvalue(res, i, 2));
			i++;
		}
		st = pt_db_exec(db, sql, 0, NULL, what, err);
		free(sql);
		if (st == PT_OK)
			*done += i - start;
	}
	PQclear(res);
	/* large objects, budget at a time */
	snprintf(budget_s, sizeof budget_s, "%ld", budget);
	params[0] = role;
	params[1] = budget_s;
	while (st == PT_OK) {
		res = pt_db_query(db, drop_lo_sql, 2, params, what, err);
		if (!res)
			return err ? err->status : PT_ERR_SERVER;
		n = PQntuples(res);
		PQclear(res);
		*done += n;
		if (n < budget)
			break;
	}
	return st;
}

char *
pt_tenant_drop_preview(pt_db *db, const char *schema, pt_error *err)
{
	char *grant, *sql = drop_plan(db, schema, &grant, NULL, err), *out;

	if (!sql)
		return NULL;
	out = pt_xasprintf("%s%s", grant, sql);
	free(grant);
	free(sql);
	return out;
}

enum pt_status
pt_tenant_drop(pt_db *db, const char *schema, pt_error *err)
{
	char *grant, *role = NULL, *sql = drop_plan(db, schema, &grant, &role, err), *all;
	char what[160];
	long done = 0;
	enum pt_status st;

	if (!sql)
		return err ? err->status : PT_ERR_INVALID;
	snprintf(what, sizeof what, _("dropping tenant \"%s\""), schema);
	st = drop_batches(db, schema, role, grant, what, &done, err);
	if (st != PT_OK) {
		if (done > 0 && err) {
			pt_error kept = *err;
			char *msg = kept.message;
			pt_error_set(err, kept.status,
			             P_("%s (%ld of the tenant's objects were dropped already; "
			                "drop it again to finish)",
			                "%s (%ld of the tenant's objects were dropped already; "
			                "drop it again to finish)", done), msg, done);
			memcpy(err->detail, kept.detail, sizeof err->detail);
			memcpy(err->sqlstate, kept.sqlstate, sizeof err->sqlstate);
		}
		free(grant);
		free(role);
		free(sql);
		return st;
	}
	all = pt_xasprintf("%s%s", grant, sql);
	/* A tenant made before the tenants' group holds its own CONNECT grant,
	 * and DROP OWNED rewrites the database's ACL to revoke it: two such
	 * drops at once can fail with "tuple concurrently updated" (XX000).
	 * Nothing was done then; try again. harden moves such grants to the
	 * group for good. */
	for (int tries = 0;; tries++) {
		st = pt_db_exec(db, all, 0, NULL, what, err);
		if (st != PT_ERR_SERVER || !err || strcmp(err->sqlstate, "XX000") || tries == 4)
			break;
	}
	free(all);
	free(grant);
	free(role);
	free(sql);
	return st;
}

enum pt_status
pt_tenant_rotate(pt_db *db, const char *schema, const char *password,
                 struct pt_credentials *out, pt_error *err)
{
	struct pt_tenant_ref oi;
	char *pw, *verifier, *u, *sql, what[160];
	bool generated;
	enum pt_status st;

	memset(out, 0, sizeof *out);
	if (check_session(db, true, err) != PT_OK)
		return err ? err->status : PT_ERR_PERMISSION;
	if (pt_tenant_find(db, schema, &oi, err) != PT_OK)
		return err ? err->status : PT_ERR_INVALID;
	if (pt_tenant_ref_check_alter(db, &oi, err) != PT_OK) {
		pt_tenant_ref_free(&oi);
		return err ? err->status : PT_ERR_PERMISSION;
	}
	pw = take_password(password, &generated);
	verifier = verifier_literal(db, oi.role, pw, err);
	if (!verifier) {
		pt_secret_free(pw);
		pt_tenant_ref_free(&oi);
		return PT_ERR_SERVER;
	}
	u = pt_quote_ident(db, oi.role);
	sql = pt_xasprintf("ALTER ROLE %s PASSWORD %s;", u, verifier);
	free(u);
	free(verifier);
	snprintf(what, sizeof what, _("changing the password of \"%s\""), oi.role);
	st = pt_db_exec(db, sql, 0, NULL, what, err);
	free(sql);
	if (st == PT_OK)
		st = fill_credentials(db, schema, oi.role, pw, generated, out, err);
	else
		pt_secret_free(pw);
	pt_tenant_ref_free(&oi);
	return st;
}

/* libpq's default notice processor writes the server's text raw to
 * stderr, under the console: a tenant's NOTICE must go nowhere. */
static void
drop_notice(void *arg, const PGresult *res)
{
	(void)arg;
	(void)res;
}

/* Log in as the tenant with the notice receiver in place before the
 * server can send anything, giving up after timeout seconds. */
static PGconn *
tenant_connect(const char *const *keys, const char *const *vals, int timeout)
{
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	double deadline = pt_now() + timeout;
	PGconn *conn = PQconnectStartParams(keys, vals, 1);

	if (!conn)
		pt_die("out of memory while connecting");
	PQsetNoticeReceiver(conn, drop_notice, NULL);
	while (PQstatus(conn) != CONNECTION_BAD && st != PGRES_POLLING_OK &&
	       st != PGRES_POLLING_FAILED) {
		struct pollfd pfd = {
			.fd = PQsocket(conn),
			.events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT,
		};
		int left = (int)((deadline - pt_now()) * 1000);

		if (left <= 0 || (poll(&pfd, 1, left) < 0 && errno != EINTR))
			break;
		if (pfd.revents)
			st = PQconnectPoll(conn);
	}
	return conn;
}

char *
pt_tenant_test_login(const struct pt_credentials *creds, pt_error *err)
{
	/* Keywords after dbname override what the connection string says. */
	const char *keys[] = { "dbname", "connect_timeout", "application_name", NULL };
	const char *vals[] = { creds->connection_string, "10", "pgtenant-test", NULL };
	PGconn *conn = tenant_connect(keys, vals, 10);
	PGresult *res = NULL;
	char *out = NULL;

	if (PQstatus(conn) != CONNECTION_OK) {
		if (PQstatus(conn) != CONNECTION_BAD)
			pt_error_set(err, PT_ERR_CONNECT, "%s: %s", _("logging in as the tenant"),
			             _("no answer from the server within 10 s"));
		else {
			pt_error_from_result(err, NULL, conn, _("logging in as the tenant"));
			err && (err->status = PT_ERR_CONNECT);
		}
	} else {
		/* Timeouts over whatever the tenant's role settings say, local
		 * to a transaction that is never committed (a pooler in
		 * transaction mode passes no startup options and would hand a
		 * session SET on). Then the tenant's search_path, which may put
		 * a schema of its own before pg_catalog: every function is
		 * qualified. */
		res = PQexec(conn, "BEGIN; SET LOCAL statement_timeout = 5000; "
		                   "SET LOCAL lock_timeout = 5000");
		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			PQclear(res);
			res = PQexec(conn, "SELECT current_user, "
			                   "pg_catalog.current_setting('search_path')");
		}
		if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
			/* The search_path is the tenant's text. */
			char *raw = pt_xasprintf("user=%s search_path=%s", PQgetvalue(res, 0, 0),
			                         PQgetvalue(res, 0, 1));
			out = pt_sanitize_dup(raw, 0);
			free(raw);
		} else
			pt_error_from_result(err, res, conn, _("logging in as the tenant"));
	}
	PQclear(res);
	PQfinish(conn);
	return out;
}
