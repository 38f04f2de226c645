# Bugs of a DBA's working day in the console (issue 19), each as the DBA
# met it: 1 ":lock NAME", ":unlock NAME" and ":alter NAME" act on NAME
# (or refuse), never on the selected row.
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
keys : ; type_text 'quit' ; keys Enter
wait_for 'CONSOLE-EXITED rc=0'
exit 0
