/* libpgtenant: schema-per-tenant PostgreSQL for programs.
 *
 * A tenant is one schema plus one login role that owns it. The library
 * creates, drops, re-keys, locks, unlocks, alters, lists and audits
 * tenants the way the pgtenant command does, from the same code: names
 * validated and quoted, passwords sent to the server only as SCRAM
 * verifiers, every change in one transaction, every lock wait bounded.
 *
 * Conventions
 *
 *   Handles are opaque; every function that returns one says who frees it
 *   and with what. Strings returned by accessors belong to the object they
 *   came from and live as long as it does. A string the library returns
 *   for the caller to keep is released with pgt_free().
 *
 *   A function that can fail takes a pgt_error **err last. On failure it
 *   returns NULL or a pgt_category other than PGT_OK and, when err is not
 *   NULL, stores in *err a new error the caller releases with
 *   pgt_error_free(). On success *err is left as it was.
 *
 *   Secrets (passwords, connection strings that embed them) live in locked
 *   memory that is wiped when the object holding them is freed. Error
 *   messages never hold a tenant's password, nor the admin's from the
 *   target (libpq quotes a token it cannot parse: it shows "<redacted>").
 *
 *   Text from the server (error messages, schema and role names in a list,
 *   the audit) may hold anything a tenant wrote, control characters
 *   included: escape it before it reaches a terminal.
 *
 *   Running out of memory aborts the process, as in the pgtenant command.
 *
 * Threads
 *
 *   A pgt_admin handle and everything made from it may be used by one
 *   thread at a time: give each thread its own handle (the usual way) or
 *   serialise the calls on a shared one. Objects that hold no handle
 *   (pgt_config, pgt_credentials, pgt_alter, pgt_tenant_list, pgt_error)
 *   may move between threads; a function that takes one of them const
 *   only reads it and may run on it from several threads at once, while
 *   pgt_credentials_connection_string_as keeps the string it builds in the
 *   credentials, so its calls on one object need one thread at a time.
 *   Different handles in different threads need no locking.
 *
 * Initialisation
 *
 *   None is needed: the library initialises libsodium itself (sodium_init
 *   is safe to call from several threads and more than once). It does not
 *   change process-wide settings such as the core-file limit, which the
 *   pgtenant command does for itself.
 *
 * Building
 *
 *   cc prog.c $(pkg-config --cflags --libs pgtenant)
 */
#ifndef PGTENANT_H
#define PGTENANT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version, "0.1.0": the package's, not the soname's. */
const char *pgt_version(void);

/* Release a string the library returned for the caller to keep
 * (pgt_audit_json, the pgt_*_preview functions). NULL is fine. */
void pgt_free(void *p);

/* ---- errors ------------------------------------------------------------- */

/* What went wrong, in categories a program can act on. The values are
 * part of the ABI and never change; new ones may be added at the end. */
typedef enum pgt_category {
	PGT_OK = 0,
	PGT_ERR_INVALID = 1,     /* bad input: a name, a limit, a setting */
	PGT_ERR_EXISTS = 2,      /* the schema or the role already exists */
	PGT_ERR_NOT_FOUND = 3,   /* no such tenant (schema) */
	PGT_ERR_PRIVILEGE = 4,   /* the admin may not do this (no CREATEROLE,
	                            not a member, a read-only session...) */
	PGT_ERR_CONNECTION = 5,  /* could not connect, or the connection broke */
	PGT_ERR_LOCKED = 6,      /* a lock wait ran out (a tenant holds a lock) */
	PGT_ERR_CANCELED = 7,    /* the server canceled the statement */
	PGT_ERR_SERVER = 8,      /* any other error the server reported */
	PGT_ERR_INTERNAL = 9,    /* anything else */
	PGT_ERR_NODE = 10        /* a Citus worker node failed (its address is in
	                            the message); the admin's connection is fine
	                            and nothing was left half-made */
} pgt_category;

typedef struct pgt_error pgt_error;

/* The category; never PGT_OK. */
pgt_category pgt_error_category(const pgt_error *e);
/* The category's stable name: "invalid", "exists", "not_found",
 * "privilege", "connection", "locked", "canceled", "server", "internal"
 * ("ok" for PGT_OK, "unknown" for a value this version does not know). */
const char *pgt_category_name(pgt_category c);
/* The server's five-character SQLSTATE ("42501"), or "" when the error did
 * not come from the server. */
const char *pgt_error_sqlstate(const pgt_error *e);
/* One line saying what failed and why (translated when the program set a
 * locale and the pgtenant catalogue is installed). */
const char *pgt_error_message(const pgt_error *e);
/* The server's DETAIL or HINT, or what to do next, or "". */
const char *pgt_error_detail(const pgt_error *e);
/* Release; NULL is fine. */
void pgt_error_free(pgt_error *e);

/* ---- the admin session -------------------------------------------------- */

typedef struct pgt_admin pgt_admin;

/* Connect to target: a URI ("postgresql://admin@db/app"), a conninfo
 * string ("host=db dbname=app"), "service=name", or NULL or "" for libpq's
 * PG* environment. The password comes from the target, PGPASSWORD or
 * ~/.pgpass: the library never prompts. The session runs with
 * search_path = pg_catalog and a lock_timeout of 5 s. Returns a handle the
 * caller releases with pgt_admin_close(), or NULL with *err
 * (PGT_ERR_CONNECTION). */
pgt_admin *pgt_admin_open(const char *target, pgt_error **err);
/* Disconnect and release; NULL is fine. */
void pgt_admin_close(pgt_admin *admin);
/* 1 when the admin's database is hardened, as `pgtenant harden` leaves it:
 * PUBLIC has neither USAGE nor CREATE on the public schema, nor CONNECT or
 * TEMP on the database. 0 means tenants can still use the public schema
 * (read when the handle was opened). */
int pgt_admin_hardened(const pgt_admin *admin);
/* The name of the database the handle is connected to; belongs to admin. */
const char *pgt_admin_database(const pgt_admin *admin);

/* ---- creating tenants --------------------------------------------------- */

/* What to create. Opaque with setters, so that later versions can add
 * options without changing the size or layout callers compile against. */
typedef struct pgt_config pgt_config;

/* A config with the defaults: no names yet, a generated password, a
 * connection limit of 20, no expiry. Release with pgt_config_free(). */
pgt_config *pgt_config_new(void);
/* Wipes the password; NULL is fine. */
void pgt_config_free(pgt_config *cfg);
/* Each setter copies its argument. The names are checked when the tenant
 * is created, not here; they return PGT_OK, or PGT_ERR_INVALID when cfg
 * is NULL. */
int pgt_config_set_schema_name(pgt_config *cfg, const char *schema_name);
/* NULL or "": derived from the schema name (tenant_acme -> acme_user). */
int pgt_config_set_username(pgt_config *cfg, const char *username);
/* NULL or "": generate 32 characters from [A-Za-z0-9]. Copied into locked
 * memory; the caller may wipe its own copy at once. */
int pgt_config_set_password(pgt_config *cfg, const char *password);
/* The role's CONNECTION LIMIT; -1 = none. */
int pgt_config_set_connection_limit(pgt_config *cfg, int limit);
/* The role's VALID UNTIL as PostgreSQL reads it ("2027-01-31"); NULL or
 * "" = never expires. */
int pgt_config_set_valid_until(pgt_config *cfg, const char *valid_until);
/* How a user name is derived when none is set: "{tenant}" stands for the
 * schema name without a leading "tenant_"; NULL or "" = "{tenant}_user". */
int pgt_config_set_user_pattern(pgt_config *cfg, const char *pattern);
/* Check cfg without a server, as pgt_tenant_create does first: the schema
 * name, the user name (given or derived), the limit and the expiry.
 * PGT_OK, or PGT_ERR_INVALID with *err. */
int pgt_config_check(const pgt_config *cfg, pgt_error **err);

/* What a tenant logs in with. */
typedef struct pgt_credentials pgt_credentials;

const char *pgt_credentials_username(const pgt_credentials *c);
const char *pgt_credentials_password(const pgt_credentials *c);
const char *pgt_credentials_schema_name(const pgt_credentials *c);
/* A postgresql:// URI with the user, the password (percent-encoded), and
 * the admin session's host, port, database and sslmode: nothing else of
 * the admin's. */
const char *pgt_credentials_connection_string(const pgt_credentials *c);
/* 1 when the library generated the password. */
int pgt_credentials_password_generated(const pgt_credentials *c);

/* The forms a connection string can take; the values never change. */
typedef enum pgt_string_form {
	PGT_STRING_URI = 0,       /* what pgt_credentials_connection_string gives */
	PGT_STRING_CONNINFO = 1,  /* host=… port=… dbname=… user=… password=… */
	PGT_STRING_JDBC = 2,      /* jdbc:postgresql://host:port/db?user=…&password=… */
	PGT_STRING_ENV = 3        /* export PGHOST=… lines for a POSIX shell */
} pgt_string_form;

/* The connection string in another form, to the same place and with the
 * same user and password. It belongs to c and is wiped when c is freed.
 * NULL with *err: PGT_ERR_INVALID for a form this version does not know,
 * or when the string would not parse back to exactly what it should
 * (c's URI then still serves). */
const char *pgt_credentials_connection_string_as(pgt_credentials *c,
                                                 pgt_string_form form,
                                                 pgt_error **err);
/* What a string in that form may fail to do for the tenant, in sentences
 * for the admin (translated): it verifies the server's certificate but
 * names no CA; JDBC cannot reach a unix socket. Stores up to max of them
 * in why (static strings; why may be NULL when max is 0) and returns how
 * many it stored. Two at most in this version. */
size_t pgt_credentials_string_warnings(const pgt_credentials *c, pgt_string_form form,
                                       const char **why, size_t max);
/* Wipe the password and the connection string and release; NULL is fine. */
void pgt_credentials_free(pgt_credentials *c);

/* Create the tenant's schema and login role in one transaction. Returns
 * credentials the caller releases with pgt_credentials_free(), or NULL
 * with *err: PGT_ERR_EXISTS (schema or role), PGT_ERR_PRIVILEGE (the admin
 * lacks CREATEROLE), PGT_ERR_INVALID (a bad name)... On failure nothing
 * is left behind on the server. */
pgt_credentials *pgt_tenant_create(pgt_admin *admin, const pgt_config *cfg,
                                   pgt_error **err);

/* ---- changing tenants --------------------------------------------------- */

/* Drop the schema with everything in it and its role, in one transaction.
 * Refuses (PGT_ERR_INVALID) when the role still owns or holds something
 * in another database, and a schema that is not a tenant's. */
int pgt_tenant_drop(pgt_admin *admin, const char *schema_name, pgt_error **err);

/* Give the tenant owning schema_name a new password (NULL or "" =
 * generate one). Returns its new credentials (pgt_credentials_free), or
 * NULL with *err. */
pgt_credentials *pgt_tenant_rotate_password(pgt_admin *admin,
                                            const char *schema_name,
                                            const char *password,
                                            pgt_error **err);

/* Make the tenant's role NOLOGIN; with terminate_sessions not 0 also end
 * its open sessions, and *terminated (may be NULL) gets how many. */
int pgt_tenant_lock(pgt_admin *admin, const char *schema_name,
                    int terminate_sessions, int *terminated, pgt_error **err);
/* LOGIN again. */
int pgt_tenant_unlock(pgt_admin *admin, const char *schema_name, pgt_error **err);

/* A set of changes to a tenant's role. Release with pgt_alter_free(). */
typedef struct pgt_alter pgt_alter;

/* No changes yet. */
pgt_alter *pgt_alter_new(void);
void pgt_alter_free(pgt_alter *a);
/* -1 = no limit. */
int pgt_alter_set_connection_limit(pgt_alter *a, int limit);
/* "2027-01-31", or "infinity" = never expires. Copied. */
int pgt_alter_set_valid_until(pgt_alter *a, const char *valid_until);
/* A per-database default of the role's sessions (ALTER ROLE … IN DATABASE
 * … SET name = value); value NULL resets it. Settings that would break
 * isolation (search_path, role, ...) are refused when the change runs.
 * Copied. */
int pgt_alter_set_setting(pgt_alter *a, const char *name, const char *value);

/* Apply every change in one transaction: all or none. PGT_ERR_INVALID
 * when nothing is to change or a value is refused. */
int pgt_tenant_alter(pgt_admin *admin, const char *schema_name,
                     const pgt_alter *a, pgt_error **err);

/* ---- checking and previewing ------------------------------------------- */

/* Check a schema name without a server, as every call that takes one
 * does (^[a-z_][a-z0-9_]{0,62}$, no pg_ prefix): PGT_OK, or
 * PGT_ERR_INVALID with *err saying why. */
int pgt_schema_name_check(const char *schema_name, pgt_error **err);

/* Check the changes in a without a server, as pgt_tenant_alter does
 * first (the limit, the expiry, each setting's name and value): PGT_OK, or
 * PGT_ERR_INVALID with *err. */
int pgt_alter_check(const pgt_alter *a, pgt_error **err);

/* The SQL the matching call would run, for a dry run or a confirmation:
 * statements only, no password in them. The tenant is looked up
 * and the admin's rights checked, so each fails as the call itself would
 * (PGT_ERR_NOT_FOUND, PGT_ERR_PRIVILEGE, ...), yet nothing is changed.
 * Names in it are the tenant's, quoted: escape them before a terminal.
 * Returns a string the caller releases with pgt_free(), or NULL with
 * *err. */
char *pgt_tenant_drop_preview(pgt_admin *admin, const char *schema_name,
                              pgt_error **err);
/* What pgt_tenant_create would run for cfg: the user name resolved, the
 * password verifier shown as '<redacted>'. It checks cfg and the admin's
 * rights (CREATEROLE), not whether the names are taken: the create itself
 * fails with PGT_ERR_EXISTS then. */
char *pgt_tenant_create_preview(pgt_admin *admin, const pgt_config *cfg,
                                pgt_error **err);
char *pgt_tenant_lock_preview(pgt_admin *admin, const char *schema_name,
                              int terminate_sessions, pgt_error **err);
char *pgt_tenant_unlock_preview(pgt_admin *admin, const char *schema_name,
                                pgt_error **err);
/* Also checks the changes against the server's settings (a name that is
 * not a per-session setting fails with PGT_ERR_INVALID). */
char *pgt_tenant_alter_preview(pgt_admin *admin, const char *schema_name,
                               const pgt_alter *a, pgt_error **err);

/* ---- listing and auditing ----------------------------------------------- */

/* The tenants of the admin's database, ordered by schema name. */
typedef struct pgt_tenant_list pgt_tenant_list;

/* One query. with_sizes not 0 adds each schema's total size (one file-size
 * call per relation: the expensive part). Release with
 * pgt_tenant_list_free(). */
pgt_tenant_list *pgt_tenant_list_load(pgt_admin *admin, int with_sizes,
                                      pgt_error **err);
void pgt_tenant_list_free(pgt_tenant_list *l);
size_t pgt_tenant_list_count(const pgt_tenant_list *l);
/* Row i (< count); NULL or 0 when i is out of range. */
const char *pgt_tenant_list_schema(const pgt_tenant_list *l, size_t i);
const char *pgt_tenant_list_role(const pgt_tenant_list *l, size_t i);
/* 1 when the tenant is locked (its role is NOLOGIN). */
int pgt_tenant_list_locked(const pgt_tenant_list *l, size_t i);
long pgt_tenant_list_tables(const pgt_tenant_list *l, size_t i);
/* Bytes; -1 = not loaded (with_sizes was 0), -2 = unknown (another session
 * held a lock on one of its relations). */
int64_t pgt_tenant_list_size(const pgt_tenant_list *l, size_t i);

/* Every isolation check, as one JSON document: exactly what
 * `pgtenant audit --format=json` prints. Returns a string the caller
 * releases with pgt_free(), or NULL with *err. */
char *pgt_audit_json(pgt_admin *admin, pgt_error **err);

#ifdef __cplusplus
}
#endif

#endif
