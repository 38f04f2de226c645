#!/bin/bash
# harden and the two groups (issues 10 and 13): a database made by an older
# pgtenant, whose tenants hold CONNECT grants of their own, is migrated into
# the tenants' group and keeps working; an application role with CREATE on a
# shared schema is not a tenant and keeps its access to public; the plan
# names who moves where; a role squatting a group's name is never adopted.
. "$(dirname "$0")/lib.sh"
psql_q() { psql -X -At -v ON_ERROR_STOP=1 "$@"; }
v=$(psql_q -c 'SHOW server_version_num')

# ---- the shape an older pgtenant left, hardened ------------------------------
psql_q -q <<SQL
CREATE ROLE lg1_user LOGIN NOINHERIT PASSWORD 'legacy-pw-1';
CREATE ROLE lg2_user LOGIN NOINHERIT PASSWORD 'legacy-pw-2';
CREATE SCHEMA tenant_lg1 AUTHORIZATION lg1_user;
CREATE SCHEMA tenant_lg2 AUTHORIZATION lg2_user;
GRANT CONNECT ON DATABASE $db TO lg1_user, lg2_user;
ALTER ROLE lg1_user IN DATABASE $db SET search_path = tenant_lg1;
ALTER ROLE lg2_user IN DATABASE $db SET search_path = tenant_lg2;
CREATE ROLE pgtenant_public_users_$db NOLOGIN;
CREATE ROLE reporting LOGIN PASSWORD 'reporting-pw';
CREATE SCHEMA shared_reference;
GRANT USAGE, CREATE ON SCHEMA shared_reference TO reporting;
GRANT USAGE ON SCHEMA public TO pgtenant_public_users_$db;
GRANT CONNECT, TEMPORARY ON DATABASE $db TO pgtenant_public_users_$db;
GRANT pgtenant_public_users_$db TO reporting;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE $db FROM PUBLIC;
CREATE TABLE public.shared (x int);
GRANT SELECT ON public.shared TO PUBLIC;
SQL

run list --format=csv
check "list: shared_reference is no tenant schema" '[[ "$OUT" == *$'\''\n'\''"shared_reference,"*",false"* ]]'
check "list: tenant_lg1 is one" '[[ "$OUT" == *$'\''\n'\''"tenant_lg1,"*",true"* ]]'
run audit --format=json
check "audit counts 2 tenant roles, not reporting (got: ${OUT:0:80})" \
	'[ "$(python3 -c "import json,sys; print(json.load(sys.stdin)[\"tenant_roles\"])" <<<"$OUT")" = 2 ]'

run harden --dry-run
check "dry run: exit 0 (got $RC)" '[ $RC = 0 ]'
check "the plan says both tenants join the tenants' group" \
	'grep -Eq "^-- tenants: 2, of which 2 join \"?pgtenant_tenants_$db\"? for CONNECT" <<<"$OUT"'
check "the plan names reporting on the other side" \
	'grep -Eq "^-- other login roles keep schema public and CONNECT through .*pgtenant_public_users_$db.*: \"?reporting\"?$" <<<"$OUT"'
check "the old unmarked public group is marked, not refused" \
	'grep -q "COMMENT ON ROLE .*pgtenant_public_users_$db" <<<"$OUT"'
check "the tenants' own CONNECT grants are revoked" \
	'grep -Eq "REVOKE CONNECT ON DATABASE .* FROM \"?lg1_user\"?, \"?lg2_user\"?;" <<<"$OUT"'
if [ "$v" -lt 160000 ]; then
	check "before 16 the NOINHERIT tenants become INHERIT" 'grep -Eq "ALTER ROLE \"?lg1_user\"? INHERIT;" <<<"$OUT"'
else
	check "from 16 the membership inherits, the role stays NOINHERIT" \
		'grep -q "WITH INHERIT TRUE, SET FALSE;" <<<"$OUT" && ! grep -Eq "^ALTER ROLE .* INHERIT;" <<<"$OUT"'
fi
run harden --yes
check "harden: exit 0 (got $RC; $ERR)" '[ $RC = 0 ]'
check "the database ACL no longer names a tenant" \
	'[ "$(psql_q -c "SELECT count(*) FROM pg_database d, aclexplode(d.datacl) a
	    WHERE d.datname = current_database() AND a.grantee IN ('\''lg1_user'\''::regrole, '\''lg2_user'\''::regrole)")" = 0 ]'
for u in 1 2; do
	got=$(psql -X -At "host=$PGHOST port=$PGPORT dbname=$db user=lg${u}_user password=legacy-pw-$u" \
		-c 'SELECT current_user || current_schema()' 2>&1)
	check "migrated tenant lg$u still logs in ($got)" '[ "$got" = "lg${u}_usertenant_lg$u" ]'
done
got=$(psql -X -At "host=$PGHOST port=$PGPORT dbname=$db user=reporting password=reporting-pw" \
	-c 'SELECT count(*) FROM public.shared' 2>&1)
check "reporting keeps CONNECT and schema public ($got)" '[ "$got" = 0 ]'
got=$(psql -X -At "host=$PGHOST port=$PGPORT dbname=$db user=lg1_user password=legacy-pw-1" \
	-c 'SELECT count(*) FROM public.shared' 2>&1)
check "a tenant has no schema public ($got)" '[[ "$got" == *"permission denied for schema public"* ]]'
run harden --yes
check "harden twice: nothing to do (got $RC: $OUT)" '[ $RC = 0 ] && [[ "$OUT" == *"already hardened"* ]]'
run create tenant_new --format=csv
url=$(tail -1 <<<"$OUT" | cut -d, -f4)
check "a tenant made after harden logs in through the group" \
	'[ "$(psql -X -At -d "$url" -c "SELECT current_user" 2>&1)" = new_user ]'

# ---- a squatter on a group's name ------------------------------------------
psql_q -q -c "CREATE DATABASE squat" -c "CREATE ROLE pgtenant_tenants_squat LOGIN PASSWORD 'squat-pw'"
before=$(psql_q -d squat -c "SELECT datacl FROM pg_database WHERE datname = 'squat'")
PGDATABASE=squat run harden --yes
check "harden refuses a tenants' group it did not make (got $RC: $ERR)" \
	'[ $RC = 1 ] && [[ "$ERR" == *"pgtenant_tenants_squat"*"did not make it"* ]]'
PGDATABASE=squat run create tenant_sq --format=csv
check "create refuses it too (got $RC: $ERR)" \
	'[ $RC = 1 ] && [[ "$ERR" == *"pgtenant_tenants_squat"*"did not make it"* ]]'
check "and nothing changed" \
	'[ "$(psql_q -d squat -c "SELECT datacl FROM pg_database WHERE datname = '\''squat'\''")" = "$before" ] &&
	 [ "$(psql_q -c "SELECT count(*) FROM pg_roles WHERE rolname = '\''sq_user'\''")" = 0 ]'

# ---- a squatter that looks like a group (issue 18, finding 5) ----------------
# A role with CREATEROLE, not a tenant, makes the tenants' group of a new
# database before pgtenant does: NOLOGIN, even with pgtenant's comment, but
# INHERIT and a member of a role that reads everything. Adopting it would
# hand every later tenant that role.
if [ "$v" -ge 140000 ]; then reader=pg_read_all_data; else reader=reporting; fi
psql_q -q <<SQL
CREATE DATABASE app2;
CREATE ROLE squatter LOGIN CREATEROLE PASSWORD 'squatter-pw';
SET ROLE squatter;
CREATE ROLE pgtenant_tenants_app2 NOLOGIN INHERIT;
COMMENT ON ROLE pgtenant_tenants_app2 IS 'pgtenant: tenants of database app2';
RESET ROLE;
GRANT $reader TO pgtenant_tenants_app2;
SQL
psql_q -q -d app2 -c "CREATE TABLE public.squat_t (x int)" \
	-c "ALTER TABLE public.squat_t OWNER TO pgtenant_tenants_app2"
before=$(psql_q -d app2 -c "SELECT datacl FROM pg_database WHERE datname = 'app2'")
PGDATABASE=app2 run harden --dry-run
check "harden --dry-run refuses the squatter group (rc $RC)" \
	'[ $RC = 1 ] && [[ "$ERR" == *"pgtenant_tenants_app2\" may not be adopted"* ]]'
check "  saying it is INHERIT, a member of $reader and owns an object" \
	'[[ "$ERR" == *"is INHERIT"* && "$ERR" == *"member of $reader"* && "$ERR" == *"owns 1 object in database app2"* ]]'
check "  and giving the commands that fix it" \
	'grep -q "^  ALTER ROLE \"pgtenant_tenants_app2\" NOINHERIT;$" <<<"$ERR" &&
	 grep -q "^  REVOKE $reader FROM \"pgtenant_tenants_app2\";$" <<<"$ERR" &&
	 grep -q "^  -- in database app2, after reviewing them: DROP OWNED BY \"pgtenant_tenants_app2\";$" <<<"$ERR"'
PGDATABASE=app2 run harden --yes
check "harden --yes refuses it and changes nothing (rc $RC)" \
	'[ $RC = 1 ] && [ "$(psql_q -d app2 -c "SELECT datacl FROM pg_database WHERE datname = '\''app2'\''")" = "$before" ]'
PGDATABASE=app2 run create tenant_sq2 --format=csv
check "create refuses to hand a tenant to it (rc $RC)" \
	'[ $RC = 1 ] && [[ "$ERR" == *"pgtenant_tenants_app2"*"did not make it"* ]] &&
	 [ "$(psql_q -c "SELECT count(*) FROM pg_roles WHERE rolname = '\''sq2_user'\''")" = 0 ]'
# Cleaned up as the refusal says, one problem at a time: each is enough to refuse.
psql_q -q -c "ALTER ROLE pgtenant_tenants_app2 NOINHERIT" -c "REVOKE $reader FROM pgtenant_tenants_app2"
PGDATABASE=app2 run harden --yes
check "still refused while it owns something (rc $RC)" \
	'[ $RC = 1 ] && [[ "$ERR" == *"owns 1 object"* && "$ERR" != *INHERIT* ]]'
psql_q -q -d app2 -c "DROP OWNED BY pgtenant_tenants_app2" \
	-c "CREATE TABLE public.squat_t (x int)" -c "GRANT SELECT ON public.squat_t TO pgtenant_tenants_app2"
PGDATABASE=app2 run harden --yes
check "still refused while it holds a privilege (rc $RC)" \
	'[ $RC = 1 ] && [[ "$ERR" == *"holds privileges on 1 object in database app2"* ]]'
psql_q -q -d app2 -c "DROP OWNED BY pgtenant_tenants_app2" \
	-c "GRANT CREATE ON DATABASE app2 TO pgtenant_tenants_app2"
PGDATABASE=app2 run harden --yes
check "still refused while it holds more than CONNECT on the database (rc $RC)" \
	'[ $RC = 1 ] && [[ "$ERR" == *"holds CREATE ON DATABASE"* ]]'
psql_q -q -c "REVOKE CREATE ON DATABASE app2 FROM pgtenant_tenants_app2"
PGDATABASE=app2 run harden --yes
check "clean, it is adopted (rc $RC: $ERR)" '[ $RC = 0 ]'
PGDATABASE=app2 run create tenant_sq2 --format=csv
url=$(tail -1 <<<"$OUT" | cut -d, -f4)
check "a tenant of it logs in and reads no other data ($RC)" \
	'[ "$(psql -X -At -d "$url" -c "SELECT current_user" 2>&1)" = sq2_user ] &&
	 [[ "$(psql -X -At -d "$url" -c "SELECT count(*) FROM public.squat_t" 2>&1)" == *"permission denied"* ]]'

finish harden.sh
