#!/bin/bash
# Tenants behind Debian's real PgBouncer, set up as the README and the man
# page say: auth_type = scram-sha-256, auth_query through a SECURITY
# DEFINER lookup function, pool_mode = transaction. A tenant made by
# "create --tenant-port <pgbouncer's port>" logs in through it and lands
# in its schema; after rotate-password the old password is refused and the
# new one works. A PgBouncer that is not installed is a failure, never a
# skip. Run by tests/lib/run-test.
. "$PT_TOP_SRCDIR/tests/cli/lib.sh"
port=${PGPORT:?} pgdir=${PT_TEST_PGDIR:?}
export PGPASSFILE=$tmp/no-pgpass PGSERVICEFILE=$tmp/no-service
json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]), end="")' "$1"; }
pgbouncer=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
check "pgbouncer is installed" '[ -x "$pgbouncer" ]'
[ "$failed" = 0 ] || finish pgbouncer

# PgBouncer refuses to run as root: as root it runs as the server's user,
# from a directory that user can read.
bdir=$pgdir/pgbouncer
mkdir -p "$bdir"
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
bport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop_bouncer() {
	[ -f "$bdir/pgbouncer.pid" ] && kill "$(cat "$bdir/pgbouncer.pid")" 2>/dev/null
	rm -rf "$tmp"
}
trap stop_bouncer EXIT

# ---- the server side: the lookup function (as in the README) -------------
# In the documented order: the database is hardened first (PUBLIC loses
# CONNECT), the lookup role is made after it.
run harden --yes
check "harden first (rc $RC)" '[ $RC = 0 ]'
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE ROLE pgbouncer_auth LOGIN PASSWORD 'bouncer-auth-pw';
GRANT CONNECT ON DATABASE postgres TO pgbouncer_auth;
CREATE SCHEMA pgbouncer;
CREATE FUNCTION pgbouncer.user_lookup(i_username text, OUT uname text, OUT phash text)
RETURNS record LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
	SELECT s.usename::text, s.passwd FROM pg_catalog.pg_shadow s
	JOIN pg_catalog.pg_roles r ON r.oid = s.usesysid
	WHERE s.usename = i_username
	  AND NOT r.rolsuper AND NOT r.rolreplication AND NOT r.rolcreaterole
	  AND EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
	              JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
	              WHERE m.member = r.oid
	                AND g.rolname = 'pgtenant_tenants_' || pg_catalog.current_database())
$$;
REVOKE ALL ON FUNCTION pgbouncer.user_lookup(text) FROM PUBLIC;
GRANT USAGE ON SCHEMA pgbouncer TO pgbouncer_auth;
GRANT EXECUTE ON FUNCTION pgbouncer.user_lookup(text) TO pgbouncer_auth;
SQL
check "the lookup function exists" \
	'[ "$(psql -X -At -c "SELECT count(*) FROM pg_proc WHERE proname = '"'user_lookup'"' AND prosecdef")" = 1 ]'

# ---- PgBouncer ------------------------------------------------------------
cat >"$bdir/pgbouncer.ini" <<INI
[databases]
postgres = host=127.0.0.1 port=$port dbname=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bport
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $bdir/userlist.txt
auth_user = pgbouncer_auth
auth_query = SELECT uname, phash FROM pgbouncer.user_lookup(\$1)
pool_mode = transaction
logfile = $bdir/pgbouncer.log
pidfile = $bdir/pgbouncer.pid
INI
printf '"pgbouncer_auth" "bouncer-auth-pw"\n' >"$bdir/userlist.txt"
chmod 600 "$bdir/userlist.txt"
[ "$(id -u)" = 0 ] && chown -R postgres: "$bdir"
as_owner "$pgbouncer" -d "$bdir/pgbouncer.ini" >"$tmp/bouncer.out" 2>&1
for _ in $(seq 100); do
	python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
		"$bport" 2>/dev/null && break
	sleep 0.1
done
check "pgbouncer runs on port $bport ($(cat "$tmp/bouncer.out" "$bdir/pgbouncer.log" 2>/dev/null | tail -3))" \
	'[ -f "$bdir/pgbouncer.pid" ] && kill -0 "$(cat "$bdir/pgbouncer.pid")"'

# login CONNSTR: who, where, through which server port; sets GOT
Q="SELECT current_user || ',' || pg_catalog.current_schema() || ',' || pg_catalog.current_setting('port')"
login() { GOT=$(psql -X -At -w -d "$1" -c "$Q" 2>&1); }

# ---- a tenant behind it: global options after the command -------------------
run create tenant_pool --tenant-host 127.0.0.1 --tenant-port "$bport" --format=json
check "create with --tenant-port after the command (rc $RC)" '[ $RC = 0 ]'
old=$(printf '%s' "$OUT" | json 'd["connection_string"]')
check "the string names PgBouncer's port" '[[ "$old" == *"@127.0.0.1:$bport/postgres" ]]'
login "$old"
check "the tenant logs in through PgBouncer and lands in its schema (got: $GOT)" \
	'[ "$GOT" = "pool_user,tenant_pool,$port" ]'
check "PgBouncer saw the login" 'grep -q "user=pool_user" "$bdir/pgbouncer.log"'
# transaction pooling: a table made through the pool is the schema's
GOT=$(psql -X -q -At -w -d "$old" -c "CREATE TABLE t (x int)" -c "INSERT INTO t VALUES (1)" \
	-c "SELECT count(*) FROM tenant_pool.t" 2>&1)
check "writes through the pool land in the tenant's schema (got: $GOT)" '[ "$GOT" = 1 ]'

run rotate-password tenant_pool --format=json --tenant-port "$bport" --tenant-host=127.0.0.1 \
	--string-format conninfo
check "rotate-password (rc $RC)" '[ $RC = 0 ]'
new=$(printf '%s' "$OUT" | json 'd["connection_string"]')
check "the new string is key=value for PgBouncer's port" '[[ "$new" == *"port='"'$bport'"'"* ]]'
login "$old"
check "the old password is refused through PgBouncer (got: $GOT)" \
	'[[ "$GOT" == *"password authentication failed"* || "$GOT" == *"SASL authentication failed"* ]]'
login "$new"
check "the new password works through PgBouncer (got: $GOT)" '[ "$GOT" = "pool_user,tenant_pool,$port" ]'

# The lookup function serves tenants only: a superuser's verifier never
# leaves the server through it, and nobody else may call it.
check "no superuser's verifier through the lookup" \
	'[ -z "$(psql -X -At -c "SELECT phash FROM pgbouncer.user_lookup('"'pgtadmin'"')")" ]'
check "the tenant's verifier through the lookup" \
	'[[ "$(psql -X -At -c "SELECT phash FROM pgbouncer.user_lookup('"'pool_user'"')")" == SCRAM-SHA-256* ]]'
# Roles that are not tenants get nothing, with or without powers, even
# when made a member of some other group (issue 18, finding 8).
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE ROLE admin2 LOGIN CREATEROLE PASSWORD 'admin2-secret-pw';
CREATE ROLE reporting LOGIN PASSWORD 'reporting-secret-pw';
CREATE ROLE tenant_like_admin LOGIN CREATEROLE PASSWORD 'x-secret-pw';
GRANT pgtenant_tenants_postgres TO tenant_like_admin;
SQL
for r in admin2 reporting tenant_like_admin pgbouncer_auth; do
	check "no verifier of $r (not a tenant, or CREATEROLE) through the lookup" \
		'[ -z "$(psql -X -At -c "SELECT phash FROM pgbouncer.user_lookup('"'$r'"')")" ]'
done
GOT=$(psql -X -At -w -d "$new" -c "SELECT phash FROM pgbouncer.user_lookup('pool_user')" 2>&1)
check "a tenant cannot call the lookup function (got: $GOT)" '[[ "$GOT" == *"permission denied"* ]]'

finish pgbouncer
