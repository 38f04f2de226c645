#!/bin/bash
# The scriptable commands under valgrind: no memory errors, no definite
# leaks, on success and on the common failure paths.
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null || { echo "# valgrind not installed: skipped"; exit 77; }
# An AddressSanitizer build cannot run under valgrind; the sanitizer
# build is checked by the rest of the suite instead.
if grep -aq '__asan_init' "$PGTENANT"; then
	echo "# $PGTENANT is built with AddressSanitizer: skipped"
	exit 77
fi

vg() {   # vg LABEL WANT_STATUS COMMAND-ARGS... (stdin from $T/in if present)
	local label=$1 want=$2 rc input=/dev/null; shift 2
	[ -e "$T/in" ] && input=$T/in
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
		--error-exitcode=99 --log-file="$T/vg.$label" \
		"$PGTENANT" "$@" <"$input" >"$T/out.$label" 2>"$T/err.$label"
	rc=$?
	rm -f "$T/in"
	if [ "$rc" = "$want" ] && [ ! -s "$T/vg.$label" ]; then
		ok "valgrind clean: $label (exit $rc)"
	else
		bad "valgrind: $label: exit $rc (want $want)"
		sed 's/^/#   /' "$T/vg.$label" | head -60
		sed 's/^/#   stderr: /' "$T/err.$label" | head -5
	fi
}

vg create 0 create tenant_vg --format=json
vg create-user 0 create tenant_vg2 --user=vg2_custom --connection-limit=3 --valid-until=2099-01-01
printf 'Typed-Pw-1\n' >"$T/in"
vg create-stdin 0 create tenant_vg3 --password-stdin
vg create-exists 1 create tenant_vg
vg create-invalid 1 create "Bad'Name"
vg list 0 list
vg list-csv 0 list --format=csv
vg roles 0 roles --format=json
vg rotate 0 rotate-password tenant_vg
printf 'Typed-Pw-2\n' >"$T/in"
vg rotate-stdin 0 rotate-password tenant_vg --password-stdin
vg rotate-missing 1 rotate-password tenant_nothere
vg lock 0 lock --terminate --yes tenant_vg2
vg unlock 0 unlock tenant_vg2
vg lock-missing 1 lock tenant_nothere
vg alter 0 alter tenant_vg2 --connection-limit=4 --set=statement_timeout=5s --reset=work_mem
vg alter-refused 1 alter tenant_vg2 --set=search_path=public
vg alter-show 0 alter tenant_vg2
vg drop 0 drop --yes tenant_vg
vg drop-missing 1 drop --yes tenant_vg
vg connect-refused 2 -d "host=$T/nowhere" list
if "$PGTENANT" --help 2>&1 | grep -q '^  audit'; then
	vg audit-json 1 audit --format=json
	vg audit 1 audit
	vg harden-dry-run 0 harden --dry-run
	vg harden 0 harden --yes
else
	echo "# audit not built: skipped"
fi
printf 'schema_name,password\ntenant_b1,\ntenant_b2,Pw-b2\nBad Name,\n' >"$T/bulk.csv"
if "$PGTENANT" --help 2>&1 | grep -q -- '--from'; then
	vg create-from 1 create --from "$T/bulk.csv" --format=csv
fi
vg help 0 --help
vg usage 2 create

finish
