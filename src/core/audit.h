/* The isolation audit: every path from one tenant to another, and the
 * database-wide gaps, found with a few catalog queries in total (never one
 * per tenant). And harden: the statements that close the database-wide
 * gaps, idempotent. */
#ifndef PT_AUDIT_H
#define PT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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
/* The severity called name ("high"); false when there is none. */
bool pt_severity_lookup(const char *name, enum pt_severity *out);

/* The families of rules, each one file (audit_<family>.c). */
enum pt_rule_family {
	PT_FAM_OBJECTS,   /* grants and owners in and around tenant schemas */
	PT_FAM_ROLES,     /* attributes, memberships, passwords */
	PT_FAM_DATABASE,  /* schema public, the databases, shared schemas */
	PT_FAM_FOREIGN,   /* large objects and foreign data */
	PT_FAM_CITUS,     /* the nodes of a Citus cluster (only there) */
};

/* Every rule the audit has: X(code, stable name, the highest severity it
 * reports, family, what it finds). The names are what JSON, --rule and the
 * documentation use; a rule's finding may be less severe than listed when
 * the path is latent or the grant allows less. */
#define PT_RULE_LIST(X) \
	X(PT_RULE_XT_SCHEMA_GRANT, "cross-tenant-schema-grant", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("a privilege on a tenant's schema held by another tenant")) \
	X(PT_RULE_PUB_SCHEMA_GRANT, "public-tenant-schema-grant", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("a privilege on a tenant's schema granted to PUBLIC")) \
	X(PT_RULE_XT_TABLE_GRANT, "cross-tenant-table-grant", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("a privilege on a tenant's table or view held by another tenant")) \
	X(PT_RULE_PUB_TABLE_GRANT, "public-tenant-table-grant", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("a privilege on a tenant's table or view granted to PUBLIC")) \
	X(PT_RULE_XT_COLUMN_GRANT, "cross-tenant-column-grant", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("a privilege on columns of a tenant's table held by another tenant")) \
	X(PT_RULE_PUB_COLUMN_GRANT, "public-tenant-column-grant", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("a privilege on columns of a tenant's table granted to PUBLIC")) \
	X(PT_RULE_XT_SEQUENCE_GRANT, "cross-tenant-sequence-grant", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("a privilege on a tenant's sequence held by another tenant")) \
	X(PT_RULE_PUB_SEQUENCE_GRANT, "public-tenant-sequence-grant", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("a privilege on a tenant's sequence granted to PUBLIC")) \
	X(PT_RULE_XT_FUNCTION_GRANT, "cross-tenant-function-grant", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("EXECUTE on a tenant's function held by another tenant")) \
	X(PT_RULE_PUB_FUNCTION_GRANT, "public-tenant-function-grant", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("a privilege on a tenant's function granted to PUBLIC")) \
	X(PT_RULE_XT_DEFAULT_PRIV, "cross-tenant-default-privilege", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("default privileges that grant a tenant's future objects to another tenant")) \
	X(PT_RULE_PUB_DEFAULT_PRIV, "public-tenant-default-privilege", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("default privileges that grant a tenant's future objects to PUBLIC")) \
	X(PT_RULE_XT_OWNER, "cross-tenant-object-owner", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("an object in a tenant's schema owned by, or reachable as, another tenant")) \
	X(PT_RULE_SECDEF_PRIV_OWNER, "security-definer-privileged-owner", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("a SECURITY DEFINER function in a tenant's schema owned by a privileged role")) \
	X(PT_RULE_FOREIGN_OWNED, "foreign-owned-object", PT_SEV_MEDIUM, PT_FAM_OBJECTS, \
	  N_("an object in a tenant's schema owned by a non-tenant role")) \
	X(PT_RULE_VIEW_EXPOSES, "view-exposes-tenant-data", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("a view outside the tenant schemas, usable by a tenant, that reads another tenant's schema")) \
	X(PT_RULE_SECDEF_EXPOSES, "security-definer-exposes-tenant-data", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("a SECURITY DEFINER function outside the tenant schemas, executable by a tenant, whose owner can read another tenant's data")) \
	X(PT_RULE_INHERITS_OUTSIDE, "tenant-table-inherits-outside", PT_SEV_HIGH, PT_FAM_OBJECTS, \
	  N_("a tenant's table inheriting from, or a partition of, a table outside its schema that others may read")) \
	X(PT_RULE_ATTRIBUTE, "tenant-role-attribute", PT_SEV_HIGH, PT_FAM_ROLES, \
	  N_("a tenant role with SUPERUSER, CREATEROLE, REPLICATION, BYPASSRLS or CREATEDB")) \
	X(PT_RULE_MEMBER_TENANT, "tenant-member-of-tenant", PT_SEV_HIGH, PT_FAM_ROLES, \
	  N_("a tenant role that is a member of another tenant's role (what the grant's options allow)")) \
	X(PT_RULE_MEMBER_BUILTIN, "tenant-member-of-builtin-role", PT_SEV_HIGH, PT_FAM_ROLES, \
	  N_("a tenant role that is a member of a powerful predefined role of this server version")) \
	X(PT_RULE_MEMBER_PRIVILEGED, "tenant-member-of-privileged-role", PT_SEV_HIGH, PT_FAM_ROLES, \
	  N_("a tenant role that is a member of a role with powerful attributes")) \
	X(PT_RULE_OWNS_DATABASE, "tenant-owns-database", PT_SEV_HIGH, PT_FAM_ROLES, \
	  N_("a tenant role that owns the database")) \
	X(PT_RULE_MD5, "md5-password", PT_SEV_LOW, PT_FAM_ROLES, \
	  N_("a login role whose password is stored as an MD5 hash")) \
	X(PT_RULE_NO_PASSWORD, "login-without-password", PT_SEV_INFO, PT_FAM_ROLES, \
	  N_("a login role without a password")) \
	X(PT_RULE_NO_EXPIRY, "login-without-expiry", PT_SEV_INFO, PT_FAM_ROLES, \
	  N_("a login role whose password never expires")) \
	X(PT_RULE_ORPHAN_ROLE, "orphan-role", PT_SEV_LOW, PT_FAM_ROLES, \
	  N_("a login role that looks like a tenant but has no schema")) \
	X(PT_RULE_PW_SKIPPED, "password-checks-skipped", PT_SEV_INFO, PT_FAM_ROLES, \
	  N_("the password checks could not run (pg_authid is not readable)")) \
	X(PT_RULE_NO_CONN_LIMIT, "tenant-without-connection-limit", PT_SEV_LOW, PT_FAM_ROLES, \
	  N_("a tenant role without a CONNECTION LIMIT, which can take every connection slot")) \
	X(PT_RULE_GROUP_OWNED, "tenant-group-owned-object", PT_SEV_HIGH, PT_FAM_ROLES, \
	  N_("an object owned by a role tenants are members of (the tenants' group included)")) \
	X(PT_RULE_GROUP_ALTERED, "tenants-group-altered", PT_SEV_HIGH, PT_FAM_ROLES, \
	  N_("the tenants' group can log in, has powers, inherits, is a member, or has a password or settings")) \
	X(PT_RULE_ADMIN_NOT_MEMBER, "admin-membership-lost", PT_SEV_MEDIUM, PT_FAM_ROLES, \
	  N_("a tenant role the admin is no longer a member of: its sessions and objects are out of reach")) \
	X(PT_RULE_PUBLIC_CREATE, "public-schema-create", PT_SEV_HIGH, PT_FAM_DATABASE, \
	  N_("PUBLIC may create objects in schema public")) \
	X(PT_RULE_PUBLIC_USAGE, "public-schema-usage", PT_SEV_MEDIUM, PT_FAM_DATABASE, \
	  N_("PUBLIC may use schema public")) \
	X(PT_RULE_DB_PUBLIC_CONNECT, "database-public-connect", PT_SEV_MEDIUM, PT_FAM_DATABASE, \
	  N_("PUBLIC may connect to the tenants' database")) \
	X(PT_RULE_DB_PUBLIC_TEMP, "database-public-temp", PT_SEV_LOW, PT_FAM_DATABASE, \
	  N_("PUBLIC may create temporary objects in the tenants' database")) \
	X(PT_RULE_OTHER_DB_PUBLIC, "other-database-public-access", PT_SEV_INFO, PT_FAM_DATABASE, \
	  N_("PUBLIC may connect to another database of the cluster")) \
	X(PT_RULE_TENANT_PUBLIC, "tenant-public-schema-access", PT_SEV_MEDIUM, PT_FAM_DATABASE, \
	  N_("a tenant role granted privileges on schema public")) \
	X(PT_RULE_SHARED_SCHEMA, "shared-tenant-schema", PT_SEV_HIGH, PT_FAM_DATABASE, \
	  N_("a schema that several tenant roles may create objects in")) \
	X(PT_RULE_ORPHAN_SCHEMA, "orphan-schema", PT_SEV_LOW, PT_FAM_DATABASE, \
	  N_("a schema no login role owns or can use")) \
	X(PT_RULE_DB_CREATE, "tenant-database-create", PT_SEV_HIGH, PT_FAM_DATABASE, \
	  N_("CREATE on the database granted to a tenant role, directly or through a group")) \
	X(PT_RULE_DB_TEMP, "tenant-database-temp", PT_SEV_LOW, PT_FAM_DATABASE, \
	  N_("TEMPORARY on the database granted to a tenant role, directly or through a group")) \
	X(PT_RULE_USER_SCHEMA, "user-named-schema", PT_SEV_HIGH, PT_FAM_DATABASE, \
	  N_("a schema named after a non-tenant role (first in its \"$user\" search_path) that a tenant owns or may create in")) \
	X(PT_RULE_OTHER_DB_CONNECT, "tenant-other-database-connect", PT_SEV_LOW, PT_FAM_DATABASE, \
	  N_("a tenant role granted CONNECT on another database, directly or through a group")) \
	X(PT_RULE_OUTSIDE_GROUP, "tenant-outside-tenants-group", PT_SEV_INFO, PT_FAM_DATABASE, \
	  N_("a tenant role that is not a member of the database's tenants' group")) \
	X(PT_RULE_XT_LO_GRANT, "cross-tenant-large-object-grant", PT_SEV_HIGH, PT_FAM_FOREIGN, \
	  N_("a privilege on a tenant's large object held by another tenant")) \
	X(PT_RULE_PUB_LO_GRANT, "public-large-object-grant", PT_SEV_HIGH, PT_FAM_FOREIGN, \
	  N_("a privilege on a tenant's large object granted to PUBLIC")) \
	X(PT_RULE_LO_COMPAT, "lo-compat-privileges", PT_SEV_HIGH, PT_FAM_FOREIGN, \
	  N_("lo_compat_privileges is on: large objects have no access checks")) \
	X(PT_RULE_USER_MAPPING, "tenant-user-mapping", PT_SEV_HIGH, PT_FAM_FOREIGN, \
	  N_("a user mapping on a foreign server for a tenant role or PUBLIC")) \
	X(PT_RULE_SERVER_USAGE, "foreign-server-usage", PT_SEV_MEDIUM, PT_FAM_FOREIGN, \
	  N_("USAGE on a foreign server held by a tenant role or PUBLIC")) \
	X(PT_RULE_FDW_USAGE, "foreign-data-wrapper-usage", PT_SEV_MEDIUM, PT_FAM_FOREIGN, \
	  N_("USAGE on a foreign-data wrapper (new servers) held by a tenant role or PUBLIC")) \
	X(PT_RULE_DBLINK_UNCHECKED, "dblink-connect-unchecked", PT_SEV_HIGH, PT_FAM_FOREIGN, \
	  N_("dblink's unchecked connect functions executable by a tenant role")) \
	X(PT_RULE_CITUS_NODE_UNREACHABLE, "citus-node-unreachable", PT_SEV_HIGH, PT_FAM_CITUS, \
	  N_("a Citus worker node the audit could not check (down, inactive or refusing)")) \
	X(PT_RULE_CITUS_MOVE_FUNCTION, "citus-data-move-function", PT_SEV_HIGH, PT_FAM_CITUS, \
	  N_("a Citus function that moves, copies or redistributes tenant data, executable by PUBLIC or a tenant role")) \
	X(PT_RULE_CITUS_AUTHINFO_PASSWORD, "citus-authinfo-password", PT_SEV_HIGH, PT_FAM_CITUS, \
	  N_("a pg_dist_authinfo row that stores a plaintext password for the nodes' connections")) \
	X(PT_RULE_CITUS_WORKER_PASSWORD, "citus-worker-password-login", PT_SEV_MEDIUM, PT_FAM_CITUS, \
	  N_("a Citus worker whose pg_hba.conf accepts password logins for tenant roles"))

enum pt_rule {
#define PT_RULE_ENUM(code, name, sev, fam, desc) code,
	PT_RULE_LIST(PT_RULE_ENUM)
#undef PT_RULE_ENUM
	PT_RULE_COUNT
};

struct pt_rule_info {
	const char *name;
	enum pt_severity severity;     /* the highest it reports */
	enum pt_rule_family family;
	const char *description;       /* untranslated: pass through _() */
};

/* The rule's entry (rule < PT_RULE_COUNT). */
const struct pt_rule_info *pt_rule_info(enum pt_rule rule);
/* The rule called name; false when there is none. */
bool pt_rule_lookup(const char *name, enum pt_rule *out);

struct pt_finding {
	enum pt_severity severity;
	enum pt_rule rule_id;
	const char *rule;     /* its stable name, e.g. "cross-tenant-table-grant" */
	const char *role;     /* the role concerned (may be "PUBLIC") */
	const char *schema;   /* NULL when the finding is not about one schema */
	const char *detail;   /* plain words: who can do what, through which grant */
	const char *fix_sql;  /* the statement(s) that remove it */
	const char *object;   /* the object concerned ("tenant_a.t1"), or NULL */
	const char *via;      /* the group role or "PUBLIC" it is reached through,
	                         or NULL when direct */
	const char *node;     /* the Citus worker ("host:port") it exists on
	                         alone; NULL on the coordinator (or plain
	                         PostgreSQL), and for what every node has */
};

struct pt_audit {
	struct pt_finding *findings;  /* most severe first */
	size_t n;
	void *priv_;                  /* storage the strings point into */
	size_t count[PT_SEVERITY_COUNT];  /* findings per severity */
	size_t tenant_schemas;        /* how many schemas count as tenants' */
	size_t tenant_roles;
	bool passwords_checked;       /* pg_authid was readable */
	bool citus;                   /* a Citus coordinator: every node audited,
	                                 findings name their node */
	size_t nodes;                 /* nodes audited, those that did not answer
	                                 left out (1 without Citus) */
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

/* Keep only the findings of severity min and above and, when rules is not
 * NULL (PT_RULE_COUNT flags), of the rules flagged; the counts follow. */
void pt_audit_filter(struct pt_audit *a, enum pt_severity min, const bool *rules);

/* The findings a->findings[which[0..n-1]], in that order, as an audit of
 * their own in *out (the counts follow, the totals are a's): out->findings
 * is malloc'd, its strings are a's. Free only out->findings, before a. */
void pt_audit_subset(const struct pt_audit *a, const size_t *which, size_t n,
                     struct pt_audit *out);

/* The audit as one JSON document (audit_json.c), as `audit --format=json`
 * prints it; the text is exact, controls escaped. Writes only to out. */
void pt_audit_write_json(FILE *out, const struct pt_audit *a, const char *dbname);

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
	size_t nlocal;       /* statements[0..nlocal) run on the server we are
	                        connected to; on a Citus coordinator the rest
	                        (what Citus does not propagate) then run on every
	                        worker, each worker in one transaction */
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
