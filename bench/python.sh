#!/bin/bash
# bench/run --python [N] — a program's onboarding loop: N (default 1000)
# tenants created one call at a time from Python, the pgtenant package's
# DatabaseAdmin.create_tenant (on libpgtenant of the build tree) against
# psycopg running the same DDL, one transaction a tenant, with the SCRAM
# verifiers libpq made of the same passwords before its clock starts (as
# bench/lib.sh's gen_bulk does for psql). Both on one throwaway server, into
# a database holding no tenant but the group; $PT_BENCH_PY_RUNS (3) rounds,
# the two sides taking turns, each round's tenants dropped again. Also the
# verifier alone (bench/verifier: libpq's against pgtenant's, per call).
# Needs python3 with psycopg (3, or 2); not part of make check.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

whole_arg "bench/run --python [N]" 1000 "$@"
RUNS=${PT_BENCH_PY_RUNS:-3}

find_bin
find_verifier
lib=$(dirname "$bin")/src/.libs/libpgtenant.so.0
[ -e "$lib" ] || die "no $lib: build the tree (make)"
py=
for cand in ${PT_PYTHON:-} python3 /usr/bin/python3; do
	if command -v "$cand" >/dev/null && "$cand" -c 'import psycopg' 2>/dev/null; then
		py=$cand; break
	fi
	if command -v "$cand" >/dev/null && "$cand" -c 'import psycopg2' 2>/dev/null; then
		py=$cand; break
	fi
done
[ -n "$py" ] || die "no python3 with psycopg (Debian: python3-psycopg)"
pyver=$("$py" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
pgver=$("$py" -c 'import psycopg; print("psycopg", psycopg.__version__)' 2>/dev/null ||
	"$py" -c 'import psycopg2; print("psycopg2", psycopg2.__version__.split()[0])')

dir=$(mktemp -d "${TMPDIR:-/tmp}/pgtenant-python.XXXXXX")
chmod 755 "$dir"
cleanup() {
	"$top/tests/lib/pgserver.sh" stop "$dir/pg" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

eval "$("$top/tests/lib/pgserver.sh" start "$dir/pg")"
export PGDATABASE=postgres XDG_CONFIG_HOME=$dir/xdg LC_ALL=C.UTF-8 LANGUAGE=
db=bench_py
psql -X -q -v ON_ERROR_STOP=1 <<SQL
CREATE DATABASE $db;
\connect $db
CREATE ROLE pgtenant_tenants_$db NOLOGIN NOINHERIT;
COMMENT ON ROLE pgtenant_tenants_$db IS 'pgtenant: tenants of database $db';
GRANT CONNECT ON DATABASE $db TO pgtenant_tenants_$db;
SQL
export PGDATABASE=$db
bulk_shape
export PT_BENCH_INHERIT=$inherit PT_BENCH_GRANT_OPT=$grant_opt
export PGTENANT_LIBRARY=$lib PYTHONPATH=$top/python PYTHONDONTWRITEBYTECODE=1

"$verifier" 20 > "$dir/verifier.txt" 2>&1 || die "bench/verifier: $(head -1 "$dir/verifier.txt")"
v_libpq=$(sed -n 's/^libpq .* median \([0-9]*\) us$/\1/p' "$dir/verifier.txt")
v_ours=$(sed -n 's/^pgtenant .* median \([0-9]*\) us$/\1/p' "$dir/verifier.txt")

declare -A took
sides=(psycopg pgtenant)
for ((r = 1; r <= RUNS; r++)); do
	for ((k = 0; k < 2; k++)); do
		side=${sides[$(( (k + r) % 2 ))]}
		p=py${r}${side:0:2}x
		gen_bulk "$p" "$db" "$n"
		ms=$("$py" "$here/pyloop.py" "$side" "$dir/$p.csv" "$dir/$p.vf") ||
			die "$side: the loop failed"
		took[$side]+="$ms "
		[ "$(psql -X -At -c "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tenant\\_$p%'")" = "$n" ] ||
			die "$side: not $n schemas"
		unbulk "$p" "$db"
	done
done
med() { tr ' ' '\n' <<< "$1" | grep . | ms_median; }
a=$(med "${took[psycopg]}") b=$(med "${took[pgtenant]}")

echo
echo "pgtenant $("$bin" --version | head -1 | cut -d' ' -f2) (Python $pyver, libpgtenant) vs $pgver," \
	"PostgreSQL $(psql -X -At -c 'SHOW server_version' | cut -d' ' -f1)"
echo "machine: $(machine) (at the start: $load_start); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
printf '%-66s %10s %10s %7s\n' measure psycopg pgtenant ratio
printf '%-66s %7s ms %7s ms %6sx   (rounds: %s / %s)\n' \
	"$n x create_tenant in a Python loop, median of $RUNS" "$a" "$b" \
	"$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')" "${took[psycopg]% }" "${took[pgtenant]% }"
printf '%-66s %7s us %7s us %6sx\n' "one SCRAM verifier, 4096 iterations (libpq vs pgtenant), median of 20x25" \
	"$v_libpq" "$v_ours" "$(awk -v a="$v_libpq" -v b="$v_ours" 'BEGIN { printf "%.2f", b / a }')"
