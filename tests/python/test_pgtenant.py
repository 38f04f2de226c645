"""The pgtenant Python package against a real server: the onboarding
example, each exception from a real failure, no password in any repr, str
or exception, and 100 tenants from 4 threads."""
import dataclasses
import json
import logging
import threading

import psycopg
import pytest

import pgtenant
from pgtenant import (DatabaseAdmin, DatabaseConnectionError, InvalidInputError,
                      NotFoundError, PgtenantError, PrivilegeError, TenantConfig,
                      TenantCredentials, TenantExistsError)


def login(connection_string):
    # Only what the string says: no PG* variable may help the tenant in.
    return psycopg.connect(connection_string, autocommit=True)


def test_library_loaded():
    assert pgtenant.library_version()


def test_onboarding_example(admin_url):
    """The README's customer onboarding, end to end."""
    admin = DatabaseAdmin(admin_url)
    config = TenantConfig(schema_name="tenant_acme", username="acme_user", password="")
    credentials = admin.create_tenant(config)

    assert credentials.username == "acme_user"
    assert credentials.schema_name == "tenant_acme"
    assert len(credentials.password) == 32 and credentials.password.isalnum()
    assert credentials.connection_string.startswith("postgresql://")
    assert [f.name for f in dataclasses.fields(credentials)] == [
        "username", "password", "schema_name", "connection_string"]

    with login(credentials.connection_string) as c:
        row = c.execute("SELECT current_user, current_schema()").fetchone()
        assert row == ("acme_user", "tenant_acme")
        c.execute("CREATE TABLE orders (id int)")
        c.execute("INSERT INTO orders VALUES (1)")
        assert c.execute("SELECT count(*) FROM tenant_acme.orders").fetchone() == (1,)

    listed = {t.schema_name: t for t in admin.list_tenants(with_sizes=True)}
    assert listed["tenant_acme"].role == "acme_user"
    assert listed["tenant_acme"].tables == 1
    assert listed["tenant_acme"].size_bytes is not None and listed["tenant_acme"].size_bytes > 0
    assert not listed["tenant_acme"].locked
    admin.close()


def test_derived_username_and_given_password(admin_url):
    with DatabaseAdmin(admin_url) as admin:
        cr = admin.create_tenant(TenantConfig("tenant_given", password="Given-Pw-42"))
        assert cr.username == "given_user" and cr.password == "Given-Pw-42"
        with login(cr.connection_string) as c:
            assert c.execute("SELECT current_user").fetchone() == ("given_user",)


def test_rotate_lock_alter_drop_audit(admin_url, superuser):
    with DatabaseAdmin(admin_url) as admin:
        old = admin.create_tenant(TenantConfig("tenant_ops"))
        new = admin.rotate_password("tenant_ops")
        assert new.password != old.password and new.username == "ops_user"
        with pytest.raises(psycopg.OperationalError):
            login(old.connection_string).close()
        session = login(new.connection_string)
        # Its session ends with the lock (and a session closing just
        # before may still be counted: at least one, then).
        assert admin.lock_tenant("tenant_ops", terminate_sessions=True) >= 1
        with pytest.raises(psycopg.OperationalError):
            session.execute("SELECT 1")
        session.close()
        assert [t.locked for t in admin.list_tenants() if t.schema_name == "tenant_ops"] == [True]
        with pytest.raises(psycopg.OperationalError):
            login(new.connection_string).close()
        admin.unlock_tenant("tenant_ops")
        login(new.connection_string).close()

        admin.alter_tenant("tenant_ops", connection_limit=4,
                           settings={"statement_timeout": "1500"})
        assert superuser.execute(
            "SELECT rolconnlimit FROM pg_roles WHERE rolname = 'ops_user'").fetchone() == (4,)
        with login(new.connection_string) as c:
            assert c.execute("SHOW statement_timeout").fetchone() == ("1500ms",)
        with pytest.raises(InvalidInputError):
            admin.alter_tenant("tenant_ops", settings={"search_path": "public"})

        report = admin.audit()
        assert isinstance(report["findings"], list) and "failed" in report

        admin.drop_tenant("tenant_ops")
        assert "tenant_ops" not in [t.schema_name for t in admin.list_tenants()]
        assert superuser.execute(
            "SELECT count(*) FROM pg_roles WHERE rolname = 'ops_user'").fetchone() == (0,)


def test_exists_error(admin_url):
    with DatabaseAdmin(admin_url) as admin:
        admin.create_tenant(TenantConfig("tenant_dup", "dup_user"))
        with pytest.raises(TenantExistsError) as e:
            admin.create_tenant(TenantConfig("tenant_dup", "dup_user"))
        assert isinstance(e.value, PgtenantError)
        assert e.value.category == "exists"
        assert e.value.sqlstate in ("42710", "42P06", "23505")
        # Another schema, the same role: the role exists.
        with pytest.raises(TenantExistsError):
            admin.create_tenant(TenantConfig("tenant_dup2", "dup_user"))
        assert "tenant_dup2" not in [t.schema_name for t in admin.list_tenants()]


def test_group_made_once_per_database(superuser, pg):
    """The first tenant of a database makes the tenants' group in its own
    transaction; the next ones on the same handle only join it, and no
    statement fails on the way (the server log holds every statement)."""
    db = "pt_fresh_group"
    superuser.execute(f'DROP DATABASE IF EXISTS "{db}"')
    superuser.execute(f'CREATE DATABASE "{db}"')
    with open(pg["log"]) as f:
        f.seek(0, 2)
        start = f.tell()
    url = f"postgresql://pgtadmin@127.0.0.1:{pg['port']}/{db}"
    try:
        with DatabaseAdmin(url) as admin:
            for i in range(3):
                admin.create_tenant(TenantConfig(f"tenant_fg{i}"))
            assert len(admin.list_tenants()) == 3
        with open(pg["log"]) as f:
            f.seek(start)
            log = f.read()
        assert log.count("NOLOGIN NOINHERIT") == 1
        assert "already exists" not in log
    finally:
        superuser.execute(f'DROP DATABASE "{db}"')
        for i in range(3):
            superuser.execute(f"DROP ROLE IF EXISTS fg{i}_user")
        superuser.execute(f"DROP ROLE IF EXISTS pgtenant_tenants_{db}")


def test_privilege_error(admin_url, superuser, pg):
    superuser.execute("CREATE ROLE weak_admin LOGIN PASSWORD 'Weak-Pw-1'")
    url = f"postgresql://weak_admin:Weak-Pw-1@127.0.0.1:{pg['port']}/{pg['db']}"
    with DatabaseAdmin(url) as admin:
        with pytest.raises(PrivilegeError) as e:
            admin.create_tenant(TenantConfig("tenant_weak"))
    assert e.value.category == "privilege"
    assert "Weak-Pw-1" not in str(e.value) and "Weak-Pw-1" not in repr(e.value)


def test_connection_error_server_down(pg):
    # Port 1 on the loopback: nothing listens, the connection is refused.
    with pytest.raises(DatabaseConnectionError) as e:
        DatabaseAdmin(f"postgresql://pgtadmin:Admin-Pw-9@127.0.0.1:1/{pg['db']}?connect_timeout=5")
    assert isinstance(e.value, ConnectionError) and isinstance(e.value, PgtenantError)
    assert e.value.category == "connection" and e.value.sqlstate == ""
    assert "Admin-Pw-9" not in str(e.value)


def test_connection_error_bad_password(pg, superuser):
    superuser.execute("CREATE ROLE pw_admin LOGIN CREATEROLE PASSWORD 'Right-Pw-1'")
    with pytest.raises(DatabaseConnectionError) as e:
        DatabaseAdmin(f"postgresql://pw_admin:Wrong-Pw-1@127.0.0.1:{pg['port']}/{pg['db']}")
    assert "Wrong-Pw-1" not in str(e.value) and "Wrong-Pw-1" not in repr(e.value)


@pytest.mark.parametrize("schema,user", [
    ("Tenant_Acme", ""), ("tenant-acme", ""), ("pg_tenant", ""),
    ("tenant_ok", "Bad User"), ("x" * 64, ""), ("tenant_q'; DROP ROLE pgtadmin; --", ""),
])
def test_invalid_input_error(admin_url, schema, user):
    with DatabaseAdmin(admin_url) as admin:
        with pytest.raises(InvalidInputError) as e:
            admin.create_tenant(TenantConfig(schema, user))
        assert isinstance(e.value, ValueError) and e.value.category == "invalid"


def test_not_found_error(admin_url):
    with DatabaseAdmin(admin_url) as admin:
        for call in (lambda: admin.drop_tenant("tenant_nobody"),
                     lambda: admin.rotate_password("tenant_nobody"),
                     lambda: admin.lock_tenant("tenant_nobody")):
            with pytest.raises(NotFoundError) as e:
                call()
            assert e.value.category == "not_found"


def test_closed_admin(admin_url):
    admin = DatabaseAdmin(admin_url)
    admin.close()
    with pytest.raises(PgtenantError):
        admin.list_tenants()


def test_no_password_in_repr_str_or_exceptions(admin_url, pg, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "Sekr1t-Pass-Word-77"
    cfg = TenantConfig("tenant_secret", "secret_user", secret)
    assert secret not in repr(cfg) and secret not in str(cfg)
    with DatabaseAdmin(admin_url) as admin:
        assert "pgtadmin" not in repr(admin)
        cr = admin.create_tenant(cfg)
        assert cr.password == secret
        for text in (repr(cr), str(cr), f"{cr}", "%s" % (cr,), repr([cr])):
            assert secret not in text and cr.connection_string not in text
            assert "secret_user" in text
        with pytest.raises(TypeError):
            import pickle
            pickle.dumps(cr)
        # Every failure with the secret in play: not in the exception.
        failures = []
        for call in (lambda: admin.create_tenant(cfg),
                     lambda: admin.create_tenant(TenantConfig("Bad-Name", "", secret)),
                     lambda: admin.rotate_password("tenant_nobody", secret)):
            with pytest.raises(PgtenantError) as e:
                call()
            failures.append(e.value)
        for exc in failures:
            blob = repr(exc) + str(exc) + repr(exc.args) + exc.detail + json.dumps(vars(exc))
            assert secret not in blob
        logging.getLogger("app").info("created %s", cr)   # as an app would log it
    assert secret not in caplog.text and "secret_user" in caplog.text
    # Nor in the server's log: the password went as a SCRAM verifier.
    if pg["log"]:
        with open(pg["log"], encoding="utf-8", errors="replace") as f:
            assert secret not in f.read()


def test_100_tenants_from_4_threads(admin_url, pg):
    errors, made = [], {}

    def worker(k):
        try:
            with DatabaseAdmin(admin_url) as admin:
                for i in range(25):
                    cr = admin.create_tenant(TenantConfig(f"tenant_t{k}_{i}"))
                    made[cr.schema_name] = cr
        except Exception as e:  # reported below, with the thread's number
            errors.append((k, e))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(made) == 100
    assert len({cr.password for cr in made.values()}) == 100
    with DatabaseAdmin(admin_url) as admin:
        listed = {t.schema_name for t in admin.list_tenants()}
    assert set(made) <= listed
    # A few of them log in.
    for name in ("tenant_t0_0", "tenant_t3_24", "tenant_t2_11"):
        with login(made[name].connection_string) as c:
            assert c.execute("SELECT current_schema()").fetchone() == (name,)


def test_library_discovery(tmp_path):
    """Where the package looks: PGTENANT_LIBRARY first, else (installed
    away from a build tree) the dynamic linker's path; nothing found is an
    ImportError that says what to set."""
    import os
    import shutil
    import subprocess
    import sys

    built = os.environ["PGTENANT_LIBRARY"]
    pkg = os.path.dirname(pgtenant.__file__)
    shutil.copytree(pkg, tmp_path / "site" / "pgtenant")
    code = "import pgtenant, pgtenant._native as n; print(n.lib._name)"

    def run(**env):
        e = {k: v for k, v in os.environ.items()
             if k not in ("PGTENANT_LIBRARY", "LD_LIBRARY_PATH", "PYTHONPATH")}
        e.update(env, PYTHONPATH=str(tmp_path / "site"))
        return subprocess.run([sys.executable, "-c", code], env=e, cwd=tmp_path,
                              capture_output=True, text=True)

    r = run(PGTENANT_LIBRARY=built)
    assert r.returncode == 0 and r.stdout.strip() == built
    r = run(LD_LIBRARY_PATH=os.path.dirname(built))
    assert r.returncode == 0 and r.stdout.strip().endswith("libpgtenant.so.0")
    r = run()
    assert r.returncode != 0 and "PGTENANT_LIBRARY" in r.stderr


@pytest.mark.parametrize("url", [
    "postgresql://admin:Adm1n%zzPw@127.0.0.1:1/db",
    "postgresql://admin@127.0.0.1:1/db?password=Adm1n%zzPw",
])
def test_admin_password_not_in_connect_errors(url):
    # libpq quotes the token it cannot parse: here the admin's password.
    with pytest.raises(DatabaseConnectionError) as e:
        DatabaseAdmin(url)
    assert "percent-encoded" in str(e.value)
    assert "Adm1n" not in str(e.value) + repr(e.value) + e.value.detail
