# No target and no PG* variables: the connect screen lists the user's
# pg_service.conf services and recent targets (stored without passwords,
# in a 0600 file), asks for a password in a masked field when the server
# wants one; NO_COLOR draws without colour.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

adm -c "CREATE ROLE conn_admin LOGIN SUPERUSER PASSWORD 'Conn-Secret-9'" || fail "setup"
home="$PT_WORK/home"
mkdir -p "$home"
cat > "$home/.pg_service.conf" <<EOS
[svc_test]
host=$PGHOST
port=$PGPORT
dbname=$PGDATABASE
user=$PGUSER
EOS
cat > "$PT_WORK/conn.sh" <<EOS
unset PGHOST PGPORT PGUSER PGDATABASE PGSERVICE PGSERVICEFILE
export HOME='$home' TERM=screen-256color XDG_STATE_HOME='$XDG_STATE_HOME' NO_COLOR=1 LC_ALL=C.UTF-8
cd '$PT_WORK'
'$PGTENANT'
echo "CONSOLE-EXITED rc=\$?"
sleep 600
EOS
$PT_TMUX new-session -d -x 100 -y 30 "bash $PT_WORK/conn.sh"
wait_for 'Connect to a database'
wait_for 'service=svc_test'
keys Down
wait_for 'Target: +service=svc_test'
keys Enter
wait_for 'pgtadmin@'
wait_for 'public'
# NO_COLOR: attributes only (reverse, bold), never a colour
$PT_TMUX capture-pane -p -e | grep -Eq $'\033\\[[0-9;]*(3[0-7]|4[0-7]|38;|48;)' &&
	fail "colour escape under NO_COLOR"
keys q
wait_for 'CONSOLE-EXITED rc=0'
t="$XDG_STATE_HOME/pgtenant/targets"
[ "$(stat -c %a "$t")" = 600 ] || fail "targets file mode"
grep -qx 'service=svc_test' "$t" || fail "recent target not kept"
$PT_TMUX kill-server
sleep 0.3

# a password-protected role: masked prompt; the target (no password in
# it) is remembered, the password is not
tui_server 2
$PT_TMUX new-session -d -x 100 -y 30 "bash $PT_WORK/conn.sh"
wait_for 'Connect to a database'
type_text "host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=conn_admin"
keys Enter
wait_for 'Password for user conn_admin'
type_text 'Conn-Secret-9'
wait_for 'conn_admin: +\*{13}'
screen | grep -q 'Conn-Secret-9' && fail "password echoed"
keys Enter
wait_for 'conn_admin@'
keys q
wait_for 'CONSOLE-EXITED rc=0'
grep -q 'user=conn_admin' "$t" || fail "target not remembered"
grep -rq 'Conn-Secret-9' "$XDG_STATE_HOME" && fail "password stored"
$PT_TMUX capture-pane -p -J -S - | grep -q 'Conn-Secret-9' && fail "password on the terminal"

# a URI with a password in it is never stored
$PT_TMUX kill-server
sleep 0.3
tui_server 3
$PT_TMUX new-session -d -x 100 -y 30 "bash $PT_WORK/conn.sh"
wait_for 'Connect to a database'
enc=$(printf '%s' "$PGHOST" | sed 's|/|%2F|g')
type_text "postgresql://conn_admin:Conn-Secret-9@$enc:$PGPORT/$PGDATABASE"
keys Enter
wait_for 'conn_admin@'
keys q
wait_for 'CONSOLE-EXITED rc=0'
grep -rq 'Conn-Secret-9' "$XDG_STATE_HOME" && fail "URI with a password stored"
exit 0
