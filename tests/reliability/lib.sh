# Shared helpers for tests/reliability/*.sh (sourced, never run alone).
# tests/lib/run-test has started a fresh server and exported PGHOST,
# PGPORT, PGUSER (pgtadmin, superuser, trusted), PGDATABASE,
# PT_TEST_PGDIR, PT_TEST_SERVER_LOG and PGTENANT.
set -u

: "${PGTENANT:?PGTENANT must name the pgtenant binary}"
: "${PT_TEST_SERVER_LOG:?run this through tests/lib/run-test}"

T=$(mktemp -d "${TMPDIR:-/tmp}/pt-rel.XXXXXX")
chmod 755 "$T"
pt_cleanup_hooks=()
pt_cleanup() {
	local h
	for h in "${pt_cleanup_hooks[@]}"; do eval "$h" || true; done
	rm -rf "$T"
}
trap pt_cleanup EXIT

failures=0
checks=0
ok() { checks=$((checks + 1)); echo "ok - $*"; }
bad() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL - $*"; }
check() {   # check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
finish() {
	echo "$((checks - failures)) passed, $failures failed"
	[ "$failures" -eq 0 ]
	exit $?
}

# psql as the trusted superuser, unaligned, quiet; -X ignores ~/.psqlrc.
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# Everything a failed or refused operation might have left behind:
# roles, schemas, per-database role settings and the database ACL.
snapshot() {
	q -c "SELECT 'role', rolname, rolcanlogin, rolconnlimit, rolvaliduntil FROM pg_roles ORDER BY 2" \
	  -c "SELECT 'schema', nspname, nspowner::regrole, nspacl FROM pg_namespace ORDER BY 2" \
	  -c "SELECT 'setting', setdatabase, setrole::regrole, setconfig FROM pg_db_role_setting ORDER BY 2, 3" \
	  -c "SELECT 'db', datname, datacl FROM pg_database ORDER BY 2" \
	  -c "SELECT 'members', roleid::regrole, member::regrole FROM pg_auth_members ORDER BY 2, 3"
}

# Restart the test server the way pgserver.sh started it (same log file).
restart_server() (
	# The new postmaster must not inherit a held session's fifo: it would
	# keep that psql waiting for input forever.
	local fd
	for fd in $(ls /proc/$BASHPID/fd); do
		[ "$fd" -gt 2 ] && [ "$fd" != 255 ] && eval "exec $fd>&-" 2>/dev/null
	done
	as_pg_owner "$(pg_bin)/pg_ctl" -D "$PT_TEST_PGDIR/data" -l "$PT_TEST_SERVER_LOG" \
		-m fast -w -t 60 -o "-p $PGPORT -k $PGHOST" restart >/dev/null
)

pg_bin() {
	if [ -n "${PT_PG_BINDIR:-}" ] && [ -x "$PT_PG_BINDIR/pg_ctl" ]; then
		echo "$PT_PG_BINDIR"
	else
		pg_config --bindir
	fi
}

# Run a command as the server's owner (the test server runs as postgres
# when the tests run as root).
as_pg_owner() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A session that stays open: hold_open NAME [CONNINFO] starts psql (as the
# admin, or as CONNINFO says) reading from a fifo; hold_send NAME SQL sends
# it a line; hold_close NAME ends it.
hold_open() {
	local name=$1
	mkfifo "$T/$name.fifo"
	# Without the other sessions' fifo ends: a psql keeping one open would
	# keep that session from ever seeing the end of its input.
	(
		for v in ${!hold_fd_@}; do eval "exec ${!v}>&-"; done
		q ${2:+-d "$2"} -o "$T/$name.out"
	) <"$T/$name.fifo" >"$T/$name.stdout" 2>"$T/$name.err" &
	eval "hold_pid_$name=$!"
	exec {fd}>"$T/$name.fifo"
	eval "hold_fd_$name=$fd"
	pt_cleanup_hooks+=("hold_close $name")
}
hold_send() {   # returns once psql has run SQL (it echoes a marker after it)
	local fdvar="hold_fd_$1" mark="sync-$RANDOM-$RANDOM" i
	printf '%s\n\\echo %s\n' "$2" "$mark" >&"${!fdvar}"
	for i in $(seq 200); do
		grep -q "$mark" "$T/$1.stdout" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "# hold_send $1: psql did not run: $2: $(cat "$T/$1.err")"
	return 1
}
hold_close() {
	local fdvar="hold_fd_$1" pidvar="hold_pid_$1"
	[ -n "${!fdvar:-}" ] || return 0
	eval "exec ${!fdvar}>&-"
	wait "${!pidvar}" 2>/dev/null || true
	eval "unset hold_fd_$1 hold_pid_$1"
	rm -f "$T/$1.fifo" "$T/$1.stdout" "$T/$1.out" "$T/$1.err"
}

# Wait (up to 15 s) until a pgtenant backend waits on a lock; print its pid.
wait_for_blocked_pgtenant() {
	local pid i
	for i in $(seq 150); do
		pid=$(q -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgtenant'
		            AND wait_event_type = 'Lock' LIMIT 1")
		if [ -n "$pid" ]; then echo "$pid"; return 0; fi
		sleep 0.1
	done
	return 1
}

# exit status of a finished process is a plain one (no signal, no crash)
plain_exit() { [ "$1" -lt 128 ]; }
