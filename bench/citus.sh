#!/bin/bash
# bench/citus.sh [N...] — pgtenant on a Citus coordinator against psql on
# the same cluster, and both against one plain PostgreSQL 15 on the same
# machine in the same run (issue 17). N: the tenant counts to measure list
# at (default 1000 10000). Run as bench/run --citus [N...].
#
# The cluster is shared/citus's (coordinator and two workers on loopback,
# built once); the plain server is tests/lib/pgserver.sh's. Both are
# started here and stopped at the end. Measured, each side by side, psql
# running pgtenant's own DDL with verifiers hashed before its clock starts
# (bench/lib.sh's gen_bulk):
#   create   10 tenants, a pgtenant create each vs a psql process each
#   bulk     create --from of BULK tenants (default jobs) vs that DDL
#            through one psql, one transaction a tenant
#   list     pgtenant list vs the catalog query it sent, taken from the
#            server's log and run by psql with pgtenant's session settings
#            (jit off, see below), and vs psql reading citus_schemas
#            (Citus) or \dn+ (plain), at each N (median of RUNS)
#   move     pgtenant move vs citus_schema_move through psql in the mode
#            pgtenant picks, a 5 MB tenant each, in turns (median of MOVES)
# The fixture: tenant_f1..N made by one DO loop on the server, committing
# every 100 (on Citus one two-phase commit to the workers per 100 tenants,
# where a transaction a tenant costs one each), with pgtenant's DDL but no
# password: list reads none, and each verifier would cost a PBKDF2 (the
# server's check that it is not of '') on each of the three nodes. The
# first 100 get a table of 1,000 rows, so that their schemas have a node.
# 1,000 took 39-60 s on Citus (2 s plain) on the 2-core machine at load 9-11.
# Progress goes to standard error; PT_BENCH_BULK, PT_BENCH_RUNS and
# PT_BENCH_MOVES set 100, 5 and 3; PT_BENCH_SAVE=DIR keeps list's queries,
# their plans (EXPLAIN ANALYZE, with and without those settings) and the
# times of every run in DIR.
# Not a test: it prints a table; it stops (exit 1) if a command fails or
# list does not show the fixture.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"
find_bin
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
for n in "${sizes[@]}"; do
	case $n in ''|*[!0-9]*) echo "usage: $0 [N...]" >&2; exit 2 ;; esac
done
BULK=${PT_BENCH_BULK:-100}
RUNS=${PT_BENCH_RUNS:-5}
MOVES=${PT_BENCH_MOVES:-3}
citus_dir=${PT_CITUS_SHARED:-$top/../shared/citus}
for t in psql hyperfine; do command -v "$t" >/dev/null || die "$t is needed"; done

dir=$(mktemp -d "${TMPDIR:-/tmp}/pgtenant-bench-citus.XXXXXX")
chmod 755 "$dir"
cleanup() {
	"$citus_dir/cluster.sh" stop "$dir/citus" >/dev/null 2>&1 || true
	"$top/tests/lib/pgserver.sh" stop "$dir/pg" >/dev/null 2>&1 || true
	# PT_BENCH_SAVE=DIR keeps list's queries, their plans and every run's time
	[ -z "${PT_BENCH_SAVE:-}" ] || cp "$dir"/list-*.sql "$dir"/*.plan "$dir"/h-*.json "$PT_BENCH_SAVE"/ 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export XDG_CONFIG_HOME=$dir/xdg LC_ALL=C.UTF-8 LANGUAGE= PGUSER=pgtadmin PGDATABASE=postgres

# Both servers; each command below says which it talks to.
eval "$("$citus_dir/cluster.sh" start "$dir/citus")"
C_HOST=$PGHOST C_PORT=$PGPORT
read -r -a wports <<<"$CITUS_WORKER_PORTS"
eval "$("$top/tests/lib/pgserver.sh" start "$dir/pg")"
P_HOST=$PGHOST P_PORT=$PGPORT
on() { local h=$1 p=$2; shift 2; PGHOST=$h PGPORT=$p "$@"; }
citus() { on "$C_HOST" "$C_PORT" "$@"; }
plain() { on "$P_HOST" "$P_PORT" "$@"; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

rows=()
row() { rows+=("$1|$2|$3"); }   # what, pgtenant ms, psql ms
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%H:%M)
# Progress on standard error: what runs, since when (the table comes last).
step() { echo "bench: $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg): $*" >&2; }

# Hardened, as a DBA runs them; the tenants' group exists from then on.
citus "$bin" harden --yes >/dev/null
plain "$bin" harden --yes >/dev/null

# fill TARGET FROM TO: the fixture's tenants FROM..TO (see the top).
fill() {
	"$1" sql <<SQL
SET client_min_messages = warning;
DO \$\$
DECLARE g text := 'pgtenant_tenants_' || current_database(); s text; u text;
BEGIN
	FOR i IN $2..$3 LOOP
		s := 'tenant_f' || i; u := 'f' || i || '_user';
		EXECUTE format('CREATE ROLE %I LOGIN NOINHERIT CONNECTION LIMIT 20', u);
		EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', s, u);
		EXECUTE format('GRANT %I TO %I', g, u);
		EXECUTE format('ALTER ROLE %I IN DATABASE %I SET search_path = %I', u, current_database(), s);
		IF i <= 100 THEN
			EXECUTE format('CREATE TABLE %I.items (id int PRIMARY KEY, v text)', s);
			EXECUTE format('INSERT INTO %I.items SELECT g, md5(g::text) FROM generate_series(1, 1000) g', s);
		END IF;
		IF i % 100 = 0 THEN COMMIT; END IF;
	END LOOP;
END
\$\$;
SQL
}

ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }

# The psql side runs pgtenant's own DDL with verifiers hashed before its
# clock (bench/lib.sh's gen_bulk, as bench/run --scale).
find_verifier
gen() { gen_bulk "$1" postgres "$2"; }
for target in citus plain; do
	"$target" bulk_shape
	step "$target: create, 10 tenants each way"
	# create, one at a time
	gen "c1$target" 10
	t=$(now_ns)
	tail -n +2 "$dir/c1$target.csv" | while IFS=, read -r s u pw; do
		printf '%s' "$pw" | "$target" "$bin" create "$s" --user="$u" --password-stdin --format=csv >/dev/null
	done
	ours=$(ms_since "$t")
	# psql too: a process and a session per tenant
	gen "c2$target" 10
	split -l 6 "$dir/c2$target.sql" "$dir/c2$target.part."
	t=$(now_ns)
	for f in "$dir/c2$target.part."*; do "$target" sql -f "$f" >/dev/null; done
	row "$target: create 10 tenants, a command each" "$ours" "$(ms_since "$t")"
	# bulk
	step "$target: bulk of $BULK each way"
	gen "b1$target" "$BULK"
	t=$(now_ns)
	"$target" "$bin" create --from "$dir/b1$target.csv" --format=csv >/dev/null
	ours=$(ms_since "$t")
	gen "b2$target" "$BULK"
	t=$(now_ns)
	"$target" sql -f "$dir/b2$target.sql" >/dev/null
	row "$target: bulk $BULK tenants (create --from, serial psql)" "$ours" "$(ms_since "$t")"
done

# list_sql TARGET LOG: list's catalog query on TARGET, from its server's log
# (log_statement = all on both), into $dir/list-TARGET.sql; psql must get as
# many rows from it as list printed, and those must hold the fixture.
list_sql() {
	local off
	off=$(stat -c %s "$2")
	"$1" "$bin" list --format=csv > "$dir/list-$1.csv"
	list_query "$2" "$off" > "$dir/list-$1.sql"
	grep -q pg_total_relation_size "$dir/list-$1.sql" || die "$1: no list query in $2"
	"$1" psql -X -q --csv -v ON_ERROR_STOP=1 -c 'SET jit = off' -c 'SET search_path = pg_catalog' \
		-f "$dir/list-$1.sql" > "$dir/psql-$1.csv"
	[ "$(wc -l < "$dir/list-$1.csv")" = "$(wc -l < "$dir/psql-$1.csv")" ] ||
		die "$1: list printed $(wc -l < "$dir/list-$1.csv") lines, its query through psql $(wc -l < "$dir/psql-$1.csv")"
	[ "$(grep -c '^tenant_f' "$dir/list-$1.csv")" = "$n" ] || die "$1: list shows $(grep -c '^tenant_f' "$dir/list-$1.csv") of $n fixture tenants"
}

# psql runs it in pgtenant's session settings: JIT compiling this query
# took psql 7.0 s of its 8.1 s on plain PostgreSQL and 8.8 s of 10.2 s on
# the coordinator at 10,000 tenants (EXPLAIN ANALYZE, load 9-16), where
# pgtenant's session has jit off.
same="-c 'SET jit = off' -c 'SET search_path = pg_catalog'"
have=0
for n in "${sizes[@]}"; do
	for target in citus plain; do
		step "$target: fixture to $n tenants"
		fill "$target" $((have + 1)) "$n"
	done
	have=$n
	list_sql citus "$CITUS_DIR/coord/server.log"
	list_sql plain "$PT_TEST_SERVER_LOG"
	step "list at $n, $RUNS runs of each of 6 commands"
	c="env PGHOST=$C_HOST PGPORT=$C_PORT" p="env PGHOST=$P_HOST PGPORT=$P_PORT"
	hyperfine -N --style none --warmup 1 --runs "$RUNS" --export-csv "$dir/h.csv" --export-json "$dir/h-$n.json" \
		"$c $bin list --format=csv" \
		"$c psql -X -q --csv $same -f $dir/list-citus.sql" \
		"$c psql -X -At -c 'SELECT schema_name, schema_size FROM citus_schemas'" \
		"$p $bin list --format=csv" \
		"$p psql -X -q --csv $same -f $dir/list-plain.sql" \
		"$p psql -X -At -c '\\dn+'" >/dev/null
	# the median is the 4th field from the end: the command has commas
	mapfile -t m < <(awk -F, 'NR > 1 { printf "%.0f\n", $(NF - 4) * 1000 }' "$dir/h.csv")
	row "citus: list at $n tenants (psql: the same query)" "${m[0]}" "${m[1]}"
	row "citus: list at $n tenants (psql: citus_schemas)" "${m[0]}" "${m[2]}"
	row "plain: list at $n tenants (psql: the same query)" "${m[3]}" "${m[4]}"
	row "plain: list at $n tenants (psql: \\dn+)" "${m[3]}" "${m[5]}"
	if [ -n "${PT_BENCH_SAVE:-}" ]; then
		# the query's plan as psql runs it, and with pgtenant's session settings
		for target in citus plain; do
			for pre in "" "SET jit = off; SET search_path = pg_catalog;"; do
				{ echo "$pre"; echo "EXPLAIN (ANALYZE, BUFFERS, SETTINGS)"; cat "$dir/list-$target.sql"; } |
					"$target" psql -X -q -f - > "$dir/$target-$n${pre:+-session}.plan" 2>&1 || true
			done
		done
	fi
done

step "move, $MOVES rounds"
# move: two tenants of 5 MB on the same worker, made by pgtenant create, their
# tables by the tenants themselves (Citus moves a schema as its owner); each
# round moves one with pgtenant and the other with citus_schema_move in the
# mode pgtenant picks, in turns, each to the worker it is not on.
for m in m1 m2; do
	citus "$bin" create "tenant_$m" --user="${m}_user" --format=csv >/dev/null
	citus sql <<SQL >/dev/null
SET ROLE ${m}_user;
CREATE TABLE tenant_$m.t (g int PRIMARY KEY, v text);
INSERT INTO tenant_$m.t SELECT g, repeat('x', 100) FROM generate_series(1, 40000) g;
SQL
done
node_of() {
	citus sql -c "SELECT n.nodeport FROM pg_dist_schema s JOIN pg_dist_partition p USING (colocationid)
	  JOIN pg_dist_shard sh ON sh.logicalrelid = p.logicalrelid JOIN pg_dist_placement pl USING (shardid)
	  JOIN pg_dist_node n ON n.groupid = pl.groupid WHERE s.schemaid = '$1'::regnamespace LIMIT 1"
}
other() { [ "$1" = "${wports[0]}" ] && echo "${wports[1]}" || echo "${wports[0]}"; }
mode=$(citus sql -c "SELECT CASE WHEN bool_and(result = 'logical') THEN 'force_logical' ELSE 'block_writes' END
  FROM (SELECT current_setting('wal_level') AS result
        UNION ALL SELECT result FROM run_command_on_workers('SHOW wal_level')) w")
size=$(citus sql -c "SELECT schema_size FROM citus_schemas WHERE schema_name = 'tenant_m1'::regnamespace")
declare -a mo mp
move_ours() {
	local to t
	to=$(other "$(node_of tenant_m1)")
	t=$(now_ns)
	citus "$bin" move tenant_m1 --to "127.0.0.1:$to" >"$dir/move.out" 2>&1 ||
		die "pgtenant move failed: $(head -3 "$dir/move.out")"
	mo+=("$(ms_since "$t")")
	[ "$(node_of tenant_m1)" = "$to" ] || die "pgtenant move left tenant_m1 where it was"
}
move_psql() {
	local to t
	to=$(other "$(node_of tenant_m2)")
	t=$(now_ns)
	citus sql -c "SELECT citus_schema_move('tenant_m2', '127.0.0.1', $to, '$mode')" >/dev/null
	mp+=("$(ms_since "$t")")
}
for ((r = 1; r <= MOVES; r++)); do
	if ((r % 2)); then move_ours; move_psql; else move_psql; move_ours; fi
done
row "citus: move a $size tenant to the other worker ($mode, median of $MOVES)" \
	"$(printf '%s\n' "${mo[@]}" | ms_median)" "$(printf '%s\n' "${mp[@]}" | ms_median)"
note="move, each: pgtenant ${mo[*]} ms; psql ${mp[*]} ms"

echo "pgtenant on Citus $(citus sql -c "SELECT extversion FROM pg_extension WHERE extname = 'citus'")" \
	"(coordinator + 2 workers, loopback) and on plain PostgreSQL $(plain sql -c 'SHOW server_version' | cut -d' ' -f1);" \
	"$(date -u +%Y-%m-%d) $started–$(date -u +%H:%M) UTC, $(machine) (load at the start $load_start)"
printf '| %s | %s | %s | %s |\n' what "pgtenant ms" "psql ms" "pgtenant/psql"
printf '|---|---:|---:|---:|\n'
for r in "${rows[@]}"; do
	IFS='|' read -r what ours theirs <<<"$r"
	ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }')
	printf '| %s | %s | %s | %s |\n' "$what" "$ours" "$theirs" "$ratio"
done
echo "$note"
