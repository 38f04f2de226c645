#!/bin/bash
# Build the libFuzzer harnesses with clang (fuzzer + AddressSanitizer +
# UndefinedBehaviorSanitizer) against the core sources, and run each one.
#
#   tests/fuzz/run.sh [SECONDS [HARNESS...]]
#
# SECONDS per harness: default $FUZZ_SECONDS or 20. HARNESS: names, connstr,
# osc52, csv, sanitize (default all whose sources exist). The work directory
# ($FUZZ_WORK, default ./fuzz-work) keeps the binaries, the corpus each run
# grows (seeded from tests/fuzz/corpus/HARNESS) and any crash-* input.
# Exit status: 0 when every harness ran clean, 1 when one found a problem,
# 77 when clang with libFuzzer is not available.
#
# Reproduce a crash: $FUZZ_WORK/fuzz_HARNESS $FUZZ_WORK/crash-...
# Run longer, in parallel: tests/fuzz/run.sh 3600 csv, or by hand
#   $FUZZ_WORK/fuzz_csv -jobs=2 -workers=2 $FUZZ_WORK/corpus/csv
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
seconds=${1:-${FUZZ_SECONDS:-20}}
[ $# -gt 0 ] && shift
work=${FUZZ_WORK:-$PWD/fuzz-work}
CLANG=${CLANG:-clang}

# harness name -> the sources it needs besides its own .c
declare -A sources=(
	[names]="src/core/names.c src/core/error.c src/core/secret.c"
	[connstr]="src/core/connstr.c src/core/names.c src/core/error.c src/core/secret.c"
	[osc52]="src/tui/clipboard.c src/core/error.c src/core/secret.c"
	[csv]="src/core/csv.c src/core/error.c src/core/secret.c"
	[sanitize]="src/core/sanitize.c src/core/error.c src/core/secret.c"
)
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(names connstr osc52 csv sanitize)

if ! command -v "$CLANG" >/dev/null; then
	echo "fuzz: $CLANG not found: skipped" >&2
	exit 77
fi
mkdir -p "$work"
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
     "$CLANG" -x c -fsanitize=fuzzer -o "$work/probe" - 2>/dev/null; then
	echo "fuzz: $CLANG cannot build with -fsanitize=fuzzer (libFuzzer missing): skipped" >&2
	exit 77
fi

# The harnesses need none of configure's findings but a config.h to include.
cat >"$work/config.h" <<'EOF'
#define _GNU_SOURCE 1
#define HAVE_SYS_PRCTL_H 1
#define HAVE_PRCTL 1
#define ENABLE_NLS 0
EOF

pkgs="libpq libsodium"
cflags="-g -O1 -std=c11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-fno-omit-frame-pointer -I$work -I$top/src -I$top/src/core $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs)"
# sodium_malloc's guard pages are plain mmap: nothing for ASan to object
# to. The fuzzer's own leak check stays on (detect_leaks=1).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
summary=()
for h in "${harnesses[@]}"; do
	src=${sources[$h]:-}
	if [ -z "$src" ]; then
		echo "fuzz: unknown harness \"$h\"" >&2; status=1; continue
	fi
	missing=
	for f in $src; do [ -e "$top/$f" ] || missing="$missing $f"; done
	if [ -n "$missing" ]; then
		summary+=("$h: skipped (not in the tree:$missing)")
		continue
	fi
	bin=$work/fuzz_$h
	# shellcheck disable=SC2086
	if ! "$CLANG" $cflags -o "$bin" "$here/fuzz_$h.c" $(printf "$top/%s " $src) $libs \
	     2>"$work/build_$h.log"; then
		cat "$work/build_$h.log" >&2
		summary+=("$h: BUILD FAILED")
		status=1
		continue
	fi
	mkdir -p "$work/corpus/$h"
	dict=()
	[ -e "$here/$h.dict" ] && dict=(-dict="$here/$h.dict")
	"$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
		-rss_limit_mb=2048 -max_len=${FUZZ_MAX_LEN:-4096} "${dict[@]}" \
		-artifact_prefix="$work/" "$work/corpus/$h" "$here/corpus/$h" \
		>"$work/run_$h.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/run_$h.log" | tail -1)
	cov=$(grep -Eo 'cov: [0-9]+' "$work/run_$h.log" | tail -1)
	units=$(ls "$work/corpus/$h" | wc -l)
	if [ "$rc" = 0 ]; then
		summary+=("$h: ${execs:-?} executions in ${seconds}s, ${cov:-cov: ?}, corpus $units: clean")
	else
		status=1
		summary+=("$h: FOUND A PROBLEM (exit $rc) after ${execs:-?} executions: see $work/run_$h.log")
		grep -E -A25 'ERROR: |check failed|runtime error|SUMMARY' "$work/run_$h.log" | head -60 >&2
	fi
done

for line in "${summary[@]}"; do echo "fuzz: $line"; done
exit $status
