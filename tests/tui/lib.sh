# Shared by the console tests: drive pgtenant in a real terminal (an
# isolated tmux server with default settings) against the test's server.
# Sourced; expects PGHOST etc. and PGTENANT from tests/lib/run-test.
set -u

command -v tmux >/dev/null 2>&1 || { echo "SKIP: tmux is not installed"; exit 77; }
# wide characters must reach the console and come back from capture-pane
export LC_ALL=C.UTF-8
unset LANGUAGE

PT_WORK=$(mktemp -d "${TMPDIR:-/tmp}/pgtenant-tui.XXXXXX")
# a tmux server of the test's own, default settings, its socket in the
# work directory so that nothing is left behind
tui_server() {
	PT_TMUX="tmux -S $PT_WORK/tmux-$1 -f /dev/null"
}
tui_server 1
export XDG_STATE_HOME="$PT_WORK/state"

tui_cleanup() {
	$PT_TMUX kill-server 2>/dev/null
	rm -rf "$PT_WORK"
}
trap tui_cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	echo "---- screen ----" >&2
	$PT_TMUX capture-pane -p -J >&2 2>/dev/null
	exit 1
}

# Start the console in a W x H terminal; after it exits the pane keeps a
# shell line saying how it ended, so a test can look at the restored screen.
tui_start() {
	local w=${1:-100} h=${2:-30}
	cat > "$PT_WORK/run.sh" <<EOS
export PGHOST='$PGHOST' PGPORT='$PGPORT' PGUSER='$PGUSER' PGDATABASE='$PGDATABASE'
export TERM=screen-256color XDG_STATE_HOME='$XDG_STATE_HOME' LC_ALL=C.UTF-8
${PT_TUI_ENV:+export $PT_TUI_ENV}
${PT_TUI_UNSET:+unset $PT_TUI_UNSET}
cd '$PT_WORK'
echo 'BEFORE-CONSOLE'
${PT_TUI_GATE:+while [ ! -e '$PT_WORK/go' ]; do sleep 0.05; done}
'$PGTENANT' ${PT_TUI_ARGS:-}
echo "CONSOLE-EXITED rc=\$?"
sleep 600
EOS
	$PT_TMUX new-session -d -x "$w" -y "$h" "bash $PT_WORK/run.sh" ||
		fail "cannot start tmux"
}

# The same, with every byte the console writes to its terminal recorded
# in $PT_WORK/tty.raw (tmux pipe-pane) from the first one on.
tui_start_recorded() {
	PT_TUI_GATE=1 tui_start "$@"
	$PT_TMUX pipe-pane -o "cat >> '$PT_WORK/tty.raw'" || fail "pipe-pane"
	touch "$PT_WORK/go"
}

screen() {
	$PT_TMUX capture-pane -p -J
}

# Wait (up to $2 seconds, default 10) until the screen contains $1 (grep -E).
wait_for() {
	local pat=$1 t=${2:-10} i=0
	while [ "$i" -lt $((t * 20)) ]; do
		screen | grep -Eq -- "$pat" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	fail "timed out waiting for /$pat/"
}

# Wait until the screen no longer contains $1.
wait_gone() {
	local pat=$1 t=${2:-10} i=0
	while [ "$i" -lt $((t * 20)) ]; do
		screen | grep -Eq -- "$pat" || return 0
		sleep 0.05
		i=$((i + 1))
	done
	fail "timed out waiting for /$pat/ to go"
}

# The terminal's cursor: "shown X Y" (column, row from 0) or "hidden".
cursor() {
	$PT_TMUX display -p '#{?cursor_flag,shown #{cursor_x} #{cursor_y},hidden}'
}

# Wait (up to $2 seconds, default 10) until cursor matches $1 (grep -E).
wait_cursor() {
	local pat=$1 t=${2:-10} i=0
	while [ "$i" -lt $((t * 20)) ]; do
		cursor | grep -Eq -- "$pat" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	fail "timed out waiting for the cursor /$pat/ (it is $(cursor))"
}

# The lines of the screen that are drawn in reverse video (the selection).
selected_lines() {
	$PT_TMUX capture-pane -e -p | grep -aE $'\e\\[([0-9;]*;)?7[;m]'
}

keys() {
	$PT_TMUX send-keys "$@"
}

type_text() {
	$PT_TMUX send-keys -l "$1"
}

# psql as the admin
adm() {
	psql -X -q -v ON_ERROR_STOP=1 -At "$@"
}

# Hold an ACCESS EXCLUSIVE lock on relation $1 for $2 seconds in the
# background (pid in $locker), returning once it is held. (Asking
# pg_locks would itself wait on a locked catalog.)
hold_lock() {
	local mark=$PT_WORK/locked.$$.$RANDOM i=0
	psql -X -q >/dev/null 2>&1 <<SQL &
BEGIN;
LOCK TABLE $1 IN ACCESS EXCLUSIVE MODE;
\\! touch $mark
SELECT pg_sleep($2);
SQL
	locker=$!
	while [ ! -e "$mark" ] && [ "$i" -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -e "$mark" ] || fail "could not lock $1"
}

# T MSGID: the console's text for MSGID in the language of the compiled
# catalogue $PT_MO, or MSGID itself when none is set (English).
T() {
	if [ -z "${PT_MO:-}" ]; then
		printf '%s' "$1"
	else
		python3 -c 'import gettext, sys
t = gettext.GNUTranslations(open(sys.argv[1], "rb"))
print(t.gettext(sys.argv[2]), end="")' "$PT_MO" "$1"
	fi
}
# Tre MSGID [ARG...]: T with its printf directives filled in by the ARGs,
# as a regular expression that matches that text literally.
Tre() {
	local f
	f=$(T "$1" | sed 's/%[lz]*[dsu]/%s/g')
	shift
	# shellcheck disable=SC2059
	printf "$f" "$@" | sed 's/[][\.*^$(){}?+|]/\\&/g'
}
