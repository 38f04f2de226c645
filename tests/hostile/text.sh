# Hostile text: tenants made with pgtenant, connecting with psql over
# their own printed connection strings, name tables, columns, functions,
# views, sequences and (given CREATE on the database) schemas with
# escape sequences (OSC 52 clipboard, screen clear, window title), BEL, C1
# controls, bidi overrides and, in a SQL_ASCII database, bytes that are not
# UTF-8; they comment, set their own search_path and grant to PUBLIC and to
# each other. Then every command the admin runs is watched on a real pty:
# no control byte of theirs may arrive. JSON stays valid and exact, CSV to
# a pipe keeps the exact bytes.
. "$(dirname "$0")/lib.sh"

make_tenant tenant_evil || { echo "setup: cannot create tenant_evil: $ERR"; exit 1; }
evil=$CONN
make_tenant tenant_victim || { echo "setup: cannot create tenant_victim: $ERR"; exit 1; }
# What schema-per-tenant cannot stop and the audit flags: CREATE on the
# database lets a tenant make a schema of any name.
adm "GRANT CREATE ON DATABASE \"$db\" TO evil_user" >/dev/null

# Every name below is built by the server from E'' escapes, so the exact
# bytes are known: \x1b]52;c;<base64 of "echo pwned">\x07 sets a
# terminal's clipboard, \x1b[2J clears it, \x1b]0;...\x07 retitles it,
# U+009B is the one-byte CSI, U+202E reverses what follows.
out=$(as_tenant "$evil" "
DO \$\$
DECLARE
	osc text := E'osc\\x1b]52;c;ZWNobyBwd25lZA==\\x07\\x1b[2J';
BEGIN
	EXECUTE format('CREATE TABLE tenant_evil.%I (%I int, ok int)', osc, E'col\\x07\\x1b[31m');
	EXECUTE format('GRANT SELECT ON tenant_evil.%I TO PUBLIC', osc);
	EXECUTE format('GRANT SELECT (%I) ON tenant_evil.%I TO victim_user', E'col\\x07\\x1b[31m', osc);
	-- A line break to forge the audit's all-clear line.
	EXECUTE format('CREATE TABLE tenant_evil.%I ()', E'x\\nNo path between tenants found.');
	EXECUTE format('GRANT SELECT ON tenant_evil.%I TO PUBLIC', E'x\\nNo path between tenants found.');
	EXECUTE format('CREATE SEQUENCE tenant_evil.%I', E'seq\\x1b]0;pwned\\x07');
	EXECUTE format('GRANT USAGE ON SEQUENCE tenant_evil.%I TO PUBLIC', E'seq\\x1b]0;pwned\\x07');
	EXECUTE format('CREATE VIEW tenant_evil.%I AS SELECT 1 AS x', E'v\\u202egpj.exe');
	EXECUTE format('GRANT SELECT ON tenant_evil.%I TO victim_user', E'v\\u202egpj.exe');
	EXECUTE format('CREATE FUNCTION tenant_evil.%I() RETURNS int LANGUAGE sql AS ''SELECT 1''',
	               E'fn\\u009b2J');
	EXECUTE format('COMMENT ON TABLE tenant_evil.%I IS %L', osc, E'\\x1b]52;c;cm0gLXJmIH4=\\x07');
	EXECUTE format('CREATE SCHEMA %I', E'evil\\x1b[2J\\x1b[H');
	EXECUTE format('GRANT USAGE ON SCHEMA tenant_evil TO victim_user');
END
\$\$;
ALTER ROLE evil_user IN DATABASE \"$db\" SET search_path = E'\"\\x1b]52;c;ZWNobyBwd25lZA==\\x07\", pg_catalog';
") || { echo "setup: the tenant's objects: $out"; exit 1; }
check "the attack is in place" \
	'[ "$(adm "SELECT count(*) FROM pg_class WHERE relname ~ E'"'"'\\x1b'"'"'")" -ge 2 ]'

for fmt in table csv json; do
	tty_check "list --format=$fmt" list --format=$fmt
	tty_check "roles --format=$fmt" roles --format=$fmt
	tty_check "audit --format=$fmt" audit --format=$fmt
done
# Made visible, not dropped: the admin can still see what is there.
run_tty audit
check "audit on a tty shows the hostile name made visible" 'grep -qF "osc\\x1b]52;c;" "$TTY"'
check "audit on a tty still reports the finding" 'grep -q "HIGH\|MEDIUM" "$TTY"'
check "audit on a tty: a line break in a name cannot forge a line" \
	'! grep -q "^No path between tenants found" "$TTY" && grep -qF "x\\x0aNo path" "$TTY"'
run_tty roles
check "roles on a tty shows the search_path made visible" 'grep -qF "\\x1b]52;c;ZWNob" "$TTY"'

# Files and pipes get the exact bytes; JSON is valid and exact.
run audit --format=csv
check "audit CSV to a pipe keeps the exact name" \
	'grep -qF "osc"$'"'"'\e]52;c;ZWNobyBwd25lZA==\a\e[2J'"'"' "$tmp/out"'
run roles --format=csv
check "roles CSV to a pipe keeps the exact search_path" \
	'grep -qF $'"'"'\e]52;c;ZWNobyBwd25lZA==\a'"'"' "$tmp/out"'
for cmd in list roles audit; do
	run $cmd --format=json
	check "$cmd JSON is valid" 'valid_json "$tmp/out"'
	check "$cmd JSON carries no raw control byte" '! LC_ALL=C grep -q $'"'"'[\x01-\x08\x0b-\x1f\x7f]'"'"' "$tmp/out" && ! grep -qP "\xc2[\x80-\x9f]" "$tmp/out"'
done
run audit --format=json
check "audit JSON names the table exactly" "python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
want = \"osc\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J\"
sys.exit(0 if any(want in (f.get(\"object\") or \"\") + (f.get(\"detail\") or \"\") for f in d[\"findings\"]) else 1)
' \"\$tmp/out\""
check "audit JSON escapes C1 and bidi as \\u" 'grep -qF "\\u009b" "$tmp/out" || grep -qF "\\u202e" "$tmp/out"'

# Credentials on a tty, and the messages that echo what they were given.
tty_check "rotate-password" rotate-password tenant_evil
printf 'schema_name,username\ntenant_\e]52;c;ZWNobyBwd25lZA==\a\e[2J,x\ntenant_ok_\xc2\x9b2J,y\n' >"$tmp/evil.csv"
tty_check "create --from with hostile cells" create --from "$tmp/evil.csv"
check "create --from says which line failed" 'grep -q "evil.csv:2" "$TTY" && grep -q "evil.csv:3" "$TTY"'
# The error goes through the sanitiser whether or not stderr is a terminal.
run create --from "$tmp/evil.csv"
check "create --from to a pipe: the cell is not echoed raw" '! grep -q $'"'"'\e'"'"' "$tmp/err"'
# The header's unknown column is quoted back in the message.
printf 'schema_name,\e]52;c;ZWNobyBwd25lZA==\a\e[2J\ntenant_h,x\n' >"$tmp/header.csv"
tty_check "create --from with a hostile header" create --from "$tmp/header.csv"
run create --from "$tmp/header.csv"
check "create --from to a pipe: the header is made visible" \
	'[ "$RC" = 1 ] && grep -qF "unknown column \"\\x1b]52" "$tmp/err" && ! grep -q $'"'"'\e'"'"' "$tmp/err"'
tty_check "create with a hostile name" create $'Tenant_\e]52;c;ZWNobyBwd25lZA==\a'
tty_check "drop with a hostile name" drop --yes $'Tenant_\e[2J'
run create $'Tenant_\e[2J'
check "create's refusal is made visible on a pipe too" '[ "$RC" = 1 ] && grep -qF "\\x1b[2J" "$tmp/err" && ! grep -q $'"'"'\e'"'"' "$tmp/err"'

# A SQL_ASCII database holds names that are not UTF-8 at all.
adm "CREATE DATABASE hostile_ascii ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" >/dev/null
raw_db="dbname=hostile_ascii"
run -d "$raw_db" create --format=json tenant_raw
raw=$(printf '%s' "$OUT" | python3 -c 'import json, sys; print(json.load(sys.stdin)["connection_string"])' 2>/dev/null)
out=$(as_tenant "$raw" "
DO \$\$ BEGIN
	EXECUTE format('CREATE TABLE tenant_raw.%I (x int)', E'raw\\xff\\xfe\\x1b[2J\\x9b2J');
	EXECUTE format('GRANT SELECT ON tenant_raw.%I TO PUBLIC', E'raw\\xff\\xfe\\x1b[2J\\x9b2J');
END \$\$;") || echo "setup (SQL_ASCII): $out"
for fmt in table csv json; do
	tty_check "SQL_ASCII audit --format=$fmt" -d "$raw_db" audit --format=$fmt
done
run -d "$raw_db" audit --format=json
check "SQL_ASCII audit JSON is valid (bytes that are not UTF-8 become U+FFFD)" \
	'valid_json "$tmp/out" && grep -qF "\\ufffd" "$tmp/out"'
run -d "$raw_db" audit --format=csv
check "SQL_ASCII audit CSV to a pipe keeps the exact bytes" \
	'LC_ALL=C grep -qF $'"'"'raw\xff\xfe\e[2J\x9b2J'"'"' "$tmp/out"'

finish hostile/text
