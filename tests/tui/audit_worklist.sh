# The audit as a worklist (issue 11): counts by severity, v keeps the more
# severe, / filters, s sorts, y copies a fix, F applies one fix and A every
# fix of a rule, each after showing the SQL, in one transaction, and the
# audit runs again.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

for t in a b c; do "$PGTENANT" create "tenant_$t" >/dev/null 2>&1 || fail "setup $t"; done
adm -c "CREATE TABLE tenant_a.secrets (x int);
        GRANT USAGE ON SCHEMA tenant_a TO b_user, c_user;
        GRANT SELECT ON tenant_a.secrets TO b_user, c_user;" || fail "setup grants"
usage() {  # usage ROLE: may ROLE still use schema tenant_a?
	adm -c "SELECT has_schema_privilege('$1', 'tenant_a', 'USAGE')"
}
can() {    # can ROLE: does ROLE still hold SELECT on tenant_a.secrets?
	adm -c "SELECT has_table_privilege('$1', 'tenant_a.secrets', 'SELECT')"
}

tui_start 120 40
wait_for 'tenant_c'
keys a
wait_for '[0-9]+ high'
screen | grep -Eq '[0-9]+ medium' || fail "no count of medium findings"

# v: high and above only
keys v
wait_for 'Showing low findings'
keys v v
wait_for 'Showing high findings'
screen | grep -Eq '^ (medium|low|info) ' && fail "v high still shows lower findings"
keys v
wait_for 'Showing info findings'

# / filters on role, s sorts
keys / ; type_text b_user ; keys Enter
wait_for 'filter: b_user'
screen | grep -E '^ (high|medium|low|info) ' | grep -vq 'b_user' && fail "filter lets others through"
keys Escape
wait_gone 'filter:'
keys s
wait_for 'Sorted by Rule'
# grouped: the rule once, with its count
wait_for 'cross-tenant-table-grant \(2\)'
[ "$(screen | grep -c 'cross-tenant-table-grant')" -eq 1 ] || fail "rule not grouped"

# y copies the selected finding's fix (tmux's buffer, default settings)
keys / ; type_text c_user ; keys Enter
wait_for 'filter: c_user'
keys g
$PT_TMUX delete-buffer 2>/dev/null
keys y
wait_for 'Fix copied'
$PT_TMUX show-buffer | grep -q 'REVOKE' || fail "the buffer is not the fix: $($PT_TMUX show-buffer)"

# F: the one fix (the most severe of c_user's: its USAGE on tenant_a),
# shown, then applied; the audit runs again
keys F
wait_for 'will fix the findings'
wait_for 'REVOKE'
[ "$(usage c_user)" = t ] || fail "applied before Enter"
keys Enter
wait_for 'Applied 1 fix;'
[ "$(usage c_user)" = f ] || fail "c_user may still use tenant_a"
[ "$(usage b_user)" = t ] || fail "b_user's fix applied too"
[ "$(can c_user)" = t ] || fail "more than the one fix applied"
keys Escape
wait_gone 'filter:'

# A: every finding of the rule shown: both tenants' SELECT grants
keys / ; type_text table-grant ; keys Enter
keys g
keys A
wait_for 'will fix the findings'
keys Escape                      # Esc: nothing applied
wait_for 'filter: table-grant'
[ "$(can b_user)" = t ] || fail "applied after Esc"
keys A
wait_for 'will fix the findings'
screen | grep -q '"b_user"' && screen | grep -q '"c_user"' || fail "A does not show both fixes"
keys Enter
wait_for 'Applied 2 fixes'
[ "$(can b_user)" = f ] || fail "b_user still reads tenant_a.secrets"
[ "$(can c_user)" = f ] || fail "c_user still reads tenant_a.secrets"
screen | grep -q 'table-grant' && screen | grep -Eq '^ (high|medium) +cross-tenant-table' &&
	fail "the re-audit still shows the table grants"
keys Escape Escape q
wait_for 'CONSOLE-EXITED rc=0'
exit 0
