# Fresh state (issue 11): with -r/--refresh the console reloads by itself
# without blocking the keyboard; the "not hardened" banner follows a GRANT
# made elsewhere; a tenant created elsewhere appears; a server that goes
# away is noticed while nobody types; i changes the interval.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

out=$("$PGTENANT" --refresh=soon 2>&1); rc=$?
[ "$rc" -eq 2 ] || fail "--refresh=soon: exit $rc"
echo "$out" | grep -q -- '--refresh' || fail "--refresh=soon: $out"

"$PGTENANT" harden --yes >/dev/null 2>&1 || fail "setup: harden"
"$PGTENANT" create tenant_a >/dev/null 2>&1 || fail "setup: create"

PT_TUI_ARGS='-r 1' tui_start 80 24
wait_for 'tenant_a'
screen | grep -q 'Not hardened' && fail "banner before any grant"

# made while the console is open, by someone else
adm -c "GRANT CREATE ON SCHEMA public TO PUBLIC" || fail "grant"
wait_for 'Not hardened' 10
"$PGTENANT" create tenant_b >/dev/null 2>&1 || fail "create b"
wait_for 'tenant_b' 10
adm -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC" || fail "revoke"
wait_gone 'Not hardened' 10

# typing is never held up or lost by the refreshes
keys /
for i in 1 2 3 4 5 6 7 8; do type_text "tenant_"; type_text "b"; keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace; sleep 0.2; done
type_text "tenant_b"
wait_for 'filter: tenant_b( |$)'
keys Enter
wait_for '1/3'

# the server drops the session while nobody types: noticed by itself
adm -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()" >/dev/null
wait_for 'CONNECTION LOST|Reconnect' 10
wait_gone 'CONNECTION LOST' 20

# i: the interval, 0 turns it off
keys i
wait_for 'Refresh every'
type_text 0; keys Enter
wait_for 'Automatic refresh is off'
"$PGTENANT" create tenant_c >/dev/null 2>&1 || fail "create c"
keys Escape
sleep 3
screen | grep -q 'tenant_c' && fail "refreshed with the interval off"
keys r
wait_for 'tenant_c'
keys q
wait_for 'CONSOLE-EXITED rc=0'
exit 0
