#!/bin/bash
# The console with a tenant holding ACCESS EXCLUSIVE on its own table: the
# tenant list and its sizes come up (the locked schema's size as "?", the
# others measured) without waiting, and dropping that tenant fails within
# lock_timeout naming the blocking session, with the tenant left in place.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

url_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["connection_string"])'; }
lock_url=$("$PGTENANT" create tenant_lockr --format=json 2>/dev/null | url_of) || fail "setup lockr"
free_url=$("$PGTENANT" create tenant_free --format=json 2>/dev/null | url_of) || fail "setup free"
psql -X -q -d "$lock_url" -c "CREATE TABLE tenant_lockr.t AS SELECT g AS i FROM generate_series(1, 1000) g" ||
	fail "setup table"
psql -X -q -d "$free_url" -c "CREATE TABLE tenant_free.t AS SELECT g AS i FROM generate_series(1, 1000) g" ||
	fail "setup table"

# The tenant's own session: BEGIN, lock, and hold it for a minute.
psql -X -q -d "$lock_url" -c "BEGIN; LOCK TABLE tenant_lockr.t IN ACCESS EXCLUSIVE MODE;
                             SELECT pg_sleep(60);" >/dev/null 2>&1 &
locker=$!
trap 'kill $locker 2>/dev/null; tui_cleanup' EXIT
for i in $(seq 100); do
	[ -n "$(adm -c "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
	                WHERE c.relname = 't' AND l.mode = 'AccessExclusiveLock' AND l.granted")" ] && break
	sleep 0.1
done
blocker=$(adm -c "SELECT pid FROM pg_stat_activity WHERE usename = 'lockr_user' AND state = 'active'")
[ -n "$blocker" ] || fail "the tenant's lock is not held"

PT_TUI_ARGS="--lock-timeout=2" tui_start 120 30
wait_for 'tenant_free'
# sizes come after the list: the free tenant's in KiB, the locked one's "?"
wait_for 'tenant_free .*KiB' 15
wait_for 'tenant_lockr .* \? ' 15
screen | grep -q 'lock not available' && fail "the size query hit the lock"

keys / ; type_text tenant_lockr ; keys Enter
wait_for '1/3'
keys d
wait_for 'DROP SCHEMA "tenant_lockr" CASCADE'
keys Enter
wait_for 'Type tenant_lockr to drop it'
type_text tenant_lockr ; keys Enter
# lock_timeout 2 s, plus a generous margin for a loaded machine
wait_for "lock not available" 15
wait_for "pid $blocker" 5
[ "$(adm -c "select count(*) from pg_namespace where nspname = 'tenant_lockr'")" = 1 ] ||
	fail "the tenant was dropped"
keys Escape Escape q
wait_for 'CONSOLE-EXITED rc=0'
echo "locks_console: the console stayed responsive and named pid $blocker"
exit 0
