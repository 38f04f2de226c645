# The audit's w (issue 11): the findings shown, after the filter and the
# severity filter, written to a new 0600 file in the private state
# directory (or a typed path) as the very document `pgtenant audit
# --format=json` prints; the full path is said; nothing is ever written
# over. At 200x50, 80x24 and 60x15.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
for t in a b; do "$PGTENANT" create "tenant_$t" >/dev/null 2>&1 || fail "setup $t"; done
# a finding of each kind: database-wide and cross-tenant
adm -c "GRANT CREATE ON SCHEMA public TO PUBLIC;
        CREATE TABLE tenant_a.t (i int);
        GRANT USAGE ON SCHEMA tenant_a TO b_user;
        GRANT SELECT ON tenant_a.t TO b_user;" || fail "setup grants"
state=$XDG_STATE_HOME/pgtenant
checks=0

# cli ARGS...: the CLI's document for the same database
cli() {
	"$PGTENANT" audit --format=json "$@" > "$PT_WORK/cli.json"
	[ $? -le 1 ] || fail "pgtenant audit $*"
}

# same FILE: FILE parses as JSON and is the CLI's document (the findings
# in any order: the console writes them as sorted on the screen)
same() {
	python3 - "$1" "$PT_WORK/cli.json" <<'PY' || fail "$1 is not the CLI's document"
import json, sys
got, want = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda f: json.dumps(f, sort_keys=True)
assert list(got) == list(want), (list(got), list(want))
for k in want:
    if k == "findings":
        assert sorted(map(key, got[k])) == sorted(map(key, want[k])), k
    else:
        assert got[k] == want[k], (k, got[k], want[k])
assert got["findings"], "no findings written"
PY
	checks=$((checks + 1))
}

# written: the newest file in the state directory, checked private
written() {
	f=$(ls -t "$state"/pgtenant-audit-*.json 2>/dev/null | head -1)
	[ -n "$f" ] || fail "no file in $state"
	[ "$(stat -c %a "$f")" = 600 ] || fail "$f has mode $(stat -c %a "$f")"
	[ "$(stat -c %a "$state")" = 700 ] || fail "$state has mode $(stat -c %a "$state")"
	checks=$((checks + 1))
}

# press_w: w, the default offered, Enter; waits for the message naming the
# file (the path wraps over the message lines: joined before matching)
press_w() {
	keys w
	wait_for 'Write the findings shown \([0-9]+\) to \(Enter:'
	# the lines joined, spaces out (a wrap takes the one it breaks at)
	screen | tail -5 | tr -d '\n ' | grep -Fq "(Enter:$state/pgtenant-audit-" ||
		fail "the default path is not offered whole"
	keys Enter
	wait_for 'Wrote '
	written
	screen | tail -4 | tr -d '\n ' | grep -Fq "$f" || fail "the full path $f is not shown"
	checks=$((checks + 1))
}

# 200x50: every finding
tui_start 200 50
wait_for 'tenant_b'
keys a
wait_for '[0-9]+ high'
cli
press_w
screen | grep -q 'Wrote all [0-9]* findings' || fail "not said that all were written"
same "$f"
n_all=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$f")
keys Q
wait_for 'CONSOLE-EXITED rc=0'
$PT_TMUX kill-server

# 80x24: v up to high, only those shown: the CLI's --severity=high
tui_server 80
tui_start 80 24
wait_for 'tenant_b'
keys a
wait_for '[0-9]+ high'
keys v v v
wait_for 'Showing high findings'
cli --severity=high
press_w
screen | tail -4 | grep -q 'those shown' || fail "not said that only those shown were written"
same "$f"
keys Q
wait_for 'CONSOLE-EXITED rc=0'
$PT_TMUX kill-server

# 60x15: a filter (the rule's name), only its findings: the CLI's --rule;
# then a typed path, and the same path again refused with the reason
tui_server 60
tui_start 60 15
wait_for 'tenant_b'
keys a
wait_for '[0-9]+ high'
keys / ; type_text cross-tenant-table-grant ; keys Enter
wait_for 'filter: cross-tenant-table'
cli --rule=cross-tenant-table-grant
press_w
same "$f"
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$f")" -lt "$n_all" ] ||
	fail "the filter wrote every finding"
keys w ; wait_for 'Enter:'
type_text "$PT_WORK/typed.json" ; keys Enter
wait_for 'Wrote '
[ "$(stat -c %a "$PT_WORK/typed.json")" = 600 ] || fail "typed path mode"
same "$PT_WORK/typed.json"
sum=$(md5sum < "$PT_WORK/typed.json")
keys w ; wait_for 'Enter:'
type_text "$PT_WORK/typed.json" ; keys Enter
wait_for 'Cannot create'
screen | tail -4 | tr '\n' ' ' | grep -Eq 'File +exists' || fail "refusal gives no reason"
[ "$(md5sum < "$PT_WORK/typed.json")" = "$sum" ] || fail "written over an existing file"
# Esc at the question writes nothing
n=$(ls "$state" | wc -l)
keys w ; wait_for 'Enter:' ; keys Escape
wait_for 'Nothing written'
[ "$(ls "$state" | wc -l)" -eq "$n" ] || fail "Esc wrote a file"
checks=$((checks + 3))
screen | grep -q 'too small' && fail "60x15 is too small"
keys Q
wait_for 'CONSOLE-EXITED rc=0'
$PT_TMUX kill-server

# a database whose name is a path: the default file stays in the state
# directory, its name made safe (each '/' replaced)
adm -c 'CREATE DATABASE "../../x/.."' || fail "setup database"
tui_server db
PT_TUI_ENV="PGDATABASE=../../x/.." tui_start 100 30
# the list itself, not the title: a key typed while it loads is dropped
wait_for ' public '
keys a
wait_for '[0-9]+ (high|medium|low|info)'
keys w ; wait_for 'Enter:' ; keys Enter
wait_for 'Wrote '
f=$(ls "$state"/pgtenant-audit-.._.._x_..-*.json 2>/dev/null)
[ -n "$f" ] || fail "the database's name was not made safe: $(ls -R "$XDG_STATE_HOME" "$PT_WORK")"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["database"] == "../../x/.."' "$f" ||
	fail "the document does not name the database as it is"
checks=$((checks + 1))
keys Q
wait_for 'CONSOLE-EXITED rc=0'
echo "audit_write: $checks checks passed"
exit 0
