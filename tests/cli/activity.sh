#!/bin/bash
# pgtenant activity (issue 19): every tenant's session at once, against
# real sessions opened with psql: one holding a lock, one blocked by it,
# one idle in transaction, and an admin's. Table, CSV and JSON; longest
# first, --sort, --filter; --all adds the admin's session marked as no
# tenant's; a tenant's text reaches a terminal only escaped; usage errors
# exit 2.
. "$PT_TOP_SRCDIR/tests/cli/lib.sh"

psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1" 2>&1; }
json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
pid_of() {
	psql_q "SELECT pid FROM pg_stat_activity WHERE query LIKE '%$1%'
	        AND pid <> pg_backend_pid() ORDER BY backend_start LIMIT 1"
}
wait_pid() {
	local i p=
	for i in $(seq 150); do p=$(pid_of "$1"); [ -n "$p" ] && break; sleep 0.1; done
	echo "$p"
}
bg_pids=()
cleanup() {
	for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null; done
	psql_q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	        WHERE query LIKE '%/* act-%' AND pid <> pg_backend_pid()" >/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

run create tenant_acme --format=json
acme=$(json 'd["connection_string"]' <<<"$OUT")
run create tenant_blackmesa_labs --format=json
labs=$(json 'd["connection_string"]' <<<"$OUT")
[ -n "$acme" ] && [ -n "$labs" ] || { echo "FAIL: cannot create the tenants: $ERR"; exit 1; }
psql_q "CREATE TABLE tenant_acme.t (x int); ALTER TABLE tenant_acme.t OWNER TO acme_user" >/dev/null

run --help
check "--help mentions activity" '[[ "$OUT" == *"activity [-a|--all]"* ]]'
run activity --help-me
check "an unknown option is a usage error (rc $RC)" '[ $RC = 2 ]'
run activity --sort=size
check "an unknown --sort is a usage error (rc $RC)" '[ $RC = 2 ] && [[ "$ERR" == *"--sort"* ]]'
run activity extra
check "an argument is a usage error (rc $RC)" '[ $RC = 2 ]'

run activity --format=csv
check "no sessions: exit 0 (rc $RC)" '[ $RC = 0 ]'
check "no sessions: the CSV header only" \
	'[ "$OUT" = "schema,role,pid,state,waiting,duration_seconds,xact_age_seconds,wait_event_type,wait_event,blocked_by,application_name,client,query_start,backend_start,tenant,query" ]'

psql -X -q "$acme" -c "BEGIN; LOCK TABLE tenant_acme.t; SELECT pg_catalog.pg_sleep(600) /* act-lock */" \
	>/dev/null 2>&1 &
bg_pids+=($!)
for i in $(seq 150); do
	[ -n "$(psql_q "SELECT 1 FROM pg_locks WHERE granted AND mode = 'AccessExclusiveLock'
	                 AND relation = 'tenant_acme.t'::regclass")" ] && break
	sleep 0.1
done
locker=$(wait_pid '/* act-lock')
sleep 1.1   # the locker's query is the oldest by more than a second
PGAPPNAME=blocked-app psql -X -q "$acme" -c "SELECT count(*) FROM tenant_acme.t /* act-blocked */" \
	>/dev/null 2>&1 &
bg_pids+=($!)
blocked=$(wait_pid '/* act-blocked')
{ echo "BEGIN; SELECT 1 /* act-iit */;"; sleep 600; } | psql -X -q "$labs" >/dev/null 2>&1 &
bg_pids+=($!)
iit=$(wait_pid '/* act-iit')
psql -X -q -c "SELECT pg_catalog.pg_sleep(600) /* act-admin */" >/dev/null 2>&1 &
bg_pids+=($!)
admin=$(wait_pid '/* act-admin')
[ -n "$locker" ] && [ -n "$blocked" ] && [ -n "$iit" ] && [ -n "$admin" ] ||
	{ echo "FAIL: the sessions did not start"; exit 1; }
# the blocked one is seen waiting
for i in $(seq 150); do
	[ "$(psql_q "SELECT wait_event_type FROM pg_stat_activity WHERE pid = $blocked")" = Lock ] && break
	sleep 0.1
done

run activity --format=json
check "json exits 0 (rc $RC)" '[ $RC = 0 ]'
check "json: the three tenant sessions, not the admin's" \
	'[ "$(json "sorted(r[\"pid\"] for r in d)" <<<"$OUT")" = "$(python3 -c "print(sorted([$locker, $blocked, $iit]))")" ]'
check "json: longest first (the locker)" '[ "$(json "d[0][\"pid\"]" <<<"$OUT")" = "$locker" ]'
check "json: the blocked session waits, blocked by the locker" \
	'[ "$(json "[(r[\"waiting\"], r[\"blocked_by\"], r[\"state\"]) for r in d if r[\"pid\"] == $blocked]" <<<"$OUT")" = "[(True, '\''$locker'\'', '\''active'\'')]" ]'
check "json: idle in transaction, in labs, with a transaction age" \
	'[ "$(json "[(r[\"schema\"], r[\"state\"], r[\"xact_age_seconds\"] >= 0, r[\"tenant\"]) for r in d if r[\"pid\"] == $iit]" <<<"$OUT")" = "[('\''tenant_blackmesa_labs'\'', '\''idle in transaction'\'', True, True)]" ]'
check "json: durations are numbers, longest first" \
	'[ "$(json "[r[\"duration_seconds\"] for r in d] == sorted([r[\"duration_seconds\"] for r in d], reverse=True)" <<<"$OUT")" = True ]'
check "json: no node column without Citus" '[ "$(json "\"node\" in d[0]" <<<"$OUT")" = False ]'

run activity --all --format=json
check "--all exits 0 (rc $RC)" '[ $RC = 0 ]'
check "--all: the admin's session, marked as no tenant's" \
	'[ "$(json "[(r[\"schema\"], r[\"role\"], r[\"tenant\"]) for r in d if r[\"pid\"] == $admin]" <<<"$OUT")" = "[(None, '\''$PGUSER'\'', False)]" ]'
check "--all: the tenants' too" '[ "$(json "len([r for r in d if r[\"tenant\"]])" <<<"$OUT")" = 3 ]'

run activity --format=csv --sort=pid
check "csv --sort=pid: pids in order" \
	'[ "$(tail -n +2 <<<"$OUT" | cut -d, -f3 | tr "\n" " ")" = "$(printf "%s\n" $locker $blocked $iit | sort -n | tr "\n" " ")" ]'
run activity --format=csv --filter=LABS
check "--filter is case-insensitive and keeps only matches" \
	'[ "$(tail -n +2 <<<"$OUT" | cut -d, -f3)" = "$iit" ]'
run activity --format=csv --filter=waiting
check "--filter=waiting finds the blocked session" '[ "$(tail -n +2 <<<"$OUT" | cut -d, -f3)" = "$blocked" ]'
run activity --filter=blocked-app
check "table: a title line, a rule and the row" '[ "$(wc -l <<<"$OUT")" = 3 ] && [[ "$OUT" == *"$blocked"* ]]'
check "table: the state and blocker shown" '[[ "$OUT" == *"active"*"$locker"* ]]'
run activity --all -a --sort=duration --format=table
check "table --all shows the admin" '[[ "$OUT" == *"$admin"* ]]'

# a tenant's control characters: escaped on a terminal, exact in a pipe
PGAPPNAME=evil psql -X -q "$labs" -c $'SELECT pg_catalog.pg_sleep(600) /* act-evil \e]2;pwned\a */' \
	>/dev/null 2>&1 &
bg_pids+=($!)
[ -n "$(wait_pid 'act-evil')" ] || { echo "FAIL: the evil session did not start"; exit 1; }
printf -v cmd '%q ' "$bin" activity --filter=act-evil
script -qefc "$cmd" "$tmp/typescript" >/dev/null 2>&1
OUT=$(cat "$tmp/typescript")
check "table on a terminal: the escape shown as text" '[[ "$OUT" == *"\\x1b]2;pwned"* ]] && [[ "$OUT" != *$'\''\e]2;pwned'\''* ]]'
run activity --filter=act-evil --format=csv
check "csv into a pipe: the exact bytes" '[[ "$OUT" == *$'\''\e]2;pwned\a'\''* ]]'
run activity --filter=act-evil --format=json
check "json: escaped as \\u001b" '[[ "$OUT" == *"\\u001b]2;pwned\\u0007"* ]]'

finish activity
