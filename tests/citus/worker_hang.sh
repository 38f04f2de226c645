#!/bin/bash
# A worker that hangs after it connected (its backends stopped: a frozen
# machine, a network that drops packets) holds a statement that reaches the
# workers until --node-timeout, then the error names it, for audit and
# list alike; today's main waited until Ctrl-C. Connecting to a hung worker
# was bounded already (citus.node_connection_timeout).
. "$PT_TOP_SRCDIR/tests/citus/lib.sh"

run --stdin pw create tenant_a --password-stdin
check "create tenant_a" '[ "$RC" = 0 ]'
coord "CREATE TABLE tenant_a.t (i int)" >/dev/null

w1=127.0.0.1:${worker_ports[0]}
pm=$(head -1 "$CITUS_DIR/worker1/data/postmaster.pid")
stopped=$tmp/stopped
: >"$stopped"
stopper=
resume() {
	[ -n "$stopper" ] && kill "$stopper" 2>/dev/null && wait "$stopper" 2>/dev/null
	stopper=
	while read -r p; do kill -CONT "$p" 2>/dev/null; done <"$stopped"
	: >"$stopped"
}
trap 'resume; rm -rf "$tmp"' EXIT
hang() {
	python3 "$PT_TOP_SRCDIR/tests/citus/stopper.py" "$pm" "$stopped" 120 &
	stopper=$!
	# Python alone takes 2 s to start on a loaded machine
	for _ in $(seq 300); do [ -e "$stopped.ready" ] && break; sleep 0.1; done
	rm -f "$stopped.ready"
}
# today's main would wait forever: the whole command bounded here
printf '#!/bin/sh\nexec timeout 90 "%s" "$@"\n' "$PGTENANT" >"$tmp/pt"
chmod +x "$tmp/pt"
bin=$tmp/pt

for cmd in audit list; do
	hang
	start=$SECONDS
	run --node-timeout=5 $cmd
	took=$((SECONDS - start))
	resume
	check "$cmd with a hung worker ends (rc $RC, ${took}s)" '[ "$RC" != 0 ] && [ "$RC" != 124 ] && [ "$took" -lt 45 ]'
	check "... naming it" 'grep -q "$w1 did not answer within 5 s" <<<"$ERR"'
	check "... as a node's failure" 'grep -q "a node of the cluster failed" <<<"$ERR"'
done

run audit
check "with the worker back, audit runs (rc $RC)" '[ "$RC" = 0 ] || [ "$RC" = 1 ]'
check "... and finds it reachable" '! grep -q citus-node-unreachable <<<"$OUT"'

finish citus/worker_hang
