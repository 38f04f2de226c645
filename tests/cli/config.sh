#!/bin/bash
# The configuration file against a real server: its tenant_host,
# tenant_port, user_pattern and format shape what create prints and which
# role it makes; options on the command line win over it; a bad line stops
# the program (exit 2) before it connects.
set -u
bin=${PGTENANT:?} log=${PT_TEST_SERVER_LOG:?}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pt-config.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/xdg/pgtenant"
conf="$tmp/xdg/pgtenant/config"
cat > "$conf" <<'CONF'
# what a DBA sets once
tenant_host  = tenants.example.com
tenant_port  = 6432          # the pooler
user_pattern = app_{tenant}
format       = json
CONF
export XDG_CONFIG_HOME="$tmp/xdg" LANGUAGE= LC_ALL=C
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; fi; }
psql_q() { psql -X -At -v ON_ERROR_STOP=1 -c "$1"; }

out=$("$bin" create tenant_acme 2>"$tmp/err"); rc=$?
check "create with the file: exit $rc ($(cat "$tmp/err"))" '[ $rc = 0 ]'
check "JSON from format = json: $out" '[[ "$out" == "{\"username\": \"app_acme\""* ]]'
check "tenant_host and tenant_port in the connection string: $out" \
	'[[ "$out" == *"@tenants.example.com:6432/"* ]]'
check "role app_acme made by user_pattern" '[ "$(psql_q "SELECT count(*) FROM pg_roles WHERE rolname = '\''app_acme'\''")" = 1 ]'

# Options override the file, one key at a time.
out=$("$bin" --tenant-host=direct.example.com --format=csv create tenant_beta --user=beta_owner 2>"$tmp/err"); rc=$?
check "create with overrides: exit $rc ($(cat "$tmp/err"))" '[ $rc = 0 ]'
check "CSV from --format: $out" '[[ "$out" == "username,password,schema_name,connection_string"* ]]'
check "--tenant-host wins, tenant_port stays: $out" '[[ "$out" == *"@direct.example.com:6432/"* ]]'
check "--user wins over user_pattern: $out" '[[ "$out" == *$'\''\n'\''"beta_owner,"* ]]'

# Without the file the defaults come back.
out=$(XDG_CONFIG_HOME="$tmp/none" "$bin" --format=json create tenant_gamma 2>"$tmp/err")
check "default user name without the file: $out" '[[ "$out" == "{\"username\": \"gamma_user\""* ]]'
check "admin host without the file: $out" '[[ "$out" != *tenants.example.com* ]]'

# A bad line: exit 2, file and line named, nothing sent to the server.
printf 'tenant_port = 6432\nuser_pattern = App_{tenant}\n' > "$conf"
before=$(wc -l < "$log")
out=$("$bin" create tenant_delta 2>&1); rc=$?
check "bad line: exit $rc, want 2" '[ $rc = 2 ]'
check "bad line named: $out" '[[ "$out" == *"$conf:2: user_pattern \"App_{tenant}\""* ]]'
sleep 0.2
check "bad config still reached the server" '[ "$(sed -n "$((before + 1)),\$p" "$log" | grep -c tenant_delta)" = 0 ]'
check "tenant_delta was created despite the bad file" '[ "$(psql_q "SELECT count(*) FROM pg_namespace WHERE nspname = '\''tenant_delta'\''")" = 0 ]'
# --help and --version still work with a bad file.
"$bin" --help >/dev/null 2>&1; rc=$?
check "--help with a bad file: exit $rc" '[ $rc = 0 ]'
"$bin" --version >/dev/null 2>&1; rc=$?
check "--version with a bad file: exit $rc" '[ $rc = 0 ]'

[ $fail = 0 ] && echo "PASS: configuration file applied, overridden, and refused when bad"
exit $fail
