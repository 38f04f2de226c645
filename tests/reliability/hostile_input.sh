#!/bin/bash
# Hostile input: names, connection targets, passwords on stdin and CSV
# files built to break quoting, lengths and parsers. Each is refused with a
# clear one-line message and a plain exit status, and the database is left
# exactly as it was (roles, schemas, role settings, database ACL, members).
. "$(dirname "$0")/lib.sh"

"$PGTENANT" create tenant_keep >/dev/null 2>&1 || bad "could not create tenant_keep"
before=$(snapshot)

# refused LABEL STATUS PATTERN COMMAND... (stdin from $T/stdin if present)
refused() {
	local label=$1 want=$2 pattern=$3 rc input=/dev/null; shift 3
	[ -e "$T/stdin" ] && input=$T/stdin
	"$@" <"$input" >"$T/out" 2>"$T/err"; rc=$?
	rm -f "$T/stdin"
	if [ "$rc" = "$want" ] && plain_exit "$rc" && grep -Eq -- "$pattern" "$T/err" &&
	   ! grep -Eqi 'pgtenant: fatal:|AddressSanitizer|runtime error' "$T/err" &&
	   [ ! -s "$T/out" ]; then
		ok "$label: refused (exit $rc): $(head -c 160 "$T/err" | head -1)"
	else
		bad "$label: exit $rc (want $want), stderr: $(head -c 300 "$T/err"), stdout: $(head -c 200 "$T/out")"
	fi
}

long64=$(printf 'a%.0s' $(seq 64))
nonascii=$'tenant_\xc3\xa9t\xc3\xa9'
badutf8=$'tenant_\xff\xfe'
for spec in \
	"quote|tenant_a'b" \
	"double quote|tenant_a\"b" \
	"semicolon|tenant_a;DROP ROLE pgtadmin" \
	"SQL comment|tenant_a--x" \
	"newline|tenant_a"$'\n'"b" \
	"carriage return|tenant_a"$'\r' \
	"tab|tenant"$'\t'"a" \
	"escape sequence|tenant_"$'\e'"[31m" \
	"non-ASCII|$nonascii" \
	"invalid UTF-8|$badutf8" \
	"64 bytes|$long64" \
	"capitals|Tenant_Acme" \
	"leading digit|1tenant" \
	"space|tenant acme" \
	"pg_ prefix|pg_tenant" \
	"schema public|public" \
	"information_schema|information_schema" \
	"empty|" \
	"dollar quoting|tenant\$\$x" \
	"backslash|tenant_a\\b"
do
	label=${spec%%|*} name=${spec#*|}
	refused "create, name with $label" 1 "schema name|every database shares" "$PGTENANT" create "$name"
	refused "drop, name with $label" 1 "schema name|every database shares" "$PGTENANT" drop --yes "$name"
	refused "rotate, name with $label" 1 "schema name|every database shares" "$PGTENANT" rotate-password "$name"
done
for spec in "public|public" "none|none" "current_user|current_user" \
            "session_user|session_user" "pg_ prefix|pg_x" "quote|a'b" \
            "64 bytes|$long64" "semicolon|x;y"
do
	label=${spec%%|*} name=${spec#*|}
	refused "create --user with $label" 1 "user name|reserved role" \
		"$PGTENANT" create tenant_ok --user="$name"
done
# A 60-byte schema derives a 65-byte user name: refused, not truncated.
refused "derived user name too long" 1 "user name derived .* is too long" \
	"$PGTENANT" create "$(printf 'b%.0s' $(seq 60))"
refused "connection limit garbage" 2 "connection-limit" \
	"$PGTENANT" create tenant_ok --connection-limit="1; DROP ROLE pgtadmin"
refused "connection limit overflow" 2 "connection-limit" \
	"$PGTENANT" create tenant_ok --connection-limit=99999999999999999999
refused "valid-until injection" 1 "timestamp|invalid input|date" \
	"$PGTENANT" create tenant_ok --valid-until="infinity'; DROP ROLE pgtadmin; --"
refused "valid-until newline" 1 "printable ASCII" \
	"$PGTENANT" create tenant_ok --valid-until=$'2030-01-01\nDROP ROLE pgtadmin'
# libpq refuses to quote a broken UTF-8 sequence; this once aborted the process.
refused "valid-until broken UTF-8" 1 "printable ASCII" \
	"$PGTENANT" create tenant_ok --valid-until=$'2030-01-01 \xff'
refused "valid-until truncated UTF-8" 1 "printable ASCII" \
	"$PGTENANT" create tenant_ok --valid-until=$'\xc3'
# A suggestion is never itself a refused name (found by fuzz_names).
"$PGTENANT" create Public >/dev/null 2>"$T/err"
check "\"Public\" is refused without suggesting the reserved \"public\"" \
	sh -c "! grep -q 'use \"public\"' '$T/err'"
check "after the name attacks the database is exactly as before" [ "$(snapshot)" = "$before" ]

# Connection targets.
refused "target: garbage" 2 "connect|parse|missing" "$PGTENANT" -d 'garbage' create tenant_ok
refused "target: half-encoded %zz" 2 "percent|invalid|parse" \
	"$PGTENANT" -d 'postgresql://pgtadmin@%zz/postgres' create tenant_ok
refused "target: half-encoded trailing %" 2 "percent|invalid|parse" \
	"$PGTENANT" -d 'postgresql://pgtadmin@localhost/postgres%' create tenant_ok
refused "target: unknown keyword" 2 "invalid connection option|parse" \
	"$PGTENANT" -d 'host=/tmp bogus_option=1' create tenant_ok
refused "target: unterminated quote" 2 "unterminated|parse" \
	"$PGTENANT" -d "host='/tmp" create tenant_ok
refused "target: bad URI scheme port" 2 "port|invalid|connect" \
	"$PGTENANT" -d 'postgresql://localhost:notaport/postgres' create tenant_ok
# The largest argument the kernel passes (128 KiB): a URI of 120 KiB.
huge="postgresql://pgtadmin@localhost/postgres?application_name=$(head -c 61440 /dev/zero | tr '\0' 'x')$(head -c 61440 /dev/zero | tr '\0' '%')"
refused "target: 120 KiB URI" 2 "connect|parse|percent|invalid" \
	"$PGTENANT" -d "$huge" create tenant_ok
# A socket directory, so that no name lookup leaves the machine.
huge="host=/$(head -c 122880 /dev/zero | tr '\0' 'h')"
refused "target: 120 KiB socket path" 2 "socket path" \
	"$PGTENANT" -d "$huge" create tenant_ok

# Passwords on standard input: checked before anything reaches the server.
printf 'abc\0def\n' >"$T/stdin"
refused "password-stdin: NUL byte" 2 "NUL" "$PGTENANT" create tenant_ok --password-stdin
head -c 2000000 /dev/zero | tr '\0' 'p' >"$T/stdin"
refused "password-stdin: 2 MB line" 2 "longer than" "$PGTENANT" create tenant_ok --password-stdin
: >"$T/stdin"
refused "password-stdin: nothing" 2 "no password" "$PGTENANT" create tenant_ok --password-stdin
printf '\n' >"$T/stdin"
refused "password-stdin: empty line" 2 "empty" "$PGTENANT" create tenant_ok --password-stdin
printf 'abc\0def\n' >"$T/stdin"
refused "rotate --password-stdin: NUL byte" 2 "NUL" \
	"$PGTENANT" rotate-password tenant_keep --password-stdin
check "after the target and password attacks the database is exactly as before" \
	[ "$(snapshot)" = "$before" ]

# A typed password with every awkward character works and is stored
# hashed: the tenant can log in with it through the connection string.
pw=$'q\'u"o;t e\\%zz@:/?#&=+$`!*'
printf '%s\n' "$pw" >"$T/stdin"
"$PGTENANT" create tenant_awk --password-stdin --format=json <"$T/stdin" >"$T/out" 2>"$T/err"
rm -f "$T/stdin"
uri=$(sed -n 's/.*"connection_string": "\([^"]*\)".*/\1/p' "$T/out")
check "awkward password: create succeeded" grep -q '"schema_name": "tenant_awk"' "$T/out"
check "awkward password: the connection string logs in with it" \
	[ "$(psql -X -At "$uri" -c 'SELECT current_user' 2>&1)" = awk_user ]
check "awkward password: stored as a SCRAM verifier" \
	[ "$(q -c "SELECT rolpassword LIKE 'SCRAM-SHA-256\$%' FROM pg_authid WHERE rolname = 'awk_user'")" = t ]

# SQL keywords are legal names: quoting makes them safe, not refusal.
check "a reserved SQL word as schema name is quoted correctly (create)" \
	"$PGTENANT" create select --format=csv
check "schema \"select\" owned by select_user, nothing else" \
	[ "$(q -c "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'select'")" = select_user ]
check "drop of schema \"select\"" "$PGTENANT" drop --yes select
"$PGTENANT" drop --yes tenant_awk >/dev/null 2>&1
check "after the successful ones were dropped the database is exactly as before" \
	[ "$(snapshot)" = "$before" ]

# Bulk creation from CSV, when built: broken rows refused one by one.
if "$PGTENANT" --help 2>&1 | grep -q -- '--from'; then
	{
		printf 'schema_name,username,password\n'
		printf '"tenant_a\nb",,\n'                      # newline in a quoted name
		printf 'tenant_q"x,,\n'                         # stray quote
		printf '"tenant_unterminated,,\n'               # never closed
		printf 'tenant_nul\0x,,\n'                      # NUL byte
		printf 'tenant_b;DROP ROLE pgtadmin,,\n'
		printf "tenant_c',,\n"
		printf '%s,,\n' "$long64"
		printf 'pg_evil,,\n'
		printf 'tenant_d,public,\n'                     # reserved role
		printf '%s,,\n' "tenant_$(head -c 70000 /dev/zero | tr '\0' 'z')"  # huge line
		printf 'tenant_e,,"pw\0x"\n'                    # NUL in a password
	} >"$T/bad.csv"
	"$PGTENANT" create --from "$T/bad.csv" >"$T/out" 2>"$T/err"; rc=$?
	echo "# create --from bad.csv: exit $rc; stderr:"; cut -c1-200 "$T/err" | sed "s/^/#   /"
	check "create --from hostile CSV: exit 1" [ "$rc" = 1 ]
	check "create --from hostile CSV: no credentials printed" \
		sh -c "! grep -q 'postgresql://' '$T/out'"
	check "create --from hostile CSV: no crash report" \
		sh -c "! grep -Eqi 'pgtenant: fatal:|AddressSanitizer|runtime error' '$T/err'"
	check "create --from hostile CSV: database exactly as before" [ "$(snapshot)" = "$before" ]
	printf 'nothing,like,a,header\n' >"$T/nohdr.csv"
	"$PGTENANT" create --from "$T/nohdr.csv" >"$T/out" 2>"$T/err"; rc=$?
	check "create --from without a schema_name column: refused (exit $rc), plain" \
		sh -c "[ $rc -ge 1 -a $rc -lt 128 ] && grep -qi 'schema_name' '$T/err'"
	check "create --from with a bad header: database exactly as before" [ "$(snapshot)" = "$before" ]
else
	echo "# create --from not built: CSV input skipped here"
fi

finish
