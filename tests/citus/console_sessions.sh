#!/bin/bash
# The console's sessions on a Citus coordinator: a tenant's distributed
# session, idle in a transaction, is listed in the tenant's detail with
# its backend on the worker, whose full view names the node; X on that
# backend (its pid typed) ends it there, through its global pid, and
# leaves the coordinator's session alone.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

"$PGTENANT" create tenant_a --password-stdin <<<pw >/dev/null 2>&1 || fail "setup a"
as_a() { PGPASSWORD=pw psql -X -q -At -h 127.0.0.1 -U a_user "$@"; }
as_a -c "CREATE TABLE tenant_a.t (i int)" -c "INSERT INTO tenant_a.t VALUES (1)" >/dev/null ||
	fail "setup table"
node=$(adm -c "SELECT n.nodename || ':' || n.nodeport FROM pg_dist_shard s
	JOIN pg_dist_placement p USING (shardid) JOIN pg_dist_node n USING (groupid)
	WHERE s.logicalrelid = 'tenant_a.t'::regclass")

mkfifo "$PT_WORK/in"
as_a <"$PT_WORK/in" >"$PT_WORK/a.out" 2>&1 &
client=$!
exec 3>"$PT_WORK/in"
trap 'exec 3>&-; kill $client 2>/dev/null; tui_cleanup' EXIT
printf 'BEGIN;\nSELECT count(*) FROM tenant_a.t;\n' >&3
backends() {
	adm -c "SELECT count(*) FROM citus_stat_activity WHERE usename = 'a_user' ${1:-}"
}
for _ in $(seq 50); do [ "$(backends)" = 2 ] && break; sleep 0.1; done
[ "$(backends)" = 2 ] || fail "the session has no worker backend"
wpid=$(adm -c "SELECT pid FROM citus_stat_activity WHERE usename = 'a_user' AND is_worker_query")

tui_start 120 40
wait_for ' tenant_a '
keys / ; type_text tenant_a ; keys Enter
wait_for '^ tenant_a '
keys Enter
wait_for 'Open sessions: 2'
keys Down               # the second session: the worker's backend
wait_for "Node +$node"
keys X
wait_for "Terminate session $wpid\\?"
type_text "$wpid"; keys Enter
wait_for "Session $wpid terminated."
for _ in $(seq 50); do [ "$(backends "AND is_worker_query")" = 0 ] && break; sleep 0.1; done
[ "$(backends "AND is_worker_query")" = 0 ] || fail "the worker's backend is still there"
[ "$(backends "AND NOT is_worker_query")" = 1 ] || fail "the coordinator's session went too"
keys Q                  # q goes back from the detail; Q quits
wait_for 'CONSOLE-EXITED rc=0'
exit 0
