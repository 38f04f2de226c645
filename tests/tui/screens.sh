# Every screen at every pane size (issue 11, "any pane size"): tenants,
# roles, role detail, schema detail, the create form, its SQL preview,
# the credentials, the audit with a finding open, help and the harden
# preview, opened at 60x15, 80x24 and 200x50, and in French at 80x24.
# Each must show its title (the top of the breadcrumb, line 2), not
# "too small", a label of its own whole (not overwritten, not cut), and a
# footer whose every key hint is whole.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }

# The French catalogue: the build tree's, as ./dev demo finds it, else
# compiled here from po/fr.po.
mo=""
for g in "$PT_TOP_BUILDDIR/po/fr.gmo" "$PT_TOP_SRCDIR/po/fr.gmo"; do
	[ -f "$g" ] && { mo=$g; break; }
done
if [ -z "$mo" ] && command -v msgfmt >/dev/null; then
	mo=$PT_WORK/fr.mo
	msgfmt -o "$mo" "$PT_TOP_SRCDIR/po/fr.po" || fail "msgfmt"
fi
[ -n "$mo" ] || { echo "SKIP: no French catalogue (msgfmt missing)"; exit 77; }
mkdir -p "$PT_WORK/locale/fr/LC_MESSAGES"
ln -s "$mo" "$PT_WORK/locale/fr/LC_MESSAGES/pgtenant.mo"

"$PGTENANT" create tenant_a >/dev/null 2>&1 || fail "setup a"
"$PGTENANT" create tenant_b >/dev/null 2>&1 || fail "setup b"
adm -c "CREATE TABLE tenant_a.t (i int);
        GRANT USAGE ON SCHEMA tenant_a TO b_user;
        GRANT SELECT ON tenant_a.t TO b_user;" || fail "setup grant"
"$PGTENANT" harden --yes >/dev/null 2>&1 || fail "harden"
checks=0

# wait_text TEXT: wait_for TEXT taken literally
wait_text() {
	wait_for "$(printf '%s' "$1" | sed 's/[][\.*^$(){}?+|]/\\&/g')"
}

# The key hint of screen file scr_NAME.c, from the source: no copy to drift.
hint_of() {
	sed -n 's/^	\.hint = N_("\(.*\)"),$/\1/p' "$PT_TOP_SRCDIR/src/tui/scr_$1.c"
}

# check NAME TITLE HINT LABEL...: what is wrong with the screen now shown
# (nothing printed: all is well)
check() {
	local name=$1 title=$2 hint=$3 s l
	shift 3
	s=$(screen)
	echo "$s" | grep -q 'too small' && { echo "$name at $size ($lang): too small"; return; }
	echo "$s" | sed -n 2p | grep -Fq -- "$title" ||
		{ echo "$name at $size ($lang): no title \"$title\" on line 2"; return; }
	for l in "$@"; do
		l=$(T "$l")
		echo "$s" | grep -Fq -- "$l" ||
			{ echo "$name at $size ($lang): label \"$l\" not whole"; return; }
	done
	# the footer: a line of the bottom four made only of whole items of the
	# hint, the first one and "? help" among them
	echo "$s" | tail -4 | python3 -c '
import re, sys
items = sys.argv[1].split("  ")
help = [i for i in items if i.startswith("? ")]
for line in sys.stdin:
    got = [p for p in re.split(r"\s{2,}", line.strip()) if p]
    if got and got[0] == items[0] and all(p in items for p in got) and \
       all(h in got for h in help):
        sys.exit(0)
sys.exit(1)' "$hint" ||
		{ echo "$name at $size ($lang): the footer is not whole items of \"$hint\""; return; }
	# (not joined: the connection string is wrapped by the terminal)
	[ "$($PT_TMUX capture-pane -p | LC_ALL=C.UTF-8 wc -L)" -le "${size%x*}" ] ||
		echo "$name at $size: too wide"
}

# look NAME TITLE SCREEN-FILE LABEL...: the screen now shown passes check,
# once what it loads has arrived (up to 10 s)
look() {
	local name=$1 title hint why i=0
	title=$(T "$2")
	hint=$(T "$(hint_of "$3")")
	shift 3
	while why=$(check "$name" "$title" "$hint" "$@") && [ -n "$why" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -z "$why" ] || fail "$why"
	checks=$((checks + 1))
}

# visit W H: every screen in a W x H pane
n=0
visit() {
	size=$1x$2
	n=$((n + 1))
	tui_server "$n"
	tui_start "$1" "$2"
	wait_for ' tenant_b '
	look tenants Tenants tenants Schema

	keys Tab
	wait_for '^ +a_user '              # a row of the roles list, loaded
	look roles Roles roles Role
	keys / ; type_text a_user ; keys Enter
	wait_for '1/'
	keys Enter
	wait_text "$(T 'Role detail')"
	look 'role detail' 'Role detail' role 'Role:'
	keys Escape Escape Escape
	wait_for ' tenant_b '

	keys / ; type_text tenant_a ; keys Enter
	wait_for '1/'
	keys Enter
	wait_text "$(T 'Schema detail')"
	look 'schema detail' 'Schema detail' detail Owner
	keys e
	wait_text "$(T 'Only changes are sent; blank = no limit/never/default.')"
	look 'edit form' 'Edit tenant' alter 'Connection limit' 'Valid until'
	keys Escape
	wait_text "$(T 'Schema detail')"
	keys l
	wait_text "$(T 'This SQL will lock the tenant out (no new logins):')"
	look 'lock preview' 'SQL preview' preview 'This SQL will lock the tenant out (no new logins):'
	keys Escape
	wait_text "$(T 'Schema detail')"
	keys Escape Escape
	wait_for ' tenant_b '

	keys c
	wait_text "$(T 'Create tenant')"
	look 'create form' 'Create tenant' create Schema Password 'Connection limit'
	type_text "tenant_s$n"
	keys Enter
	wait_text "$(T 'SQL preview')"
	look preview 'SQL preview' preview 'This SQL will create the tenant (password redacted):'
	keys Enter
	wait_text "$(T 'Credentials')"
	look result Credentials result 'Schema:' 'User:' 'Password:'
	keys Escape
	wait_for " tenant_s$n "             # the list, reloaded after create

	keys a
	wait_for '^ [0-9]+ (high|medium|low|info) '   # the audit's summary
	keys Enter
	wait_text "$(T 'Fix (y copies it):')"
	look 'audit finding' Audit audit 'Severity:' 'Rule:' 'Fix (y copies it):'
	keys Escape Escape
	wait_for ' tenant_b '

	keys '?'
	wait_text "$(T 'Everywhere')"
	look help Help help Everywhere
	keys Escape
	wait_for ' tenant_b '

	# the harden preview needs a gap: PUBLIC may create in public again
	# and the banner it brings (next refresh) leaves every title in place
	adm -c "GRANT CREATE ON SCHEMA public TO PUBLIC" || fail "un-harden"
	wait_for 'Not hardened|Non durcie' 15
	look 'tenants, not hardened' Tenants tenants Schema
	keys H
	wait_text "$(T 'This SQL will harden the database:')"
	look 'harden preview' 'SQL preview' preview 'This SQL will harden the database:'
	keys Escape
	wait_for ' tenant_b '
	"$PGTENANT" harden --yes >/dev/null 2>&1 || fail "harden again"

	keys q
	wait_for 'CONSOLE-EXITED rc=0'
	$PT_TMUX kill-server
}

visit 60 15
visit 80 24
visit 200 50
PT_MO=$mo PT_TUI_UNSET=LC_ALL PT_TUI_ENV="LANG=fr_FR.UTF-8 LANGUAGE=fr PGTENANT_LOCALEDIR=$PT_WORK/locale" \
	visit 80 24
echo "screens: $checks checks passed"
exit 0
