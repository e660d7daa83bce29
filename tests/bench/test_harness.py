"""Smoke test of the benchmark harness (bench/run.py, bench/load.py) on the demo world.

No timing is checked here and nothing is benchmarked: `make bench` does that on the
France-scale database. bench/locustfile.py is not imported (locust patches the standard
library with gevent when imported).
"""

import pytest
from django.test import Client
from django.urls import reverse

from bench import load, run


def test_bench_database_is_never_the_dev_database(monkeypatch):
    assert run.with_database_name("postgresql://postgres:@/itou?host=/tmp/pg", "bench_france") == (
        "postgresql://postgres:@/bench_france?host=/tmp/pg"
    )
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgresql://postgres:@/itou?host=/tmp/pg")
    with pytest.raises(SystemExit):
        run.bench_database_url()


def test_pages_are_measured_and_reported(demo_world):
    actors = run.bench_actors()
    pages, _skipped = run.pages(actors)
    names = [page.name for page in pages]
    assert "Candidatures reçues (employeur)" in names
    assert "Tableau de bord employeur" in names
    measured = [
        page
        for page in pages
        if page.name
        in {
            "Recherche employeurs, commune + 25 km",
            "Candidatures reçues (employeur)",
            "Candidatures envoyées (prescripteur)",
            "Mes candidatures (candidat)",
            "Fiche candidature (employeur)",
        }
    ]
    results = [run.measure(page, requests=2, warmup=1) for page in measured]
    for result in results:
        assert not result.error, (result.page.name, result.error)
        assert len(result.times_ms) == 2
        assert result.queries > 0
    # Every role's dashboard (issue 18): measured without error, at most 10 queries.
    dashboards = [page for page in pages if page.name.startswith("Tableau de bord")]
    assert {"Tableau de bord employeur", "Tableau de bord prescripteur", "Tableau de bord candidat"} <= {
        page.name for page in dashboards
    }
    assert any(page.name.startswith("Tableau de bord institution (DGEFP") for page in dashboards)
    for result in [run.measure(page, requests=2, warmup=1) for page in dashboards]:
        assert not result.error, (result.page.name, result.error)
        assert 0 < result.queries <= 10, (result.page.name, result.queries)
    assert run.BUDGET_MS["dashboard"] <= 100
    # The API calls made with a token (docs/api.md): a department's search, an employer's list.
    api_pages = [page for page in pages if page.api_token]
    for result in [run.measure(page, requests=2, warmup=1) for page in api_pages]:
        assert not result.error, (result.page.name, result.error)
    text = run.report(results, ["Exemple"], run.machine_facts(), run.postgresql_facts(), "1", "1", actors, 2, 1.0)
    assert "| Candidatures reçues (employeur)" in text
    assert "Pages sans URL dans ce code (non mesurées) : Exemple." in text


def test_trivial_view_is_routed_by_the_bench_urlconf_only(settings):
    with pytest.raises(Exception):  # noqa: B017 — NoReverseMatch: not a real route
        reverse("bench_trivial")
    settings.ROOT_URLCONF = "bench.urls"
    response = Client().get("/__bench__/trivial/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert Client().get("/rechercher/employeurs/").status_code == 200


def test_load_report(tmp_path):
    header = "Type,Name,Request Count,Failure Count,Average Content Size,Requests/s,50%,95%,99%\n"
    rates = [
        ("Trivial", "400.0"),
        ("AnonymousSearch", "150.5"),
        ("JobSearch", "210.0"),
        ("CachedSearch", "300.0"),
        ("EmployerInbox", "60.0"),
    ]
    for name, rps in rates:
        (tmp_path / f"{name}_stats.csv").write_text(
            header + f"GET,/x/,10,0,100,{rps},5,9,12\n,Aggregated,10,0,100,{rps},5,9,12\n"
        )
    results = [(scenario, load.read_stats(str(tmp_path / scenario[0]))) for scenario in load.SCENARIOS]

    class Args:
        users, duration = 6, 30

    text = load.report(results, {"nproc": "2"}, {}, "1", "1", Args, "employeur1@bench.inclusion.test", 10, 2)
    assert "| recherche employeurs anonyme, 25 km, sans cache | 150,5 | 38 % | ≥ 200 req/s : ❌ |" in text
    assert "| recherche fiches de poste anonyme, 25 km, sans cache | 210,0 | 52 % | ≥ 200 req/s : ✅ |" in text
    assert "| recherche employeurs anonyme répétée (cache) | 300,0 | 75 % | ≥ 50 % de la vue triviale : ✅ |" in text
    assert "| candidatures reçues, employeur connecté | 60,0 | 15 % | ≥ 100 req/s : ❌ |" in text
