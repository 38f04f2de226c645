/* Citus: detection and "run this on every node" (see citus.h). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "citus.h"
#include "i18n.h"
#include "ops.h"
#include "sanitize.h"
#include "tenant.h"

/* The coordinator's nodes with, for each worker, whether it answers.
 * The timeout is the session's: a worker that hangs must not hang us for
 * Citus' default 30 s (SET, not SET LOCAL: it serves every later
 * statement of the session too). */
static const char nodes_sql[] =
	"SELECT n.nodename || ':' || n.nodeport, n.groupid = 0, n.isactive,"
	"       n.groupid = 0 OR coalesce(w.success, false), w.result"
	"  FROM pg_catalog.pg_dist_node n"
	"  LEFT JOIN pg_catalog.run_command_on_workers('SELECT 1') w"
	"    ON w.nodename = n.nodename AND w.nodeport = n.nodeport"
	" WHERE n.noderole = 'primary'"
	" ORDER BY n.groupid, n.nodename, n.nodeport";

void
pt_citus_clear(struct pt_citus *c)
{
	for (size_t i = 0; i < c->nnodes; i++) {
		free(c->nodes[i].name);
		free(c->nodes[i].error);
	}
	free(c->nodes);
	free(c->down_names);
	memset(c, 0, sizeof *c);
}

enum pt_status
pt_citus_detect(pt_db *db, struct pt_citus *out, pt_error *err)
{
	PGresult *res;
	char set[96];

	pt_citus_clear(out);
	/* Only a coordinator: on a worker the tenants' shards are all we
	 * would see, and its DDL would not reach the other nodes. */
	res = pt_db_query(db, "SELECT pg_catalog.citus_is_coordinator()", 0, NULL,
	                  _("reading the Citus cluster"), err);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	out->present = *PQgetvalue(res, 0, 0) == 't';
	PQclear(res);
	if (!out->present)
		return PT_OK;
	snprintf(set, sizeof set, "SET citus.node_connection_timeout = %d",
	         PT_CITUS_NODE_TIMEOUT_MS);
	if (pt_db_exec(db, set, 0, NULL, _("reading the Citus cluster"), err) != PT_OK)
		return err ? err->status : PT_ERR_SERVER;
	res = pt_citus_query(db, nodes_sql, 0, NULL, _("reading the Citus cluster"), err);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	out->nnodes = (size_t)PQntuples(res);
	out->nodes = pt_xcalloc(out->nnodes ? out->nnodes : 1, sizeof *out->nodes);
	for (size_t i = 0; i < out->nnodes; i++) {
		struct pt_citus_node *n = &out->nodes[i];
		n->name = pt_xstrdup(PQgetvalue(res, (int)i, 0));
		n->coordinator = *PQgetvalue(res, (int)i, 1) == 't';
		n->active = *PQgetvalue(res, (int)i, 2) == 't';
		n->up = *PQgetvalue(res, (int)i, 3) == 't' && n->active;
		if (!n->up && !PQgetisnull(res, (int)i, 4))
			n->error = pt_xstrdup(PQgetvalue(res, (int)i, 4));
		else if (!n->up)
			n->error = pt_xstrdup(_("the node is not active"));
		if (n->coordinator)
			continue;
		out->workers++;
		if (!n->up) {
			char *names = pt_xasprintf("%s%s%s", out->down_names ? out->down_names : "",
			                           out->down_names ? ", " : "", n->name);
			free(out->down_names);
			out->down_names = names;
			out->down++;
		}
	}
	PQclear(res);
	return PT_OK;
}

/* Name the workers that do not answer now: each asked alone, bounded by
 * PT_CITUS_NODE_TIMEOUT_MS (a connection that hangs, a backend that
 * never answers). "h:p, h:p" malloc'd, or NULL when all answered. */
static char *
silent_workers(pt_db *db)
{
	char *names = NULL, set[64];
	PGresult *nodes;
	pt_error ignored;

	snprintf(set, sizeof set, "SET statement_timeout = %d", PT_CITUS_NODE_TIMEOUT_MS);
	if (pt_db_exec(db, set, 0, NULL, "", &ignored) != PT_OK)
		return NULL;
	/* from the catalog, not the session's list: at connect it is not
	 * read yet */
	nodes = pt_db_query(db, "SELECT n.nodename, n.nodeport::text FROM pg_catalog.pg_dist_node n"
	                    " WHERE n.noderole = 'primary' AND n.groupid <> 0 AND n.isactive"
	                    " ORDER BY 1, 2", 0, NULL, "", &ignored);
	for (int i = 0; nodes && i < PQntuples(nodes); i++) {
		const char *params[2] = { PQgetvalue(nodes, i, 0), PQgetvalue(nodes, i, 1) };
		PGresult *res = pt_db_query(db, "SELECT success FROM pg_catalog.master_run_on_worker("
		                            "ARRAY[$1::text], ARRAY[$2::int], ARRAY['SELECT 1'], false)",
		                            2, params, "", &ignored);
		bool answered = res && PQntuples(res) == 1 && *PQgetvalue(res, 0, 0) == 't';

		PQclear(res);
		if (!answered) {
			char *more = pt_xasprintf("%s%s%s:%s", names ? names : "", names ? ", " : "",
			                          params[0], params[1]);
			free(names);
			names = more;
		}
	}
	PQclear(nodes);
	(void)pt_db_exec(db, "RESET statement_timeout", 0, NULL, "", &ignored);
	return names;
}

PGresult *
pt_citus_query(pt_db *db, const char *sql, int nparams, const char *const *params,
               const char *what, pt_error *err)
{
	int ms = pt_db_node_timeout_ms(db);
	char set[64];
	double start;
	PGresult *res;
	pt_error local;

	if (ms <= 0)
		return pt_db_query(db, sql, nparams, params, what, err);
	if (!err)
		err = &local;
	/* In a transaction SET LOCAL, which needs no RESET after: nothing
	 * runs between the statement and the caller reading its notices (a
	 * worker's warnings, pt_citus_exec_on_workers). */
	bool in_tx = PQtransactionStatus(pt_db_conn(db)) == PQTRANS_INTRANS;

	snprintf(set, sizeof set, "SET %sstatement_timeout = %d", in_tx ? "LOCAL " : "", ms);
	if (pt_db_exec(db, set, 0, NULL, what, err) != PT_OK)
		return NULL;
	start = pt_now();
	res = pt_db_query(db, sql, nparams, params, what, err);
	if (res) {
		pt_error reset;

		if (!in_tx &&
		    pt_db_exec(db, "RESET statement_timeout", 0, NULL, what, &reset) != PT_OK) {
			PQclear(res);
			*err = reset;
			return NULL;
		}
		return res;
	}
	/* A cancel that came at the timeout is ours, not the user's: a
	 * worker kept the statement waiting (a stopped backend, a network
	 * that drops packets). */
	if (err->status == PT_ERR_CANCELED && (pt_now() - start) * 1000 >= ms * 0.95 &&
	    pt_db_alive(db)) {
		char *names;

		if (PQtransactionStatus(pt_db_conn(db)) == PQTRANS_INERROR) {
			pt_error ignored;
			(void)pt_db_exec(db, "ROLLBACK", 0, NULL, what, &ignored);
		}
		names = silent_workers(db);
		if (names)
			pt_error_set(err, PT_ERR_NODE, _("%s: %s: Citus worker %s did not answer "
			                                 "within %d s (--node-timeout)"),
			             what, pt_status_text(PT_ERR_NODE), names, (ms + 999) / 1000);
		else
			pt_error_set(err, PT_ERR_NODE, _("%s: %s: a Citus worker did not answer "
			                                 "within %d s (--node-timeout)"),
			             what, pt_status_text(PT_ERR_NODE), (ms + 999) / 1000);
		free(names);
	} else if (pt_db_alive(db) && PQtransactionStatus(pt_db_conn(db)) == PQTRANS_IDLE) {
		pt_error ignored;
		(void)pt_db_exec(db, "RESET statement_timeout", 0, NULL, what, &ignored);
	}
	return NULL;
}

/* select with each $N replaced by the Nth parameter as a quoted literal.
 * Our SQL uses $N only for parameters: never inside a string or a name. */
char *
pt_citus_inline_params(pt_db *db, const char *select, int nparams, const char *const *params)
{
	size_t cap = strlen(select) + 1, len = 0;
	char *out = pt_xmalloc(cap);

	for (const char *p = select; *p;) {
		const char *add = p;
		size_t addlen = 1;
		char *lit = NULL;

		if (*p == '$' && isdigit((unsigned char)p[1]) &&
		    (p == select || !(isalnum((unsigned char)p[-1]) || p[-1] == '_'))) {
			char *end;
			long k = strtol(p + 1, &end, 10);
			if (k >= 1 && k <= nparams) {
				lit = params[k - 1] ? pt_quote_literal(db, params[k - 1]) : pt_xstrdup("NULL");
				add = lit;
				addlen = strlen(lit);
				p = end;
			} else {
				p++;
			}
		} else {
			p++;
		}
		if (len + addlen + 1 > cap) {
			cap = (len + addlen + 1) * 2;
			out = pt_xrealloc(out, cap);
		}
		memcpy(out + len, add, addlen);
		len += addlen;
		free(lit);
	}
	out[len] = '\0';
	return out;
}

char *
pt_citus_worker_select(pt_db *db, const char *select)
{
	/* The uncorrelated subquery runs only once the WHEN has set the
	 * timeout: set_config is volatile, never folded ahead. */
	return pt_xasprintf("SELECT CASE WHEN pg_catalog.set_config('lock_timeout', '%d', true)"
	                    " IS NOT NULL THEN (SELECT COALESCE(pg_catalog.json_agg(q),"
	                    " '[]'::pg_catalog.json) FROM (%s) q) END",
	                    pt_db_lock_timeout_ms(db), select);
}

PGresult *
pt_citus_on_workers(pt_db *db, const char *select, const char *columns,
                    int nparams, const char *const *params,
                    const char *what, pt_error *err)
{
	char *inner = pt_citus_inline_params(db, select, nparams, params);
	/* JSON carries every byte a name may hold (control characters
	 * escaped), and json_to_recordset gives them back as they were. */
	char *command = pt_citus_worker_select(db, inner);
	char *sql = pt_xasprintf(
		"SELECT w.nodename || ':' || w.nodeport, w.success,"
		"       CASE WHEN NOT w.success THEN w.result END, r.*"
		"  FROM pg_catalog.run_command_on_workers($1) w"
		"  LEFT JOIN LATERAL pg_catalog.json_to_recordset("
		"       CASE WHEN w.success THEN w.result::pg_catalog.json END) AS r(%s) ON true"
		" ORDER BY 1", columns);
	const char *p[1] = { command };
	PGresult *res = pt_citus_query(db, sql, 1, p, what, err);

	free(sql);
	free(command);
	free(inner);
	return res;
}

enum pt_status
pt_citus_exec_on_workers(pt_db *db, const char *sql, const char *what, pt_error *err)
{
	/* One statement, not sql as it is: of a multi-statement command
	 * run_command_on_workers reports the first statement's result and
	 * drops the rest, a later statement's error too (checked: "CREATE
	 * TABLE ...; SELECT 1/0" came back success, the table absent). The
	 * block's statements run in the worker's transaction, whose
	 * lock_timeout is ours: a tenant's lock on a worker stalls us no
	 * longer than one here. */
	char *body = pt_xasprintf("BEGIN PERFORM pg_catalog.set_config('lock_timeout', '%d', true);\n"
	                          "%s\nEND", pt_db_lock_timeout_ms(db), sql);
	char *lit = pt_quote_literal(db, body);
	char *command = pt_xasprintf("DO %s", lit);
	const char *p[1] = { command };
	PGresult *res = NULL;
	char *failed = NULL;
	enum pt_status st;

	free(body);
	free(lit);
	/* A worker's WARNING (a GRANT or REVOKE it was not entitled to, which
	 * changed nothing) reaches us only as Citus' DEBUG1 with the node's
	 * name: asked for, for this statement alone. */
	st = pt_db_exec(db, "BEGIN; SET LOCAL client_min_messages = debug1;"
	                " SET LOCAL citus.worker_min_messages = warning", 0, NULL, what, err);
	if (st == PT_OK)
		res = pt_citus_query(db,
			"SELECT w.nodename || ':' || w.nodeport, w.result"
			"  FROM pg_catalog.run_command_on_workers($1) w WHERE NOT w.success ORDER BY 1",
			1, p, what, err);
	free(command);
	if (!res) {
		pt_error ignored;

		if (st == PT_OK)
			(void)pt_db_exec(db, "ROLLBACK", 0, NULL, what, &ignored);
		return err ? err->status : PT_ERR_SERVER;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		char *f = pt_xasprintf("%s%s%s: %s", failed ? failed : "", failed ? "\n" : "",
		                       PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
		free(failed);
		failed = f;
	}
	PQclear(res);
	if (!failed && *pt_db_last_notices(db)) {
		pt_error_set(err, PT_ERR_PERMISSION,
		             _("%s: the workers ran it with warnings (it may have changed nothing "
		               "there):\n%s"), what, pt_db_last_notices(db));
		st = PT_ERR_PERMISSION;
	}
	{
		pt_error cerr;

		if (pt_db_exec(db, "COMMIT", 0, NULL, what, &cerr) != PT_OK && !failed &&
		    st == PT_OK) {
			if (err)
				*err = cerr;
			return cerr.status;
		}
	}
	if (st != PT_OK || !failed)
		return st;
	pt_error_set(err, PT_ERR_SERVER, _("%s: failed on worker node(s):\n%s"), what, failed);
	free(failed);
	return PT_ERR_SERVER;
}

const char *
pt_citus_create_prefix(const pt_db *db)
{
	return pt_db_citus(db)->present
		? "SET LOCAL citus.enable_schema_based_sharding = on;\n" : "";
}

/* On a worker: what it lacks of each tenant ($1 schemas, $2 their roles,
 * as arrays), only those that lack something. */
static const char check_tenants_sql[] =
	"SELECT t.s AS schema, concat_ws(', ',"
	" CASE WHEN r.oid IS NULL THEN 'role' WHEN NOT r.rolcanlogin THEN 'LOGIN' END,"
	" CASE WHEN n.oid IS NULL THEN 'schema'"
	"      WHEN r.oid IS NOT NULL AND n.nspowner <> r.oid THEN 'schema owner' END,"
	" CASE WHEN r.oid IS NOT NULL AND NOT pg_catalog.has_database_privilege("
	"      r.oid, pg_catalog.current_database(), 'CONNECT') THEN 'CONNECT' END,"
	" CASE WHEN r.oid IS NOT NULL AND n.oid IS NOT NULL AND NOT pg_catalog.has_schema_privilege("
	"      r.oid, n.oid, 'USAGE, CREATE') THEN 'USAGE, CREATE' END) AS missing"
	" FROM ROWS FROM (pg_catalog.unnest($1::text[]), pg_catalog.unnest($2::text[])) AS t(s, u)"
	" LEFT JOIN pg_catalog.pg_roles r ON r.rolname = t.u"
	" LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = t.s"
	" WHERE r.oid IS NULL OR n.oid IS NULL OR NOT r.rolcanlogin OR n.nspowner <> r.oid"
	"    OR NOT pg_catalog.has_database_privilege(r.oid, pg_catalog.current_database(), 'CONNECT')"
	"    OR NOT pg_catalog.has_schema_privilege(r.oid, n.oid, 'USAGE, CREATE')";

/* names as a text[] literal: every element double-quoted, " and \ escaped */
static char *
array_literal(size_t n, const char *const *names)
{
	size_t cap = 3;
	char *out, *o;

	for (size_t i = 0; i < n; i++)
		cap += 2 * strlen(names[i]) + 3;
	o = out = pt_xmalloc(cap);
	*o++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*o++ = ',';
		*o++ = '"';
		for (const char *p = names[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				*o++ = '\\';
			*o++ = *p;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return out;
}

enum pt_status
pt_citus_check_tenants(pt_db *db, size_t n, const char *const *schemas,
                       const char *const *users, pt_error *err)
{
	char *arrays[2], what[200];
	const char *params[2];
	char *bad = NULL;
	PGresult *res;

	if (!pt_db_citus(db)->present || n == 0)
		return PT_OK;
	if (n == 1)
		snprintf(what, sizeof what, _("checking tenant \"%s\" on the Citus workers"), schemas[0]);
	else
		snprintf(what, sizeof what, _("checking %zu tenants on the Citus workers"), n);
	params[0] = arrays[0] = array_literal(n, schemas);
	params[1] = arrays[1] = array_literal(n, users);
	res = pt_citus_on_workers(db, check_tenants_sql, "schema text, missing text", 2, params,
	                          what, err);
	free(arrays[0]);
	free(arrays[1]);
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	for (int i = 0; i < PQntuples(res); i++) {
		bool ok = *PQgetvalue(res, i, PT_CW_OK) == 't';
		char *b;

		/* a worker that answered with nothing missing: no row at all */
		if (ok && PQgetisnull(res, i, PT_CW_FIRST))
			continue;
		if (ok)
			b = pt_xasprintf(_("%s%s%s: \"%s\" lacks %s"), bad ? bad : "", bad ? "; " : "",
			                 PQgetvalue(res, i, PT_CW_NODE), PQgetvalue(res, i, PT_CW_FIRST),
			                 PQgetvalue(res, i, PT_CW_FIRST + 1));
		else
			b = pt_xasprintf("%s%s%s: %s", bad ? bad : "", bad ? "; " : "",
			                 PQgetvalue(res, i, PT_CW_NODE), PQgetvalue(res, i, PT_CW_ERROR));
		free(bad);
		bad = b;
	}
	PQclear(res);
	if (!bad)
		return PT_OK;
	pt_error_set(err, PT_ERR_NODE, "%s: %s: %s", what, pt_status_text(PT_ERR_NODE), bad);
	free(bad);
	return PT_ERR_NODE;
}

/* The node of a distributed schema ("" without a table), or no row when
 * it is not distributed. */
static const char node_of_sql[] =
	"SELECT coalesce(min(dn.nodename || ':' || dn.nodeport), '')"
	"  FROM pg_catalog.pg_dist_schema ps"
	"  LEFT JOIN (pg_catalog.pg_dist_partition dp"
	"       JOIN pg_catalog.pg_dist_shard ds ON ds.logicalrelid = dp.logicalrelid"
	"       JOIN pg_catalog.pg_dist_placement pl ON pl.shardid = ds.shardid"
	"       JOIN pg_catalog.pg_dist_node dn ON dn.groupid = pl.groupid AND dn.noderole = 'primary')"
	"    ON dp.colocationid = ps.colocationid"
	" WHERE ps.schemaid = (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = $1)"
	" GROUP BY ps.schemaid";

static enum pt_status
node_of(pt_db *db, const char *schema, char **node, pt_error *err)
{
	const char *params[1] = { schema };
	PGresult *res = pt_db_query(db, node_of_sql, 1, params, _("reading the Citus cluster"), err);

	*node = NULL;
	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	if (PQntuples(res) == 1)
		*node = pt_xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return PT_OK;
}

void
pt_citus_move_free(struct pt_citus_move *m)
{
	free(m->schema);
	free(m->role);
	free(m->from);
	free(m->to);
	for (int i = 0; i < 4; i++)
		free(m->sql[i]);
	memset(m, 0, sizeof *m);
}

enum pt_status
pt_citus_move_plan(pt_db *db, const char *schema, const char *to, struct pt_citus_move *m,
                   pt_error *err)
{
	const struct pt_citus *c = pt_db_citus(db);
	const struct pt_citus_node *target = NULL;
	struct pt_tenant_ref ref;
	const char *params[1];
	char *colon, *host, *lit, *role, *until;
	PGresult *res;
	enum pt_status st;

	memset(m, 0, sizeof *m);
	if (!c->present)
		return pt_error_set(err, PT_ERR_INVALID,
		                    _("not a Citus coordinator: there is no other node to move to"));
	for (size_t i = 0; i < c->nnodes; i++)
		if (!c->nodes[i].coordinator && !strcmp(c->nodes[i].name, to))
			target = &c->nodes[i];
	if (!target) {
		char *names = NULL;

		for (size_t i = 0; i < c->nnodes; i++) {
			char *n;

			if (c->nodes[i].coordinator)
				continue;
			n = pt_xasprintf("%s%s%s", names ? names : "", names ? ", " : "", c->nodes[i].name);
			free(names);
			names = n;
		}
		pt_error_set(err, PT_ERR_INVALID, _("\"%s\" is not a worker of this cluster (workers: %s)"),
		             to, names ? names : "-");
		free(names);
		return PT_ERR_INVALID;
	}
	if (!target->up)
		return pt_error_set(err, PT_ERR_NODE, _("worker %s is down: %s"), target->name,
		                    target->error ? target->error : "");
	if ((st = pt_tenant_find(db, schema, &ref, err)) != PT_OK)
		return st;
	if ((st = pt_tenant_ref_check_alter(db, &ref, err)) != PT_OK) {
		pt_tenant_ref_free(&ref);
		return st;
	}
	m->schema = pt_xstrdup(schema);
	m->role = pt_xstrdup(ref.role);
	m->locked = ref.locked;
	pt_tenant_ref_free(&ref);
	m->to = pt_xstrdup(to);
	if ((st = node_of(db, schema, &m->from, err)) != PT_OK)
		goto fail;
	if (!m->from) {
		st = pt_error_set(err, PT_ERR_INVALID, _("schema \"%s\" is not a distributed schema: "
		                                         "it lives on the coordinator"), schema);
		goto fail;
	}
	if (!*m->from) {
		st = pt_error_set(err, PT_ERR_INVALID, _("schema \"%s\" has no table yet: Citus "
		                                         "places it on a worker at its first table"),
		                  schema);
		goto fail;
	}
	if (!strcmp(m->from, to)) {
		st = pt_error_set(err, PT_ERR_INVALID, _("schema \"%s\" is already on %s"), schema, to);
		goto fail;
	}
	params[0] = m->role;
	res = pt_db_query(db, "SELECT pg_catalog.current_setting('wal_level'),"
	                  " coalesce((SELECT r.rolvaliduntil::text FROM pg_catalog.pg_roles r"
	                  "           WHERE r.rolname = $1), 'infinity')",
	                  1, params, _("reading the Citus cluster"), err);
	if (!res) {
		st = err ? err->status : PT_ERR_SERVER;
		goto fail;
	}
	until = pt_quote_literal(db, PQgetvalue(res, 0, 1));
	m->mode = strcmp(PQgetvalue(res, 0, 0), "logical") ? "block_writes" : "force_logical";
	PQclear(res);
	/* The copy is replicated from the worker that holds the schema: a
	 * logical transfer needs wal_level = logical there, not only here. */
	if (!strcmp(m->mode, "force_logical")) {
		res = pt_citus_on_workers(db, "SELECT pg_catalog.current_setting('wal_level') AS w",
		                          "w text", 0, NULL, _("reading the Citus cluster"), err);
		if (!res) {
			free(until);
			st = err ? err->status : PT_ERR_SERVER;
			goto fail;
		}
		for (int i = 0; i < PQntuples(res); i++)
			if (strcmp(PQgetvalue(res, i, PT_CW_FIRST), "logical"))
				m->mode = "block_writes";
		PQclear(res);
	}
	role = pt_quote_ident(db, m->role);
	/* regnamespace reads a name as SQL does: the quoted identifier */
	{
		char *ident = pt_quote_ident(db, schema);
		lit = pt_quote_literal(db, ident);
		free(ident);
	}
	colon = strrchr(to, ':');
	{
		char *h = pt_xasprintf("%.*s", (int)(colon - to), to);
		host = pt_quote_literal(db, h);
		free(h);
	}
	m->sql[1] = pt_xasprintf("SELECT pg_catalog.citus_schema_move(%s::pg_catalog.regnamespace, "
	                         "%s, %d, '%s');", lit, host, atoi(colon + 1), m->mode);
	if (m->locked) {
		m->sql[0] = pt_xasprintf("ALTER ROLE %s LOGIN VALID UNTIL '-infinity';", role);
		m->sql[2] = pt_xasprintf("ALTER ROLE %s NOLOGIN VALID UNTIL %s;", role, until);
		/* VALID UNTIL stops password logins only: whoever got in
		 * meanwhile (trust, peer, a certificate) is ended, on every
		 * node, once the role is locked again. */
		m->sql[3] = pt_role_terminate_sql(db, m->role);
	}
	free(role);
	free(lit);
	free(host);
	free(until);
	return PT_OK;
fail:
	pt_citus_move_free(m);
	return st;
}

char *
pt_citus_move_preview(const struct pt_citus_move *m)
{
	return pt_xasprintf("%s%s%s%s%s%s%s", m->sql[0] ? m->sql[0] : "", m->sql[0] ? "\n" : "",
	                    m->sql[1], m->sql[2] ? "\n" : "", m->sql[2] ? m->sql[2] : "",
	                    m->sql[3] ? "\n" : "", m->sql[3] ? m->sql[3] : "");
}

/* The moving backend's shards only ($1 its pid): another admin's
 * rebalance may run beside it. */
static const char progress_sql[] =
	"SELECT coalesce(sum(target_shard_size), 0), coalesce(sum(shard_size), 0),"
	" coalesce(min(status), '')"
	" FROM pg_catalog.get_rebalance_progress() WHERE sessionid = $1";

/* Polling for progress from inside the move's wait: the query is sent
 * and its answer collected without ever blocking, so the console keeps
 * drawing and Ctrl-C still reaches the move. */
struct move_poll {
	pt_wait_hook hook;
	void *hook_ud;
	PGconn *conn;
	char pid[16];
	bool busy;
	double last;
	pt_citus_progress_fn fn;
	void *fn_ud;
};

static void
poll_result(struct move_poll *mp)
{
	PGresult *res;

	while ((res = PQgetResult(mp->conn))) {
		if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
			struct pt_citus_progress p;

			p.done = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
			p.total = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
			pt_sanitize(p.status, sizeof p.status, PQgetvalue(res, 0, 2), 0);
			/* no row yet: Citus has not started copying */
			if (p.total > 0)
				mp->fn(mp->fn_ud, &p);
		}
		PQclear(res);
	}
	mp->busy = false;
}

static bool
move_poll_hook(void *ud)
{
	struct move_poll *mp = ud;

	if (mp->conn && PQstatus(mp->conn) == CONNECTION_OK) {
		if (mp->busy && PQconsumeInput(mp->conn) && !PQisBusy(mp->conn))
			poll_result(mp);
		if (!mp->busy && pt_now() - mp->last >= 0.5) {
			const char *params[1] = { mp->pid };

			mp->last = pt_now();
			mp->busy = PQsendQueryParams(mp->conn, progress_sql, 1, NULL, params, NULL,
			                             NULL, 0) == 1;
		}
	}
	return mp->hook && mp->hook(mp->hook_ud);
}

void
pt_citus_progress_text(const char *schema, const struct pt_citus_progress *p, char *buf,
                       size_t bufsz)
{
	char done[32], total[32];
	long long pct = p->total > 0 ? p->done * 100 / p->total : 0;

	/* the target's files outgrow the source by a page or two at the end */
	if (pct > 100)
		pct = 100;
	pt_format_size(p->done, done, sizeof done);
	pt_format_size(p->total, total, sizeof total);
	if (p->status[0])
		snprintf(buf, bufsz, _("moving %s: %s of %s (%lld%%, %s)"), schema, done, total, pct,
		         p->status);
	else
		snprintf(buf, bufsz, _("moving %s: %s of %s (%lld%%)"), schema, done, total, pct);
}

/* The move statement, with progress polled on a second connection when
 * asked; a second connection that cannot be had costs the progress only. */
static PGresult *
move_query(pt_db *db, const struct pt_citus_move *m, pt_citus_progress_fn fn, void *fn_ud,
           const char *what, pt_error *err)
{
	struct move_poll mp = { .fn = fn, .fn_ud = fn_ud };
	pt_db *poller = NULL;
	PGresult *res;
	pt_error ignored;

	if (fn && (poller = pt_db_clone(db, &ignored)) &&
	    pt_db_exec(poller, "SET statement_timeout = '2s'; SET lock_timeout = '1s'", 0, NULL,
	               what, &ignored) == PT_OK) {
		mp.conn = pt_db_conn(poller);
		snprintf(mp.pid, sizeof mp.pid, "%d", PQbackendPID(pt_db_conn(db)));
		mp.hook = pt_db_wait_hook(db, &mp.hook_ud);
		pt_db_set_wait_hook(db, move_poll_hook, &mp);
	}
	res = pt_db_query(db, m->sql[1], 0, NULL, what, err);
	if (mp.conn)
		pt_db_set_wait_hook(db, mp.hook, mp.hook_ud);
	if (poller)
		pt_db_close(poller);
	return res;
}

enum pt_status
pt_citus_move_run(pt_db *db, const struct pt_citus_move *m, pt_citus_progress_fn progress,
                  void *progress_ud, char **now_on, pt_error *err)
{
	char what[200];
	enum pt_status st = PT_OK;
	PGresult *res;
	pt_error relock;

	*now_on = NULL;
	if (m->sql[0]) {
		snprintf(what, sizeof what, _("letting locked tenant \"%s\" in for its move"), m->schema);
		if ((st = pt_db_exec(db, m->sql[0], 0, NULL, what, err)) != PT_OK)
			return st;
	}
	/* An earlier move that was interrupted leaves its slot, subscription
	 * and half-copied shard behind (pg_dist_cleanup) for the maintenance
	 * daemon; a move racing that deferred cleanup failed with "internal
	 * Citus function" errors. Clean them first; a session that may not
	 * (it needs a superuser) leaves them to the daemon as before. */
	{
		pt_error ignored;
		(void)pt_db_exec(db, "CALL pg_catalog.citus_cleanup_orphaned_resources()", 0, NULL,
		                 _("cleaning up after earlier moves"), &ignored);
	}
	snprintf(what, sizeof what, _("moving tenant \"%s\" to %s"), m->schema, m->to);
	res = move_query(db, m, progress, progress_ud, what, err);
	if (!res)
		st = err ? err->status : PT_ERR_SERVER;
	PQclear(res);
	if (m->sql[2]) {
		void *hook_ud;
		pt_wait_hook hook = pt_db_wait_hook(db, &hook_ud);
		enum pt_status rst;

		/* A Ctrl-C that stopped the move must not stop the lock too:
		 * the wait stays bounded by lock_timeout. */
		pt_db_set_wait_hook(db, NULL, NULL);
		snprintf(what, sizeof what, _("locking tenant \"%s\" again after its move"), m->schema);
		rst = pt_db_exec(db, m->sql[2], 0, NULL, what, &relock);
		if (rst == PT_OK) {
			snprintf(what, sizeof what,
			         _("tenant \"%s\" is locked, but terminating its sessions"), m->schema);
			rst = pt_role_terminate(db, m->sql[3], NULL, NULL, what, &relock);
		}
		pt_db_set_wait_hook(db, hook, hook_ud);
		if (rst != PT_OK) {
			/* the worse news: the tenant's lock is off (its password expired) */
			if (err)
				*err = relock;
			return relock.status;
		}
	}
	if (st != PT_OK)
		return st;
	pt_error_clear(&relock);
	if (node_of(db, m->schema, now_on, &relock) != PT_OK)
		*now_on = NULL;
	return PT_OK;
}
