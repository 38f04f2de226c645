# A server that stops answering (issue 19, bug 2): the console's backend
# is stopped (SIGSTOP) while a query runs. Ctrl-C cancels; the second
# Ctrl-C drops the silent connection at once and the console reconnects by
# itself; keys typed meanwhile never act later, not even once the stopped
# backend runs again. During an automatic refresh, q then q abandons the
# server and quits. At 80x24 and 60x15.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

"$PGTENANT" create tenant_live >/dev/null 2>&1 || fail "setup"
now_ms() { date +%s%3N; }
stopped=""
resume() { [ -n "$stopped" ] && kill -CONT "$stopped" 2>/dev/null; stopped=""; }
trap 'resume; tui_cleanup' EXIT
# the console's own backend (not its lock watch), stopped
stop_backend() {
	local i
	for i in $(seq 100); do
		stopped=$(adm -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgtenant'")
		[ -n "$stopped" ] && break
		sleep 0.1
	done
	[ -n "$stopped" ] || fail "the console's backend is not there"
	[ "$(echo "$stopped" | wc -l)" = 1 ] || fail "more than one console backend: $stopped"
	kill -STOP "$stopped" || fail "cannot stop backend $stopped"
}

for size in 80x24 60x15; do
	tui_server "fg-$size"
	PT_TUI_ARGS="-r 0" tui_start "${size%x*}" "${size#*x}"
	wait_for 'tenant_live'
	stop_backend
	old=$stopped
	keys r
	wait_for 'Waiting for the server'
	# typed into the frozen wait: must never act
	type_text cj
	keys C-c
	wait_for 'Canceling'
	sleep 0.5        # the server stays silent: nothing changes
	screen | grep -q 'CONNECTION LOST' && fail "$size: dropped on the first Ctrl-C"
	t0=$(now_ms)
	keys C-c
	wait_for 'CONNECTION LOST|answered neither'
	ms=$(( $(now_ms) - t0 ))
	echo "$size: the second Ctrl-C dropped the silent server in $ms ms"
	[ "$ms" -lt 1000 ] || fail "$size: dropping took $ms ms"
	# back by itself on a new connection, while the old backend still sleeps
	wait_gone 'CONNECTION LOST' 15
	wait_for 'tenant_live'
	new=$(adm -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgtenant'
	              AND pid <> $old")
	[ -n "$new" ] || fail "$size: no new connection"
	resume
	# the stopped backend finds the cancel and the closed socket
	for i in $(seq 100); do
		[ -z "$(adm -c "SELECT pid FROM pg_stat_activity WHERE pid = $old")" ] && break
		sleep 0.1
	done
	[ -z "$(adm -c "SELECT pid FROM pg_stat_activity WHERE pid = $old")" ] ||
		fail "$size: the old backend lives on"
	screen | grep -q 'Create a tenant' && fail "$size: a key typed during the wait was replayed"
	screen | grep -q 'CONSOLE-EXITED' && fail "$size: the console quit"
	keys r
	wait_for 'tenant_live'
	keys q
	wait_for 'CONSOLE-EXITED rc=0'
	$PT_TMUX kill-server

	# an automatic refresh (every second) meets the stopped backend: the
	# first q cancels it, the second drops the connection, and q acts
	tui_server "bg-$size"
	PT_TUI_ARGS="-r 1" tui_start "${size%x*}" "${size#*x}"
	wait_for 'tenant_live'
	stop_backend
	# the spinner: a refresh is waiting for the stopped backend
	for i in $(seq 100); do
		screen | head -1 | grep -Eq '[|/\\-] $' && break
		sleep 0.05
	done
	screen | head -1 | grep -Eq '[|/\\-] $' || fail "$size: no refresh started"
	keys q
	sleep 0.3
	screen | grep -q 'CONSOLE-EXITED' && fail "$size: quit with the server silent"
	t0=$(now_ms)
	keys q
	wait_for 'CONSOLE-EXITED rc=0'
	ms=$(( $(now_ms) - t0 ))
	echo "$size: q q during a stalled refresh quit in $ms ms"
	[ "$ms" -lt 1000 ] || fail "$size: quitting took $ms ms"
	resume
	$PT_TMUX kill-server
done
exit 0
