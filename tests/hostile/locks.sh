#!/bin/bash
# Tenants take every lock they can, over their own connections made from
# the credentials `pgtenant create` printed, and the admin is never stalled:
# every command either finishes or fails within lock_timeout plus a margin,
# a failure names the blocking session and leaves the database unchanged,
# sizes of locked relations are unknown instead of waited for, Ctrl-C and
# SIGTERM roll a blocked create back, and a tenant cannot take more
# connections than its limit.
#
# One check is marked [after-merge]: create must not be blocked by an
# advisory lock at all. It fails while create still serialises on
# pg_advisory_xact_lock(1885828206), and passes once creates no longer take
# that lock (tenants get CONNECT through a group, issue 13).
. "$(dirname "$0")/../reliability/lib.sh"

LT=2          # --lock-timeout for most cases, in seconds
MARGIN=10     # generous: two cores are shared by many test runs
P=$PGTENANT
export XDG_CONFIG_HOME="$T/xdg" LANGUAGE= LC_ALL=C.UTF-8
unset PGPASSWORD PGAPPNAME PGOPTIONS

# timed LABEL COMMAND...: run it without a terminal (at most 120 s); sets
# RC, SECS and leaves its output in $T/LABEL.out and $T/LABEL.err.
timed() {
	local label=$1 t0; shift
	t0=$(date +%s.%N)
	setsid -w timeout -s KILL 120 "$@" </dev/null >"$T/$label.out" 2>"$T/$label.err"
	RC=$?
	SECS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
	echo "# $label: rc $RC in $SECS s: $(head -c 600 "$T/$label.err" | tr '\n' ' ')"
}
# faster SECONDS: the last timed command took less than SECONDS
faster() { awk -v s="$SECS" -v b="$1" 'BEGIN { exit !(s < b) }'; }
slower() { awk -v s="$SECS" -v b="$1" 'BEGIN { exit !(s >= b) }'; }
err_has() { grep -qF -- "$2" "$T/$1.err"; }
err_lacks() { ! grep -qiE -- "$2" "$T/$1.err"; }
# json_get LABEL PYTHON-EXPRESSION-ON-d: evaluate over the JSON output
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$T/$1.out"; }
# hold_push NAME SQL: send a line that will block; do not wait for it
hold_push() { local fdvar="hold_fd_$1"; printf '%s\n' "$2" >&"${!fdvar}"; }
# pid of the session of role ROLE that is idle in a transaction or waits
pid_of() {
	q -c "SELECT pid FROM pg_stat_activity WHERE usename = '$1'
	      AND state <> 'idle' ${2:+AND $2} ORDER BY backend_start LIMIT 1"
}
# wait (up to 15 s) until a session of ROLE waits on a lock
wait_waiting() {
	local i
	for i in $(seq 150); do
		[ -n "$(pid_of "$1" "wait_event_type = 'Lock'")" ] && return 0
		sleep 0.1
	done
	return 1
}
# the failure of LABEL names the blocking session PID of ROLE for TENANT
names_blocker() {
	err_has "$1" "pid $2 (role \"$3\"" && err_has "$1" "tenant \"$4\"" &&
		err_has "$1" "pg_terminate_backend($2)" && err_has "$1" "in a transaction for"
}

# -- tenants made the way users make them; their connection strings -------
mk_tenant() {   # mk_tenant SCHEMA [OPTION...]: create, keep the JSON
	local s=$1; shift
	timed "mk-$s" "$P" create "$s" --format=json "$@"
	[ "$RC" = 0 ] || { bad "create $s (rc $RC)"; return 1; }
	json_get "mk-$s" 'd["connection_string"]' >"$T/$s.url"
}
url() { cat "$T/$1.url"; }
mk_tenant alice; mk_tenant bob; mk_tenant victim
q -d "$(url alice)" -c "CREATE TABLE alice.t (i int PRIMARY KEY, s text);
	INSERT INTO alice.t SELECT g, repeat(md5(g::text), 200) FROM generate_series(1, 200) g;
	CREATE TABLE alice.u (i int)" || bad "alice could not make her tables"
q -d "$(url bob)" -c "CREATE TABLE bob.t (i int PRIMARY KEY); INSERT INTO bob.t VALUES (1)" \
	|| bad "bob could not make his table"

# -- 1. advisory locks: the key pgtenant used, and others ------------------
hold_open adv "$(url alice)"
hold_send adv "SELECT pg_advisory_lock(1885828206), pg_advisory_lock(1), pg_advisory_lock(0, 1), pg_advisory_lock_shared(2);"
advpid=$(q -c "SELECT pid FROM pg_stat_activity WHERE usename = 'alice_user'")
before=$(snapshot)
timed adv-create "$P" --lock-timeout=$LT create carol --format=csv
check "advisory: create finishes within lock_timeout + ${MARGIN}s (${SECS}s)" faster $((LT + MARGIN))
check "advisory: create ends in success or a named lock timeout, never a hang" \
	eval '[ "$RC" = 0 ] || { [ "$RC" = 1 ] && err_has adv-create "lock not available" &&
		err_has adv-create "pid $advpid (role \"alice_user\", tenant \"alice\", idle for" &&
		err_has adv-create "pg_terminate_backend($advpid)"; }'
if [ "$RC" != 0 ]; then
	check "advisory: the failed create left the database unchanged" [ "$(snapshot)" = "$before" ]
fi
# [after-merge] expected to FAIL until create stops taking the advisory lock.
check "[after-merge] advisory: a tenant's advisory lock does not block create (rc $RC)" \
	eval '[ "$RC" = 0 ] && grep -q "^carol_user," "$T/adv-create.out"'
timed adv-drop "$P" --lock-timeout=$LT drop --yes victim
check "advisory: drop of another tenant finishes within the bound (${SECS}s)" faster $((LT + MARGIN))
check "[after-merge] advisory: a tenant's advisory lock does not block drop (rc $RC)" [ "$RC" = 0 ]
timed adv-list "$P" --lock-timeout=$LT list --format=json
check "advisory: list answers (rc $RC) within the bound" eval '[ "$RC" = 0 ] && faster $((LT + MARGIN))'
hold_close adv

# -- 2. ACCESS EXCLUSIVE on her own table, held in an open transaction -----
hold_open ax "$(url alice)"
hold_send ax "BEGIN; LOCK TABLE alice.t IN ACCESS EXCLUSIVE MODE;"
axpid=$(pid_of alice_user)
before=$(snapshot)
timed ax-drop "$P" --lock-timeout=$LT drop --yes alice
check "access exclusive: drop of alice fails with status 1 (got $RC)" [ "$RC" = 1 ]
check "access exclusive: ... within lock_timeout + ${MARGIN}s (${SECS}s), not at once" \
	eval 'faster $((LT + MARGIN)) && slower 1.5'
check "access exclusive: ... says the lock was not available" err_has ax-drop "lock not available"
check "access exclusive: ... names pid $axpid, role, tenant, time and the way out" \
	names_blocker ax-drop "$axpid" alice_user alice
check "access exclusive: ... names the locked table" err_has ax-drop "alice.t"
check "access exclusive: the database is unchanged" [ "$(snapshot)" = "$before" ]

timed ax-list "$P" --lock-timeout=$LT list --format=json
check "access exclusive: list answers (rc $RC) within the bound (${SECS}s)" \
	eval '[ "$RC" = 0 ] && faster $((LT + MARGIN))'
check "access exclusive: alice's size is unknown (null), not waited for" \
	[ "$(json_get ax-list '[r["size_bytes"] for r in d if r["schema"] == "alice"]')" = "[None]" ]
check "access exclusive: bob's size is still measured" \
	eval '[ "$(json_get ax-list "[r[\"size_bytes\"] > 0 for r in d if r[\"schema\"] == \"bob\"]")" = "[True]" ]'
timed ax-list-table "$P" --lock-timeout=$LT list
check "access exclusive: the table shows alice's size as ?" \
	eval '[ "$RC" = 0 ] && grep -Eq "^alice .* \\?  " "$T/ax-list-table.out"'
# With lock_timeout 0 (forever) the size query must still not wait.
timed ax-list-forever "$P" --lock-timeout=0 list --format=csv
check "access exclusive: list with --lock-timeout=0 does not wait either (${SECS}s)" \
	eval '[ "$RC" = 0 ] && faster $MARGIN'

timed ax-rotate "$P" --lock-timeout=$LT rotate-password alice --format=json
check "access exclusive: rotate-password alice works (rc $RC, ${SECS}s)" \
	eval '[ "$RC" = 0 ] && faster $((LT + MARGIN))'
json_get ax-rotate 'd["connection_string"]' >"$T/alice.url"
timed ax-audit "$P" --lock-timeout=$LT audit --format=json
check "access exclusive: audit finishes (rc $RC, ${SECS}s) without a lock error" \
	eval '[ "$RC" -le 1 ] && faster $((LT + MARGIN)) && err_lacks ax-audit "lock|canceled"'
timed ax-harden "$P" --lock-timeout=$LT harden --dry-run
check "access exclusive: harden --dry-run finishes (rc $RC, ${SECS}s)" \
	eval '[ "$RC" = 0 ] && faster $((LT + MARGIN)) && err_lacks ax-harden "lock|canceled"'
timed ax-create "$P" --lock-timeout=$LT create dave --format=csv
check "access exclusive: create of another tenant works (rc $RC, ${SECS}s)" \
	eval '[ "$RC" = 0 ] && faster $((LT + MARGIN))'

# The default lock_timeout (5 s) bounds the wait without any option.
before=$(snapshot)
timed ax-default "$P" drop --yes alice
check "default lock_timeout: drop fails (rc $RC) after about 5 s (${SECS}s)" \
	eval '[ "$RC" = 1 ] && slower 4.5 && faster $((5 + MARGIN)) && err_has ax-default "pg_terminate_backend($axpid)"'
# ... and the configuration file's lock_timeout is honoured.
mkdir -p "$XDG_CONFIG_HOME/pgtenant"
echo "lock_timeout = 1" >"$XDG_CONFIG_HOME/pgtenant/config"
timed ax-config "$P" drop --yes alice
check "config lock_timeout = 1: drop fails (rc $RC) within 1 s + margin (${SECS}s)" \
	eval '[ "$RC" = 1 ] && faster $((1 + MARGIN)) && err_has ax-config "lock not available"'
rm -f "$XDG_CONFIG_HOME/pgtenant/config"
check "access exclusive: still unchanged after the failed drops" [ "$(snapshot)" = "$before" ]
hold_send ax "ROLLBACK;"
hold_close ax

# -- 3. only an index locked: REINDEX in an open transaction holds ACCESS
# EXCLUSIVE on the index and merely SHARE on the table.
hold_open ix "$(url alice)"
hold_send ix "BEGIN; REINDEX INDEX alice.t_pkey;"
timed ix-list "$P" --lock-timeout=$LT list --format=json
check "locked index: list answers (rc $RC, ${SECS}s)" eval '[ "$RC" = 0 ] && faster $((LT + MARGIN))'
check "locked index: alice's size is unknown" \
	[ "$(json_get ix-list '[r["size_bytes"] for r in d if r["schema"] == "alice"]')" = "[None]" ]
hold_send ix "ROLLBACK;"
hold_close ix

# -- 4. a queued lock request in front of ours ----------------------------
# alice reads her table in an open transaction; bob... cannot lock alice's
# table, so alice's second session asks for ACCESS EXCLUSIVE and queues.
hold_open q1 "$(url alice)"
hold_send q1 "BEGIN; SELECT count(*) FROM alice.t;"
holder=$(pid_of alice_user)
hold_open q2 "$(url alice)"
hold_push q2 "BEGIN; LOCK TABLE alice.t IN ACCESS EXCLUSIVE MODE;"
if wait_waiting alice_user; then
	timed q-list "$P" --lock-timeout=$LT list --format=json
	check "queued request: list answers (rc $RC, ${SECS}s)" \
		eval '[ "$RC" = 0 ] && faster $((LT + MARGIN))'
	check "queued request: alice's size is unknown" \
		[ "$(json_get q-list '[r["size_bytes"] for r in d if r["schema"] == "alice"]')" = "[None]" ]
	before=$(snapshot)
	timed q-drop "$P" --lock-timeout=$LT drop --yes alice
	check "queued request: drop fails (rc $RC) within the bound (${SECS}s)" \
		eval '[ "$RC" = 1 ] && faster $((LT + MARGIN))'
	check "queued request: ... naming the session that holds the lock (pid $holder)" \
		err_has q-drop "pid $holder (role \"alice_user\""
	check "queued request: the database is unchanged" [ "$(snapshot)" = "$before" ]
else
	bad "queued request: alice's LOCK never queued"
fi
hold_send q1 "ROLLBACK;"
hold_close q1
hold_close q2

# -- 5. a long transaction holding row locks -------------------------------
hold_open rows "$(url alice)"
hold_send rows "BEGIN; SELECT i FROM alice.t WHERE i < 50 FOR UPDATE;"
rowpid=$(pid_of alice_user)
before=$(snapshot)
timed rows-list "$P" --lock-timeout=$LT list --format=json
check "row locks: list answers with alice's real size (rc $RC, ${SECS}s)" \
	eval '[ "$RC" = 0 ] && faster $((LT + MARGIN)) && [ "$(json_get rows-list "[r[\"size_bytes\"] > 0 for r in d if r[\"schema\"] == \"alice\"]")" = "[True]" ]'
timed rows-drop "$P" --lock-timeout=$LT drop --yes alice
check "row locks: drop fails (rc $RC) within the bound (${SECS}s) naming pid $rowpid" \
	eval '[ "$RC" = 1 ] && faster $((LT + MARGIN)) && names_blocker rows-drop "$rowpid" alice_user alice'
check "row locks: the database is unchanged" [ "$(snapshot)" = "$before" ]
timed rows-rotate "$P" --lock-timeout=$LT rotate-password bob
check "row locks: rotate-password bob works (rc $RC)" [ "$RC" = 0 ]
timed rows-audit "$P" --lock-timeout=$LT audit
check "row locks: audit finishes (rc $RC, ${SECS}s)" \
	eval '[ "$RC" -le 1 ] && faster $((LT + MARGIN)) && err_lacks rows-audit "lock|canceled"'
hold_send rows "ROLLBACK;"
hold_close rows
timed free-drop "$P" --lock-timeout=$LT drop --yes alice
check "once the locks are gone, drop alice works (rc $RC)" [ "$RC" = 0 ]

# -- 6. Ctrl-C and SIGTERM on a blocked create -----------------------------
# No tenant lock is left that blocks create once it takes no advisory lock,
# so another session's uncommitted CREATE ROLE of the same name blocks it.
# sig_case LABEL SIGNAL DELAY: block `create sig_LABEL`, then release the
# blocker (ROLLBACK) and send SIGNAL DELAY seconds apart, in either order.
# Either the tenant does not exist, or its credentials were printed and
# work; a canceled create exits 1 and says so.
sig_case() {
	local label=$1 sig=$2 delay=$3 cpid rc user="sig_${1}_user" schema="sig_$1"
	hold_open sigblk
	hold_send sigblk "BEGIN; CREATE ROLE $user;"
	"$P" --lock-timeout=0 create "$schema" --format=json >"$T/sig-$label.out" 2>"$T/sig-$label.err" &
	cpid=$!
	if ! wait_for_blocked_pgtenant >/dev/null; then
		bad "$label: create never blocked"; kill -KILL "$cpid"; wait "$cpid"
		hold_close sigblk; return
	fi
	if [ "$delay" = first ]; then
		kill "-$sig" "$cpid"; sleep 0.3; hold_send sigblk "ROLLBACK;"
	else
		hold_push sigblk "ROLLBACK;"; sleep "$delay"; kill "-$sig" "$cpid" 2>/dev/null
	fi
	wait "$cpid"; rc=$?
	hold_close sigblk
	echo "# $label: rc $rc: $(tr '\n' ' ' <"$T/sig-$label.err")"
	if [ -n "$(q -c "SELECT 1 FROM pg_namespace WHERE nspname = '$schema'")" ]; then
		check "$label: the tenant exists, so its credentials were printed (rc $rc)" \
			eval '[ "$rc" = 0 ] && [ "$(json_get "sig-$label" "d[\"schema_name\"]")" = "$schema" ]'
		check "$label: ... and they log in" \
			q -d "$(json_get "sig-$label" 'd["connection_string"]')" -o /dev/null -c "SELECT 1"
	else
		check "$label: canceled: exit 1 (got $rc), nothing on stdout" \
			eval '[ "$rc" = 1 ] && [ ! -s "$T/sig-$label.out" ]'
		check "$label: says it was interrupted and rolled back" \
			grep -q "interrupted: the server rolled the statement back" "$T/sig-$label.err"
		check "$label: no role $user either" \
			[ -z "$(q -c "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" ]
	fi
}
sig_case int INT first
check "int: a create interrupted while blocked does not exist" \
	[ -z "$(q -c "SELECT 1 FROM pg_namespace WHERE nspname = 'sig_int'")" ]
sig_case term TERM first
check "term: a create terminated while blocked does not exist" \
	[ -z "$(q -c "SELECT 1 FROM pg_namespace WHERE nspname = 'sig_term'")" ]
sig_case race0 INT 0
sig_case race1 INT 0.05
sig_case race2 TERM 0.2

# -- 7. connection limits ---------------------------------------------------
mk_tenant limdef
check "a tenant gets CONNECTION LIMIT 20 by default" \
	[ "$(q -c "SELECT rolconnlimit FROM pg_roles WHERE rolname = 'limdef_user'")" = 20 ]
echo "connection_limit = 3" >"$XDG_CONFIG_HOME/pgtenant/config"
mk_tenant limconf
check "config connection_limit = 3 is used" \
	[ "$(q -c "SELECT rolconnlimit FROM pg_roles WHERE rolname = 'limconf_user'")" = 3 ]
echo "connection_limit = 0" >"$XDG_CONFIG_HOME/pgtenant/config"
mk_tenant limnone
check "config connection_limit = 0 means none" \
	[ "$(q -c "SELECT rolconnlimit FROM pg_roles WHERE rolname = 'limnone_user'")" = -1 ]
rm -f "$XDG_CONFIG_HOME/pgtenant/config"
mk_tenant limtwo --connection-limit=2
hold_open c1 "$(url limtwo)"; hold_send c1 "SELECT 1;"
hold_open c2 "$(url limtwo)"; hold_send c2 "SELECT 1;"
third=$(psql -X -At -d "$(url limtwo)" -c "SELECT 'connected'" 2>&1)
check "a tenant cannot open more connections than its limit" \
	eval '[[ "$third" == *"too many connections for role \"limtwo_user\""* ]]'
timed lim-list "$P" list --format=csv
check "the admin still connects while the tenant is at its limit" [ "$RC" = 0 ]
hold_close c1; hold_close c2

finish
