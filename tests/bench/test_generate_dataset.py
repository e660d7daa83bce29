"""The command: its safety checks, and a whole run into a database it creates."""

import io

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from bench import dataset
from itou.demo.management.commands import generate_dataset
from tests.bench.conftest import APPELLATIONS, COMMUNES


def url_of(name: str) -> str:
    params = connection.settings_dict
    return f"postgresql://{params['USER']}:{params['PASSWORD'] or ''}@/{name}?host={params['HOST']}"


def run(*args) -> str:
    stdout = io.StringIO()
    call_command("generate_dataset", *args, stdout=stdout)
    return stdout.getvalue()


@pytest.fixture
def target():
    """A database of the test server, dropped afterwards (one per test process)."""
    name = f"{connection.settings_dict['NAME']}_target"
    url = url_of(name)

    def drop():
        params = psycopg.conninfo.conninfo_to_dict(url)
        with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    drop()
    yield url
    drop()


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(lambda: url_of(connection.settings_dict["NAME"]), id="test-database"),
        pytest.param(lambda: settings.DATABASE_URL, id="DATABASE_URL"),
        pytest.param(
            lambda: url_of(psycopg.conninfo.conninfo_to_dict(settings.DATABASE_URL)["dbname"]),
            id="same-name-over-socket",
        ),
        pytest.param(
            lambda: f"postgresql://postgres@localhost:5432/{connection.settings_dict['NAME']}", id="same-name-over-tcp"
        ),
    ],
)
def test_refuses_the_application_database(url):
    with pytest.raises(CommandError, match="celle de l'application"):
        run("--scale", "demo", "--database-url", url())


def test_refuses_system_databases():
    with pytest.raises(CommandError, match="base système"):
        run("--scale", "demo", "--database-url", url_of("postgres"))


def test_the_url_is_required():
    with pytest.raises(CommandError, match="--database-url"):
        run("--scale", "demo")


def test_refuses_a_database_with_users(target):
    dataset.ensure_database(target)
    with psycopg.connect(target, autocommit=True) as other:
        other.execute("CREATE TABLE users_user (id bigint)")
        other.execute("INSERT INTO users_user VALUES (1)")
    with pytest.raises(CommandError, match="contient déjà 1 utilisateurs : ajoutez --force"):
        run("--scale", "demo", "--database-url", target)
    with psycopg.connect(target) as other:  # nothing ran: no migration
        assert other.execute("SELECT to_regclass('django_migrations')").fetchone()[0] is None


def test_creates_and_fills_a_database(target, monkeypatch):
    """The whole command, with the reference imports cut down to the test referential."""

    run_on_target = generate_dataset.run_on_target
    done = set()

    def prepare(url, args, *, verbosity):
        if args[0] == "migrate":
            run_on_target(url, args, verbosity=0)
        if args[0] in done:  # the reference data is already there on the second run
            return
        done.add(args[0])
        if args[0] == "import_geo":
            with psycopg.connect(url) as other:
                other.execute("INSERT INTO geo_region VALUES ('84', 'Auvergne-Rhône-Alpes')")
                other.execute("INSERT INTO geo_department VALUES ('69', 'Rhône', '84'), ('01', 'Ain', '84')")
                with other.cursor().copy(
                    "COPY geo_commune (code, name, department_id, postal_codes, population, latitude, longitude, "
                    "search_text) FROM STDIN"
                ) as copy:
                    for row in COMMUNES:
                        copy.write_row((*row, ""))
        elif args[0] == "import_rome":
            with psycopg.connect(url) as other:
                other.execute("INSERT INTO jobs_romedomain VALUES ('K', 'Services')")
                other.execute("INSERT INTO jobs_rome VALUES ('K2204', 'Nettoyage de locaux', 'K')")
                for code, name in APPELLATIONS:
                    other.execute(
                        "INSERT INTO jobs_appellation (code, name, rome_id, search_text) VALUES (%s, %s, %s, '')",
                        [code, name, "K2204"],
                    )

    monkeypatch.setattr(generate_dataset, "run_on_target", prepare)
    output = run("--scale", "demo", "--database-url", target, "--date", "2026-06-01")
    assert "Base cible « test_" in output and "créée" in output
    assert "Monde « demo » (graine 1) généré" in output
    assert "job_applications_jobapplication" in output and "Durée totale" in output
    assert dataset.BENCH_PASSWORD in output

    def counts():
        with psycopg.connect(target) as other:
            return other.execute(
                "SELECT (SELECT count(*) FROM users_user WHERE kind = 'job_seeker'),"
                " (SELECT count(*) FROM job_applications_jobapplication),"
                " (SELECT md5(string_agg(id::text || state, ',' ORDER BY id)) FROM job_applications_jobapplication)"
            ).fetchone()

    first = counts()
    assert first[:2] == (200, 400)
    # Not twice by accident; on purpose with --force (same seed and date: same rows).
    with pytest.raises(CommandError, match="ajoutez --force"):
        run("--scale", "demo", "--database-url", target)
    run("--scale", "demo", "--database-url", target, "--date", "2026-06-01", "--force", "--verbosity", "0")
    assert counts() == first
