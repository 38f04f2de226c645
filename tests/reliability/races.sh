#!/bin/bash
# Races: 8 pgtenant processes create the same 20 tenants at the same
# moment, each in its own order. Exactly one process wins each name; every
# other gets "already exists" (exit 1); no orphan role or schema remains.
. "$(dirname "$0")/lib.sh"

procs=${PT_RACE_PROCS:-8}
names=${PT_RACE_NAMES:-20}

run_racer() {   # run_racer INDEX: wait for the start signal, create every name
	local i=$1 n order
	order=$(seq "$names" | shuf --random-source=<(yes "$i"))
	while [ ! -e "$T/go" ]; do sleep 0.005; done
	for n in $order; do
		"$PGTENANT" create "race_$n" --format=csv >"$T/out.$i.$n" 2>"$T/err.$i.$n"
		echo $? >"$T/rc.$i.$n"
	done
}

for i in $(seq "$procs"); do run_racer "$i" & done
sleep 0.3
touch "$T/go"
wait

for n in $(seq "$names"); do
	wins=0 exists=0 other=0
	for i in $(seq "$procs"); do
		rc=$(cat "$T/rc.$i.$n")
		if [ "$rc" = 0 ]; then
			wins=$((wins + 1))
		elif [ "$rc" = 1 ] && grep -q "already exists" "$T/err.$i.$n"; then
			exists=$((exists + 1))
		else
			other=$((other + 1))
			echo "# race_$n process $i: exit $rc: $(cat "$T/err.$i.$n")"
		fi
	done
	if [ "$wins" = 1 ] && [ "$exists" = $((procs - 1)) ]; then
		ok "race_$n: one winner, $exists x already exists"
	else
		bad "race_$n: $wins winners, $exists already exists, $other other failures"
	fi
done

check "$names race_ schemas exist" \
	[ "$(q -c "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'race\_%'")" = "$names" ]
check "$names race_ roles exist" \
	[ "$(q -c "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'race\_%'")" = "$names" ]
check "every race_ schema is owned by its own race_N_user role" \
	[ "$(q -c "SELECT count(*) FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
	          WHERE n.nspname LIKE 'race\_%' AND r.rolname = n.nspname || '_user'")" = "$names" ]
check "no race_ role without its schema (no orphans)" \
	[ "$(q -c "SELECT count(*) FROM pg_roles r WHERE r.rolname LIKE 'race\_%'
	          AND NOT EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspowner = r.oid)")" = 0 ]
check "every race_ role got its search_path setting" \
	[ "$(q -c "SELECT count(*) FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
	          WHERE r.rolname LIKE 'race\_%'")" = "$names" ]

# The winner's password really logs in (the credentials are the real ones).
winner=$(for i in $(seq "$procs"); do [ "$(cat "$T/rc.$i.1")" = 0 ] && echo "$i"; done | head -1)
if [ -n "$winner" ]; then
	uri=$(sed -n 2p "$T/out.$winner.1" | awk -F, '{print $4}')
	check "the winner's connection string for race_1 logs in" \
		[ "$(psql -X -At "$uri" -c 'SELECT current_user' 2>/dev/null)" = race_1_user ]
else
	bad "no winner for race_1"
fi

# Drop races: every process drops the same names; one wins each.
rm -f "$T"/go "$T"/rc.* "$T"/err.*
run_dropper() {
	local i=$1 n
	while [ ! -e "$T/go" ]; do sleep 0.005; done
	for n in $(seq "$names" | shuf --random-source=<(yes "$i")); do
		"$PGTENANT" drop --yes "race_$n" >/dev/null 2>"$T/err.$i.$n"
		echo $? >"$T/rc.$i.$n"
	done
}
for i in $(seq "$procs"); do run_dropper "$i" & done
sleep 0.3
touch "$T/go"
wait
drop_bad=0
for n in $(seq "$names"); do
	wins=0
	for i in $(seq "$procs"); do
		rc=$(cat "$T/rc.$i.$n")
		if [ "$rc" = 0 ]; then wins=$((wins + 1))
		elif [ "$rc" != 1 ] || ! grep -Eq "no schema|not found|does not exist" "$T/err.$i.$n"; then
			drop_bad=$((drop_bad + 1))
			echo "# drop race_$n process $i: exit $rc: $(cat "$T/err.$i.$n")"
		fi
	done
	[ "$wins" = 1 ] || { drop_bad=$((drop_bad + 1)); echo "# drop race_$n: $wins winners"; }
done
check "concurrent drops: one winner per name, the others a plain 'not found' (exit 1)" \
	[ "$drop_bad" = 0 ]
check "after the drops no race_ role or schema is left" \
	[ "$(q -c "SELECT (SELECT count(*) FROM pg_roles WHERE rolname LIKE 'race\_%')
	               + (SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'race\_%')")" = 0 ]

finish
