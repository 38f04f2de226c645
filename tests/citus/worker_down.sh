#!/bin/bash
# A stopped worker: create, rotate-password, drop and lock fail as a
# whole, naming the worker (host:port) and never saying that the admin's
# own connection was lost; nothing is half-made or half-changed on the
# coordinator or on the worker that is up.
. "$PT_TOP_SRCDIR/tests/citus/lib.sh"

run create tenant_keep --format=json
check "create tenant_keep" '[ "$RC" = 0 ]'
verifier() { coord "SELECT rolpassword FROM pg_authid WHERE rolname = '$1'"; }
verifier_on() { worker "$1" "SELECT rolpassword FROM pg_authid WHERE rolname = '$2'"; }
before=$(verifier keep_user)
before_w1=$(verifier_on 1 keep_user)
check "the verifier is the same on worker 1" '[ -n "$before" ] && [ "$before" = "$before_w1" ]'

down="127.0.0.1:${worker_ports[1]}"
stop_worker 2
# names the node, says a node failed, never "connection lost"
named() {
	printf '%s' "$ERR" | grep -qF "$down" &&
		printf '%s' "$ERR" | grep -q "a node of the cluster failed" &&
		! printf '%s' "$ERR" | grep -qi "connection lost"
}

# on N SQL: on the coordinator (0) or worker N. made N SCHEMA ROLE: how
# many of each there are there, "schemas/roles".
on() { if [ "$1" = 0 ]; then coord "$2"; else worker "$1" "$2"; fi; }
made() {
	on "$1" "SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = '$2') || '/' ||
	                (SELECT count(*) FROM pg_roles WHERE rolname = '$3')"
}
login() { on "$1" "SELECT rolcanlogin FROM pg_roles WHERE rolname = '$2'"; }

run create tenant_new
check "create fails" '[ "$RC" = 1 ]'
check "create names the worker, not a lost connection" named
check "no schema, no role on the coordinator" '[ "$(made 0 tenant_new new_user)" = 0/0 ]'
check "no schema, no role on worker 1" '[ "$(made 1 tenant_new new_user)" = 0/0 ]'

run rotate-password tenant_keep
check "rotate-password fails" '[ "$RC" = 1 ]'
check "rotate-password names the worker" named
check "the verifier is unchanged on the coordinator" '[ "$(verifier keep_user)" = "$before" ]'
check "the verifier is unchanged on worker 1" '[ "$(verifier_on 1 keep_user)" = "$before" ]'

run lock tenant_keep
check "lock fails" '[ "$RC" = 1 ]'
check "lock names the worker" named
check "still LOGIN on the coordinator and worker 1" '[ "$(login 0 keep_user)$(login 1 keep_user)" = tt ]'

run drop tenant_keep --yes
check "drop fails" '[ "$RC" = 1 ]'
check "drop names the worker" named
check "schema and role stay on the coordinator" '[ "$(made 0 tenant_keep keep_user)" = 1/1 ]'
check "schema and role stay on worker 1" '[ "$(made 1 tenant_keep keep_user)" = 1/1 ]'

start_worker 2
check "worker 2 has the tenant as it was" '[ "$(verifier_on 2 keep_user)" = "$before" ]'
run create tenant_new
check "with the worker back, create works" '[ "$RC" = 0 ]'
finish citus/worker_down
