/* Creating, dropping and re-keying tenants: one schema plus one login
 * role, always in one transaction that leaves nothing behind on failure.
 * The shape follows cloaca's DatabaseAdmin.create_tenant(TenantConfig) ->
 * TenantCredentials, without its faults: names are validated and quoted,
 * the password reaches the server only as a SCRAM verifier, and an existing
 * schema or role is an error, never a takeover. */
#ifndef PT_TENANT_H
#define PT_TENANT_H

#include <stdbool.h>

#include "conn.h"
#include "connstr.h"
#include "error.h"
#include "names.h"

struct pt_tenant_config {
	const char *schema_name;
	const char *username;        /* NULL or "": derived from schema_name */
	const char *user_pattern;    /* NULL: PT_DEFAULT_USER_PATTERN */
	const char *password;        /* NULL or "": generate one */
	int connection_limit;        /* -1: no limit */
	const char *valid_until;     /* NULL or "": never expires */
};

/* Each tenant's CONNECTION LIMIT unless told otherwise, so that one tenant
 * cannot take every connection slot of the server (max_connections). */
#define PT_DEFAULT_CONNECTION_LIMIT 20

/* A config with every default filled in: no names, a generated password,
 * PT_DEFAULT_CONNECTION_LIMIT, no expiry. */
void pt_tenant_config_init(struct pt_tenant_config *cfg);

struct pt_credentials {
	char *username;              /* malloc'd */
	char *password;              /* secret */
	char *schema_name;           /* malloc'd */
	char *connection_string;     /* secret; the URI form */
	bool password_generated;
	struct pt_endpoint endpoint; /* for the other formats */
};

/* Release everything and wipe the secrets; safe on a zeroed struct. */
void pt_credentials_free(struct pt_credentials *c);

/* Check cfg (names, limits) without touching the server. */
enum pt_status pt_tenant_validate(const struct pt_tenant_config *cfg,
                                  pt_error *err);

/* PT_OK when valid_until (NULL or "" = never) holds only printable ASCII:
 * what create and alter accept as an expiry time before the server. */
enum pt_status pt_valid_until_validate(const char *valid_until, pt_error *err);

/* What every change to tenants needs from the admin session: not
 * read-only, and (with needs_createrole) CREATEROLE or superuser. */
enum pt_status pt_tenant_check_session(pt_db *db, bool needs_createrole,
                                       pt_error *err);

/* The exact SQL pt_tenant_create would run, with the password verifier
 * shown as '<redacted>'. Returns a malloc'd string or NULL with err. */
char *pt_tenant_create_preview(pt_db *db, const struct pt_tenant_config *cfg,
                               pt_error *err);

/* Make the tenants' group of this database if it does not exist yet (its
 * own transaction; another admin making it at the same time is fine), and
 * check that the session may hand tenants to it. pt_tenant_create makes
 * the group in the first tenant's transaction instead; a caller of the job
 * API below running several sessions at once calls this first. */
enum pt_status pt_tenant_ensure_group(pt_db *db, pt_error *err);

/* Create the tenant in one round trip and one transaction. On success fill
 * out (free with pt_credentials_free). On failure nothing is left behind. */
enum pt_status pt_tenant_create(pt_db *db, const struct pt_tenant_config *cfg,
                                struct pt_credentials *out, pt_error *err);

/* pt_tenant_create in three steps, so that a caller creating many tenants
 * can hash the next password while the server runs this transaction:
 * prepare (validate, settle and hash the password: no server round trip),
 * send, and finish (wait and fill the credentials). Between send and
 * finish nothing else may use db. */
struct pt_tenant_job {
	char *schema_name;           /* malloc'd */
	char *username;              /* malloc'd */
	char *password;              /* secret */
	char *sql;                   /* malloc'd; holds the verifier, never the password */
	bool generated;
};

enum pt_status pt_tenant_job_prepare(pt_db *db, const struct pt_tenant_config *cfg,
                                     struct pt_tenant_job *job, pt_error *err);
enum pt_status pt_tenant_job_send(pt_db *db, struct pt_tenant_job *job,
                                  pt_error *err);
/* Frees the job whatever happens; on success fill out (free with
 * pt_credentials_free). */
enum pt_status pt_tenant_job_finish(pt_db *db, struct pt_tenant_job *job,
                                    struct pt_credentials *out, pt_error *err);
/* pt_tenant_job_finish in two steps, so that a caller can send the next job
 * between them: wait (frees the job on failure only), then the credentials
 * of the committed job (frees it whatever happens). */
enum pt_status pt_tenant_job_wait(pt_db *db, struct pt_tenant_job *job, pt_error *err);
enum pt_status pt_tenant_job_credentials(pt_db *db, struct pt_tenant_job *job,
                                         struct pt_credentials *out, pt_error *err);
/* Release a prepared job that will not be sent; safe on a zeroed struct. */
void pt_tenant_job_free(struct pt_tenant_job *job);

/* The credentials of a tenant another session created (create --from's
 * worker processes), with db's endpoint: password (secret) moves into out,
 * even on failure. */
enum pt_status pt_credentials_for(pt_db *db, const char *schema, const char *user,
                                  char *password, bool generated,
                                  struct pt_credentials *out, pt_error *err);

/* The tenant that owns a schema, as drop, rotate, lock and alter see it. */
struct pt_tenant_ref {
	char role[PT_NAME_MAX + 1];  /* the tenant's role */
	bool locked;                 /* NOLOGIN: a locked tenant */
	bool may_alter;              /* the session may alter and drop the role
	                                (from 16: it has ADMIN OPTION on it) */
	char *other_dbs;             /* malloc'd or NULL: databases where the role
	                                still owns or holds something */
	char *other_schemas;         /* malloc'd or NULL: other schemas it owns */
	bool admin_member;           /* the session has the role's privileges (a
	                                superuser, or a member that inherits):
	                                needed to see and end its sessions and to
	                                drop what it owns */
};

/* Before a create is previewed: PT_ERR_EXISTS, saying which (*is_schema
 * true for the schema), when a schema named schema or a role named role is
 * there already (the create would fail on it); PT_OK when both are free. */
enum pt_status pt_tenant_names_free(pt_db *db, const char *schema, const char *role,
                                    bool *is_schema, pt_error *err);
/* The error for a tenant whose role the session is not a member of (the
 * tenant may have revoked it: before PostgreSQL 16 a role may revoke its
 * own membership from others), for what: "end its sessions". */
enum pt_status pt_tenant_ref_member_error(pt_db *db, const struct pt_tenant_ref *ref,
                                          const char *what, pt_error *err);

/* Find the tenant owning schema. PT_ERR_NOT_FOUND when there is no such
 * schema, PT_ERR_INVALID when its owner is not a tenant (a superuser, the
 * admin itself, a role that is neither a login role nor marked as a
 * tenant). Free with pt_tenant_ref_free. */
enum pt_status pt_tenant_find(pt_db *db, const char *schema,
                              struct pt_tenant_ref *ref, pt_error *err);
void pt_tenant_ref_free(struct pt_tenant_ref *ref);
/* PT_OK when the session may alter ref's role, else why not (err). */
enum pt_status pt_tenant_ref_check_alter(pt_db *db, const struct pt_tenant_ref *ref,
                                         pt_error *err);

/* The SQL pt_tenant_drop would run for schema, or NULL with err (not a
 * tenant, role owns things elsewhere...). malloc'd. */
char *pt_tenant_drop_preview(pt_db *db, const char *schema, pt_error *err);

/* Drop the schema with its objects and its login role in one transaction.
 * Refuses (PT_ERR_INVALID) when the role still owns objects or holds
 * privileges in another database, naming the databases. */
enum pt_status pt_tenant_drop(pt_db *db, const char *schema, pt_error *err);

/* Set a new password (NULL/"" = generate) for the tenant owning schema. */
enum pt_status pt_tenant_rotate(pt_db *db, const char *schema,
                                const char *password,
                                struct pt_credentials *out, pt_error *err);

/* Connect as the tenant with creds and report what the server says:
 * current_user and search_path, in a malloc'd "user=… search_path=…". */
char *pt_tenant_test_login(const struct pt_credentials *creds, pt_error *err);

#endif
