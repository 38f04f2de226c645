"""The throwaway server tests/lib/run-test started (PGHOST is its socket
directory, PGPORT its port, PGUSER the superuser pgtadmin, trusted on the
socket and on 127.0.0.1; every other role logs in with SCRAM)."""
import os

import psycopg
import pytest


@pytest.fixture(scope="session")
def pg():
    for var in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE"):
        assert os.environ.get(var), f"{var} is not set: run through tests/python/run.sh"
    return {
        "port": os.environ["PGPORT"],
        "db": os.environ["PGDATABASE"],
        "host": os.environ["PGHOST"],
        "log": os.environ.get("PT_TEST_SERVER_LOG", ""),
    }


@pytest.fixture(scope="session")
def admin_url(pg):
    return f"postgresql://pgtadmin@127.0.0.1:{pg['port']}/{pg['db']}"


@pytest.fixture
def superuser(pg):
    """A psycopg connection as the superuser, for setting the stage."""
    with psycopg.connect(host=pg["host"], port=pg["port"], user="pgtadmin",
                         dbname=pg["db"], autocommit=True) as c:
        yield c
