# Any pane size down to 60x15 (tmux split panes): every screen at 60x15,
# 80x24 and 200x50 keeps the schema name and the selection, fits the pane,
# cuts with an ellipsis; "too small" only below 60x15. German at 80x24:
# the audit finding's labels are not overwritten (issue 11, bug 2).
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

"$PGTENANT" create tenant_a >/dev/null 2>&1 || fail "setup a"
"$PGTENANT" create tenant_with_a_rather_long_name_b >/dev/null 2>&1 || fail "setup b"
adm -c "CREATE TABLE tenant_with_a_rather_long_name_b.secrets (x int);
        GRANT USAGE ON SCHEMA tenant_with_a_rather_long_name_b TO a_user;
        GRANT SELECT ON tenant_with_a_rather_long_name_b.secrets TO a_user;
        CREATE ROLE pgtenant_public_users_postgres_example_app LOGIN
          CREATEDB CREATEROLE REPLICATION BYPASSRLS;" || fail "setup"

fits() {   # fits W H WHAT: the screen is W x H and nothing drawn past it
	local w=$1 h=$2
	[ "$(screen | wc -l)" -eq "$h" ] || fail "$3 at ${w}x$h: $(screen | wc -l) lines"
	[ "$(screen | LC_ALL=C.UTF-8 wc -L)" -le "$w" ] || fail "$3 at ${w}x$h: wider"
	screen | grep -q 'too small' && fail "$3 at ${w}x$h: too small"
	return 0
}
resize() {
	$PT_TMUX resize-window -x "$1" -y "$2"
	sleep 0.3
}

tui_start 80 24
wait_for 'tenant_a'
for size in 60x15 80x24 200x50; do
	w=${size%x*} h=${size#*x}
	resize "$w" "$h"
	keys Escape Escape Escape g
	wait_for '^ tenant_a '
	fits "$w" "$h" tenants
	screen | grep -q '\? help' || fail "tenants at $size: footer lost '? help'"
	# the selection and the schema name stay; a long name is cut with …
	keys j j
	if [ "$w" -lt 100 ]; then
		wait_for 'tenant_w[a-z_]*…[a-z_]*name_b'   # cut in the middle (issue 19)
	else
		wait_for 'tenant_with_a_rather_long_name_b'
	fi
	selected_lines | grep -q 'tenant_w' ||
		fail "tenants at $size: no selection bar"
	keys Enter
	wait_for 'Who can reach it'
	fits "$w" "$h" detail
	keys Escape Tab
	wait_for 'pgtenant_p(u|[a-z_]*…[a-z_]*_app)'
	fits "$w" "$h" roles
	if [ "$w" -ge 120 ]; then
		screen | grep -q 'pgtenant_public_users_postgres_example_app' ||
			fail "role name cut at $size"
		screen | grep -q 'createdb' || fail "attributes cut at $size"
	else
		screen | grep -q 'pgtenant_p[a-z_]*…[a-z_]*_app' || fail "roles at $size: not cut in the middle"
	fi
	keys Tab
	wait_for 'Finding|medium|high'
	fits "$w" "$h" audit
	keys Enter
	wait_for 'Rule:'
	fits "$w" "$h" finding
	keys Escape Escape
	wait_for '^ tenant_a '
	keys c
	wait_for 'Create a tenant'
	type_text tenant_sz
	wait_for 'sz_user'
	fits "$w" "$h" form
	screen | grep -q 'Valid until' || fail "form at $size: last field missing"
	keys Enter
	wait_for 'will create'
	fits "$w" "$h" preview
	keys Escape Escape
	keys '?'
	wait_for 'help'
	fits "$w" "$h" help
	keys Escape
done

# below 60x15 only: too small, and back
resize 59 15
wait_for 'too small: 59x15'
resize 60 14
wait_for 'too small: 60x14'
resize 60 15
wait_for '^ tenant_a '
keys q
wait_for 'CONSOLE-EXITED rc=0'
$PT_TMUX kill-server

# German at 80x24: the labels of a finding are whole and apart from values
command -v msgfmt >/dev/null || { echo "no msgfmt: German part skipped"; exit 0; }
mkdir -p "$PT_WORK/locale/de/LC_MESSAGES"
msgfmt -o "$PT_WORK/locale/de/LC_MESSAGES/pgtenant.mo" "$PT_TOP_SRCDIR/po/de.po" || fail "msgfmt"
tui_server de
PT_TUI_ENV="LANGUAGE=de PGTENANT_LOCALEDIR=$PT_WORK/locale" tui_start 80 24
wait_for 'tenant_a'
keys a
wait_for 'medium|high'
keys Enter
wait_for 'cross-tenant|[Rr]egel'
screen | grep -Eq '^  [^ ]+:  *[^ ]' || fail "German labels run into their values"
screen | grep -q 'BehebALTER\|BehebREVOKE' && fail "label overwritten by the fix"
keys Escape Escape q
wait_for 'CONSOLE-EXITED rc=0'
exit 0
