#!/bin/bash
# A server that cannot be reached, or will not let the admin in: each case
# a plain one-line message naming the cause, the documented exit status,
# no crash, no hang, and nothing changed in the database.
. "$(dirname "$0")/lib.sh"

# expect LABEL STATUS PATTERN COMMAND... : COMMAND exits STATUS and its
# standard error matches PATTERN (extended regex, case-insensitive).
expect() {
	local label=$1 want=$2 pattern=$3 rc; shift 3
	setsid "$@" </dev/null >"$T/out" 2>"$T/err"; rc=$?
	echo "# $label: exit $rc: $(head -c 400 "$T/err")"
	check "$label: exit status $want" [ "$rc" = "$want" ]
	check "$label: no crash (exit status below 128)" plain_exit "$rc"
	check "$label: the message names the cause" grep -Eqi "$pattern" "$T/err"
	check "$label: no crash report, no abort" \
		sh -c "! grep -Eqi 'pgtenant: fatal:|AddressSanitizer|runtime error|Segmentation' '$T/err'"
	check "$label: the message is one line without tabs" \
		sh -c "[ \$(wc -l <'$T/err') = 1 ] && ! grep -q '	' '$T/err'"
	check "$label: nothing on standard output" [ ! -s "$T/out" ]
}

loopback="postgresql://127.0.0.1:$PGPORT/$PGDATABASE"

q -c "CREATE ROLE wadmin LOGIN CREATEROLE PASSWORD 'right-Pw-1'" \
  -c "GRANT CONNECT ON DATABASE $PGDATABASE TO wadmin WITH GRANT OPTION" \
  -c "CREATE ROLE plain LOGIN PASSWORD 'plain-Pw-1'"
"$PGTENANT" create tenant_keep >/dev/null 2>&1 || bad "could not create tenant_keep"
before=$(snapshot)

# The control: the right password over TCP works, so the failures below
# fail for the reason they name.
check "control: wadmin with the right password lists tenants" \
	"$PGTENANT" -d "postgresql://wadmin:right-Pw-1@127.0.0.1:$PGPORT/$PGDATABASE" list

# Refused port: find one nothing listens on.
port=$((PGPORT + 1))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
expect "refused port" 2 "refused" \
	"$PGTENANT" -d "postgresql://pgtadmin@127.0.0.1:$port/$PGDATABASE" list
expect "missing socket directory" 2 "No such file|could not connect" \
	"$PGTENANT" -d "host=$T/no-such-dir port=$PGPORT" list

# A host that takes the connection and never answers: the postmaster
# stopped with SIGSTOP (the kernel still completes the TCP handshake).
pm=$(head -1 "$PT_TEST_PGDIR/data/postmaster.pid")
kill -STOP "$pm"
pt_cleanup_hooks+=("kill -CONT $pm")
start=$(date +%s)
expect "silent host, connect_timeout=2" 2 "timeout" \
	"$PGTENANT" -d "postgresql://pgtadmin@127.0.0.1:$PGPORT/$PGDATABASE?connect_timeout=2" create tenant_never
check "silent host: gave up within 8 s" [ $(( $(date +%s) - start )) -le 8 ]
start=$(date +%s)
expect "silent host, default timeout" 2 "timeout" \
	"$PGTENANT" -d "postgresql://pgtadmin@127.0.0.1:$PGPORT/$PGDATABASE" list
elapsed=$(( $(date +%s) - start ))
check "silent host: pgtenant's own 10 s connect timeout applies (took ${elapsed}s)" \
	[ "$elapsed" -ge 9 -a "$elapsed" -le 20 ]
kill -CONT "$pm"

expect "wrong admin password (URI)" 2 "password authentication failed for user \"wadmin\"" \
	"$PGTENANT" -d "postgresql://wadmin:wrong-pw@127.0.0.1:$PGPORT/$PGDATABASE" create tenant_never
PGPASSWORD=wrong-pw expect "wrong admin password (PGPASSWORD)" 2 "password authentication failed" \
	"$PGTENANT" -d "postgresql://wadmin@127.0.0.1:$PGPORT/$PGDATABASE" list
expect "no password and no terminal to ask on" 2 "no password supplied|password" \
	"$PGTENANT" -d "postgresql://wadmin@127.0.0.1:$PGPORT/$PGDATABASE" list
expect "sslmode=require against a server without TLS" 2 "SSL" \
	"$PGTENANT" -d "$loopback?user=pgtadmin&sslmode=require" create tenant_never
expect "admin without CREATEROLE: create" 1 "may not create roles" \
	"$PGTENANT" -d "postgresql://plain:plain-Pw-1@127.0.0.1:$PGPORT/$PGDATABASE" create tenant_never
expect "admin without CREATEROLE: drop" 1 "may not create roles" \
	"$PGTENANT" -d "postgresql://plain:plain-Pw-1@127.0.0.1:$PGPORT/$PGDATABASE" drop --yes tenant_keep
expect "admin without CREATEROLE: rotate-password" 1 "may not create roles" \
	"$PGTENANT" -d "postgresql://plain:plain-Pw-1@127.0.0.1:$PGPORT/$PGDATABASE" rotate-password tenant_keep
expect "read-only session: create" 1 "read-only" \
	"$PGTENANT" --read-only create tenant_never
expect "unknown database" 2 "database \"no_such_db\" does not exist" \
	"$PGTENANT" -d "dbname=no_such_db" list

check "the database is exactly as before" [ "$(snapshot)" = "$before" ]
check "after all that, a create still works" "$PGTENANT" create tenant_after --format=json

finish
