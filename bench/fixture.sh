#!/bin/bash
# bench/fixture.sh [N] — N tenants (default 10000) for the benchmarks, each
# a login role owning a schema that holds one table (with a primary key, a
# text column and so a TOAST table) and one more index: five relations per
# tenant, as a small real tenant has.
#
# With PGHOST/PGPORT set (bench/run does that) it fills that server's
# database ${PT_BENCH_DB:-bench}, which it creates. Without, it starts a
# throwaway server (tests/lib/pgserver.sh) in ${PT_BENCH_DIR:-/tmp/pgtenant-
# bench-$UID}, leaves it running and prints the environment to use and how
# to stop it.
#
# Fast because the server does the looping: two sessions run a DO block
# each over half of the tenants, committing every 200 so the lock table
# never fills, and every GRANT CONNECT goes out in one statement at the end
# (two sessions granting on the same database at once would collide).
# Fixture roles have no password: nothing logs in as them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
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

# $1..$2: the tenants one session makes.
make_range() {
	psql_admin -d "$db" <<SQL
SET client_min_messages = warning;
DO \$\$
DECLARE
	s text; u text;
BEGIN
	FOR i IN $1..$2 LOOP
		s := 'tenant_fx' || i;
		u := 'fx' || i || '_user';
		EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE'
		               ' NOINHERIT NOREPLICATION NOBYPASSRLS', u);
		EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', s, u);
		EXECUTE format('CREATE TABLE %I.items (id bigint PRIMARY KEY,'
		               ' name text NOT NULL, created timestamptz DEFAULT now())', s);
		EXECUTE format('CREATE INDEX items_name ON %I.items (name)', s);
		EXECUTE format('ALTER TABLE %I.items OWNER TO %I', s, u);
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

start=$(date +%s)
half=$((n / 2))
pids=()
if [ "$n" -ge 1 ]; then
	if [ "$half" -ge 1 ]; then
		make_range 1 "$half" & pids+=($!)
	fi
	make_range $((half + 1)) "$n" & pids+=($!)
fi
for p in "${pids[@]}"; do wait "$p"; done
psql_admin -d "$db" <<SQL
DO \$\$
BEGIN
	-- 500 grantees per statement and transaction: each takes a lock.
	FOR b IN 0..($n - 1) / 500 LOOP
		EXECUTE (SELECT format('GRANT CONNECT ON DATABASE %I TO %s', current_database(),
		                       string_agg(quote_ident('fx' || i || '_user'), ', '))
		           FROM generate_series(b * 500 + 1, least(b * 500 + 500, $n)) i);
		COMMIT;
	END LOOP;
END
\$\$;
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
