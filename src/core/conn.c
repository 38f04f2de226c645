#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "audit.h"
#include "citus.h"
#include "conn.h"
#include "sanitize.h"
#include "secret.h"

struct pt_db {
	PGconn *conn;
	char *target;                 /* what the user gave; may embed a password */
	char *password;               /* secret: typed at the prompt, for reconnects */
	struct pt_connect_opts opts;
	struct pt_session_info info;
	char *info_strings;           /* backing store for info's strings */
	pt_wait_hook wait_hook;
	void *wait_ud;
	char notices[2048];
	char connect_note[160];       /* why we gave up connecting, or "" */
	PGconn *watch;                /* names blockers during a long wait */
	bool watch_failed;            /* ... or could not: not again this wait */
	char blockers[768];           /* what the last look-up found, or "" */
	struct pt_citus citus;        /* the cluster, when this is a Citus coordinator */
	bool abandoned;               /* the last wait dropped a silent server */
};

static void
collect_notice(void *arg, const PGresult *res)
{
	pt_db *db = arg;
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	size_t used = strlen(db->notices);

	if (!msg || !sev)
		return;
	/* Citus passes a worker's messages on at DEBUG1 with "from
	 * host:port" as their detail; they arrive only while the session
	 * asks for them (pt_citus_exec_on_workers), and then name the node. */
	if (!strcmp(sev, "DEBUG") && detail && !strncmp(detail, "from ", 5)) {
		snprintf(db->notices + used, sizeof db->notices - used, "%s%s: %s",
		         used ? "\n" : "", detail + 5, msg);
		return;
	}
	/* Only warnings matter to callers (a GRANT that granted nothing). */
	if (strcmp(sev, "WARNING") != 0)
		return;
	snprintf(db->notices + used, sizeof db->notices - used, "%s%s",
	         used ? "\n" : "", msg);
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The effective connect_timeout in seconds (libpq ignores it for
 * non-blocking connects, so we enforce it); 0 = none. */
static int
connect_timeout(PGconn *conn)
{
	PQconninfoOption *opts = PQconninfo(conn);
	int t = 0;

	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (!strcmp(o->keyword, "connect_timeout") && o->val)
			t = atoi(o->val);
	PQconninfoFree(opts);
	return t > 0 ? t : 0;
}

/* Connect without blocking the front end: PQconnectPoll, pumping the
 * wait hook every 50 ms, so the console keeps drawing and Ctrl-C gives
 * up on an unreachable host. The target secret is kept for reconnects;
 * it may hold a password.
 *
 * watch: the short-lived second connection that names blockers. It runs
 * inside a wait, so it must not swallow the hook's cancel: no hook, and
 * two seconds at most whatever connect_timeout says. */
static PGconn *
open_conn(pt_db *db, bool watch)
{
	const char *keys[9];
	const char *vals[9];
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	pt_wait_hook hook = watch ? NULL : db->wait_hook;
	PGconn *conn;
	double deadline;
	int n = 0, limit;

	db->connect_note[0] = '\0';
	/* Earlier keywords are overridden by what the target itself says, so
	 * a user's own connect_timeout wins over ours. */
	keys[n] = "connect_timeout"; vals[n++] = "10";
	/* As psql: -h, -p and -U fill in what the -d target leaves open. */
	if (db->opts.host) {
		keys[n] = "host"; vals[n++] = db->opts.host;
	}
	if (db->opts.port) {
		keys[n] = "port"; vals[n++] = db->opts.port;
	}
	if (db->opts.user) {
		keys[n] = "user"; vals[n++] = db->opts.user;
	}
	if (db->target && *db->target) {
		keys[n] = "dbname"; vals[n++] = db->target;
	}
	keys[n] = "application_name"; vals[n++] = watch ? "pgtenant (lock watch)" : "pgtenant";
	if (db->password) {
		keys[n] = "password"; vals[n++] = db->password;
	}
	keys[n] = NULL; vals[n] = NULL;
	conn = PQconnectStartParams(keys, vals, 1);
	if (!conn)
		pt_die("out of memory while connecting");
	/* Before the server can say anything: libpq's default processor
	 * would write its text raw to stderr. */
	PQsetNoticeReceiver(conn, collect_notice, db);
	if (PQstatus(conn) == CONNECTION_BAD)
		return conn;
	limit = watch ? 2 : connect_timeout(conn);
	deadline = limit ? now_seconds() + limit : 0;
	while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
		struct pollfd pfd = {
			.fd = PQsocket(conn),
			.events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT,
		};
		int r = poll(&pfd, 1, 50);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0) {
			st = PQconnectPoll(conn);
			continue;
		}
		if (hook && hook(db->wait_ud)) {
			snprintf(db->connect_note, sizeof db->connect_note, "%s",
			         _("connection attempt canceled"));
			break;
		}
		if (deadline && now_seconds() >= deadline) {
			snprintf(db->connect_note, sizeof db->connect_note,
			         _("no answer from the server within %d s (connect_timeout)"), limit);
			break;
		}
	}
	if (st != PGRES_POLLING_OK && db->connect_note[0]) {
		/* NULL with a reason in connect_note; libpq's calls accept NULL. */
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

/* Everything the front ends show about the session; sent after the
 * session settings in the same round trip when connecting. */
#define INFO_SQL \
	"SELECT current_user, r.rolsuper, r.rolcreaterole," \
	" current_setting('server_version')," \
	" current_setting('server_version_num')::int," \
	" current_setting('transaction_read_only')::bool OR pg_is_in_recovery() OR" \
	"   current_setting('default_transaction_read_only')::bool," \
	" r.rolsuper OR has_database_privilege(current_database()," \
	"   'CONNECT WITH GRANT OPTION')," \
	" NOT EXISTS (SELECT 1 FROM pg_namespace n," \
	"     unnest(coalesce(n.nspacl, acldefault('n', n.nspowner))) i, aclexplode(ARRAY[i]) a" \
	"   WHERE n.nspname = 'public' AND a.grantee = 0)" \
	" AND NOT EXISTS (SELECT 1 FROM pg_database d," \
	/* unnest first: aclexplode alone detoasts the ACL once per row it \
	 * returns, quadratic with 10,000 tenants' CONNECT grants (0.6 s). */ \
	"     unnest(coalesce(d.datacl, acldefault('d', d.datdba))) i, aclexplode(ARRAY[i]) a" \
	"   WHERE d.datname = current_database() AND a.grantee = 0" \
	"     AND a.privilege_type IN ('CONNECT', 'TEMPORARY'))," \
	/* The tenants' group (pt_tenant_group_name: the cast to name cuts it \
	 * as that does) and whether pgtenant made it: its mark, no powers, \
	 * NOINHERIT and a member of nothing (a role with CREATEROLE can fake \
	 * the mark; harden checks the rest of what it holds). */ \
	" CASE WHEN g.oid IS NULL THEN 'none' WHEN NOT g.rolcanlogin AND NOT g.rolsuper" \
	"   AND NOT g.rolcreaterole AND NOT g.rolcreatedb AND NOT g.rolreplication" \
	"   AND NOT g.rolbypassrls AND NOT g.rolinherit" \
	"   AND NOT EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = g.oid)" \
	"   AND pg_catalog.shobj_description(g.oid, 'pg_authid') =" \
	"   '" PT_TENANT_GROUP_MARK "' || current_database() THEN 'ok' ELSE 'foreign' END," \
	/* Granting it: CREATEROLE was enough before 16, ADMIN OPTION from 16. */ \
	" r.rolsuper OR (current_setting('server_version_num')::int < 160000" \
	"   AND r.rolcreaterole) OR coalesce(pg_has_role(g.oid, 'MEMBER WITH ADMIN OPTION'), false)," \
	" coalesce(current_setting('createrole_self_grant', true), '') ~ 'set'" \
	"   AND coalesce(current_setting('createrole_self_grant', true), '') ~ 'inherit'," \
	" EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')" \
	" FROM pg_roles r LEFT JOIN pg_roles g" \
	"   ON g.rolname = ('" PT_TENANT_GROUP_PREFIX "' || current_database())::name" \
	" WHERE r.rolname = current_user"

static const char info_sql[] = INFO_SQL;
static const char session_rw_sql[] = "SET search_path = pg_catalog; " INFO_SQL;
static const char session_ro_sql[] =
	"SET search_path = pg_catalog; SET default_transaction_read_only = on; " INFO_SQL;

static enum pt_status
read_info(pt_db *db, const char *sql, pt_error *err)
{
	PGresult *res = pt_db_query(db, sql, 0, NULL, _("reading the session"), err);
	struct pt_session_info *in = &db->info;
	const char *host, *port, *dbname;
	size_t len;
	char *p;

	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return pt_error_set(err, PT_ERR_SERVER, _("cannot read the session's role"));
	}
	host = PQhost(db->conn) ? PQhost(db->conn) : "";
	port = PQport(db->conn) ? PQport(db->conn) : "";
	dbname = PQdb(db->conn) ? PQdb(db->conn) : "";
	len = strlen(PQgetvalue(res, 0, 0)) + strlen(host) + strlen(port) +
	      strlen(dbname) + strlen(PQgetvalue(res, 0, 3)) + 5;
	free(db->info_strings);
	p = db->info_strings = pt_xmalloc(len);
#define KEEP(field, s) do { in->field = p; p = stpcpy(p, s) + 1; } while (0)
	KEEP(user, PQgetvalue(res, 0, 0));
	KEEP(host, host);
	KEEP(port, port);
	KEEP(dbname, dbname);
	KEEP(server_version, PQgetvalue(res, 0, 3));
#undef KEEP
	in->superuser = *PQgetvalue(res, 0, 1) == 't';
	in->createrole = *PQgetvalue(res, 0, 2) == 't';
	in->server_version_num = atoi(PQgetvalue(res, 0, 4));
	in->read_only = *PQgetvalue(res, 0, 5) == 't';
	in->can_grant_connect = *PQgetvalue(res, 0, 6) == 't';
	in->hardened = *PQgetvalue(res, 0, 7) == 't';
	in->tenant_group = !strcmp(PQgetvalue(res, 0, 8), "none") ? PT_GROUP_NONE
	                 : !strcmp(PQgetvalue(res, 0, 8), "ok") ? PT_GROUP_OK : PT_GROUP_FOREIGN;
	in->may_grant_group = *PQgetvalue(res, 0, 9) == 't';
	in->self_grant_set = *PQgetvalue(res, 0, 10) == 't';
	in->ssl = PQsslInUse(db->conn) != 0;
	bool citus = *PQgetvalue(res, 0, 11) == 't';
	PQclear(res);
	if (citus)
		return pt_citus_detect(db, &db->citus, err);
	pt_citus_clear(&db->citus);
	return PT_OK;
}

int
pt_db_node_timeout_ms(const pt_db *db)
{
	int t = db->opts.node_timeout_ms;

	return t == 0 ? PT_DEFAULT_NODE_TIMEOUT_MS : t;
}

const struct pt_citus *
pt_db_citus(const pt_db *db)
{
	return &db->citus;
}

enum pt_status
pt_db_refresh_info(pt_db *db, pt_error *err)
{
	return read_info(db, info_sql, err);
}

int
pt_db_lock_timeout_ms(const pt_db *db)
{
	int t = db->opts.lock_timeout_ms;

	return t == 0 ? PT_DEFAULT_LOCK_TIMEOUT_MS : t < 0 ? 0 : t;
}

static enum pt_status
start_session(pt_db *db, pt_error *err)
{
	char *sql;
	enum pt_status st;

	/* JIT compilation costs 20 to 45 ms per catalog query on 10,000
	 * schemas (their cost estimates pass jit_above_cost) and never pays
	 * that back. PostgreSQL 10 has no jit setting. lock_timeout is always
	 * set, 0 included, so that a role's or the server's own setting cannot
	 * make the wait the user chose longer or shorter. */
	sql = pt_xasprintf("%sSET lock_timeout = %d; %s",
	                   PQserverVersion(db->conn) >= 110000 ? "SET jit = off; " : "",
	                   pt_db_lock_timeout_ms(db), db->opts.read_only ? session_ro_sql : session_rw_sql);
	st = read_info(db, sql, err);
	free(sql);
	return st;
}

static enum pt_status
connect_error(pt_db *db, pt_error *err)
{
	char msg[768];
	size_t n;

	snprintf(msg, sizeof msg, "%s",
	         db->connect_note[0] ? db->connect_note : PQerrorMessage(db->conn));
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	/* libpq's message spans lines with a tab-indented hint: one line. */
	for (char *c = msg, *o = msg;; c++) {
		char ch = (*c == '\n' || *c == '\t') ? ' ' : *c;
		if (ch == ' ' && o > msg && o[-1] == ' ')
			continue;
		*o++ = ch;
		if (!ch)
			break;
	}
	return pt_error_set(err, PT_ERR_CONNECT, _("could not connect: %s"),
	                    msg[0] ? msg : _("unknown error"));
}

pt_db *
pt_db_connect(const char *target, const struct pt_connect_opts *opts,
              pt_error *err)
{
	pt_db *db = pt_xcalloc(1, sizeof *db);
	char *options_err = NULL;

	if (opts)
		db->opts = *opts;
	db->wait_hook = db->opts.wait_hook;
	db->wait_ud = db->opts.wait_ud;
	/* libpq takes a target without "=" or a URI prefix as a plain database
	 * name; anything else must parse, and garbage is refused here with
	 * libpq's own reason rather than as an odd database name. */
	if (target && (strchr(target, '=') || !strncmp(target, "postgres://", 11) ||
	               !strncmp(target, "postgresql://", 13))) {
		PQconninfoOption *parsed = PQconninfoParse(target, &options_err);
		if (!parsed) {
			size_t n = options_err ? strlen(options_err) : 0;
			while (n > 0 && options_err[n - 1] == '\n')
				options_err[--n] = '\0';
			pt_error_set(err, PT_ERR_CONNECT, _("cannot parse the connection target: %s"),
			             options_err ? options_err : _("out of memory"));
			PQfreemem(options_err);
			free(db);
			return NULL;
		}
		PQconninfoFree(parsed);
	}
	db->target = pt_secret_strdup(target ? target : "");

	if (db->opts.force_password && db->opts.ask_password) {
		char prompt[256];
		if (db->opts.user)
			snprintf(prompt, sizeof prompt, _("Password for user %s: "), db->opts.user);
		else
			snprintf(prompt, sizeof prompt, "%s", _("Password: "));
		db->password = db->opts.ask_password(db->opts.ask_password_ud, prompt);
	}
	db->conn = open_conn(db, false);
	if (PQstatus(db->conn) == CONNECTION_BAD && PQconnectionNeedsPassword(db->conn) &&
	    db->opts.ask_password) {
		char prompt[256];
		const char *user = PQuser(db->conn);
		snprintf(prompt, sizeof prompt, _("Password for user %s: "), user ? user : "");
		db->password = db->opts.ask_password(db->opts.ask_password_ud, prompt);
		if (db->password) {
			PQfinish(db->conn);
			db->conn = open_conn(db, false);
		}
	}
	if (PQstatus(db->conn) == CONNECTION_BAD) {
		connect_error(db, err);
		pt_db_close(db);
		return NULL;
	}
	if (start_session(db, err) != PT_OK) {
		if (err && err->status != PT_ERR_CONNECT) {
			char why[sizeof err->message];
			memcpy(why, err->message, sizeof why);
			pt_error_set(err, PT_ERR_CONNECT, "%s", why);
		}
		pt_db_close(db);
		return NULL;
	}
	return db;
}

bool
pt_db_cancel_requested(pt_db *db)
{
	return db->wait_hook && db->wait_hook(db->wait_ud);
}

pt_db *
pt_db_clone(pt_db *db, pt_error *err)
{
	pt_db *c = pt_xcalloc(1, sizeof *c);

	c->opts = db->opts;
	c->wait_hook = db->wait_hook;
	c->wait_ud = db->wait_ud;
	c->target = pt_secret_strdup(db->target);
	c->password = db->password ? pt_secret_strdup(db->password) : NULL;
	c->conn = open_conn(c, false);
	if (PQstatus(c->conn) == CONNECTION_BAD) {
		connect_error(c, err);
		pt_db_close(c);
		return NULL;
	}
	if (start_session(c, err) != PT_OK) {
		pt_db_close(c);
		return NULL;
	}
	return c;
}

enum pt_status
pt_db_reconnect(pt_db *db, pt_error *err)
{
	if (db->conn)
		PQfinish(db->conn);
	db->abandoned = false;
	db->conn = open_conn(db, false);
	if (PQstatus(db->conn) == CONNECTION_BAD)
		return connect_error(db, err);
	return start_session(db, err);
}

static void
watch_close(pt_db *db)
{
	if (db->watch)
		PQfinish(db->watch);
	db->watch = NULL;
}

void
pt_db_close(pt_db *db)
{
	if (!db)
		return;
	if (db->conn)
		PQfinish(db->conn);
	watch_close(db);
	pt_secret_free(db->target);
	pt_secret_free(db->password);
	free(db->info_strings);
	pt_citus_clear(&db->citus);
	free(db);
}

bool
pt_db_alive(pt_db *db)
{
	return db && db->conn && !db->abandoned && PQstatus(db->conn) == CONNECTION_OK;
}

PGconn *
pt_db_conn(pt_db *db)
{
	return db->conn;
}

const struct pt_session_info *
pt_db_info(const pt_db *db)
{
	return &db->info;
}

const struct pt_connect_opts *
pt_db_opts(const pt_db *db)
{
	return &db->opts;
}

void
pt_db_set_wait_hook(pt_db *db, pt_wait_hook hook, void *ud)
{
	db->wait_hook = hook;
	db->wait_ud = ud;
}

pt_wait_hook
pt_db_wait_hook(const pt_db *db, void **ud)
{
	*ud = db->wait_ud;
	return db->wait_hook;
}

const char *
pt_db_last_notices(const pt_db *db)
{
	return db->notices;
}

static void
send_cancel(PGconn *conn)
{
	PGcancel *c = PQgetCancel(conn);
	char buf[256];

	if (c) {
		(void)PQcancel(c, buf, sizeof buf);
		PQfreeCancel(c);
	}
}

/* Who blocks backend %d, and on what. Sent over the watch connection,
 * whose search_path is the user's: pinned first, so that no operator or
 * function a tenant made can stand in for pg_catalog's. Its own waits are
 * short: the front end is not pumped meanwhile, and a catalog someone
 * holds locked must not freeze it. A tenant here is
 * a role that is neither a superuser nor the admin, with the schemas it
 * owns. Durations are NULL where the admin may not see the session. */
#define BLOCKERS_SQL \
	"SET search_path = pg_catalog; SET lock_timeout = 500; " \
	"SELECT a.pid, coalesce(a.usename::text, ''), coalesce((SELECT" \
	"     string_agg(n.nspname, ', ' ORDER BY n.nspname) FROM pg_namespace n" \
	"    WHERE n.nspowner = a.usesysid AND NOT r.rolsuper" \
	"      AND r.rolname <> current_user), '')," \
	" CASE WHEN a.xact_start IS NOT NULL" \
	"      THEN 't' || extract(epoch FROM now() - a.xact_start)::bigint" \
	"      WHEN a.state_change IS NOT NULL" \
	"      THEN 's' || extract(epoch FROM now() - a.state_change)::bigint" \
	"      ELSE '' END," \
	" coalesce(a.state, '')," \
	" coalesce((SELECT CASE WHEN l.locktype = 'relation' THEN l.relation::regclass::text" \
	"                       ELSE '(' || l.locktype || ')' END" \
	"     FROM pg_locks l WHERE l.pid = %d AND NOT l.granted LIMIT 1), '')" \
	" FROM pg_stat_activity a LEFT JOIN pg_roles r ON r.oid = a.usesysid" \
	" WHERE a.pid = ANY (pg_blocking_pids(%d)) ORDER BY a.pid"

/* Describe the sessions of res (BLOCKERS_SQL's rows) into db->blockers,
 * sanitised: role, schema and table names are the tenants' own text. */
static void
describe_blockers(pt_db *db, const PGresult *res)
{
	char *out = db->blockers;
	size_t cap = sizeof db->blockers, used = 0;
	int n = PQntuples(res);

	out[0] = '\0';
	for (int i = 0; i < n && used + 1 < cap; i++) {
		char *role = pt_sanitize_dup(PQgetvalue(res, i, 1), 0);
		char *tenant = pt_sanitize_dup(PQgetvalue(res, i, 2), 0);
		char *state = pt_sanitize_dup(PQgetvalue(res, i, 4), 0);
		const char *since = PQgetvalue(res, i, 3);
		char held[96], what[96] = "";

		/* A session-level (advisory) lock outlives transactions: then
		 * how long the session has been in its state is what tells. */
		if (*since == 't')
			snprintf(held, sizeof held, _("in a transaction for %s s, %s"), since + 1, state);
		else if (*since == 's')
			snprintf(held, sizeof held, _("%s for %s s"), state, since + 1);
		else
			snprintf(held, sizeof held, "%s", _("for a time this role may not see"));
		if (*tenant)
			snprintf(what, sizeof what, _(", tenant \"%s\""), tenant);
		used += (size_t)snprintf(out + used, cap - used, _("%spid %s (role \"%s\"%s, %s)"),
		                         i ? "; " : "", PQgetvalue(res, i, 0), role, what, held);
		if (used >= cap)
			used = cap - 1;
		free(role);
		free(tenant);
		free(state);
	}
	if (n > 0 && *PQgetvalue(res, 0, 5) && used + 1 < cap) {
		char *on = pt_sanitize_dup(PQgetvalue(res, 0, 5), 0);
		snprintf(out + used, cap - used, _(", waiting for a lock on %s"), on);
		free(on);
	}
}

/* Look up who blocks the query in flight, over the watch connection
 * (opened the first time). Gives up for the rest of this wait when the
 * server does not answer within two seconds, which a saturated server or
 * a connection limit may cause. */
static void
watch_blockers(pt_db *db)
{
	char sql[sizeof BLOCKERS_SQL + 32];
	PGresult *r, *last = NULL;
	double deadline;

	if (db->watch_failed)
		return;
	if (!db->watch) {
		db->watch = open_conn(db, true);
		if (PQstatus(db->watch) != CONNECTION_OK)
			goto failed;
	}
	snprintf(sql, sizeof sql, BLOCKERS_SQL, PQbackendPID(db->conn), PQbackendPID(db->conn));
	if (!PQsendQuery(db->watch, sql))
		goto failed;
	deadline = now_seconds() + 2;
	for (;;) {
		struct pollfd pfd = { .fd = PQsocket(db->watch), .events = POLLIN };
		if (!PQconsumeInput(db->watch))
			goto failed;
		if (PQisBusy(db->watch)) {
			if (now_seconds() >= deadline ||
			    (poll(&pfd, 1, 50) < 0 && errno != EINTR))
				goto failed;
			continue;
		}
		if (!(r = PQgetResult(db->watch)))
			break;
		switch (PQresultStatus(r)) {
		case PGRES_TUPLES_OK:
			PQclear(last);
			last = r;
			break;
		case PGRES_COMMAND_OK:
			PQclear(r);
			break;
		default:
			/* e.g. its own lock timeout: not again this wait */
			PQclear(r);
			db->watch_failed = true;
		}
	}
	/* An empty answer keeps what an earlier look-up found: the blocker
	 * may have let go a moment before the lock timeout. */
	if (last && PQntuples(last) > 0)
		describe_blockers(db, last);
	PQclear(last);
	return;
failed:
	PQclear(last);
	watch_close(db);
	db->watch_failed = true;
}

/* When a query has waited this long, start naming its blockers: a second,
 * or half the lock timeout when that is shorter, so that a wait that
 * times out has been looked at. */
static double
watch_delay(const pt_db *db)
{
	int t = pt_db_lock_timeout_ms(db);

	return t > 0 && t < 2000 ? t / 2000.0 : 1.0;
}

/* How long a canceled query may stay silent before the connection is
 * dropped: a backend that answers neither the query nor the cancel (a
 * stopped process, a lost network) must not hold the front end. */
#define PT_ABANDON_AFTER_S 5.0

struct wait_state {
	bool canceled;              /* the cancel was sent */
	bool asked;                 /* the hook said true last time */
	double canceled_at;
	double next_watch;          /* when to look up the blockers next */
};

/* Give up on a server that answers nothing: the socket is shut, so that
 * libpq sees the connection closed (CONNECTION_BAD) and the front end
 * reconnects on a new one. The stopped backend finds the cancel and the
 * closed socket when it runs again. */
static void
abandon(pt_db *db)
{
	int fd = PQsocket(db->conn);

	if (fd >= 0)
		shutdown(fd, SHUT_RDWR);
	db->abandoned = true;
}

/* Wait for input on the socket, pumping the hook every 50 ms (at once
 * when a signal interrupts), and from ws->next_watch on looking up the
 * blockers once a second. The hook's first true sends a cancel; a new
 * true after that (it said false between: a second Ctrl-C, not the same
 * one still held) or PT_ABANDON_AFTER_S of silence drops the connection. */
static bool
wait_readable(pt_db *db, struct wait_state *ws)
{
	struct pollfd pfd = { .fd = PQsocket(db->conn), .events = POLLIN };

	if (pfd.fd < 0)
		return false;
	for (;;) {
		/* A signal (EINTR) asks the hook at once: on a fast stream of
		 * answers the 50 ms timeout alone might never come. */
		int r = poll(&pfd, 1, 50);
		bool asked, again;

		if (r < 0 && errno != EINTR)
			return false;
		asked = db->wait_hook && db->wait_hook(db->wait_ud);
		again = asked && !ws->asked;
		ws->asked = asked;
		if (asked && !ws->canceled) {
			ws->canceled = true;
			ws->canceled_at = now_seconds();
			send_cancel(db->conn);
		} else if (r <= 0 && ws->canceled &&
		           (again || now_seconds() - ws->canceled_at >= PT_ABANDON_AFTER_S)) {
			abandon(db);
			return false;
		}
		if (r > 0)
			return true;
		if (now_seconds() >= ws->next_watch) {
			watch_blockers(db);
			ws->next_watch = now_seconds() + 1;
		}
	}
}

/* A lock timeout, or a cancel while blocked, names who held the lock and
 * what the admin can do about it. */
static void
explain_wait(pt_db *db, pt_error *err, bool canceled)
{
	const char *first;
	char pid[16] = "PID";

	if (!err || (err->status != PT_ERR_LOCKED && !(canceled && db->blockers[0])))
		return;
	if (!db->blockers[0]) {
		snprintf(err->detail, sizeof err->detail, "%s",
		         _("the blocking session could not be named; look in pg_locks, "
		           "or retry with a longer --lock-timeout"));
		return;
	}
	if ((first = strstr(db->blockers, "pid ")))
		snprintf(pid, sizeof pid, "%.*s", (int)strspn(first + 4, "0123456789"), first + 4);
	snprintf(err->detail, sizeof err->detail,
	         _("blocked by %s. End that session with SELECT "
	           "pg_catalog.pg_terminate_backend(%s) and retry, or retry with a longer "
	           "--lock-timeout"), db->blockers, pid);
}

static enum pt_status
send_query(pt_db *db, const char *sql, int nparams, const char *const *params,
           const char *what, pt_error *err)
{
	int sent;

	db->notices[0] = '\0';
	db->blockers[0] = '\0';
	db->watch_failed = false;
	if (!pt_db_alive(db))
		return pt_error_set(err, PT_ERR_CONNECTION_LOST, _("%s: %s"), what,
		                    pt_status_text(PT_ERR_CONNECTION_LOST));
	sent = nparams > 0
		? PQsendQueryParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0)
		: PQsendQuery(db->conn, sql);
	if (!sent)
		return pt_error_from_result(err, NULL, db->conn, what);
	return PT_OK;
}

enum pt_status
pt_db_send(pt_db *db, const char *sql, const char *what, pt_error *err)
{
	return send_query(db, sql, 0, NULL, what, err);
}

PGresult *
pt_db_wait(pt_db *db, const char *what, pt_error *err)
{
	PGresult *last = NULL, *failed = NULL, *r;
	struct wait_state ws = { .next_watch = now_seconds() + watch_delay(db) };

	db->abandoned = false;
	for (;;) {
		if (!PQconsumeInput(db->conn))
			break;
		if (PQisBusy(db->conn)) {
			if (!wait_readable(db, &ws))
				break;
			continue;
		}
		r = PQgetResult(db->conn);
		if (!r)
			break;
		switch (PQresultStatus(r)) {
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
		case PGRES_EMPTY_QUERY:
			PQclear(last);
			last = r;
			break;
		default:
			if (!failed)
				failed = r;
			else
				PQclear(r);
		}
	}
	watch_close(db);
	if (db->abandoned) {
		/* libpq only saw a closed socket: say what happened */
		PQconsumeInput(db->conn);
		pt_error_set(err, PT_ERR_CONNECTION_LOST,
		             _("%s: the server answered neither the query nor its cancel; "
		               "the connection was dropped"), what);
		PQclear(failed);
		PQclear(last);
		return NULL;
	}
	if (failed || PQstatus(db->conn) != CONNECTION_OK || !last) {
		pt_error_from_result(err, failed, db->conn, what);
		explain_wait(db, err, ws.canceled);
		PQclear(failed);
		PQclear(last);
		return NULL;
	}
	pt_error_clear(err);
	return last;
}

PGresult *
pt_db_query(pt_db *db, const char *sql, int nparams, const char *const *params,
            const char *what, pt_error *err)
{
	if (send_query(db, sql, nparams, params, what, err) != PT_OK)
		return NULL;
	return pt_db_wait(db, what, err);
}

enum pt_status
pt_db_exec(pt_db *db, const char *sql, int nparams, const char *const *params,
           const char *what, pt_error *err)
{
	PGresult *res = pt_db_query(db, sql, nparams, params, what, err);

	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	PQclear(res);
	return PT_OK;
}

/* libpq's escapers fail only on a broken multibyte sequence; callers
 * validate user input first, so a failure here is a broken invariant. */
static char *
quote_with(pt_db *db, char *(*escape)(PGconn *, const char *, size_t),
           const char *text)
{
	char *q = escape(db->conn, text, strlen(text));
	char *copy;

	if (!q)
		pt_die("cannot quote: %s", PQerrorMessage(db->conn));
	copy = pt_xstrdup(q);
	PQfreemem(q);
	return copy;
}

char *
pt_quote_ident(pt_db *db, const char *name)
{
	return quote_with(db, PQescapeIdentifier, name);
}

char *
pt_quote_literal(pt_db *db, const char *text)
{
	return quote_with(db, PQescapeLiteral, text);
}
