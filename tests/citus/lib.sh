# Shared by the Citus tests (sourced): the command-test helpers, plus SQL
# on the coordinator and on each worker. tests/lib/run-test has started
# the cluster and exported CITUS_* and PG* (PG* name the coordinator).
. "$PT_TOP_SRCDIR/tests/cli/lib.sh"
read -r -a worker_ports <<<"${CITUS_WORKER_PORTS:?}"

# coord SQL: on the coordinator as the admin; prints unaligned rows.
coord() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1" 2>&1; }
# worker N SQL: on worker N (1 or 2), directly as the admin over its
# socket (the workers' pg_hba.conf trusts only that and the nodes).
worker() { psql -X -q -At -v ON_ERROR_STOP=1 -p "${worker_ports[$(($1 - 1))]}" -c "$2" 2>&1; }
# stop_worker N / start_worker N: take a worker down and bring it back
# (the servers run as the postgres OS user when the tests run as root).
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_worker() {
	as_owner "$CITUS_BINDIR/pg_ctl" -D "$CITUS_DIR/worker$1/data" \
		-m immediate -w stop >/dev/null
}
start_worker() {
	as_owner "$CITUS_BINDIR/pg_ctl" -D "$CITUS_DIR/worker$1/data" \
		-l "$CITUS_DIR/worker$1/server.log" -w start >/dev/null
}

# node_of SCHEMA: the worker ("host:port") that holds a distributed
# schema, by the catalog: pg_dist_schema -> pg_dist_partition ->
# pg_dist_shard -> pg_dist_placement -> pg_dist_node.
node_of() {
	coord "SELECT DISTINCT n.nodename || ':' || n.nodeport FROM pg_dist_schema s
	        JOIN pg_dist_partition p ON p.colocationid = s.colocationid
	        JOIN pg_dist_shard d ON d.logicalrelid = p.logicalrelid
	        JOIN pg_dist_placement pl ON pl.shardid = d.shardid
	        JOIN pg_dist_node n ON n.groupid = pl.groupid
	       WHERE s.schemaid = '$1'::regnamespace"
}
# json EXPR: EXPR evaluated in Python over the JSON on stdin (as d).
json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
