#!/bin/bash
# A throwaway PostgreSQL for tests, demos and benchmarks.
#
#   pgserver.sh start DIR [PORT]   initdb (from a cached template) and start a
#                                  server in DIR; prints the environment to use
#   pgserver.sh stop DIR           stop it and remove DIR
#
# initdb refuses to run as root, so as root the server runs as the
# "postgres" user (created if missing). The admin role is "pgtadmin"
# (superuser), trusted on the unix socket and over 127.0.0.1; every other
# role must give its SCRAM password. Every statement is logged to
# DIR/server.log (log_statement=all), so tests can prove what never reaches it.
# The server is PT_PG_BINDIR's (see pgversions.sh for every major version),
# else the one pg_config names; PT_TEST_PG_MAJOR tells tests which it is.
set -euo pipefail

find_bindir() {
	# A server asked for by name is that server or an error, never another.
	if [ -n "${PT_PG_BINDIR:-}" ]; then
		[ -x "$PT_PG_BINDIR/initdb" ] || {
			echo "pgserver.sh: PT_PG_BINDIR=$PT_PG_BINDIR holds no initdb" >&2
			exit 1
		}
		echo "$PT_PG_BINDIR"; return
	fi
	if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
		pg_config --bindir; return
	fi
	local d
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && { echo "$d"; return; }
	done
	echo "pgserver.sh: cannot find initdb; install postgresql" >&2
	exit 1
}

BINDIR=$(find_bindir)

as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

free_port() {
	python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
PY
}

make_template() {
	local tpl=$1
	local tmp="$tpl.tmp.$$"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	[ "$(id -u)" = 0 ] && chown postgres: "$tmp"
	as_owner "$BINDIR/initdb" -D "$tmp/data" -U pgtadmin --auth=trust \
		--encoding=UTF8 --locale=C.UTF-8 >/dev/null 2>"$tmp/initdb.err" \
		|| as_owner "$BINDIR/initdb" -D "$tmp/data" -U pgtadmin --auth=trust \
		--encoding=UTF8 --no-locale >/dev/null
	cat > "$tmp/data/pg_hba.conf" <<'HBA'
local all pgtadmin trust
host  all pgtadmin 127.0.0.1/32 trust
local all all scram-sha-256
host  all all 127.0.0.1/32 scram-sha-256
host  all all ::1/128 scram-sha-256
HBA
	cat >> "$tmp/data/postgresql.conf" <<'CONF'
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 64MB
max_connections = 60
password_encryption = 'scram-sha-256'
log_statement = 'all'
log_line_prefix = '%m [%p] %u@%d '
CONF
	mv "$tmp" "$tpl" 2>/dev/null || rm -rf "$tmp"
}

cmd_start() {
	local dir=$1 port=${2:-}
	# One template per server binary: a data directory is readable only by
	# the major version that made it.
	local key
	key=$(printf '%s' "$BINDIR" | cksum | cut -d' ' -f1)
	local cache=${PT_PG_TEMPLATE_DIR:-${TMPDIR:-/tmp}/pgtenant-pg-template-$(id -u)-$key}
	mkdir -p "$(dirname "$cache")"
	# One template per machine: the first caller makes it, under a lock.
	(
		flock 9
		[ -d "$cache/data" ] || make_template "$cache"
	) 9>"$cache.lock"
	mkdir -p "$dir"
	[ -n "$port" ] || port=$(free_port)
	cp -a "$cache/data" "$dir/data"
	mkdir -p "$dir/sock"
	if [ "$(id -u)" = 0 ]; then
		chown -R postgres: "$dir/data" "$dir/sock"
		chmod 755 "$dir"
		touch "$dir/server.log"
		chown postgres: "$dir/server.log"
	fi
	chmod 700 "$dir/data"
	as_owner "$BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-p $port -k $dir/sock" start >/dev/null
	echo "$port" > "$dir/port"
	local major
	major=$("$BINDIR/postgres" --version | sed -n 's/^[^0-9]*\([0-9][0-9]*\).*/\1/p')
	cat <<ENV
export PT_TEST_PG_BINDIR=$BINDIR
export PT_TEST_PG_MAJOR=$major
export PGHOST=$dir/sock
export PGPORT=$port
export PGUSER=pgtadmin
export PGDATABASE=postgres
export PT_TEST_PGDIR=$dir
export PT_TEST_SERVER_LOG=$dir/server.log
ENV
}

cmd_stop() {
	local dir=$1
	if [ -d "$dir/data" ]; then
		as_owner "$BINDIR/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

case "${1:-}" in
start) shift; cmd_start "$@" ;;
stop) shift; cmd_stop "$@" ;;
*) echo "usage: $0 start DIR [PORT] | stop DIR" >&2; exit 2 ;;
esac
