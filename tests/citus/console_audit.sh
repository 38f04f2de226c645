#!/bin/bash
# The console's audit screen on a Citus coordinator: a grant made on a
# worker alone is listed with its node before the finding's text, and the
# finding in full has a Node line naming it (the coordinator's findings
# say "the coordinator"). On plain PostgreSQL there is no Node line
# (tests/tui/audit_harden.sh).
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"
read -r -a worker_ports <<<"${CITUS_WORKER_PORTS:?}"

"$PGTENANT" create tenant_a >/dev/null 2>&1 || fail "setup a"
"$PGTENANT" create tenant_b >/dev/null 2>&1 || fail "setup b"
adm -c "CREATE TABLE tenant_b.t (id int)" -c "ALTER TABLE tenant_b.t OWNER TO b_user" ||
	fail "setup table"
node=$(adm -c "SELECT n.nodename || ':' || n.nodeport FROM pg_dist_shard s
	JOIN pg_dist_placement p USING (shardid) JOIN pg_dist_node n USING (groupid)
	WHERE s.logicalrelid = 'tenant_b.t'::regclass")
adm -p "${node##*:}" -c "SET citus.enable_ddl_propagation = off" \
	-c "GRANT USAGE ON SCHEMA tenant_b TO a_user" || fail "setup the worker's grant"

tui_start 120 30
wait_for 'tenant_b'
keys a
wait_for 'findings'
keys / ; type_text cross-tenant ; keys Enter
wait_for 'filter: cross-tenant'
wait_for "a_user +tenant_b +\\[$node\\] Tenant role a_user"
keys Enter
wait_for 'Rule: +cross-tenant-schema-grant'
wait_for "Node: +$node"
wait_for '^DO \$pt2\$DECLARE r record; BEGIN SELECT \* INTO r FROM pg_catalog.master_run_on_worker'
keys Escape
# Its fix while that worker is down: a failure naming it, not "Applied".
wport=${node##*:}
wnum=1; [ "$wport" = "${worker_ports[1]}" ] && wnum=2
pgctl() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$CITUS_BINDIR/pg_ctl" "$@"; else "$CITUS_BINDIR/pg_ctl" "$@"; fi; }
pgctl -D "$CITUS_DIR/worker$wnum/data" -m immediate -w stop >/dev/null || fail "stop the worker"
keys F
wait_for 'This SQL fixes 1 finding'
keys Enter
wait_for "$node: failed to connect"
screen | grep -q 'Applied 1 fix' && fail "a fix that failed on the worker reads as applied"
pgctl -D "$CITUS_DIR/worker$wnum/data" -l "$CITUS_DIR/worker$wnum/server.log" -w start >/dev/null ||
	fail "start the worker"
keys Escape
wait_for 'filter: cross-tenant'
keys Escape
wait_gone 'filter:'
keys / ; type_text public-schema-usage ; keys Enter
wait_for 'filter: public-schema-usage'
keys Enter
wait_for 'Node: +the coordinator'
keys Escape Escape Escape
wait_for 'tenant_b'
keys q
wait_for 'CONSOLE-EXITED rc=0'
exit 0
