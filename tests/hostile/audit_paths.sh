#!/bin/bash
# Tenants attack each other for real, through the connection strings
# `pgtenant create` printed, over every path the audit used to miss (issue
# 10, section 3): large objects, lo_compat_privileges, postgres_fdw back
# into this cluster, dblink_connect_u, a view and a SECURITY DEFINER
# function outside the tenant schemas, CREATE on the database and the
# "$user" schema, CONNECT on another database, and a column named with
# byte 0x1f. What a tenant can plant it plants itself; the admin plants
# the rest (a mistake an admin makes). Each attack must work first; then
# `pgtenant audit --format=json` must report it with the right rule, role
# and schema, and running its fix_sql must close it: the attack fails and
# the finding is gone.
. "$PT_TOP_SRCDIR/tests/cli/lib.sh"

admin_sql() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1" 2>&1; }
# as TENANT SQL: run SQL through the tenant's own connection string.
as() { psql -X -q -At -w -v ON_ERROR_STOP=1 -d "${conn[$1]}" -c "$2" 2>&1; }
declare -A conn pass
# other_db URL: the same connection string, to database other_db.
other_db() { python3 -c '
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/other_db")))' "$1"; }

for t in a b c d e f g h i; do
	run create "tenant_$t" --connection-limit=5 --format=json
	conn[$t]=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["connection_string"])' <<<"$OUT")
	pass[$t]=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["password"])' <<<"$OUT")
	check "create tenant_$t" '[ $RC = 0 ] && [ -n "${conn[$t]}" ]'
done
as a "CREATE TABLE secret (v text); INSERT INTO secret VALUES ('a-data')" >/dev/null
check "tenant a keeps its data to itself" \
	'[[ $(as b "SELECT v FROM tenant_a.secret") == *"permission denied"* ]]'

# ---- the plants ----
# Large objects: tenant a grants one to b and one to PUBLIC, keeps one.
as a "SELECT lo_from_bytea(5001, 'lo-to-b'); SELECT lo_from_bytea(5002, 'lo-to-all');
      SELECT lo_from_bytea(5003, 'lo-private');
      GRANT SELECT ON LARGE OBJECT 5001 TO b_user;
      GRANT SELECT ON LARGE OBJECT 5002 TO PUBLIC" >/dev/null
# A column named with 0x1f, granted to b by tenant a itself.
us=$'\x1f'
as a "CREATE TABLE c1f (a int, b int, \"a${us}b\" text); INSERT INTO c1f VALUES (1, 2, 'c1f-data');
      GRANT USAGE ON SCHEMA tenant_a TO b_user; GRANT SELECT (\"a${us}b\") ON c1f TO b_user" >/dev/null
# The admin's mistakes.
admin_sql "ALTER DATABASE \"$db\" SET lo_compat_privileges = on;
  CREATE VIEW public.report AS SELECT v FROM tenant_a.secret; GRANT SELECT ON public.report TO d_user;
  CREATE FUNCTION public.peek() RETURNS text LANGUAGE sql SECURITY DEFINER
    AS 'SELECT v FROM tenant_a.secret LIMIT 1';
  CREATE EXTENSION postgres_fdw; CREATE EXTENSION dblink;
  CREATE SERVER loop FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$PGHOST', port '$PGPORT', dbname '$db');
  CREATE USER MAPPING FOR f_user SERVER loop OPTIONS (user 'a_user', password '${pass[a]}');
  GRANT USAGE ON FOREIGN SERVER loop TO f_user;
  GRANT EXECUTE ON FUNCTION public.dblink_connect_u(text) TO g_user;
  GRANT CREATE ON DATABASE \"$db\" TO c_user;
  CREATE ROLE app_admin LOGIN PASSWORD 'app-admin-secret';
  CREATE TABLE public.settings (k text); INSERT INTO public.settings VALUES ('real');
  GRANT SELECT ON public.settings TO app_admin" >/dev/null
# From 14 a BEGIN ATOMIC body records what it reads in pg_depend.
major=$(admin_sql "SHOW server_version_num")
if [ "$major" -ge 140000 ]; then
	admin_sql "CREATE FUNCTION public.peek_atomic() RETURNS text LANGUAGE sql SECURITY DEFINER
	  BEGIN ATOMIC SELECT v FROM tenant_a.secret LIMIT 1; END;
	  REVOKE ALL ON FUNCTION public.peek_atomic() FROM PUBLIC;
	  GRANT EXECUTE ON FUNCTION public.peek_atomic() TO e_user" >/dev/null
fi
# A table of tenant b made a child of a table outside its schema that d
# may read: d reads b's rows through the parent.
admin_sql "CREATE TABLE public.events (v text); GRANT SELECT ON public.events TO d_user;
  CREATE TABLE tenant_b.ev_b () INHERITS (public.events); ALTER TABLE tenant_b.ev_b OWNER TO b_user;
  INSERT INTO tenant_b.ev_b VALUES ('b-event')" >/dev/null
check "the admin's plants are in place" '[ "$(admin_sql "SELECT count(*) FROM pg_user_mappings")" = 1 ]'
admin_sql "CREATE DATABASE other_db" >/dev/null
admin_sql "REVOKE CONNECT ON DATABASE other_db FROM PUBLIC; GRANT CONNECT ON DATABASE other_db TO i_user" >/dev/null
# Tenant c uses its CREATE on the database: a schema named after app_admin.
as c "CREATE SCHEMA app_admin; GRANT USAGE ON SCHEMA app_admin TO PUBLIC;
      CREATE TABLE app_admin.settings (k text); INSERT INTO app_admin.settings VALUES ('planted by c');
      GRANT SELECT ON app_admin.settings TO PUBLIC" >/dev/null
app="host=$PGHOST port=$PGPORT dbname=$db user=app_admin password=app-admin-secret"
# Tenant a grants its sequence to h, without USAGE on its schema: the
# server lets h reach it by OID all the same (issue 18, finding 6).
as a "CREATE SEQUENCE counter; GRANT USAGE, SELECT, UPDATE ON SEQUENCE counter TO h_user" >/dev/null
seq_oid=$(admin_sql "SELECT 'tenant_a.counter'::regclass::oid")
# Tenant f makes a foreign table on the server its mapping unlocks.
as f "CREATE FOREIGN TABLE steal (v text) SERVER loop OPTIONS (schema_name 'tenant_a', table_name 'secret')" >/dev/null

# ---- every attack works before the audit learns of it ----
# attack NAME TENANT SQL EXPECTED: the SQL, run by the tenant, returns EXPECTED.
attacks=()
attack() { attacks+=("$1|$2|$3|$4"); }
attack lo-grant       b "SELECT convert_from(lo_get(5001), 'UTF8')" lo-to-b
attack lo-public      e "SELECT convert_from(lo_get(5002), 'UTF8')" lo-to-all
attack lo-compat      h "SELECT convert_from(lo_get(5003), 'UTF8')" lo-private
attack column-0x1f    b "SELECT \"a${us}b\" FROM tenant_a.c1f" c1f-data
attack view           d "SELECT v FROM public.report" a-data
attack secdef         e "SELECT public.peek()" a-data
attack fdw            f "SELECT v FROM steal" a-data
# (one line each: the list is read line by line)
dblink_sql="SELECT public.dblink_connect_u('host=''$PGHOST'' port=$PGPORT dbname=$db user=pgtadmin');"
dblink_sql+=" SELECT v FROM public.dblink('SELECT v FROM tenant_a.secret') AS x(v text)"
attack dblink-u       g "$dblink_sql" a-data
attack db-create      c "CREATE SCHEMA c_extra; DROP SCHEMA c_extra; SELECT 'made'" made
attack other-db       i "SELECT current_database()" other_db
# (after the fix the parent is empty: the division fails)
attack inherits       d "SELECT v FROM public.events UNION ALL SELECT (1 / (SELECT count(*) FROM public.events))::text LIMIT 1" b-event
attack sequence-oid   h "SELECT pg_catalog.setval($seq_oid::oid::regclass, 42)" 42
for x in "${attacks[@]}"; do
	IFS='|' read -r name who sql want <<<"$x"
	if [ "$name" = other-db ]; then
		got=$(psql -X -q -At -w -d "$(other_db "${conn[$who]}")" -c "$sql" 2>&1)
	else
		got=$(as "$who" "$sql")
	fi
	check "attack $name by ${who}_user works before the audit: $got" '[ "$(tail -1 <<<"$got")" = "$want" ]'
done
got=$(psql -X -q -At -w -d "$app" -c "SELECT k FROM settings; SELECT current_schemas(false)::text" 2>&1)
check "the \"\$user\" trick: app_admin's unqualified query reads tenant c's table" \
	'[ "$got" = "planted by c
{app_admin,public}" ]'

# ---- the audit reports each one ----
# RULE ROLE SCHEMA for each planted path.
expected=(
	"cross-tenant-large-object-grant b_user tenant_a"
	"public-large-object-grant PUBLIC tenant_a"
	"lo-compat-privileges PUBLIC -"
	"cross-tenant-column-grant b_user tenant_a"
	"cross-tenant-schema-grant b_user tenant_a"
	"view-exposes-tenant-data d_user public"
	"security-definer-exposes-tenant-data PUBLIC public"
	"tenant-user-mapping f_user tenant_f"
	"foreign-server-usage f_user tenant_f"
	"dblink-connect-unchecked g_user tenant_g"
	"tenant-database-create c_user -"
	"public-tenant-schema-grant PUBLIC app_admin"
	"user-named-schema c_user app_admin"
	"tenant-other-database-connect i_user -"
	"cross-tenant-sequence-grant h_user tenant_a"
	"tenant-table-inherits-outside d_user tenant_b"
)
run audit --format=json
audit_json=$OUT
check "audit: exit 1" '[ $RC = 1 ]'
# finding RULE ROLE SCHEMA FIELD: that field of the matching finding.
finding() {
	python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
rule, role, schema, field = sys.argv[1:5]
schema = None if schema == "-" else schema
m = [f for f in d["findings"] if f["rule"] == rule and f["role"] == role and f["schema"] == schema]
sys.stdout.write(m[0][field] if m else "")' "$@" <<<"$audit_json"
}
planted=${#expected[@]} found=0
for e in "${expected[@]}"; do
	read -r rule role schema <<<"$e"
	have=$(finding "$rule" "$role" "$schema" rule)
	[ -n "$have" ] && found=$((found + 1))
	check "audit reports $rule for $role in $schema" '[ -n "$have" ]'
done
echo "audit_paths: $planted planted paths, $found found"
# Every family's code on real findings, under valgrind: no memory errors,
# no definite leaks (filters included). An AddressSanitizer build cannot
# run under valgrind (./configure --enable-sanitizers): the sanitizers
# check this run instead, so valgrind is skipped, and says so.
if grep -aq '__asan_init' "$bin"; then
	echo "valgrind skipped: $bin is built with AddressSanitizer (--enable-sanitizers)"
elif command -v valgrind >/dev/null; then
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
		--log-file="$tmp/vg" "$bin" audit --severity=low \
		--rule=user-named-schema,tenant-user-mapping,cross-tenant-column-grant \
		>"$tmp/vg.out" 2>&1
	vrc=$?
	check "valgrind: audit with every planted path: exit 1, clean" \
		'[ $vrc = 1 ] && [ ! -s "$tmp/vg" ] && grep -q user-named-schema "$tmp/vg.out"'
	[ -s "$tmp/vg" ] && head -40 "$tmp/vg"
fi
check "the column's fix names exactly the column holding 0x1f" \
	'[ "$(finding cross-tenant-column-grant b_user tenant_a fix_sql)" = "REVOKE ALL (\"a${us}b\") ON TABLE \"tenant_a\".\"c1f\" FROM \"b_user\";" ]'
check "JSON keeps the name, escaped" '[[ $audit_json == *'"'"'a\u001fb'"'"'* ]]'
check "the user mapping names the role it logs in as and whose data that is" \
	'[[ "$(finding tenant-user-mapping f_user tenant_f detail)" == *"log in as a_user (the role of tenant tenant_a here"* ]]'
check "the SECURITY DEFINER function's finding names the schema its body reads" \
	'[[ "$(finding security-definer-exposes-tenant-data PUBLIC public detail)" == *"Its body names tenant schema(s) tenant_a."* ]]'
if [ "$major" -ge 140000 ]; then
	check "a BEGIN ATOMIC body's schemas come from pg_depend" \
		'[[ "$(finding security-definer-exposes-tenant-data e_user public detail)" == *"Its body reads tenant schema(s) tenant_a (pg_depend)."* ]]'
fi
check "the inherited table's finding names the reader and the tenant whose rows it reads" \
	'[[ "$(finding tenant-table-inherits-outside d_user tenant_b detail)" == *"belongs to tenant b_user, inherits from public.events"* ]]'
check "a sequence reached by OID without schema USAGE is high, not latent" \
	'[ "$(finding cross-tenant-sequence-grant h_user tenant_a severity)" = high ] &&
	 [[ "$(finding cross-tenant-sequence-grant h_user tenant_a detail)" == *"by its OID"* ]]'

# ---- every fix closes its path ----
for e in "${expected[@]}"; do
	read -r rule role schema <<<"$e"
	fix=$(finding "$rule" "$role" "$schema" fix_sql)
	out=$(admin_sql "$fix")
	check "fix for $rule ($role) runs: $fix" '[ $? = 0 ] && [[ $out != *ERROR* ]]'
done
for x in "${attacks[@]}"; do
	IFS='|' read -r name who sql want <<<"$x"
	[ "$name" = other-db ] && continue
	got=$(as "$who" "$sql")
	check "attack $name by ${who}_user fails after the fix" \
		'[ "$(tail -1 <<<"$got")" != "$want" ] && [[ $got == *ERROR* ]]'
done
got=$(psql -X -q -At -w -d "$(other_db "${conn[i]}")" -c "SELECT 1" 2>&1)
check "tenant i can no longer connect to other_db" '[[ $got == *"permission denied"* ]]'
got=$(psql -X -q -At -w -d "$app" -c "SELECT k FROM settings" 2>&1)
check "app_admin reads its own settings again" '[ "$got" = real ]'
run audit --format=json
audit_json=$OUT
left=0
for e in "${expected[@]}"; do
	read -r rule role schema <<<"$e"
	[ -n "$(finding "$rule" "$role" "$schema" rule)" ] && left=$((left + 1))
done
check "re-audit: none of the $planted findings is left ($left)" '[ $left = 0 ]'

finish audit_paths.sh
