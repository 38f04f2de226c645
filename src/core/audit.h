/* The isolation audit: every path from one tenant to another, and the
 * database-wide gaps, found with a few catalog queries in total (never one
 * per tenant). And harden: the statements that close the database-wide
 * gaps, idempotent. */
#ifndef PT_AUDIT_H
#define PT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "conn.h"
#include "error.h"

/* X(code, name used in JSON) - ordered from least to most severe. */
#define PT_SEVERITY_LIST(X) \
	X(PT_SEV_INFO,   "info") \
	X(PT_SEV_LOW,    "low") \
	X(PT_SEV_MEDIUM, "medium") \
	X(PT_SEV_HIGH,   "high")

enum pt_severity {
#define PT_SEVERITY_ENUM(code, name) code,
	PT_SEVERITY_LIST(PT_SEVERITY_ENUM)
#undef PT_SEVERITY_ENUM
	PT_SEVERITY_COUNT
};

const char *pt_severity_name(enum pt_severity s);   /* "high": not translated */

struct pt_finding {
	enum pt_severity severity;
	const char *rule;     /* stable identifier, e.g. "cross-tenant-table-grant" */
	const char *role;     /* the role concerned (may be "PUBLIC") */
	const char *schema;   /* NULL when the finding is not about one schema */
	const char *detail;   /* plain words: who can do what, through which grant */
	const char *fix_sql;  /* the statement(s) that remove it */
	const char *object;   /* the object concerned ("tenant_a.t1"), or NULL */
	const char *via;      /* the group role or "PUBLIC" it is reached through,
	                         or NULL when direct */
};

struct pt_audit {
	struct pt_finding *findings;  /* most severe first */
	size_t n;
	void *priv_;                  /* storage the strings point into */
	size_t count[PT_SEVERITY_COUNT];  /* findings per severity */
	size_t tenant_schemas;        /* how many schemas count as tenants' */
	size_t tenant_roles;
	bool passwords_checked;       /* pg_authid was readable */
};

/* Run every check. On success fill out (free with pt_audit_free). */
enum pt_status pt_audit_run(pt_db *db, struct pt_audit *out, pt_error *err);
/* The same with the tenant user-name pattern (names.h; NULL = default),
 * which helps recognise tenant roles that lost their schema. */
enum pt_status pt_audit_run_ex(pt_db *db, const char *user_pattern,
                               struct pt_audit *out, pt_error *err);
void pt_audit_free(struct pt_audit *a);

/* True when a finding of severity low or above exists (exit status 1). */
bool pt_audit_failed(const struct pt_audit *a);

/* The NOLOGIN group through which non-tenant login roles keep USAGE on
 * schema public and CONNECT/TEMP on the database once PUBLIC lost them:
 * "pgtenant_public_users_<database>", one per database, because roles are
 * shared by the whole cluster and a tenant of one database is a
 * non-tenant role in the others. Written into buf (PT_NAME_MAX + 1). */
#define PT_PUBLIC_GROUP_PREFIX "pgtenant_public_users_"
void pt_public_group_name(const char *dbname, char *buf, size_t bufsz);

/* The NOLOGIN group that holds CONNECT on the database for its tenants:
 * "pgtenant_tenants_<database>". Tenants get CONNECT by membership, so that
 * creating or dropping one never rewrites the database's ACL (one shared
 * row, rewritten whole on every GRANT). Written into buf (PT_NAME_MAX + 1). */
#define PT_TENANT_GROUP_PREFIX "pgtenant_tenants_"
/* The comment that marks the group (and the public users' group) as made by
 * pgtenant, followed by the database's name: a role of that name that
 * lacks it is never adopted. */
#define PT_TENANT_GROUP_MARK "pgtenant: tenants of database "
#define PT_PUBLIC_GROUP_MARK "pgtenant: non-tenant roles of database "
void pt_tenant_group_name(const char *dbname, char *buf, size_t bufsz);

struct pt_harden_plan {
	char **statements;   /* each one SQL statement or a "--" comment that says
	                        who moves where or what needs a superuser; empty
	                        when nothing is to be done */
	size_t n;
	char *refusal;       /* why this session may not run the plan, or NULL;
	                        the plan is still there to be shown (--dry-run) */
	bool partial;        /* some statements need a superuser first (commented
	                        out, saying which): the database stays open */
};

/* The statements that close the database-wide gaps; none when the
 * database is already hardened. Fills out even when the session may not
 * run it (out->refusal says why); fails only when it cannot be planned. */
enum pt_status pt_harden_plan(pt_db *db, struct pt_harden_plan *out, pt_error *err);
/* Run the plan in one transaction; refuses a plan with a refusal. */
enum pt_status pt_harden_apply(pt_db *db, const struct pt_harden_plan *plan,
                               pt_error *err);
void pt_harden_plan_free(struct pt_harden_plan *p);

#endif
