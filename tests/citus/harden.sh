#!/bin/bash
# harden on every node of a Citus cluster: Citus propagates neither GRANT
# and REVOKE on schema public nor REVOKE EXECUTE on its own functions, so
# the plan runs those on each worker too, and says which node runs what.
# Afterwards no worker lets PUBLIC use public (an application role keeps
# it through the group), a tenant may no longer move or undistribute its
# own schema (and still uses it), and the audit finds nothing of either on
# any node. A worker that went back to PUBLIC is planned alone; a stopped
# one refuses the plan.
. "$PT_TOP_SRCDIR/tests/citus/lib.sh"

run --stdin pw create tenant_a --password-stdin
check "create tenant_a" '[ "$RC" = 0 ]'
coord "CREATE ROLE app LOGIN" >/dev/null
# on_worker N ROLE: may ROLE use schema public on worker N?
on_worker() { worker "$1" "SELECT has_schema_privilege('$2', 'public', 'USAGE')"; }
check "before: a tenant may use public on the workers" \
	'[ "$(on_worker 1 a_user)$(on_worker 2 a_user)" = tt ]'

run harden -n
check "harden -n: rc 0" '[ "$RC" = 0 ]'
check "the plan names the coordinator" \
	'grep -q "^-- on the coordinator (127.0.0.1:$PGPORT), in one transaction:" <<<"$OUT"'
check "the plan names both workers" \
	'grep -q "^-- then on every worker (127.0.0.1:${worker_ports[0]}, 127.0.0.1:${worker_ports[1]}\|127.0.0.1:${worker_ports[1]}, 127.0.0.1:${worker_ports[0]})" <<<"$OUT"'
workers_part=$(sed -n '/^-- then on every worker/,$p' <<<"$OUT")
check "the workers lose PUBLIC on public" 'grep -qx "REVOKE ALL ON SCHEMA public FROM PUBLIC;" <<<"$workers_part"'
check "the workers keep public for the non-tenant roles' group" \
	'grep -qx "GRANT USAGE ON SCHEMA public TO \"pgtenant_public_users_$PGDATABASE\";" <<<"$workers_part"'
check "the Citus functions are revoked from PUBLIC on the workers" \
	'grep -q "citus_schema_move(regnamespace,integer,citus.shard_transfer_mode)" <<<"$workers_part"'
check "nothing changed with -n" '[ "$(on_worker 1 a_user)" = t ]'

run harden --yes
check "harden --yes: rc 0" '[ "$RC" = 0 ]'
check "no worker lets the tenant use public" '[ "$(on_worker 1 a_user)$(on_worker 2 a_user)" = ff ]'
check "the application role keeps public on every worker (through the group)" \
	'[ "$(on_worker 1 app)$(on_worker 2 app)" = tt ]'
run harden -n
check "a second harden plans nothing" 'grep -q "already hardened: nothing to do" <<<"$OUT"'

# The tenant, logged in to the coordinator as it would be.
as_a() { PGPASSWORD=pw psql -X -q -At -h 127.0.0.1 -U a_user -c "$1" 2>&1; }
out=$(as_a "SELECT citus_schema_move('tenant_a', '127.0.0.1', ${worker_ports[0]})")
check "a tenant may not run citus_schema_move on its own schema ($out)" \
	'grep -q "permission denied for function citus_schema_move" <<<"$out"'
out=$(as_a "SELECT citus_schema_undistribute('tenant_a')")
check "nor citus_schema_undistribute ($out)" \
	'grep -q "permission denied for function citus_schema_undistribute" <<<"$out"'
out=$(as_a "CREATE TABLE tenant_a.t (i int); INSERT INTO tenant_a.t VALUES (1), (2); SELECT count(*) FROM tenant_a.t")
check "the tenant still creates and uses its tables ($out)" '[ "$out" = 2 ]'

run --format=json audit
check "the audit finds no public-schema finding on any node" \
	'[ "$(jq "[.findings[] | select(.rule | startswith(\"public-schema\"))] | length" <<<"$OUT")" = 0 ]'
check "nor a Citus function PUBLIC may run" \
	'[ "$(jq "[.findings[] | select(.rule == \"citus-data-move-function\")] | length" <<<"$OUT")" = 0 ]'

# A worker given back to PUBLIC: the audit names it, harden plans for it.
worker 2 "GRANT USAGE ON SCHEMA public TO PUBLIC" >/dev/null
run --format=json audit
check "a worker's public for PUBLIC is found, naming it" \
	'[ "$(jq -r "[.findings[] | select(.rule == \"public-schema-usage\") | .node] | join(\",\")" <<<"$OUT")" = "127.0.0.1:${worker_ports[1]}" ]'
run harden -n
check "harden plans the workers alone" \
	'grep -q "^-- then on every worker" <<<"$OUT" && ! grep -q "^REVOKE CONNECT" <<<"$OUT"'
run harden --yes
check "... and runs it (rc $RC)" '[ "$RC" = 0 ] && [ "$(on_worker 2 a_user)" = f ]'

# A stopped worker: harden refuses, naming it.
stop_worker 1
run harden --yes
check "a stopped worker: harden refuses (rc 1)" '[ "$RC" = 1 ]'
check "... naming it" 'grep -q "127.0.0.1:${worker_ports[0]} did not answer" <<<"$ERR"'
start_worker 1

# A lock held on a worker (a tenant's, here the admin's open transaction
# on schema public's row) stalls harden's worker half no longer than
# --lock-timeout, and the failure names that worker.
worker 2 "GRANT USAGE ON SCHEMA public TO PUBLIC" >/dev/null
psql -X -q -p "${worker_ports[1]}" -c "BEGIN" -c "GRANT CREATE ON SCHEMA public TO app" \
	-c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
blocker=$!
trap 'kill $blocker 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do
	[ "$(worker 2 "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'")" = 1 ] && break
	sleep 0.1
done
start=$SECONDS
run --lock-timeout=1 harden --yes
took=$((SECONDS - start))
check "a lock on a worker: harden gives up within the lock timeout (rc $RC, ${took}s)" \
	'[ "$RC" != 0 ] && [ "$took" -lt 20 ]'
check "... naming the worker and the lock timeout" \
	'grep -q "127.0.0.1:${worker_ports[1]}: .*lock timeout" <<<"$ERR"'
worker 2 "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'" >/dev/null
wait $blocker 2>/dev/null
run harden --yes
check "with the lock gone, harden runs (rc $RC)" '[ "$RC" = 0 ] && [ "$(on_worker 2 a_user)" = f ]'

# A worker where the admin's REVOKE is only a WARNING (someone else owns
# schema public there and granted it): not a success; the warning is
# shown with the worker's name.
coord "CREATE ROLE hadmin LOGIN CREATEROLE PASSWORD 'hpw'; ALTER DATABASE $PGDATABASE OWNER TO hadmin" >/dev/null
worker 1 "ALTER SCHEMA public OWNER TO pgtadmin; GRANT USAGE ON SCHEMA public TO PUBLIC" >/dev/null
PGUSER=hadmin PGPASSWORD=hpw run harden --yes
check "a worker's REVOKE that revoked nothing is not a success (rc $RC)" '[ "$RC" != 0 ]'
check "... its warning is shown with the worker's name" \
	'grep -q "127.0.0.1:${worker_ports[0]}: no privileges could be revoked" <<<"$ERR"'

finish citus/harden
