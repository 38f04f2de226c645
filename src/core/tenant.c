#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "names.h"
#include "sanitize.h"
#include "secret.h"
#include "tenant.h"

void
pt_tenant_config_init(struct pt_tenant_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->connection_limit = -1;
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
	/* PostgreSQL's timestamps are ASCII; anything else (a control byte,
	 * a broken UTF-8 sequence libpq refuses to quote) is refused here. */
	for (const char *p = cfg->valid_until; p && *p; p++)
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

/* Two pgtenant transactions that both GRANT or REVOKE on the database
 * update the same pg_database row, and the later one fails with "tuple
 * concurrently updated" instead of waiting. Every create and drop therefore
 * first takes this transaction-level advisory lock ('pgtn'), so that
 * concurrent creations queue and a lost race reads "already exists". */
#define PT_SERIALIZE_SQL "SELECT pg_catalog.pg_advisory_xact_lock(1885828206);\n"

/* The creation script; verifier_sql is the quoted verifier or a redaction. */
static char *
create_sql(pt_db *db, const struct pt_tenant_config *cfg, const char *user,
           const char *verifier_sql)
{
	const struct pt_session_info *in = pt_db_info(db);
	char *s = pt_quote_ident(db, cfg->schema_name);
	char *u = pt_quote_ident(db, user);
	char *d = pt_quote_ident(db, in->dbname);
	char *admin = pt_quote_ident(db, in->user);
	char *until = cfg->valid_until && *cfg->valid_until
		? pt_quote_literal(db, cfg->valid_until) : NULL;
	char limit[48] = "";
	char *grant, *sql;

	if (cfg->connection_limit >= 0)
		snprintf(limit, sizeof limit, " CONNECTION LIMIT %d", cfg->connection_limit);
	/* A non-superuser with CREATEROLE must be a member of the new role to
	 * give it a schema (CREATE SCHEMA ... AUTHORIZATION). */
	grant = in->superuser ? pt_xstrdup("")
	                      : pt_xasprintf("GRANT %s TO %s;\n", u, admin);
	sql = pt_xasprintf(
		PT_SERIALIZE_SQL
		"CREATE ROLE %s LOGIN PASSWORD %s NOSUPERUSER NOCREATEDB NOCREATEROLE "
		"NOINHERIT NOREPLICATION NOBYPASSRLS%s%s%s;\n"
		"%s"
		"CREATE SCHEMA %s AUTHORIZATION %s;\n"
		"GRANT CONNECT ON DATABASE %s TO %s;\n"
		"ALTER ROLE %s IN DATABASE %s SET search_path = %s;",
		u, verifier_sql, limit, until ? " VALID UNTIL " : "", until ? until : "",
		grant, s, u, d, u, u, d, s);
	free(grant);
	free(s);
	free(u);
	free(d);
	free(admin);
	free(until);
	return sql;
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
	if (!pt_db_info(db)->can_grant_connect)
		return pt_error_set(err, PT_ERR_PERMISSION,
		                    _("role \"%s\" may not grant CONNECT on database \"%s\": "
		                      "the tenant could not log in once the database is hardened; "
		                      "ask its owner to GRANT CONNECT ... WITH GRANT OPTION"),
		                    pt_db_info(db)->user, pt_db_info(db)->dbname);
	return PT_OK;
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
	char *v = PQencryptPasswordConn(pt_db_conn(db), password, user, "scram-sha-256");
	char *lit;

	if (!v) {
		pt_error_set(err, PT_ERR_SERVER, _("cannot hash the password: %s"),
		             PQerrorMessage(pt_db_conn(db)));
		return NULL;
	}
	lit = pt_quote_literal(db, v);
	PQfreemem(v);
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
	pt_endpoint_from_conn(pt_db_conn(db), o->tenant_host, o->tenant_port, &out->endpoint);
	out->connection_string = pt_connstr_build(PT_CONNSTR_URI, &out->endpoint,
	                                          user, password, err);
	if (!out->connection_string) {
		pt_credentials_free(out);
		return PT_ERR_INVALID;
	}
	return PT_OK;
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
pt_tenant_job_finish(pt_db *db, struct pt_tenant_job *job,
                     struct pt_credentials *out, pt_error *err)
{
	char what[160];
	PGresult *res;
	enum pt_status st;

	memset(out, 0, sizeof *out);
	job_what(job, what, sizeof what);
	res = pt_db_wait(db, what, err);
	if (!res) {
		pt_tenant_job_free(job);
		return err ? err->status : PT_ERR_SERVER;
	}
	PQclear(res);
	/* The password moves into out. */
	st = fill_credentials(db, job->schema_name, job->username, job->password,
	                      job->generated, out, err);
	job->password = NULL;
	pt_tenant_job_free(job);
	return st;
}

enum pt_status
pt_tenant_create(pt_db *db, const struct pt_tenant_config *cfg,
                 struct pt_credentials *out, pt_error *err)
{
	struct pt_tenant_job job;
	enum pt_status st;

	memset(out, 0, sizeof *out);
	if ((st = pt_tenant_job_prepare(db, cfg, &job, err)) != PT_OK)
		return st;
	if ((st = pt_tenant_job_send(db, &job, err)) != PT_OK) {
		pt_tenant_job_free(&job);
		return st;
	}
	return pt_tenant_job_finish(db, &job, out, err);
}

/* The tenant role owning schema, checked to be one we may drop, re-key or
 * lock. A locked tenant is NOLOGIN, so the mark of a tenant is not LOGIN
 * alone: its owner may also be a NOLOGIN role whose search_path in this
 * database is the schema (pgtenant create sets it), or a member of the
 * tenants' group. others: databases where the role still owns or holds
 * something; $2: the tenants' group. */
static const char owner_sql[] =
	"SELECT r.rolname, r.rolcanlogin OR EXISTS (SELECT 1"
	"     FROM pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) c"
	"    WHERE s.setrole = r.oid AND s.setdatabase = (SELECT d.oid"
	"          FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())"
	"      AND c = 'search_path=' || pg_catalog.quote_ident(n.nspname))"
	"   OR pg_catalog.pg_has_role(r.oid, (SELECT g.oid FROM pg_catalog.pg_roles g"
	"        WHERE g.rolname = $2), 'MEMBER') IS TRUE,"
	" r.rolsuper, r.rolname = current_user,"
	" (SELECT pg_catalog.string_agg(DISTINCT d.datname, ', ' ORDER BY d.datname)"
	"    FROM pg_catalog.pg_shdepend sd JOIN pg_catalog.pg_database d ON d.oid = sd.dbid"
	"   WHERE sd.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass"
	"     AND sd.refobjid = r.oid AND d.datname <> pg_catalog.current_database()),"
	" (SELECT pg_catalog.string_agg(n2.nspname, ', ' ORDER BY n2.nspname)"
	"    FROM pg_catalog.pg_namespace n2 WHERE n2.nspowner = r.oid AND n2.oid <> n.oid),"
	" r.rolcanlogin"
	" FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner"
	" WHERE n.nspname = $1";

enum pt_status
pt_tenant_find(pt_db *db, const char *schema, struct pt_tenant_ref *ref,
               pt_error *err)
{
	char group[PT_NAME_MAX + 1];
	const char *params[2] = { schema, group };
	PGresult *res;
	char what[160];
	enum pt_status st = PT_OK;

	memset(ref, 0, sizeof *ref);
	if (pt_name_validate(schema, PT_NAME_SCHEMA, err) != PT_OK)
		return PT_ERR_INVALID;
	pt_tenant_group_name(pt_db_info(db)->dbname, group, sizeof group);
	snprintf(what, sizeof what, _("looking up schema \"%s\""), schema);
	res = pt_db_query(db, owner_sql, 2, params, what, err);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	if (PQntuples(res) == 0)
		st = pt_error_set(err, PT_ERR_NOT_FOUND, _("there is no schema \"%s\""), schema);
	else if (*PQgetvalue(res, 0, 1) != 't' || *PQgetvalue(res, 0, 2) == 't' ||
	         *PQgetvalue(res, 0, 3) == 't')
		st = pt_error_set(err, PT_ERR_INVALID,
		                  _("schema \"%s\" is owned by \"%s\", which is not a tenant "
		                    "login role (a superuser, the admin itself or a role "
		                    "that cannot log in): pgtenant leaves it alone"),
		                  schema, PQgetvalue(res, 0, 0));
	else {
		snprintf(ref->role, sizeof ref->role, "%s", PQgetvalue(res, 0, 0));
		if (!PQgetisnull(res, 0, 4))
			ref->other_dbs = pt_xstrdup(PQgetvalue(res, 0, 4));
		if (!PQgetisnull(res, 0, 5))
			ref->other_schemas = pt_xstrdup(PQgetvalue(res, 0, 5));
		ref->locked = *PQgetvalue(res, 0, 6) != 't';
	}
	PQclear(res);
	return st;
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

char *
pt_tenant_drop_preview(pt_db *db, const char *schema, pt_error *err)
{
	struct pt_tenant_ref oi;
	char *s, *u, *sql = NULL;

	if (check_session(db, true, err) != PT_OK)
		return NULL;
	if (pt_tenant_find(db, schema, &oi, err) != PT_OK)
		return NULL;
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
		s = pt_quote_ident(db, schema);
		u = pt_quote_ident(db, oi.role);
		sql = pt_xasprintf(PT_SERIALIZE_SQL
		                   "DROP SCHEMA %s CASCADE;\nDROP OWNED BY %s;\nDROP ROLE %s;",
		                   s, u, u);
		free(s);
		free(u);
	}
	pt_tenant_ref_free(&oi);
	return sql;
}

enum pt_status
pt_tenant_drop(pt_db *db, const char *schema, pt_error *err)
{
	char *sql = pt_tenant_drop_preview(db, schema, err);
	char what[160];
	enum pt_status st;

	if (!sql)
		return err ? err->status : PT_ERR_INVALID;
	snprintf(what, sizeof what, _("dropping tenant \"%s\""), schema);
	st = pt_db_exec(db, sql, 0, NULL, what, err);
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
