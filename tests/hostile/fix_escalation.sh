#!/bin/bash
# A fix the audit prints must never widen what some role can do (issue 18,
# HIGH). Two ways a tenant used to turn a fix into rights it did not have:
#  - orphan-role: the tenant plants a SECURITY DEFINER function outside its
#    schema, then drops its schema. The old fix, REASSIGN OWNED ... TO the
#    admin, made the function the superuser's: any role could then call it
#    and become superuser.
#  - cross-tenant-object-owner: a tenant with CREATE on another tenant's
#    schema plants a view and a SECURITY DEFINER function over that
#    tenant's table, granted to PUBLIC. Giving them to the schema's tenant
#    (ALTER ... OWNER) kept the grants and made them read with the
#    victim's rights.
# Each fix is run exactly as printed; the attacker must gain nothing.
. "$PT_TOP_SRCDIR/tests/cli/lib.sh"

admin_sql() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1" 2>&1; }
as() { psql -X -q -At -w -v ON_ERROR_STOP=1 -d "${conn[$1]}" -c "$2" 2>&1; }
declare -A conn
for t in a b c; do
	run create "tenant_$t" --format=json
	conn[$t]=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["connection_string"])' <<<"$OUT")
	check "create tenant_$t" '[ $RC = 0 ] && [ -n "${conn[$t]}" ]'
done
# A database that is not hardened, as PostgreSQL 14 and older make them:
# every role may create in public.
admin_sql "GRANT CREATE ON SCHEMA public TO PUBLIC" >/dev/null

# ---- orphan-role ----
as a "CREATE FUNCTION public.pwn() RETURNS text LANGUAGE plpgsql SECURITY DEFINER
        AS \$\$BEGIN EXECUTE 'ALTER ROLE c_user SUPERUSER'; RETURN 'ok'; END\$\$;
      CREATE TABLE public.a_log (x int);
      CREATE FUNCTION public.a_trg() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN RETURN NEW; END\$\$;
      CREATE TRIGGER a_watch BEFORE INSERT ON public.a_log FOR EACH ROW EXECUTE FUNCTION public.a_trg();
      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO PUBLIC;
      DROP SCHEMA tenant_a CASCADE" >/dev/null
got=$(as c "SELECT public.pwn()")
check "before the fix, pwn() fails when c runs it ($got)" '[[ $got == *ERROR* ]]'

run audit --format=json --rule=orphan-role
field() {
	python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
rule, role, field = sys.argv[1:4]
m = [f for f in d["findings"] if f["rule"] == rule and f["role"] == role]
sys.stdout.write("\n".join(f[field] or "" for f in m))' "$@" <<<"$OUT"
}
fix=$(field orphan-role a_user fix_sql)
detail=$(field orphan-role a_user detail)
check "audit: orphan-role a_user" '[ -n "$fix" ]'
check "the fix hands nothing to another role: $fix" \
	'[[ $fix != *REASSIGN* ]] && [[ $fix != *"OWNER TO"* ]] && [[ $fix == *"DROP OWNED BY \"a_user\""* ]]'
check "the finding names the SECURITY DEFINER function" '[[ $detail == *"SECURITY DEFINER function public.pwn()"* ]]'
check "... the trigger" '[[ $detail == *"trigger a_watch ON public.a_log"* ]]'
check "... the default privileges" '[[ $detail == *"default privileges"* ]]'
check "... and how many objects it drops" '[[ $detail == *"drops the 4 objects"* ]]'
out=$(admin_sql "$fix")
check "the fix runs as printed ($out)" '[ -z "$out" ]'
got=$(as c "SELECT public.pwn()")
check "after the fix, pwn() is gone ($got)" '[[ $got == *"does not exist"* ]]'
check "c_user is no superuser" '[ "$(admin_sql "SELECT rolsuper FROM pg_roles WHERE rolname = '"'c_user'"'")" = f ]'
check "a_user is gone" '[ "$(admin_sql "SELECT count(*) FROM pg_roles WHERE rolname = '"'a_user'"'")" = 0 ]'
check "nothing a_user owned was handed to the admin" \
	'[ "$(admin_sql "SELECT count(*) FROM pg_proc WHERE proname IN ('"'pwn'"', '"'a_trg'"')")" = 0 ]'

# ---- cross-tenant-object-owner ----
as c "CREATE TABLE secret (v text); INSERT INTO secret VALUES ('c-data');
      GRANT USAGE, CREATE ON SCHEMA tenant_c TO b_user" >/dev/null
as b "CREATE VIEW tenant_c.peek_view AS SELECT v FROM tenant_c.secret;
      GRANT SELECT ON tenant_c.peek_view TO PUBLIC;
      CREATE FUNCTION tenant_c.peek() RETURNS text LANGUAGE sql SECURITY DEFINER
        AS 'SELECT pg_catalog.string_agg(v, '','') FROM tenant_c.secret'" >/dev/null
got=$(as b "SELECT v FROM tenant_c.peek_view")
check "before the fix, b cannot read c's table through its view ($got)" '[[ $got == *"permission denied"* ]]'
run audit --format=json --rule=cross-tenant-object-owner
fixes=$(field cross-tenant-object-owner b_user fix_sql)
check "audit: b_user owns two objects in tenant_c" '[ "$(grep -c . <<<"$fixes")" = 2 ]'
while IFS= read -r fix; do
	out=$(admin_sql "$fix")
	check "the owner fix runs as printed: $fix ($out)" '[ -z "$out" ]'
done <<<"$fixes"
got=$(as b "SELECT v FROM tenant_c.peek_view")
check "after the fix, b still cannot read c's data through the view ($got)" \
	'[[ $got != *c-data* ]] && [[ $got == *"permission denied"* ]]'
got=$(as b "SELECT tenant_c.peek()")
check "... nor through the function ($got)" '[[ $got != *c-data* ]] && [[ $got == *"permission denied"* ]]'
got=$(as c "SELECT v FROM tenant_c.peek_view; SELECT tenant_c.peek()")
check "c owns both and uses them ($got)" '[ "$got" = "c-data
c-data" ]'
check "the function runs with its caller's rights now" \
	'[ "$(admin_sql "SELECT prosecdef FROM pg_proc WHERE proname = '"'peek'"'")" = f ]'

finish fix_escalation.sh
