#!/bin/bash
# sessions on every node of a Citus cluster: a tenant's distributed
# session, idle in a transaction, has a backend on the worker that holds
# its schema; sessions lists both (the worker's naming its node), and
# lock --terminate ends both, on every node.
. "$PT_TOP_SRCDIR/tests/citus/lib.sh"

run --stdin pw create tenant_a --password-stdin
check "create tenant_a" '[ "$RC" = 0 ]'
as_a() { PGPASSWORD=pw psql -X -q -At -h 127.0.0.1 -U a_user "$@"; }
as_a -c "CREATE TABLE tenant_a.t (i int)" -c "INSERT INTO tenant_a.t VALUES (1), (2)" >/dev/null
node=$(coord "SELECT n.nodename || ':' || n.nodeport FROM pg_dist_shard s
	JOIN pg_dist_placement p USING (shardid) JOIN pg_dist_node n USING (groupid)
	WHERE s.logicalrelid = 'tenant_a.t'::regclass")
check "tenant_a lives on a worker ($node)" '[ -n "$node" ]'

# The tenant's session: a distributed read, then idle in its transaction.
mkfifo "$tmp/in"
as_a <"$tmp/in" >"$tmp/a.out" 2>&1 &
client=$!
exec 3>"$tmp/in"
printf 'BEGIN;\nSELECT count(*) FROM tenant_a.t;\n' >&3
backends() { coord "SELECT count(*) FROM citus_stat_activity WHERE usename = 'a_user'"; }
for _ in $(seq 50); do [ "$(backends)" = 2 ] && break; sleep 0.1; done
check "the session has a backend on the coordinator and one on $node" '[ "$(backends)" = 2 ]'

run --format=csv sessions tenant_a
rows=$(tail -n +2 <<<"$OUT")
check "sessions: rc 0" '[ "$RC" = 0 ]'
check "sessions has node and global_pid columns on Citus" '[ "$(head -1 <<<"$OUT" | awk -F, "{print \$(NF-1) \$NF}")" = nodeglobal_pid ]'
check "two backends listed" '[ "$(wc -l <<<"$rows")" = 2 ]'
check "the coordinator's, idle in transaction, without a node" \
	'grep -q "^tenant_a,a_user,[0-9]*,[^,]*,idle in transaction,.*,,[0-9]*$" <<<"$rows"'
check "the worker's, naming $node" \
	'grep -q "^tenant_a,a_user,[0-9]*,[^,]*,idle in transaction,.*,$node,[0-9]*$" <<<"$rows"'

# activity: the same two backends among every tenant's, the worker's with
# its node (issue 19)
run --format=json activity
check "activity: rc 0" '[ "$RC" = 0 ]'
check "activity lists the worker's backend, naming $node" \
	'[ "$(python3 -c "import json, sys; d = json.load(sys.stdin); print(sorted((r[\"schema\"], r[\"state\"], r[\"node\"] or \"-\") for r in d))" <<<"$OUT")" = "[('\''tenant_a'\'', '\''idle in transaction'\'', '\''-'\''), ('\''tenant_a'\'', '\''idle in transaction'\'', '\''$node'\'')]" ]'
check "activity gives the worker's backend its global pid, which sessions takes" \
	'[ "$(python3 -c "import json, sys; print([r[\"global_pid\"] for r in json.load(sys.stdin) if r[\"node\"]][0])" <<<"$OUT")" = "$(grep ",$node," <<<"$rows" | awk -F, "{print \$NF}")" ]'
run --format=json activity --all
check "activity --all: rc 0, the tenant's two backends among them" \
	'[ "$RC" = 0 ] && [ "$(python3 -c "import json, sys; print(len([r for r in json.load(sys.stdin) if r[\"tenant\"]]))" <<<"$OUT")" = 2 ]'

# The worker's backend by its global pid: --started still guards it, and
# it alone ends (main took no global pid: "need a process id").
gpid=$(grep ",$node," <<<"$rows" | awk -F, '{print $NF}')
wstart=$(grep ",$node," <<<"$rows" | awk -F, '{print $9}')
run sessions tenant_a --terminate="$gpid" --started=2001-01-01T00:00:00.000000Z --yes
check "a global pid with the wrong --started: refused (rc $RC)" \
	'[ "$RC" = 1 ] && grep -q "started at $wstart, not 2001" <<<"$ERR"'
check "... and the backend is still there" '[ "$(backends)" = 2 ]'
run sessions tenant_a --terminate="$gpid" --started="$wstart" --yes
check "the worker's backend terminated by its global pid $gpid (rc $RC)" \
	'[ "$RC" = 0 ] && grep -q "terminated backend $gpid on $node" <<<"$ERR"'
for _ in $(seq 50); do [ "$(backends)" = 1 ] && break; sleep 0.1; done
check "... the coordinator's session is left" '[ "$(backends)" = 1 ]'
run sessions tenant_a --cancel=99999999999 --yes
check "a global pid that is no backend of the tenant: rc 1, said so" \
	'[ "$RC" = 1 ] && grep -q "no backend with global pid 99999999999" <<<"$ERR"'

run lock tenant_a --terminate --yes
check "lock --terminate: rc 0" '[ "$RC" = 0 ]'
check "one session terminated" \
	'grep -q "sessions terminated: 1" <<<"$ERR"'
for _ in $(seq 50); do [ "$(backends)" = 0 ] && break; sleep 0.1; done
check "no backend of the tenant is left on any node" '[ "$(backends)" = 0 ]'
exec 3>&-
wait "$client" 2>/dev/null
run --format=csv sessions tenant_a
check "sessions lists none" '[ "$RC" = 0 ] && [ "$(wc -l <<<"$OUT")" = 1 ]'

# A worker that does not answer: its backends cannot be listed, and the
# listing says so.
stop_worker 2
run sessions
check "a stopped worker: sessions warns, naming it" \
	'[ "$RC" = 0 ] && grep -q "worker node(s) 127.0.0.1:${worker_ports[1]} did not answer" <<<"$ERR"'
start_worker 2

finish citus/sessions
