# The audit screen shows a path from one tenant to another; the "not
# hardened" banner offers the harden preview, whose Enter applies it and
# the banner goes.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

"$PGTENANT" create tenant_a >/dev/null 2>&1 || fail "setup a"
"$PGTENANT" create tenant_b >/dev/null 2>&1 || fail "setup b"
adm -c "CREATE TABLE tenant_b.secrets (x int);
        GRANT USAGE ON SCHEMA tenant_b TO a_user;
        GRANT SELECT ON tenant_b.secrets TO a_user;" || fail "setup grant"

tui_start 100 30
wait_for 'tenant_b'
wait_for 'Not hardened'
keys a
wait_for 'findings'
wait_for 'a_user +tenant_b'
keys Enter                       # the first (most severe) finding in full
wait_for 'Rule: +cross-tenant'
wait_for '^REVOKE .*"a_user";'   # the fix, whole, at column 0
screen | grep -q 'Node:' && fail "a Node line without Citus"
keys Escape                      # back to the findings...
wait_for 'a_user +tenant_b'
keys Escape                      # ...and to the tenants
wait_for 'tenant_b'

keys H
wait_for 'will harden the database'
screen | grep -q 'REVOKE' || fail "harden preview shows the REVOKEs"
keys Escape                      # Esc: nothing applied
wait_for 'Not hardened'
keys H
wait_for 'will harden'
keys Enter
wait_for 'is hardened'
wait_gone 'Not hardened'
[ "$(adm -c "SELECT has_database_privilege('public', current_database(), 'CONNECT')")" = f ] ||
	fail "PUBLIC still has CONNECT"
keys H
wait_for 'Already hardened'
keys q
wait_for 'CONSOLE-EXITED rc=0'
exit 0
