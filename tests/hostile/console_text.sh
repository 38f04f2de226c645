# A tenant names things with escape sequences (OSC 52 sets the clipboard,
# OSC 2 retitles the window, ESC [2J clears the screen, BEL, the C1 CSI
# U+009B, the bidi override U+202E), sets its own search_path to shadow
# pg_catalog's current_setting() with a function that raises a NOTICE full
# of them, and waits for the DBA to open the console. Every screen is
# opened; the attacker's bytes must show as visible text and never reach
# the terminal: not in what the console wrote (pipe-pane), not as a pane
# title, not as a tmux buffer (set-clipboard on, so OSC 52 would land).
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

json=$("$PGTENANT" create tenant_evil --format=json 2>/dev/null) || fail "setup: create"
pw=$(echo "$json" | sed 's/.*"password": "\([A-Za-z0-9]*\)".*/\1/')
[ ${#pw} -eq 32 ] || fail "setup: password '$pw'"
evil() {
	PGPASSWORD=$pw psql -X -q -v ON_ERROR_STOP=1 -At -U evil_user "$@"
}
# what the tenant could make itself where PUBLIC or it holds CREATE on the
# database (PostgreSQL 13/14 before harden): a schema of its own naming
adm -c "GRANT CREATE ON DATABASE \"$PGDATABASE\" TO evil_user" || fail "setup: grant"
# a role name the console lists (made here by the admin, as a careless
# provisioning script would from a tenant's input)
adm <<'SQL' || fail "setup: role"
SELECT format('CREATE ROLE %I', E'r\x1b]2;ROLETITLE\x07\x1b[2J');
\gexec
SQL
evil <<'SQL' || fail "setup: tenant's names"
SELECT format('CREATE SCHEMA %I', E'zz\x1b]52;c;cHduZWQ=\x07\x1b[2J');
\gexec
SELECT format('CREATE TABLE tenant_evil.%I (%I int)',
              E'evil\x1b]2;TABLETITLE\x07\u009b31m\u202etxt',
              E'c\x1b]52;c;Y29s\x07');
\gexec
SELECT format('GRANT SELECT ON tenant_evil.%I TO PUBLIC',
              E'evil\x1b]2;TABLETITLE\x07\u009b31m\u202etxt');
\gexec
CREATE FUNCTION tenant_evil.current_setting(text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	RAISE NOTICE '%', E'NOTE\x1b]2;NOTICETITLE\x07\x1b[2J\x1b]52;c;bm90aWNl\x07\u009b1m';
	RETURN E'SP\x1b]52;c;cmV0dXJu\x07\x1b[2J';
END $$;
SELECT format('ALTER ROLE evil_user IN DATABASE %I SET search_path = tenant_evil, pg_catalog, %I',
              current_database(), E'p\x1b]2;SPTITLE\x07');
\gexec
SQL

tui_start_recorded 200 50
$PT_TMUX set -g set-clipboard on
title0=$($PT_TMUX display -p '#{pane_title}')
wait_for 'tenant_evil'
# the hostile schema is listed, its escapes visible as text
wait_for 'zz\\x1b\]52;c;cHduZWQ=\\x07\\x1b\[2J'

# roles, and the hostile role in full
keys Tab
wait_for 'r\\x1b\]2;ROLETITLE'
keys / ; type_text ROLETITLE ; keys Enter
wait_for '1/'
keys Enter
wait_for 'attributes +nologin'
wait_for 'r\\x1b\]2;ROLETITLE'
keys Escape Escape
# the tenant's role: its hostile search_path setting
keys / ; type_text evil_user ; keys Enter
wait_for '1/'
keys Enter
wait_for 'p\\x1b\]2;SPTITLE'
keys Escape Escape
keys Escape
wait_for 'c create'

# detail of the hostile schema, then of the tenant (its search_path)
keys / ; type_text zz ; keys Enter
wait_for '1/'
keys Enter
wait_for 'Who can reach it'
wait_for 'Owner +evil_user'
keys Escape
keys Escape
keys / ; type_text tenant_evil ; keys Enter
wait_for '1/'
keys Enter
wait_for 'p\\x1b\]2;SPTITLE'
keys Escape

# the audit: a finding names the table; the finding in full
keys a
wait_for 'evil\\x1b\]2;TABLETITLE'
# select that finding: its fix is shown under the list
for i in $(seq 20); do
	screen | grep -q '^ Fix:.*TABLETITLE' && break
	keys j
	sleep 0.1
done
keys Enter
wait_for 'Fix \(y copies'
wait_for '\\u202etxt'
keys Escape
keys Escape
wait_for 'c create'

# preview and result: rotate the tenant, then test the login as it (its
# shadowing current_setting() runs and raises the NOTICE)
keys p
wait_for 'Rotate the password'
keys Enter
wait_for 'Password rotated'
keys t
wait_for 'Login (works|failed)' 20
# the screen was not cleared: the credentials are still on it
screen | grep -q 'Password rotated' || fail "screen cleared"
keys Escape
wait_for 'c create'
keys q
wait_for 'CONSOLE-EXITED rc=0'
$PT_TMUX pipe-pane

raw=$PT_WORK/tty.raw
[ -s "$raw" ] || fail "nothing recorded"
# curses itself writes CSI sequences; the attacker's are these
for pat in '\x1b\]' '\x07' '\xc2\x9b' '\xe2\x80\xae' '\x1b\[2J' 'cHduZWQ=\x07' ; do
	if LC_ALL=C grep -aqP -- "$pat" "$raw"; then
		LC_ALL=C grep -aoP -- ".{0,20}$pat.{0,20}" "$raw" | head -3 | od -c | head >&2
		fail "the terminal received $pat"
	fi
done
title1=$($PT_TMUX display -p '#{pane_title}')
[ "$title0" = "$title1" ] || fail "pane title changed: '$title0' -> '$title1'"
[ -z "$($PT_TMUX list-buffers 2>/dev/null)" ] || fail "a tmux buffer was set: $($PT_TMUX list-buffers)"
$PT_TMUX capture-pane -e -p | LC_ALL=C grep -aqP '\x1b\]' && fail "OSC in the pane"
exit 0
