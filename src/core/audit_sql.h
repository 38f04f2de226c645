/* The SQL that says who is a tenant, shared by the audit and harden so
 * that the two can never disagree. The rule is documented in audit.c. $1 is
 * the user-name pattern ("{tenant}_user"). Defines the CTEs dbpath (each
 * role's search_path in this database), nsp (non-system schemas, with
 * owner_tenant), tenancy (schema, tenant role) and troles (tenant roles).
 * Private to src/core. */
#ifndef PT_AUDIT_SQL_H
#define PT_AUDIT_SQL_H

#define PT_TENANT_CTES \
	" dbpath AS (SELECT s.setrole, pg_catalog.substr(c, 13) AS path" \
	"   FROM pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) c" \
	"  WHERE s.setdatabase = (SELECT d.oid FROM pg_catalog.pg_database d" \
	"                          WHERE d.datname = pg_catalog.current_database())" \
	"    AND c LIKE 'search\\_path=%')," \
	" nsp AS (SELECT n.oid, n.nspname, n.nspowner, n.nspacl," \
	"   o.rolcanlogin AND (NOT o.rolsuper" \
	"     OR o.rolname = pg_catalog.replace($1, '{tenant}'," \
	"          pg_catalog.regexp_replace(n.nspname, '^tenant_', ''))" \
	"     OR coalesce(p.path = pg_catalog.quote_ident(n.nspname), false))" \
	"   AS owner_tenant" \
	"   FROM pg_catalog.pg_namespace n" \
	"   JOIN pg_catalog.pg_roles o ON o.oid = n.nspowner" \
	"   LEFT JOIN dbpath p ON p.setrole = o.oid" \
	"  WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema')," \
	" tenancy AS (SELECT n.oid AS nsp, n.nspowner AS tenant FROM nsp n" \
	"   WHERE n.owner_tenant" \
	"  UNION" \
	"  SELECT n.oid, a.grantee FROM nsp n, pg_catalog.aclexplode(n.nspacl) a," \
	"         pg_catalog.pg_roles g" \
	"   WHERE g.oid = a.grantee AND NOT n.owner_tenant AND n.nspname <> 'public'" \
	"     AND a.privilege_type = 'CREATE' AND g.rolcanlogin AND NOT g.rolsuper)," \
	" troles AS (SELECT DISTINCT t.tenant AS oid FROM tenancy t)"

#endif
