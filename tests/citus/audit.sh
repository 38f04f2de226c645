#!/bin/bash
# audit on every node of a Citus cluster: a grant made on a worker alone is
# found and names its node (its fix runs there and removes it), what every
# node has is reported once, a shard's grant that Citus copied from its
# table is the table's, the Citus rules (data-moving functions,
# pg_dist_authinfo passwords, password logins on a worker, by the first
# pg_hba.conf line that matches each tenant) find what they
# are about, and a stopped worker is a finding, not silence.
. "$PT_TOP_SRCDIR/tests/citus/lib.sh"

# findings RULE [NODE]: how many findings of RULE the last JSON run has
# (with NODE: on that node; "null": on the coordinator).
findings() {
	if [ $# = 2 ]; then
		jq --arg r "$1" --arg n "$2" \
			'[.findings[] | select(.rule == $r and ((.node // "null") == $n))] | length' <<<"$OUT"
	else
		jq --arg r "$1" '[.findings[] | select(.rule == $r)] | length' <<<"$OUT"
	fi
}

for t in tenant_a tenant_b; do
	run --stdin pw create "$t" --password-stdin
	check "create $t" '[ "$RC" = 0 ]'
done
coord "CREATE TABLE tenant_b.t (id int)" >/dev/null
coord "ALTER TABLE tenant_b.t OWNER TO b_user" >/dev/null
coord "INSERT INTO tenant_b.t SELECT pg_catalog.generate_series(1, 5000)" >/dev/null
# The worker that holds tenant_b, and its shard.
node=$(coord "SELECT n.nodename || ':' || n.nodeport FROM pg_dist_shard s
	JOIN pg_dist_placement p USING (shardid) JOIN pg_dist_node n USING (groupid)
	WHERE s.logicalrelid = 'tenant_b.t'::regclass")
shard=$(coord "SELECT 't_' || shardid FROM pg_dist_shard WHERE logicalrelid = 'tenant_b.t'::regclass")
w=1
[ "${node##*:}" = "${worker_ports[1]}" ] && w=2
check "tenant_b lives on a worker ($node, $shard)" '[ -n "$node" ] && [ -n "$shard" ]'

run --format=json audit
check "a fresh cluster: the audit runs (rc 1: public schema)" '[ "$RC" = 1 ]'
check "JSON says Citus and 3 nodes" '[ "$(jq -c "[.citus, .nodes]" <<<"$OUT")" = "[true,3]" ]'
check "public-schema-usage is on every node, reported once, as the coordinator's" \
	'[ "$(findings public-schema-usage)" = 1 ] && [ "$(findings public-schema-usage null)" = 1 ]'
check "PUBLIC may run citus_schema_move and citus_schema_undistribute" \
	'[ "$(jq "[.findings[] | select(.rule == \"citus-data-move-function\" and .role == \"PUBLIC\" and
		(.object == \"pg_catalog.citus_schema_move\" or .object == \"pg_catalog.citus_schema_undistribute\"))] | length" <<<"$OUT")" = 2 ]'
check "no finding names a node yet" '[ "$(jq "[.findings[] | select(.node != null)] | length" <<<"$OUT")" = 0 ]'

# A grant made on the worker alone (Citus refuses it unless propagation
# is off): tenant a reads tenant b's rows through run_command_on_workers.
worker $w "SET citus.enable_ddl_propagation = off; GRANT USAGE ON SCHEMA tenant_b TO a_user;
	SET citus.override_table_visibility = off; GRANT SELECT ON tenant_b.$shard TO a_user" >/dev/null
read_b=$(PGPASSWORD=pw psql -X -At -h 127.0.0.1 -U a_user -c \
	"SELECT result FROM run_command_on_workers('SELECT count(*) FROM tenant_b.$shard') WHERE success" 2>&1)
check "the worker-only grant is a path: tenant a read tenant b's 5000 rows ($read_b)" '[ "$read_b" = 5000 ]'
run --format=json audit
check "the worker-only table grant is found, naming node $node" \
	'[ "$(findings cross-tenant-table-grant "$node")" = 1 ]'
check "the worker-only schema grant is found, naming node $node" \
	'[ "$(findings cross-tenant-schema-grant "$node")" = 1 ]'
check "... and on no other node" \
	'[ "$(findings cross-tenant-table-grant)" = 1 ] && [ "$(findings cross-tenant-schema-grant)" = 1 ]'
run audit
check "the text report names the node" \
	'grep -q "cross-tenant-table-grant  role a_user  schema tenant_b  node $node" <<<"$OUT"'
check "the text report counts the nodes" 'grep -q "Citus: 3 nodes audited" <<<"$OUT"'
run --format=csv audit --rule=cross-tenant-table-grant
check "CSV has a node column" \
	'[ "$(head -1 <<<"$OUT")" = "severity,rule,role,schema,object,via,detail,fix_sql,node" ] && grep -q ",$node\$" <<<"$OUT"'

# The fixes run on that node, from the coordinator, and remove the path.
run --format=json audit --rule=cross-tenant-table-grant,cross-tenant-schema-grant
fixes=$(jq -r '.findings[].fix_sql' <<<"$OUT")
# While that worker is down the fixes fail, naming it (on main each
# came back as a row with success false, and psql said nothing).
stop_worker $w
out=$(coord "$fixes")
check "a fix that cannot run on its worker fails, naming it ($out)" \
	'grep -q "ERROR:  $node: failed to connect" <<<"$out"'
start_worker $w
coord "$fixes" >/dev/null
run --format=json audit
check "after their fixes neither worker-only grant is left" \
	'[ "$(findings cross-tenant-table-grant)" = 0 ] && [ "$(findings cross-tenant-schema-grant)" = 0 ]'

# A grant on the coordinator reaches the shard too: one finding, the
# coordinator's (the shard's grant reads as its table's).
coord "GRANT USAGE ON SCHEMA tenant_b TO a_user" >/dev/null
coord "GRANT SELECT ON tenant_b.t TO a_user" >/dev/null
run --format=json audit
check "a propagated grant is one finding, the coordinator's" \
	'[ "$(findings cross-tenant-table-grant)" = 1 ] && [ "$(findings cross-tenant-table-grant null)" = 1 ]'
coord "REVOKE SELECT ON tenant_b.t FROM a_user" >/dev/null
# A tenant's table named like a shard, t_<the id of u's shard>, granted
# on the coordinator: its finding must not pass for t's and hide a grant
# made on t's real shard on the worker alone (main took both for t's and
# reported the coordinator's only).
coord "CREATE TABLE tenant_b.u (i int)" >/dev/null
ushard=$(coord "SELECT shardid FROM pg_dist_shard WHERE logicalrelid = 'tenant_b.u'::regclass")
coord "CREATE TABLE tenant_b.t_$ushard (i int); GRANT SELECT ON tenant_b.t_$ushard TO a_user" >/dev/null
worker $w "SET citus.enable_ddl_propagation = off; SET citus.override_table_visibility = off;
	GRANT SELECT ON tenant_b.$shard TO a_user" >/dev/null
run --format=json audit
check "the worker-only grant on t's shard is found next to a table named t_$ushard, naming $node" \
	'[ "$(jq -r "[.findings[] | select(.rule == \"cross-tenant-table-grant\" and .node == \"$node\") | .object] | join(\",\")" <<<"$OUT")" = "\"tenant_b\".\"$shard\"" ]'
check "... and t_$ushard's grant is the coordinator's finding" \
	'[ "$(jq "[.findings[] | select(.rule == \"cross-tenant-table-grant\" and .node == null and (.object | contains(\"t_$ushard\")))] | length" <<<"$OUT")" = 1 ]'
worker $w "SET citus.enable_ddl_propagation = off; SET citus.override_table_visibility = off;
	REVOKE SELECT ON tenant_b.$shard FROM a_user" >/dev/null
coord "DROP TABLE tenant_b.u, tenant_b.t_$ushard" >/dev/null
coord "REVOKE USAGE ON SCHEMA tenant_b FROM a_user" >/dev/null

# pg_dist_authinfo with a password.
coord "INSERT INTO pg_dist_authinfo VALUES (0, 'a_user', 'password=hunter2')" >/dev/null
run --format=json audit
check "a password in pg_dist_authinfo is found" '[ "$(findings citus-authinfo-password)" -ge 1 ]'
check "... and the finding does not show it" '! grep -q hunter2 <<<"$OUT"'
coord "$(jq -r '.findings[] | select(.rule == "citus-authinfo-password") | .fix_sql' <<<"$OUT")" >/dev/null
run --format=json audit
check "its fix removes it on every node" '[ "$(findings citus-authinfo-password)" = 0 ]'

# A worker that accepts password logins for tenants. set_hba LINE...:
# the worker's pg_hba.conf becomes those lines, reloaded.
hba=$CITUS_DIR/worker$w/data/pg_hba.conf
orig=$(cat "$hba")
password_line="host all all 10.99.0.0/16 scram-sha-256"
set_hba() {
	as_owner sh -c 'f=$1; shift; printf "%s\n" "$@" > "$f"' sh "$hba" "$@"
	worker $w "SELECT pg_reload_conf()" >/dev/null
}
set_hba "$password_line" "$orig"
run --format=json audit
check "a worker's password line for every role is found, naming the worker" \
	'[ "$(findings citus-worker-password-login "$node")" = 1 ] && [ "$(findings citus-worker-password-login)" = 1 ]'
check "... and its line" '[ "$(jq -r ".findings[] | select(.rule == \"citus-worker-password-login\") | .object" <<<"$OUT")" = "pg_hba.conf:1" ]'
# The same line after the worker's "reject every other address" is never
# used: not reported.
set_hba "$orig" "$password_line"
run --format=json audit
check "a password line after a reject-all line is not reported" \
	'[ "$(findings citus-worker-password-login)" = 0 ]'
# The first line that matches a tenant decides, whatever its method: an
# earlier line for the tenants' group or for one tenant takes theirs (main
# weighed only a reject for every role).
grp=$(coord "SELECT 'pgtenant_tenants_' || current_database()")
# hba_case WHAT WANT LINE...: the worker's pg_hba.conf becomes LINE...
# then its own lines; at most one password-login finding, and its
# "object detail" matches the extended regex WANT ('^$': none).
hba_case() {
	local what=$1 want=$2 got
	shift 2
	set_hba "$@" "$orig"
	run --format=json audit
	got=$(jq -r '.findings[] | select(.rule == "citus-worker-password-login") |
		.object + " " + .detail' <<<"$OUT")
	check "$what ($got)" '[ "$(grep -c . <<<"$got")" -le 1 ] && grep -Eq "$want" <<<"$got"'
}
hba_case "an earlier reject for the tenants' group: not reported" '^$' \
	"host all +$grp 0.0.0.0/0 reject" "$password_line"
hba_case "an earlier trust line for the tenants' group: not reported" '^$' \
	"host all +$grp 0.0.0.0/0 trust" "$password_line"
hba_case "an earlier cert line for the group before a TLS-only password line: not reported" '^$' \
	"hostssl all +$grp all cert" "hostssl all all 10.99.0.0/16 scram-sha-256"
hba_case "... but a password line without TLS is reached: line 2" '^pg_hba.conf:2 ' \
	"hostssl all +$grp all cert" "$password_line"
hba_case "an earlier line for one tenant: the finding names the other, counted" \
	'^pg_hba.conf:2 .*every role, 1 tenant role among them \(b_user\)' \
	"host all a_user 0.0.0.0/0 reject" "$password_line"
hba_case "a password line for every role first: found, both tenants counted" \
	'^pg_hba.conf:1 .*every role, 2 tenant roles among them \(a_user, b_user\)' \
	"$password_line" "host all +$grp 0.0.0.0/0 reject"
hba_case "a password line for the tenants' group is found, naming them" \
	'^pg_hba.conf:1 .*from 2 tenant roles \(a_user, b_user\)' "host all +$grp 10.99.0.0/16 md5"
set_hba "$orig"

# A stopped worker is a finding that names it.
other=$(( 3 - w ))
down="127.0.0.1:${worker_ports[$((other - 1))]}"
stop_worker $other
run --format=json audit
check "a stopped worker: rc 1" '[ "$RC" = 1 ]'
check "a stopped worker is a high finding naming $down" \
	'[ "$(jq -r "[.findings[] | select(.rule == \"citus-node-unreachable\") | .severity + \" \" + .node] | join(\",\")" <<<"$OUT")" = "high $down" ]'
check "... and counts the nodes it audited: 2" '[ "$(jq .nodes <<<"$OUT")" = 2 ]'
run audit
check "... in the text report too" 'grep -q "citus-node-unreachable.*node $down" <<<"$OUT"'
start_worker $other

finish citus/audit
