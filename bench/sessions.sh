#!/bin/bash
# bench/sessions.sh [N]... — the tenants' sessions query (pgtenant sessions;
# the console's per-tenant count runs the same tenant CTEs) on a throwaway
# server holding N tenants (default: 0 and 10000; see bench/fixture.sh)
# with S tenant sessions open (PT_BENCH_SESSIONS, default 40: the test
# server allows 60 connections). Prints, per N, the server's own time for
# each query (log_min_duration_statement) and the wall time of the whole
# command. Not a test: it prints numbers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(0 10000)
sessions=${PT_BENCH_SESSIONS:-40}
runs=${PT_BENCH_RUNS:-10}
bin=${PGTENANT:-$top/build/pgtenant}
[ -x "$bin" ] || { echo "bench/sessions.sh: no pgtenant at $bin: set PGTENANT" >&2; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/pgtenant-bench-sessions.XXXXXX")
chmod 755 "$dir"
bg=()
cleanup() {
	for p in "${bg[@]}"; do kill "$p" 2>/dev/null || true; done
	"$top/tests/lib/pgserver.sh" stop "$dir/pg" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
eval "$("$top/tests/lib/pgserver.sh" start "$dir/pg")"
export PT_BENCH_DB=bench XDG_CONFIG_HOME=$dir/xdg LC_ALL=C.UTF-8 LANGUAGE=
log=$PT_TEST_SERVER_LOG
psql -X -q -d postgres -c "ALTER SYSTEM SET log_min_duration_statement = 0" \
	-c "ALTER SYSTEM SET log_statement = 'none'" -c "SELECT pg_reload_conf()" >/dev/null

# median of the numbers on stdin
median() { sort -n | awk '{a[NR] = $1} END {print NR ? a[int((NR + 1) / 2)] : "-"}'; }

for n in "${sizes[@]}"; do
	for p in "${bg[@]}"; do kill "$p" 2>/dev/null || true; done
	bg=()
	# pg_sleep does not notice its client is gone: end the backends too.
	psql -X -q -At -d postgres -c "SELECT pg_catalog.count(pg_catalog.pg_terminate_backend(pid))
		FROM pg_catalog.pg_stat_activity WHERE datname = 'bench'" >/dev/null
	sleep 1
	if [ "$n" -eq 0 ]; then
		# fixture.sh wants at least one tenant
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
	else
		"$here/fixture.sh" "$n" 2>&1 | sed 's/^/  /'
	fi
	export PGDATABASE=bench
	# S sessions: of fixture tenants when there are any, else of one made here.
	open=0
	if [ "$n" -eq 0 ]; then
		"$bin" create tenant_solo --password-stdin --format=csv <<<"Bench pw 1" >/dev/null 2>&1
	fi
	for i in $(seq "$sessions"); do
		if [ "$n" -eq 0 ]; then u=solo_user; else u=fx$(( (i - 1) % n + 1 ))_user; fi
		[ "$n" -eq 0 ] || psql -X -q -c "ALTER ROLE $u PASSWORD 'Bench pw 1'" >/dev/null
		PGPASSWORD='Bench pw 1' psql -X -q -h 127.0.0.1 -U "$u" \
			-c "SELECT pg_catalog.pg_sleep(600)" >/dev/null 2>&1 &
		bg+=($!)
		open=$((open + 1))
	done
	sleep 2
	before=$(wc -l <"$log")
	walls=()
	for r in $(seq "$runs"); do
		s=$(date +%s%N)
		"$bin" sessions --format=csv >"$dir/out.csv"
		walls+=($(( ($(date +%s%N) - s) / 1000000 )))
	done
	listed=$(($(wc -l <"$dir/out.csv") - 1))
	tail -n +"$before" "$log" >"$dir/log.part"
	# the execute phase of the parameterised query
	q=$(sed -n 's/.*duration: \([0-9.]*\) ms  execute.*SELECT tr.schemas.*/\1/p' \
		"$dir/log.part" | median)
	wall=$(printf '%s\n' "${walls[@]}" | median)
	printf 'tenants %6d  sessions open %3d listed %3d  sessions query %8s ms (server, median of %d)  pgtenant sessions %5s ms (wall)\n' \
		"$n" "$open" "$listed" "$q" "$runs" "$wall"
	psql -X -q -At -c "SELECT 1" >/dev/null
done
