"""One side of bench/python.sh: N tenants created in a Python loop, one call
a tenant, and the milliseconds it took on stdout.

  pyloop.py pgtenant CSV               DatabaseAdmin("").create_tenant per row
  pyloop.py psycopg CSV VERIFIERS      the same DDL through psycopg, one
                                       transaction a tenant, with the SCRAM
                                       verifiers hashed before (bench/verifier)

CSV is gen_bulk's (schema_name,username,password); the connection comes from
the PG* environment; PT_BENCH_INHERIT and PT_BENCH_GRANT_OPT say how this
server's tenants are made (bench/lib.sh's bulk_shape).
"""
import csv
import os
import sys
import time


def rows(path):
    with open(path, newline="") as f:
        r = csv.reader(f)
        next(r)
        return [tuple(x) for x in r]


def ident(s):
    return '"' + s.replace('"', '""') + '"'


def pgtenant_loop(tenants):
    import pgtenant

    with pgtenant.DatabaseAdmin("") as admin:
        t = time.perf_counter()
        for schema, user, pw in tenants:
            admin.create_tenant(pgtenant.TenantConfig(schema_name=schema, username=user,
                                                      password=pw))
        return time.perf_counter() - t


def psycopg_loop(tenants, verifiers):
    try:
        import psycopg
    except ImportError:  # psycopg 2 has the same calls for this
        import psycopg2 as psycopg
    inherit = os.environ.get("PT_BENCH_INHERIT", "INHERIT")
    opt = os.environ.get("PT_BENCH_GRANT_OPT", "")
    conn = psycopg.connect("")
    db = conn.info.dbname if hasattr(conn, "info") else conn.get_dsn_parameters()["dbname"]
    group = ident("pgtenant_tenants_" + db)
    t = time.perf_counter()
    for (schema, user, _), v in zip(tenants, verifiers):
        s, u = ident(schema), ident(user)
        with conn.cursor() as cur:
            cur.execute(f"CREATE ROLE {u} LOGIN PASSWORD '{v}' NOSUPERUSER NOCREATEDB "
                        f"NOCREATEROLE {inherit} NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 20")
            cur.execute(f"CREATE SCHEMA {s} AUTHORIZATION {u}")
            cur.execute(f"GRANT {group} TO {u}{opt}")
            cur.execute(f"ALTER ROLE {u} IN DATABASE {ident(db)} SET search_path = {s}")
        conn.commit()
    took = time.perf_counter() - t
    conn.close()
    return took


def main():
    who, path = sys.argv[1], sys.argv[2]
    tenants = rows(path)
    if who == "pgtenant":
        took = pgtenant_loop(tenants)
    else:
        with open(sys.argv[3]) as f:
            verifiers = [line.rstrip("\n") for line in f]
        if len(verifiers) != len(tenants):
            sys.exit("pyloop: %d verifiers for %d tenants" % (len(verifiers), len(tenants)))
        took = psycopg_loop(tenants, verifiers)
    print("%.1f" % (took * 1000))


if __name__ == "__main__":
    main()
