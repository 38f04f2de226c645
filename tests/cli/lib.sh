# Shared by the command tests in tests/cli (sourced, never run alone):
# a scratch directory, a clean environment, check/run and the summary.
# tests/lib/run-test has started a server and set PG* and PGTENANT.
set -u
bin=${PGTENANT:?}
db=${PGDATABASE:?}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pt-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# No user configuration file, English messages, no stray libpq settings.
export XDG_CONFIG_HOME="$tmp/xdg" LANGUAGE= LC_ALL=C.UTF-8
unset PGPASSWORD PGAPPNAME PGOPTIONS

passed=0 failed=0
# check DESCRIPTION EXPRESSION: eval the expression; on failure show what
# the last run saw.
check() {
	if eval "$2"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $1"
		echo "      rc: ${RC:-}"
		echo "      stdout: ${OUT:0:600}"
		echo "      stderr: ${ERR:0:400}"
	fi
}

# run [--stdin TEXT] ARG...: pgtenant in a session of its own (no
# terminal to prompt on), stdin from TEXT or empty. Sets OUT, ERR, RC.
run() {
	local input=
	if [ "$1" = --stdin ]; then input=$2; shift 2; fi
	printf '%s' "$input" | setsid -w "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	RC=$?
	OUT=$(cat "$tmp/out")
	ERR=$(cat "$tmp/err")
}

# finish NAME: the summary line and the exit status.
finish() {
	echo "$1: $passed checks passed, $failed failed"
	[ "$failed" = 0 ]
	exit $?
}
