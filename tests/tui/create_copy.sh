# The path a new DBA takes, with exactly the keys the issue names: c, a
# schema name, Enter, Enter, y, Esc. The connection string read off the
# screen connects with psql; inside a tmux with default settings
# show-buffer equals it after y; leaving and quitting leave no password on
# the screen.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

tui_start 80 24   # the size the console is judged at
wait_for 'No tenant schemas yet|public'
keys c
wait_for 'Create a tenant'
type_text tenant_acme
wait_for 'acme_user'                    # the derived user, as you type
keys Enter
wait_for 'will create the tenant'
screen | grep -q "PASSWORD '<redacted>'" || fail "preview redacts the password"
screen | grep -q 'CREATE SCHEMA "tenant_acme" AUTHORIZATION "acme_user"' || fail "preview SQL"
keys Enter
wait_for 'Tenant created'
# q (back) and Q (quit) before the password was kept anywhere: asked
# first (issue 11, bug 12), answered by one key (issue 19)
keys q
wait_for 'neither copied nor written. Go back'
keys n
wait_gone 'neither copied'
screen | grep -q 'Tenant created' || fail "q left the password unkept"
keys Q
wait_for 'neither copied nor written. Quit'
keys n
wait_gone 'neither copied'
screen | grep -q 'CONSOLE-EXITED' && fail "Q quit with the password unkept"

# the connection string is on a line of its own, from column 0
uri=$(screen | grep -E '^postgresql://' | head -1)
[ -n "$uri" ] || fail "no connection string line"
case "$uri" in *" "*|*"|"*|*"│"*) fail "border or blank inside: $uri" ;; esac
pw=$(screen | sed -n 's/^ *Password: *\([A-Za-z0-9]\{32\}\).*/\1/p')
[ ${#pw} -eq 32 ] || fail "generated 32-character password on screen: '$pw'"
case "$uri" in *"$pw"*) ;; *) fail "URI carries the password" ;; esac

got=$(psql -X -At "$uri" -c 'SELECT current_user, current_schemas(false)' 2>&1) ||
	fail "psql with the string from the screen: $got"
[ "$got" = 'acme_user|{tenant_acme}' ] || fail "logged in as: $got"

# y: the clipboard, through tmux load-buffer (default tmux settings)
$PT_TMUX delete-buffer 2>/dev/null
keys y
wait_for 'copied to the tmux buffer'
buf=$($PT_TMUX show-buffer) || fail "no tmux buffer after y"
[ "$buf" = "$uri" ] || fail "show-buffer '$buf' != screen '$uri'"
ps -eo args | grep -F -- "$pw" | grep -v grep && fail "password in a process's argv"

# t tests the login, f cycles the formats, w writes a 0600 file
keys t
wait_for 'Login works: user=acme_user'
keys f
wait_for 'key=value;'
screen | grep -Eq "^host='[^']+' port='$PGPORT' dbname='$PGDATABASE' user='acme_user' password='$pw'" ||
	fail "key=value form"
keys f
wait_for 'JDBC'
screen | grep -q '^jdbc:postgresql://' || fail "JDBC form"
screen | grep -q 'JDBC has no unix sockets' || fail "JDBC on a socket: no warning"
keys f
wait_for 'shell export'
screen | grep -q "^export PGUSER='acme_user'" || fail "export form"
keys f
wait_for 'URI;'
# w offers the private state directory, not the current one, and says
# the full path
keys w
wait_for 'Write to \(Enter:'
screen | tail -4 | tr -d '\n ' | grep -q '(Enter:.*/state/pgtenant/' ||
	fail "the state directory is not offered"
keys Enter
f="$XDG_STATE_HOME/pgtenant/pgtenant-tenant_acme.credentials"
wait_for "Wrote $f"
[ "$(stat -c %a "$f")" = 600 ] || fail "credentials file mode $(stat -c %a "$f")"
grep -q "^password=$pw\$" "$f" || fail "credentials file content"
[ -e "$PT_WORK/pgtenant-tenant_acme.credentials" ] && fail "written into the current directory"
keys w                          # O_EXCL: never overwrites
type_text "$f"; keys Enter
wait_for 'Cannot create'
keys w                          # or where the user says
type_text "$PT_WORK/typed.cred"; keys Enter
wait_for "Wrote $PT_WORK/typed.cred"
[ "$(stat -c %a "$PT_WORK/typed.cred")" = 600 ] || fail "typed path mode"

keys Escape
wait_for 'tenant_acme +acme_user'
screen | grep -qF -- "$pw" && fail "password still on screen after Esc"
# the new tenant is the selected row (bug 11)
selected_lines | grep -q 'tenant_acme' ||
	fail "created tenant not selected"

# a name that exists is refused in the form, before any preview (issue 19)
keys c; wait_for 'Create a tenant'
type_text tenant_acme; keys Enter
wait_for 'Schema: a schema named "tenant_acme" exists already'
screen | grep -q 'will create' && fail "previewed a create of an existing schema"
keys Escape
wait_for 'tenant_acme +acme_user'

# typed password, masked in the form
keys c; wait_for 'Create a tenant'
type_text tenant_typed
keys Tab Tab
type_text 'S3cret-typed-pw'
wait_for '\*{15}'
screen | grep -q 'S3cret-typed-pw' && fail "typed password shows"
keys Enter; wait_for 'will create'
screen | grep -q 'S3cret-typed-pw' && fail "typed password in the preview"
keys Enter; wait_for 'Tenant created'
PGPASSWORD='S3cret-typed-pw' psql -X -At -U typed_user -c 'select 1' >/dev/null 2>&1 ||
	fail "typed password does not log in"
keys Escape
wait_for 'tenant_typed'

keys q
wait_for 'CONSOLE-EXITED rc=0'
all=$($PT_TMUX capture-pane -p -J -S -)
echo "$all" | grep -qF -- "$pw" && fail "password left in the terminal after exit"
echo "$all" | grep -q 'S3cret-typed-pw' && fail "typed password left in the terminal"
echo "$all" | grep -q 'BEFORE-CONSOLE' || fail "the shell's screen is back (alternate screen)"
# the server log never saw a plaintext password
grep -qF -- "$pw" "$PT_TEST_SERVER_LOG" && fail "password in the server log"
exit 0
