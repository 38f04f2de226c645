#!/bin/bash
# sessions, lock, unlock and alter from outside, against real tenant
# sessions opened with psql: what the commands print, that their actions
# really reach the tenant (a canceled query, a refused login, a statement
# timeout), that they never reach anyone else, and that a tenant's text
# (query, application name) cannot drive the reader's terminal.
. "$PT_TOP_SRCDIR/tests/cli/lib.sh"

psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1" 2>&1; }
json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
# the pid of the (first) tenant session whose query starts with $1
pid_of() { psql_q "SELECT pid FROM pg_stat_activity WHERE query LIKE '$1%' AND pid <> pg_backend_pid() ORDER BY backend_start LIMIT 1"; }
# wait_for DESCRIPTION COMMAND: poll COMMAND for up to 30 s
wait_for() {
	local i
	for i in $(seq 150); do eval "$2" && return 0; sleep 0.2; done
	echo "timed out waiting for $1"; return 1
}
alive() { kill -0 "$1" 2>/dev/null; }
bg_pids=()
cleanup() { for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
# on_pty [--type TEXT] ARG...: pgtenant on a pseudo-terminal (script(1)),
# TEXT typed on it; OUT gets every byte the terminal received.
on_pty() {
	local input= cmd
	if [ "$1" = --type ]; then input=$2; shift 2; fi
	printf -v cmd '%q ' "$bin" "$@"
	printf '%s' "$input" | script -qefc "$cmd" "$tmp/typescript" >/dev/null 2>&1
	RC=$?
	OUT=$(cat "$tmp/typescript")
	ERR=
}

run create tenant_acme --format=json
acme=$(json 'd["connection_string"]' <<<"$OUT")
run create tenant_evil --format=json
evil=$(json 'd["connection_string"]' <<<"$OUT")
[ -n "$acme" ] && [ -n "$evil" ] || { echo "FAIL: cannot create the tenants: $ERR"; exit 1; }
psql_q "CREATE ROLE app_admin LOGIN" >/dev/null

# ---- help -----------------------------------------------------------------
run --help
for word in sessions lock unlock alter --cancel --terminate --set --reset --dry-run; do
	check "--help mentions $word" '[[ "$OUT" == *"$word"* ]]'
done

# ---- sessions -------------------------------------------------------------
psql -X -q "$acme" -c "SELECT pg_catalog.pg_sleep(120) /* acme-sleep */" >"$tmp/acme.out" 2>&1 &
acme_bg=$!; bg_pids+=($acme_bg)
wait_for "acme's session" '[ -n "$(pid_of "SELECT pg_catalog.pg_sleep(120) /* acme")" ]'
acme_pid=$(pid_of "SELECT pg_catalog.pg_sleep(120) /* acme")
run sessions --format=json
check "sessions exits 0 (got $RC)" '[ $RC = 0 ]'
check "sessions lists acme's session as the tenant's" \
	'[ "$(json "[(s[\"schema\"], s[\"role\"], s[\"state\"]) for s in d if s[\"pid\"] == $acme_pid]" <<<"$OUT")" = "[('\''tenant_acme'\'', '\''acme_user'\'', '\''active'\'')]" ]'
check "sessions lists only tenants' sessions" \
	'[ "$(json "sorted(set(s[\"role\"] for s in d))" <<<"$OUT")" = "['\''acme_user'\'']" ]'
# list says what the console says: how many sessions each tenant has
run list --format=json
check "list counts acme's session, evil has none, public is no tenant (rc $RC)" \
	'[ "$(json "sorted((r[\"schema\"], r[\"locked\"], r[\"sessions\"]) for r in d)" <<<"$OUT")" = "[('\''public'\'', None, None), ('\''tenant_acme'\'', False, 1), ('\''tenant_evil'\'', False, 0)]" ]'
run list
check "list's table has LOCKED and SESSIONS" '[[ "${OUT%%$'\''\n'\''*}" == *LOCKED*SESSIONS* ]]'
run sessions tenant_acme --format=csv
check "sessions csv header" '[ "${OUT%%$'\''\n'\''*}" = "schema,role,pid,database,state,client,client_hostname,application_name,backend_start,xact_age_seconds,wait_event_type,wait_event,blocked_by,query" ]'
check "sessions SCHEMA shows its session" '[[ "$OUT" == *",$acme_pid,"* ]]'
run sessions tenant_evil --format=csv
check "sessions of a tenant without any: the header only" '[ "$(wc -l <<<"$OUT")" = 1 ]'
run sessions tenant_nope
check "sessions of no such schema fails (rc $RC)" '[ $RC = 1 ] && [[ "$ERR" == *"no schema"* ]]'
run sessions public
check "sessions of a non-tenant schema fails (rc $RC)" '[ $RC = 1 ]'
run sessions
check "sessions table shows the pid and the query" '[[ "$OUT" == *"$acme_pid"*"pg_sleep(120)"* ]]'

# ---- hostile text: query and application name ----------------------------
esc=$'\e' bel=$'\a'
PGAPPNAME=$'evil\e]0;owned\a' psql -X -q "$evil" \
	-c $'SELECT pg_catalog.pg_sleep(120) /* evil \e]52;c;cHduZWQ=\a \e[2J \u202e */' \
	>/dev/null 2>&1 &
evil_bg=$!; bg_pids+=($evil_bg)
wait_for "evil's session" '[ -n "$(pid_of "SELECT pg_catalog.pg_sleep(120) /* evil")" ]'
evil_pid=$(pid_of "SELECT pg_catalog.pg_sleep(120) /* evil")
on_pty sessions
check "sessions on a terminal shows evil's session" '[[ "$OUT" == *"$evil_pid"* ]]'
check "no ESC from the tenant reaches the terminal" '[[ "$OUT" != *"$esc"* ]]'
check "no BEL from the tenant reaches the terminal" '[[ "$OUT" != *"$bel"* ]]'
run sessions tenant_evil --format=json
check "JSON carries the tenant's query exactly" \
	'[ "$(json "[s[\"query\"] for s in d][0] == \"SELECT pg_catalog.pg_sleep(120) /* evil \\x1b]52;c;cHduZWQ=\\x07 \\x1b[2J \\u202e */\"" <<<"$OUT")" = True ]'
check "JSON escapes ESC" '[[ "$OUT" == *"\\u001b"* && "$OUT" != *"$esc"* ]]'

# Terminating asks for the pid on the terminal, after showing the session
# (the tenant's text made visible there too).
on_pty --type $'1\n' sessions tenant_evil --terminate "$evil_pid"
check "a wrong pid typed terminates nothing (rc $RC)" '[ $RC = 1 ] && alive $evil_bg'
check "the confirmation shows the session" '[[ "$OUT" == *"Session $evil_pid of tenant tenant_evil"* ]]'
check "the confirmation sends no ESC or BEL from the tenant" '[[ "$OUT" != *"$esc"* && "$OUT" != *"$bel"* ]]'
on_pty --type "$evil_pid"$'\n' sessions tenant_evil --terminate "$evil_pid"
check "the right pid typed terminates the session (rc $RC)" '[ $RC = 0 ]'
wait_for "evil's psql to end" '! alive $evil_bg'

# A tenant may set its own role settings to any text: alter shows them.
psql -X -q "$evil" -c $'ALTER ROLE evil_user SET search_path = E\'\\033]0;owned\\007 x\''
check "the tenant planted an escape in its own settings" \
	'[ "$(psql_q "SELECT count(*) FROM pg_db_role_setting s, unnest(s.setconfig) c WHERE s.setrole = '\''evil_user'\''::regrole AND strpos(c, chr(27)) > 0")" = 1 ]'
on_pty alter tenant_evil
check "alter shows the tenant's setting on a terminal (rc $RC)" '[ $RC = 0 ] && [[ "$OUT" == *"0;owned"* ]]'
check "  without its ESC or BEL" '[[ "$OUT" != *"$esc"* && "$OUT" != *"$bel"* ]]'
run alter tenant_evil --format=json
check "alter JSON escapes the setting" '[[ "$OUT" == *"\\u001b]0;owned\\u0007 x"* && "$OUT" != *"$esc"* ]]'

# ---- a tenant holding locks cannot make sessions wait ---------------------
psql -X -q "$evil" -c "CREATE TABLE t (x int)" >/dev/null
psql -X -q "$evil" >/dev/null 2>&1 <<'SQL' &
BEGIN;
LOCK TABLE t IN ACCESS EXCLUSIVE MODE;
SELECT pg_catalog.pg_advisory_lock(1);
SELECT pg_catalog.pg_sleep(120) /* holder */;
SQL
bg_pids+=($!)
wait_for "the lock holder" '[ -n "$(pid_of "SELECT pg_catalog.pg_sleep(120) /* holder")" ]'
holder=$(pid_of "SELECT pg_catalog.pg_sleep(120) /* holder")
psql -X -q "$evil" -c "SELECT count(*) FROM t /* waiter */" >/dev/null 2>&1 &
bg_pids+=($!)
wait_for "the waiter" '[ -n "$(pid_of "SELECT count(*) FROM t /* waiter")" ]'
waiter=$(pid_of "SELECT count(*) FROM t /* waiter")
start=$(date +%s)
RC=0; OUT=$(timeout 30 setsid -w "$bin" sessions tenant_evil --format=json </dev/null 2>"$tmp/err") || RC=$?
check "sessions returns while a tenant holds ACCESS EXCLUSIVE and advisory locks (rc $RC, $(( $(date +%s) - start )) s)" '[ $RC = 0 ]'
check "sessions names what the waiter waits for" \
	'[ "$(json "[(s[\"wait_event_type\"], s[\"blocked_by\"]) for s in d if s[\"pid\"] == $waiter]" <<<"$OUT")" = "[('\''Lock'\'', '\''$holder'\'')]" ]'

# ---- cancel and terminate -------------------------------------------------
admin_bg_sql="SELECT pg_catalog.pg_sleep(120) /* admin */"
psql -X -q -c "$admin_bg_sql" >/dev/null 2>&1 &
admin_bg=$!; bg_pids+=($admin_bg)
wait_for "the admin's session" '[ -n "$(pid_of "SELECT pg_catalog.pg_sleep(120) /* admin")" ]'
admin_pid=$(pid_of "SELECT pg_catalog.pg_sleep(120) /* admin")
run sessions tenant_acme --cancel "$admin_pid"
check "--cancel refuses an admin's session (rc $RC)" '[ $RC = 1 ] && [[ "$ERR" == *"not a tenant"* ]]'
run sessions tenant_acme --terminate "$admin_pid" --yes
check "--terminate refuses an admin's session (rc $RC)" '[ $RC = 1 ] && [[ "$ERR" == *"not a tenant"* ]]'
check "the admin's session is still running" 'alive $admin_bg'
run sessions tenant_acme --terminate 2147483000 --yes
check "--terminate of no such pid fails (rc $RC)" '[ $RC = 1 ] && [[ "$ERR" == *"no session"* ]]'
run sessions tenant_acme --cancel abc
check "--cancel needs a pid (rc $RC)" '[ $RC = 2 ]'
run sessions tenant_acme --cancel 1 --terminate 2
check "--cancel and --terminate together are a usage error (rc $RC)" '[ $RC = 2 ]'

run --read-only sessions tenant_acme --cancel "$acme_pid"
check "--read-only refuses --cancel (rc $RC)" '[ $RC = 1 ] && [[ "$ERR" == *read-only* ]] && alive $acme_bg'
run --read-only lock tenant_acme
check "--read-only refuses lock (rc $RC)" '[ $RC = 1 ] && [[ "$ERR" == *read-only* ]]'
run --read-only alter tenant_acme --set work_mem=2MB
check "--read-only refuses alter (rc $RC)" '[ $RC = 1 ] && [[ "$ERR" == *read-only* ]]'
run --read-only sessions tenant_acme
check "--read-only still lists sessions (rc $RC)" '[ $RC = 0 ] && [[ "$OUT" == *"$acme_pid"* ]]'
# A pid is acted on only as the named tenant's session, and only as the
# session that started when --started says: pids are reused, and a pid
# read from an earlier listing may since be another tenant's.
run sessions --cancel "$acme_pid"
check "--cancel without the tenant's schema is a usage error (rc $RC)" \
	'[ $RC = 2 ] && [[ "$ERR" == *"need the tenant"* ]] && alive $acme_bg'
run sessions tenant_evil --cancel "$acme_pid"
check "--cancel of another tenant's session is refused (rc $RC)" \
	'[ $RC = 1 ] && [[ "$ERR" == *"not a session of tenant \"tenant_evil\""* ]] && alive $acme_bg'
run sessions tenant_evil --terminate "$acme_pid" --yes
check "--terminate of another tenant's session is refused (rc $RC)" '[ $RC = 1 ] && alive $acme_bg'
run sessions tenant_acme --cancel "$acme_pid" --started=2000-01-01T00:00:00.000000Z
check "--cancel with another start time sends nothing (rc $RC)" \
	'[ $RC = 1 ] && [[ "$ERR" == *"started at"*"nothing was sent"* ]] && alive $acme_bg'
run sessions tenant_acme --format=json
acme_started=$(json "[s['backend_start'] for s in d if s['pid'] == $acme_pid][0]" <<<"$OUT")
run sessions tenant_acme --started="$acme_started"
check "--started without --cancel or --terminate is a usage error (rc $RC)" '[ $RC = 2 ]'
run sessions tenant_acme --cancel "$acme_pid" --started="$acme_started" --format=json
check "--cancel of a tenant's query exits 0 (rc $RC)" '[ $RC = 0 ]'
check "--cancel prints the session it canceled with its start time" \
	'[ "$(json "[(s[\"pid\"], s[\"schema\"], s[\"backend_start\"]) for s in d]" <<<"$OUT")" = "[($acme_pid, '\''tenant_acme'\'', '\''$acme_started'\'')]" ]'
check "  and says so with the start time" '[[ "$ERR" == *"session $acme_pid (started $acme_started)"* ]]'
wait_for "psql to end" '! alive $acme_bg'
check "the tenant's query was canceled" 'grep -q "canceling statement due to user request" "$tmp/acme.out"'

psql -X -q "$acme" -c "SELECT pg_catalog.pg_sleep(120) /* acme-two */" >/dev/null 2>&1 &
acme_bg=$!; bg_pids+=($acme_bg)
wait_for "acme's second session" '[ -n "$(pid_of "SELECT pg_catalog.pg_sleep(120) /* acme-two")" ]'
acme_pid=$(pid_of "SELECT pg_catalog.pg_sleep(120) /* acme-two")
run sessions tenant_acme --terminate "$acme_pid"
check "--terminate without a terminal and without --yes refuses (rc $RC)" '[ $RC = 2 ] && alive $acme_bg'
run sessions tenant_acme --terminate "$acme_pid" -y
check "--terminate --yes exits 0 (rc $RC)" '[ $RC = 0 ]'
wait_for "the terminated psql to end" '! alive $acme_bg'

# ---- lock and unlock ------------------------------------------------------
login_ok() { psql -X -q -At -w -d "$1" -c "SELECT 1" >/dev/null 2>&1; }
check "acme logs in before the lock" 'login_ok "$acme"'
run lock tenant_acme --dry-run
check "lock --dry-run shows the SQL (rc $RC)" '[ $RC = 0 ] && [[ "$OUT" == *"ALTER ROLE \"acme_user\" NOLOGIN;"* ]]'
check "lock --dry-run changes nothing" 'login_ok "$acme"'
psql -X -q "$acme" -c "SELECT pg_catalog.pg_sleep(120) /* acme-three */" >/dev/null 2>&1 &
acme_bg=$!; bg_pids+=($acme_bg)
wait_for "acme's third session" '[ -n "$(pid_of "SELECT pg_catalog.pg_sleep(120) /* acme-three")" ]'
run lock tenant_acme --terminate
check "lock --terminate without a terminal and --yes refuses (rc $RC)" '[ $RC = 2 ]'
check "  and the tenant can still log in" 'login_ok "$acme"'
on_pty --type $'tenant_wrong\n' lock tenant_acme --terminate
check "lock --terminate with the wrong name typed changes nothing (rc $RC)" \
	'[ $RC = 1 ] && login_ok "$acme" && alive $acme_bg'
run lock tenant_acme --terminate --yes
check "lock --terminate --yes exits 0 (rc $RC)" '[ $RC = 0 ] && [[ "$ERR" == *"sessions terminated: 1"* ]]'
check "lock shows the terminate statement" '[[ "$OUT" == *pg_terminate_backend* ]]'
wait_for "the locked tenant's psql to end" '! alive $acme_bg'
check "a locked tenant cannot log in" '! login_ok "$acme"'
run list --format=json
check "list marks the locked tenant, which has no session left" \
	'[ "$(json "[(r[\"locked\"], r[\"sessions\"], r[\"is_tenant\"]) for r in d if r[\"schema\"] == \"tenant_acme\"]" <<<"$OUT")" = "[(True, 0, True)]" ]'
check "  and not the others" \
	'[ "$(json "[(r[\"schema\"], r[\"locked\"]) for r in d if r[\"schema\"] != \"tenant_acme\"]" <<<"$OUT")" = "[('\''public'\'', None), ('\''tenant_evil'\'', False)]" ]'
run alter tenant_acme --format=json
check "alter shows a locked tenant as login false" \
	'[ "$(json "[s[\"value\"] for s in d if s[\"name\"] == \"login\"]" <<<"$OUT")" = "['\''false'\'']" ]'
run unlock tenant_acme
check "unlock exits 0 (rc $RC)" '[ $RC = 0 ] && [[ "$OUT" == *"LOGIN;"* ]]'
check "an unlocked tenant logs in again" 'login_ok "$acme"'
run lock public
check "lock refuses a non-tenant schema (rc $RC)" '[ $RC = 1 ]'
run lock tenant_acme extra
check "lock takes one schema (rc $RC)" '[ $RC = 2 ]'
run unlock tenant_acme --terminate
check "unlock has no --terminate (rc $RC)" '[ $RC = 2 ]'

# ---- alter ----------------------------------------------------------------
settings() { psql_q "SELECT coalesce(string_agg(c, ' ' ORDER BY c), '') FROM pg_db_role_setting s, unnest(s.setconfig) c WHERE s.setrole = 'acme_user'::regrole"; }
limits() { psql_q "SELECT rolconnlimit || ' ' || coalesce(rolvaliduntil::text, 'never') FROM pg_roles WHERE rolname = 'acme_user'"; }
run alter tenant_acme
check "alter without options shows the settings (rc $RC)" '[ $RC = 0 ] && [[ "$OUT" == *search_path*tenant_acme* ]]'
run alter tenant_acme --set statement_timeout=1s --connection-limit=4 --valid-until=2100-01-01
check "alter exits 0 (rc $RC)" '[ $RC = 0 ]'
check "alter shows its SQL" '[[ "$OUT" == *"SET \"statement_timeout\" = '\''1s'\''"* ]]'
check "the tenant's pg_sleep(2) now fails" \
	'[[ "$(psql -X -q -At -w -d "$acme" -c "SELECT pg_catalog.pg_sleep(2)" 2>&1)" == *"statement timeout"* ]]'
check "the limit and expiry are set" '[[ "$(limits)" == "4 2100-01-01"* ]]'
before_s=$(settings) before_l=$(limits)
for bad in "--set search_path=public" "--set role=pgtadmin" "--set session_authorization=x" \
	"--set default_tablespace=x" "--set log_statement=all" "--set nosuch=1" "--set Work_mem=1MB" \
	"--set work_mem=banana" "--set lock_timeout=1s --set work_mem=banana" \
	"--connection-limit=9 --set work_mem=banana" "--set work_mem=$esc[2J" "--reset search_path"; do
	eval "run alter tenant_acme $bad"
	check "alter $bad is refused (rc $RC)" '[ $RC = 1 ] || [ $RC = 2 ]'
done
check "refused alters changed no setting" '[ "$(settings)" = "$before_s" ]'
check "refused alters changed no limit" '[ "$(limits)" = "$before_l" ]'
run alter tenant_acme --set work_mem=4MB --dry-run
check "alter --dry-run changes nothing" '[ $RC = 0 ] && [ "$(settings)" = "$before_s" ]'
run alter tenant_acme --reset statement_timeout --connection-limit=-1 --valid-until=infinity
check "alter --reset exits 0 (rc $RC)" '[ $RC = 0 ]'
check "the tenant's pg_sleep(1.5) runs again" \
	'psql -X -q -At -w -d "$acme" -c "SELECT pg_catalog.pg_sleep(1.5)" >/dev/null 2>&1'
check "no limit and no expiry" '[ "$(limits)" = "-1 infinity" ]'
run alter public --set work_mem=1MB
check "alter refuses a non-tenant schema (rc $RC)" '[ $RC = 1 ]'

finish ops
