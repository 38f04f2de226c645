# bench/lib.sh — sourced by bench/run and bench/scale.sh.

die() { echo "bench: $*" >&2; exit 1; }

# The pgtenant binary: $PGTENANT, else ./pgtenant in the source tree or in
# $PT_BUILD_DIR; an absolute path in $bin.
find_bin() {
	local b
	bin=${PGTENANT:-}
	if [ -z "$bin" ]; then
		for b in "${PT_BUILD_DIR:-}/pgtenant" "$top/build/pgtenant" "$top/pgtenant" "$PWD/pgtenant"; do
			[ -x "$b" ] && { bin=$b; break; }
		done
	fi
	[ -n "$bin" ] && [ -x "$bin" ] || die "no pgtenant binary: build it (make) or set PGTENANT"
	bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
}

# whole_arg USAGE DEFAULT [N]: $n, N or DEFAULT, or the usage and exit 2.
whole_arg() {
	n=${3:-$2}
	case $n in ''|*[!0-9]*) echo "usage: $1" >&2; exit 2 ;; esac
}

ms_median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
now_ns() { date +%s%N; }

# The machine, for the report: CPUs, model, RAM and the load average now.
machine() {
	echo "$(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
		"$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM," \
		"load $(cut -d' ' -f1-3 /proc/loadavg)"
}

# list_query LOG OFFSET: the last statement with pg_total_relation_size
# (pgtenant list's catalog query) that the server logged after byte OFFSET
# of LOG (log_statement = all), the values of its parameters put in as
# literals, for psql to run the same query.
list_query() {
	tail -c +"$(($2 + 1))" "$1" | awk -v q="'" '
		function put(s, k, v,   out, i) {
			out = ""
			while ((i = index(s, k)) > 0) { out = out substr(s, 1, i - 1) v; s = substr(s, i + length(k)) }
			return out s
		}
		# the values of its parameters, as literals, into the statement before
		/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] .* DETAIL:  parameters: / {
			sub(/.* DETAIL:  parameters: /, "")
			while (match($0, "^[$][0-9]+ = " q "([^" q "]|" q q ")*" q)) {
				p = substr($0, 1, RLENGTH); $0 = substr($0, RLENGTH + 1); sub(/^, /, "")
				stmt = put(stmt, substr(p, 1, index(p, " = ") - 1), substr(p, index(p, " = ") + 3))
			}
			next
		}
		/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / {
			if (stmt ~ /pg_total_relation_size/) last = stmt
			stmt = ""; keep = 0
			# a query without parameters may come through the extended protocol
			if (sub(/.* LOG:  (statement|execute <unnamed>): /, "")) { stmt = $0; keep = 1 }
			next
		}
		keep { stmt = stmt "\n" $0 }
		END { if (stmt ~ /pg_total_relation_size/) last = stmt; print last }
	'
}

# ---- bulk onboarding: pgtenant create --from against psql --------------------
# bench/verifier (make bench-programs), next to $bin: $verifier.
find_verifier() {
	verifier=$(dirname "$bin")/bench/verifier
	[ -x "$verifier" ] || make -C "$(dirname "$bin")" bench-programs >/dev/null 2>&1 || true
	[ -x "$verifier" ] || die "no $verifier: make bench-programs"
}

# How pgtenant makes a tenant a member of its group on this server (PGDATABASE
# and friends): $inherit and $grant_opt for the psql scripts.
bulk_shape() {
	if [ "$(psql -X -At -c "SELECT current_setting('server_version_num')::int >= 160000")" = t ]
	then inherit=NOINHERIT grant_opt=" WITH INHERIT TRUE, SET FALSE"
	else inherit=INHERIT grant_opt=; fi
}

# gen_bulk PREFIX DB N: $dir/PREFIX.csv, N tenants for create --from, and
# $dir/PREFIX.sql, the DDL pgtenant runs for each of them (as a superuser,
# into DB, whose tenants' group exists), one transaction a tenant, for psql.
# psql gets the verifiers libpq makes of the same passwords, hashed here
# before any clock starts; the server checks each (it hashes '' with its
# salt) for both.
gen_bulk() {
	awk -v p="$1" -v n="$3" -v seed="$RANDOM" -v csv="$dir/$1.csv" -v pwf="$dir/$1.pw" '
	BEGIN {
		srand(seed)
		a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		print "schema_name,username,password" > csv
		for (i = 1; i <= n; i++) {
			pw = ""
			for (j = 0; j < 32; j++) pw = pw substr(a, int(rand() * 62) + 1, 1)
			print "tenant_" p i "," p i "_user," pw > csv
			print pw > pwf
		}
	}'
	"$verifier" --libpq < "$dir/$1.pw" > "$dir/$1.vf" || die "bench/verifier --libpq failed"
	rm -f "$dir/$1.pw"
	awk -F, -v db="$2" -v inh="$inherit" -v opt="$grant_opt" '
	NR == FNR { v[FNR] = $0; next }
	FNR > 1 {
		s = $1; u = $2
		printf "BEGIN;\nCREATE ROLE \"%s\" LOGIN PASSWORD '\''%s'\'' NOSUPERUSER NOCREATEDB NOCREATEROLE %s NOREPLICATION NOBYPASSRLS;\nCREATE SCHEMA \"%s\" AUTHORIZATION \"%s\";\nGRANT \"pgtenant_tenants_%s\" TO \"%s\"%s;\nALTER ROLE \"%s\" IN DATABASE \"%s\" SET search_path = \"%s\";\nCOMMIT;\n", u, v[FNR - 1], inh, s, u, db, u, opt, u, db, s
	}' "$dir/$1.vf" "$dir/$1.csv" > "$dir/$1.sql"
}

# unbulk PREFIX DB: drop the schemas tenant_PREFIX* of DB and their owners,
# 100 a statement, so that the next round starts where this one did.
unbulk() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$2" <<SQL
SET client_min_messages = warning;
DO \$\$
DECLARE s text; r text;
BEGIN
	LOOP
		SELECT string_agg(quote_ident(nspname), ', '), string_agg(quote_ident(rolname), ', ')
		  INTO s, r
		  FROM (SELECT n.nspname, o.rolname FROM pg_catalog.pg_namespace n
		          JOIN pg_catalog.pg_roles o ON o.oid = n.nspowner
		         WHERE n.nspname LIKE 'tenant\\_$1%' LIMIT 100) x;
		EXIT WHEN s IS NULL;
		EXECUTE 'DROP SCHEMA ' || s || ' CASCADE';
		EXECUTE 'DROP ROLE ' || r;
		COMMIT;
	END LOOP;
END
\$\$;
SQL
}
