# Bugs of a DBA's working day in the console (issue 19), each as the DBA
# met it: 1 ":lock NAME", ":unlock NAME" and ":alter NAME" act on NAME
# (or refuse), never on the selected row; 3 a tenant's 1 MB role setting
# opens in its detail in under a second (drawing cost the square of a
# string's length: 248 s for 1.28 MB), at 80x24 and 60x15; 4 every screen
# opens at its top (the SQL preview opened at the help's scroll offset); 7
# the edit form shows a setting's unit, takes 5s, warns on a bare number; 8
# A on login-without-expiry says how many and leaves the DBA's own login
# out unless a second question says yes;
# 9 the terminal's cursor, never a drawn '_'; 10 q goes back and Q quits,
# help lines wrap at 80 columns, a "?" size says why, a non-tenant's detail offers no tenant keys,
# the create form refuses a name in use before the preview, a second w
# offers a new file, --read-only refuses H at once.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

for t in tenant_aaa tenant_stark tenant_zorg; do
	"$PGTENANT" create "$t" >/dev/null 2>&1 || fail "setup $t"
done

tui_start 80 24
wait_for 'tenant_zorg'

# ---- 1: a command that names a tenant acts on that tenant -----------------
for cmd in 'lock:NOLOGIN' 'unlock:LOGIN;' 'alter:Connection limit'; do
	keys G
	keys : ; type_text "${cmd%%:*} tenant_stark" ; keys Enter
	case $cmd in
	alter*) wait_for 'Edit tenant_stark|stark_user' ;;
	*) wait_for "ALTER ROLE \"stark_user\" ${cmd#*:}" ;;
	esac
	screen | grep -q 'zorg' && fail ":${cmd%%:*} NAME acts on the selected row"
	keys Escape
	wait_for 'tenant_zorg'
done
keys G
keys : ; type_text 'lock tenant_nosuch' ; keys Enter
wait_for 'No schema named "tenant_nosuch"'
screen | grep -q 'NOLOGIN' && fail ":lock of an unknown name previewed something"
# a word a command does not take is refused, not ignored
keys : ; type_text 'refresh tenant_stark' ; keys Enter
wait_for '"refresh" takes no name'
keys : ; type_text 'lock tenant_stark tenant_zorg' ; keys Enter
wait_for '"lock" takes one name'
screen | grep -q 'NOLOGIN' && fail ":lock of two names previewed something"
[ "$(adm -c "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles
            WHERE rolname LIKE '%_user' AND NOT rolcanlogin")" = "" ] ||
	fail "a role was locked"

# ---- 4: every screen opens at its top --------------------------------------
keys g j j
keys '?'
wait_for 'show this help'
keys NPage
wait_gone 'show this help'
keys Escape
wait_for 'tenant_zorg'
keys d
wait_for 'will DROP'
screen | grep -q 'DROP SCHEMA' || fail "the preview opened at the help's scroll offset"
keys Escape
keys '?'
wait_for 'show this help'
keys Escape

# ---- 7: the edit form says a setting's unit and warns on a bare number -----
keys / ; type_text tenant_stark ; keys Enter
keys e
wait_for 'Edit tenant tenant_stark'
keys Tab Tab Tab Tab Tab              # lock_timeout
wait_for 'lock_timeout: longest wait for a lock: 5s \(bare number: ms\)'
type_text 5
wait_for '5 without a unit is 5 ms; type 5s for seconds'
screen | grep -Eq 'lock_timeout +5 ms' || fail "no unit beside the bare number"
keys Enter
wait_for "\"lock_timeout\" = '5'"
wait_for 'lock_timeout: 5 without a unit is 5 ms'
keys Escape
wait_for 'Edit tenant tenant_stark'
keys BSpace ; type_text 5s
wait_gone 'without a unit'
keys Enter
wait_for "\"lock_timeout\" = '5s'"
keys Enter
wait_for 'Changed tenant_stark'
[ "$(adm -c "SELECT c FROM pg_db_role_setting s, unnest(s.setconfig) c
            WHERE s.setrole = 'stark_user'::regrole AND c LIKE 'lock\_timeout=%'")" = lock_timeout=5s ] ||
	fail "lock_timeout is not 5s"
keys Escape
wait_for 'tenant_zorg'

# ---- 9: the terminal's cursor, never a drawn '_' ---------------------------
wait_cursor hidden
keys /
type_text tenant_st
wait_for 'filter: tenant_st( |$)'
screen | grep -q 'filter: tenant_st_' && fail "the filter's cursor is a drawn _"
# right after the text, on the footer's line
row=$(screen | grep -n 'filter: tenant_st' | cut -d: -f1)
col=$(screen | grep 'filter: tenant_st' | sed 's/filter: tenant_st.*/filter: tenant_st/' | wc -c)
wait_cursor "^shown $((col - 1)) $((row - 1))$"
keys Enter
wait_cursor hidden
keys Escape
keys c
wait_for 'Create a tenant'
type_text tenant_x_
wait_for 'x__user'
screen | grep -q 'tenant_x__ ' && fail "the form's cursor is a drawn _"
wait_cursor '^shown '
keys Escape
wait_cursor hidden

# ---- 10: q goes back, Q and :q quit --------------------------------------
keys Enter
wait_for 'Who can reach it'
keys q
wait_gone 'Who can reach it'
wait_for 'tenant_zorg'
keys '?'
wait_for 'show this help'
# every help line whole at 80 columns: the text wraps, never cut
# (the body's last row may hold the first part of a line that goes on
# below the pane: that one ends with … until scrolled)
seen="" inner=""
for i in 1 2 3 4 5 6 7 8; do
	s=$(screen)
	seen="$seen$(echo "$s" | sed -n '3,22p')"$'\n'
	inner="$inner$(echo "$s" | sed -n '3,21p')"$'\n'
	keys NPage
	# the page moves (past the end it stays: then a second passes)
	for j in $(seq 20); do
		[ "$(screen | sed -n 3p)" != "$(echo "$s" | sed -n 3p)" ] && break
		sleep 0.05
	done
done
echo "$seen" | grep -q 'findings shown (JSON)' || fail "a help line is cut at 80 columns"
echo "$inner" | grep -q '…$' && fail "a help line ends cut: $(echo "$inner" | grep '…$' | head -1)"
keys q
wait_gone 'show this help'
screen | grep -q 'CONSOLE-EXITED' && fail "q on a sub-screen quit"
# a schema that is no tenant's offers no session, lock or edit keys
keys / ; type_text public ; keys Enter Enter
wait_for 'Who can reach it'
screen | tail -3 | grep -Eq 'x cancel|l lock|u unlock|e edit' &&
	fail "a non-tenant's detail offers tenant keys"
screen | tail -3 | grep -q 'Q quit' || fail "the non-tenant detail's footer"
keys q Escape
# the create form: a name in use is refused before the preview
keys c
wait_for 'Create a tenant'
type_text tenant_stark
wait_for 'a schema named "tenant_stark" exists already'
keys Enter
wait_for 'Schema: a schema named "tenant_stark" exists already'
screen | grep -q 'will create' && fail "previewed a create of an existing schema"
for i in $(seq 12); do keys BSpace; done
type_text tenant_new
keys Tab C-u
type_text stark_user
keys Enter
wait_for 'a role named "stark_user" exists already'
screen | grep -q 'will create' && fail "previewed a create of an existing role"
keys C-u
type_text new_user
keys Enter
wait_for 'will create'
keys Enter
wait_for 'Tenant created'
# w twice: the second offers a new file, never the one just written
keys w
wait_for 'pgtenant-tenant_new\.credentials'
keys Enter
wait_for 'Wrote .*pgtenant-tenant_new\.credentials'
keys w
wait_for 'pgtenant-tenant_new-2\.credentials'
keys Enter
wait_for 'Wrote .*pgtenant-tenant_new-2\.credentials'
screen | grep -q 'File exists' && fail "the second w offered the file it wrote"
[ -f "$XDG_STATE_HOME/pgtenant/pgtenant-tenant_new-2.credentials" ] || fail "no second file"
keys Escape
wait_for 'tenant_zorg'
keys : ; type_text 'q' ; keys Enter
wait_for 'CONSOLE-EXITED rc=0'
$PT_TMUX kill-server

# ---- 5: cut names stay apart; the Schema column is as wide as the names
for t in tenant_blackmesa_research_laboratory_east tenant_blackmesa_research_laboratory_west; do
	"$PGTENANT" create "$t" >/dev/null 2>&1 || fail "setup $t"
done
tui_server names-60
tui_start 60 15
wait_for 'tenant_aaa'
keys / ; type_text blackmesa ; keys Enter
wait_for ' 2/'
cells=$(screen | grep -E '^ tenant_b' | awk '{print $1}')
[ "$(echo "$cells" | sort -u | wc -l)" = 2 ] || fail "60x15: cut names look alike: $cells"
echo "$cells" | grep -q "…[a-z_]*_east$" || fail "60x15: no middle cut: $cells"
echo "$cells" | grep -q "…[a-z_]*_west$" || fail "60x15: no middle cut: $cells"
keys Q
wait_for 'CONSOLE-EXITED rc=0'
$PT_TMUX kill-server
tui_server names-200
tui_start 200 50
wait_for "tenant_blackmesa_research_laboratory_west"
head=$(screen | grep -m1 'Login roles')
gap=$(( $(echo "$head" | sed 's/Login roles.*//' | wc -c) - $(echo "$head" | sed 's/Schema.*//' | wc -c) ))
# the longest name (41) and the columns' space, not 115 of padding
[ "$gap" -le 48 ] || fail "200x50: the Schema column is $gap wide"
screen | grep -q "tenant_blackmesa_research_laboratory_west " || fail "200x50: a name cut"
keys Q
wait_for 'CONSOLE-EXITED rc=0'
$PT_TMUX kill-server

# ---- 6: the detail's sessions: the state whole and coloured, the
# blocker's pid, the query's duration; at 60x15 above the fold
conn=$("$PGTENANT" create tenant_sess --format=json 2>/dev/null |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["connection_string"])')
[ -n "$conn" ] || fail "setup: tenant_sess"
psql -X -q "$conn" -c "CREATE TABLE t (i int)" || fail "setup: table"
{ echo "BEGIN; LOCK TABLE t; SELECT 'holding';"; sleep 120; } | psql -X -q "$conn" >/dev/null 2>&1 &
holder_psql=$!
trap 'kill $holder_psql 2>/dev/null; resume 2>/dev/null; tui_cleanup' EXIT
for i in $(seq 100); do
	holder=$(adm -c "SELECT pid FROM pg_stat_activity WHERE usename = 'sess_user'
	                 AND state = 'idle in transaction'")
	[ -n "$holder" ] && break
	sleep 0.1
done
[ -n "$holder" ] || fail "setup: no session idle in transaction"
psql -X -q "$conn" -c "SELECT count(*) FROM t /* blocked */" >/dev/null 2>&1 &
for i in $(seq 100); do
	[ -n "$(adm -c "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'
	                 AND usename = 'sess_user'")" ] && break
	sleep 0.1
done
for size in 80x24 60x15; do
	tui_server "sess-$size"
	tui_start "${size%x*}" "${size#*x}"
	wait_for 'tenant_sess'
	# (10) its locked table's size is "?", and the list says why
	wait_for 'size \?: a table is locked; r retries'
	keys / ; type_text tenant_sess ; keys Enter Enter
	wait_for 'Open sessions: 2'
	[ "$size" = 80x24 ] && wait_for 'Size +\? \(a table is locked'
	wait_for "pid $holder( |$)"
	s=$(screen)
	echo "$s" | grep -Eq "^ +$holder +idle in transaction +[0-9]+s " ||
		fail "$size: the holder's row: state whole and its duration"
	echo "$s" | grep -Eq "^ +[0-9]+ +active +[0-9]+s +pid $holder " ||
		fail "$size: the blocked row: its blocker's pid"
	echo "$s" | grep -q 'Time' || fail "$size: no duration column"
	# colours: the blocked one red; once the selection moves, the holder yellow
	$PT_TMUX capture-pane -p -e | grep -a "pid $holder" | grep -aq $'\e\[31m' ||
		fail "$size: the blocked state is not red"
	keys Down
	wait_for "$holder"
	for i in $(seq 40); do
		$PT_TMUX capture-pane -p -e | grep -a "^[^ ]* *$holder " |
			grep -aq $'\e\[33midle in transaction' && break
		sleep 0.05
	done
	$PT_TMUX capture-pane -p -e | grep -a "^[^ ]* *$holder " |
		grep -aq $'\e\[33midle in transaction' ||
		fail "$size: idle in transaction is not yellow"
	keys Q
	wait_for 'CONSOLE-EXITED rc=0'
	$PT_TMUX kill-server
done
kill $holder_psql 2>/dev/null
adm -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'sess_user'" >/dev/null

# ---- 8: A on login-without-expiry: how many, and never the DBA's own login
# without its own yes
adm -c "ALTER ROLE CURRENT_USER PASSWORD 'Adm-pw-19'" || fail "setup: admin password"
others=$(adm -c "SELECT count(*) FROM pg_authid WHERE rolcanlogin AND rolpassword IS NOT NULL
                  AND coalesce(rolvaliduntil, 'infinity') = 'infinity' AND rolname <> current_user")
tui_server expiry
tui_start 120 30
wait_for 'tenant_zorg'
keys a
wait_for 'login-without-expiry'
keys / ; type_text login-without-expiry ; keys Enter
keys g A
wait_for 'Your own login pgtadmin is among them: expire it too'
keys n
wait_for "This SQL fixes $others findings of login-without-expiry\. Your own login pgtadmin is left out\."
screen | grep -q 'ALTER ROLE "\?pgtadmin"\? VALID UNTIL' && fail "A expires the DBA's own login"
keys Escape
wait_for 'filter: login-without-expiry'
keys A
wait_for 'Your own login pgtadmin is among them: expire it too'
keys y
wait_for "This SQL fixes $((others + 1)) findings of login-without-expiry\. Your own login pgtadmin is among them\."
keys Escape Escape
wait_for 'tenant_zorg'
[ "$(adm -c "SELECT count(*) FROM pg_roles WHERE rolvaliduntil IS NOT NULL")" = 0 ] ||
	fail "an expiry was set"
keys Q
wait_for 'CONSOLE-EXITED rc=0'
$PT_TMUX kill-server

# ---- 10: --read-only refuses H at once --------------------------------------
tui_server ro
PT_TUI_ARGS=--read-only tui_start 80 24
wait_for 'tenant_zorg'
keys H
wait_for 'Read-only session'
screen | grep -q 'SQL preview' && fail "read-only H opened a preview"
keys Q
wait_for 'CONSOLE-EXITED rc=0'
$PT_TMUX kill-server

# ---- 3: a 1 MB setting costs what is shown of it ---------------------------
# a tenant may set this on itself; 100,000 names of 10 bytes and 48,576 more
adm -c "DO \$\$ BEGIN EXECUTE format('ALTER ROLE stark_user IN DATABASE %I SET search_path = %s',
        current_database(), repeat('stark_x_1,', 104857) || 'stark_y'); END \$\$" 2>&1 |
	cut -c1-200 | grep . && fail "setup: 1 MB setting"
[ "$(adm -c "SELECT bool_or(octet_length(c) > 1048576) FROM pg_db_role_setting s, unnest(s.setconfig) c
            WHERE s.setrole = 'stark_user'::regrole")" = t ] || fail "setup: the setting is not 1 MB"
now_ms() { date +%s%3N; }
for size in 80x24 60x15; do
	tui_server "big-$size"
	tui_start "${size%x*}" "${size#*x}"
	wait_for 'tenant_zorg'
	keys / ; type_text tenant_stark ; keys Enter
	wait_for ' 1/[0-9]'
	# the better of two openings: this machine's load is not the console's
	best=""
	for try in 1 2; do
		t0=$(now_ms)
		keys Enter
		wait_for 'Open sessions: 0' 20
		ms=$(( $(now_ms) - t0 ))
		[ -z "$best" ] || [ "$ms" -lt "$best" ] && best=$ms
		screen | grep -q 'stark_x_1' || fail "$size: the setting is not shown"
		# and it stays quick to redraw: a key moves at once
		t0=$(now_ms)
		keys Escape
		wait_gone 'Owner'
		ms=$(( $(now_ms) - t0 ))
		[ "$ms" -lt 1000 ] || fail "$size: back to the list took $ms ms"
	done
	echo "$size: the detail with a 1 MB setting opened in $best ms"
	[ "$best" -lt 1000 ] || fail "$size: the detail took $best ms"
	keys q
	wait_for 'CONSOLE-EXITED rc=0'
	$PT_TMUX kill-server
done
exit 0
