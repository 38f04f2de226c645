#!/bin/bash
# Role OIDs differ between the nodes (roles reach the workers by name):
# a tenant's backend on a worker is listed under that tenant, and an
# admin's is never listed, whatever OID the worker gave either role. The
# workers' OIDs are pushed ahead of the coordinator's by roles made and
# dropped on them alone, by a different count on each.
. "$PT_TOP_SRCDIR/tests/citus/lib.sh"

burn() {
	local sql="SET citus.enable_create_role_propagation = off;" i
	for i in $(seq "$2"); do sql+=" CREATE ROLE pt_burn_$i; DROP ROLE pt_burn_$i;"; done
	worker "$1" "$sql"
}
burn 1 7 >/dev/null
burn 2 13 >/dev/null

run --stdin pw create tenant_a --password-stdin
check "create tenant_a" '[ "$RC" = 0 ]'
run --stdin pw create tenant_b --password-stdin
check "create tenant_b" '[ "$RC" = 0 ]'
coord "CREATE ROLE pt_adm LOGIN CREATEROLE PASSWORD 'pw'" >/dev/null
as() { PGPASSWORD=pw psql -X -q -At -h 127.0.0.1 -U "$1" "${@:2}"; }
as a_user -c "CREATE TABLE tenant_a.t (i int)" -c "INSERT INTO tenant_a.t VALUES (1)" >/dev/null
coord "GRANT USAGE ON SCHEMA tenant_a TO pt_adm; GRANT SELECT ON tenant_a.t TO pt_adm" >/dev/null
wn=$(node_of tenant_a)
wi=1
[ "$wn" = "127.0.0.1:${worker_ports[1]}" ] && wi=2
check "tenant_a lives on worker $wi ($wn)" '[ -n "$wn" ]'
oid_on() { if [ "$1" = 0 ]; then coord "$2"; else worker "$1" "$2"; fi; }
q="SELECT oid FROM pg_roles WHERE rolname = 'a_user'"
check "a_user's OID on $wn is not the coordinator's" '[ "$(oid_on 0 "$q")" != "$(oid_on $wi "$q")" ]'

# Two distributed sessions idle in their transactions: the tenant's and
# the admin's, each with a backend on the worker.
for who in a_user pt_adm; do
	mkfifo "$tmp/$who.in"
	as "$who" <"$tmp/$who.in" >/dev/null 2>&1 &
	eval "exec {fd_$who}>\"\$tmp/\$who.in\""
done
printf 'BEGIN;\nSELECT count(*) FROM tenant_a.t;\n' >&"$fd_a_user"
printf 'BEGIN;\nSELECT count(*) FROM tenant_a.t;\n' >&"$fd_pt_adm"
backends() { coord "SELECT count(*) FROM citus_stat_activity WHERE usename IN ('a_user', 'pt_adm')"; }
for _ in $(seq 50); do [ "$(backends)" = 4 ] && break; sleep 0.1; done
check "both sessions have a backend on the coordinator and one on $wn" '[ "$(backends)" = 4 ]'

run --format=csv sessions
rows=$(tail -n +2 <<<"$OUT")
echo "$OUT"
check "sessions: rc 0" '[ "$RC" = 0 ]'
check "the tenant's worker backend is listed under tenant_a" \
	'grep -q "^tenant_a,a_user,[0-9]*,[^,]*,idle in transaction,.*,$wn,[0-9]*$" <<<"$rows"'
check "the tenant's two backends, and nothing else, are listed" \
	'[ "$(wc -l <<<"$rows")" = 2 ] && ! grep -qv "^tenant_a,a_user," <<<"$rows"'
run --format=csv sessions tenant_b
check "nothing is listed under tenant_b" '[ "$RC" = 0 ] && [ "$(wc -l <<<"$OUT")" = 1 ]'

run lock tenant_a --terminate --yes
check "lock --terminate: rc 0" '[ "$RC" = 0 ]'
adm() { coord "SELECT count(*) FROM citus_stat_activity WHERE usename = 'pt_adm'"; }
check "the admin's backends are left alone" '[ "$(adm)" = 2 ]'
exec {fd_a_user}>&- {fd_pt_adm}>&-
wait

finish citus/role_oids
