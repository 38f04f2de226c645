/* Catalog listings: one query per list, never one per tenant. A list
 * keeps its PGresult alive and its rows point into it, so a list of
 * 100,000 schemas costs little more than the server's answer itself. */
#ifndef PT_CATALOG_H
#define PT_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "conn.h"
#include "error.h"

/* The size of a schema one of whose relations another session holds (or
 * waits for) in ACCESS EXCLUSIVE mode: reading it would wait on the lock,
 * so it is not read. */
#define PT_SIZE_UNKNOWN ((int64_t)-2)

struct pt_schema_row {
	const char *name;
	const char *owner;
	const char *login_roles;   /* comma-separated login roles that can use it */
	const char *valid_until;   /* of the owner, "" = never */
	long tables;               /* tables and partitioned tables */
	int64_t size_bytes;        /* total size of its relations; -1 = not
	                              loaded, PT_SIZE_UNKNOWN = a relation is locked */
	int connection_limit;      /* of the owner; -1 = none */
	bool owner_can_login;
	bool is_tenant;            /* a tenant schema (audit_sql.h says what that is) */
	bool locked;               /* a tenant schema whose tenant role is NOLOGIN
	                              (pgtenant lock): still a tenant */
	const char *node;          /* Citus: the worker ("host:port") that holds a
	                              distributed schema, "" while it has no table;
	                              NULL when not distributed (or not Citus) */
};

struct pt_schema_list {
	struct pt_schema_row *rows;
	size_t n;
	bool sizes_loaded;
	const char *failed_nodes;  /* Citus: "host:port: error" lines of the
	                              workers that did not report their sizes (the
	                              sizes on them are PT_SIZE_UNKNOWN), or NULL */
	const char *failed_names;  /* their "host:port, host:port", or NULL */
	PGresult *res_;            /* private */
	PGresult *sizes_res_;      /* private */
};

/* Every non-system schema. with_sizes adds total sizes in the same query
 * (the expensive part: one file-size call per relation). Sizes never wait
 * on a lock: a schema with a locked relation has size PT_SIZE_UNKNOWN, and
 * when lock_timeout ends a wait all sizes are unknown (still PT_OK). */
enum pt_status pt_schema_list_load(pt_db *db, bool with_sizes,
                                   struct pt_schema_list *out, pt_error *err);
/* Fill size_bytes for a list loaded without sizes (one query). */
enum pt_status pt_schema_list_load_sizes(pt_db *db, struct pt_schema_list *l,
                                         pt_error *err);
void pt_schema_list_free(struct pt_schema_list *l);

struct pt_role_row {
	const char *name;
	const char *member_of;     /* comma-separated, each role once, "name(admin)" etc. */
	const char *search_path;   /* set for this database, "" = none */
	const char *valid_until;   /* "" = never */
	int connection_limit;      /* -1 = none */
	bool login, superuser, createdb, createrole, replication, bypassrls, inherit;
};

struct pt_role_list {
	struct pt_role_row *rows;
	size_t n;
	PGresult *res_;
};

/* Every role but the pg_ built-ins. */
enum pt_status pt_role_list_load(pt_db *db, struct pt_role_list *out,
                                 pt_error *err);
void pt_role_list_free(struct pt_role_list *l);

/* One way a role reaches a schema. */
struct pt_access_row {
	const char *role;
	const char *via;           /* "owner", "direct", "PUBLIC" or the group role */
	const char *privileges;    /* "USAGE, CREATE" */
	bool login;
};

struct pt_schema_detail {
	const char *name;
	const char *owner;
	const char *acl;           /* the schema's ACL as PostgreSQL prints it */
	const char *search_path;   /* the owner's search_path in this database */
	long tables;
	int64_t size_bytes;        /* PT_SIZE_UNKNOWN: a relation is locked, or
	                              (Citus) its worker did not answer */
	const char *node;          /* as in pt_schema_row */
	const char *failed_nodes;  /* as in pt_schema_list */
	struct pt_access_row *access;
	size_t n_access;
	PGresult *res_;
	PGresult *access_res_;
};

/* Everything about one schema, for the detail view. PT_ERR_NOT_FOUND when
 * there is no such schema. */
enum pt_status pt_schema_detail_load(pt_db *db, const char *schema,
                                     struct pt_schema_detail *out,
                                     pt_error *err);
void pt_schema_detail_free(struct pt_schema_detail *d);

/* "1.2 MiB"-style size into buf; "…" not loaded, "?" unknown. */
void pt_format_size(int64_t bytes, char *buf, size_t bufsz);

#endif
