#!/bin/bash
# The Python package's pytest suite (tests/python/test_*.py) against the
# throwaway server run-test started, with libpgtenant from the build tree.
# Fails when pytest fails, finds no tests (exit 5) or cannot run.
set -u
src=${PT_TOP_SRCDIR:?} build=${PT_TOP_BUILDDIR:?}
lib=$build/src/.libs/libpgtenant.so.0
[ -e "$lib" ] || { echo "FAIL: $lib not built"; exit 1; }

# An interpreter with pytest and psycopg: PT_PYTHON, else python3 on PATH,
# else Debian's (a python3 from elsewhere on PATH may lack both).
py=
for cand in ${PT_PYTHON:-} python3 /usr/bin/python3; do
	if command -v "$cand" >/dev/null &&
		"$cand" -c 'import pytest, psycopg' 2>/dev/null; then
		py=$cand; break
	fi
done
[ -n "$py" ] || { echo "FAIL: no python3 with pytest and psycopg (./dev deps installs them)"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pt-python.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export PGTENANT_LIBRARY=$lib PYTHONPATH=$src/python PYTHONDONTWRITEBYTECODE=1
export LANGUAGE= LC_ALL=C.UTF-8
unset PGPASSWORD PGAPPNAME PGOPTIONS
# A library built with the sanitizers (configure --enable-sanitizers) needs
# their runtime loaded first; Python's own allocations at exit are not ours.
if grep -aq __asan_init "$lib"; then
	export LD_PRELOAD="$(${CC:-cc} -print-file-name=libasan.so) $(${CC:-cc} -print-file-name=libubsan.so)"
	export ASAN_OPTIONS=detect_leaks=0
fi
cd "$tmp" || exit 1
"$py" -m pytest -v -p no:cacheprovider --rootdir="$tmp" "$src/tests/python"
rc=$?
case $rc in
0) echo "PASS" ;;
5) echo "FAIL: pytest collected no tests"; rc=1 ;;
*) echo "FAIL: pytest exited $rc" ;;
esac
exit "$rc"
