# The tenants screen lists schemas made outside the console, including one
# owned by the admin with USAGE/CREATE granted to a role; / filters as you
# type, Enter keeps the filter, Esc clears it; ? shows the help made from
# the keymap; Enter opens the detail view.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

echo | "$PGTENANT" create tenant_alpha >/dev/null 2>&1 || fail "create alpha"
"$PGTENANT" create tenant_bravo >/dev/null 2>&1 || fail "create bravo"
adm -c "CREATE ROLE app_reader LOGIN PASSWORD 'reader-pw';
        CREATE SCHEMA shared_data;
        GRANT USAGE, CREATE ON SCHEMA shared_data TO app_reader;
        CREATE SCHEMA \"租户_甲\";" || fail "psql"

tui_start 100 30
wait_for 'tenant_bravo'
s=$(screen)
echo "$s" | grep -Eq 'tenant_alpha +alpha_user' || fail "alpha row with its role"
echo "$s" | grep -Eq 'shared_data +app_reader' || fail "admin-owned schema with the granted role"
echo "$s" | grep -q 'pgtadmin@' || fail "header names user@host"
echo "$s" | grep -q 'PostgreSQL 1' || fail "header shows the server version"
echo "$s" | grep -q '5/5' || fail "count of schemas"
# display width, not bytes: the wide-character name keeps the columns in line
col() { printf '%s\n' "$1" | sed "s/$2.*//" | LC_ALL=C.UTF-8 wc -L; }
wide=$(echo "$s" | grep '租户_甲')
narrow=$(echo "$s" | grep 'tenant_alpha ')
[ "$(col "$wide" pgtadmin)" = "$(col "$narrow" alpha_user)" ] ||
	fail "columns misaligned after a wide name: '$wide'"

# filter as you type
keys /
type_text alp
wait_for 'filter: alp'
s=$(screen)
echo "$s" | grep -q tenant_alpha || fail "alpha passes the filter"
echo "$s" | grep -q tenant_bravo && fail "bravo filtered out"
echo "$s" | grep -q '1/5' || fail "count follows the filter"
keys Enter                      # keeps the filter
wait_cursor hidden
screen | grep -q 'filter: alp' || fail "Enter keeps the filter"
screen | grep -q tenant_bravo && fail "filter still applied after Enter"
keys Escape                     # clears it
wait_for 'tenant_bravo'
screen | grep -q '5/5' || fail "Esc clears the filter"

# upper case and no match
keys / ; type_text SHARED
wait_for '1/5'
screen | grep -q shared_data || fail "filter is case-insensitive"
type_text zzz
wait_for 'No schema matches'
keys Escape
wait_for '5/5'

# help generated from the keymap
keys '?'
wait_for 'show this help'
screen | grep -Eq '^ +c +create a tenant' || fail "help lists c"
screen | grep -Eq '^ +/ +filter' || fail "help lists /"
# paging past the end keeps the last page full (the help is longer than 30 rows)
keys NPage NPage NPage NPage NPage
wait_for '^ +:format '
[ "$(screen | sed -n 3p | tr -d ' ')" != "" ] || fail "help paged past its end: row 3 is empty"
keys Home
wait_for '^ Everywhere'
keys Escape
wait_for 'tenant_bravo'

# detail of the admin-owned schema shows who reaches it and how
keys / ; type_text shared_data ; keys Enter
wait_for '1/5'
keys Enter
wait_for 'Who can reach it'
screen | grep -Eq 'app_reader +direct +CREATE, USAGE' || fail "detail: app_reader direct"
keys Escape
wait_for '1/5'

# sort: s moves to the next column
keys Escape
wait_for '5/5'
keys s
wait_for 'Sorted by'

# Tab: the roles screen, with attributes, and its own filter
keys Tab
wait_for 'Attributes'
# Tenants are INHERIT before 16 (the tenants' group's CONNECT needs it).
if [ "$(psql -XAtc 'SHOW server_version_num')" -ge 160000 ]; then attrs='login noinherit'; else attrs='login '; fi
screen | grep -Eq "alpha_user +$attrs" || fail "roles: alpha_user attributes"
keys / ; type_text app_r
wait_for 'filter: app_r'
screen | grep -q alpha_user && fail "roles filter"
screen | grep -q app_reader || fail "roles filter keeps app_reader"
keys Escape
wait_for 'alpha_user'
keys Escape
wait_for 'tenant_bravo'

# nonsense keys do nothing harmful
type_text 'xXzZ0!@#%^&*()'
keys F5 F12 Left Right
wait_for 'tenant_bravo'

keys q
wait_for 'CONSOLE-EXITED rc=0'
exit 0
