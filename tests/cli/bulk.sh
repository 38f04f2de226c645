#!/bin/bash
# create --from FILE against a real server: good rows go in and their
# credentials log in, bad rows are reported with their line and the reason
# while the rest still go in, duplicates read "already exists", the exit
# status says whether anything failed, passwords from the file never reach
# the server's log, and the progress bar appears only on a terminal.
set -u
bin=${PGTENANT:?} log=${PT_TEST_SERVER_LOG:?}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pt-bulk.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME="$tmp/xdg" LANGUAGE= LC_ALL=C
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok - $1"; fi; }
psql_q() { psql -X -At -v ON_ERROR_STOP=1 -c "$1"; }
# Log in with a connection string and say who and where we are.
login() { psql -X -At -d "$1" -c 'SELECT current_user || '"'"' '"'"' || current_schema()' 2>&1; }

# A password with a comma, a quote and a line break: RFC 4180 quoting.
pw2='Secret, "quoted"
and two lines'
{
	printf '\xEF\xBB\xBFschema_name,username,password\r\n'
	printf 'tenant_alpha,,\r\n'
	printf 'tenant_beta,beta_owner,"Secret, ""quoted""\nand two lines"\r\n'
	printf 'Tenant Bad,,\r\n'
	printf 'tenant_alpha,,\r\n'
	printf 'tenant_gamma,gamma_user\r\n'
	printf 'tenant_delta,del"ta,x\r\n'
	printf 'tenant_epsilon,,Plain-Password-From-File-123\r\n'
} > "$tmp/in.csv"

# One session: which of two lines naming one tenant loses is then the later.
"$bin" create --from "$tmp/in.csv" --jobs=1 --format=csv > "$tmp/out.csv" 2> "$tmp/err"; rc=$?
check "exit status 1 when some rows fail (got $rc)" '[ $rc = 1 ]'
check "line 5 (after a two-line record) is the bad name: $(cat "$tmp/err")" \
	'grep -q "in.csv:5: .*schema name \"Tenant Bad\"" "$tmp/err"'
check "line 6, a duplicate of line 2, already exists" \
	'grep -q "in.csv:6: .*already exists" "$tmp/err"'
check "line 7 has too few fields" 'grep -q "in.csv:7: expected 3 fields" "$tmp/err"'
check "line 8 has a stray quote" 'grep -q "in.csv:8: a double quote inside an unquoted field" "$tmp/err"'
check "no report for good lines" '! grep -Eq "in.csv:(2|3|9):" "$tmp/err"'
check "summary on stderr" 'grep -q "3 tenants created, 4 failed" "$tmp/err"'
check "no progress bar when stderr is not a terminal" '! grep -q $'"'"'\r'"'"' "$tmp/err"'

# The credentials, read back with a real CSV parser.
python3 - "$tmp/out.csv" > "$tmp/parsed" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
print(rows[0] == ['username', 'password', 'schema_name', 'connection_string'])
print(len(rows) - 1)
for r in rows[1:]:
    print(repr(r[1]), r[2], r[3], sep='\t')
PY
check "CSV header: $(head -1 "$tmp/parsed")" '[ "$(sed -n 1p "$tmp/parsed")" = True ]'
check "three credentials" '[ "$(sed -n 2p "$tmp/parsed")" = 3 ]'
want=$(python3 -c 'import sys; print(repr(sys.argv[1]))' "$pw2")
check "the quoted multi-line password survives exactly" \
	'grep -qF "$want	tenant_beta" "$tmp/parsed"'
check "a generated password is 32 characters" \
	'[[ "$(grep tenant_alpha "$tmp/parsed" | cut -f1)" =~ ^\'"'"'[A-Za-z0-9]{32}\'"'"'$ ]]'
while IFS=$'\t' read -r _ schema url; do
	who=$(login "$url")
	case $schema in
	tenant_alpha) check "alpha logs in: $who" '[ "$who" = "alpha_user tenant_alpha" ]' ;;
	tenant_beta) check "beta logs in with the file's password: $who" '[ "$who" = "beta_owner tenant_beta" ]' ;;
	tenant_epsilon) check "epsilon logs in: $who" '[ "$who" = "epsilon_user tenant_epsilon" ]' ;;
	*) check "unexpected tenant $schema" false ;;
	esac
done < <(tail -n +3 "$tmp/parsed")
check "failed rows left nothing behind" \
	'[ "$(psql_q "SELECT count(*) FROM pg_namespace WHERE nspname IN ('"'"'tenant_gamma'"'"', '"'"'tenant_delta'"'"')")" = 0 ]'
check "no password from the file reaches the server log" \
	'! grep -q "Plain-Password-From-File-123\|and two lines" "$log"'

# JSON from stdin: an array of objects with exactly the four fields.
printf 'password,schema_name\nJson-Pw-1,tenant_j1\n,tenant_j2\n' |
	"$bin" create --from - --format=json > "$tmp/out.json" 2> "$tmp/err"; rc=$?
check "all rows good: exit 0 (got $rc: $(cat "$tmp/err"))" '[ $rc = 0 ]'
check "JSON array of two objects with exactly the four fields: $(cat "$tmp/out.json")" \
	'[ "$(jq -c "[.[] | keys]" "$tmp/out.json")" = "[[\"connection_string\",\"password\",\"schema_name\",\"username\"],[\"connection_string\",\"password\",\"schema_name\",\"username\"]]" ]'
# Several sessions report each tenant as it commits: not always in file order.
check "columns in any order; password from the file kept" \
	'[ "$(jq -r ".[] | select(.schema_name == \"tenant_j1\") | .password" "$tmp/out.json")" = Json-Pw-1 ]'
check "stdin is named in messages" 'grep -q "^pgtenant: 2 tenants created, 0 failed" "$tmp/err"'
check "j2 logs in" '[ "$(login "$(jq -r ".[] | select(.schema_name == \"tenant_j2\") | .connection_string" "$tmp/out.json")")" = "j2_user tenant_j2" ]'

# An empty result is still valid JSON.
printf 'schema_name\ntenant_j1\n' | "$bin" create --from - --format=json > "$tmp/e.json" 2>/dev/null; rc=$?
check "a duplicate alone: exit 1, output [] (got $rc, $(cat "$tmp/e.json"))" \
	'[ $rc = 1 ] && [ "$(jq -c . "$tmp/e.json")" = "[]" ]'

# Header problems stop before anything is created.
printf 'schema_name,colour\ntenant_k1,red\n' > "$tmp/h.csv"
"$bin" create --from "$tmp/h.csv" > /dev/null 2> "$tmp/err"; rc=$?
check "unknown column: exit 1 and said ($(cat "$tmp/err"))" \
	'[ $rc = 1 ] && grep -q "unknown column \"colour\"" "$tmp/err"'
check "nothing created after a bad header" \
	'[ "$(psql_q "SELECT count(*) FROM pg_namespace WHERE nspname = '"'"'tenant_k1'"'"'")" = 0 ]'
"$bin" create --from "$tmp/h.csv" tenant_x > /dev/null 2>&1; rc=$?
check "--from with a schema name is a usage error (got $rc)" '[ $rc = 2 ]'

# Table output: one block per tenant.
printf 'schema_name\ntenant_t1\ntenant_t2\n' > "$tmp/t.csv"
"$bin" create --from "$tmp/t.csv" --format=table > "$tmp/t.out" 2>/dev/null
check "table: two blocks of four lines" \
	'[ "$(grep -c "^connection_string " "$tmp/t.out")" = 2 ] && [ "$(wc -l < "$tmp/t.out")" = 9 ]'

# On a terminal: a progress bar with count, rate and time left, on stderr
# only (stdout, the credentials, stays clean).
printf 'schema_name\n' > "$tmp/p.csv"
for i in $(seq 1 12); do echo "tenant_p$i"; done >> "$tmp/p.csv"
script -qec "'$bin' create --from '$tmp/p.csv' --format=csv > '$tmp/p.out'" "$tmp/tty.log" > /dev/null
check "progress bar drawn on a terminal: $(tr '\r' '|' < "$tmp/tty.log" | head -c 300)" \
	'grep -aq "12/12 .*/s .*left" "$tmp/tty.log"'
check "stdout has no progress, only 13 CSV lines" \
	'[ "$(wc -l < "$tmp/p.out")" = 13 ] && ! grep -q "left" "$tmp/p.out"'

exit $fail
