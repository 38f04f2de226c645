# The activity screen (issue 19): every tenant's session at once. A
# tenant's session holding a lock, another blocked by it, one idle in
# transaction and an admin's session: the screen (o, :sessions) lists the
# tenants' with their states in full and the blocker's pid, longest first;
# A adds the admin's, marked as no tenant's; / filters, :sort and S sort,
# x cancels, X with a wrong pid does nothing and with the right one
# terminates, Enter opens the tenant and q comes back. A read-only console
# refuses x and X at once; a hostile application_name and query show only
# escaped. At 60x15, 80x24, 200x50 and in German at 80x24.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

json() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
bg_pids=()
cleanup() {
	for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null; done
	tui_cleanup
}
trap cleanup EXIT
checks=0
ok() { checks=$((checks + 1)); }

acme=$("$PGTENANT" create tenant_acme --format=json 2>/dev/null | json connection_string)
labs=$("$PGTENANT" create tenant_blackmesa_labs --format=json 2>/dev/null | json connection_string)
evil=$("$PGTENANT" create tenant_evil --format=json 2>/dev/null | json connection_string)
[ -n "$acme" ] && [ -n "$labs" ] && [ -n "$evil" ] || fail "setup: no connection strings"

# pid of the session whose query contains $1
pid_of() {
	adm -c "SELECT pid FROM pg_stat_activity WHERE query LIKE '%$1%'
	        AND pid <> pg_backend_pid() ORDER BY backend_start LIMIT 1"
}
wait_pid() {   # wait_pid TAG: the pid of the session tagged TAG, once it shows
	local i=0 p=
	while [ -z "$p" ] && [ "$i" -lt 200 ]; do
		p=$(pid_of "$1"); [ -n "$p" ] || sleep 0.05; i=$((i + 1))
	done
	[ -n "$p" ] || fail "session $1 did not start"
	echo "$p"
}
alive() { kill -0 "$1" 2>/dev/null; }
wait_dead() {
	local i=0
	while alive "$1" && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	alive "$1" && fail "$2"
	return 0
}
fits() {   # fits W H WHAT: the screen is W x H and nothing drawn past it
	[ "$(screen | wc -l)" -eq "$2" ] || fail "$3 at $1x$2: $(screen | wc -l) lines"
	[ "$(screen | LC_ALL=C.UTF-8 wc -L)" -le "$1" ] || fail "$3 at $1x$2: wider"
	screen | grep -q 'too small' && fail "$3 at $1x$2: too small"
	return 0
}
# The first session row under the column titles.
first_row() { screen | grep -A1 -E "^ +$(T PID)" | sed -n 2p; }
# Filter the list down to the sessions matching $1 (Enter keeps it;
# Esc would go back when no filter is set).
only() {
	keys /
	for _ in 1 2 3 4; do keys BSpace BSpace BSpace BSpace BSpace; done
	type_text "$1"
	keys Enter
	wait_for "^ 1/[0-9]+ "
}

# The sessions of one run, tagged: acme holds an ACCESS EXCLUSIVE lock
# on its table and sleeps, a second acme session waits for that lock,
# blackmesa_labs sits idle in its transaction, the admin sleeps.
start_sessions() {
	local tag=$1 i=0
	adm -c "CREATE TABLE IF NOT EXISTS tenant_acme.t_$tag (x int);
	        ALTER TABLE tenant_acme.t_$tag OWNER TO acme_user" || fail "setup: table"
	psql -X -q "$acme" -c "BEGIN; LOCK TABLE tenant_acme.t_$tag; SELECT pg_catalog.pg_sleep(600) /* lock-$tag */" \
		>/dev/null 2>&1 &
	bg_pids+=($!)
	while [ -z "$(adm -c "SELECT 1 FROM pg_locks WHERE granted AND mode = 'AccessExclusiveLock'
	                      AND relation = 'tenant_acme.t_$tag'::regclass")" ] && [ "$i" -lt 200 ]; do
		sleep 0.05; i=$((i + 1))
	done
	locker=$(wait_pid "lock-$tag")
	psql -X -q "$acme" -c "SELECT count(*) FROM tenant_acme.t_$tag /* blocked-$tag */" \
		>"$PT_WORK/blocked-$tag.out" 2>&1 &
	blocked_psql=$!
	bg_pids+=($!)
	blocked=$(wait_pid "blocked-$tag")
	{ echo "BEGIN; SELECT 1 /* iit-$tag */;"; sleep 600; } | psql -X -q "$labs" \
		>"$PT_WORK/iit-$tag.out" 2>&1 &
	iit_psql=$!
	bg_pids+=($!)
	iit=$(wait_pid "iit-$tag")
	psql -X -q -c "SELECT pg_catalog.pg_sleep(600) /* admin-$tag */" >/dev/null 2>&1 &
	bg_pids+=($!)
	admin=$(wait_pid "admin-$tag")
}
end_sessions() {
	adm -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	        WHERE query LIKE '%-$1 */%' AND pid <> pg_backend_pid()" >/dev/null
}

run() {   # run W H TAG
	local w=$1 h=$2 tag=$3
	start_sessions "$tag"
	tui_server "$tag"
	PT_TUI_ARGS='-r 1' tui_start "$w" "$h"
	wait_for ' tenant_acme '
	if [ "$tag" = a80 ]; then
		keys :; type_text sessions; keys Enter
	else
		keys o
	fi
	wait_for "> $(Tre Sessions)"
	wait_for "^ +$iit "; ok
	# every tenant session, its state in full, the blocker named
	screen | grep -Eq "^ +$locker +tenant_acme +active " || fail "$tag: no locker row"; ok
	screen | grep -Eq "^ +$blocked +tenant_acme +waiting .*(pid $locker|$(T 'pid %s' | cut -c1-3))" ||
		fail "$tag: the blocked session does not name its blocker"; ok
	screen | grep -Eq "^ +$iit +tenan.*labs +idle in transaction " ||
		fail "$tag: idle in transaction not shown in full"; ok
	screen | grep -Eq "^ +$admin " && fail "$tag: the admin's session shows among the tenants'"; ok
	fits "$w" "$h" "activity"; ok
	# longest first: the locker's query started first
	first_row | grep -Eq "^ +$locker " || fail "$tag: not sorted by duration: $(first_row)"; ok
	keys S
	first_row | grep -Eq "^ +$locker " && sleep 0.3
	first_row | grep -Eq "^ +$locker " && fail "$tag: S did not reverse the order"; ok
	keys :; type_text 'sort pid'; keys Enter
	wait_for "$(Tre PID)▼"
	top=$(printf '%s\n' "$locker" "$blocked" "$iit" | sort -n | tail -1)
	first_row | grep -Eq "^ +$top " || fail "$tag: :sort pid: $(first_row)"; ok
	# A: every session, the admin's marked as no tenant's
	keys A
	wait_for "^ +$admin +\\($PGUSER\\) "; ok
	fits "$w" "$h" "activity, all"; ok
	keys A
	wait_gone "^ +$admin "; ok
	# a session that starts now shows with the next refresh (-r 1), no key
	psql -X -q "$labs" -c "SELECT pg_catalog.pg_sleep(600) /* late-$tag */" >/dev/null 2>&1 &
	bg_pids+=($!)
	late=$(wait_pid "late-$tag")
	wait_for "^ +$late +tenan.*labs +active " 5; ok
	# the filter
	keys /; type_text labs
	wait_for "^ +$iit "
	screen | grep -Eq "^ +$locker " && fail "$tag: /labs shows acme"; ok
	keys Escape
	wait_for "^ +$locker "; ok

	# x cancels the blocked query: psql says so
	only "blocked-$tag"
	keys x
	wait_dead "$blocked_psql" "$tag: x did not cancel the blocked query"
	grep -q 'canceling statement due to user request' "$PT_WORK/blocked-$tag.out" ||
		fail "$tag: psql: $(cat "$PT_WORK/blocked-$tag.out")"; ok
	# X: a wrong pid typed does nothing, the right one terminates
	only "iit-$tag"
	keys X
	wait_for "$(Tre 'Terminate session %d? Type its pid to confirm:' "$iit" | cut -c1-16)"
	type_text 1; keys Enter
	wait_for "$(Tre 'Not confirmed: nothing was terminated.')"
	sleep 0.5
	[ -n "$(pid_of "iit-$tag")" ] || fail "$tag: a wrong pid terminated the session"; ok
	keys X
	wait_for "$(Tre 'Terminate session %d? Type its pid to confirm:' "$iit" | cut -c1-16)"
	type_text "$iit"; keys Enter
	wait_for "$(Tre 'Session %d terminated.' "$iit")"
	[ -z "$(pid_of "iit-$tag")" ] || fail "$tag: X did not terminate the session"; ok
	# Enter: the session's tenant; q comes back
	only "lock-$tag"
	keys Enter
	wait_for "$(Tre Schema) +tenant_acme"; ok
	keys q
	wait_for "^ +$locker +tenant_acme"; ok
	keys q
	wait_for ' tenant_evil '; ok
	keys Q
	wait_for 'CONSOLE-EXITED rc=0'; ok
	$PT_TMUX kill-server
	end_sessions "$tag"
}

run 60 15 a60
run 80 24 a80
run 200 50 a200
# German: the same, the console's texts looked up in the catalogue
if command -v msgfmt >/dev/null; then
	mkdir -p "$PT_WORK/locale/de/LC_MESSAGES"
	msgfmt -o "$PT_WORK/locale/de/LC_MESSAGES/pgtenant.mo" "$PT_TOP_SRCDIR/po/de.po" ||
		fail "msgfmt"
	PT_MO=$PT_WORK/locale/de/LC_MESSAGES/pgtenant.mo PT_TUI_UNSET="LC_ALL" \
	PT_TUI_ENV="LANG=de_DE.UTF-8 LANGUAGE=de PGTENANT_LOCALEDIR=$PT_WORK/locale" run 80 24 de
	ok
fi

# ---- read-only: x and X are refused at once -------------------------------
start_sessions ro
tui_server ro
PT_TUI_ARGS='-r 1 --read-only' tui_start 80 24
wait_for ' tenant_acme '
keys o
wait_for "^ +$iit "
only "iit-ro"
keys x
wait_for 'Read-only session: sessions are neither'; ok
keys X
sleep 0.5
screen | grep -q 'Type its pid' && fail "read-only: X asked to confirm"; ok
[ -n "$(pid_of "iit-ro")" ] || fail "read-only: the session was touched"; ok
keys Q
wait_for 'CONSOLE-EXITED rc=0'
$PT_TMUX kill-server
end_sessions ro

# ---- a hostile tenant's text: shown escaped, never raw --------------------
tui_server evil
PGAPPNAME=$'evil\e]0;owned\a' psql -X -q "$evil" \
	-c $'SELECT pg_catalog.pg_sleep(600) /* evil \e]2;pwned\a \e[2J */' >/dev/null 2>&1 &
bg_pids+=($!)
evilpid=$(wait_pid 'evil ')
PT_TUI_ARGS='-r 1' tui_start 120 30
wait_for ' tenant_evil '
keys o
wait_for "^ +$evilpid +tenant_evil"
only tenant_evil
# the server makes an application_name's controls harmless ("?" before
# 16); the query's come through and are shown escaped, in the row and in
# full under the list
wait_for 'app evil(.|\\x1b)\]0;owned'; ok
wait_for '/\* evil \\x1b\]2;pwned\\x07 \\x1b\[2J'; ok
title=$($PT_TMUX display -p '#{pane_title}')
case $title in *owned*|*pwned*) fail "the tenant set the pane title: $title" ;; esac; ok
screen | grep -q "$(T Tenant)" || fail "the tenant's \\e[2J cleared the screen"; ok
keys Q
wait_for 'CONSOLE-EXITED rc=0'

echo "checks passed: $checks"
exit 0
