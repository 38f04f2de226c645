# p rotates a tenant's password (same result screen; the new one logs in,
# the old one no longer does); d drops a tenant only after its name is
# typed in full.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

old=$("$PGTENANT" create tenant_rot --format=json 2>/dev/null |
      sed 's/.*"password": "\([A-Za-z0-9]*\)".*/\1/')
[ ${#old} -eq 32 ] || fail "setup: password '$old'"
"$PGTENANT" create tenant_gone >/dev/null 2>&1 || fail "setup"

tui_start 100 30
wait_for 'tenant_rot'
keys / ; type_text tenant_rot ; keys Enter
wait_for '1/3'
keys p
wait_for 'Rotate the password'
keys Enter
wait_for 'Password rotated'
new=$(screen | sed -n 's/^ *Password: *\([A-Za-z0-9]\{32\}\).*/\1/p')
[ ${#new} -eq 32 ] && [ "$new" != "$old" ] || fail "new password '$new'"
PGPASSWORD=$new psql -X -At -U rot_user -c 'select 1' >/dev/null 2>&1 || fail "new password fails"
PGPASSWORD=$old psql -X -At -U rot_user -c 'select 1' >/dev/null 2>&1 && fail "old password works"
keys Escape
wait_for 'tenant_rot +rot_user'
screen | grep -qF "$new" && fail "rotated password left on screen"

keys Escape / ; type_text tenant_gone ; keys Enter
wait_for '1/3'
keys d
wait_for 'DROP SCHEMA "tenant_gone" CASCADE'
keys Enter
wait_for 'Type tenant_gone to drop it'
type_text tenant_gon ; keys Enter
wait_for 'does not match'
[ "$(adm -c "select count(*) from pg_namespace where nspname = 'tenant_gone'")" = 1 ] ||
	fail "dropped without the full name"
keys Enter
wait_for 'Type tenant_gone'
type_text tenant_gone ; keys Enter
wait_for 'Dropped tenant_gone'
[ "$(adm -c "select count(*) from pg_namespace where nspname = 'tenant_gone'")" = 0 ] ||
	fail "schema still there"
[ "$(adm -c "select count(*) from pg_roles where rolname = 'gone_user'")" = 0 ] ||
	fail "role still there"
keys q
wait_for 'CONSOLE-EXITED rc=0'
exit 0
