# Bugs seen in the console (issue 11), each checked as a DBA meets it:
# 1 the audit takes / s S; 3 sort arrows on every column, s on roles,
# ":sort size"; 6 only tenants have a connection string; 9 rotate refuses a
# non-tenant at once; 10 --read-only offers no create/drop/rotate; 13 the
# SQL preview wraps between tokens.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

"$PGTENANT" create tenant_acme >/dev/null 2>&1 || fail "setup"
"$PGTENANT" create tenant_zeta --connection-limit=30 >/dev/null 2>&1 || fail "setup"
adm -c "CREATE SCHEMA shared_ref; CREATE TABLE tenant_acme.t (i int);
        GRANT SELECT ON tenant_acme.t TO zeta_user;
        GRANT USAGE ON SCHEMA tenant_acme TO zeta_user;" || fail "setup"

tui_start 80 24
wait_for 'tenant_zeta'

# 3: every column shows its arrow when sorted by it
for col in 'Login roles' Tables Size Limit Expires Sessions Schema; do
	keys s
	wait_for "Sorted by $col"
done
keys : ; type_text 'sort lim' ; keys Enter
wait_for 'Sorted by Limit'
screen | grep -q 'Limit▼' || fail "no arrow on Limit"
# largest first: the limited tenant on top
screen | grep -A1 'Limit▼' | tail -1 | grep -q tenant_zeta || fail ":sort limit order"
keys S
wait_for 'Limit▲'
keys : ; type_text 'sort ' ; keys Tab Tab
wait_for 'Login roles +Schema +Sessions +Size'
screen | grep -q 'tenant_acme  *tenant_zeta' && fail ":sort <Tab> offered schema names"
keys Escape
keys : ; type_text 'sort nosuch' ; keys Enter
wait_for 'No column "nosuch"'
keys : ; type_text 'sort schema' ; keys Enter
wait_for 'Schema▲'

# roles: s sorts and marks
keys Tab
wait_for 'Role▲'
keys s
wait_for 'Attributes▲|Sorted by Attributes'
screen | grep -q 'Attributes▲' || fail "no arrow on Attributes"
keys Escape
wait_for 'tenant_zeta'

# 6: only tenants have a connection string
keys / ; type_text public ; keys Enter ; keys Enter
wait_for 'Who can reach it'
screen | grep -q 'postgresql://' && fail "public offers a connection string"
screen | grep -q 'no: pgtenant made no login role' || fail "public: no reason given"
keys Escape Escape
keys / ; type_text shared_ref ; keys Enter ; keys Enter
wait_for 'Who can reach it'
screen | grep -q 'postgresql://' && fail "an admin schema offers a connection string"
keys Escape Escape
keys / ; type_text tenant_zeta ; keys Enter ; keys Enter
wait_for 'Who can reach it'
screen | grep -q '^postgresql://zeta_user@' || fail "tenant's connection string is its own role"
keys Escape Escape

# 9: rotate and drop refuse a schema that is no tenant's at once
keys / ; type_text shared_ref ; keys Enter
keys p
wait_for 'not a tenant'
screen | grep -q 'Rotate the password' && fail "rotate previewed a non-tenant"
keys d
wait_for 'not a tenant'
keys Escape

# 13: the preview wraps between tokens, comments stay comments
keys / ; type_text tenant_zeta ; keys Enter
keys p
wait_for 'Rotate the password'
screen | sed -n '/Rotate the password/,/Enter runs it/p' | grep -v 'Rotate the password\|Enter runs it' |
	grep -v '^ *$' | grep -vq '^  -- ' && fail "a wrapped comment line lost its --"
keys Escape
keys d
wait_for 'DROP'
# every word of the SQL is whole on one line: none is split across rows
sql=$(screen | sed -n '/will DROP/,/type the schema/p')
echo "$sql" | grep -Eq '[A-Za-z_]$' && echo "$sql" | grep -A1 -E '[A-Za-z_"]$' | grep -Eq '^  [a-z_"]' &&
	fail "a word is split across lines: $sql"
keys Escape

# 1: / s S on the audit
keys Escape a
wait_for 'medium|high'
keys / ; type_text zeta_user
wait_for 'filter: zeta_user( |$)'
screen | grep -q 'Create a tenant' && fail "typing in the audit filter opened the form"
keys Enter
screen | sed -n '3,/^ [0-9]*\//p' | grep -E '^ (high|medium|low|info) ' | grep -vq zeta_user &&
	fail "audit filter lets other roles through"
keys s
wait_for 'Sorted by Rule'
screen | grep -q 'Rule▼\|Rule▲' || fail "audit sort arrow"
keys Escape Escape q
wait_for 'CONSOLE-EXITED rc=0'
$PT_TMUX kill-server

# 10: read-only: the footer offers no change
tui_server ro
PT_TUI_ARGS=--read-only tui_start 80 24
wait_for 'READ-ONLY'
wait_for 'tenant_zeta'
screen | tail -2 | grep -Eq 'c create|d drop|p rotate' && fail "read-only footer offers changes"
screen | tail -2 | grep -q '/ filter' || fail "read-only footer"
keys q
wait_for 'CONSOLE-EXITED rc=0'
exit 0
