#!/bin/bash
# The man page stays true to the program: groff finds nothing to warn
# about, every command that --help lists has an entry in COMMANDS, and
# every long option --help mentions is documented.
set -u
src=${PT_TOP_SRCDIR:?} bin=${PGTENANT:?}
page="$src/doc/pgtenant.1"
command -v groff >/dev/null || { echo "SKIP: groff not installed"; exit 77; }
fail=0

warnings=$(groff -ww -man -z "$page" 2>&1)
if [ -n "$warnings" ]; then
	echo "FAIL: groff -ww -man -z warns:"; echo "$warnings" | sed 's/^/  /'; fail=1
fi

help=$(env -u LANGUAGE LC_ALL=C XDG_CONFIG_HOME=/nonexistent "$bin" --help) \
	|| { echo "FAIL: --help exited $?"; exit 1; }
# The man page source with \- turned back into -.
text=$(sed 's/\\-/-/g' "$page")
# The COMMANDS section only: from .SH COMMANDS to the next .SH.
commands_section=$(printf '%s\n' "$text" | awk '/^\.SH /{on = ($2 == "COMMANDS")} on')

cmds=$(printf '%s\n' "$help" | awk '/^Commands:/{on=1; next} on && /^$/{exit} on {print $1}')
n=$(printf '%s\n' "$cmds" | grep -c .)
[ "$n" -ge 7 ] || { echo "FAIL: only $n commands found in --help"; fail=1; }
for c in $cmds; do
	# An entry is a .B/.BI line whose first word is the command.
	if ! printf '%s\n' "$commands_section" | grep -qE "^\.BI? \"?$c( |\"|$)"; then
		echo "FAIL: command \"$c\" from --help has no entry in the man page's COMMANDS"
		fail=1
	fi
done

opts=$(printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z-]*' | sort -u)
for o in $opts; do
	if ! printf '%s\n' "$text" | grep -qF -- "$o"; then
		echo "FAIL: option $o from --help is not in the man page"; fail=1
	fi
done

# Every key of the configuration file is documented.
for k in tenant_host tenant_port tenant_sslrootcert user_pattern color format string_format; do
	printf '%s\n' "$text" | grep -qE "^\.BI $k " \
		|| { echo "FAIL: configuration key $k is not documented"; fail=1; }
done
[ $fail = 0 ] && echo "PASS: $n commands and $(echo $opts | wc -w) options documented; groff is silent"
exit $fail
