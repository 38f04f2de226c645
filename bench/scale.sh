#!/bin/bash
# bench/run --scale [N] — does the next tenant cost more because N (default
# 100000) exist? (issue 13) All on one throwaway server, side by side:
#
#  1. create, rotate-password, lock/unlock (when the binary has them) and
#     drop of one tenant in bench_<N> vs in bench_empty beside it and vs
#     bench_empty on a second server holding no tenant at all; pgtenant
#     (one process per operation, as a script would run it) and the same
#     DDL through psql (one session, \timing: the server's part plus a
#     round trip, reconnecting untimed before each). $PT_BENCH_OPS (40) of
#     each, the three places in turn; medians, their ratio and the spread
#     (25th-75th percentile).
#  2. bulk onboarding: 1,000 tenants into bench_<N/2>, which holds N/2:
#     pgtenant create --from FILE with --jobs chosen by pgtenant, 1, 2 and 4
#     vs psql running the same DDL serially, one transaction per tenant,
#     with the SCRAM verifiers hashed before its clock starts (and
#     $PT_BENCH_BEFORE, an earlier pgtenant, when set); $PT_BENCH_BULK_RUNS
#     (5) rounds in rotating order, each tenant removed again so that every
#     round starts from N/2.
#  3. the old design for the record: 100 GRANT CONNECT ON DATABASE + REVOKE
#     (what each create and drop paid when every tenant had its own grant)
#     on databases whose ACL holds 0, N/5 and N grants, vs 100 GRANT + REVOKE
#     of membership in a tenants' group of 0 and of N members; $PT_BENCH_ACL_RUNS
#     (3) rounds, the cheap cases five times a round.
#
# The fixture (bench/fixture.sh --scale) takes minutes to build, so its
# stopped data directory is kept in ${XDG_CACHE_HOME:-~/.cache}/pgtenant/
# bench/<N>-v<version>-pg<major> and each run starts a copy of it. Never part
# of make check. Remove that directory to rebuild it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

whole_arg "bench/run --scale [N]" 100000 "$@"
[ "$n" -ge 1000 ] || die "--scale needs N >= 1000"
OPS=${PT_BENCH_OPS:-40}
BULK_RUNS=${PT_BENCH_BULK_RUNS:-5}
ACL_RUNS=${PT_BENCH_ACL_RUNS:-3}
BULK=1000
# Raise when bench/fixture.sh --scale makes something else.
FIXTURE_VERSION=1

find_bin
find_verifier
command -v psql >/dev/null || die "psql is needed"

label() { if [ $(($1 % 1000)) = 0 ]; then echo "$(($1 / 1000))k"; else echo "$1"; fi; }
big=bench_$(label "$n")
half=$((n / 2))
half_db=bench_$(label "$half")
acl_small=bench_acl_$(label $((n / 5)))
acl_big=bench_acl_$(label "$n")

# The server binaries pgserver.sh will use, for the cache's name.
pgbin=${PT_PG_BINDIR:-}
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
	pgbin=$(pg_config --bindir 2>/dev/null || true)
	if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
		pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | head -1)
	fi
fi
[ -x "$pgbin/postgres" ] || die "cannot find the PostgreSQL server binaries"
major=$("$pgbin/postgres" --version | sed -n 's/.* \([0-9][0-9]*\)[.].*/\1/p')
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/pgtenant-scale.XXXXXX")
chmod 755 "$dir"
cleanup() {
	"$top/tests/lib/pgserver.sh" stop "$dir/build" 2>/dev/null
	"$top/tests/lib/pgserver.sh" stop "$dir/pg" 2>/dev/null
	"$top/tests/lib/pgserver.sh" stop "$dir/fresh" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the fixture: built once, then copied -----------------------------------------
cache=${XDG_CACHE_HOME:-$HOME/.cache}/pgtenant/bench/$n-v$FIXTURE_VERSION-pg$major
mkdir -p "$(dirname "$cache")"
(
	flock 9
	if [ ! -d "$cache/data" ]; then
		echo "bench: building the $n-tenant fixture into $cache (once)" >&2
		(
			eval "$("$top/tests/lib/pgserver.sh" start "$dir/build")"
			"$here/fixture.sh" --scale "$n"
			as_owner "$pgbin/pg_ctl" -D "$dir/build/data" -m fast -w stop >/dev/null
		)
		rm -rf "$cache.tmp"
		mkdir -p "$cache.tmp"
		cp -a "$dir/build/data" "$cache.tmp/data"
		mv "$cache.tmp" "$cache"
		"$top/tests/lib/pgserver.sh" stop "$dir/build"
	fi
) 9>"$cache.build.lock"
t0=$(now_ns)
env=$(PT_PG_TEMPLATE_DIR=$cache "$top/tests/lib/pgserver.sh" start "$dir/pg")
eval "$env"
copy_s=$(( ($(now_ns) - t0) / 1000000000 ))
export PGDATABASE=postgres XDG_CONFIG_HOME=$dir/xdg LC_ALL=C.UTF-8 LANGUAGE=
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
bulk_shape
for d in bench_empty "$big" "$half_db" "$acl_small" "$acl_big"; do
	psql -X -At -d "$d" -c 'SELECT 1' >/dev/null || die "the fixture lacks database $d: remove $cache"
done

# ---- the table ---------------------------------------------------------------------
rows=()
# row LABEL A B UNIT TARGET SPREAD: B / A against TARGET ("-": no target)
row() { rows+=("$1|$2|$3|$4|$5|$6"); }
note() { rows+=("$1|NOTE|$2|||"); }

# Median and 25th-75th percentile of the numbers on stdin: "MEDIAN P25-P75".
stats() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (!NR) exit
		printf "%s %s-%s\n", v[int((NR + 1) / 2)], v[int((NR + 3) / 4)], v[int((3 * NR + 3) / 4)] }'
}
# pair_row LABEL "A..." "B..." TARGET: a row of two lists' medians.
pair_row() {
	local ma sa mb sb
	read -r ma sa <<< "$(tr ' ' '\n' <<< "$2" | grep . | stats)"
	read -r mb sb <<< "$(tr ' ' '\n' <<< "$3" | grep . | stats)"
	row "$1" "$ma" "$mb" ms "$4" "$sa / $sb"
}
us() { echo "${EPOCHREALTIME/./}"; }
ms_since() { awk -v a="$1" -v b="$(us)" 'BEGIN { printf "%.1f\n", (b - a) / 1000 }'; }
# The "Time: X ms" lines of psql's \timing, in ms, one a line.
psql_times() { sed -n "s/^Time: \([0-9.]*\) ms.*/\1/p" | awk '{ printf "%.1f\n", $1 }'; }

# ---- 1. one tenant at 0 and at N existing ------------------------------------------
help=$("$bin" --help 2>&1; "$bin" create --help 2>&1 || true)
has_lock=
grep -qE '^  lock ' <<< "$help" && grep -qE '^  unlock ' <<< "$help" && has_lock=1
ops=(create rotate-password)
[ -n "$has_lock" ] && ops+=(lock unlock)
ops+=(drop)
declare -A ours theirs

# pg_op OP DB SCHEMA USER: the SQL an operation runs, for psql: one
# transaction, sent as one query (\; joins) so \timing times it whole.
pg_op() {
	case $1 in
	create) printf '%s\\; ' "BEGIN" \
		"CREATE ROLE \"$4\" LOGIN PASSWORD 'Bench-$RANDOM$RANDOM-pw' NOSUPERUSER NOCREATEDB NOCREATEROLE $inherit NOREPLICATION NOBYPASSRLS" \
		"CREATE SCHEMA \"$3\" AUTHORIZATION \"$4\"" \
		"GRANT \"pgtenant_tenants_$2\" TO \"$4\"$grant_opt" \
		"ALTER ROLE \"$4\" IN DATABASE \"$2\" SET search_path = \"$3\""
		echo "COMMIT;" ;;
	rotate-password) echo "ALTER ROLE \"$4\" PASSWORD 'Bench-$RANDOM$RANDOM-pw';" ;;
	lock) echo "ALTER ROLE \"$4\" NOLOGIN;" ;;
	unlock) echo "ALTER ROLE \"$4\" LOGIN;" ;;
	drop) printf '%s\\; ' "BEGIN" "DROP SCHEMA \"$3\" CASCADE" "DROP OWNED BY \"$4\"" "DROP ROLE \"$4\""
		echo "COMMIT;" ;;
	esac
}

# Three places for the tenant: bench_empty on a server of its own with no
# tenant at all (PostgreSQL's roles, memberships and role settings are the
# whole cluster's, and some of its work scans them), bench_empty beside the
# fixture, and bench_<N>. key|host|port|database.
fresh_env=$("$top/tests/lib/pgserver.sh" start "$dir/fresh")
fresh_host=$(sed -n 's/^export PGHOST=//p' <<< "$fresh_env")
fresh_port=$(sed -n 's/^export PGPORT=//p' <<< "$fresh_env")
PGHOST=$fresh_host PGPORT=$fresh_port psql_q -d postgres <<SQL
CREATE DATABASE bench_empty;
\connect bench_empty
CREATE ROLE pgtenant_tenants_bench_empty NOLOGIN NOINHERIT;
COMMENT ON ROLE pgtenant_tenants_bench_empty IS 'pgtenant: tenants of database bench_empty';
GRANT CONNECT ON DATABASE bench_empty TO pgtenant_tenants_bench_empty;
SQL
places=("fresh|$fresh_host|$fresh_port|bench_empty" "empty|$PGHOST|$PGPORT|bench_empty"
        "big|$PGHOST|$PGPORT|$big")

# Round 0 warms every place up and is not counted; the order of the
# places turns every round.
: > "$dir/psql_ops.sql"
psql_keys=()
op_failed=
for ((i = 0; i <= OPS; i++)); do
	for ((k = 0; k < 3; k++)); do
		IFS='|' read -r key host port d <<< "${places[$(( (i + k) % 3 ))]}"
		s=tenant_bo${key}_$i u=bo${key}_${i}_user
		for op in "${ops[@]}"; do
			case $op in
			drop) args=(drop "$s" --yes) ;;
			*) args=("$op" "$s") ;;
			esac
			t=$(us)
			if ! PGHOST=$host PGPORT=$port PGDATABASE=$d "$bin" "${args[@]}" > /dev/null 2> "$dir/op.err"; then
				op_failed="$op in $key $d: $(head -1 "$dir/op.err")"
				break 3
			fi
			[ "$i" = 0 ] || ours[$op.$key]+="$(ms_since "$t") "
		done
		# The same operations through psql, each in a new session as
		# pgtenant's are; the \connect is not timed.
		s=tenant_bq${key}_$i u=bq${key}_${i}_user
		for op in "${ops[@]}"; do
			echo "\\connect $d pgtadmin $host $port"
			pg_op "$op" "$d" "$s" "$u"
			psql_keys+=("$i $op.$key")
		done >> "$dir/psql_ops.sql"
	done
done
# op_rows WHO LIST_NAME: for each operation, the places against bench_<N>.
op_rows() {
	local -n l=$2
	for op in "${ops[@]}"; do
		pair_row "$1 $op: empty db beside $n vs db of $n (median of $OPS)" \
			"${l[$op.empty]}" "${l[$op.big]}" 1.2
		pair_row "$1 $op: empty server vs db of $n" "${l[$op.fresh]}" "${l[$op.big]}" 1.2
	done
}
if [ -n "$op_failed" ]; then
	note "one tenant, pgtenant" "not measured: $op_failed"
else
	op_rows pgtenant ours
fi
[ -n "$has_lock" ] || note "pgtenant lock" "not measured: this pgtenant has no lock/unlock command"

if psql -X -q -v ON_ERROR_STOP=1 -c '\timing on' -f "$dir/psql_ops.sql" > "$dir/psql_ops.out" 2> "$dir/psql_ops.err"; then
	mapfile -t tt < <(psql_times < "$dir/psql_ops.out")
	if [ "${#tt[@]}" != "${#psql_keys[@]}" ]; then
		note "one tenant, psql" "not measured: ${#tt[@]} timings for ${#psql_keys[@]} statements"
	else
		for k in "${!psql_keys[@]}"; do
			[ "${psql_keys[$k]%% *}" = 0 ] || theirs[${psql_keys[$k]#* }]+="${tt[$k]} "
		done
		op_rows "psql, DDL of" theirs
	fi
else
	note "one tenant, psql" "not measured: $(grep -m1 . "$dir/psql_ops.err")"
fi

# ---- 2. bulk: 1,000 tenants into N/2 -----------------------------------------------------
has_jobs=
grep -q -- '--jobs' <<< "$help" && has_jobs=1
# variant names: psql, and pgtenant's --jobs values ("auto": none given)
if [ -n "$has_jobs" ]; then variants=(psql auto 1 2 4); else variants=(psql serial); fi
# PT_BENCH_BEFORE=/path/to/pgtenant: an earlier build beside it, in the same rounds
[ -z "${PT_BENCH_BEFORE:-}" ] || variants+=(before)
declare -A bulk
bulk_failed=
for ((r = 1; r <= BULK_RUNS && !${#bulk_failed}; r++)); do
	nv=${#variants[@]}
	for ((k = 0; k < nv; k++)); do
		v=${variants[$(( (k + r) % nv ))]}
		p=bk${r}${v}x
		gen_bulk "$p" "$half_db" "$BULK"
		t=$(us)
		if [ "$v" = psql ]; then
			psql_q -o /dev/null -d "$half_db" -f "$dir/$p.sql" 2> "$dir/$p.err" ||
				bulk_failed="psql: $(head -1 "$dir/$p.err")"
		else
			jobs=() b=$bin
			case $v in [0-9]*) jobs=(--jobs="$v") ;; before) b=$PT_BENCH_BEFORE ;; esac
			PGDATABASE=$half_db "$b" create --from "$dir/$p.csv" "${jobs[@]}" --format=csv \
				> "$dir/$p.out" 2> "$dir/$p.err" ||
				bulk_failed="create --from ${jobs[*]}: $(tail -1 "$dir/$p.err")"
		fi
		bulk[$v]+="$(ms_since "$t") "
		if [ -z "$bulk_failed" ] && [ "$v" != psql ] && [ "$(wc -l < "$dir/$p.out")" != $((BULK + 1)) ]; then
			bulk_failed="create --from printed $(wc -l < "$dir/$p.out") lines, not $((BULK + 1))"
		fi
		unbulk "$p" "$half_db"
		[ -z "$bulk_failed" ] || break
	done
done
if [ -n "$bulk_failed" ]; then
	note "bulk $BULK into $half" "not measured: $bulk_failed"
else
	for v in "${variants[@]}"; do
		case $v in
		psql) continue ;;
		auto) what="--jobs chosen by pgtenant" ;;
		serial) what="no --jobs" ;;
		before) what="$PT_BENCH_BEFORE, jobs chosen" ;;
		*) what="--jobs=$v" ;;
		esac
		pair_row "bulk $BULK into $half: psql serial vs create --from, $what (median of $BULK_RUNS)" \
			"${bulk[psql]}" "${bulk[$v]}" 0.8
	done
	[ -n "$has_jobs" ] || note "bulk with --jobs=N" "not measured (needs --jobs)"
fi

# ---- 3. the old design: CONNECT grants in the database's ACL ------------------------
# acl_script DB GRANTED: 100 GRANT + REVOKE of GRANTED, each its own
# transaction, as 100 creates and drops made them.
acl_script() {
	echo "\\connect $1"
	for ((i = 1; i <= 100; i++)); do
		if [ "$2" = connect ]; then
			echo "GRANT CONNECT ON DATABASE \"$1\" TO bench_probe$i;"
			echo "REVOKE CONNECT ON DATABASE \"$1\" FROM bench_probe$i;"
		else
			echo "GRANT \"pgtenant_tenants_$1\" TO bench_probe$i;"
			echo "REVOKE \"pgtenant_tenants_$1\" FROM bench_probe$i;"
		fi
	done
}
acl_cases=("bench_empty connect" "$acl_small connect" "$acl_big connect" "bench_empty member" "$big member")
declare -A acl
acl_failed=
for ((r = 1; r <= ACL_RUNS && !${#acl_failed}; r++)); do
	nc=${#acl_cases[@]}
	for ((k = 0; k < nc; k++)); do
		c=${acl_cases[$(( (k + r) % nc ))]}
		acl_script $c > "$dir/acl.sql"
		# The cases that take a tenth of a second run five times a round:
		# one sample of 100 ms is mostly the other jobs' noise.
		reps=5
		case $c in "$acl_small connect"|"$acl_big connect") reps=1 ;; esac
		for ((j = 0; j < reps; j++)); do
			if psql -X -q -v ON_ERROR_STOP=1 -c '\timing on' -f "$dir/acl.sql" > "$dir/acl.out" 2> "$dir/acl.err"; then
				acl[$c]+="$(psql_times < "$dir/acl.out" | awk '{ s += $1 } END { printf "%.1f", s }') "
			else
				acl_failed="$c: $(grep -m1 . "$dir/acl.err")"
				break
			fi
		done
	done
done
if [ "$ACL_RUNS" = 0 ]; then
	note "old design, 100 GRANT + REVOKE" "not measured: PT_BENCH_ACL_RUNS=0"
elif [ -n "$acl_failed" ]; then
	note "old design, 100 GRANT + REVOKE" "not measured: $acl_failed"
else
	pair_row "old: 100 GRANT+REVOKE CONNECT, ACL of 0 vs $((n / 5)) grants (median of $ACL_RUNS; 0: $((ACL_RUNS * 5)))" \
		"${acl[bench_empty connect]}" "${acl[$acl_small connect]}" -
	pair_row "old: 100 GRANT+REVOKE CONNECT, ACL of 0 vs $n grants" \
		"${acl[bench_empty connect]}" "${acl[$acl_big connect]}" -
	pair_row "new: 100 GRANT+REVOKE of the group, 0 vs $n members (median of $((ACL_RUNS * 5)))" \
		"${acl[bench_empty member]}" "${acl[$big member]}" 1.2
	pair_row "at $n: 100 CONNECT grants (old) vs 100 membership grants" \
		"${acl[$acl_big connect]}" "${acl[$big member]}" -
fi

# ---- report ---------------------------------------------------------------------------
echo
echo "pgtenant $("$bin" --version | head -1 | cut -d' ' -f2) vs psql $(psql --version | awk '{print $3}')," \
	"PostgreSQL $(psql -X -At -c 'SHOW server_version' | cut -d' ' -f1); fixture of $n tenants" \
	"($cache, copied in $copy_s s)"
echo "machine: $(machine) (at the start: $load_start); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "A is at 0 tenants (or psql, or the old design), B at $n (or pgtenant); spread: 25th-75th percentile"
echo
printf '%-78s %9s %9s %7s %7s %-4s %s\n' measure A B B/A target met spread
fails=0
for r in "${rows[@]}"; do
	IFS='|' read -r label a b unit target spread <<< "$r"
	if [ "$a" = NOTE ]; then
		printf '%-78s %s\n' "$label" "$b"
		continue
	fi
	ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')
	if [ "$target" = - ]; then
		met=- tgt=-
	else
		met=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print ((r <= t) ? "yes" : "NO") }')
		tgt="<=${target}x"
	fi
	printf '%-78s %6s %-2s %6s %-2s %6sx %7s %-4s %s\n' "$label" "$a" "$unit" "$b" "$unit" "$ratio" "$tgt" "$met" "$spread"
	[ "$met" != NO ] || fails=$((fails + 1))
done
echo
echo "$fails target(s) missed"
