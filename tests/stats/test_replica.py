"""Figures read from a real streaming replica (pg_basebackup -R of a throwaway primary that
holds the test database's schema), everything else from the primary (docs/deploiement.md)."""

import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from itou.geo.models import Region
from itou.utils.replica import REPLICA_ALIAS, read_from_replica
from scripts.pgcluster import PgCluster, bin_dir, wait_for

# Two throwaway PostgreSQL servers cost 15–20 s on the 2-core CI machine: run by `make bench`
# (pytest -m slow), or `make test ARGS="-m slow tests/stats/test_replica.py"`.
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def replica_cluster(django_db_setup, django_db_blocker):
    """A primary with the test database's schema and one row of its own (a department only
    it has), and its streaming replica."""
    root = Path(tempfile.mkdtemp(prefix="itou-replica-"))
    root.chmod(0o755)
    primary = PgCluster(root / "primary", _free_port()).init().start()
    replica = None
    try:
        with django_db_blocker.unblock():
            source = connection.settings_dict
        env = {"PGPASSWORD": source.get("PASSWORD") or ""}
        schema = subprocess.run(
            [str(bin_dir() / "pg_dump"), "--schema-only", "--no-owner", "--no-privileges"]
            + ["-h", source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432), "-U", source["USER"]]
            + [source["NAME"]],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        ).stdout
        with psycopg.connect(primary.dsn(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE itou")
        subprocess.run(
            [str(bin_dir() / "psql"), "-q", "-v", "ON_ERROR_STOP=0", primary.dsn("itou")],
            input=schema,
            check=True,
            capture_output=True,
            text=True,
        )
        with psycopg.connect(primary.dsn("itou"), autocommit=True) as conn:
            conn.execute("INSERT INTO geo_region (code, name) VALUES ('RR', 'Région du réplica')")
            conn.execute(
                "INSERT INTO geo_department (code, name, region_id) VALUES ('RR', 'Département du réplica', 'RR')"
            )
        replica = primary.replica(root / "replica", _free_port())

        def replicated():
            with psycopg.connect(replica.dsn("itou"), autocommit=True) as conn:
                return conn.execute("SELECT count(*) FROM geo_department WHERE code = 'RR'").fetchone()[0] == 1

        wait_for(replicated)
        yield primary, replica
    finally:
        if replica:
            replica.stop("immediate")
        primary.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def replica_alias(replica_cluster):
    """DATABASE_REPLICA_URL pointing at the replica, for this test."""
    _primary, replica = replica_cluster
    config = dict(connections.settings["default"])
    config.update(NAME="itou", HOST="127.0.0.1", PORT=str(replica.port), USER="postgres", PASSWORD="")
    config["TEST"] = {"MIRROR": "default"}
    config["CONN_MAX_AGE"] = None  # one connection for the whole test
    connections.settings[REPLICA_ALIAS] = config
    # The test case only allows the aliases declared when it was set up: connect explicitly
    # (its guard stops only the connections that are not open yet).
    connections[REPLICA_ALIAS] = connections.create_connection(REPLICA_ALIAS)
    connections[REPLICA_ALIAS].connect()
    yield connections[REPLICA_ALIAS]
    connections[REPLICA_ALIAS].close()
    del connections.settings[REPLICA_ALIAS]
    del connections[REPLICA_ALIAS]


def test_public_figures_are_read_from_the_replica(client, replica_alias):
    with replica_alias.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
    with CaptureQueriesContext(replica_alias) as on_replica:
        html = client.get(reverse("stats:public")).content.decode()
    # The department exists only on the replica: the page read it there.
    assert "Département du réplica" in html
    assert on_replica.captured_queries

    with CaptureQueriesContext(replica_alias) as on_replica:
        response = client.get(reverse("stats:public_csv"))
        body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200 and "Mois" in body
    assert on_replica.captured_queries


def test_writes_and_other_pages_stay_on_the_primary(client, replica_alias):
    with CaptureQueriesContext(replica_alias) as on_replica:
        assert client.get(reverse("home:index")).status_code == 200
        assert not Region.objects.filter(code="RR").exists()  # the primary has no such row
    assert not on_replica.captured_queries

    with read_from_replica():
        assert Region.objects.filter(code="RR").exists()
        Region.objects.create(code="WW", name="Écrite pendant une lecture de chiffres")
    assert Region.objects.filter(code="WW").exists()  # written on the primary
    with replica_alias.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM geo_region WHERE code = 'WW'")
        assert cursor.fetchone()[0] == 0
