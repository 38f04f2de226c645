# A query stuck behind a lock shows the spinner message and Ctrl-C cancels
# it without killing the console; a dropped connection shows in the
# header, actions are refused, and it comes back by itself (backoff) and
# on R.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

"$PGTENANT" create tenant_live >/dev/null 2>&1 || fail "create"
tui_start 100 30
wait_for 'tenant_live'

# hold a lock the schema listing needs, then refresh
psql -X -q -c "BEGIN; LOCK TABLE pg_catalog.pg_namespace IN ACCESS EXCLUSIVE MODE;
               SELECT pg_sleep(20);" >/dev/null 2>&1 &
locker=$!
sleep 0.5
keys r
wait_for 'Waiting for the server'
type_text c                     # typed while waiting: kept for later
keys C-c
wait_for 'cancel'
kill "$locker" 2>/dev/null
adm -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE query LIKE '%pg_sleep(20)%' AND pid <> pg_backend_pid()" >/dev/null
wait_for 'Create a tenant'      # the c typed during the wait
keys Escape
wait_for 'tenant_live'

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
