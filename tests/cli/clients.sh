#!/bin/bash
# Every --string-format with the real clients tenants use: psql (URI and
# key=value), Python psycopg 3, node-postgres, pgjdbc and the shell's
# export lines; over the unix socket, TCP, TLS with sslmode=require and
# TLS with sslmode=verify-full against a CA made here; with generated,
# all-printable-ASCII and UTF-8 passwords. Each client logs in with
# nothing but the string and reports who it is, which schema it lands in
# and whether the session is encrypted. A client that is not installed is
# a failure, never a skip. Run by tests/lib/run-test.
. "$PT_TOP_SRCDIR/tests/cli/lib.sh"
port=${PGPORT:?} pgdir=${PT_TEST_PGDIR:?}
# No stray client files: the string alone must be enough.
export PGPASSFILE=$tmp/no-pgpass PGSERVICEFILE=$tmp/no-service
# json EXPR: evaluate a Python expression over d = the JSON on stdin
json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]), end="")' "$1"; }
py=/usr/bin/python3   # Debian's, where python3-psycopg lives
jar=/usr/share/java/postgresql.jar
node_dir=${PT_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pgtenant/node}

# ---- the clients ----------------------------------------------------------
check "psql is installed" 'command -v psql >/dev/null'
check "python3-psycopg is installed" '$py -c "import psycopg" 2>/dev/null'
check "pgjdbc (libpostgresql-jdbc-java) is installed" '[ -r "$jar" ]'
check "javac is installed" 'command -v javac >/dev/null'
check "node is installed" 'command -v node >/dev/null'
# node-postgres comes from npm into a cache shared between runs.
if [ ! -f "$node_dir/node_modules/pg/package.json" ] && command -v npm >/dev/null; then
	mkdir -p "$node_dir"
	npm install --prefix "$node_dir" --no-audit --no-fund --silent pg@8 >/dev/null 2>&1
fi
check "node-postgres is installed in $node_dir" '[ -f "$node_dir/node_modules/pg/package.json" ]'
[ "$failed" = 0 ] || finish clients

# Who am I, where do I land, am I encrypted: one line every client prints.
Q="SELECT pg_catalog.concat_ws(',', current_user, pg_catalog.current_schema(),
  (SELECT s.ssl FROM pg_catalog.pg_stat_ssl s WHERE s.pid = pg_catalog.pg_backend_pid()))"

# Each client reads the connection string on stdin (never argv).
cat >"$tmp/client.py" <<'PY'
import sys, psycopg
with psycopg.connect(sys.stdin.read(), connect_timeout=10) as c:
    print(c.execute(sys.argv[1]).fetchone()[0])
PY
cat >"$tmp/client.js" <<'JS'
const { Client } = require(process.argv[2] + "/node_modules/pg");
let s = "";
process.stdin.on("data", d => (s += d)).on("end", async () => {
	const c = new Client({ connectionString: s, connectionTimeoutMillis: 10000 });
	try {
		await c.connect();
		const r = await c.query({ text: process.argv[3], rowMode: "array" });
		console.log(r.rows[0][0]);
		await c.end();
	} catch (e) {
		console.error(e.message);
		process.exit(1);
	}
});
JS
mkdir -p "$tmp/java"
cat >"$tmp/java/Client.java" <<'JAVA'
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.sql.*;

public class Client {
	public static void main(String[] args) throws Exception {
		String url = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
		try (Connection c = DriverManager.getConnection(url);
		     Statement s = c.createStatement();
		     ResultSet r = s.executeQuery(args[0])) {
			r.next();
			System.out.println(r.getString(1));
		}
	}
}
JAVA
javac -d "$tmp/java" "$tmp/java/Client.java" 2>"$tmp/javac.err"
check "the JDBC client compiles" '[ -f "$tmp/java/Client.class" ]'

# client NAME STRING: log in with NAME's client; sets GOT (stdout+stderr).
client() {
	local name=$1 cs=$2
	case $name in
	psql) GOT=$(psql -X -At -w -d "$cs" -c "$Q" 2>&1) ;;
	psycopg) GOT=$(printf '%s' "$cs" | "$py" "$tmp/client.py" "$Q" 2>&1) ;;
	node) GOT=$(printf '%s' "$cs" | NODE_NO_WARNINGS=1 node "$tmp/client.js" "$node_dir" "$Q" 2>&1) ;;
	jdbc) GOT=$(printf '%s' "$cs" | java -cp "$tmp/java:$jar" Client "$Q" 2>&1) ;;
	# the export lines in a shell with no PG* of its own, then psql
	shell) GOT=$(printf '%s' "$cs" | env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE \
		-u PGSSLMODE -u PGSSLROOTCERT bash -c 'eval "$(cat)"; psql -X -At -w -c "$1"' _ "$Q" 2>&1) ;;
	esac
}

# ---- TLS: a CA and a server certificate for 127.0.0.1 and localhost -------
# Turned on only after the plain transports: libpq's and pgjdbc's default
# sslmode=prefer would encrypt those too.
enable_tls() {
	openssl req -x509 -new -nodes -newkey rsa:2048 -days 2 -subj "/CN=pgtenant test CA" \
		-keyout "$tmp/ca.key" -out "$tmp/ca.crt" 2>/dev/null
	openssl req -new -nodes -newkey rsa:2048 -subj "/CN=127.0.0.1" \
		-keyout "$tmp/server.key" -out "$tmp/server.csr" 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$tmp/san.ext"
	openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" \
		-CAcreateserial -days 2 -extfile "$tmp/san.ext" -out "$tmp/server.crt" 2>/dev/null
	cp "$tmp/server.crt" "$tmp/server.key" "$pgdir/data/"
	chmod 600 "$pgdir/data/server.key"
	[ "$(id -u)" = 0 ] && chown postgres: "$pgdir/data/server.crt" "$pgdir/data/server.key"
	psql -X -q -c "ALTER SYSTEM SET ssl = on" -c "SELECT pg_catalog.pg_reload_conf()" >/dev/null
	for _ in $(seq 50); do
		[ "$(psql -X -At -d "host=127.0.0.1 sslmode=require" -c 'SHOW ssl' 2>/dev/null)" = on ] && break
		sleep 0.2
	done
	check "the server speaks TLS" \
		'[ "$(psql -X -At -d "host=127.0.0.1 sslmode=verify-full sslrootcert=$tmp/ca.crt" -c "SHOW ssl")" = on ]'
}

# ---- passwords ------------------------------------------------------------
ascii=$($py -c 'print("".join(chr(c) for c in range(33, 127)) + " x", end="")')
utf8='pässwörd-日本語-Ωmega-ñ'
# Outside Unicode 3.2 (SASLprep's tables): libpq falls back to the raw
# bytes, pgjdbc refuses to send it. The man page and README say so.
emoji='pässwörd-🐘'

# ---- the matrix -----------------------------------------------------------
# transport: the admin's target and extra options; ssl: what pg_stat_ssl says
declare -A target=(
	[socket]=""
	[tcp]="host=127.0.0.1 port=$port dbname=postgres"
	[require]="host=127.0.0.1 port=$port dbname=postgres sslmode=require"
	[verify]="host=127.0.0.1 port=$port dbname=postgres sslmode=verify-full sslrootcert=$tmp/ca.crt"
)
declare -A ssl=([socket]=f [tcp]=f [require]=t [verify]=t)
declare -A extra=([verify]="--tenant-sslrootcert=$tmp/ca.crt")
declare -A clients=(
	[uri]="psql psycopg node"
	[conninfo]="psql psycopg"
	[jdbc]="jdbc"
	[env]="shell"
)
# Encoding is the strings' business, transport the clients': every password
# over TCP, one each over the socket and TLS (a JVM start is slow).
declare -A passwords=([socket]=utf8 [tcp]="generated ascii utf8" [require]=generated
	[verify]=ascii)
n=0
for transport in socket tcp require verify; do
	[ $transport = require ] && enable_tls
	for pw in ${passwords[$transport]}; do
		n=$((n + 1))
		schema=tenant_c$n user=c${n}_user
		args=(--format=json)
		[ -n "${target[$transport]}" ] && args+=(-d "${target[$transport]}")
		[ -n "${extra[$transport]:-}" ] && args+=(${extra[$transport]})
		case $pw in
		generated) stdin= ;;
		ascii) stdin=$ascii; args+=(--password-stdin) ;;
		utf8) stdin=$utf8; args+=(--password-stdin) ;;
		esac
		first=1
		for fmt in uri conninfo jdbc env; do
			# create once, then rotate (to the same password when one is given)
			# so every form is what create or rotate-password printed
			if [ $first = 1 ]; then
				run --stdin "$stdin" create "$schema" "${args[@]}" --string-format "$fmt"
			else
				run --stdin "$stdin" rotate-password "$schema" "${args[@]}" --string-format="$fmt"
			fi
			first=0
			what="$transport/$pw/$fmt"
			check "$what: pgtenant succeeds (rc $RC)" '[ $RC = 0 ]'
			cs=$(printf '%s' "$OUT" | json 'd["connection_string"]')
			got_pw=$(printf '%s' "$OUT" | json 'd["password"]')
			[ $pw = generated ] || check "$what: the given password is kept" '[ "$got_pw" = "$stdin" ]'
			case $fmt in
			uri) check "$what: a URI" '[[ "$cs" == postgresql://* ]]' ;;
			conninfo) check "$what: key=value" '[[ "$cs" == "host='"'"'"* ]]' ;;
			jdbc) check "$what: a JDBC URL" '[[ "$cs" == jdbc:postgresql://* ]]' ;;
			env) check "$what: export lines" '[[ "$cs" == "export PGHOST="* ]]' ;;
			esac
			# the admin's CA path never travels; the tenant's does when given
			if [ $transport = verify ]; then
				check "$what: carries --tenant-sslrootcert" '[[ "$cs" == *ca.crt* ]]'
			else
				check "$what: no sslrootcert" '[[ "$cs" != *sslrootcert* && "$cs" != *SSLROOTCERT* ]]'
			fi
			if [ $fmt = jdbc ] && [ $transport = socket ]; then
				check "$what: warns that JDBC has no unix sockets" \
					'[[ "$ERR" == *"JDBC has no unix sockets"*"--tenant-host"* ]]'
				check "$what: and says localhost" '[[ "$cs" == jdbc:postgresql://localhost:* ]]'
			else
				check "$what: no JDBC warning" '[[ "$ERR" != *"JDBC"* ]]'
			fi
			for cl in ${clients[$fmt]}; do
				client "$cl" "$cs"
				want="$user,$schema,${ssl[$transport]}"
				# node-postgres reads sslmode=require as verify-full: without the
				# CA it must refuse the test CA's certificate (the man page says so)
				if [ $cl = node ] && [ $transport = require ]; then
					check "$what: node-postgres verifies under sslmode=require ($GOT)" \
						'[[ "$GOT" == *certificate* ]]'
					continue
				fi
				# pgjdbc over the socket's "localhost" reaches TCP, without TLS
				check "$what: $cl logs in as the tenant in its schema (got: $GOT)" \
					'[ "$GOT" = "$want" ]'
			done
		done
	done
done

# ---- the CA warning and the admin's own CA path ---------------------------
# verify-full without --tenant-sslrootcert: the tenant needs a CA it may not
# have; say so. A relative sslrootcert of the admin's never travels.
cp "$tmp/ca.crt" "$tmp/xdg-ca.crt"
(cd "$tmp" && run create tenant_noca -d "host=127.0.0.1 port=$port dbname=postgres sslmode=verify-full sslrootcert=xdg-ca.crt" --format=json
 printf '%s\n%s\n%s\n' "$RC" "$OUT" "$ERR" >"$tmp/noca")
RC=$(sed -n 1p "$tmp/noca") OUT=$(sed -n 2p "$tmp/noca") ERR=$(sed -n '3,$p' "$tmp/noca")
cs=$(printf '%s' "$OUT" | json 'd["connection_string"]')
check "verify-full without a tenant CA: created (rc $RC)" '[ $RC = 0 ]'
check "verify-full without a tenant CA: warns the tenant needs the CA" \
	'[[ "$ERR" == *"names no CA certificate"*"--tenant-sslrootcert"* ]]'
check "the admin's relative sslrootcert is not copied" \
	'[[ "$cs" != *sslrootcert* && "$cs" == *sslmode=verify-full* ]]'
run create tenant_noca2 -d "${target[require]}" --format=json
check "sslmode=require: no CA warning" '[ $RC = 0 ] && [[ "$ERR" != *"CA certificate"* ]]'

# ---- the configuration file keys -------------------------------------------
mkdir -p "$XDG_CONFIG_HOME/pgtenant"
printf 'string_format = jdbc\ntenant_sslrootcert = /etc/tenant-ca.pem\ntenant_host = 127.0.0.1\n' \
	>"$XDG_CONFIG_HOME/pgtenant/config"
run create tenant_conf -d "${target[verify]}" --format=json
cs=$(printf '%s' "$OUT" | json 'd["connection_string"]')
check "string_format and tenant_sslrootcert from the file" \
	'[[ "$cs" == jdbc:postgresql://127.0.0.1:*sslrootcert=%2Fetc%2Ftenant-ca.pem ]]'
run create tenant_conf2 -d "${target[verify]}" --format=json --string-format uri
cs=$(printf '%s' "$OUT" | json 'd["connection_string"]')
check "--string-format overrides the file" '[[ "$cs" == postgresql://* ]]'
printf 'string_format = yaml\n' >"$XDG_CONFIG_HOME/pgtenant/config"
run list
check "a bad string_format is refused (rc $RC)" \
	'[ $RC = 2 ] && [[ "$ERR" == *"string_format \"yaml\" must be uri, conninfo, jdbc or env"* ]]'
rm -f "$XDG_CONFIG_HOME/pgtenant/config"

# ---- create --from with a chosen form ---------------------------------------
printf 'schema_name,username,password\ntenant_bulk1,,\ntenant_bulk2,,%s\n' "$utf8" >"$tmp/bulk.csv"
run create --from "$tmp/bulk.csv" -d "${target[tcp]}" --string-format=jdbc --format=json
check "create --from --string-format=jdbc (rc $RC)" '[ $RC = 0 ]'
for i in 0 1; do
	cs=$(printf '%s' "$OUT" | json "d[$i]['connection_string']")
	client jdbc "$cs"
	# pgjdbc's default sslmode=prefer finds TLS on by now
	check "create --from row $i: pgjdbc logs in (got: $GOT)" \
		'[ "$GOT" = "bulk$((i + 1))_user,tenant_bulk$((i + 1)),t" ]'
done

# ---- what a client cannot take ---------------------------------------------
run --stdin "$emoji" create tenant_emoji -d "${target[tcp]}" --password-stdin --format=json \
	--string-format=jdbc
cs=$(printf '%s' "$OUT" | json 'd["connection_string"]')
client jdbc "$cs"
check "pgjdbc refuses a password SASLprep prohibits (got: ${GOT:0:200})" \
	'[[ "$GOT" == *"Prohibited character"* ]]'
run --stdin "$emoji" rotate-password tenant_emoji -d "${target[tcp]}" --password-stdin \
	--format=json
client psql "$(printf '%s' "$OUT" | json 'd["connection_string"]')"
check "psql takes the same password (got: $GOT)" '[ "$GOT" = "emoji_user,tenant_emoji,t" ]'
run --stdin "$utf8" rotate-password tenant_bulk2 --string-format=xml
check "an unknown --string-format is a usage error (rc $RC)" \
	'[ $RC = 2 ] && [[ "$ERR" == *"use uri, conninfo, jdbc or env"* ]]'

finish clients
