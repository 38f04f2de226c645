#!/bin/bash
# libpgtenant as a program outside the tree uses it: `make install
# DESTDIR=…`, then tests/lib_api/c_api.c built with nothing but
# `pkg-config --cflags --libs pgtenant` against that prefix, run under
# valgrind against the test server; the tenant it made logs in with the
# connection string it got; the library exports only pgt_ symbols.
set -u
src=${PT_TOP_SRCDIR:?} build=${PT_TOP_BUILDDIR:?}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pt-libapi.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export LANGUAGE= LC_ALL=C.UTF-8
unset PGPASSWORD PGAPPNAME PGOPTIONS
fail=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL: $*"; fail=1; }

inst=$tmp/inst
# A make of its own, not a job of the make running the tests.
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$build" install \
	DESTDIR="$inst" >"$tmp/install.log" 2>&1; then
	cat "$tmp/install.log"; echo "FAIL: make install DESTDIR=$inst"; exit 1
fi
pc=$(find "$inst" -name pgtenant.pc -path '*/pkgconfig/*')
[ -n "$pc" ] || { echo "FAIL: pgtenant.pc not installed"; exit 1; }
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")
prefix_libdir=${libdir#"$inst"}
pkgconf() { PKG_CONFIG_PATH=$pcdir PKG_CONFIG_SYSROOT_DIR=$inst pkg-config "$@"; }

# pkg-config puts the sysroot (the DESTDIR) before the .pc's own paths.
pc_libdir=$(pkgconf --variable=libdir pgtenant)
[ "${pc_libdir#"$inst"}" = "$prefix_libdir" ] &&
	ok "pgtenant.pc names the installed libdir" || bad "pgtenant.pc libdir: $(pkgconf --variable=libdir pgtenant)"
for f in "$libdir/libpgtenant.so" "$libdir/libpgtenant.so.0" \
	"$(pkgconf --variable=includedir pgtenant)/pgtenant.h"; do
	[ -e "$f" ] && ok "installed: ${f#"$inst"}" || bad "not installed: ${f#"$inst"}"
done
man3=$(find "$inst" -type d -name man3)
[ -f "$man3/pgtenant.3" ] && ok "installed: man3/pgtenant.3" || bad "pgtenant.3 not installed"
# Every function the page names has a page (a .so link) of its own, and
# every page renders without a groff warning.
names=$(sed -n '/^\.SH NAME/,/^\\-/p' "$src/doc/pgtenant.3" | tr ', ' '\n\n' | grep '^pgt_')
[ "$(printf '%s\n' "$names" | grep -c .)" -ge 10 ] || bad "NAME lists only: $names"
for f in $names; do
	[ -f "$man3/$f.3" ] || bad "no man page $f.3"
done
if command -v groff >/dev/null; then
	w=$(cd "${man3%/man3}" && for f in man3/*.3; do groff -ww -man -z "$f" 2>&1; done)
	[ -z "$w" ] && ok "groff: no warnings on $(ls "$man3" | wc -l) pages" || bad "groff: $w"
fi
[ -z "$(find "$inst" -name '*.a')" ] && ok "no static archive installed" ||
	bad "a static archive was installed: $(find "$inst" -name '*.a')"

# Only the API: every dynamic symbol the library defines begins with pgt_.
syms=$(nm -D --defined-only "$libdir/libpgtenant.so" | awk '{print $3}')
others=$(printf '%s\n' "$syms" | grep -v '^pgt_' | grep .)
n=$(printf '%s\n' "$syms" | grep -c '^pgt_')
if [ -z "$others" ] && [ "$n" -ge 40 ]; then ok "nm -D: $n symbols, all pgt_"
else bad "nm -D: $n pgt_ symbols; others: $(echo $others | head -c 400)"; fi
# man pgt_credentials_password and the like open the page too.
nopage=$(for f in $syms; do [ -f "$man3/$f.3" ] || echo "$f"; done)
[ -z "$nopage" ] && ok "every exported function has a man page" ||
	bad "no man page for: $(echo $nopage)"
soname=$(objdump -p "$libdir/libpgtenant.so" | awk '$1 == "SONAME" {print $2}')
[ "$soname" = libpgtenant.so.0 ] && ok "soname $soname" || bad "soname '$soname'"

# The program: only what pkg-config says, warnings are errors. A library
# built with the sanitizers (configure --enable-sanitizers) needs their
# runtime first in the program.
flags=$(pkgconf --cflags --libs pgtenant) || { echo "FAIL: pkg-config"; exit 1; }
san=
grep -aq __asan_init "$libdir/libpgtenant.so.0" && san="-fsanitize=address,undefined"
if ! ${CC:-cc} -std=c11 -Wall -Wextra -Werror $san -o "$tmp/c_api" \
	"$src/tests/lib_api/c_api.c" $flags 2>"$tmp/cc.err"; then
	cat "$tmp/cc.err"; echo "FAIL: the program does not build with: $flags"; exit 1
fi
ok "built with: $flags"
export LD_LIBRARY_PATH=$libdir
lib=$(ldd "$tmp/c_api" | awk '$1 ~ /^libpgtenant/ {print $3}')
[ "$lib" = "$libdir/libpgtenant.so.0" ] && ok "runs against the installed library" ||
	bad "runs against '$lib', not $libdir/libpgtenant.so.0"

if command -v valgrind >/dev/null && [ -z "$san" ]; then
	vg=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite
	    --error-exitcode=99 --log-file="$tmp/vg.log")
else
	echo "# valgrind not installed or a sanitizer build: run without valgrind"
	vg=()
fi
"${vg[@]}" "$tmp/c_api" "" "$tmp/connstr" >"$tmp/out" 2>"$tmp/err"
rc=$?
cat "$tmp/out"
grep -q '^not ok' "$tmp/out" && bad "the program's checks (above)"
[ "$rc" = 0 ] && ok "the program exits 0" || { bad "the program exited $rc"; sed 's/^/#   /' "$tmp/err" | head -20; }
[ "$(grep -c '^ok' "$tmp/out")" -ge 30 ] && ok "the program ran $(grep -c '^ok' "$tmp/out") checks" ||
	bad "the program ran only $(grep -c '^ok' "$tmp/out") checks"
if [ ${#vg[@]} -gt 0 ]; then
	if [ -s "$tmp/vg.log" ]; then bad "valgrind:"; sed 's/^/#   /' "$tmp/vg.log" | head -60
	else ok "valgrind: no errors, no definite leaks"; fi
fi

# The tenant logs in with what the library handed over and lands in its schema.
psql=psql
[ -x "${PT_TEST_PG_BINDIR:-}/psql" ] && psql=$PT_TEST_PG_BINDIR/psql
who=$(env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE "$psql" -X -At \
	-c 'SELECT current_user, current_schema()' "$(cat "$tmp/connstr")" 2>&1)
[ "$who" = "capi_user|tenant_capi" ] && ok "the tenant logs in: $who" || bad "tenant login: $who"

[ "$fail" = 0 ] && echo "PASS" || echo "FAILED"
exit "$fail"
