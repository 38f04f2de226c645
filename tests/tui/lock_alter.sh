# Lock, unlock and edit a tenant from the console (issue 11), checked on
# the tenant's side with psql: a locked tenant cannot log in and, with t,
# its open session ends; unlocked it can again; statement_timeout=1s set in
# the edit form cancels its pg_sleep(2); a bad value changes nothing and
# keeps the form with the server's reason. A schema that is no tenant's is
# refused at once; a read-only console offers none of it. At 60x15, 80x24,
# 200x50 and in French.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

json() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
conn=$("$PGTENANT" create tenant_lk --format=json 2>/dev/null | json connection_string)
[ -n "$conn" ] || fail "setup: create tenant_lk"
"$PGTENANT" create tenant_other --format=json >/dev/null 2>&1 || fail "setup: tenant_other"

checks=0
ok() { checks=$((checks + 1)); }
login() { psql -X -At "$conn" -c "SELECT 1" 2>&1; }
# the tenant's role setting in this database, or nothing
role_setting() {
	adm -c "SELECT c FROM pg_db_role_setting s, unnest(s.setconfig) c
	        WHERE s.setrole = 'lk_user'::regrole AND c LIKE '$1=%'"
}
can_login() { [ "$(adm -c "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'lk_user'")" = t ]; }
now_ms() { date +%s%3N; }
poll() {   # poll DESCRIPTION COMMAND: up to 20 s
	local i
	for i in $(seq 200); do eval "$2" && return 0; sleep 0.1; done
	fail "timed out: $1"
}

# a tenant session running pg_sleep in the background: its pid in sleeper
start_sleeper() {
	psql -X -q "$conn" -c "SELECT pg_sleep(120) /* lk-sleeper */" >/dev/null 2>&1 &
	sleeper=$!
	poll "the tenant's session" \
		'[ "$(adm -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '\''%lk-sleeper */'\'' AND usename = '\''lk_user'\''")" = 1 ]'
}

scenario() {
	local w=$1 h=$2 limit=$3 sleeper t0 ms
	"$PGTENANT" alter tenant_lk --connection-limit=20 --reset statement_timeout \
		--reset work_mem >/dev/null 2>&1 || fail "reset tenant_lk"
	tui_server "$w-$h-${PT_TAG:-en}"
	tui_start "$w" "$h"
	wait_for ' tenant_lk '
	keys / ; type_text tenant_lk ; keys Enter
	wait_for ' 1/'

	# ---- lock, first without, then with terminating the sessions -------
	start_sleeper
	keys l
	wait_for 'ALTER ROLE "lk_user" NOLOGIN'
	screen | grep -q 'pg_terminate_backend' && fail "$w: terminate without t"
	wait_for "$(Tre 'Its open sessions: left open (t: terminate them too)')"
	keys t
	wait_for 'pg_terminate_backend'
	wait_for "$(Tre 'Its open sessions: TERMINATED too (t: leave them open)')"
	keys t
	wait_gone 'pg_terminate_backend'
	keys t
	wait_for "$(Tre 'Its open sessions: TERMINATED too (t: leave them open)')"
	can_login || fail "$w: locked before Enter"
	ok
	t0=$(now_ms)
	keys Enter
	poll "the lock" '! can_login'
	ms=$(( $(now_ms) - t0 ))
	echo "$w x $h: Enter to NOLOGIN committed: $ms ms"
	# (a French message wraps on the message line: its start then)
	wait_for "$(Tre 'Locked %s: no new logins; sessions terminated: %d.' tenant_lk 1 | cut -c1-${PT_MO:+24})"
	login | grep -q 'not permitted to log in' || fail "$w: locked tenant logs in: $(login)"
	poll "the tenant's session ends" '! kill -0 $sleeper 2>/dev/null'
	ok

	# ---- unlock --------------------------------------------------------
	keys u
	wait_for 'ALTER ROLE "lk_user" LOGIN;'
	keys Enter
	wait_for "$(Tre 'Unlocked %s: it can log in again.' tenant_lk | cut -c1-${PT_MO:+24})"
	[ "$(login)" = 1 ] || fail "$w: unlocked tenant cannot log in: $(login)"
	ok

	# ---- edit: limit and statement_timeout -----------------------------
	keys e
	wait_for "$(Tre 'Edit tenant %s (role %s%s)' tenant_lk lk_user '')"
	screen | grep -Eq '(Connection limit|Connexions max\.) +20[_ ]' || fail "$w: limit not prefilled"
	keys C-u ; type_text "$limit"
	keys Tab Tab ; type_text 1s
	keys Enter
	wait_for "CONNECTION LIMIT $limit"
	wait_for '"statement_timeout" = '\''1s'\'''
	screen | grep -q 'VALID UNTIL\|work_mem' && fail "$w: unchanged fields are sent"
	keys Enter
	wait_for "$(Tre 'Changed %s.' tenant_lk)"
	out=$(psql -X -At "$conn" -c "SELECT pg_sleep(2)" 2>&1) &&
		fail "$w: pg_sleep(2) ran under statement_timeout=1s"
	echo "$out" | grep -q 'statement timeout' || fail "$w: pg_sleep(2): $out"
	[ "$("$PGTENANT" list --format=csv | grep '^tenant_lk,' | cut -d, -f7)" = "$limit" ] ||
		fail "$w: list: $("$PGTENANT" list --format=csv)"
	if [ "$w" -ge 80 ]; then
		screen | grep -Eq "^ *tenant_lk .* $limit +(never|jamais)" || fail "$w: Limit column"
	fi
	ok

	# ---- edit: a bad value changes nothing -----------------------------
	keys e
	wait_for "$(Tre 'Edit tenant %s (role %s%s)' tenant_lk lk_user '')"
	wait_for "statement_timeout +1s"
	keys Tab Tab Tab ; keys C-u ; type_text 5s   # idle_in_transaction
	keys Tab ; type_text banana
	keys Enter
	wait_for 'work_mem.*banana'
	keys Enter
	wait_for 'invalid value'
	screen | tr '\n' ' ' | grep -Eq 'parameter +"work_mem": +"banana"' || fail "$w: the reason"

	wait_for "$(Tre 'Edit tenant %s (role %s%s)' tenant_lk lk_user '')"
	[ -z "$(role_setting work_mem)" ] || fail "$w: work_mem set"
	[ -z "$(role_setting idle_in_transaction_session_timeout)" ] ||
		fail "$w: half of a failed change stayed"
	[ "$(role_setting statement_timeout)" = statement_timeout=1s ] || fail "$w: st changed"
	# a blank setting is reset
	keys C-u Up C-u Up C-u
	keys Enter
	wait_for '"statement_timeout";'
	screen | grep -q 'idle_in\|work_mem' && fail "$w: fields put back are sent"
	keys Enter
	wait_for "$(Tre 'Changed %s.' tenant_lk)"
	[ -z "$(role_setting statement_timeout)" ] || fail "$w: blank did not reset"
	ok

	# ---- the detail: settings, lock and unlock from there --------------
	"$PGTENANT" alter tenant_lk --set work_mem=8MB >/dev/null 2>&1 || fail "set work_mem"
	psql -X -q -c "ALTER ROLE lk_user SET lock_timeout = '3s'" || fail "all-db setting"
	keys Enter
	if [ "$h" -ge 24 ]; then
		wait_for "$(Tre Login) +$(Tre 'can log in')"
		wait_for "$(Tre Limits) +$(Tre 'connections %s, expires %s' "$limit" "$(T never)")"
		wait_for 'work_mem = 8MB'
		wait_for "lock_timeout = 3s $(Tre '(all databases)')"
	else   # a short pane: one line, and room for who can reach the schema
		wait_for "Login +can log in; connections $limit, "
		wait_for 'Who can reach it'
	fi
	# without t, an open session goes on
	start_sleeper
	keys l
	wait_for 'NOLOGIN'
	keys Enter
	wait_for "$(Tre 'LOCKED: cannot log in (u unlocks)')"
	wait_for "$(Tre 'Locked %s: no new logins; its open sessions go on.' tenant_lk | cut -c1-${PT_MO:+24})"
	can_login && fail "$w: detail lock"
	sleep 1
	kill -0 $sleeper 2>/dev/null || fail "$w: lock without t ended a session"
	# the backend outlives its psql: end it as the admin would
	adm -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	        WHERE usename = 'lk_user' AND query LIKE '%lk-sleeper */'" >/dev/null
	poll "the session's end" '! kill -0 $sleeper 2>/dev/null'
	keys u
	wait_for 'LOGIN;'
	keys Enter
	wait_for "$(Tre 'can log in')"
	can_login || fail "$w: detail unlock"
	psql -X -q -c "ALTER ROLE lk_user RESET lock_timeout"
	ok

	# ---- a schema that is no tenant's: refused at once -----------------
	keys Escape Escape / ; type_text public ; keys Enter
	wait_for ' 1/'
	for k in l u e; do
		keys "$k"
		wait_for 'a tenant needs|un locataire'
		screen | grep -q 'SQL preview\|Edit tenant' && fail "$w: $k opened on public"
		keys Escape
	done
	ok
	keys q
	wait_for 'CONSOLE-EXITED rc=0'
	$PT_TMUX kill-server
}

scenario 60 15 6
scenario 80 24 8
scenario 200 50 12

# French at 80x24: the same, the console's texts looked up in the catalogue
if command -v msgfmt >/dev/null; then
	mkdir -p "$PT_WORK/locale/fr/LC_MESSAGES"
	msgfmt -o "$PT_WORK/locale/fr/LC_MESSAGES/pgtenant.mo" "$PT_TOP_SRCDIR/po/fr.po" ||
		fail "msgfmt"
	PT_MO=$PT_WORK/locale/fr/LC_MESSAGES/pgtenant.mo PT_TUI_UNSET="LC_ALL" \
		PT_TUI_ENV="LANG=fr_FR.UTF-8 LANGUAGE=fr PGTENANT_LOCALEDIR=$PT_WORK/locale" \
		PT_TAG=fr scenario 80 24 9
fi

# ---- the help lists the keys (it is generated from the keymap) ----------
tui_server help
tui_start 200 50
wait_for ' tenant_lk '
keys '?'
wait_for 'Everywhere'
for i in 1 2 3 4; do screen >> "$PT_WORK/help"; keys PgDn; sleep 0.3; done
screen >> "$PT_WORK/help"
for line in '^   l +lock the selected tenant out' '^   u +let the selected tenant log in' \
	'^   e +edit the selected tenant' '^   t +lock preview: also terminate' \
	'^ Tenant detail' '^   :lock ' '^   :unlock ' '^   :alter '; do
	grep -Eq "$line" "$PT_WORK/help" || fail "help lacks /$line/"
done
ok
$PT_TMUX kill-server

# ---- read-only: none of it is offered, and the keys refuse --------------
tui_server ro
PT_TUI_ARGS=--read-only tui_start 80 24
wait_for 'READ-ONLY'
wait_for ' tenant_lk '
screen | tail -2 | grep -Eq 'l lock|u unlock|e edit' && fail "read-only footer offers lock/edit"
keys / ; type_text tenant_lk ; keys Enter
wait_for ' 1/'
for k in l u e; do
	keys "$k"
	wait_for 'Read-only session'
	screen | grep -q 'SQL preview\|Edit tenant' && fail "read-only: $k opened"
done
keys Enter
wait_for 'can log in'
screen | tail -2 | grep -Eq 'l lock|u unlock|e edit' && fail "read-only detail footer"
keys l
wait_for 'Read-only session'
can_login || fail "read-only locked"
ok
keys Q
wait_for 'CONSOLE-EXITED rc=0'
echo "checks passed: $checks"
exit 0
