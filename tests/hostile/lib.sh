# Shared by the attack tests in tests/hostile (sourced, never run alone):
# the check/run/finish harness of tests/cli, tenants made with pgtenant and
# driven with psql over their own printed connection strings, and a pty to
# see the very bytes a terminal would get.
# tests/lib/run-test has started a server and set PG* and PGTENANT.
. "${PT_TOP_SRCDIR:?}/tests/cli/lib.sh"

# adm SQL: as the admin; prints rows (unaligned), errors included.
adm() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1" 2>&1; }

# make_tenant SCHEMA [ARG...]: pgtenant create; CONN is the tenant's
# connection string as pgtenant printed it.
make_tenant() {
	local schema=$1; shift
	run create --format=json "$@" "$schema"
	CONN=$(printf '%s' "$OUT" | python3 -c \
		'import json, sys; print(json.load(sys.stdin)["connection_string"])' 2>/dev/null)
	[ "$RC" = 0 ] && [ -n "$CONN" ]
}

# as_tenant CONNSTR SQL: psql as the tenant, over its own connection.
as_tenant() { psql -X -q -At -w -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }

# run_tty ARG...: pgtenant on a pseudo-terminal (stdout and stderr both a
# terminal, stdin empty); every byte it wrote goes to $TTY. Sets RC.
TTY=$tmp/tty
run_tty() {
	local cmd
	printf -v cmd '%q ' "$bin" "$@"
	script -qfec "$cmd" /dev/null </dev/null >"$TTY" 2>&1
	RC=$?
}

# assert_no_control FILE: true when FILE holds no control character a tenant
# could have sent: no C0 but line ends, no DEL, no C1, no bidi override,
# no bytes that are not UTF-8. The only sequences pgtenant writes itself
# are allowed: CR LF (the pty's line end) and CR ESC[K (the bulk progress
# line being cleared). Prints what it found.
assert_no_control() {
	python3 - "$1" <<'PY'
import sys
b = open(sys.argv[1], 'rb').read()
b = b.replace(b'\r\x1b[K', b'').replace(b'\r\n', b'\n')
try:
    t = b.decode('utf-8')
except UnicodeDecodeError as e:
    print('not UTF-8 at byte %d: %r' % (e.start, b[max(0, e.start - 30):e.start + 30]))
    sys.exit(1)
for i, ch in enumerate(t):
    o = ord(ch)
    if (o < 0x20 and ch != '\n') or 0x7f <= o <= 0x9f or \
       0x202a <= o <= 0x202e or 0x2066 <= o <= 0x2069:
        print('U+%04X at %d: %r' % (o, i, t[max(0, i - 40):i + 40]))
        sys.exit(1)
PY
}

# tty_check LABEL ARG...: run pgtenant on a pty and check that nothing a
# tenant wrote arrived as a control character.
tty_check() {
	local label=$1; shift
	run_tty "$@"
	check "$label: no control byte reaches the terminal" 'why=$(assert_no_control "$TTY") || { OUT=$why; false; }'
}

# valid_json FILE: parses as JSON.
valid_json() { python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1" 2>&1; }
