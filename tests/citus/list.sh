#!/bin/bash
# A Citus coordinator as pgtenant's target: create makes a distributed
# schema whatever the server's default and a tenant's distributed query
# works; list (every format) and the console say it is Citus, show the
# node of each tenant and its true size (the shards', within 10% of
# citus_schemas); a stopped worker gives "?" sizes, a warning naming it
# and exit status 3, never wrong numbers.
. "$PT_TOP_SRCDIR/tests/citus/lib.sh"
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"
trap 'tui_cleanup; rm -rf "$tmp"' EXIT


# The server's default is off: create must turn it on for its own schema.
coord "ALTER SYSTEM SET citus.enable_schema_based_sharding = off" >/dev/null
coord "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
check "the server's default is off" '[ "$(coord "SHOW citus.enable_schema_based_sharding")" = off ]'

run create tenant_big --format=json
check "create tenant_big" '[ "$RC" = 0 ]'
big_url=$(printf '%s' "$OUT" | json 'd["connection_string"]')
check "tenant_big is a distributed schema" \
	'[ "$(coord "SELECT count(*) FROM pg_dist_schema WHERE schemaid = '\''tenant_big'\''::regnamespace")" = 1 ]'

# The tenant's distributed query, through the coordinator, as the tenant.
ans=$(psql -X -q -At "$big_url" -v ON_ERROR_STOP=1 <<'SQL' 2>&1
CREATE TABLE t (id int PRIMARY KEY, v text);
INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g;
SELECT count(*) FROM t;
SQL
)
check "the tenant's distributed query works ($ans)" '[ "$ans" = 20000 ]'
check "its table is a distributed table" \
	'[ "$(coord "SELECT count(*) FROM pg_dist_partition WHERE logicalrelid = '\''tenant_big.t'\''::regclass")" = 1 ]'

run create tenant_small --format=json
small_url=$(printf '%s' "$OUT" | json 'd["connection_string"]')
psql -X -q "$small_url" -c "CREATE TABLE s (id int); INSERT INTO s SELECT generate_series(1, 300)" >/dev/null 2>&1
run create tenant_empty
check "create tenant_empty" '[ "$RC" = 0 ]'

# Where each lives, by the catalog.
big_node=$(node_of tenant_big)
small_node=$(node_of tenant_small)
truth() { coord "SELECT pg_size_bytes(schema_size) FROM citus_schemas WHERE schema_name = '$1'::regnamespace"; }
big_truth=$(truth tenant_big)
small_truth=$(truth tenant_small)

run list --format=json
check "list --format=json exits 0" '[ "$RC" = 0 ]'
J=$OUT
j() { printf '%s' "$J" | json "$1"; }
row() { printf '%s' "$J" | json "[r for r in d['schemas'] if r['schema'] == '$1'][0]['$2']"; }
check "the JSON says it is a Citus coordinator with 2 workers" '[ "$(j "d[\"citus\"][\"workers\"]")" = 2 ]'
check "the JSON names the coordinator" '[ "$(j "d[\"citus\"][\"coordinator\"]")" = "127.0.0.1:$PGPORT" ]'
check "no worker is down" '[ "$(j "d[\"citus\"][\"down\"]")" = "[]" ]'
check "tenant_big's node is $big_node" '[ "$(row tenant_big node)" = "$big_node" ]'
check "tenant_small's node is $small_node" '[ "$(row tenant_small node)" = "$small_node" ]'
check "an empty distributed schema is on no node yet" '[ "$(row tenant_empty node)" = "-" ]'
check "public is not distributed" '[ "$(row public node)" = None ]'
within() { python3 -c 'import sys; a, b = int(sys.argv[1]), int(sys.argv[2]); sys.exit(0 if abs(a - b) <= 0.1 * b else 1)' "$1" "$2"; }
big_size=$(row tenant_big size_bytes)
small_size=$(row tenant_small size_bytes)
check "tenant_big's size ($big_size) within 10% of citus_schemas ($big_truth)" 'within "$big_size" "$big_truth"'
check "tenant_small's size ($small_size) within 10% of citus_schemas ($small_truth)" 'within "$small_size" "$small_truth"'
check "tenant_big is larger than a megabyte (the shards, not the shell)" '[ "$big_size" -gt 1000000 ]'
check "per-node totals: tenant_big's node holds its size" \
	'[ "$(j "sum(n[\"size_bytes\"] for n in d[\"nodes\"] if n[\"node\"] == \"$big_node\")")" -ge "$big_size" ]'
check "per-node totals list both workers" '[ "$(j "len(d[\"nodes\"])")" = 2 ]'

run list
check "list (table) exits 0" '[ "$RC" = 0 ]'
check "the table has a NODE column" 'printf "%s\n" "$OUT" | head -1 | grep -q " NODE "'
check "the table shows tenant_big on its node" 'printf "%s\n" "$OUT" | grep "^tenant_big " | grep -qF "$big_node"'
check "the table says Citus coordinator, 2 workers" 'printf "%s\n" "$OUT" | grep -q "Citus coordinator 127.0.0.1:$PGPORT, 2 workers"'
run list --format=csv
check "the CSV has a node column" 'printf "%s\n" "$OUT" | head -1 | grep -q ",node,"'
check "the CSV shows tenant_big's node" 'printf "%s\n" "$OUT" | grep "^tenant_big," | grep -qF "$big_node"'

# The console: the header, the Node column, the detail.
tui_start 150 20
wait_for "Citus coordinator, 2 workers"
wait_for "Node"
screen | grep "tenant_big" | grep -qF "$big_node" || fail "the console shows no node for tenant_big"
wait_for "tenant_big .*[0-9.]+ MiB"
keys Escape
tui_cleanup
PT_WORK=$(mktemp -d "${TMPDIR:-/tmp}/pgtenant-tui.XXXXXX")
tui_server 2

# A tenant's lock on its own table: its size unknown, nothing waits.
hold_lock tenant_big.t 20
t0=$(date +%s)
run list --format=json
J=$OUT
check "a locked table: list does not wait on it" '[ $(($(date +%s) - t0)) -lt 15 ] && [ "$RC" = 0 ]'
check "a locked table: its tenant's size is unknown" '[ "$(row tenant_big size)" = "?" ]'
check "a locked table: the others keep theirs" '[ "$(row tenant_small size_bytes)" = "$small_size" ]'
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null

# A worker down: the sizes on it unknown, the node named, exit status 3.
big_w=1
[ "$big_node" = "127.0.0.1:${worker_ports[1]}" ] && big_w=2
stop_worker $big_w
run list --format=json
check "list with a worker down exits 3" '[ "$RC" = 3 ]'
check "the warning names the node" 'printf "%s" "$ERR" | grep -qF "$big_node"'
J=$OUT
check "tenant_big's size is unknown (null), never a wrong number" '[ "$(row tenant_big size_bytes)" = None ]'
check "tenant_big's size shows ?" '[ "$(row tenant_big size)" = "?" ]'
check "the JSON lists the node as down" '[ "$(j "d[\"citus\"][\"down\"] == [\"$big_node\"]")" = True ]'
if [ "$small_node" != "$big_node" ]; then
	check "tenant_small on the other worker keeps its size" '[ "$(row tenant_small size_bytes)" = "$small_size" ]'
fi
run list
check "the table shows ? for tenant_big" 'printf "%s\n" "$OUT" | grep "^tenant_big " | grep -q " ? "'
check "the table exits 3 too" '[ "$RC" = 3 ]'
tui_start 150 20
wait_for "WORKER DOWN: $big_node"
wait_for "worker down: $big_node"
tui_cleanup
start_worker $big_w
run list --format=json
check "the worker back: exit 0" '[ "$RC" = 0 ]'
finish citus/list
