/* The isolation audit: the driver. The rules live in families, one file
 * each (audit_objects.c, audit_roles.c, audit_database.c,
 * audit_foreign.c); this file runs them in one REPEATABLE READ, read-only
 * transaction (one snapshot for all), keeps their findings and sorts them.
 *
 * What a tenant is: audit_sql.h's PT_TENANT_CTES, shared with harden so
 * that the two never disagree. In short, a tenant schema is a non-system
 * schema owned by a role that is not a superuser (or still carries the
 * marks `pgtenant create` left on it), or an admin's schema that grants
 * CREATE to login roles (each such grantee is its tenant). The role the
 * audit runs as is never a tenant. The data of a tenant is everything in
 * its schemas plus whatever it owns elsewhere (large objects included).
 *
 * "Can reach" follows what a membership really allows (audit_int.h's
 * edge): SET ROLE or inheriting, through any chain of groups, inherited or
 * not, because a NOINHERIT member can still SET ROLE. The closure is
 * computed once per query by a recursive walk over pg_auth_members, so the
 * cost grows with the number of grants and memberships, never with
 * tenants x tenants: a few queries per family, whatever the tenant count.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"
#include "citus.h"

const char *
pt_severity_name(enum pt_severity s)
{
	static const char *const names[] = {
#define PT_SEVERITY_NAME(code, name) name,
		PT_SEVERITY_LIST(PT_SEVERITY_NAME)
#undef PT_SEVERITY_NAME
	};
	return (unsigned)s < PT_SEVERITY_COUNT ? names[s] : "?";
}

bool
pt_severity_lookup(const char *name, enum pt_severity *out)
{
	for (int s = 0; s < PT_SEVERITY_COUNT; s++)
		if (!strcmp(pt_severity_name(s), name)) {
			*out = s;
			return true;
		}
	return false;
}

static const struct pt_rule_info rule_table[] = {
#define PT_RULE_INFO(code, name, sev, fam, desc) { name, sev, fam, desc },
	PT_RULE_LIST(PT_RULE_INFO)
#undef PT_RULE_INFO
};

const struct pt_rule_info *
pt_rule_info(enum pt_rule rule)
{
	return &rule_table[(unsigned)rule < PT_RULE_COUNT ? rule : 0];
}

bool
pt_rule_lookup(const char *name, enum pt_rule *out)
{
	for (int i = 0; i < PT_RULE_COUNT; i++)
		if (!strcmp(rule_table[i].name, name)) {
			*out = i;
			return true;
		}
	return false;
}

/* ---- the store ---------------------------------------------------------- */

struct pt_audit_store {
	char **strs;
	size_t nstrs, capstrs;
	struct pt_finding *f;
	size_t nf, capf;
};

/* Keep s (malloc'd) until the audit is freed. */
static const char *
keep(struct pt_audit_store *st, char *s)
{
	if (!s)
		return NULL;
	if (st->nstrs == st->capstrs) {
		st->capstrs = st->capstrs ? st->capstrs * 2 : 64;
		st->strs = pt_xrealloc(st->strs, st->capstrs * sizeof *st->strs);
	}
	st->strs[st->nstrs++] = s;
	return s;
}

static const char *
keep_dup(struct pt_audit_store *st, const char *s)
{
	return s ? keep(st, pt_xstrdup(s)) : NULL;
}

static void citus_seen(struct pt_audit_run *r, struct pt_finding *f);

void
pt_audit_add(struct pt_audit_run *r, enum pt_rule rule, enum pt_severity sev,
             const char *role, const char *schema, const char *object,
             const char *via, char *detail, char *fix)
{
	struct pt_audit_store *st = r->st;
	struct pt_finding *f;

	if (st->nf == st->capf) {
		st->capf = st->capf ? st->capf * 2 : 64;
		st->f = pt_xrealloc(st->f, st->capf * sizeof *st->f);
	}
	f = &st->f[st->nf++];
	f->severity = sev;
	f->rule_id = rule;
	f->rule = pt_rule_info(rule)->name;
	f->role = keep_dup(st, role);
	f->schema = schema && *schema ? keep_dup(st, schema) : NULL;
	f->object = object && *object ? keep_dup(st, object) : NULL;
	f->via = via && *via ? keep_dup(st, via) : NULL;
	f->detail = keep(st, detail);
	f->fix_sql = keep(st, fix);
	f->node = NULL;
	if (r->citus)
		citus_seen(r, f);
}

static void
store_free(struct pt_audit_store *st)
{
	for (size_t i = 0; i < st->nstrs; i++)
		free(st->strs[i]);
	free(st->strs);
	free(st->f);
	free(st);
}

/* ---- every node of a Citus cluster --------------------------------------- */

/* A set of strings (open addressing): the keys of the coordinator's
 * findings, which the workers' findings are checked against. A worker
 * repeats most of them (roles, grants and the shards' grants all
 * propagate), so this is one probe per worker finding, never a scan. */
struct keyset {
	char **slot;
	size_t cap, n;
};

/* A query kept for the workers' pass (citus_workers_pass). */
struct worker_query {
	char *sql;                     /* parameters inlined */
	int ncols;
	char **names;
	void (*row)(struct pt_audit_run *, const PGresult *, int);
};

struct shard {
	long long id;
	char *table;                   /* its table, as findings name it */
};

struct pt_audit_citus {
	struct keyset seen;
	struct shard *shards;          /* every shard, sorted by id */
	size_t nshards;
	char **reported;               /* nodes already found unreachable */
	size_t nreported;
	struct worker_query *queries;  /* for the workers' pass */
	size_t nqueries;
	int maxcols;
};

static size_t
key_hash(const char *s)
{
	size_t h = 14695981039346656037u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* True when key was there already; otherwise keeps it (taken over). */
static bool
keyset_add(struct keyset *k, char *key)
{
	size_t i;

	if ((k->n + 1) * 2 > k->cap) {
		struct keyset big = { pt_xcalloc(k->cap ? k->cap * 2 : 256, sizeof *big.slot),
		                      k->cap ? k->cap * 2 : 256, 0 };
		for (i = 0; i < k->cap; i++)
			if (k->slot[i])
				(void)keyset_add(&big, k->slot[i]);
		free(k->slot);
		*k = big;
	}
	for (i = key_hash(key) & (k->cap - 1); k->slot[i]; i = (i + 1) & (k->cap - 1))
		if (!strcmp(k->slot[i], key)) {
			free(key);
			return true;
		}
	k->slot[i] = key;
	k->n++;
	return false;
}

static bool
keyset_has(const struct keyset *k, const char *key)
{
	if (!k->cap)
		return false;
	for (size_t i = key_hash(key) & (k->cap - 1); k->slot[i]; i = (i + 1) & (k->cap - 1))
		if (!strcmp(k->slot[i], key))
			return true;
	return false;
}

static int
shard_cmp(const void *a, const void *b)
{
	long long x = ((const struct shard *)a)->id, y = ((const struct shard *)b)->id;

	return x < y ? -1 : x > y;
}

/* The object's name with a shard's suffix taken off ("s.t_102008" and
 * "s.\"T_102008\"" become "s.t" and "s.\"T\""): Citus names a shard after
 * its table and the shard id, so a grant Citus copied from the table to
 * its shards reads as the table's. Only a real shard of that very table:
 * a tenant may name a table of its own "t_<the id of u's shard>" on a
 * worker, and its grant must not pass for t's. malloc'd. */
static char *
unshard(const struct pt_audit_citus *cx, const char *object)
{
	size_t len = strlen(object), end = len, i;
	struct shard key = { 0 }, *sh;
	char *table;

	if (end && object[end - 1] == '"')
		end--;
	for (i = end; i > 0 && object[i - 1] >= '0' && object[i - 1] <= '9'; i--)
		;
	if (i == end || i < 2 || object[i - 1] != '_' || end - i > 18)
		return pt_xstrdup(object);
	key.id = strtoll(object + i, NULL, 10);
	if (!(sh = bsearch(&key, cx->shards, cx->nshards, sizeof *cx->shards, shard_cmp)))
		return pt_xstrdup(object);
	table = pt_xasprintf("%.*s%s", (int)(i - 1), object, object + end);
	if (strcmp(table, sh->table)) {
		free(table);
		return pt_xstrdup(object);
	}
	return table;
}

static char *
finding_key(const struct pt_audit_citus *cx, const struct pt_finding *f, bool worker)
{
	/* the coordinator shows no shards: its objects are what they say */
	char *o = !f->object ? pt_xstrdup("") : worker ? unshard(cx, f->object)
	          : pt_xstrdup(f->object);
	/* With the severity: a grant latent on the coordinator can be in
	 * force on a worker that gave the USAGE it lacked. */
	char *k = pt_xasprintf("%s\x1f%d\x1f%s\x1f%s\x1f%s", f->rule, (int)f->severity,
	                       f->role ? f->role : "", f->schema ? f->schema : "", o);

	free(o);
	return k;
}

/* The fix of a worker's own finding, run there from the coordinator
 * (run_command_on_workers' cousin that names the node). A worker refuses
 * DDL on a distributed object unless propagation is off ("operation is
 * not allowed on this node"). The worker's command is one DO block that
 * turns it off for its transaction: of "SET LOCAL ...; fix" Citus reports
 * the first statement's result only, and a fix that failed read as
 * success. A failure on the worker comes back as a row, success false,
 * which a transaction would not notice: the coordinator's DO raises it,
 * naming the node, so that the fixes as a whole fail (the console, psql
 * with the printed fixes). A fix that is only advice (a comment) stays as
 * it is. */
static char *
fix_on_node(pt_db *db, const char *node, const char *fix)
{
	const char *colon = strrchr(node, ':');
	/* dollar quotes keep the three levels readable; a fix that holds
	 * the tag (a name may) is quoted as literals instead */
	bool dollar = fix && !strstr(fix, "$pt");
	char *host, *lhost, *body, *lbody, *command, *lcommand, *outer, *lout, *out;

	if (!fix || !colon || !strncmp(fix, "--", 2))
		return fix ? pt_xstrdup(fix) : NULL;
	host = pt_xasprintf("%.*s", (int)(colon - node), node);
	lhost = pt_quote_literal(db, host);
	body = pt_xasprintf("BEGIN PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', "
	                    "'off', true); PERFORM pg_catalog.set_config('lock_timeout', '%d', "
	                    "true); %s END", pt_db_lock_timeout_ms(db), fix);
	lbody = dollar ? pt_xasprintf("$pt0$%s$pt0$", body) : pt_quote_literal(db, body);
	command = pt_xasprintf("DO %s", lbody);
	lcommand = dollar ? pt_xasprintf("$pt1$%s$pt1$", command) : pt_quote_literal(db, command);
	outer = pt_xasprintf("DECLARE r record; BEGIN SELECT * INTO r FROM "
	                     "pg_catalog.master_run_on_worker(ARRAY[%s], ARRAY[%d], ARRAY[%s], "
	                     "false); IF NOT r.success THEN RAISE EXCEPTION '%%:%%: %%', "
	                     "r.node_name, r.node_port, r.result; END IF; END",
	                     lhost, atoi(colon + 1), lcommand);
	lout = dollar ? pt_xasprintf("$pt2$%s$pt2$", outer) : pt_quote_literal(db, outer);
	out = pt_xasprintf("DO %s;", lout);
	free(host);
	free(lhost);
	free(body);
	free(lbody);
	free(command);
	free(lcommand);
	free(outer);
	free(lout);
	return out;
}

/* The coordinator's findings are remembered; a worker's is dropped when
 * the coordinator has it, else it names its node. */
static void
citus_seen(struct pt_audit_run *r, struct pt_finding *f)
{
	struct pt_audit_store *st = r->st;
	char *key = finding_key(r->cx, f, r->node != NULL);

	if (!r->node) {
		(void)keyset_add(&r->cx->seen, key);
		return;
	}
	if (keyset_has(&r->cx->seen, key)) {
		st->nf--;
		free(key);
		return;
	}
	free(key);
	f->node = keep_dup(st, r->node);
	f->fix_sql = keep(st, fix_on_node(r->db, r->node, f->fix_sql));
}

/* A worker that did not answer: one finding per node and audit. */
static void
node_unreachable(struct pt_audit_run *r, const char *node, const char *error)
{
	struct pt_audit_citus *cx = r->cx;
	const char *saved = r->node;

	for (size_t i = 0; i < cx->nreported; i++)
		if (!strcmp(cx->reported[i], node))
			return;
	cx->reported = pt_xrealloc(cx->reported, (cx->nreported + 1) * sizeof *cx->reported);
	cx->reported[cx->nreported++] = pt_xstrdup(node);
	r->node = NULL;
	pt_audit_add(r, PT_RULE_CITUS_NODE_UNREACHABLE, PT_SEV_HIGH, pt_db_info(r->db)->user,
	             NULL, node, NULL,
	             pt_xasprintf(_("Worker node %s could not be audited (%s): whatever grants, "
	                            "roles or functions it holds were not checked, and a path "
	                            "between tenants there would go unseen."), node,
	                          error && *error ? error : _("no answer")),
	             pt_xasprintf(_("-- bring node %s back (or remove it with "
	                            "citus_remove_node), then audit again"), node));
	r->node = saved;
	r->st->f[r->st->nf - 1].node = keep_dup(r->st, node);
}

static enum pt_status
citus_begin(struct pt_audit_run *r, pt_error *err)
{
	const struct pt_citus *c = pt_db_citus(r->db);
	PGresult *res;

	r->citus = c && c->present;
	if (!r->citus)
		return PT_OK;
	r->cx = pt_xcalloc(1, sizeof *r->cx);
	r->out->citus = true;
	r->out->nodes = c->nnodes;
	res = pt_db_query(r->db, "SELECT s.shardid, n.nspname, c.relname"
	                  "  FROM pg_catalog.pg_dist_shard s"
	                  "  JOIN pg_catalog.pg_class c ON c.oid = s.logicalrelid"
	                  "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ORDER BY 1",
	                  0, NULL, _("auditing tenant isolation"), err);
	if (!res)
		return err->status;
	r->cx->nshards = (size_t)PQntuples(res);
	r->cx->shards = pt_xcalloc(r->cx->nshards + 1, sizeof *r->cx->shards);
	for (size_t i = 0; i < r->cx->nshards; i++) {
		r->cx->shards[i].id = strtoll(PQgetvalue(res, (int)i, 0), NULL, 10);
		r->cx->shards[i].table = pt_audit_qualified(r->db, PQgetvalue(res, (int)i, 1),
		                                            PQgetvalue(res, (int)i, 2));
	}
	PQclear(res);
	for (size_t i = 0; i < c->nnodes; i++)
		if (!c->nodes[i].coordinator && !c->nodes[i].up)
			node_unreachable(r, c->nodes[i].name, c->nodes[i].error);
	return PT_OK;
}

static void
citus_end(struct pt_audit_run *r)
{
	struct pt_audit_citus *cx = r->cx;

	if (!cx)
		return;
	for (size_t i = 0; i < cx->seen.cap; i++)
		free(cx->seen.slot[i]);
	free(cx->seen.slot);
	for (size_t i = 0; i < cx->nreported; i++)
		free(cx->reported[i]);
	free(cx->reported);
	for (size_t i = 0; i < cx->nqueries; i++) {
		free(cx->queries[i].sql);
		for (int c = 0; c < cx->queries[i].ncols; c++)
			free(cx->queries[i].names[c]);
		free(cx->queries[i].names);
	}
	free(cx->queries);
	for (size_t i = 0; i < cx->nshards; i++)
		free(cx->shards[i].table);
	free(cx->shards);
	free(cx);
	r->cx = NULL;
}

/* The workers' pass is one statement for the whole audit: each
 * run_command_on_workers call opens a connection to every worker (150 to
 * 400 ms each on the test machine), and the audit has eight queries. So
 * each query is kept (its parameters inlined) while the coordinator's
 * rows are read, and at the end they run together: a UNION ALL whose rows
 * say which query they belong to (k) and carry every column as text (a
 * boolean as "true", which pt_audit_tval reads the same). Each worker's
 * rows of query k are then handed to its row function as a result of
 * their own, with the coordinator's column names. */

static void
queue_worker_query(struct pt_audit_run *r, const char *sql, int nparams,
                   const char *const *params, const PGresult *shape,
                   void (*row)(struct pt_audit_run *, const PGresult *, int))
{
	struct pt_audit_citus *cx = r->cx;
	struct worker_query *q;

	cx->queries = pt_xrealloc(cx->queries, (cx->nqueries + 1) * sizeof *cx->queries);
	q = &cx->queries[cx->nqueries++];
	q->sql = pt_citus_inline_params(r->db, sql, nparams, params);
	q->ncols = PQnfields(shape);
	q->names = pt_xcalloc((size_t)q->ncols + 1, sizeof *q->names);
	for (int c = 0; c < q->ncols; c++)
		q->names[c] = pt_xstrdup(PQfname(shape, c));
	q->row = row;
	if (q->ncols > cx->maxcols)
		cx->maxcols = q->ncols;
}

/* "SELECT k, x.c0::text, ..., NULL, ... FROM (sql) x(c0, ...)" for each
 * query, joined by UNION ALL; *defs gets the column definitions. */
static char *
combined_sql(const struct pt_audit_citus *cx, char **defs)
{
	char *all = pt_xstrdup(""), *d = pt_xstrdup("k int");

	for (int c = 0; c < cx->maxcols; c++) {
		char *t = pt_xasprintf("%s, c%d text", d, c);
		free(d);
		d = t;
	}
	for (size_t k = 0; k < cx->nqueries; k++) {
		const struct worker_query *q = &cx->queries[k];
		/* Named: json_to_recordset finds the columns by name. */
		char *sel = pt_xasprintf("SELECT %zu AS k", k), *alias = pt_xstrdup(""), *t;

		for (int c = 0; c < cx->maxcols; c++) {
			t = c < q->ncols ? pt_xasprintf("%s, x.c%d::text AS c%d", sel, c, c)
			                 : pt_xasprintf("%s, NULL::text AS c%d", sel, c);
			free(sel);
			sel = t;
		}
		for (int c = 0; c < q->ncols; c++) {
			t = pt_xasprintf("%s%sc%d", alias, c ? ", " : "", c);
			free(alias);
			alias = t;
		}
		t = pt_xasprintf("%s%s%s FROM (%s) x(%s)", all, k ? " UNION ALL " : "", sel, q->sql,
		                 alias);
		free(all);
		all = t;
		free(sel);
		free(alias);
	}
	*defs = d;
	return all;
}

/* Rows [from, to) of wres (one node's) that belong to query k, as a
 * result of their own. */
static PGresult *
query_rows(const PGresult *wres, int from, int to, size_t k, const struct worker_query *q)
{
	PGresult *sub = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PGresAttDesc *attrs = pt_xcalloc((size_t)q->ncols + 1, sizeof *attrs);
	int n = 0;

	for (int c = 0; c < q->ncols; c++)
		attrs[c] = (PGresAttDesc){ .name = q->names[c], .typid = 25, .typlen = -1,
		                           .atttypmod = -1 };
	if (!sub || !PQsetResultAttrs(sub, q->ncols, attrs))
		abort();
	free(attrs);
	for (int j = from; j < to; j++) {
		if (PQgetisnull(wres, j, PT_CW_FIRST) ||
		    strtoul(PQgetvalue(wres, j, PT_CW_FIRST), NULL, 10) != k)
			continue;
		for (int c = 0; c < q->ncols; c++) {
			int col = PT_CW_FIRST + 1 + c;
			bool null = PQgetisnull(wres, j, col);
			if (!PQsetvalue(sub, n, c, null ? NULL : PQgetvalue(wres, j, col),
			                null ? -1 : PQgetlength(wres, j, col)))
				abort();
		}
		n++;
	}
	return sub;
}

/* Run the queued queries on every worker, in one statement, and hand
 * each worker's rows to the queries' row functions, node by node. */
static enum pt_status
citus_workers_pass(struct pt_audit_run *r, pt_error *err)
{
	struct pt_audit_citus *cx = r->cx;
	char *defs, *sql;
	PGresult *wres;
	int n, i = 0;

	if (!cx || !cx->nqueries)
		return PT_OK;
	sql = combined_sql(cx, &defs);
	wres = pt_citus_on_workers(r->db, sql, defs, 0, NULL,
	                           _("auditing tenant isolation on the workers"), err);
	free(sql);
	free(defs);
	if (!wres)
		return err->status;
	n = PQntuples(wres);
	while (i < n) {
		const char *node = PQgetvalue(wres, i, PT_CW_NODE);
		int j = i;

		while (j < n && !strcmp(PQgetvalue(wres, j, PT_CW_NODE), node))
			j++;
		if (*PQgetvalue(wres, i, PT_CW_OK) != 't') {
			node_unreachable(r, node, PQgetvalue(wres, i, PT_CW_ERROR));
		} else {
			r->node = node;
			for (size_t k = 0; k < cx->nqueries; k++) {
				PGresult *sub = query_rows(wres, i, j, k, &cx->queries[k]);
				for (int x = 0; x < PQntuples(sub); x++)
					cx->queries[k].row(r, sub, x);
				PQclear(sub);
			}
			r->node = NULL;
		}
		i = j;
	}
	PQclear(wres);
	return PT_OK;
}

enum pt_status
pt_audit_rows_on(struct pt_audit_run *r, enum pt_audit_where where, const char *sql,
                 int nparams, const char *const *params,
                 void (*row)(struct pt_audit_run *, const PGresult *, int), pt_error *err)
{
	PGresult *res;

	if (where == PT_AUDIT_WORKERS_ONLY && !r->citus)
		return PT_OK;
	/* The coordinator's rows first: the workers' are checked against them.
	 * For the workers alone the coordinator still says what the columns
	 * are called (LIMIT 0 costs a plan). */
	if (where == PT_AUDIT_WORKERS_ONLY) {
		char *probe = pt_xasprintf("SELECT * FROM (%s) q LIMIT 0", sql);
		res = pt_db_query(r->db, probe, nparams, params, _("auditing tenant isolation"), err);
		free(probe);
	} else {
		res = pt_db_query(r->db, sql, nparams, params, _("auditing tenant isolation"), err);
	}
	if (!res)
		return err->status;
	for (int i = 0; i < PQntuples(res); i++)
		row(r, res, i);
	if (r->citus)
		queue_worker_query(r, sql, nparams, params, res, row);
	PQclear(res);
	return PT_OK;
}

/* ---- helpers for the families ------------------------------------------- */

char *
pt_audit_qualified(pt_db *db, const char *schema, const char *name)
{
	char *n = pt_quote_ident(db, name), *s, *r;

	if (!schema || !*schema)
		return n;
	s = pt_quote_ident(db, schema);
	r = pt_xasprintf("%s.%s", s, n);
	free(s);
	free(n);
	return r;
}

const char *
pt_audit_val(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

bool
pt_audit_tval(const PGresult *res, int row, int col)
{
	return *PQgetvalue(res, row, col) == 't';
}

char *
pt_audit_names_and_more(const char *names, const char *count)
{
	long n = count ? strtol(count, NULL, 10) : 0;

	if (!names)
		return pt_xstrdup("");
	if (n <= PT_AUDIT_MAX_NAMES)
		return pt_xstrdup(names);
	return pt_xasprintf(_("%s and %ld more"), names, n - PT_AUDIT_MAX_NAMES);
}

/* array_out quotes an element holding a delimiter, brace, quote,
 * backslash or white space (and "NULL" and the empty string), and escapes
 * quote and backslash inside the quotes; every other byte, 0x1f included,
 * comes as it is. */
char **
pt_audit_text_array(const char *text, size_t *n)
{
	size_t cap = 4, len = 0;
	char **v = pt_xcalloc(cap + 1, sizeof *v);
	const char *p = text;

	*n = 0;
	if (!p || *p != '{')
		return v;
	p++;
	while (*p && *p != '}') {
		char *buf = pt_xmalloc(strlen(p) + 1), *o = buf;
		bool quoted = *p == '"';

		if (quoted) {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				*o++ = *p;
			}
			if (*p == '"')
				p++;
		} else {
			while (*p && *p != ',' && *p != '}')
				*o++ = *p++;
		}
		*o = '\0';
		if (!quoted && !strcmp(buf, "NULL")) {
			free(buf);
		} else {
			if (len == cap) {
				cap *= 2;
				v = pt_xrealloc(v, (cap + 1) * sizeof *v);
			}
			v[len++] = buf;
			v[len] = NULL;
		}
		if (*p == ',')
			p++;
	}
	*n = len;
	return v;
}

void
pt_audit_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

enum pt_status
pt_audit_rows(struct pt_audit_run *r, const char *sql, int nparams,
              const char *const *params,
              void (*row)(struct pt_audit_run *, const PGresult *, int), pt_error *err)
{
	return pt_audit_rows_on(r, PT_AUDIT_EVERY_NODE, sql, nparams, params, row, err);
}

/* "{tenant}_user" as a LIKE pattern: "%\_user". */
static char *
pattern_like(const char *pattern)
{
	char *out = pt_xmalloc(strlen(pattern) * 2 + 2), *o = out;

	for (const char *p = pattern; *p; p++) {
		if (!strncmp(p, "{tenant}", 8)) {
			*o++ = '%';
			p += 7;
			continue;
		}
		if (*p == '%' || *p == '_' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* ---- the run ------------------------------------------------------------ */

static int
finding_cmp(const void *pa, const void *pb)
{
	const struct pt_finding *a = pa, *b = pb;
	int c;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = strcmp(a->rule, b->rule)))
		return c;
	if ((c = strcmp(a->schema ? a->schema : "", b->schema ? b->schema : "")))
		return c;
	if ((c = strcmp(a->role ? a->role : "", b->role ? b->role : "")))
		return c;
	if ((c = strcmp(a->object ? a->object : "", b->object ? b->object : "")))
		return c;
	return strcmp(a->node ? a->node : "", b->node ? b->node : "");
}

/* The database family first: it says whether pg_authid is readable. */
static enum pt_status (*const families[])(struct pt_audit_run *, pt_error *) = {
	pt_audit_family_database,
	pt_audit_family_roles,
	pt_audit_family_objects,
	pt_audit_family_foreign,
	pt_audit_family_citus,
};

enum pt_status
pt_audit_run_ex(pt_db *db, const char *user_pattern, struct pt_audit *out,
                pt_error *err)
{
	struct pt_audit_run r = { 0 };
	enum pt_status status = PT_OK;
	struct pt_audit_store *st;

	memset(out, 0, sizeof *out);
	r.db = db;
	r.out = out;
	r.pattern = user_pattern && *user_pattern ? user_pattern : PT_DEFAULT_USER_PATTERN;
	r.like = pattern_like(r.pattern);
	r.builtins = pt_audit_builtins_array(pt_db_info(db)->server_version_num);
	r.st = st = pt_xcalloc(1, sizeof *st);
	pt_tenant_group_name(pt_db_info(db)->dbname, r.tenant_group, sizeof r.tenant_group);
	pt_public_group_name(pt_db_info(db)->dbname, r.public_group, sizeof r.public_group);

	out->nodes = 1;
	if ((status = pt_audit_txn_begin(db, err)) == PT_OK)
		status = citus_begin(&r, err);
	if (status == PT_OK)
		for (size_t i = 0; i < sizeof families / sizeof *families && status == PT_OK; i++)
			status = families[i](&r, err);
	if (status == PT_OK)
		status = citus_workers_pass(&r, err);
	if (r.cx)       /* the nodes audited: not those that did not answer */
		out->nodes -= r.cx->nreported;
	pt_audit_txn_end(db);
	citus_end(&r);
	free(r.like);
	free(r.builtins);
	if (status != PT_OK) {
		store_free(st);
		memset(out, 0, sizeof *out);
		return status;
	}
	qsort(st->f, st->nf, sizeof *st->f, finding_cmp);
	out->findings = st->f;
	out->n = st->nf;
	out->priv_ = st;
	for (size_t i = 0; i < st->nf; i++)
		out->count[st->f[i].severity]++;
	return PT_OK;
}

enum pt_status
pt_audit_run(pt_db *db, struct pt_audit *out, pt_error *err)
{
	return pt_audit_run_ex(db, NULL, out, err);
}

void
pt_audit_free(struct pt_audit *a)
{
	if (!a)
		return;
	if (a->priv_)
		store_free(a->priv_);
	memset(a, 0, sizeof *a);
}

bool
pt_audit_failed(const struct pt_audit *a)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->findings[i].severity >= PT_SEV_LOW)
			return true;
	return false;
}

void
pt_audit_filter(struct pt_audit *a, enum pt_severity min, const bool *rules)
{
	size_t k = 0;

	memset(a->count, 0, sizeof a->count);
	for (size_t i = 0; i < a->n; i++) {
		const struct pt_finding *f = &a->findings[i];
		if (f->severity < min || (rules && !rules[f->rule_id]))
			continue;
		a->findings[k++] = *f;
		a->count[f->severity]++;
	}
	a->n = k;
	if (a->priv_)
		((struct pt_audit_store *)a->priv_)->nf = k;
}

void
pt_audit_subset(const struct pt_audit *a, const size_t *which, size_t n,
                struct pt_audit *out)
{
	*out = *a;
	out->priv_ = NULL;
	out->findings = pt_xcalloc(n + 1, sizeof *out->findings);
	out->n = n;
	memset(out->count, 0, sizeof out->count);
	for (size_t i = 0; i < n; i++) {
		out->findings[i] = a->findings[which[i]];
		out->count[out->findings[i].severity]++;
	}
}
