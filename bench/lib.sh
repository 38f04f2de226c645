# bench/lib.sh — sourced by bench/run and bench/scale.sh.

die() { echo "bench: $*" >&2; exit 1; }

# The pgtenant binary: $PGTENANT, else ./pgtenant in the source tree or in
# $PT_BUILD_DIR; an absolute path in $bin.
find_bin() {
	local b
	bin=${PGTENANT:-}
	if [ -z "$bin" ]; then
		for b in "${PT_BUILD_DIR:-}/pgtenant" "$top/build/pgtenant" "$top/pgtenant" "$PWD/pgtenant"; do
			[ -x "$b" ] && { bin=$b; break; }
		done
	fi
	[ -n "$bin" ] && [ -x "$bin" ] || die "no pgtenant binary: build it (make) or set PGTENANT"
	bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
}

ms_median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
now_ns() { date +%s%N; }

# The machine, for the report: CPUs, model, RAM and the load average now.
machine() {
	echo "$(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
		"$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM," \
		"load $(cut -d' ' -f1-3 /proc/loadavg)"
}
