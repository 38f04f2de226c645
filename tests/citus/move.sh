#!/bin/bash
# pgtenant move SCHEMA --to HOST:PORT: the preview (-n) with the transfer
# mode the server's wal_level allows, the move, the new node shown after;
# a locked tenant is let in for the move and locked again in the same
# command; list's per-node totals follow the tenant. No tenant password
# reaches any node's log.
. "$PT_TOP_SRCDIR/tests/citus/lib.sh"

w1="127.0.0.1:${worker_ports[0]}" w2="127.0.0.1:${worker_ports[1]}"

# tenant $1 with a table t of $2 rows of $3 bytes; $url its connection
# string, $OUT create's JSON
tenant_with_rows() {
	run create "$1" --format=json
	check "create $1" '[ "$RC" = 0 ]'
	url=$(printf '%s' "$OUT" | json 'd["connection_string"]')
	psql -X -q "$url" -c "CREATE TABLE t (id int PRIMARY KEY, v text);
	                      INSERT INTO t SELECT g, repeat('y', $3) FROM generate_series(1, $2) g" \
		>/dev/null 2>&1
}
other_worker() { if [ "$1" = "$w1" ]; then echo "$w2"; else echo "$w1"; fi; }

tenant_with_rows tenant_mv 5000 100
pw1=$(printf '%s' "$OUT" | json 'd["password"]')
from=$(node_of tenant_mv)
to=$(other_worker "$from")
mode=block_writes
[ "$(coord "SHOW wal_level")" = logical ] && mode=force_logical

run move tenant_mv --to "$to" -n
check "move -n exits 0" '[ "$RC" = 0 ]'
check "the preview names both nodes" 'printf "%s" "$OUT" | grep -qF "from $from to $to"'
check "the preview shows citus_schema_move in mode $mode" \
	'printf "%s" "$OUT" | grep -q "citus_schema_move(.*'\''$mode'\'')"'
check "the dry run moved nothing" '[ "$(node_of tenant_mv)" = "$from" ]'

run move tenant_mv --to 127.0.0.1:1
check "a node that is not a worker is refused" '[ "$RC" = 1 ] && printf "%s" "$ERR" | grep -qF "$w1"'

run move tenant_mv --to "$to"
check "move exits 0" '[ "$RC" = 0 ]'
check "move says where the tenant is now" 'printf "%s" "$ERR" | grep -qF "now on $to"'
echo "move 5000 rows: $ERR"
check "the catalog agrees" '[ "$(node_of tenant_mv)" = "$to" ]'
check "the tenant's data moved with it" \
	'[ "$(psql -X -At "$url" -c "SELECT count(*) FROM t" 2>&1)" = 5000 ]'
run list --format=json
check "list shows the new node" \
	'[ "$(printf "%s" "$OUT" | json "[r for r in d[\"schemas\"] if r[\"schema\"] == \"tenant_mv\"][0][\"node\"]")" = "$to" ]'
check "the per-node totals count it on the new node" \
	'[ "$(printf "%s" "$OUT" | json "[n for n in d[\"nodes\"] if n[\"node\"] == \"$to\"][0][\"tenants\"]")" = 1 ]'
run move tenant_mv --to "$to"
check "a move to where it already is is refused" '[ "$RC" = 1 ] && printf "%s" "$ERR" | grep -q "already on"'
check "without --progress and no terminal, no progress lines" \
	'! printf "%s" "$ERR" | grep -q "^moving "'

# Progress: a tenant of a few MB, polled from get_rebalance_progress()
# on a second connection while citus_schema_move runs; a line each
# without a terminal, on stderr only.
mvurl=$url
tenant_with_rows tenant_mp 25000 200
url=$mvurl
mpto=$(other_worker "$(node_of tenant_mp)")
run move tenant_mp --to "$mpto" -n
preview_out=$OUT
run move tenant_mp --to "$mpto" --progress
check "move --progress exits 0" '[ "$RC" = 0 ] && [ "$(node_of tenant_mp)" = "$mpto" ]'
echo "move --progress: $ERR"
check "progress lines on stderr, in MiB with a percentage" \
	'printf "%s" "$ERR" | grep -Eq "^moving tenant_mp: [0-9.]+ [KM]iB of [5-9]\.[0-9] MiB \([0-9]+%"'
check "stdout is the preview alone, as without --progress" '[ "$OUT" = "$preview_out" ]'
check "the summary follows the progress lines" \
	'printf "%s" "$ERR" | tail -n 1 | grep -qF "now on $mpto"'
run drop tenant_mp --yes

# A locked tenant: one command, locked again after, and then every
# session of it ended: VALID UNTIL stops password logins only, so one
# could have got in while the move let it in. A session left from before
# a lock without --terminate stands for it here.
mkfifo "$tmp/mv.in"
psql -X -q -At "$url" <"$tmp/mv.in" >/dev/null 2>&1 &
mvclient=$!
exec 4>"$tmp/mv.in"
printf 'SELECT count(*) FROM t;\n' >&4
mv_backends() { coord "SELECT count(*) FROM citus_stat_activity WHERE usename = 'mv_user'"; }
for _ in $(seq 50); do [ "$(mv_backends)" != 0 ] && break; sleep 0.1; done
check "the tenant has a session before the lock" '[ "$(mv_backends)" != 0 ]'
run lock tenant_mv
check "lock" '[ "$RC" = 0 ]'
run move tenant_mv --to "$from" -n
check "the preview shows the unlock and the lock again" \
	'printf "%s" "$OUT" | grep -q "LOGIN VALID UNTIL '\''-infinity'\''" && printf "%s" "$OUT" | grep -q "NOLOGIN"'
check "the preview shows its sessions ended on every node" \
	'printf "%s" "$OUT" | grep -q "pg_terminate_backend(.*citus_stat_activity.*mv_user"'
check "the preview says a password expiry stops password logins only" \
	'printf "%s" "$OUT" | grep -q "stops password logins only"'
run move tenant_mv --to "$from"
check "the locked tenant moved" '[ "$RC" = 0 ] && [ "$(node_of tenant_mv)" = "$from" ]'
for _ in $(seq 50); do [ "$(mv_backends)" = 0 ] && break; sleep 0.1; done
check "no session of the locked tenant is left on any node after its move" \
	'[ "$(mv_backends)" = 0 ]'
exec 4>&-
wait "$mvclient" 2>/dev/null
check "it is locked again on the coordinator" \
	'[ "$(coord "SELECT rolcanlogin FROM pg_roles WHERE rolname = '\''mv_user'\''")" = f ]'
check "it is locked again on both workers" \
	'[ "$(worker 1 "SELECT rolcanlogin FROM pg_roles WHERE rolname = '\''mv_user'\''")$(worker 2 "SELECT rolcanlogin FROM pg_roles WHERE rolname = '\''mv_user'\''")" = ff ]'
check "its password expiry is lifted again (infinity, as unlock leaves it)" \
	'[ "$(coord "SELECT coalesce(rolvaliduntil::text, '\''none'\'') FROM pg_roles WHERE rolname = '\''mv_user'\''")" = infinity ]'
# Ctrl-C during a locked tenant's move: locked again all the same.
at=$(node_of tenant_mv)
dest=$w1
[ "$at" = "$w1" ] && dest=$w2
"$bin" move tenant_mv --to "$dest" >"$tmp/int.out" 2>"$tmp/int.err" &
mover=$!
# once the move itself runs on the coordinator
for _ in $(seq 1 200); do
	[ "$(coord "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%citus_schema_move(%' AND pid <> pg_backend_pid()")" != 0 ] && break
	sleep 0.05
done
sleep 0.3
kill -INT "$mover"
wait "$mover"
RC=$? ERR=$(cat "$tmp/int.err")
echo "interrupted move: rc $RC: $ERR"
check "interrupted: locked again on the coordinator" \
	'[ "$(coord "SELECT rolcanlogin FROM pg_roles WHERE rolname = '\''mv_user'\''")" = f ]'
check "interrupted: locked again on both workers" \
	'[ "$(worker 1 "SELECT rolcanlogin FROM pg_roles WHERE rolname = '\''mv_user'\''")$(worker 2 "SELECT rolcanlogin FROM pg_roles WHERE rolname = '\''mv_user'\''")" = ff ]'
run unlock tenant_mv
run rotate-password tenant_mv --format=json
check "rotate-password" '[ "$RC" = 0 ]'
pw2=$(printf '%s' "$OUT" | json 'd["password"]')

# The console: m, the lightest other worker offered, the SQL, Enter.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"
trap 'tui_cleanup; rm -rf "$tmp"' EXIT
here=$(node_of tenant_mv)
run lock tenant_mv
tui_start 150 24
wait_for "Citus coordinator"
wait_for "tenant_mv .*127\.0\.0\.1:"
keys /
type_text tenant_mv
keys Enter
wait_for "1/[0-9]+ +filter"
keys m
wait_for "Move tenant_mv to which worker"
keys Enter
wait_for "This SQL will move the tenant"
screen | grep -q "NOLOGIN" || fail "the console's preview of a locked tenant's move shows no lock again"
keys Enter
# its progress in the status line while it runs
seen=0
for _ in $(seq 600); do
	s=$(screen)
	printf '%s' "$s" | grep -Eq "moving tenant_mv: .+ of .+ \([0-9]+%" && seen=1
	printf '%s' "$s" | grep -q "Moved tenant_mv in" && break
	sleep 0.05
done
check "the console showed the move's progress" '[ "$seen" = 1 ]'
wait_for "Moved tenant_mv in [0-9.]+ s: it is now on" 30
check "the console moved the tenant" '[ "$(node_of tenant_mv)" != "$here" ]'
check "the console's list shows the new node" 'screen | grep "tenant_mv" | grep -qF "$(node_of tenant_mv)"'
check "locked again after the console's move" \
	'[ "$(coord "SELECT rolcanlogin FROM pg_roles WHERE rolname = '\''mv_user'\''")" = f ]'
tui_cleanup
run unlock tenant_mv

# One worker without logical decoding: the copy cannot be logical.
worker 1 "ALTER SYSTEM SET wal_level = replica" >/dev/null
stop_worker 1
start_worker 1
other=$w1
[ "$(node_of tenant_mv)" = "$w1" ] && other=$w2
run move tenant_mv --to "$other" -n
check "a worker with wal_level replica: block_writes" \
	'printf "%s" "$OUT" | grep -q "citus_schema_move(.*'\''block_writes'\'')"'

# log_statement=all on every node: no tenant password in any log.
for f in "$CITUS_DIR"/*/server.log; do
	check "no tenant password in $(basename "$(dirname "$f")")'s log" \
		'! grep -qF -e "$pw1" -e "$pw2" "$f"'
done
finish citus/move
