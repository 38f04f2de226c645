# The tenants list marks a tenant with a blocked session (one of its
# sessions waits on a lock another holds) or a session idle in transaction
# past --idle-xact / idle_xact (issue 19), at 80x24, 60x15 and in German; a
# tenant without either stays unmarked; pgtenant list counts both. And an
# audit finding's long text and its fix are read at 60x15 by scrolling.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

# the tenants' sessions run in the background (jobs) until the test ends
trap 'kill $(jobs -p) 2>/dev/null; tui_cleanup' EXIT
# create tenant $1; print its connection string
tenant() {
	"$PGTENANT" create "$1" --format=json 2>/dev/null |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["connection_string"])'
}
blk=$(tenant tenant_blk) idl=$(tenant tenant_idl) calm=$(tenant tenant_calm)
[ -n "$blk" ] && [ -n "$idl" ] && [ -n "$calm" ] || fail "setup: no connection strings"
psql -X -q "$blk" -c "CREATE TABLE tenant_blk.t (x int)" || fail "setup: table"

# a session of tenant $1 (connection string) running the SQL on stdin
bg() {
	local sql=$PT_WORK/bg.$RANDOM.sql
	cat > "$sql"
	psql -X -q "$1" -f "$sql" >/dev/null 2>&1 &
}
# wait until the admin sees $1 (a WHERE on pg_stat_activity)
seen() {
	local i=0
	while [ "$(adm -c "SELECT count(*) FROM pg_stat_activity WHERE $1")" = 0 ]; do
		[ "$i" -lt 200 ] || fail "never seen: $1"
		sleep 0.05
		i=$((i + 1))
	done
}
# tenant_blk: one session holds a SHARE lock on its own table in an open
# transaction, another waits on it to insert (sizes, which need only
# ACCESS SHARE, are still measured: bugs19.sh has the "?" beside a mark)
bg "$blk" <<'SQL'
BEGIN;
LOCK TABLE tenant_blk.t IN SHARE MODE;
SELECT pg_catalog.pg_sleep(600);
SQL
seen "usename = 'blk_user' AND query LIKE '%pg_sleep%'"
bg "$blk" <<'SQL'
SET lock_timeout = 0;
INSERT INTO tenant_blk.t VALUES (1);
SQL
seen "usename = 'blk_user' AND wait_event_type = 'Lock'"
# tenant_idl: idle in transaction (psql runs a shell command meanwhile)
bg "$idl" <<'SQL'
BEGIN;
SELECT 1;
\! sleep 600
SQL
seen "usename = 'idl_user' AND state = 'idle in transaction'"
# tenant_calm: an idle session outside any transaction
bg "$calm" <<'SQL'
SELECT 1;
\! sleep 600
SQL
seen "usename = 'calm_user' AND state = 'idle'"
sleep 1.2     # past the 1 s threshold below

# the row of schema $1
row() { screen | grep -E "^ $1 " | head -1; }
# row $1 matches $2 (grep -E), or fail with $3
has() { row "$1" | grep -Eq -- "$2" || fail "$3: row '$(row "$1")'"; }
hasnt() { row "$1" | grep -Eq -- "$2" && fail "$3: row '$(row "$1")'"; return 0; }

# PgDn until $1 (grep -E) shows
page_to() {
	local i=0
	until screen | grep -Eq -- "$1"; do
		[ "$i" -lt 40 ] || fail "never shown: /$1/"
		keys PgDn
		sleep 0.2
		i=$((i + 1))
	done
}

B=B I=I
run() {   # run W H NAME
	local w=$1 h=$2
	tui_server "$3"
	tui_start "$w" "$h"
	wait_for ' tenant_idl '
	# blocked: the letter before its two sessions; idle in transaction
	# past the threshold: the other letter; the calm tenant: its count only
	wait_for "^ tenant_blk .* $B 2( |$)"
	has tenant_idl " $I 1( |$)" "$3: tenant_idl unmarked"
	hasnt tenant_blk " $B$I|$I$B|$I " "$3: tenant_blk marked idle"
	hasnt tenant_calm " ($B|$I)+ 1( |$)" "$3: tenant_calm marked"
	has tenant_calm " 1( |$)" "$3: tenant_calm's count"
	# the legend in the footer
	screen | tail -4 | grep -q "$(Tre '%s blocked  %s idle in transaction >%ds' "$B" "$I" 1)" ||
		fail "$3: no legend"
	# the help screen explains both letters, with the threshold
	keys '?'
	wait_for "$(Tre 'Everywhere')"
	local hi hb
	hi=$(Tre 'idle in transaction for over %d s, holding its locks (--idle-xact or idle_xact in the configuration file)' 1)
	hb=$(Tre 'blocked: a session waits on a lock another session holds (/blocked finds them)')
	# their first words (a help line wraps)
	page_to "${hi:0:20}"
	screen | grep -q -- "${hb:0:20}" || page_to "${hb:0:20}"
	keys Escape
	wait_for ' tenant_idl '
	# / finds the marked ones
	keys /
	type_text "$(T blocked)"
	keys Enter
	wait_for ' tenant_blk '
	screen | grep -q ' tenant_calm ' && fail "$3: /blocked lets tenant_calm through"
	keys Escape
	keys Q
	wait_for 'CONSOLE-EXITED rc=0'
	$PT_TMUX kill-server
}

PT_TUI_ARGS='--idle-xact 1' run 80 24 m80
PT_TUI_ARGS='--idle-xact=1' run 60 15 m60
# the threshold from the configuration file, in German
if command -v msgfmt >/dev/null; then
	mkdir -p "$PT_WORK/locale/de/LC_MESSAGES" "$PT_WORK/conf/pgtenant"
	msgfmt -o "$PT_WORK/locale/de/LC_MESSAGES/pgtenant.mo" "$PT_TOP_SRCDIR/po/de.po" ||
		fail "msgfmt"
	echo 'idle_xact = 1' > "$PT_WORK/conf/pgtenant/config"
	PT_MO=$PT_WORK/locale/de/LC_MESSAGES/pgtenant.mo
	B=$(T B) I=$(T I)
	[ "$I" != I ] || fail "the German catalogue has no letter of its own for I"
	PT_TUI_UNSET="LC_ALL" PT_TUI_ENV="LANG=de_DE.UTF-8 LANGUAGE=de \
PGTENANT_LOCALEDIR=$PT_WORK/locale XDG_CONFIG_HOME=$PT_WORK/conf" run 80 24 de
	unset PT_MO
	B=B I=I
fi

# the default threshold (60 s): tenant_idl is not marked yet, tenant_blk is
tui_server dflt
tui_start 80 24
wait_for "^ tenant_blk .* B 2( |$)"
hasnt tenant_idl " I 1( |$)" "default threshold: tenant_idl marked after 1 s"
keys Q
wait_for 'CONSOLE-EXITED rc=0'
$PT_TMUX kill-server

# pgtenant list: the same counts, in every format
out=$("$PGTENANT" list --idle-xact 1 --format=json) || fail "list json"
echo "$out" | python3 -c '
import json, sys
rows = {r["schema"]: r for r in json.load(sys.stdin)}
want = {"tenant_blk": (2, 1, 0), "tenant_idl": (1, 0, 1), "tenant_calm": (1, 0, 0)}
for s, (n, b, i) in want.items():
    r = rows[s]
    got = (r["sessions"], r["blocked"], r["idle_in_xact"])
    if got != (n, b, i):
        sys.exit("list json %s: %r, not %r" % (s, got, (n, b, i)))
' || fail "list json counts"
out=$("$PGTENANT" list --format=csv) || fail "list csv"
echo "$out" | grep -q '^tenant_blk,.*,2,1,0$' || fail "list csv blk: $out"
# default threshold: not idle long enough yet
echo "$out" | grep -q '^tenant_idl,.*,1,0,0$' || fail "list csv idl: $out"
out=$("$PGTENANT" list --idle-xact 1) || fail "list table"
echo "$out" | head -1 | grep -q 'SESSIONS *BLOCKED *IDLE IN XACT' || fail "list table head: $out"
echo "$out" | grep -Eq '^tenant_idl .* 1 +0 +1$' || fail "list table idl: $out"
"$PGTENANT" list --idle-xact x >/dev/null 2>&1 && fail "--idle-xact x accepted"

# ---- an audit finding's long text and fix, read at 60x15 by scrolling ----
long=t_$(printf 'abcdefghij%.0s' 1 2 3 4 5 6)z      # 63 bytes
adm -c "SET lock_timeout = '2s'; CREATE TABLE tenant_calm.$long (x int);
        GRANT USAGE ON SCHEMA tenant_calm TO idl_user;
        GRANT SELECT ON tenant_calm.$long TO idl_user;" || fail "setup: grant"
f=$("$PGTENANT" audit --format=json | python3 -c '
import json, sys
d = json.load(sys.stdin)
fs = d["findings"] if isinstance(d, dict) else d
f = [f for f in fs if sys.argv[1] in (f.get("object") or "") and f.get("fix_sql")][0]
print(f["detail"].split()[-1])
print(f["fix_sql"].split()[-1])' "$long") || fail "no audit finding on $long"
last_word=$(echo "$f" | sed -n 1p)
fix_end=$(echo "$f" | sed -n 2p)
[ -n "$last_word" ] && [ -n "$fix_end" ] || fail "audit json: '$f'"
re() { printf '%s' "$1" | sed 's/[][\.*^$(){}?+|]/\\&/g'; }
tui_server audit
tui_start 60 15
wait_for ' tenant_idl '
keys a
wait_for 'findings\.'
keys /
type_text "abcdefghijz"
keys Enter
wait_for 'filter: abcdefghijz'
keys Enter
wait_for "$(Tre 'Fix (y copies it):')|$(Tre 'Severity:')"
# before scrolling: the fix's end is not on the screen (today's main cut the
# text and the fix with an ellipsis and never showed either end)
screen | grep -q -- "$(re "$fix_end")\$" && fail "the fix's end shows before scrolling"
keys PgDn
keys PgDn
keys j
wait_for "$(re "$fix_end")"
screen | grep -q -- "$(re "$last_word")" || fail "the finding's last word never shows"
# k and PgUp go back to the top
keys PgUp PgUp PgUp
wait_for "$(Tre 'Severity:')"
keys Escape
wait_for 'filter: abcdefghijz'
keys Q
wait_for 'CONSOLE-EXITED rc=0'
echo "PASS"
