# LANG names a locale that is not installed (common over SSH): the console
# still draws wide characters (not "Schema???") and speaks the language
# LANG asks for (issue 11, bug 15).
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

command -v msgfmt >/dev/null || { echo "SKIP: msgfmt not installed"; exit 77; }
locale -a 2>/dev/null | grep -qi '^de_DE' && { echo "SKIP: de_DE is installed here"; exit 77; }
mkdir -p "$PT_WORK/locale/de/LC_MESSAGES"
msgfmt -o "$PT_WORK/locale/de/LC_MESSAGES/pgtenant.mo" "$PT_TOP_SRCDIR/po/de.po" || fail "msgfmt"
"$PGTENANT" create tenant_a >/dev/null 2>&1 || fail "setup"

PT_TUI_UNSET="LC_ALL LANGUAGE" PT_TUI_ENV="LANG=de_DE.UTF-8 PGTENANT_LOCALEDIR=$PT_WORK/locale" \
	tui_start 80 24
wait_for 'tenant_a'
wait_for 'Schema▲'
screen | grep -q 'Schema?' && fail "wide characters lost"
wait_for 'Login-Rollen'
wait_for 'zeigt die Hilfe'
keys q
wait_for 'CONSOLE-EXITED rc=0'
exit 0
