#!/bin/bash
# Every translatable string reaches the translators: each source file that
# marks strings with _( or N_( is listed in po/POTFILES.in, and every msgid
# xgettext finds in the sources is in po/pgtenant.pot. Fails with the
# missing file or string named.
set -u
src=${PT_TOP_SRCDIR:?}
command -v xgettext >/dev/null || { echo "SKIP: xgettext not installed"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pt-potfiles.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0

# 1. Files that use the markers (i18n.h only defines them).
listed="$tmp/listed"
grep -v '^[[:space:]]*\(#\|$\)' "$src/po/POTFILES.in" | sort -u > "$listed"
# A file counts when xgettext finds a string in it: "_(" in a comment does
# not make one.
(cd "$src" && grep -rlE '\<N?_\(' --include='*.c' --include='*.h' src) | sort -u |
while read -r f; do
	(cd "$src" && xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 -o - "$f" 2>/dev/null) |
		grep -c '^msgid ' | grep -qv '^[01]$' && echo "$f"   # more than the header
done > "$tmp/using"
missing=$(comm -23 "$tmp/using" "$listed")
if [ -n "$missing" ]; then
	echo "FAIL: files with translatable strings missing from po/POTFILES.in:"
	echo "$missing" | sed 's/^/  /'
	fail=1
fi
# A listed file that no longer exists breaks 'make update-po'.
while read -r f; do
	[ -f "$src/$f" ] || { echo "FAIL: po/POTFILES.in lists $f, which does not exist"; fail=1; }
done < "$listed"

# 2. Every msgid in the sources is in the template.
msgids() {   # print one msgid per line, escapes kept, from a .po/.pot file
	msgcat --no-wrap --sort-output "$1" 2>/dev/null | awk '
		/^msgid / { inid = 1; id = substr($0, 8); next }
		/^"/ && inid { id = id $0; next }
		{ if (inid && id != "\"\"") print id; inid = 0 }
		END { if (inid && id != "\"\"") print id }' | sort -u
}
(cd "$src" && xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 \
	--files-from="$listed" --directory=. -o "$tmp/fresh.pot") \
	|| { echo "FAIL: xgettext could not read the sources"; exit 1; }
msgids "$tmp/fresh.pot" > "$tmp/fresh"
msgids "$src/po/pgtenant.pot" > "$tmp/template"
n_fresh=$(wc -l < "$tmp/fresh")
[ "$n_fresh" -gt 20 ] || { echo "FAIL: only $n_fresh msgids extracted: extraction is broken"; fail=1; }
stale=$(comm -23 "$tmp/fresh" "$tmp/template")
if [ -n "$stale" ]; then
	echo "FAIL: msgids in the sources but not in po/pgtenant.pot" \
	     "(run 'make -C po update-po' and translate them):"
	echo "$stale" | head -40 | sed 's/^/  /'
	echo "  ($(echo "$stale" | wc -l) in all)"
	fail=1
fi
echo "sources: $n_fresh msgids; template: $(wc -l < "$tmp/template") msgids"
exit $fail
