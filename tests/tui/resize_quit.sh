# Resizing at any moment (list, form, result), below 60x15 too; q quits
# and restores the terminal; --read-only shows the badge and refuses
# changes; the : command line completes, runs commands and keeps a private
# history without secrets.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

for i in 1 2 3; do "$PGTENANT" create "tenant_r$i" >/dev/null 2>&1 || fail "create"; done

tui_start 100 30
wait_for 'tenant_r3'
$PT_TMUX resize-window -x 59 -y 20
wait_for 'Terminal too small: 59x20, needs 60x15'
$PT_TMUX resize-window -x 80 -y 24
wait_for 'tenant_r3'
screen | grep -q 'too small' && fail "still too small at 80x24"
[ "$(screen | wc -l)" -eq 24 ] || fail "24 lines drawn"
[ "$(screen | LC_ALL=C.UTF-8 wc -L)" -le 80 ] || fail "wider than 80"
$PT_TMUX resize-window -x 60 -y 14
wait_for 'too small: 60x14'
$PT_TMUX resize-window -x 200 -y 50
wait_for 'tenant_r3'

# during the form: what was typed survives the resize
keys c; wait_for 'Create a tenant'
type_text tenant_sz
$PT_TMUX resize-window -x 40 -y 10
wait_for 'too small'
$PT_TMUX resize-window -x 90 -y 26
wait_for 'tenant_sz'
screen | grep -q 'sz_user' || fail "form state lost on resize"
keys Escape
wait_for 'tenant_r3'

# many rapid resizes do not crash it
for s in 81x24 120x40 30x5 100x30 80x24 1x1 100x30; do
	$PT_TMUX resize-window -x "${s%x*}" -y "${s#*x}"
done
wait_for 'tenant_r3'

# the command line: completion, a command, history without secrets
keys :
type_text 're'
keys Tab Tab
wait_for 'reconnect  refresh'       # the choices, shown on the screen
keys Escape
wait_gone '^:re'
keys :
type_text 'filt'
keys Tab
wait_for ':filter'
type_text ' r2'
keys Enter
wait_for 'filter: r2'
screen | grep -q tenant_r1 && fail ":filter r2 did not filter"
keys :
type_text 'set password=hunter2'
keys Enter
wait_for 'Unknown command'
keys :
type_text 'nonsense-command'
keys Enter
wait_for 'Unknown command "nonsense-command"'
h="$XDG_STATE_HOME/pgtenant/history"
[ -f "$h" ] || fail "no history file"
[ "$(stat -c %a "$h")" = 600 ] || fail "history mode $(stat -c %a "$h")"
grep -Eq 'filter +r2' "$h" || fail "history keeps commands"
grep -q hunter2 "$h" && fail "history kept a secret"
keys : ; type_text 'quit'; keys Enter
wait_for 'CONSOLE-EXITED rc=0'
screen | grep -q 'BEFORE-CONSOLE' || fail "terminal not restored"
$PT_TMUX kill-server

# read-only
tui_server ro
PT_TUI_ARGS=--read-only tui_start 100 30
wait_for 'READ-ONLY'
wait_for 'tenant_r3'
keys c
wait_for 'Read-only session'
screen | grep -q 'Create a tenant' && fail "create form opened read-only"
keys d
wait_for 'Read-only session'
keys q
wait_for 'CONSOLE-EXITED rc=0'
exit 0
