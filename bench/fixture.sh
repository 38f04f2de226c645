#!/bin/bash
# bench/fixture.sh [N] — N tenants (default 10000) for the benchmarks, each
# a login role owning a schema that holds one table (with a primary key, a
# text column and so a TOAST table) and one more index: five relations per
# tenant, as a small real tenant has. Each holds its own GRANT CONNECT, as
# tenants made before the tenants' group did.
#
# bench/fixture.sh --scale N — what bench/run --scale measures on (issue
# 13), all in one cluster: database bench_empty (the tenants' group, no
# tenant), bench_<N> with N tenants and bench_<N/2> with N/2, in the shape
# pgtenant creates now (members of the group pgtenant_tenants_<db>, which
# holds CONNECT; a schema and a search_path each, no tables: no create or
# drop of another tenant reads them), bench_acl_<N/5> and bench_acl_<N>
# whose ACLs hold a CONNECT grant per tenant as the old design had them, and
# 100 NOLOGIN roles bench_probe<i> to grant to. Needs PGHOST/PGPORT.
#
# With PGHOST/PGPORT set (bench/run does that) it fills that server's
# database ${PT_BENCH_DB:-bench}, which it creates. Without, it starts a
# throwaway server (tests/lib/pgserver.sh) in ${PT_BENCH_DIR:-/tmp/pgtenant-
# bench-$UID}, leaves it running and prints the environment to use and how
# to stop it.
#
# Fast because the server does the looping: two sessions run a DO block
# each over half of the tenants, committing every 200 so the lock table
# never fills, and every GRANT CONNECT goes out in batches at the end (two
# sessions granting on the same database at once would collide).
# Fixture roles have no password: nothing logs in as them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scale=
if [ "${1:-}" = --scale ]; then
	scale=1
	shift
fi
n=${1:-10000}
db=${PT_BENCH_DB:-bench}
case $n in ''|*[!0-9]*) echo "usage: $0 [N]" >&2; exit 2 ;; esac

if [ -z "${PGHOST:-}" ] || [ -z "${PGPORT:-}" ]; then
	dir=${PT_BENCH_DIR:-/tmp/pgtenant-bench-$(id -u)}
	env=$("$here/../tests/lib/pgserver.sh" start "$dir")
	eval "$env"
	started=$dir
fi
export PGUSER=${PGUSER:-pgtadmin}

psql_admin() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# DB PREFIX FROM TO SHAPE: tenants PREFIX<i>_user / tenant_PREFIX<i> of DB.
# SHAPE legacy: five relations each (see above), CONNECT granted later.
# SHAPE group: no relations, members of DB's tenants' group as pgtenant
# makes them: INHERIT before 16 (a NOINHERIT role does not use the group's
# CONNECT there), from 16 NOINHERIT and the one grant WITH INHERIT TRUE,
# SET FALSE.
make_range() {
	psql_admin -d "$1" <<SQL
SET client_min_messages = warning;
DO \$\$
DECLARE
	legacy bool := '$5' = 'legacy';
	v16 bool := current_setting('server_version_num')::int >= 160000;
	g text := 'pgtenant_tenants_' || current_database();
	s text; u text;
BEGIN
	FOR i IN $3..$4 LOOP
		s := 'tenant_$2' || i;
		u := '$2' || i || '_user';
		EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE %s'
		               ' NOREPLICATION NOBYPASSRLS', u,
		               CASE WHEN v16 OR legacy THEN 'NOINHERIT' ELSE 'INHERIT' END);
		EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', s, u);
		IF legacy THEN
			EXECUTE format('CREATE TABLE %I.items (id bigint PRIMARY KEY,'
			               ' name text NOT NULL, created timestamptz DEFAULT now())', s);
			EXECUTE format('CREATE INDEX items_name ON %I.items (name)', s);
			EXECUTE format('ALTER TABLE %I.items OWNER TO %I', s, u);
		ELSE
			EXECUTE format('GRANT %I TO %I%s', g, u,
			               CASE WHEN v16 THEN ' WITH INHERIT TRUE, SET FALSE' ELSE '' END);
		END IF;
		EXECUTE format('ALTER ROLE %I IN DATABASE %I SET search_path = %I',
		               u, current_database(), s);
		IF i % 200 = 0 THEN
			COMMIT;
		END IF;
	END LOOP;
END
\$\$;
SQL
}

# ---- --scale: the cluster bench/run --scale measures on -----------------------
# DB: the tenants' group, made and marked as pgtenant's first create does.
make_group() {
	psql_admin -d "$1" <<SQL
CREATE ROLE "pgtenant_tenants_$1" NOLOGIN NOINHERIT;
COMMENT ON ROLE "pgtenant_tenants_$1" IS 'pgtenant: tenants of database $1';
GRANT CONNECT ON DATABASE "$1" TO "pgtenant_tenants_$1";
SQL
}

# DB COUNT: COUNT CONNECT grants on DB to the roles fx1_user.., as COUNT
# tenants made the old way left the database's ACL. 500 grantees per
# statement and transaction: each takes a lock.
acl_grants() {
	psql_admin -d "$1" <<SQL
DO \$\$
BEGIN
	FOR b IN 0..($2 - 1) / 500 LOOP
		EXECUTE (SELECT format('GRANT CONNECT ON DATABASE %I TO %s', current_database(),
		                       string_agg(quote_ident('fx' || i || '_user'), ', '))
		           FROM generate_series(b * 500 + 1, least(b * 500 + 500, $2)) i);
		COMMIT;
	END LOOP;
END
\$\$;
SQL
}

# Label of a count in database names: 100000 -> 100k.
label() { if [ $(($1 % 1000)) = 0 ] && [ "$1" -gt 0 ]; then echo "$(($1 / 1000))k"; else echo "$1"; fi; }

scale_fixture() {
	local half=$((n / 2)) fifth=$((n / 5)) big half_db start pids=()
	[ -n "${PGHOST:-}" ] && [ -n "${PGPORT:-}" ] || { echo "fixture: --scale needs PGHOST and PGPORT" >&2; exit 2; }
	[ "$n" -ge 10 ] || { echo "fixture: --scale needs N >= 10" >&2; exit 2; }
	big=bench_$(label "$n") half_db=bench_$(label "$half")
	start=$(date +%s)
	for d in bench_empty "$big" "$half_db" "bench_acl_$(label "$fifth")" "bench_acl_$(label "$n")"; do
		psql_admin -d postgres -c "CREATE DATABASE $d"
	done
	psql_admin -d postgres -c "DO \$\$ BEGIN FOR i IN 1..100 LOOP
		EXECUTE format('CREATE ROLE %I NOLOGIN', 'bench_probe' || i); END LOOP; END \$\$"
	for d in bench_empty "$big" "$half_db"; do make_group "$d"; done
	# Two sessions at once, as many tenants each: memberships are rows of
	# their own, so unlike CONNECT grants they do not collide.
	make_range "$big" fx 1 "$half" group & pids+=($!)
	make_range "$big" fx $((half + 1)) "$n" group & pids+=($!)
	for p in "${pids[@]}"; do wait "$p"; done
	pids=()
	make_range "$half_db" fy 1 $((half / 2)) group & pids+=($!)
	make_range "$half_db" fy $((half / 2 + 1)) "$half" group & pids+=($!)
	for p in "${pids[@]}"; do wait "$p"; done
	acl_grants "bench_acl_$(label "$fifth")" "$fifth"
	acl_grants "bench_acl_$(label "$n")" "$n"
	psql_admin -d postgres <<SQL
VACUUM ANALYZE pg_catalog.pg_authid;
VACUUM ANALYZE pg_catalog.pg_auth_members;
VACUUM ANALYZE pg_catalog.pg_db_role_setting;
VACUUM ANALYZE pg_catalog.pg_shdepend;
VACUUM pg_catalog.pg_database;
SQL
	for d in bench_empty "$big" "$half_db"; do
		psql_admin -d "$d" -c "VACUUM ANALYZE pg_catalog.pg_namespace" -c "VACUUM ANALYZE pg_catalog.pg_class"
	done
	for d in "$big:$n" "$half_db:$half"; do
		got=$(psql -X -At -d "${d%:*}" -c "SELECT count(*) FROM pg_catalog.pg_auth_members m
			JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
			WHERE g.rolname = 'pgtenant_tenants_' || current_database()")
		[ "$got" = "${d#*:}" ] || { echo "fixture: ${d%:*} has $got tenants, not ${d#*:}" >&2; exit 1; }
	done
	echo "fixture: --scale $n in $(( $(date +%s) - start )) s" >&2
}
if [ -n "$scale" ]; then
	scale_fixture
	if [ -n "${started:-}" ]; then
		echo "$env"
		echo "# stop it with: $here/../tests/lib/pgserver.sh stop $started" >&2
	fi
	exit 0
fi

# Roles outlive their database: a second run first removes the first's.
psql_admin -d postgres <<SQL
SET client_min_messages = warning;
DROP DATABASE IF EXISTS $db;
DO \$\$
DECLARE r text;
BEGIN
	LOOP
		-- A few hundred per transaction: each DROP ROLE takes a lock.
		SELECT string_agg(quote_ident(rolname), ', ') INTO r
		  FROM (SELECT rolname FROM pg_roles WHERE rolname ~ '^fx[0-9]+_user\$'
		         LIMIT 500) x;
		EXIT WHEN r IS NULL;
		EXECUTE 'DROP ROLE ' || r;
		COMMIT;
	END LOOP;
END
\$\$;
CREATE DATABASE $db;
SQL

start=$(date +%s)
half=$((n / 2))
pids=()
if [ "$n" -ge 1 ]; then
	if [ "$half" -ge 1 ]; then
		make_range "$db" fx 1 "$half" legacy & pids+=($!)
	fi
	make_range "$db" fx $((half + 1)) "$n" legacy & pids+=($!)
fi
for p in "${pids[@]}"; do wait "$p"; done
acl_grants "$db" "$n"
psql_admin -d "$db" <<SQL
-- As a production catalog would be: vacuumed and analysed.
VACUUM ANALYZE pg_catalog.pg_class;
VACUUM ANALYZE pg_catalog.pg_namespace;
VACUUM ANALYZE pg_catalog.pg_authid;
VACUUM ANALYZE pg_catalog.pg_auth_members;
VACUUM ANALYZE pg_catalog.pg_db_role_setting;
SQL
got=$(psql -X -At -d "$db" -c "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tenant_fx%'")
echo "fixture: $got tenants in database $db in $(( $(date +%s) - start )) s" >&2
[ "$got" = "$n" ] || { echo "fixture: expected $n tenants" >&2; exit 1; }

if [ -n "${started:-}" ]; then
	echo "$env" | sed "s/PGDATABASE=.*/PGDATABASE=$db/"
	echo "# stop it with: $here/../tests/lib/pgserver.sh stop $started" >&2
fi
