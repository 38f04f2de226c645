#!/bin/bash
# bench/citus.sh [N...] — pgtenant on a Citus coordinator against psql on
# the same cluster, and both against one plain PostgreSQL 15 on the same
# machine in the same run (issue 17). N: the tenant counts to measure list
# at (default 1000 10000). Run as bench/run --citus [N...].
#
# The cluster is shared/citus's (coordinator and two workers on loopback,
# built once); the plain server is tests/lib/pgserver.sh's. Both are
# started here and stopped at the end. Measured, each side by side:
#   create   one tenant at a time (10), pgtenant create vs the same DDL
#            through psql (which sends the plain password for the server
#            to hash; pgtenant hashes on the client and sends a verifier)
#   bulk     create --from of BULK tenants vs that DDL through psql, serial
#   list     pgtenant list vs psql reading citus_schemas (Citus) or \dn+
#            (plain), at each N
#   move     pgtenant move vs citus_schema_move through psql, 5 MB tenant
# Not a test: it prints a table; exit 0 unless nothing could be measured.
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
citus_dir=${PT_CITUS_SHARED:-$top/../shared/citus}
for t in psql hyperfine; do command -v "$t" >/dev/null || die "$t is needed"; done

dir=$(mktemp -d "${TMPDIR:-/tmp}/pgtenant-bench-citus.XXXXXX")
chmod 755 "$dir"
cleanup() {
	"$citus_dir/cluster.sh" stop "$dir/citus" >/dev/null 2>&1 || true
	"$top/tests/lib/pgserver.sh" stop "$dir/pg" >/dev/null 2>&1 || true
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

# Hardened, as a DBA runs them; the tenants' group exists from then on.
citus "$bin" harden --yes >/dev/null
plain "$bin" harden --yes >/dev/null

# fill TARGET FROM TO: tenants tenant_f<i> as pgtenant makes them (login
# role without password here: nobody logs in), the server looping; the
# first 100 get a table of 1,000 rows, so that their schemas have a node.
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
	gen "b1$target" "$BULK"
	t=$(now_ns)
	"$target" "$bin" create --from "$dir/b1$target.csv" --format=csv >/dev/null
	ours=$(ms_since "$t")
	gen "b2$target" "$BULK"
	t=$(now_ns)
	"$target" sql -f "$dir/b2$target.sql" >/dev/null
	row "$target: bulk $BULK tenants (create --from, serial psql)" "$ours" "$(ms_since "$t")"
done

have=0
for n in "${sizes[@]}"; do
	for target in citus plain; do
		fill "$target" $((have + 1)) "$n"
	done
	have=$n
	hyperfine -N --style none --warmup 1 --runs "$RUNS" --export-csv "$dir/h.csv" \
		"env PGHOST=$C_HOST PGPORT=$C_PORT $bin list --format=csv" \
		"env PGHOST=$C_HOST PGPORT=$C_PORT psql -X -At -c 'SELECT schema_name, schema_size FROM citus_schemas'" \
		"env PGHOST=$P_HOST PGPORT=$P_PORT $bin list --format=csv" \
		"env PGHOST=$P_HOST PGPORT=$P_PORT psql -X -At -c '\\dn+'" >/dev/null
	mapfile -t m < <(awk -F, 'NR > 1 { printf "%.0f\n", $4 * 1000 }' "$dir/h.csv")
	row "citus: list at $n tenants (psql: citus_schemas)" "${m[0]}" "${m[1]}"
	row "plain: list at $n tenants (psql: \\dn+)" "${m[2]}" "${m[3]}"
done

# move: two tenants of 5 MB on the same worker, one moved by each.
citus sql <<'SQL' >/dev/null
SET client_min_messages = warning;
CREATE SCHEMA tenant_m1; CREATE TABLE tenant_m1.t (g int PRIMARY KEY, v text);
INSERT INTO tenant_m1.t SELECT g, repeat('x', 100) FROM generate_series(1, 40000) g;
CREATE SCHEMA tenant_m2; CREATE TABLE tenant_m2.t (g int PRIMARY KEY, v text);
INSERT INTO tenant_m2.t SELECT g, repeat('x', 100) FROM generate_series(1, 40000) g;
SQL
node_of() {
	citus sql -c "SELECT n.nodeport FROM pg_dist_schema s JOIN pg_dist_partition p USING (colocationid)
	  JOIN pg_dist_shard sh ON sh.logicalrelid = p.logicalrelid JOIN pg_dist_placement pl USING (shardid)
	  JOIN pg_dist_node n ON n.groupid = pl.groupid WHERE s.schemaid = '$1'::regnamespace LIMIT 1"
}
other() { [ "$1" = "${wports[0]}" ] && echo "${wports[1]}" || echo "${wports[0]}"; }
mode=$(citus sql -c "SELECT CASE WHEN current_setting('wal_level') = 'logical' THEN 'auto' ELSE 'block_writes' END")
to=$(other "$(node_of tenant_m1)")
t=$(now_ns)
if citus "$bin" move tenant_m1 --to "127.0.0.1:$to" >"$dir/move.out" 2>&1; then
	ours=$(ms_since "$t")
else
	ours="failed: $(head -1 "$dir/move.out")"
fi
to=$(other "$(node_of tenant_m2)")
t=$(now_ns)
citus sql -c "SELECT citus_schema_move('tenant_m2', '127.0.0.1', $to, '$mode')" >/dev/null
row "citus: move a 5 MB tenant to the other worker ($mode)" "$ours" "$(ms_since "$t")"

echo "pgtenant on Citus $(citus sql -c "SELECT extversion FROM pg_extension WHERE extname = 'citus'")" \
	"(coordinator + 2 workers, loopback) and on plain PostgreSQL $(plain sql -c 'SHOW server_version' | cut -d' ' -f1);" \
	"$(date -u +%Y-%m-%d), $(machine)"
printf '| %s | %s | %s | %s |\n' what "pgtenant ms" "psql ms" "pgtenant/psql"
printf '|---|---:|---:|---:|\n'
for r in "${rows[@]}"; do
	IFS='|' read -r what ours theirs <<<"$r"
	ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }')
	printf '| %s | %s | %s | %s |\n' "$what" "$ours" "$theirs" "$ratio"
done
