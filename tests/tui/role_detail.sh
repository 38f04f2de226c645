# Enter on a role shows it in full (issue 11, bug 5): attributes,
# memberships with their grant options, settings, the schemas it reaches.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

"$PGTENANT" create tenant_a >/dev/null 2>&1 || fail "setup"
adm -c "CREATE ROLE reporting LOGIN CONNECTION LIMIT 7;
        GRANT a_user TO reporting;
        ALTER ROLE reporting SET work_mem = '8MB';
        GRANT USAGE ON SCHEMA tenant_a TO reporting;" || fail "setup role"

tui_start 80 24
wait_for 'tenant_a'
keys Tab
wait_for 'reporting'
keys / ; type_text reporting ; keys Enter
wait_for '1/'
keys Enter
# not 'Member of': the roles list has a column of that name
wait_for 'Member of \(grant options\)'
screen | grep -Eq 'attributes +login' || fail "attributes"
screen | grep -Eq 'connection limit +7' || fail "connection limit"
screen | grep -Eq 'a_user +inherit set granted by' || fail "membership and its options"
screen | grep -q 'work_mem=8MB' || fail "setting"
screen | grep -Eq 'tenant_a +usage' || fail "schema it reaches"
# a small pane: still there, scrolls
$PT_TMUX resize-window -x 60 -y 15
wait_for 'Role detail|attributes'
keys G
wait_for 'tenant_a'
keys Escape
wait_for 'reporting'
keys Q
wait_for 'CONSOLE-EXITED rc=0'
exit 0
