# A query stuck behind a lock shows the spinner message and Ctrl-C cancels
# it without killing the console; a dropped connection shows in the
# header, actions are refused, and it comes back by itself (backoff) and
# on R.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

"$PGTENANT" create tenant_live >/dev/null 2>&1 || fail "create"
tui_start 100 30
wait_for 'tenant_live'

# hold a lock the schema listing needs, then refresh
hold_lock pg_catalog.pg_namespace 20
keys r
wait_for 'Waiting for the server'
# typed while waiting: never replayed afterwards (issue 11, bug 7), said so
type_text cj
keys C-c
wait_for 'cancel'
wait_for "were ignored"
kill "$locker" 2>/dev/null
adm -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE query LIKE '%pg_sleep(20)%' AND pid <> pg_backend_pid()" >/dev/null
sleep 1
screen | grep -q 'Create a tenant' && fail "a key typed during the wait was replayed"
wait_for 'tenant_live'

# A tenant's lock on its own table: the sizes query does not wait for it
# (issue 10), the size shows as "?" at once and the rest stays; once the
# lock is gone, r measures again.
adm -c "CREATE TABLE tenant_live.t (i int)" || fail "table"
hold_lock tenant_live.t 20
keys r
wait_for 'tenant_live .* \? '
screen | grep -q 'Waiting for the server' && fail "waited for a tenant's lock"
screen | grep -q '\.\.\.' && fail "sizes left as ..."
kill "$locker" 2>/dev/null
adm -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE query LIKE '%pg_sleep(20)%' AND pid <> pg_backend_pid()" >/dev/null
keys r
wait_for 'tenant_live .* [0-9.]+ (B|KiB) '

# the server drops us
adm -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()" >/dev/null
keys r
wait_for 'CONNECTION LOST'
keys c
# refused, or already back through the automatic reconnect
wait_for 'Not connected|Reconnected|Create a tenant'
wait_gone 'CONNECTION LOST' 15  # automatic, with backoff
keys Escape
wait_for 'tenant_live'

# and R reconnects on demand
adm -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()" >/dev/null
keys r
wait_for 'CONNECTION LOST'
keys R
wait_for 'Reconnected'
wait_for 'tenant_live'
keys q
wait_for 'CONSOLE-EXITED rc=0'
exit 0
