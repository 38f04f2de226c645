#!/bin/bash
# A backend terminated, or the server restarted, while a create or a drop
# waits on a lock: pgtenant says "connection lost", exits 1, nothing is
# half-made, and the next command works.
. "$(dirname "$0")/lib.sh"

# kill_while_blocked LABEL HOW EXPECT_STATE_FILE COMMAND...
# Runs COMMAND in the background; once its backend waits on a lock, ends
# it (HOW: terminate | restart), then checks the exit status and message.
kill_while_blocked() {
	local label=$1 how=$2; shift 2
	local bpid rc
	"$@" >"$T/$label.out" 2>"$T/$label.err" &
	local cpid=$!
	if ! bpid=$(wait_for_blocked_pgtenant); then
		bad "$label: pgtenant never blocked on the lock"; cat "$T"/*.err "$T/$label.out"; q -c "select pid, application_name, state, wait_event_type, query from pg_stat_activity where backend_type = 'client backend'"
		kill "$cpid" 2>/dev/null; wait "$cpid"
		return
	fi
	case "$how" in
	terminate)
		q -c "SELECT pg_terminate_backend($bpid)" >/dev/null ;;
	restart)
		restart_server ;;
	esac
	wait "$cpid"; rc=$?
	check "$label: exit status 1 (got $rc)" [ "$rc" = 1 ]
	check "$label: says \"connection lost\"" grep -q "connection lost" "$T/$label.err"
	check "$label: one message, no crash report" \
		sh -c "! grep -Eqi 'pgtenant: fatal:|Segmentation|Abort|AddressSanitizer|runtime error' '$T/$label.err'"
	check "$label: the message is one line without tabs" \
		sh -c "[ \$(wc -l <'$T/$label.err') = 1 ] && ! grep -q '	' '$T/$label.err'"
	check "$label: nothing on standard output (no credentials)" \
		[ ! -s "$T/$label.out" ]
	echo "# $label: $(cat "$T/$label.err")"
}

before=$(snapshot)

# -- create, terminated: another admin session has done CREATE ROLE
# kill_user in an open transaction, so pgtenant's CREATE ROLE waits.
hold_open blocker
hold_send blocker "BEGIN; CREATE ROLE kill_user;"
kill_while_blocked create-terminated terminate "$PGTENANT" create tenant_kill
hold_send blocker "ROLLBACK;"
hold_close blocker
check "create-terminated: database exactly as before" [ "$(snapshot)" = "$before" ]

# -- drop, terminated: an open transaction creates a table in the tenant's
# schema, which locks the schema against DROP SCHEMA.
"$PGTENANT" create tenant_victim >/dev/null 2>&1 || bad "could not create tenant_victim"
before=$(snapshot)
hold_open blocker
hold_send blocker "BEGIN; CREATE TABLE tenant_victim.held (i int);"
kill_while_blocked drop-terminated terminate "$PGTENANT" drop --yes tenant_victim
hold_send blocker "ROLLBACK;"
hold_close blocker
check "drop-terminated: tenant_victim untouched, database exactly as before" \
	[ "$(snapshot)" = "$before" ]

# -- create, server restarted under it.
before=$(snapshot)
hold_open blocker
hold_send blocker "BEGIN; CREATE ROLE kill_user;"
kill_while_blocked create-restart restart "$PGTENANT" create tenant_kill
hold_close blocker   # its session died with the restart
check "create-restart: database exactly as before" [ "$(snapshot)" = "$before" ]

# -- drop, server restarted under it.
hold_open blocker
hold_send blocker "BEGIN; CREATE TABLE tenant_victim.held (i int);"
kill_while_blocked drop-restart restart "$PGTENANT" drop --yes tenant_victim
hold_close blocker
check "drop-restart: database exactly as before" [ "$(snapshot)" = "$before" ]

# After all that, the same commands succeed.
check "create works after the restarts" "$PGTENANT" create tenant_kill --format=csv
check "drop works after the restarts" "$PGTENANT" drop --yes tenant_victim
check "tenant_kill and kill_user exist, tenant_victim and victim_user do not" \
	[ "$(q -c "SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace
	          WHERE nspname IN ('tenant_kill', 'tenant_victim')")|$(q -c "SELECT
	          string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles
	          WHERE rolname IN ('kill_user', 'victim_user')")" = "tenant_kill|kill_user" ]

finish
