# Hostile input (issue 10, section 4): names pgtenant keeps for itself,
# CSV input that never ends or never comes, passwords JSON cannot carry,
# and a password spelled so that the connect screen's recent targets would
# keep it. Each refusal leaves the database as it was.
. "$(dirname "$0")/lib.sh"

# Roles, schemas, memberships and role settings: what a refusal must not touch.
census() {
	adm "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles;
	     SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace;
	     SELECT count(*) FROM pg_auth_members;
	     SELECT count(*) FROM pg_db_role_setting"
}
make_tenant tenant_keep || { echo "setup: $ERR"; exit 1; }
before=$(census)

# ---- the pgtenant_ prefix ----
run create --user pgtenant_public_users_app tenant_x
check "create --user pgtenant_public_users_app is refused" \
	'[ "$RC" = 1 ] && grep -q "pgtenant keeps" <<<"$ERR" && [ -z "$OUT" ]'
run create --user "pgtenant_tenants_$db" tenant_x
check "create --user pgtenant_tenants_<db> is refused" '[ "$RC" = 1 ] && grep -q "pgtenant_" <<<"$ERR"'
run create pgtenant_public_users_app
check "a schema named pgtenant_... is refused" '[ "$RC" = 1 ] && grep -q "pgtenant keeps" <<<"$ERR"'
run --stdin $'schema_name,username\ntenant_y,pgtenant_public_users_app\n' create --from -
check "create --from with a pgtenant_ user refuses that row" \
	'[ "$RC" = 1 ] && grep -q "stdin:2: .*pgtenant keeps" <<<"$ERR"'
check "the refusals left the database as it was" '[ "$(census)" = "$before" ]'

# ---- input that never ends, or never comes ----
# timed SECONDS CMD...: run CMD with a hard stop; T is how long it took.
timed() {
	local limit=$1 t0; shift
	t0=$(date +%s)
	timeout -k 5 "$limit" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	RC=$? T=$(( $(date +%s) - t0 ))
	OUT=$(head -c 2000 "$tmp/out") ERR=$(head -c 2000 "$tmp/err")
}
timed 60 "$bin" create --from /dev/zero
check "create --from /dev/zero ends with a clear error" \
	'[ "$RC" = 1 ] && grep -q "not a CSV file" <<<"$ERR"'
# On a terminal the records are counted first: never a device or a pipe.
run_tty_limited() { timeout -k 5 60 script -qfec "$1" /dev/null </dev/null >"$TTY" 2>&1; RC=$?; }
run_tty_limited "$(printf '%q' "$bin") create --from /dev/zero"
check "create --from /dev/zero on a terminal ends too" '[ "$RC" = 1 ] && grep -q "not a CSV file" "$TTY"'
run_tty_limited "yes | $(printf '%q' "$bin") create --from -"
check "yes | create --from - on a terminal ends with a clear error" \
	'[ "$RC" = 1 ] && grep -q "unknown column" "$TTY"'
# A writer that sends one record and then stalls (one process, so that it
# can be stopped by its pid).
mkfifo "$tmp/fifo"
{ printf 'schema_name\ntenant_slow\n'; exec sleep 50; } >"$tmp/fifo" &
feeder=$!
timed 60 "$bin" create --from "$tmp/fifo" --input-timeout=4
kill "$feeder" 2>/dev/null
check "a stalled pipe ends after --input-timeout" \
	'[ "$RC" = 1 ] && [ "$T" -lt 40 ] && grep -q "did not end within 4 s" <<<"$ERR"'
check "the record before the stall was still created" 'grep -q tenant_slow <<<"$OUT"'
run create --from - --input-timeout=-1
check "--input-timeout takes 0 or more" '[ "$RC" = 2 ]'

# ---- bulk JSON and passwords that are not UTF-8 ----
printf 'schema_name,password\ntenant_u1,bad\xff\xfepw\ntenant_u2,good-password-1\n' >"$tmp/pw.csv"
run create --from "$tmp/pw.csv" --format=json
check "bulk JSON: a non-UTF-8 password is refused for its row" \
	'[ "$RC" = 1 ] && grep -q "pw.csv:2: .*not valid UTF-8" <<<"$ERR"'
check "bulk JSON: the output is valid JSON with the other row" \
	'valid_json "$tmp/out" && grep -q tenant_u2 "$tmp/out" && ! grep -q tenant_u1 "$tmp/out"'
check "bulk JSON: the refused row was never created" \
	'[ "$(adm "SELECT count(*) FROM pg_roles WHERE rolname = '"'"'u1_user'"'"'")" = 0 ] &&
	 [ "$(adm "SELECT count(*) FROM pg_namespace WHERE nspname = '"'"'tenant_u1'"'"'")" = 0 ]'
run create --from "$tmp/pw.csv" --format=csv
check "bulk CSV carries the same password" '[ "$RC" = 1 ] && grep -q "tenant_u1" "$tmp/out"'

# ---- the connect screen's recent targets ----
if command -v tmux >/dev/null 2>&1; then
	work=$tmp/tui
	mkdir -p "$work/home" "$work/state"
	tm="tmux -S $work/sock -f /dev/null"
	enc=$(printf '%s' "$PGHOST" | sed 's|/|%2F|g')
	cat >"$work/run.sh" <<EOS
unset PGHOST PGPORT PGUSER PGDATABASE PGSERVICE PGSERVICEFILE
export HOME='$work/home' TERM=screen-256color XDG_STATE_HOME='$work/state' LC_ALL=C.UTF-8
'$bin'
echo "CONSOLE-EXITED rc=\$?"
sleep 600
EOS
	screen_has() {
		local i
		for i in $(seq 300); do
			$tm capture-pane -p -J | grep -Eq -- "$1" && return 0
			sleep 0.1
		done
		return 1
	}
	# libpq decodes %70 to p: the raw text never says "password".
	$tm new-session -d -x 120 -y 30 "bash $work/run.sh"
	check "console: connect screen" 'screen_has "Connect to a database"'
	$tm send-keys -l "postgresql://$PGUSER@$enc:$PGPORT/$PGDATABASE?%70assword=Hunter2-XYZ&application_name=x"
	$tm send-keys Enter
	check "console: connected" "screen_has '$PGUSER@'"
	# keys typed while the first list loads are dropped (issue 11)
	screen_has ' public '
	$tm send-keys q
	check "console: quit" 'screen_has "CONSOLE-EXITED rc=0"'
	$tm kill-server 2>/dev/null
	t=$work/state/pgtenant/targets
	check "the target was remembered, rebuilt from its parsed options" \
		'grep -q "user=$PGUSER" "$t" && grep -q "application_name=x" "$t"'
	check "no spelling of the password was saved" '! grep -rqi "hunter2\|%70assword" "$work/state"'
	check "the targets file is private" '[ "$(stat -c %a "$t")" = 600 ]'
fi

finish hostile/input
