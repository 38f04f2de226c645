/* The SQL that says who is a tenant, shared by the audit and harden so
 * that the two can never disagree. The rule is documented in audit.c. $1 is
 * the user-name pattern ("{tenant}_user"). Defines the CTEs dbpath (each
 * role's search_path in this database), nsp (non-system schemas, with
 * owner_tenant), tenancy (schema, tenant role) and troles (tenant roles).
 * The session's own role is never a tenant: a CREATEROLE admin that is
 * not a superuser may own schemas and is a member of every tenant role it
 * made, and none of that is a path between tenants.
 * Private to src/core. */
#ifndef PT_AUDIT_SQL_H
#define PT_AUDIT_SQL_H

#include "audit.h"
#include "conn.h"
#include "error.h"

/* FROM-list items exploding the ACL expression ACL into rows named ALIAS
 * (grantee, privilege_type...). aclexplode() alone detoasts its argument
 * on every row it returns: on a database ACL holding 10,000 tenants'
 * CONNECT grants that is quadratic (a second per query); unnest()
 * detoasts once. */
#define PT_ACL(ACL, ALIAS) \
	"pg_catalog.unnest(" ACL ") AS " ALIAS "_i," \
	" pg_catalog.aclexplode(ARRAY[" ALIAS "_i]) AS " ALIAS

/* What a tenant is, decided here and nowhere else (list, roles, audit,
 * harden, drop, rotate and the console all use it).
 *
 * A tenant is a role that carries tenancy of a schema. A role is *marked* as
 * a tenant of schema S when any of these holds: it is a member of this
 * database's tenants' group (pt_tenant_group_name; pgtenant create puts
 * every tenant there), its search_path (for this database, else for the
 * whole role) is exactly S (pgtenant create and cloaca set it), or its name
 * is the user-name pattern applied to S. Then S is a tenant schema and its
 * tenants are:
 *   1. its owner, when the owner is a login role that is not a superuser,
 *      or carries the mark (so a tenant locked with NOLOGIN, or later made
 *      SUPERUSER, stays a tenant and is reported instead of vanishing);
 *   2. for a schema whose owner is not a tenant (the shape cloaca left: an
 *      admin schema handed over), each role that is not a superuser, holds
 *      CREATE on it directly and carries the mark. An application role with
 *      CREATE on a shared schema but no mark (the demo's `reporting`) is not
 *      a tenant, and harden keeps its access to public.
 * Never a tenant: the session's own role (an admin owns schemas and belongs
 * to the tenants it made), pg_* roles, and pgtenant's own pgtenant_* groups.
 *
 * NSP_FILTER narrows the schemas (" AND n.nspname = $2" for one), and
 * ROLE_FILTER the roles whose settings are read: for one schema the lookup
 * then costs the same with 100,000 tenants as with none. $1 is the
 * user-name pattern ("{tenant}_user"). Defines the CTEs dbpath (each role's
 * search_path here, its first 256 characters: it is only compared with a
 * quoted name, at most 128 bytes, and a tenant's 1 MB setting cost 100 ms
 * a lookup), tgrp (the tenants' group), nsp (schemas,
 * with owner_tenant), tenancy (schema, tenant role) and troles. */
/* ROLE is a direct member of the tenants' group: an EXISTS, so that one
 * role's lookup probes pg_auth_members' index rather than reading a group
 * of 100,000 members; over every schema it becomes a semi-join. */
#define IN_TGRP(ROLE) \
	"EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m, tgrp" \
	"         WHERE m.roleid = tgrp.oid AND m.member = " ROLE ")"

#define PT_TENANT_CTES_FOR(NSP_FILTER, ROLE_FILTER) \
	" dbpath AS (SELECT DISTINCT ON (s.setrole) s.setrole, pg_catalog.substr(c, 13, 256) AS path" \
	"   FROM pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) c" \
	"  WHERE s.setdatabase IN (0, (SELECT d.oid FROM pg_catalog.pg_database d" \
	"                          WHERE d.datname = pg_catalog.current_database()))" \
	"    AND c LIKE 'search\\_path=%'" ROLE_FILTER \
	"  ORDER BY s.setrole, s.setdatabase DESC)," \
	" tgrp AS (SELECT g.oid FROM pg_catalog.pg_roles g" \
	"  WHERE g.rolname = ('" PT_TENANT_GROUP_PREFIX "'" \
	"                     || pg_catalog.current_database())::name)," \
	" nsp AS (SELECT n.oid, n.nspname, n.nspowner, n.nspacl," \
	"   o.rolname <> current_user AND o.rolname !~ '^pg_' AND o.rolname !~ '^pgtenant_'" \
	"   AND ((o.rolcanlogin AND NOT o.rolsuper) OR " IN_TGRP("o.oid") \
	"     OR coalesce(p.path = pg_catalog.quote_ident(n.nspname), false)" \
	"     OR o.rolname = pg_catalog.replace($1, '{tenant}'," \
	"          pg_catalog.regexp_replace(n.nspname, '^tenant_', '')))" \
	"   AS owner_tenant" \
	"   FROM pg_catalog.pg_namespace n" \
	"   JOIN pg_catalog.pg_roles o ON o.oid = n.nspowner" \
	"   LEFT JOIN dbpath p ON p.setrole = o.oid" \
	"  WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'" NSP_FILTER ")," \
	" tenancy AS (SELECT n.oid AS nsp, n.nspowner AS tenant FROM nsp n" \
	"   WHERE n.owner_tenant" \
	"  UNION" \
	"  SELECT n.oid, a.grantee FROM nsp n, " PT_ACL("n.nspacl", "a") "," \
	"         pg_catalog.pg_roles g LEFT JOIN dbpath p ON p.setrole = g.oid" \
	"   WHERE g.oid = a.grantee AND NOT n.owner_tenant AND n.nspname <> 'public'" \
	"     AND a.privilege_type = 'CREATE' AND NOT g.rolsuper" \
	"     AND g.rolname <> current_user AND g.rolname !~ '^pg_'" \
	"     AND g.rolname !~ '^pgtenant_'" \
	"     AND (" IN_TGRP("g.oid") \
	"       OR coalesce(p.path = pg_catalog.quote_ident(n.nspname), false)" \
	"       OR g.rolname = pg_catalog.replace($1, '{tenant}'," \
	"            pg_catalog.regexp_replace(n.nspname, '^tenant_', ''))))," \
	" troles AS (SELECT DISTINCT t.tenant AS oid FROM tenancy t)"

/* The Citus functions that move, copy or redistribute a table's or a
 * schema's data (checked against \df of Citus 13.2), as a text[]
 * literal: the audit's citus-data-move-function finds who may run them,
 * harden revokes them from PUBLIC on every node. */
#define PT_CITUS_MOVE_FUNCTIONS \
	"{citus_schema_distribute,citus_schema_undistribute,citus_schema_move," \
	"citus_move_shard_placement,citus_copy_shard_placement," \
	"master_move_shard_placement,master_copy_shard_placement,undistribute_table," \
	"alter_distributed_table,create_distributed_table," \
	"create_distributed_table_concurrently,create_reference_table," \
	"citus_add_local_table_to_metadata,citus_split_shard_by_split_points," \
	"isolate_tenant_to_new_shard,rebalance_table_shards,citus_rebalance_start," \
	"replicate_table_shards,update_distributed_table_colocation," \
	"worker_copy_table_to_node}"

/* Every schema. */
#define PT_TENANT_CTES PT_TENANT_CTES_FOR("", "")

/* Open the transaction the catalog queries run in: one snapshot for all
 * of them, read-only, and two planner settings. JIT off: the queries are
 * big enough to trigger it and compiling them took 3.5 s of a 3.7 s query
 * with 10,000 tenants (they run in 0.1 s without). Nested loops off: right
 * after a bulk onboarding the catalogs' statistics are stale, and a
 * misestimated nested loop joined 10,000 login roles to 10,000 tenants one
 * pair at a time (8 s instead of 0.1 s); hash joins cost next to nothing
 * on catalogs either way. End it with pt_audit_txn_end. */
static inline enum pt_status
pt_audit_txn_begin(pt_db *db, pt_error *err)
{
	const char *sql = pt_db_info(db)->server_version_num >= 110000
		? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;"
		  " SET LOCAL jit = off; SET LOCAL enable_nestloop = off"
		: "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;"
		  " SET LOCAL enable_nestloop = off";

	return pt_db_exec(db, sql, 0, NULL, _("starting the audit"), err);
}

/* COMMIT; on failure keep err's first message. */
static inline void
pt_audit_txn_end(pt_db *db)
{
	pt_error ignored;

	(void)pt_db_exec(db, "COMMIT", 0, NULL, "COMMIT", &ignored);
}

#endif
