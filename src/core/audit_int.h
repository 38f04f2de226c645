/* What the audit's families of rules share: the store findings go into,
 * the catalog helpers, the base CTEs and the run each family works in.
 * Private to src/core/audit*.c. */
#ifndef PT_AUDIT_INT_H
#define PT_AUDIT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "audit.h"
#include "audit_sql.h"
#include "names.h"

/* Every query starts from the same definitions (audit_sql.h's tenants),
 * plus the membership closure. edge is one membership as PostgreSQL uses
 * it: s = it allows SET ROLE, i = it passes privileges on. From 16 on
 * these are the grant's set_option and inherit_option (one row per
 * grantor); before 16 every membership allows SET ROLE and inheriting
 * follows the member's INHERIT attribute. to_jsonb reads the 16+ columns
 * without naming them, so that one text serves 13 to 18. A chain allows
 * what every one of its links allows. memball keeps every membership,
 * memb only those that give the member anything (SET or INHERIT): a grant
 * WITH INHERIT FALSE, SET FALSE is no path. $1 is the user-name pattern. */
#define PT_AUDIT_BASE_CTE \
	"WITH RECURSIVE" PT_TENANT_CTES "," \
	" edge AS (SELECT m.member, m.roleid," \
	"   coalesce((pg_catalog.to_jsonb(m) OPERATOR(pg_catalog.->>) 'set_option')::boolean," \
	"            true) AS s," \
	"   coalesce((pg_catalog.to_jsonb(m) OPERATOR(pg_catalog.->>) 'inherit_option')::boolean," \
	"            r.rolinherit) AS i" \
	"   FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.member)," \
	" closure(member, grp, hop, s, i) AS (" \
	"  SELECT e.member, e.roleid, e.roleid, e.s, e.i FROM edge e" \
	"  UNION" \
	"  SELECT c.member, e.roleid, c.hop, c.s AND e.s, c.i AND e.i" \
	"    FROM closure c, edge e WHERE e.member = c.grp AND (c.s OR c.i))," \
	" memball AS (SELECT c.member, c.grp, pg_catalog.min(c.hop) AS hop," \
	"   pg_catalog.bool_or(c.s) AS can_set, pg_catalog.bool_or(c.i) AS can_inherit" \
	"   FROM closure c GROUP BY c.member, c.grp)," \
	" memb AS (SELECT m.member, m.grp, m.hop FROM memball m" \
	"   WHERE m.can_set OR m.can_inherit)"

/* The first names of an aggregate, sorted, at most PT_AUDIT_MAX_NAMES of
 * them: a group with 10,000 tenant members must not make a 100 kB detail. */
#define PT_AUDIT_MAX_NAMES 10
#define PT_AUDIT_STR_(x) #x
#define PT_AUDIT_STR(x) PT_AUDIT_STR_(x)
#define PT_AUDIT_CAPPED_NAMES(COL) \
	"pg_catalog.array_to_string((pg_catalog.array_agg(" COL "::text ORDER BY " COL \
	"))[1:" PT_AUDIT_STR(PT_AUDIT_MAX_NAMES) "], ', ')"

/* The CONNECTION LIMIT the fix of tenant-without-connection-limit
 * suggests: room for an application's pool, not for the whole server. */
#define PT_AUDIT_SUGGESTED_CONN_LIMIT 20

/* Where findings go: the strings they point to live as long as the audit. */
struct pt_audit_store;

/* One audit in progress: the session, the store, the parameters. */
struct pt_audit_run {
	pt_db *db;
	struct pt_audit_store *st;
	struct pt_audit *out;
	const char *pattern;        /* $1: the user-name pattern */
	char *builtins;             /* the powerful predefined roles of this
	                               server version, a text[] literal */
	char *like;                 /* the pattern as LIKE */
	char tenant_group[PT_NAME_MAX + 1];
	char public_group[PT_NAME_MAX + 1];
	/* On a Citus coordinator every query also runs on each worker (through
	 * the coordinator, see citus.h); node is the worker whose rows are
	 * being read, NULL for the coordinator's. */
	bool citus;
	const char *node;
	struct pt_audit_citus *cx;  /* what the worker pass needs (audit.c) */
};

/* Record a finding; detail and fix are malloc'd and taken over, the other
 * strings copied (empty schema, object and via count as none). */
void pt_audit_add(struct pt_audit_run *r, enum pt_rule rule, enum pt_severity sev,
                  const char *role, const char *schema, const char *object,
                  const char *via, char *detail, char *fix);

/* schema.name, both quoted; name alone when schema is NULL or empty.
 * malloc'd. */
char *pt_audit_qualified(pt_db *db, const char *schema, const char *name);
/* The value, NULL for SQL NULL. */
const char *pt_audit_val(const PGresult *res, int row, int col);
/* A boolean column. */
bool pt_audit_tval(const PGresult *res, int row, int col);
/* "a, b, c" or "a, ..., j and 990 more" for a capped name list and the
 * full count (a decimal string). malloc'd. */
char *pt_audit_names_and_more(const char *names, const char *count);
/* A one-dimensional text[] in PostgreSQL's text output ({a,"b c"}) as a
 * NULL-terminated vector; *n gets the count. NULL elements are skipped.
 * Free with pt_audit_strv_free. */
char **pt_audit_text_array(const char *text, size_t *n);
void pt_audit_strv_free(char **v);

/* Run sql (parameters $1..$nparams) in the audit's transaction and hand
 * each row to row. */
enum pt_status pt_audit_rows(struct pt_audit_run *r, const char *sql, int nparams,
                             const char *const *params,
                             void (*row)(struct pt_audit_run *, const PGresult *, int),
                             pt_error *err);

/* The same, choosing where: on the coordinator (or the one server) and,
 * on Citus, on every worker too, or on the workers alone. A worker's
 * finding that the coordinator has too (same rule, role, schema and
 * object, a shard named as its table) is dropped; the others carry their
 * node, and a fix that runs there. A worker that does not answer is one
 * citus-node-unreachable finding. */
enum pt_audit_where { PT_AUDIT_EVERY_NODE, PT_AUDIT_WORKERS_ONLY };
enum pt_status pt_audit_rows_on(struct pt_audit_run *r, enum pt_audit_where where,
                                const char *sql, int nparams, const char *const *params,
                                void (*row)(struct pt_audit_run *, const PGresult *, int),
                                pt_error *err);

/* The built-in role's severity and power for the roles family; NULL when
 * it is not one worth a finding. */
struct pt_audit_builtin {
	const char *name;
	int since;              /* server_version_num it appeared in */
	enum pt_severity severity;
	const char *power;      /* what a member can do, in plain words */
};
const struct pt_audit_builtin *pt_audit_builtin_find(const char *name);
/* The names that exist on a server of this version, as a text[] literal.
 * malloc'd. */
char *pt_audit_builtins_array(int server_version_num);

/* The families: each runs its queries in the audit's transaction and adds
 * its findings. The database family also fills out's facts and runs
 * first. */
enum pt_status pt_audit_family_database(struct pt_audit_run *r, pt_error *err);
enum pt_status pt_audit_family_roles(struct pt_audit_run *r, pt_error *err);
enum pt_status pt_audit_family_objects(struct pt_audit_run *r, pt_error *err);
enum pt_status pt_audit_family_foreign(struct pt_audit_run *r, pt_error *err);
/* Citus only (audit_citus.c): the data-moving functions, passwords kept
 * for the nodes, password logins on workers. */
enum pt_status pt_audit_family_citus(struct pt_audit_run *r, pt_error *err);

#endif
