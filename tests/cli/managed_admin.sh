#!/bin/bash
# The managed-cloud admin (RDS, Cloud SQL, Azure style): a role with LOGIN
# CREATEROLE CREATEDB, not a superuser, that made and owns its database.
# On the server the suite runs against (13 to 18), it does everything
# pgtenant offers for the tenants it manages - create, list, roles,
# rotate-password, audit, harden --dry-run, harden, drop - or is told
# precisely what it lacks before anything runs:
#   13/14  public belongs to the bootstrap superuser: harden --dry-run still
#          prints the plan, harden does what it can and names the statement
#          that needs a superuser (or closes public some way that works);
#   16+    CREATEROLE acts only on roles it holds ADMIN OPTION on: a tenant or
#          a group made by another role is refused by a pre-check that names
#          the ADMIN option, before any statement reaches the server;
#          create issues no GRANT the server already made
#          (createrole_self_grant), and works with the setting empty too.
. "$PT_TOP_SRCDIR/tests/cli/lib.sh"

major=${PT_TEST_PG_MAJOR:?}
log=${PT_TEST_SERVER_LOG:?}
echo "PostgreSQL $major, admin: LOGIN CREATEROLE CREATEDB, database owner"

# The bootstrap superuser (trusted on the socket) sets the scene only.
su_q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "${2:-$db}" -c "$1" 2>&1; }
# The cloud admin's password lives in a 0600 passfile, never in argv.
export PGPASSFILE=$tmp/pgpass
printf '*:*:*:cloud_admin:Cloud-admin-pw-1\n' > "$PGPASSFILE"
chmod 600 "$PGPASSFILE"
cloud() { echo "host=$PGHOST port=$PGPORT dbname=$1 user=cloud_admin"; }
ca_q() { psql -X -q -At -w -v ON_ERROR_STOP=1 -d "$(cloud "${2:-cloud_db}")" -c "$1" 2>&1; }
as_conn() { psql -X -q -At -w -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }
conn_of() {
	python3 -c 'import csv,sys; print(list(csv.DictReader(sys.stdin))[0]["connection_string"])' <<<"$OUT"
}
# What the cloud admin's sessions sent, from the server's statement log.
sync_log() { su_q "SELECT 'sync-log'" >/dev/null; sleep 0.3; }
# sent DB TEXT: how many log entries of the cloud admin in DB contain TEXT
# (a multi-statement string is one entry over several lines).
sent() {
	sync_log
	awk -v who=" cloud_admin@$1 " '/^[0-9][0-9][0-9][0-9]-/ { cur = index($0, who) > 0 } cur' "$log" |
		grep -cF -- "$2"
}

su_q "CREATE ROLE cloud_admin LOGIN CREATEROLE CREATEDB PASSWORD 'Cloud-admin-pw-1'" >/dev/null
# As on a managed service, the admin makes its database itself.
ca_q "CREATE DATABASE cloud_db" postgres >/dev/null
ca_q "CREATE DATABASE cloud_db2" postgres >/dev/null
check "the admin is no superuser and owns its database" \
	'[ "$(ca_q "SELECT rolsuper::text || pg_catalog.pg_get_userbyid(d.datdba) FROM pg_roles, pg_database d WHERE rolname = current_user AND d.datname = current_database()")" = falsecloud_admin ]'
C=$(cloud cloud_db)

# ---- create: the tenant logs in and lands in its own schema ----
run -d "$C" create tenant_a --format=csv
a=$(conn_of)
check "create as the cloud admin" '[ $RC = 0 ] && [ -n "$a" ]'
check "the tenant logs in, in its schema" \
	'[ "$(as_conn "$a" "CREATE TABLE t (x int); SELECT current_user || '\''/'\'' || current_schema")" = a_user/tenant_a ]'
run -d "$C" create tenant_b --format=csv
b=$(conn_of)
check "a second tenant" '[ $RC = 0 ] && [ "$(as_conn "$b" "SELECT current_user")" = b_user ]'
check "tenant b cannot read tenant a" \
	'[[ $(as_conn "$b" "SELECT * FROM tenant_a.t") == *"permission denied"* ]]'

# ---- list and roles ----
run -d "$C" list --format=csv
check "list shows both tenants" \
	'[ $RC = 0 ] && [[ $OUT == *tenant_a,* ]] && [[ $OUT == *tenant_b,* ]]'
run -d "$C" roles --format=json
member_of=$(python3 -c 'import json,sys; print([r["member_of"] for r in json.load(sys.stdin) if r["role"] == "cloud_admin"][0])' <<<"$OUT" 2>&1)
echo "cloud_admin member of: $member_of"
# Each role once, whatever the number of grantors (16+: the server's
# grant to the creator and pgtenant's own).
check "roles: each membership once" \
	'[ $RC = 0 ] && [ "$(tr , "\n" <<<"$member_of" | sed "s/(.*//" | sort | uniq -d)" = "" ] &&
	 [ "$(tr , "\n" <<<"$member_of" | sed "s/(.*//" | grep -cx "[ab]_user")" = 2 ]'
if [ "$major" -ge 16 ]; then
	check "roles (16+): the creator's ADMIN option is shown" \
		'[[ ,$member_of, == *",a_user(admin"* ]]'
fi

# ---- create on 16+: no GRANT the server already made ----
if [ "$major" -ge 16 ]; then
	su_q "ALTER ROLE cloud_admin SET createrole_self_grant = 'set, inherit'" >/dev/null
	run -d "$C" create tenant_c --format=csv
	c=$(conn_of)
	check "create with createrole_self_grant = 'set, inherit'" \
		'[ $RC = 0 ] && [ "$(as_conn "$c" "SELECT current_schema")" = tenant_c ]'
	check "... issues no GRANT c_user TO the admin (the server made it)" \
		'[ "$(sent cloud_db "GRANT \"c_user\" TO \"cloud_admin\"")" = 0 ]'
	su_q "ALTER ROLE cloud_admin SET createrole_self_grant = ''" >/dev/null
	run -d "$C" create tenant_d --format=csv
	d=$(conn_of)
	check "create with createrole_self_grant = '' (ADMIN only)" \
		'[ $RC = 0 ] && [ "$(as_conn "$d" "SELECT current_schema")" = tenant_d ]'
	su_q "ALTER ROLE cloud_admin RESET createrole_self_grant" >/dev/null
fi

# ---- rotate-password ----
run -d "$C" rotate-password tenant_a --format=csv
a2=$(conn_of)
check "rotate-password as the cloud admin" '[ $RC = 0 ] && [ -n "$a2" ] && [ "$a2" != "$a" ]'
check "... the new password works" '[ "$(as_conn "$a2" "SELECT current_user")" = a_user ]'
check "... the old one is refused" \
	'[[ $(as_conn "$a" "SELECT 1") == *"password authentication failed"* ]]'

# A tenant made by another role (here the superuser).
run create tenant_s --format=csv
s=$(conn_of)
check "the superuser makes tenant_s" '[ $RC = 0 ] && [ -n "$s" ]'
S=$(cloud "$db")
run -d "$S" rotate-password tenant_s --format=csv
if [ "$major" -ge 16 ]; then
	check "16+: rotating another role's tenant is refused, naming the ADMIN option" \
		'[ $RC = 1 ] && [[ $ERR == *ADMIN* ]] && [[ $ERR == *s_user* ]]'
	check "... by a pre-check: no ALTER ROLE reached the server" \
		'[ "$(sent "$db" "ALTER ROLE \"s_user\"")" = 0 ]'
	check "... and the password is unchanged" '[ "$(as_conn "$s" "SELECT current_user")" = s_user ]'
else
	check "13-15: CREATEROLE may rotate any tenant" \
		'[ $RC = 0 ] && [ "$(as_conn "$(conn_of)" "SELECT current_user")" = s_user ]'
fi

# ---- audit ----
run -d "$C" audit --format=json
check "audit as the cloud admin: runs (exit 0 or 1), says the password checks were skipped" \
	'[ $RC -le 1 ] && [[ $OUT == *password-checks-skipped* ]] && [[ $OUT == *tenant_schemas* ]]'

# ---- harden ----
run -d "$C" harden --dry-run
check "harden --dry-run always prints the plan" \
	'[ $RC = 0 ] && [[ $OUT == *"REVOKE ALL ON SCHEMA public FROM PUBLIC;"* ]] && [[ $OUT == *"REVOKE CONNECT, TEMPORARY ON DATABASE"* ]]'
check "... and changes nothing" \
	'[ "$(as_conn "$b" "SELECT has_schema_privilege('\''public'\'', '\''USAGE'\'')")" = t ]'
dry=$OUT$ERR
run -d "$C" harden --yes
if [ "$major" -le 14 ]; then
	echo "harden on $major: rc $RC: ${OUT:0:300} ${ERR:0:300}"
	if [ "$(as_conn "$b" "SELECT has_schema_privilege('public', 'USAGE')")" = t ]; then
		check "13/14: harden names the statement that needs a superuser" \
			'[[ $OUT$ERR == *superuser* ]] && [[ $OUT$ERR == *"SCHEMA public"* ]]'
		check "... the dry run said so too" \
			'[[ $dry == *superuser* ]] && [[ $dry == *"SCHEMA public"* ]]'
	fi
	check "13/14: harden did what it could: PUBLIC may no longer connect" \
		'[ "$(ca_q "SELECT has_database_privilege('\''public'\'', current_database(), '\''CONNECT'\'')")" = f ]'
else
	check "harden as the cloud admin" '[ $RC = 0 ] && [[ $OUT == *"is hardened"* ]]'
	check "the tenant can no longer use public" \
		'[[ $(as_conn "$b" "CREATE TABLE public.x (y int)") == *"permission denied"* ]]'
	run -d "$C" harden --yes
	check "harden twice: nothing to do" '[ $RC = 0 ] && [[ $OUT == *"already hardened"* ]]'
fi
check "after harden the tenants still log in and work" \
	'[ "$(as_conn "$a2" "INSERT INTO t VALUES (1); SELECT count(*) FROM tenant_a.t")" = 1 ]'
run -d "$C" create tenant_e --format=csv
e=$(conn_of)
check "a tenant made after harden logs in" '[ $RC = 0 ] && [ "$(as_conn "$e" "SELECT current_user")" = e_user ]'

# ---- harden around a group made by another role ----
# The superuser hardened cloud_db2 first, so the group is its; the cloud
# admin then adds an application role that needs the group.
C2=$(cloud cloud_db2)
# public is the admin's here on every version, so that 13/14's superuser-owned
# public (tested above) does not hide the ADMIN OPTION rule.
su_q "ALTER SCHEMA public OWNER TO cloud_admin" cloud_db2 >/dev/null
run -d "host=$PGHOST port=$PGPORT dbname=cloud_db2" harden --yes
check "the superuser hardens cloud_db2" '[ $RC = 0 ]'
ca_q "CREATE ROLE app2 LOGIN PASSWORD 'app2-pw-secret'" cloud_db2 >/dev/null
run -d "$C2" harden --dry-run
dry=$OUT$ERR
check "dry run plans the grant for app2" '[ $RC -le 1 ] && [[ $OUT == *"TO \"app2\";"* ]]'
run -d "$C2" harden --yes
app2_in=$(su_q "SELECT count(*) FROM pg_auth_members WHERE member = 'app2'::regrole" cloud_db2)
if [ "$major" -ge 16 ] && [ "$app2_in" = 0 ]; then
	check "16+: harden around another role's group is refused, naming the ADMIN option" \
		'[ $RC != 0 ] && [[ $ERR == *ADMIN* ]]'
	check "... which the dry run said too" '[[ $dry == *ADMIN* ]]'
	check "... before anything ran" '[ "$(sent cloud_db2 "GRANT \"pgtenant_public_users_cloud_db2\"")" = 0 ]'
else
	check "harden grants app2 the group" '[ $RC = 0 ] && [ "$app2_in" = 1 ]'
fi

# ---- drop ----
run -d "$C" drop tenant_b --yes
check "drop as the cloud admin" '[ $RC = 0 ]'
check "... schema and role are gone" \
	'[ "$(su_q "SELECT count(*) FROM pg_roles WHERE rolname = '\''b_user'\''") $(su_q "SELECT count(*) FROM pg_namespace WHERE nspname = '\''tenant_b'\''" cloud_db)" = "0 0" ]'

# ---- a tenant revokes the admin's membership in its role (issue 18, finding 4)
# Before PostgreSQL 16 a role may revoke its own membership from others:
# the admin then no longer sees the tenant's sessions, cannot end them nor
# drop what it owns. pgtenant must say so everywhere, never "terminated: 0".
run -d "$C" create tenant_rv --format=csv
rv=$(conn_of)
revoked=$(as_conn "$rv" "REVOKE rv_user FROM cloud_admin" 2>&1)
echo "tenant's REVOKE rv_user FROM cloud_admin on $major: $revoked"
if [ "$major" -ge 16 ]; then
	check "16+: the tenant cannot revoke the admin's membership" '[[ $revoked == *ERROR* || $revoked == *WARNING* ]]'
fi
lost=$(su_q "SELECT NOT pg_has_role('cloud_admin', 'rv_user', 'USAGE')")
if [ "$major" -le 14 ]; then
	check "13/14: the tenant did revoke it" '[ "$lost" = t ]'
fi
if [ "$lost" = t ]; then
	as_conn "$rv" "SELECT pg_catalog.pg_sleep(120) /* rv-sleep */" >/dev/null 2>&1 &
	rv_bg=$!
	for i in $(seq 100); do
		[ "$(su_q "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%rv-sleep */'")" = 1 ] && break
		sleep 0.2
	done
	rv_pid=$(su_q "SELECT pid FROM pg_stat_activity WHERE query LIKE '%rv-sleep */'")
	run -d "$C" audit --format=json --rule=admin-membership-lost
	check "audit reports the lost membership, with the GRANT that restores it" \
		'[ $RC = 1 ] && python3 -c "import json,sys; f = json.load(sys.stdin)[\"findings\"]; sys.exit(not (len(f) == 1 and f[0][\"role\"] == \"rv_user\" and f[0][\"severity\"] == \"medium\" and f[0][\"fix_sql\"].startswith(\"GRANT \\\"rv_user\\\" TO \\\"cloud_admin\\\"\")))" <<<"$OUT"'
	run -d "$C" sessions
	check "sessions fails, naming the sessions it cannot see (rc $RC)" \
		'[ $RC = 1 ] && [[ $ERR == *"1 session of tenant role(s) rv_user cannot be seen"* ]]'
	run -d "$C" sessions tenant_rv --terminate "$rv_pid" --yes
	check "sessions --terminate fails for a session it cannot see (rc $RC)" \
		'[ $RC = 1 ] && [[ $ERR == *"cannot be seen or ended"* ]] && kill -0 $rv_bg'
	run -d "$C" lock tenant_rv --terminate --yes
	check "lock --terminate refuses instead of 'sessions terminated: 0' (rc $RC)" \
		'[ $RC = 1 ] && [[ $ERR == *"not a member of tenant role \"rv_user\""* ]] && [[ $ERR != *"terminated: 0"* ]]'
	check "... and the session still runs, the tenant not locked" \
		'kill -0 $rv_bg && [ "$(su_q "SELECT rolcanlogin FROM pg_roles WHERE rolname = '\''rv_user'\''")" = t ]'
	run -d "$C" drop tenant_rv --yes
	check "drop still works: it grants the membership back in its transaction (rc $RC: $ERR)" \
		'[ $RC = 0 ] && [ "$(su_q "SELECT count(*) FROM pg_roles WHERE rolname = '\''rv_user'\''")" = 0 ]'
	kill $rv_bg 2>/dev/null
fi

finish managed_admin.sh
