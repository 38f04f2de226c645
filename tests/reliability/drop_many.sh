#!/bin/bash
# drop of a tenant that built more than one transaction can lock (issue 18,
# finding 2): with 30,000 tables DROP SCHEMA ... CASCADE ran out of shared
# memory (max_locks_per_transaction) on every attempt, and while it ran other
# tenants' DDL failed too. Here the server's lock table is made small
# (max_locks_per_transaction = 10: 600 locks for the whole server) and the
# tenant builds 1,500 tables with primary keys, a partitioned table, views,
# functions and large objects, about 10,000 locks' worth in one
# transaction. drop must succeed, and another tenant's DDL running beside it
# must never fail.
. "$PT_TOP_SRCDIR/tests/reliability/lib.sh"

q -c "ALTER SYSTEM SET max_locks_per_transaction = 10" >/dev/null
restart_server
check "the server runs with max_locks_per_transaction = 10" \
	test "$(q -c 'SHOW max_locks_per_transaction')" = 10

url_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["connection_string"])'; }
big=$("$PGTENANT" create tenant_big --format=json | url_of)
small=$("$PGTENANT" create tenant_small --format=json | url_of)
check "two tenants" test -n "$big" -a -n "$small"

{
	for i in $(seq 1500); do echo "CREATE TABLE t$i (id int PRIMARY KEY, v text);"; done
	echo "CREATE TABLE parted (id int, v text) PARTITION BY RANGE (id);"
	for i in $(seq 0 49); do
		echo "CREATE TABLE parted_$i PARTITION OF parted FOR VALUES FROM ($((i * 10))) TO ($((i * 10 + 10)));"
	done
	for i in $(seq 20); do echo "CREATE VIEW v$i AS SELECT * FROM t$i;"; done
	for i in $(seq 200); do echo "CREATE FUNCTION f$i(int) RETURNS int LANGUAGE sql AS 'SELECT \$1 + $i';"; done
	echo "CREATE SEQUENCE counter;"
	echo "SELECT pg_catalog.lo_create(0) FROM pg_catalog.generate_series(1, 300);"
} > "$T/build.sql"
psql -X -q -v ON_ERROR_STOP=1 -d "$big" -f "$T/build.sql" >/dev/null 2>"$T/build.err"
check "tenant_big built 1,550 tables, 20 views, 200 functions, 300 large objects ($(head -c 200 "$T/build.err"))" \
	test "$(q -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	              WHERE n.nspname = 'tenant_big' AND c.relkind IN ('r', 'p')")" = 1551
check "... which one DROP SCHEMA cannot drop: out of shared memory" \
	bash -c "psql -X -q -c 'BEGIN; DROP SCHEMA tenant_big CASCADE; ROLLBACK' 2>&1 | grep -q 'out of shared memory'"

# Another tenant's DDL, all through the drop.
( n=0 fails=0
  while [ ! -e "$T/stop" ]; do
	psql -X -q -d "$small" -c "CREATE TABLE x (id int PRIMARY KEY); DROP TABLE x" >/dev/null 2>>"$T/small.err" \
		|| fails=$((fails + 1))
	n=$((n + 1))
  done
  echo "$n $fails" > "$T/small.count" ) &
side=$!
start=$(date +%s.%N)
"$PGTENANT" drop tenant_big --yes >"$T/drop.out" 2>"$T/drop.err"
rc=$?
secs=$(echo "$(date +%s.%N) - $start" | bc)
touch "$T/stop"; wait $side
echo "drop took $secs s; the other tenant's DDL: $(cat "$T/small.count") (runs, failures)"
check "drop of tenant_big exits 0 ($(head -c 300 "$T/drop.err"))" test $rc = 0
check "its schema and role are gone" \
	test "$(q -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'tenant_big'") $(q -c "SELECT count(*) FROM pg_roles WHERE rolname = 'big_user'")" = "0 0"
check "its large objects are gone" test "$(q -c 'SELECT count(*) FROM pg_largeobject_metadata')" = 0
read -r runs fails < "$T/small.count"
check "the other tenant's DDL never failed meanwhile ($runs runs, $fails failed: $(head -c 200 "$T/small.err"))" \
	test "$runs" -gt 0 -a "$fails" = 0
check "the other tenant is intact" \
	test "$(psql -X -q -At -d "$small" -c 'SELECT current_user')" = small_user

finish drop_many
