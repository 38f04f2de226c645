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
	PGresult *res = pt_db_query(r->db, sql, nparams, params,
	                            _("auditing tenant isolation"), err);

	if (!res)
		return err->status;
	for (int i = 0; i < PQntuples(res); i++)
		row(r, res, i);
	PQclear(res);
	return PT_OK;
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
	return strcmp(a->object ? a->object : "", b->object ? b->object : "");
}

/* The database family first: it says whether pg_authid is readable. */
static enum pt_status (*const families[])(struct pt_audit_run *, pt_error *) = {
	pt_audit_family_database,
	pt_audit_family_roles,
	pt_audit_family_objects,
	pt_audit_family_foreign,
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

	if ((status = pt_audit_txn_begin(db, err)) == PT_OK)
		for (size_t i = 0; i < sizeof families / sizeof *families && status == PT_OK; i++)
			status = families[i](&r, err);
	pt_audit_txn_end(db);
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
