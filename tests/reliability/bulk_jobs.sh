#!/bin/bash
# create --from with several sessions (--jobs > 1) keeps every promise of a
# single one (issue 13): in a hardened database each new tenant can log in
# (through the tenants' group, not a grant of its own); two bulk runs racing
# over the same names make exactly one winner per name and "already exists"
# for the loser; and a run interrupted (SIGTERM; a background job of a
# script ignores SIGINT) leaves every tenant either complete and printed, or
# absent.
. "$(dirname "$0")/lib.sh"
group=pgtenant_tenants_$PGDATABASE

names() {   # names PREFIX N: a CSV input of N schema names
	echo schema_name
	for i in $(seq "$2"); do echo "tenant_$1$i"; done
}

# ---- hardened: CONNECT through the group only -------------------------------
"$PGTENANT" create tenant_first --format=csv >/dev/null 2>&1
"$PGTENANT" harden --yes >"$T/harden.out" 2>&1
check "harden ran: $(tail -1 "$T/harden.out")" grep -q "is hardened" "$T/harden.out"
names h 24 >"$T/h.csv"
"$PGTENANT" create --from "$T/h.csv" --jobs=4 --format=csv >"$T/h.out" 2>"$T/h.err"
check "24 tenants in 4 sessions: $(tail -1 "$T/h.err")" grep -q "24 tenants created, 0 failed" "$T/h.err"
logins=0
while IFS=, read -r user _ schema url; do
	[ "$user" = username ] && continue
	got=$(psql -X -At -d "$url" -c 'SELECT current_user || '"' '"' || current_schema()' 2>&1)
	[ "$got" = "$user $schema" ] && logins=$((logins + 1)) || echo "# $user: $got"
done <"$T/h.out"
check "every one of them logs in to the hardened database ($logins of 24)" [ "$logins" = 24 ]
check "the database's ACL names the group, never a tenant" \
	[ "$(q -c "SELECT count(*) FROM pg_database d, aclexplode(d.datacl) a
	          JOIN pg_roles r ON r.oid = a.grantee
	          WHERE d.datname = current_database() AND r.rolname LIKE 'h%\_user'")" = 0 ]
check "each is a member of $group" \
	[ "$(q -c "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
	          WHERE m.roleid = '$group'::regrole AND r.rolname LIKE 'h%\_user'")" = 24 ]

# ---- the default number of sessions ------------------------------------------
# A server on this machine: two sessions per processor here, at most 4.
cpus=$(( $(nproc) * 2 ))
[ "$cpus" -le 4 ] || cpus=4
names d 12 >"$T/d.csv"
"$PGTENANT" create --from "$T/d.csv" --format=csv >"$T/d.out" 2>"$T/d.err"
check "no --jobs, a server on this machine: $cpus sessions ($(tail -1 "$T/d.err"))" \
	grep -q "12 tenants created, 0 failed (sessions: $cpus)" "$T/d.err"
# ... but at most half the connections the admin has left: CONNECTION
# LIMIT 3 with this session open leaves 2, so one.
q -c "ALTER ROLE CURRENT_USER CONNECTION LIMIT 3"
names c 6 >"$T/c.csv"
"$PGTENANT" create --from "$T/c.csv" --format=csv >"$T/c.out" 2>"$T/c.err"
q -c "ALTER ROLE CURRENT_USER CONNECTION LIMIT -1"
check "no --jobs, 2 connections left for the admin: one session ($(tail -1 "$T/c.err"))" \
	grep -q "6 tenants created, 0 failed (sessions: 1)" "$T/c.err"
check "every default-run tenant printed once" \
	[ "$(tail -n +2 "$T/d.out" | cut -d, -f3 | sort -u | wc -l)" = 12 ]
# A bad row among the workers' is reported with its line, the rest go in.
# (the duplicate names the first record: long committed when it comes)
{ names e 20; echo 'Bad Name'; echo tenant_e1; } >"$T/e.csv"
"$PGTENANT" create --from "$T/e.csv" --jobs=3 --format=csv >"$T/e.out" 2>"$T/e.err"
check "three worker sessions: 20 created, 2 failed ($(tail -1 "$T/e.err"))" \
	grep -q "20 tenants created, 2 failed (sessions: 3)" "$T/e.err"
check "the bad name is reported at line 22" grep -q 'e.csv:22: .*"Bad Name"' "$T/e.err"
check "the duplicate at line 23 already exists" grep -q 'e.csv:23: .*already exists' "$T/e.err"

# ---- two bulk runs racing over the same names --------------------------------
names r 30 >"$T/r1.csv"
{ echo schema_name; names r 30 | tail -n +2 | tac; } >"$T/r2.csv"
"$PGTENANT" create --from "$T/r1.csv" --jobs=3 --format=csv >"$T/r1.out" 2>"$T/r1.err" &
p1=$!
"$PGTENANT" create --from "$T/r2.csv" --jobs=3 --format=csv >"$T/r2.out" 2>"$T/r2.err" &
p2=$!
wait $p1 $p2
winners_ok=0
for i in $(seq 30); do
	w=$(grep -c ",tenant_r$i," "$T/r1.out" "$T/r2.out" | awk -F: '{ s += $2 } END { print s }')
	e=$(grep -E "(\"tenant_r$i\"|\"r${i}_user\").*already exists" "$T/r1.err" "$T/r2.err" | wc -l)
	[ "$w" = 1 ] && [ "$e" = 1 ] && winners_ok=$((winners_ok + 1)) ||
		echo "# tenant_r$i: $w credentials printed, $e already-exists reports"
done
check "30 names: one winner and one \"already exists\" each ($winners_ok of 30)" [ "$winners_ok" = 30 ]
check "no other failure in either run" \
	[ "$(cat "$T/r1.err" "$T/r2.err" | grep -c 'tenant_r' | tr -d ' ')" = 30 ]
check "30 tenant_r schemas, each owned by its own role, no orphan role" \
	[ "$(q -c "SELECT count(*) FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
	          WHERE n.nspname LIKE 'tenant\_r%' AND r.rolname = substr(n.nspname, 8) || '_user'")/$(q -c \
	  "SELECT count(*) FROM pg_roles r WHERE r.rolname ~ '^r[0-9]+_user$'
	          AND NOT EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspowner = r.oid)")" = 30/0 ]

# ---- interrupted: complete and printed, or absent ----------------------------
names x 400 >"$T/x.csv"
setsid "$PGTENANT" create --from "$T/x.csv" --jobs=4 --format=csv >"$T/x.out" 2>"$T/x.err" &
px=$!
for _ in $(seq 200); do
	[ "$(wc -l <"$T/x.out")" -ge 20 ] && break
	sleep 0.05
done
kill -TERM $px
wait $px
rc=$?
printed=$(tail -n +2 "$T/x.out" | cut -d, -f3 | sort)
existing=$(q -c "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\_x%' ORDER BY 1" | sort)
check "SIGTERM stopped the run before the end (exit $rc, $(echo "$printed" | grep -c .) printed)" \
	[ "$rc" != 0 -a "$(echo "$existing" | grep -c .)" -lt 400 ]
check "every tenant that exists was printed, and every printed one exists" \
	[ "$printed" = "$existing" ]
complete=$(q -c "SELECT count(*) FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
                 JOIN pg_auth_members m ON m.member = r.oid AND m.roleid = '$group'::regrole
                 JOIN pg_db_role_setting s ON s.setrole = r.oid
                 WHERE n.nspname LIKE 'tenant\_x%'")
check "each of them is complete: role, schema, group membership, search_path" \
	[ "$complete" = "$(echo "$existing" | grep -c .)" ]
check "no x role without its schema" \
	[ "$(q -c "SELECT count(*) FROM pg_roles r WHERE r.rolname ~ '^x[0-9]+_user$'
	          AND NOT EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspowner = r.oid)")" = 0 ]
url=$(tail -n +2 "$T/x.out" | tail -1 | cut -d, -f4)
check "the last printed credentials log in" psql -X -At -d "$url" -c 'SELECT 1'

finish
