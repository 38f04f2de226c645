/* Citus: detection and "run this on every node" (see citus.h). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citus.h"
#include "i18n.h"

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
	res = pt_db_query(db, nodes_sql, 0, NULL, _("reading the Citus cluster"), err);
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

PGresult *
pt_citus_on_workers(pt_db *db, const char *select, const char *columns,
                    int nparams, const char *const *params,
                    const char *what, pt_error *err)
{
	char *inner = pt_citus_inline_params(db, select, nparams, params);
	/* JSON carries every byte a name may hold (control characters
	 * escaped), and json_to_recordset gives them back as they were. */
	char *command = pt_xasprintf("SELECT COALESCE(pg_catalog.json_agg(q), '[]'::pg_catalog.json)"
	                             " FROM (%s) q", inner);
	char *sql = pt_xasprintf(
		"SELECT w.nodename || ':' || w.nodeport, w.success,"
		"       CASE WHEN NOT w.success THEN w.result END, r.*"
		"  FROM pg_catalog.run_command_on_workers($1) w"
		"  LEFT JOIN LATERAL pg_catalog.json_to_recordset("
		"       CASE WHEN w.success THEN w.result::pg_catalog.json END) AS r(%s) ON true"
		" ORDER BY 1", columns);
	const char *p[1] = { command };
	PGresult *res = pt_db_query(db, sql, 1, p, what, err);

	free(sql);
	free(command);
	free(inner);
	return res;
}

enum pt_status
pt_citus_exec_on_workers(pt_db *db, const char *sql, const char *what, pt_error *err)
{
	const char *p[1] = { sql };
	PGresult *res = pt_db_query(db,
		"SELECT w.nodename || ':' || w.nodeport, w.result"
		"  FROM pg_catalog.run_command_on_workers($1) w WHERE NOT w.success ORDER BY 1",
		1, p, what, err);
	char *failed = NULL;

	if (!res)
		return err ? err->status : PT_ERR_SERVER;
	for (int i = 0; i < PQntuples(res); i++) {
		char *f = pt_xasprintf("%s%s%s: %s", failed ? failed : "", failed ? "\n" : "",
		                       PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
		free(failed);
		failed = f;
	}
	PQclear(res);
	if (!failed)
		return PT_OK;
	pt_error_set(err, PT_ERR_SERVER, _("%s: failed on worker node(s):\n%s"), what, failed);
	free(failed);
	return PT_ERR_SERVER;
}
