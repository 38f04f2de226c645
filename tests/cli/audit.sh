#!/bin/bash
# pgtenant audit and pgtenant harden from outside, against a real server:
# tenants made by `create` are reported as reachable through the public
# schema until `harden --yes`; after it they audit clean, a tenant can no
# longer read a table in public (through the connection string `create`
# printed) while the admin and an application role still can, tenants still
# work in their own schemas, and a second harden changes nothing. A planted
# cross-tenant grant is found with its role and schema, and its fix_sql
# removes it. Exit statuses: audit 0 clean / 1 findings / 2 errors;
# harden 2 without a terminal and without --yes.
. "$PT_TOP_SRCDIR/tests/cli/lib.sh"

# run_tty ANSWER ARG...: pgtenant on a pseudo-terminal, ANSWER typed at
# the confirmation prompt.
run_tty() {
	local answer=$1; shift
	OUT=$(python3 - "$answer" "$bin" "$@" <<'PY'
import os, pty, sys, time
answer, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
buf, sent, deadline = b"", False, time.time() + 20
while time.time() < deadline:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    buf += chunk
    if not sent and b'Type "yes"' in buf:
        os.write(fd, answer.encode() + b"\n")
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(buf.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
)
	RC=$?
	ERR=
}

psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1" 2>&1; }
as_conn() { psql -X -q -At -w -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }
# findings RULE ROLE SCHEMA: how many findings of the JSON in OUT match.
findings() {
	python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
rule, role, schema = sys.argv[1:4]
print(sum(1 for f in d["findings"] if f["rule"] == rule and f["role"] == role
          and (f["schema"] or "") == schema))' "$@" <<<"$OUT"
}
# worst: the most severe severity in the JSON in OUT, or "none".
worst() {
	python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
order = ["info", "low", "medium", "high"]
s = [order.index(f["severity"]) for f in d["findings"]]
print(order[max(s)] if s else "none")' <<<"$OUT"
}
fix_of() {
	python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
rule, role, schema = sys.argv[1:4]
print([f for f in d["findings"] if f["rule"] == rule and f["role"] == role
       and (f["schema"] or "") == schema][0]["fix_sql"])' "$@" <<<"$OUT"
}

# ---- tenants made by create, an application role, a table in public ----
run create tenant_one --connection-limit=5 --format=csv
one=$(python3 -c 'import csv,sys; print(list(csv.DictReader(sys.stdin))[0]["connection_string"])' <<<"$OUT")
check "create tenant_one" '[ $RC = 0 ] && [ -n "$one" ]'
run create tenant_two --connection-limit=5 --format=csv
two=$(python3 -c 'import csv,sys; print(list(csv.DictReader(sys.stdin))[0]["connection_string"])' <<<"$OUT")
check "create tenant_two" '[ $RC = 0 ] && [ -n "$two" ]'
psql_q "CREATE TABLE public.shared (x int); INSERT INTO public.shared VALUES (42);
        GRANT SELECT ON public.shared TO PUBLIC;
        CREATE ROLE app_cli LOGIN PASSWORD 'app-cli-secret'" >/dev/null
app="host=$PGHOST port=$PGPORT dbname=$db user=app_cli password=app-cli-secret"

check "before harden, the tenant reads public.shared" \
	'[ "$(as_conn "$one" "SELECT x FROM public.shared")" = 42 ]'

# ---- audit before harden: the public schema and PUBLIC's CONNECT ----
run audit --format=json
check "audit before harden: exit 1" '[ $RC = 1 ]'
check "audit finds PUBLIC USAGE on public" '[ "$(findings public-schema-usage PUBLIC public)" = 1 ]'
check "audit finds PUBLIC CONNECT on the database" '[ "$(findings database-public-connect PUBLIC "")" = 1 ]'
check "audit counts two tenants" \
	'[ "$(python3 -c "import json,sys; print(json.load(sys.stdin)[\"tenant_schemas\"])" <<<"$OUT")" = 2 ]'
run audit
check "table format: exit 1, a summary line" '[ $RC = 1 ] && [[ $OUT == *"2 tenant schemas"* ]]'

# ---- harden without a terminal, dry run, declined ----
run harden
check "harden without a terminal: exit 2, plan printed, asks for --yes" \
	'[ $RC = 2 ] && [[ $OUT == *"REVOKE ALL ON SCHEMA public FROM PUBLIC;"* ]] && [[ $ERR == *--yes* ]]'
check "... and nothing changed" \
	'[ "$(as_conn "$one" "SELECT x FROM public.shared")" = 42 ]'
run harden --dry-run
check "harden --dry-run: exit 0, statements printed" \
	'[ $RC = 0 ] && [[ $OUT == *"REVOKE CONNECT, TEMPORARY ON DATABASE"* ]] && [[ $OUT == *"GRANT \"pgtenant_public_users_$db\" TO \"app_cli\";"* ]]'
check "... and nothing changed" \
	'[ "$(psql_q "SELECT count(*) FROM pg_roles WHERE rolname = '\''pgtenant_public_users_$db'\''")" = 0 ]'
run harden --dry-run --yes
check "--dry-run with --yes is a usage error" '[ $RC = 2 ]'
run_tty no harden
check "harden, answer no: exit 1, nothing changed" \
	'[ $RC = 1 ] && [ "$(as_conn "$one" "SELECT x FROM public.shared")" = 42 ]'

# ---- harden for real, typed confirmation ----
run_tty yes harden
check "harden, answer yes: exit 0, hardened" '[ $RC = 0 ] && [[ $OUT == *"is hardened"* ]]'
check "the tenant can no longer read public.shared" \
	'[[ $(as_conn "$one" "SELECT x FROM public.shared") == *"permission denied for schema public"* ]]'
check "nor create in public" \
	'[[ $(as_conn "$two" "CREATE TABLE public.x (y int)") == *"permission denied"* ]]'
check "the tenant still works in its own schema" \
	'[ "$(as_conn "$one" "CREATE TABLE mine (v int); INSERT INTO mine VALUES (7); SELECT v FROM tenant_one.mine")" = 7 ]'
check "the admin still reads public.shared" '[ "$(psql_q "SELECT x FROM public.shared")" = 42 ]'
check "the application role still reads public.shared" \
	'[ "$(as_conn "$app" "SELECT x FROM public.shared")" = 42 ]'

run harden --yes
check "harden twice: exit 0, nothing to do" \
	'[ $RC = 0 ] && [[ $OUT == *"already hardened"* ]] && [[ $OUT != *GRANT* ]]'

run audit --format=json
check "after harden: audit exit 0" '[ $RC = 0 ]'
check "after harden: nothing above info" '[ "$(worst)" = info ] || [ "$(worst)" = none ]'
run audit
check "after harden, table: no path between tenants" '[ $RC = 0 ] && [[ $OUT == *"No path between tenants"* ]]'

# ---- a new tenant made after harden can log in and is isolated too ----
run create tenant_three --connection-limit=5 --format=csv
three=$(python3 -c 'import csv,sys; print(list(csv.DictReader(sys.stdin))[0]["connection_string"])' <<<"$OUT")
check "create after harden gives CONNECT" \
	'[ $RC = 0 ] && [ "$(as_conn "$three" "SELECT current_user")" = three_user ]'
check "create after harden does not warn" '[[ $ERR != *"not hardened"* ]]'

# ---- a planted cross-tenant grant is found, and its fix removes it ----
psql_q "GRANT USAGE ON SCHEMA tenant_one TO two_user; CREATE TABLE tenant_one.t (x int);
        ALTER TABLE tenant_one.t OWNER TO one_user; GRANT SELECT ON tenant_one.t TO two_user" >/dev/null
check "the planted path works" '[ "$(as_conn "$two" "SELECT count(*) FROM tenant_one.t")" = 0 ]'
run audit --format=json
check "audit with a planted grant: exit 1" '[ $RC = 1 ]'
check "cross-tenant schema grant found for two_user in tenant_one" \
	'[ "$(findings cross-tenant-schema-grant two_user tenant_one)" = 1 ]'
check "cross-tenant table grant found for two_user in tenant_one" \
	'[ "$(findings cross-tenant-table-grant two_user tenant_one)" = 1 ]'
fix1=$(fix_of cross-tenant-schema-grant two_user tenant_one)
fix2=$(fix_of cross-tenant-table-grant two_user tenant_one)
psql_q "$fix1 $fix2" >/dev/null
check "after the fixes the path is closed" \
	'[[ $(as_conn "$two" "SELECT count(*) FROM tenant_one.t") == *"permission denied"* ]]'
run audit --format=json
check "after the fixes: audit exit 0" '[ $RC = 0 ]'

# ---- cost: the same statements whatever the number of tenants ----
log=${PT_TEST_SERVER_LOG:?}
statements() { grep -cE 'LOG:  (statement|execute <unnamed>):' "$log"; }
sync_log() { psql_q "SELECT 'audit-sync'" >/dev/null; sleep 0.3; }
sync_log; n0=$(statements)
run audit --format=json
sync_log; n1=$(statements)
psql_q "DO \$\$ BEGIN FOR i IN 1..40 LOOP
          EXECUTE format('CREATE ROLE %I LOGIN NOINHERIT', 'cost' || i || '_user');
          EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', 'tenant_cost' || i, 'cost' || i || '_user');
        END LOOP; END \$\$" >/dev/null
sync_log; n2=$(statements)
run audit --format=json
sync_log; n3=$(statements)
echo "an audit logs $((n1 - n0)) statements with 3 tenants, $((n3 - n2)) with 43"
check "40 more tenants, same number of statements per audit ($((n1 - n0)) vs $((n3 - n2)))" \
	'[ $((n1 - n0)) = $((n3 - n2)) ] && [ $((n1 - n0)) -le 12 ]'
check "... and they are counted" \
	'[ "$(python3 -c "import json,sys; print(json.load(sys.stdin)[\"tenant_schemas\"])" <<<"$OUT")" = 43 ]'

# ---- choosing findings: --severity, --rule, --list-rules ----
psql_q "CREATE ROLE nolimit_user LOGIN NOINHERIT PASSWORD 'nolimit-secret';
        CREATE SCHEMA tenant_nolimit AUTHORIZATION nolimit_user" >/dev/null
run audit --format=json
check "a tenant without a connection limit: one low finding" \
	'[ $RC = 1 ] && [ "$(findings tenant-without-connection-limit nolimit_user tenant_nolimit)" = 1 ]'
check "... and only that one among the tenants made by create" \
	'[ "$(python3 -c "import json,sys; print(sum(f[\"rule\"] == \"tenant-without-connection-limit\" for f in json.load(sys.stdin)[\"findings\"]))" <<<"$OUT")" = 41 ]'
run audit --format=json --severity=medium
check "--severity=medium: exit 0, nothing below medium, summary recounted" \
	'[ $RC = 0 ] && [ "$(worst)" = none ] && [[ $OUT == *"\"low\": 0"* ]]'
run audit --format=json --severity=low
check "--severity=low: exit 1, the low findings only" \
	'[ $RC = 1 ] && [ "$(worst)" = low ] && [ "$(findings login-without-expiry one_user tenant_one)" = 0 ]'
run audit --format=json --rule=login-without-expiry,orphan-role --rule tenant-without-connection-limit
check "--rule, repeated and as a list: only those rules" \
	'[ $RC = 1 ] && [ "$(python3 -c "import json,sys; print(sorted({f[\"rule\"] for f in json.load(sys.stdin)[\"findings\"]}))" <<<"$OUT")" = "['\''login-without-expiry'\'', '\''tenant-without-connection-limit'\'']" ]'
run audit --format=json --rule=login-without-expiry
check "--rule with only info findings: exit 0" '[ $RC = 0 ] && [ "$(worst)" = info ]'
run audit --rule=login-without-expiry
check "filtered table output does not claim there is no path" \
	'[ $RC = 0 ] && [[ $OUT != *"No path between tenants"* ]] && [[ $OUT == *"rules and severities chosen"* ]]'
run audit --rule=no-such-rule
check "--rule=unknown: usage error 2, named" '[ $RC = 2 ] && [[ $ERR == *no-such-rule* ]]'
run audit --severity=urgent
check "--severity=unknown: usage error 2" '[ $RC = 2 ] && [[ $ERR == *urgent* ]]'
run audit --list-rules --format=csv
rules=$(tail -n +2 <<<"$OUT" | cut -d, -f1)
check "--list-rules: every rule, with the new ones" \
	'[ $RC = 0 ] && [ "$(wc -l <<<"$rules")" -ge 45 ] && grep -qx lo-compat-privileges <<<"$rules" && grep -qx user-named-schema <<<"$rules"'
missing=
for r in $rules; do
	sed 's/\\-/-/g' "$PT_TOP_SRCDIR/doc/pgtenant.1" | grep -qF -- "$r" || missing="$missing $r"
done
check "the man page names every rule (missing:$missing)" '[ -z "$missing" ]'
psql_q "DROP SCHEMA tenant_nolimit; DROP ROLE nolimit_user" >/dev/null

# ---- errors ----
run audit --format=xml
check "unknown format: exit 2" '[ $RC = 2 ]'
run -d "host=$PGHOST port=1 dbname=$db" audit
check "no server: exit 2" '[ $RC = 2 ]'

finish audit.sh
