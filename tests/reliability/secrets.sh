#!/bin/bash
# Secret hygiene, checked from outside the process: generated and typed
# passwords never reach the server log (log_statement=all), any process's
# command line or environment, pg_stat_activity, or a file not 0600; and a
# running pgtenant cannot dump core (RLIMIT_CORE 0, not dumpable).
. "$(dirname "$0")/lib.sh"

cap=$T/cap            # what we capture ourselves (holds passwords: excluded)
mkdir -p "$cap" "$T/home" "$T/work" "$T/tmp"
chmod 755 "$T/home"   # the unprivileged run below reads its config there
touch "$T/stamp"
passwords=()

# Run pgtenant with a private HOME, working directory and TMPDIR, so that
# any file it writes can be found afterwards.
pgt() { (cd "$T/work" && HOME=$T/home TMPDIR=$T/tmp "$PGTENANT" "$@"); }

field() {   # field NAME FILE: a value from --format=json output
	sed -n "s/.*\"$1\": \"\\([^\"]*\\)\".*/\\1/p" "$2"
}

# -- 1. Core dumps: while pgtenant waits for a password on stdin, look at
# it from outside. Run it as an unprivileged user so that "not dumpable"
# is visible: the kernel then makes /proc/PID/* owned by root.
mkdir -p "$T/bin"
cp "$PGTENANT" "$T/bin/pgtenant"
chmod 755 "$T/bin" "$T/bin/pgtenant"
mkfifo -m 666 "$T/pwfifo"
if [ "$(id -u)" = 0 ]; then
	as_user() { exec setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
else
	as_user() { exec "$@"; }
fi
(HOME=$T/home XDG_CONFIG_HOME=$T/home/.config as_user "$T/bin/pgtenant" create tenant_core \
	--password-stdin --format=json <"$T/pwfifo" >"$cap/core.out" 2>"$cap/core.err") &
pid=$!
exec {pwfd}>"$T/pwfifo"
sleep 0.5    # past pt_core_init, blocked reading the password
uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
echo "# pgtenant pid $pid runs as uid $uid; /proc/$pid/status owned by uid $(stat -c %u "/proc/$pid/status")"
grep "Max core file size" "/proc/$pid/limits" | sed 's/^/# /'
check "core dumps: soft and hard RLIMIT_CORE are 0" \
	grep -Eq '^Max core file size +0 +0 ' "/proc/$pid/limits"
check "core dumps: the process is not dumpable (/proc/PID owned by root, not uid $uid)" \
	[ "$uid" != 0 -a "$(stat -c %u "/proc/$pid/status")" = 0 ]
# The control: the same check on an ordinary process of that user says
# "dumpable", so the check above can fail.
(as_user sleep 5) &
ctl=$!
sleep 0.2
check "control: an ordinary process of uid $uid is dumpable by the same check" \
	[ "$(stat -c %u "/proc/$ctl/status")" = "$uid" ]
kill "$ctl" 2>/dev/null; wait "$ctl" 2>/dev/null
# End it without a password (the unprivileged user may not reach the
# server's socket): a plain refusal.
exec {pwfd}>&-
wait "$pid"; rc=$?
check "the waiting pgtenant, given no password, stops plainly (exit $rc)" \
	sh -c "[ $rc = 2 ] && grep -q 'no password' '$cap/core.err'"

# -- 2. While a create with a typed password waits on a lock, nothing
# anyone can list shows the password: ps, /proc/*/cmdline, /proc/*/environ,
# pg_stat_activity.
typed='Typed-Secret-Pw-4a2;x'
passwords+=("$typed")
hold_open blocker
hold_send blocker "BEGIN; CREATE ROLE held_user;"
mkfifo "$T/pw2"
pgt create tenant_held --password-stdin --format=json <"$T/pw2" >"$cap/held.out" 2>"$cap/held.err" &
pid=$!
exec {pwfd}>"$T/pw2"
printf '%s\n' "$typed" >&"$pwfd"
if bpid=$(wait_for_blocked_pgtenant); then
	# grep -f: the password must not be in our own checks' argv either.
	printf '%s\n' "$typed" >"$cap/typed"
	ps -eww -o pid,args >"$cap/ps"
	check "ps -eww lists the waiting pgtenant (the check sees it)" \
		grep -q "pgtenant create tenant_held --password-stdin" "$cap/ps"
	check "ps -eww shows the password in no command line" \
		sh -c "! grep -qFf '$cap/typed' '$cap/ps'"
	check "no /proc/*/cmdline or environ holds the password" \
		sh -c "! cat /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null | grep -qaFf '$cap/typed'"
	q -c "SELECT query FROM pg_stat_activity WHERE pid = $bpid" >"$cap/activity"
	check "pg_stat_activity shows the create (the check looks at the right query)" \
		grep -q 'CREATE ROLE "held_user"' "$cap/activity"
	check "pg_stat_activity shows a SCRAM verifier, never the password" \
		sh -c "grep -q 'SCRAM-SHA-256' '$cap/activity' && ! grep -qF -- '$typed' '$cap/activity'"
else
	bad "the create never blocked on the held lock"
fi
hold_send blocker "ROLLBACK;"
hold_close blocker
exec {pwfd}>&-
wait "$pid"
check "the held create went through once the lock was released" \
	grep -q '"password": "Typed-Secret-Pw-4a2;x"' "$cap/held.out"

# -- 3. Generated passwords, rotations, and failures: the failing
# statement is logged too (log_min_error_statement), with its verifier.
pgt create tenant_gen --format=json >"$cap/gen.out" 2>/dev/null
passwords+=("$(field password "$cap/gen.out")")
pgt rotate-password tenant_gen --format=json >"$cap/rot.out" 2>/dev/null
passwords+=("$(field password "$cap/rot.out")")
typed_rot='Rotated-Typed-Pw-9c'
passwords+=("$typed_rot")
printf '%s\n' "$typed_rot" | pgt rotate-password tenant_gen --password-stdin --format=json \
	>"$cap/rot2.out" 2>/dev/null
typed_fail='Failing-Create-Pw-3d'
passwords+=("$typed_fail")
printf '%s\n' "$typed_fail" | pgt create tenant_gen --password-stdin >"$cap/fail.out" 2>"$cap/fail.err"
check "a create that fails (already exists) was tried" grep -q "already exists" "$cap/fail.err"
check "the rotation with a typed password printed it back" \
	grep -qF "$typed_rot" "$cap/rot2.out"
uri=$(field connection_string "$cap/rot2.out")
check "the rotated password is the one that logs in" \
	[ "$(psql -X -At "$uri" -c 'SELECT current_user' 2>&1)" = gen_user ]
pgt create tenant_csvpw --format=csv >"$cap/csv.out" 2>/dev/null
passwords+=("$(sed -n 2p "$cap/csv.out" | cut -d, -f2)")
pgt list >/dev/null 2>&1; pgt roles >/dev/null 2>&1

# -- 2b. The admin's password typed at the terminal prompt (a pty made by
# script(1)): while pgtenant waits for it, it cannot dump core; what is
# typed is not echoed; it never reaches ps or the log.
admin_pw='Admin-Typed-Pw-5b'
passwords+=("$admin_pw")
# (our own statement stays out of the log: log_statement off for it)
q -c "SET log_statement = 'none'" -c "CREATE ROLE ttyadmin LOGIN SUPERUSER PASSWORD '$admin_pw'"
if command -v script >/dev/null; then
	mkfifo "$T/tty.in"
	script -q -e -c "'$PGTENANT' -d 'postgresql://ttyadmin@127.0.0.1:$PGPORT/$PGDATABASE' list" \
		/dev/null <"$T/tty.in" >"$cap/tty.out" 2>&1 &
	spid=$!
	exec {ttyfd}>"$T/tty.in"
	for i in $(seq 100); do grep -q "Password for user ttyadmin" "$cap/tty.out" && break; sleep 0.05; done
	check "the password prompt appears on the terminal" grep -q "Password for user ttyadmin" "$cap/tty.out"
	tpid=$(pgrep -P "$spid" -f "pgtenant -d postgresql://ttyadmin" | head -1)
	[ -n "$tpid" ] || tpid=$(pgrep -f "pgtenant -d postgresql://ttyadmin@127" | head -1)
	if [ -n "$tpid" ]; then
		check "waiting at the terminal prompt: RLIMIT_CORE 0 0" \
			grep -Eq '^Max core file size +0 +0 ' "/proc/$tpid/limits"
	else
		bad "could not find the pgtenant waiting at the prompt"
	fi
	printf '%s\r' "$admin_pw" >&"$ttyfd"
	for i in $(seq 100); do grep -q "SCHEMA" "$cap/tty.out" && break; sleep 0.05; done
	exec {ttyfd}>&-
	wait "$spid"
	check "the typed admin password let list through" grep -q "tenant_gen" "$cap/tty.out"
	printf '%s\n' "$admin_pw" >"$cap/admin_pw"
	check "the typed admin password was not echoed to the terminal" \
		sh -c "! grep -qaFf '$cap/admin_pw' '$cap/tty.out'"
else
	echo "# script(1) not installed: terminal prompt not checked"
fi

for p in "${passwords[@]}"; do
	[ ${#p} -ge 8 ] || bad "a password was not captured: '$p'"
done
echo "# ${#passwords[@]} passwords checked (generated and typed)"

# The log is the real one: every statement is there, with verifiers.
check "server log holds the statements (log_statement=all is on)" \
	grep -q 'CREATE ROLE "gen_user" LOGIN PASSWORD' "$PT_TEST_SERVER_LOG"
check "server log holds the failing create's statement (logged on error)" \
	grep -q 'STATEMENT: .*\|ERROR: .*already exists' "$PT_TEST_SERVER_LOG"
leaks=0
for p in "${passwords[@]}"; do
	grep -qF -- "$p" "$PT_TEST_SERVER_LOG" && { leaks=$((leaks + 1)); echo "# in the log: $p"; }
done
check "no password (of ${#passwords[@]}) in the server log" [ "$leaks" = 0 ]
q -c "SELECT string_agg(query, ' ') FROM pg_stat_activity" >"$cap/act2"
leaks=0
for p in "${passwords[@]}"; do grep -qF -- "$p" "$cap/act2" && leaks=$((leaks + 1)); done
check "no password in pg_stat_activity afterwards" [ "$leaks" = 0 ]

# -- 4. Files: anything written under HOME, the working directory, TMPDIR,
# /tmp, /var/tmp or /dev/shm since the start that holds a password must be
# mode 0600 (our own captures excluded).
found=0 loose=0
while IFS= read -r -d '' f; do
	case "$f" in "$cap"/*|"$T/bin"/*) continue ;; esac
	for p in "${passwords[@]}"; do
		if grep -qaF -- "$p" "$f" 2>/dev/null; then
			found=$((found + 1))
			mode=$(stat -c %a "$f")
			echo "# $f (mode $mode) holds a password"
			[ "$mode" = 600 ] || loose=$((loose + 1))
			break
		fi
	done
done < <(find "$T" /tmp /var/tmp /dev/shm -xdev -type f -newer "$T/stamp" -print0 2>/dev/null)
echo "# files holding a password: $found"
check "no file holding a password is readable by others than its owner" [ "$loose" = 0 ]

finish
