#!/bin/bash
# A tenant that holds an index of its table in ACCESS EXCLUSIVE mode, on
# the worker that holds its shard (BEGIN; REINDEX INDEX, left idle): list
# does not wait on it; its size is unknown, the others'
# known. The sizes on the workers run with lock_timeout set there too.
. "$PT_TOP_SRCDIR/tests/citus/lib.sh"

run --stdin pw create tenant_l --password-stdin
check "create tenant_l" '[ "$RC" = 0 ]'
run --stdin pw create tenant_o --password-stdin
check "create tenant_o" '[ "$RC" = 0 ]'
as() { PGPASSWORD=pw psql -X -q -At -h 127.0.0.1 -U "$1" "${@:2}"; }
as l_user -c "CREATE TABLE tenant_l.t (id int PRIMARY KEY, v text)" \
	-c "CREATE INDEX t_v ON tenant_l.t (v)" \
	-c "INSERT INTO tenant_l.t SELECT g, 'x' FROM generate_series(1, 1000) g" >/dev/null
as o_user -c "CREATE TABLE tenant_o.t (id int)" -c "INSERT INTO tenant_o.t VALUES (1)" >/dev/null

mkfifo "$tmp/in"
as l_user <"$tmp/in" >"$tmp/l.out" 2>&1 &
exec 3>"$tmp/in"
printf 'BEGIN;\nREINDEX INDEX tenant_l.t_v;\n' >&3
held() {
	local n=0 i
	for i in 1 2; do
		# by regclass: pg_class hides shards from psql on a worker
		n=$((n + $(worker $i "SELECT count(*) FROM pg_locks l
			WHERE l.relation::regclass::text LIKE 'tenant_l.t_v_%'
			  AND l.mode = 'AccessExclusiveLock' AND l.granted")))
	done
	echo $n
}
for _ in $(seq 50); do [ "$(held)" != 0 ] && break; sleep 0.1; done
check "the shard's index is held in ACCESS EXCLUSIVE mode on its worker" '[ "$(held)" != 0 ]'

t0=$(date +%s)
RC=0
OUT=$(timeout 30 "$bin" list --format=json 2>"$tmp/err") || RC=$?
ERR=$(cat "$tmp/err")
echo "list: rc $RC in $(($(date +%s) - t0)) s: $ERR"
check "list returns, without waiting on the index" '[ "$RC" = 0 ] && [ $(($(date +%s) - t0)) -lt 5 ]'
row() { printf '%s' "$OUT" | json "[r for r in d['schemas'] if r['schema'] == '$1'][0]['$2']"; }
check "tenant_l's size is unknown" '[ "$(row tenant_l size)" = "?" ]'
check "tenant_o's size is known" '[ "$(row tenant_o size)" != "?" ]'

exec 3>&-
wait
finish citus/list_locked
