# Sessions per tenant in the console (issue 11): a session opened as the
# tenant (psql with its credentials) shows in the tenants list's Sessions
# column within a refresh interval; the detail lists it with its query; x
# cancels its query, X (with the pid typed) terminates it and a wrong
# answer does nothing; a read-only console refuses both; a locked tenant is
# marked; a hostile tenant's application_name and query reach the screen
# only escaped. At 60x15, 80x24, 200x50 and in French at 80x24.
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
evil=$("$PGTENANT" create tenant_evil --format=json 2>/dev/null | json connection_string)
"$PGTENANT" create tenant_zed >/dev/null 2>&1 || fail "setup: create zed"
[ -n "$acme" ] && [ -n "$evil" ] || fail "setup: no connection strings"
"$PGTENANT" lock tenant_zed >/dev/null 2>&1 || fail "setup: lock"

# The number in the Sessions column of schema $1's row ("" when not
# shown): the column is right-aligned under its title.
count_of() {
	screen | python3 -c '
import sys
lines = sys.stdin.read().split("\n")
head = [l for l in lines if "Sessions" in l]
row = [l for l in lines if l.startswith(" " + sys.argv[1] + " ")]
if head and row:
    end = head[0].index("Sessions") + len("Sessions")
    words = row[0][:end].split()
    print(words[-1] if words else "")' "$1"
}
# Wait up to $2 s for schema $1's count to be $3; $took gets the seconds
# since $t0.
wait_count() {
	local i=0
	while [ "$i" -lt $(($2 * 10)) ]; do
		if [ "$(count_of "$1")" = "$3" ]; then
			took=$(python3 -c "import sys; print('%.2f' % ($(date +%s.%N) - $t0))")
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	fail "count of $1 never became $3 (is '$(count_of "$1")')"
}
# pid of the session whose query contains $1
pid_of() {
	adm -c "SELECT pid FROM pg_stat_activity WHERE query LIKE '%$1%'
	        AND pid <> pg_backend_pid() ORDER BY backend_start LIMIT 1"
}
alive() { kill -0 "$1" 2>/dev/null; }
fits() {   # fits W H WHAT: the screen is W x H and nothing drawn past it
	[ "$(screen | wc -l)" -eq "$2" ] || fail "$3 at $1x$2: $(screen | wc -l) lines"
	[ "$(screen | LC_ALL=C.UTF-8 wc -L)" -le "$1" ] || fail "$3 at $1x$2: wider"
	screen | grep -q 'too small' && fail "$3 at $1x$2: too small"
	return 0
}
wait_dead() {
	local i=0
	while alive "$1" && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	alive "$1" && fail "$2"
	return 0
}
# Start psql as tenant ($1: connection string) sleeping with tag $2;
# $psql gets its pid, $spid the server's, its output in $PT_WORK/$2.out.
sleeper() {
	local i=0
	psql -X -q "$1" -c "SELECT pg_catalog.pg_sleep(600) /* $2 */" >"$PT_WORK/$2.out" 2>&1 &
	psql=$!
	bg_pids+=("$psql")
	while [ -z "$(pid_of "/* $2 */")" ] && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	spid=$(pid_of "/* $2 */")
	[ -n "$spid" ] || fail "the tenant's session $2 did not start"
}

# Open the detail of schema $1 from the tenants list.
open_detail() {
	keys Escape Escape
	keys /
	type_text "$1"
	keys Enter
	wait_for "^ $1 "
	keys Enter
	wait_for "$(Tre 'Open sessions: %zu' '')"
}

run() {   # run W H TAG
	local w=$1 h=$2 tag=$3
	tui_server "$tag"
	PT_TUI_ARGS='-r 1' tui_start "$w" "$h"
	wait_for ' tenant_acme '
	wait_for "$(Tre Sessions)"; ok
	[ "$(count_of tenant_acme)" = 0 ] || fail "$tag: acme has sessions before any login"; ok
	[ "$(count_of public)" = - ] || fail "$tag: public (no tenant's) shows a count"; ok
	# the locked tenant: marked in words, still listed as a tenant
	screen | grep -Eq "^ tenant_zed .*$(Tre locked)" || fail "$tag: no locked mark on tenant_zed"; ok
	screen | grep -Eq "^ tenant_acme .*$(Tre locked)" && fail "$tag: acme marked locked"; ok

	sleeper "$acme" "sleep-$tag"
	t0=$(date +%s.%N)   # the login is done: the session is in pg_stat_activity
	wait_count tenant_acme 15 1; ok
	echo "$tag: the tenant's session counted $took s after its login (-r 1)"
	fits "$w" "$h" "tenants"; ok
	# a column like the others: sorted by, most sessions first
	keys :; type_text 'sort sessions'; keys Enter
	wait_for "$(Tre Sessions)▼"
	screen | grep -A1 "$(T Sessions)▼" | tail -1 | grep -q '^ tenant_acme ' ||
		fail "$tag: :sort sessions does not put acme first"; ok
	keys :; type_text 'sort schema'; keys Enter
	wait_for 'Sch.ma▲'
	if [ "$tag" != fr ]; then
		# the mark is found by the filter too
		keys /; type_text locked; keys Enter
		wait_for '^ 1/'
		screen | grep -q '^ tenant_zed ' || fail "$tag: /locked does not find zed"; ok
		keys Escape
		wait_for ' tenant_acme '
	fi
	[ "$(count_of tenant_evil)" = 0 ] || fail "$tag: evil counts acme's session"; ok

	# the detail lists it with its query
	open_detail tenant_acme
	wait_for "$(Tre 'Open sessions: %zu' 1)"
	keys Down   # in a short pane, brings the selected session into view
	wait_for "^ +$spid +active"; ok
	wait_for 'SELECT pg_catal'; ok
	# further down (in a short pane): the selected session in full
	keys Down Down Down Down Down Down
	wait_for "sleep-$tag \\*/"; ok
	wait_for 'Timeout:PgSleep'; ok
	fits "$w" "$h" "detail"; ok
	keys Home   # the counts below are at the top of the page

	# x cancels the query: psql says so
	keys x
	wait_dead "$psql" "$tag: x did not cancel the query"
	grep -q 'canceling statement due to user request' "$PT_WORK/sleep-$tag.out" ||
		fail "$tag: psql: $(cat "$PT_WORK/sleep-$tag.out")"; ok
	wait_for "$(Tre 'Open sessions: %zu' 0)"; ok

	# X: a wrong pid typed does nothing, the right one terminates
	sleeper "$acme" "term-$tag"
	wait_for "$(Tre 'Open sessions: %zu' 1)" 10
	keys Down
	wait_for "$spid"
	keys X
	wait_for "$(Tre 'Terminate session %d? Type its pid to confirm:' "$spid" | cut -c1-16)"
	type_text 1; keys Enter
	wait_for "$(Tre 'Not confirmed: nothing was terminated.')"
	sleep 0.5
	alive "$psql" || fail "$tag: a wrong confirmation terminated the session"; ok
	keys X
	wait_for "$(Tre 'Terminate session %d? Type its pid to confirm:' "$spid" | cut -c1-16)"
	type_text "$spid"; keys Enter
	wait_dead "$psql" "$tag: X did not terminate the session"
	grep -Eq 'terminating connection|server closed the connection' "$PT_WORK/term-$tag.out" ||
		fail "$tag: psql: $(cat "$PT_WORK/term-$tag.out")"; ok
	wait_for "$(Tre 'Open sessions: %zu' 0)"; ok
	keys Escape
	wait_for ' tenant_acme '
	keys q
	wait_for 'CONSOLE-EXITED rc=0'; ok
	$PT_TMUX kill-server
}

run 60 15 s60
run 80 24 s80
run 200 50 s200
# French: the same, the console's texts looked up in the catalogue
if command -v msgfmt >/dev/null; then
	mkdir -p "$PT_WORK/locale/fr/LC_MESSAGES"
	msgfmt -o "$PT_WORK/locale/fr/LC_MESSAGES/pgtenant.mo" "$PT_TOP_SRCDIR/po/fr.po" ||
		fail "msgfmt"
	PT_MO=$PT_WORK/locale/fr/LC_MESSAGES/pgtenant.mo PT_TUI_UNSET="LC_ALL" \
	PT_TUI_ENV="LANG=fr_FR.UTF-8 LANGUAGE=fr PGTENANT_LOCALEDIR=$PT_WORK/locale" run 80 24 fr
	ok
fi

# ---- read-only: x and X are refused -------------------------------------
tui_server ro
PT_TUI_ARGS='-r 1 --read-only' tui_start 80 24
wait_for ' tenant_acme '
sleeper "$acme" ro
open_detail tenant_acme
wait_for "$(Tre 'Open sessions: %zu' 1)" 10
keys x
wait_for 'Read-only session: sessions are neither'
keys X
sleep 0.5
screen | grep -q 'Type its pid' && fail "read-only: X asked to confirm"
alive "$psql" || fail "read-only: the session was touched"; ok
kill "$psql"
keys Q
wait_for 'CONSOLE-EXITED rc=0'
$PT_TMUX kill-server

# ---- counts that cannot be read: "?", and the list still works ----------
# A role that may not read pg_stat_activity: the list (catalogs only)
# loads, the count and the detail's sessions say they are unknown.
adm -c "CREATE ROLE watcher LOGIN PASSWORD 'Watcher-pw-1';
        REVOKE SELECT ON pg_catalog.pg_stat_activity FROM PUBLIC" || fail "setup: watcher"
(umask 077; printf '*:*:*:watcher:Watcher-pw-1\n' > "$PT_WORK/pgpass")
tui_server watch
PGUSER=watcher PT_TUI_ENV="PGPASSFILE=$PT_WORK/pgpass" PT_TUI_ARGS='-r 1 --read-only' \
	tui_start 80 24
wait_for ' tenant_acme '
wait_for 'pg_stat_activity'; ok
[ "$(count_of tenant_acme)" = '?' ] || fail "unread count shows as '$(count_of tenant_acme)'"; ok
screen | grep -Eq '^ tenant_zed .*locked' || fail "no list without the counts"; ok
open_detail tenant_acme
wait_for 'Open sessions: \? \(not read'; ok
keys Q
wait_for 'CONSOLE-EXITED rc=0'
$PT_TMUX kill-server
adm -c "GRANT SELECT ON pg_catalog.pg_stat_activity TO PUBLIC; DROP ROLE watcher" ||
	fail "cleanup: watcher"

# ---- a hostile tenant's text: shown escaped, never raw --------------------
tui_server evil
PGAPPNAME=$'evil\e]0;owned\a' psql -X -q "$evil" \
	-c $'SELECT pg_catalog.pg_sleep(600) /* evil \e]2;pwned\a \e[2J */' >/dev/null 2>&1 &
bg_pids+=($!)
PT_TUI_ARGS='-r 1' tui_start 120 30
wait_for ' tenant_evil '
open_detail tenant_evil
wait_for "$(Tre 'Open sessions: %zu' 1)" 10
# the server itself makes the control characters of an application_name
# harmless ("?" before 16, "\x1b" from 16); the query's come through and
# are shown escaped
wait_for 'application: evil(.|\\x1b)\]0;owned'; ok
wait_for '/\* evil \\x1b\]2;pwned\\x07 \\x1b\[2J'; ok
title=$($PT_TMUX display -p '#{pane_title}')
case $title in *owned*|*pwned*) fail "the tenant set the pane title: $title" ;; esac; ok
screen | grep -q 'Who can reach it' || fail "the tenant's \\e[2J cleared the screen"; ok
keys Q
wait_for 'CONSOLE-EXITED rc=0'

echo "checks passed: $checks"
exit 0
