#!/bin/bash
# Nothing stale on any node: after rotate-password, lock, unlock, alter
# and drop, every worker holds exactly what the coordinator holds of the
# tenant (verifier, LOGIN, connection limit, expiry, settings, group
# membership), and after drop nothing of it is left anywhere; no node
# stores a password for a role (pg_dist_authinfo). create (and bulk
# create) check every worker before they report success.
. "$PT_TOP_SRCDIR/tests/citus/lib.sh"

on() { if [ "$1" = 0 ]; then coord "$2"; else worker "$1" "$2"; fi; }
# The tenant role as one line: what must be the same on every node.
state() {
	on "$1" "SELECT r.rolname, r.rolcanlogin, r.rolconnlimit, coalesce(r.rolvaliduntil::text, '-'),
	                md5(coalesce(a.rolpassword, '')),
	                (SELECT string_agg(c, ',' ORDER BY c) FROM pg_db_role_setting s, unnest(s.setconfig) c
	                  WHERE s.setrole = r.oid),
	                (SELECT string_agg(g.rolname, ',' ORDER BY g.rolname) FROM pg_auth_members m
	                   JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid)
	           FROM pg_roles r JOIN pg_authid a ON a.oid = r.oid WHERE r.rolname = 'st_user'"
}
same_everywhere() {
	local c
	c=$(state 0)
	[ -n "$c" ] && [ "$(state 1)" = "$c" ] && [ "$(state 2)" = "$c" ]
}

run create tenant_st
check "create" '[ "$RC" = 0 ]'
check "after create: the same on every node" same_everywhere
v0=$(state 0)
run rotate-password tenant_st
check "rotate-password" '[ "$RC" = 0 ] && [ "$(state 0)" != "$v0" ]'
check "after rotate-password: the same on every node" same_everywhere
run lock tenant_st
check "lock" '[ "$RC" = 0 ]'
check "after lock: the same on every node" same_everywhere
run unlock tenant_st
check "after unlock: the same on every node" same_everywhere
run alter tenant_st --connection-limit=3 --valid-until=2031-01-01 --set statement_timeout=10s
check "alter" '[ "$RC" = 0 ]'
check "after alter: the same on every node" same_everywhere
check "after alter: worker 2 has the setting" 'state 2 | grep -q "statement_timeout=10s"'
run alter tenant_st --reset statement_timeout
check "after alter --reset: the same on every node" same_everywhere
check "after alter --reset: no node keeps the setting" '! { state 0; state 1; state 2; } | grep -q statement_timeout'

coord "CREATE TABLE tenant_st.t (id int); INSERT INTO tenant_st.t SELECT generate_series(1, 100)" >/dev/null
check "its table is placed on a worker" '[ -n "$(node_of tenant_st)" ]'
run drop tenant_st --yes
check "drop" '[ "$RC" = 0 ]'
for n in 0 1 2; do
	check "after drop: no role, no schema on node $n" \
		'[ "$(on $n "SELECT (SELECT count(*) FROM pg_roles WHERE rolname = '\''st_user'\'') +
		                  (SELECT count(*) FROM pg_namespace WHERE nspname = '\''tenant_st'\'')")" = 0 ]'
	check "after drop: no distributed schema left in node $n's metadata" \
		'[ "$(on $n "SELECT count(*) FROM pg_dist_schema s LEFT JOIN pg_namespace n ON n.oid = s.schemaid WHERE n.oid IS NULL")" = 0 ]'
	check "no password stored on node $n (pg_dist_authinfo)" \
		'[ "$(on $n "SELECT count(*) FROM pg_dist_authinfo WHERE authinfo ~ '\''password'\''")" = 0 ]'
done
# What a worker lacks after the commit is found before success is said:
# worker 1 (directly, not propagated) takes CONNECT from the tenants.
w1="127.0.0.1:${worker_ports[0]}"
worker 1 "SET citus.enable_ddl_propagation = off;
          REVOKE CONNECT ON DATABASE postgres FROM PUBLIC, pgtenant_tenants_postgres" >/dev/null
run create tenant_nc
check "create reports the worker that lacks CONNECT" \
	'[ "$RC" = 1 ] && printf "%s" "$ERR" | grep -qF "$w1: \"tenant_nc\" lacks CONNECT"'
check "create printed no credentials" '[ -z "$OUT" ]'
printf 'schema_name,username,password\ntenant_nc1,,\ntenant_nc2,,\n' >"$tmp/b.csv"
run create --from="$tmp/b.csv" --format=csv
check "bulk create reports both tenants on that worker, exit 1" \
	'[ "$RC" = 1 ] && printf "%s" "$ERR" | grep -qF "\"tenant_nc1\" lacks CONNECT" &&
	 printf "%s" "$ERR" | grep -qF "\"tenant_nc2\" lacks CONNECT"'
check "bulk create on a coordinator on this machine defaults to two sessions" \
	'grep -q "(sessions: 2)" <<<"$ERR"'
finish citus/stale
