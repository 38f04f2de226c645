#!/bin/bash
# Every predefined role of the server the suite runs against (13 to 18 have
# 8 to 15 a tenant could be given; pg_database_owner takes no members) is
# found by the audit when a tenant is a member of it, at medium severity or
# worse, with a fix that revokes it: a role the next major version adds
# (as 18 added pg_signal_autovacuum_worker) cannot slip through unnoticed.
. "$PT_TOP_SRCDIR/tests/cli/lib.sh"

major=${PT_TEST_PG_MAJOR:?}
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1" 2>&1; }

# What each version adds, as the release notes list it.
declare -A added=(
	[13]="pg_monitor pg_read_all_settings pg_read_all_stats pg_stat_scan_tables
	      pg_read_server_files pg_write_server_files pg_execute_server_program
	      pg_signal_backend"
	[14]="pg_read_all_data pg_write_all_data"
	[15]="pg_checkpoint"
	[16]="pg_use_reserved_connections pg_create_subscription"
	[17]="pg_maintain"
	[18]="pg_signal_autovacuum_worker"
)
want=()
for v in 13 14 15 16 17 18; do
	[ "$v" -le "$major" ] && want+=(${added[$v]})
done

# The server's own list: roles made by initdb (OIDs below 16384).
have=$(psql_q "SELECT rolname FROM pg_roles WHERE oid < 16384 AND rolname ~ '^pg_'
               AND rolname <> 'pg_database_owner' ORDER BY 1")
check "PostgreSQL $major has the ${#want[@]} predefined roles its release notes list" \
	'[ "$have" = "$(printf "%s\n" "${want[@]}" | sort)" ]'

# One tenant per role, so that each finding is the direct membership (a
# role reached also through pg_monitor would otherwise be reported that way).
i=0
for r in $have; do
	i=$((i + 1))
	run create "tenant_p$i" --format=csv
	psql_q "GRANT $r TO p${i}_user" >/dev/null
done
check "create $i tenants, one per role" '[ $RC = 0 ] && [ "$(psql_q "SELECT count(*) FROM pg_roles WHERE rolname ~ '\''^p[0-9]+_user$'\''")" = $i ]'
run audit --format=json
i=0
for r in $have; do
	i=$((i + 1))
	check "audit finds p${i}_user in $r, medium or worse, with a REVOKE" \
		'python3 -c "
import json, sys
d = json.loads(sys.stdin.read())
r, u = sys.argv[1:3]
sys.exit(0 if any(f[\"rule\"] == \"tenant-member-of-builtin-role\" and f[\"role\"] == u
                  and r in f[\"detail\"] and f[\"severity\"] in (\"medium\", \"high\")
                  and f[\"fix_sql\"].startswith(\"REVOKE \") and r in f[\"fix_sql\"]
                  for f in d[\"findings\"]) else 1)" "$r" "p${i}_user" <<<"$OUT"'
done

finish predefined_roles.sh
