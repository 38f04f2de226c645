#!/bin/bash
# The scriptable commands from outside, against a real server: command
# names, options, output formats and fields, exit statuses (0 success,
# 1 the operation failed, 2 usage or connection error), and what really
# happened on the server (read back with psql, never trusted from our
# own output). Run by tests/lib/run-test, which sets PG*, PGTENANT and
# PT_TEST_SERVER_LOG.
. "$PT_TOP_SRCDIR/tests/cli/lib.sh"
log=${PT_TEST_SERVER_LOG:?} port=${PGPORT:?}

# run_tty PROMPT ANSWER ARG...: pgtenant on a pseudo-terminal; ANSWER is
# typed once PROMPT shows. Sets OUT (everything on the terminal) and RC.
run_tty() {
	local prompt=$1 answer=$2; shift 2
	OUT=$(python3 - "$prompt" "$answer" "$bin" "$@" <<'PY'
import os, pty, select, sys, time
prompt, answer, argv = sys.argv[1].encode(), sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
buf, sent, deadline = b"", False, time.time() + 20
while time.time() < deadline:
    if not select.select([fd], [], [], max(0, deadline - time.time()))[0]:
        continue
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    buf += chunk
    if not sent and prompt in buf:
        os.write(fd, answer.encode() + b"\n")
        sent = True
if time.time() >= deadline:
    os.kill(pid, 9)   # it never finished: fail, never hang
_, status = os.waitpid(pid, 0)
sys.stdout.write(buf.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
)
	RC=$?
	ERR=
}

psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1" 2>&1; }
# tenant_q CONNSTR SQL: run SQL as the tenant through its connection string
tenant_q() { psql -X -q -At -w -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }
schema_exists() { [ "$(psql_q "SELECT count(*) FROM pg_namespace WHERE nspname = '$1'")" = 1 ]; }
role_exists() { [ "$(psql_q "SELECT count(*) FROM pg_roles WHERE rolname = '$1'")" = 1 ]; }
census() { psql_q "SELECT (SELECT count(*) FROM pg_roles) || '/' || (SELECT count(*) FROM pg_namespace)"; }
# json EXPR: evaluate a Python expression over d = the JSON on stdin
json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

# ---- help and version ----------------------------------------------------
run --help
check "--help exits 0 (got $RC)" '[ $RC = 0 ]'
check "--help starts with Usage" '[[ "$OUT" == "Usage: pgtenant "* ]]'
for word in list roles create drop rotate-password --password-stdin --format \
	--yes --user --connection-limit --valid-until --dbname --tenant-host \
	--tenant-port --read-only --help --version table csv json "Exit status" \
	--host --port --username --password --tenant-sslrootcert --string-format \
	"-?, --help" "anywhere after it"; do
	check "--help mentions $word" '[[ "$OUT" == *"$word"* ]]'
done
check "--help writes nothing to stderr" '[ -z "$ERR" ]'
help=$OUT
run -?
check "-? is --help, as in psql" '[ $RC = 0 ] && [ "$OUT" = "$help" ]'
run list -?
check "-? after the command is --help too" '[ $RC = 0 ] && [ "$OUT" = "$help" ]'
run -h
check "-h is psql's host and needs a value (rc $RC)" '[ $RC = 2 ] && [ -z "$OUT" ]'

version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "${PT_TOP_BUILDDIR:?}/config.h")
run --version
check "--version exits 0 (got $RC)" '[ $RC = 0 ]'
check "--version first line is 'pgtenant $version'" '[ "${OUT%%$'\''\n'\''*}" = "pgtenant $version" ]'
check "--version names libpq and libsodium" '[[ "$OUT" == *libpq* && "$OUT" == *libsodium* ]]'
run -V
check "-V is --version" '[ $RC = 0 ] && [[ "$OUT" == "pgtenant $version"* ]]'

# ---- usage errors: exit 2, nothing done ----------------------------------
before=$(census)
usage_case() {   # usage_case DESCRIPTION ARG...
	local what=$1; shift
	run "$@"
	check "$what: exit 2 (got $RC)" '[ $RC = 2 ]'
	check "$what: says what is wrong on stderr" '[ -n "$ERR" ] && [ -z "$OUT" ]'
}
usage_case "unknown command" frobnicate
check "unknown command is named" '[[ "$ERR" == *frobnicate* ]]'
usage_case "unknown global option" --bogus list
usage_case "unknown list option" list --bogus
usage_case "unknown roles option" roles --bogus
usage_case "unknown create option" create tenant_usage --bogus
usage_case "unknown drop option" drop tenant_usage --bogus
usage_case "unknown rotate option" rotate-password tenant_usage --bogus
usage_case "a password on the command line" create tenant_usage --password=secret
usage_case "a password on the command line after the command" list --password=secret
check "the refused value is not echoed" '[[ "$ERR" != *secret* ]]'
usage_case "a password on the command line before the command" --password=secret list
check "the refused value is not echoed" '[[ "$ERR" != *secret* ]]'
usage_case "-p is psql's port, not a password" create tenant_usage -p secret
usage_case "unknown --string-format" create tenant_usage --string-format=yaml
usage_case "a global option after the command without its value" list --tenant-port
usage_case "unknown global format" --format=xml list
usage_case "unknown command format" list --format=yaml
usage_case "create without a schema" create
usage_case "create with two schemas" create tenant_usage tenant_usage2
usage_case "drop without a schema" drop --yes
usage_case "rotate without a schema" rotate-password
usage_case "list with an argument" list extra
usage_case "connection limit not a number" create tenant_usage --connection-limit=abc
usage_case "connection limit below -1" create tenant_usage --connection-limit=-5
usage_case "--format without a value" list --format
usage_case "--user without a value" create tenant_usage --user
check "usage errors changed nothing" '[ "$(census)" = "$before" ]'

# ---- connection errors: exit 2 -------------------------------------------
psql_q "CREATE ROLE cli_pw_role LOGIN PASSWORD 'Right-pw-1'" >/dev/null
conn_case() {   # conn_case DESCRIPTION TARGET
	run -d "$2" list
	check "$1: exit 2 (got $RC)" '[ $RC = 2 ]'
	check "$1: explained on stderr" '[[ "$ERR" == *"could not connect"* || "$ERR" == *"cannot parse"* ]] && [ -z "$OUT" ]'
}
conn_case "nothing listening" "postgresql://pgtadmin@127.0.0.1:1/postgres"
conn_case "no such socket directory" "host=/nonexistent/socket/dir port=$port"
conn_case "no such database" "postgresql://pgtadmin@127.0.0.1:$port/no_such_db"
conn_case "wrong password" "postgresql://cli_pw_role:Wrong-pw@127.0.0.1:$port/$db"
conn_case "password needed and no terminal to ask" "postgresql://cli_pw_role@127.0.0.1:$port/$db"
conn_case "unparsable target" "this is not = a connection string"
run -d "postgresql://pgtadmin@127.0.0.1:1/postgres" create tenant_noconn
check "create without a server: exit 2 (got $RC)" '[ $RC = 2 ]'
run -d "postgresql://pgtadmin@127.0.0.1:1/postgres" drop tenant_noconn --yes
check "drop without a server: exit 2 (got $RC)" '[ $RC = 2 ]'
run --stdin "pw" -d "postgresql://pgtadmin@127.0.0.1:1/postgres" rotate-password tenant_noconn --password-stdin
check "rotate without a server: exit 2 (got $RC)" '[ $RC = 2 ]'
# A host that accepts the TCP connection and then says nothing: libpq's
# non-blocking connect ignores connect_timeout, so pgtenant enforces it.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True); sys.stdout.close(); time.sleep(30)' > "$tmp/silent.port" &
silent_pid=$!
for _ in $(seq 50); do [ -s "$tmp/silent.port" ] && break; sleep 0.1; done
start=$(date +%s%N)
run -d "postgresql://pgtadmin@127.0.0.1:$(cat "$tmp/silent.port")/postgres?connect_timeout=1" list
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
kill "$silent_pid" 2>/dev/null
check "a silent server: exit 2 (got $RC)" '[ $RC = 2 ]'
check "a silent server: says connect_timeout expired" 'grep -q "connect_timeout" <<<"$ERR"'
check "a silent server: gives up after about 1 s (took ${elapsed_ms} ms)" \
	'[ "$elapsed_ms" -ge 900 ] && [ "$elapsed_ms" -lt 8000 ]'
run -d "postgresql://cli_pw_role:Right-pw-1@127.0.0.1:$port/$db" list
check "the right password connects (so the cases above failed for their reason)" '[ $RC = 0 ]'
# A service file and a password file, as libpq reads them.
printf '[tenants_admin]\nhost=127.0.0.1\nport=%s\ndbname=%s\nuser=cli_pw_role\n' "$port" "$db" > "$tmp/services"
printf '127.0.0.1:%s:*:cli_pw_role:Right-pw-1\n' "$port" > "$tmp/pgpass"
chmod 600 "$tmp/pgpass"
PGSERVICEFILE="$tmp/services" PGPASSFILE="$tmp/pgpass" run -d service=tenants_admin list --format=csv
check "service file and password file: exit 0 (got $RC)" '[ $RC = 0 ] && [[ "$OUT" == schema,* ]]'
PGSERVICEFILE="$tmp/services" PGPASSFILE=/nonexistent run -d service=tenants_admin list
check "service file without the password: exit 2 (got $RC)" '[ $RC = 2 ]'
PGPASSFILE="$tmp/pgpass" PGUSER=cli_pw_role PGHOST=127.0.0.1 run list --format=csv
check "PG* variables and the password file: exit 0 (got $RC)" '[ $RC = 0 ] && [[ "$OUT" == schema,* ]]'
# The server wants a password that was not given: asked on the terminal.
run_tty "Password for user cli_pw_role: " Right-pw-1 -d "postgresql://cli_pw_role@127.0.0.1:$port/$db" list
check "password asked on the terminal: exit 0 (got $RC)" '[ $RC = 0 ] && [[ "$OUT" == *public* ]]'
check "the typed password is not echoed" '[[ "$OUT" != *Right-pw-1* ]]'
run_tty "Password for user cli_pw_role: " Wrong-pw-2 -d "postgresql://cli_pw_role@127.0.0.1:$port/$db" list
check "a wrong password typed at the prompt: exit 2 (got $RC)" '[ $RC = 2 ] && [[ "$OUT" != *Wrong-pw-2* ]]'

# ---- psql's conventions: -h -p -U -W, global options after the command ------
sock=${PGHOST:?}
run -h "$sock" -p "$port" -U pgtadmin -d "$db" list --format=csv
check "-h SOCKET -p -U -d connect as psql's flags do (rc $RC)" '[ $RC = 0 ] && [[ "$OUT" == schema,* ]]'
run list --format=csv -h 127.0.0.1 -p "$port" -U pgtadmin
check "-h -p -U after the command (rc $RC)" '[ $RC = 0 ] && [[ "$OUT" == schema,* ]]'
run list -h /nonexistent/socket/dir
check "-h after the command really is the host (rc $RC)" \
	'[ $RC = 2 ] && [[ "$ERR" == *"/nonexistent/socket/dir"* ]]'
run -U cli_pw_role list
check "-U really is the user: this one needs a password (rc $RC)" \
	'[ $RC = 2 ] && [[ "$ERR" == *password* ]]'
run_tty "Password: " "anything" -W list --format=csv
check "-W asks for the password before connecting (rc $RC)" \
	'[ $RC = 0 ] && [[ "$OUT" == *"Password: "* && "$OUT" == *schema,* ]]'
run create tenant_conv --tenant-port 6432 --format=json --tenant-host=tenants.example.com
check "create SCHEMA --tenant-port 6432: global options after the command (rc $RC)" \
	'[ $RC = 0 ] && [[ "$OUT" == *"@tenants.example.com:6432/$db\""* ]]'
run rotate-password tenant_conv --format json -- --tenant-port
check "-- ends the options: what follows is an argument (rc $RC)" \
	'[ $RC = 2 ] && [[ "$ERR" == *"exactly one schema"* ]]'
run --tenant-port=7000 rotate-password tenant_conv --tenant-port=6543 --format=json
check "the last of two global options wins, as getopt's (rc $RC)" \
	'[ $RC = 0 ] && [[ "$OUT" == *":6543/$db\""* ]]'

# ---- create --------------------------------------------------------------
run create tenant_acme --format=json
check "create --format=json: exit 0 (got $RC)" '[ $RC = 0 ]'
acme=$OUT
check "JSON has exactly the four fields" \
	'[ "$(json "sorted(d)" <<<"$acme")" = "['\''connection_string'\'', '\''password'\'', '\''schema_name'\'', '\''username'\'']" ]'
check "username is acme_user" '[ "$(json "d[\"username\"]" <<<"$acme")" = acme_user ]'
check "schema_name is tenant_acme" '[ "$(json "d[\"schema_name\"]" <<<"$acme")" = tenant_acme ]'
acme_pw=$(json 'd["password"]' <<<"$acme")
acme_cs=$(json 'd["connection_string"]' <<<"$acme")
check "generated password is 32 of [A-Za-z0-9]: $acme_pw" '[[ "$acme_pw" =~ ^[A-Za-z0-9]{32}$ ]]'
check "connection string is postgresql://acme_user:PASSWORD@host:port/db" \
	'[[ "$acme_cs" == "postgresql://acme_user:$acme_pw@"*":$port/$db" ]]'
check "the connection string logs in with psql" \
	'[ "$(tenant_q "$acme_cs" "SELECT current_user || '\''|'\'' || current_schema()")" = "acme_user|tenant_acme" ]'
check "the tenant makes and reads its own tables, unqualified" \
	'[ "$(tenant_q "$acme_cs" "CREATE TABLE orders (id int); INSERT INTO orders VALUES (1); SELECT count(*) FROM orders")" = 1 ]'
check "the table is in the tenant schema" \
	'[ "$(psql_q "SELECT count(*) FROM pg_tables WHERE schemaname = '\''tenant_acme'\'' AND tablename = '\''orders'\''")" = 1 ]'
check "the not-hardened warning goes to stderr, not into the JSON" '[[ "$ERR" != *"{"* ]]'

run create tenant_plain
check "create (table format): exit 0 (got $RC)" '[ $RC = 0 ]'
check "table output has the four labelled lines" \
	'[ "$(printf "%s\n" "$OUT" | awk "{print \$1}" | tr "\n" " ")" = "username password schema_name connection_string " ]'
check "table output names plain_user" '[[ "$OUT" == *"username"*" plain_user"* ]]'

run create tenant_csvout --format=csv
check "create --format=csv: exit 0 (got $RC)" '[ $RC = 0 ]'
check "CSV header" '[ "${OUT%%$'\''\n'\''*}" = "username,password,schema_name,connection_string" ]'
check "CSV row parses to four fields" \
	'[ "$(python3 -c "import csv,sys; r=list(csv.reader(sys.stdin)); print(len(r), len(r[1]), r[1][0], r[1][2])" <<<"$OUT")" = "2 4 csvout_user tenant_csvout" ]'

run --format=json create tenant_global
check "global --format=json before the command" '[ $RC = 0 ] && [ "$(json "d[\"username\"]" <<<"$OUT")" = global_user ]'

run create tenant_custom --user custom_owner --format=json
check "--user names the role" '[ $RC = 0 ] && [ "$(json "d[\"username\"]" <<<"$OUT")" = custom_owner ] && role_exists custom_owner'
check "the custom role owns the schema" \
	'[ "$(psql_q "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = '\''tenant_custom'\''")" = custom_owner ]'

typed='p@ss w:/?#&%= '\''"\ ä密'
run --stdin "$typed"$'\n' create tenant_typed --password-stdin --format=json
check "--password-stdin: exit 0 (got $RC)" '[ $RC = 0 ]'
typed_cs=$(json 'd["connection_string"]' <<<"$OUT")
check "--password-stdin keeps the password as typed" '[ "$(json "d[\"password\"]" <<<"$OUT")" = "$typed" ]'
check "the typed password works through the connection string with psql" \
	'[ "$(tenant_q "$typed_cs" "SELECT current_user")" = typed_user ]'
check "and over TCP with PGPASSWORD too (it is the real password)" \
	'[ "$(PGPASSWORD="$typed" psql -X -At -w -h 127.0.0.1 -p "$port" -U typed_user -d "$db" -c "SELECT 1" 2>&1)" = 1 ]'

before=$(census)
run create tenant_nopw --password-stdin
check "--password-stdin with nothing on stdin: exit 2 (got $RC)" '[ $RC = 2 ]'
run --stdin $'\n' create tenant_nopw --password-stdin
check "--password-stdin with an empty line: exit 2 (got $RC)" '[ $RC = 2 ]'
# A typed password that is not UTF-8 works in a table, but JSON cannot
# carry it: refused before anything is created.
run --stdin $'\xe9t\xe9\n' create tenant_latin1 --password-stdin --format=json
check "non-UTF-8 password with --format=json: exit 2 (got $RC)" '[ $RC = 2 ]'
check "non-UTF-8 password with --format=json: says why" 'grep -q "UTF-8" <<<"$ERR"'
check "non-UTF-8 password with --format=json: nothing created" \
	'[ "$(psql -XtAc "SELECT count(*) FROM pg_roles WHERE rolname = '"'"'latin1_user'"'"'")" = 0 ]'
check "no tenant without a password" '[ "$(census)" = "$before" ] && ! schema_exists tenant_nopw'

run create tenant_limits --connection-limit=5 --valid-until="2099-01-01 00:00:00+00" --format=json
check "create with limits: exit 0 (got $RC)" '[ $RC = 0 ]'
check "connection limit and expiry applied" \
	'[ "$(psql_q "SELECT rolconnlimit || '\'' '\'' || (rolvaliduntil = '\''2099-01-01 00:00:00+00'\'') FROM pg_roles WHERE rolname = '\''limits_user'\''")" = "5 true" ]'

run --tenant-host=127.0.0.1 --tenant-port="$port" create tenant_tcp --format=json
tcp_cs=$(json 'd["connection_string"]' <<<"$OUT" 2>/dev/null)
check "--tenant-host/--tenant-port go into the string" '[[ "$tcp_cs" == "postgresql://tcp_user:"*"@127.0.0.1:$port/$db" ]]'
check "and it logs in" '[ "$(tenant_q "$tcp_cs" "SELECT current_user")" = tcp_user ]'

run -d "postgresql://pgtadmin@127.0.0.1:$port/$db?application_name=x&options=-c%20work_mem%3D7MB&user=pgtadmin" create tenant_params --format=json
params_cs=$(json 'd["connection_string"]' <<<"$OUT" 2>/dev/null)
params_pw=$(json 'd["password"]' <<<"$OUT" 2>/dev/null)
check "admin query parameters are not copied: $params_cs" \
	'[ "$params_cs" = "postgresql://params_user:$params_pw@127.0.0.1:$port/$db" ]'

# Credentials that could not be written are not a success.
if [ -w /dev/full ]; then
	setsid -w "$bin" create tenant_full --format=json </dev/null >/dev/full 2>"$tmp/err"; RC=$?
	ERR=$(cat "$tmp/err") OUT=
	check "create with stdout on a full disk: exit 1 (got $RC)" '[ $RC = 1 ] && [[ "$ERR" == *"cannot write to standard output"* ]]'
	setsid -w "$bin" list </dev/null >/dev/full 2>"$tmp/err"; RC=$?
	ERR=$(cat "$tmp/err")
	check "list with stdout on a full disk: exit 1 (got $RC)" '[ $RC = 1 ]'
fi

# ---- create failures: exit 1, nothing changed ----------------------------
before=$(census)
run create tenant_acme
check "duplicate schema: exit 1 (got $RC)" '[ $RC = 1 ] && [[ "$ERR" == *"already exists"* ]]'
run create tenant_other --user acme_user
check "duplicate user: exit 1 (got $RC)" '[ $RC = 1 ] && [[ "$ERR" == *"already exists"* ]]'
run create Tenant_Acme
check "capital letters: exit 1 (got $RC)" '[ $RC = 1 ]'
check "capital letters: says what to type instead" '[[ "$ERR" == *"\"tenant_acme\""* ]]'
run create 'x"; DROP ROLE pgtadmin; --'
check "hostile schema name: exit 1 (got $RC)" '[ $RC = 1 ]'
run create tenant_ok --user "Bad User"
check "hostile user name: exit 1 (got $RC)" '[ $RC = 1 ]'
run create pg_tenant
check "pg_ prefix: exit 1 (got $RC)" '[ $RC = 1 ] && [[ "$ERR" == *pg_* ]]'
run create public
check "public: exit 1 (got $RC)" '[ $RC = 1 ]'
run --read-only create tenant_ro
check "read-only session: exit 1 (got $RC)" '[ $RC = 1 ] && [[ "$ERR" == *read-only* ]]'
check "failed creates changed nothing" '[ "$(census)" = "$before" ]'
check "acme_user still has its password" '[ "$(tenant_q "$acme_cs" "SELECT 1")" = 1 ]'

# ---- list and roles ------------------------------------------------------
run list
check "list: exit 0 (got $RC)" '[ $RC = 0 ]'
check "list table header" '[[ "${OUT%%$'\''\n'\''*}" == SCHEMA*OWNER*TABLES* ]]'
check "list table row for tenant_acme" '[[ "$OUT" == *$'\''\n'\''"tenant_acme "*acme_user* ]]'

run list --format=csv
check "list csv: exit 0 (got $RC)" '[ $RC = 0 ]'
check "list csv header" '[ "${OUT%%$'\''\n'\''*}" = "schema,owner,login_roles,tables,size_bytes,size,connection_limit,valid_until,is_tenant,locked,sessions,blocked,idle_in_xact" ]'
check "list csv row for tenant_acme" \
	'[ "$(python3 -c "import csv,sys; print([(r[\"owner\"], r[\"tables\"], r[\"is_tenant\"]) for r in csv.DictReader(sys.stdin) if r[\"schema\"] == \"tenant_acme\"])" <<<"$OUT")" = "[('\''acme_user'\'', '\''1'\'', '\''true'\'')]" ]'

run list --format=json
check "list json: exit 0 (got $RC)" '[ $RC = 0 ]'
check "list json: tenant_acme with one table, a size and its owner" \
	'[ "$(json "[(r[\"owner\"], r[\"tables\"], r[\"is_tenant\"], r[\"size_bytes\"] > 0, r[\"login_roles\"]) for r in d if r[\"schema\"] == \"tenant_acme\"]" <<<"$OUT")" = "[('\''acme_user'\'', 1, True, True, '\''acme_user'\'')]" ]'
check "list json: connection limit 5 for tenant_limits" \
	'[ "$(json "[r[\"connection_limit\"] for r in d if r[\"schema\"] == \"tenant_limits\"]" <<<"$OUT")" = "[5]" ]'
check "list json: public is not a tenant" \
	'[ "$(json "[r[\"is_tenant\"] for r in d if r[\"schema\"] == \"public\"]" <<<"$OUT")" = "[False]" ]'
check "list json: no system schemas" \
	'[ "$(json "[r[\"schema\"] for r in d if r[\"schema\"].startswith(\"pg_\") or r[\"schema\"] == \"information_schema\"]" <<<"$OUT")" = "[]" ]'
# Schemas made outside pgtenant may be called anything: the machine
# formats must carry the names exactly.
psql_q 'CREATE SCHEMA "Odd ""quoted"", name"; CREATE SCHEMA "line
break"; CREATE SCHEMA "ünï ☃"' >/dev/null
odd_names='["Odd \"quoted\", name", "line\nbreak", "ünï ☃"]'
run list --format=json
check "list json keeps odd names exactly" \
	'python3 -c "import json,sys; want=json.loads(sys.argv[1]); got=[r[\"schema\"] for r in json.load(sys.stdin)]; sys.exit(not all(w in got for w in want))" "$odd_names" <<<"$OUT"'
run list --format=csv
check "list csv keeps odd names exactly" \
	'python3 -c "import csv,json,sys; want=json.loads(sys.argv[1]); got=[r[\"schema\"] for r in csv.DictReader(sys.stdin)]; sys.exit(not all(w in got for w in want))" "$odd_names" <<<"$OUT"'
# ...and the table, meant for a terminal, never passes a control
# character through (an ESC sequence in a name would drive the terminal).
psql_q "CREATE SCHEMA \"esc$(printf '\033')]52;c;aGk=$(printf '\007')x\"; CREATE SCHEMA \"c1$(printf '\302\233')31m\"" >/dev/null
run list
check "list table: exit 0 (got $RC)" '[ $RC = 0 ]'
check "list table writes no control characters" '! LC_ALL=C grep -q "[[:cntrl:]]" "$tmp/out"'
csi=$(printf '\302\233')
check "list table writes no C1 controls" '! LC_ALL=C grep -qF "$csi" "$tmp/out"'
check "list table shows them visibly, as \\x1b" '[[ "$OUT" == *'"'"'esc\x1b]52;c;aGk=\x07x '"'"'* && "$OUT" == *'"'"'c1\x9b31m '"'"'* ]]'
check "list table keeps the columns aligned around them" \
	'[ "$(printf "%s\n" "$OUT" | grep -E "^(esc|c1|public )" | awk "{print index(\$0, \"pgtadmin\") + index(\$0, \"pg_database_owner\")}" | sort -u | wc -l)" = 1 ]'
run --format=json list
check "global --format=json list" '[ $RC = 0 ] && [ "$(json "len(d) > 5" <<<"$OUT")" = True ]'

run roles
check "roles: exit 0 (got $RC)" '[ $RC = 0 ] && [[ "${OUT%%$'\''\n'\''*}" == ROLE*LOGIN* ]] && [[ "$OUT" == *acme_user* ]]'
run roles --format=csv
check "roles csv header" '[ "${OUT%%$'\''\n'\''*}" = "role,login,superuser,createdb,createrole,replication,bypassrls,inherit,connection_limit,valid_until,member_of,search_path" ]'
# Tenants are INHERIT before PostgreSQL 16 (the tenants' group's CONNECT
# needs it there) and NOINHERIT from 16, where that one grant inherits.
# roles shows a membership's options from 16: the tenants' group without SET.
group=pgtenant_tenants_$db
if [ "$(psql -XAtc 'SHOW server_version_num')" -ge 160000 ]; then inh=false py_inh=False group="$group(noset)"; else inh=true py_inh=True; fi
check "roles csv row for acme_user" '[[ "$OUT" == *$'\''\n'\''"acme_user,true,false,false,false,false,false,$inh,20,,$group,tenant_acme"* ]]'
run roles --format=json
check "roles json: exit 0 (got $RC)" '[ $RC = 0 ]'
check "roles json: acme_user logs in, nothing more, search_path set" \
	'[ "$(json "[(r[\"login\"], r[\"superuser\"], r[\"createrole\"], r[\"inherit\"], r[\"search_path\"]) for r in d if r[\"role\"] == \"acme_user\"]" <<<"$OUT")" = "[(True, False, False, $py_inh, '\''tenant_acme'\'')]" ]'
check "roles json: limits_user has limit 5 and an expiry" \
	'[ "$(json "[(r[\"connection_limit\"], r[\"valid_until\"][:10]) for r in d if r[\"role\"] == \"limits_user\"]" <<<"$OUT")" = "[(5, '\''2099-01-01'\'')]" ]'
check "roles json: no pg_ roles" '[ "$(json "[r for r in d if r[\"role\"].startswith(\"pg_\")]" <<<"$OUT")" = "[]" ]'

# ---- rotate-password -----------------------------------------------------
run rotate-password tenant_acme --format=json
check "rotate: exit 0 (got $RC)" '[ $RC = 0 ]'
check "rotate JSON has exactly the four fields" '[ "$(json "len(d) == 4 and set(d) == {\"username\", \"password\", \"schema_name\", \"connection_string\"}" <<<"$OUT")" = True ]'
rot_pw=$(json 'd["password"]' <<<"$OUT")
rot_cs=$(json 'd["connection_string"]' <<<"$OUT")
check "rotate: a new 32-character password" '[[ "$rot_pw" =~ ^[A-Za-z0-9]{32}$ ]] && [ "$rot_pw" != "$acme_pw" ]'
check "rotate: the old password fails" '! tenant_q "$acme_cs" "SELECT 1" >/dev/null'
check "rotate: the new one works" '[ "$(tenant_q "$rot_cs" "SELECT count(*) FROM orders")" = 1 ]'
run --stdin $'Rotated p@ss:/?#&%=\n' rotate-password tenant_acme --password-stdin --format=json
check "rotate --password-stdin: exit 0 (got $RC)" '[ $RC = 0 ] && [ "$(json "d[\"password\"]" <<<"$OUT")" = "Rotated p@ss:/?#&%=" ]'
check "rotate --password-stdin: the typed password works" \
	'[ "$(tenant_q "$(json "d[\"connection_string\"]" <<<"$OUT")" "SELECT current_user")" = acme_user ]'
check "rotate --password-stdin: the previous one fails" '! tenant_q "$rot_cs" "SELECT 1" >/dev/null'
run rotate-password no_such_schema
check "rotate a missing schema: exit 1 (got $RC)" '[ $RC = 1 ]'
psql_q "CREATE SCHEMA admin_owned" >/dev/null
run rotate-password admin_owned
check "rotate a schema the admin owns: exit 1 (got $RC)" '[ $RC = 1 ]'

# ---- drop ----------------------------------------------------------------
run drop tenant_plain
check "drop without --yes and no terminal: exit 2 (got $RC)" '[ $RC = 2 ] && [[ "$ERR" == *--yes* ]]'
check "drop without --yes dropped nothing" 'schema_exists tenant_plain && role_exists plain_user'

run_tty "Type the schema name" wrong_name drop tenant_plain
check "drop, wrong name typed: exit 1 (got $RC)" '[ $RC = 1 ]'
check "drop, wrong name typed: nothing dropped" 'schema_exists tenant_plain && role_exists plain_user'
run_tty "Type the schema name" tenant_plain drop tenant_plain
check "drop, name typed: exit 0 (got $RC; $OUT)" '[ $RC = 0 ]'
check "drop, name typed: schema and role gone" '! schema_exists tenant_plain && ! role_exists plain_user'

tenant_q "$typed_cs" "CREATE TABLE t1 (x int); CREATE TABLE t2 (y int); CREATE VIEW v AS SELECT * FROM t1" >/dev/null
run drop tenant_typed --yes
check "drop --yes a tenant with tables: exit 0 (got $RC)" '[ $RC = 0 ]'
check "drop --yes: schema and role gone" '! schema_exists tenant_typed && ! role_exists typed_user'
check "drop --yes: its string no longer logs in" '! tenant_q "$typed_cs" "SELECT 1" >/dev/null'
run list --format=json
check "drop --yes: gone from list" '[ "$(json "[r for r in d if r[\"schema\"] == \"tenant_typed\"]" <<<"$OUT")" = "[]" ]'

before=$(census)
run drop no_such_schema --yes
check "drop a missing schema: exit 1 (got $RC)" '[ $RC = 1 ]'
run drop admin_owned --yes
check "drop a schema the admin owns: exit 1 (got $RC)" '[ $RC = 1 ]'
run drop public --yes
check "drop public: exit 1 (got $RC)" '[ $RC = 1 ]'
run --read-only drop tenant_acme --yes
check "drop in a read-only session: exit 1 (got $RC)" '[ $RC = 1 ]'
psql_q "CREATE DATABASE cli_other" >/dev/null
psql -X -q -d cli_other -c "CREATE TABLE t (x int); ALTER TABLE t OWNER TO csvout_user" >/dev/null 2>&1
run drop tenant_csvout --yes
check "drop a role that owns things in another database: exit 1 (got $RC)" \
	'[ $RC = 1 ] && [[ "$ERR" == *cli_other* ]]'
check "failed drops changed nothing" '[ "$(census)" = "$before" ] && schema_exists admin_owned'

# ---- secrets never reach the server log ----------------------------------
psql_q "SELECT 'commands_sh_log_sync'" >/dev/null
for _ in $(seq 50); do grep -q commands_sh_log_sync "$log" && break; sleep 0.1; done
check "the server log holds the statements" 'grep -q "CREATE ROLE \"acme_user\" LOGIN PASSWORD '\''SCRAM-SHA-256" "$log"'
for secret in "$acme_pw" "$typed" "$rot_pw" "Rotated p@ss:/?#&%=" "$params_pw"; do
	check "a password is in the server log" '! grep -qF -- "$secret" "$log"'
done

finish commands.sh
