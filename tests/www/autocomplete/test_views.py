import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from itou.www.autocomplete.search import parse_query

COMMUNES_URL = reverse("autocomplete:communes")
APPELLATIONS_URL = reverse("autocomplete:appellations")
GARBAGE = [
    "%%%",
    "'; drop table geo_commune; --",
    "x" * 500,
    "é" * 500,
    "saint " * 100,
    "a:* | !b & (c",
    "(((",
    "\x00\x01",
    "🙂🙂",
    "42000:*",
    "\\",
]


@pytest.fixture(scope="module", autouse=True)
def reference_data(django_db_setup, django_db_blocker):
    """The real communes and ROME, imported once for the module and rolled back at its end.

    Each test runs in a savepoint of this transaction (pytest-django's `db`), so the
    import is paid once per xdist worker and never leaks to other modules.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        for command in ["import_geo", "import_rome"]:
            call_command(command, stdout=io.StringIO(), stderr=io.StringIO(), verbosity=0)
        # Fire the deferred foreign key checks now, once, rather than at each test's end.
        connection.check_constraints()
        yield
        transaction.set_rollback(True)


def results(client, url, q, *, num_queries=1, django_assert_num_queries):
    with django_assert_num_queries(num_queries):
        response = client.get(url, {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


@pytest.mark.parametrize("q", ["st etienne", "saint-étienne", "Saint Etienne", "SAINT-ÉTIENNE", "st-étienne", "42000"])
def test_saint_etienne_comes_first(client, django_assert_num_queries, q):
    found = results(client, COMMUNES_URL, q, django_assert_num_queries=django_assert_num_queries)

    assert found[0] == {
        "id": "42218",
        "label": "Saint-Étienne (42)",
        "name": "Saint-Étienne",
        "department": "42",
        "postal_codes": ["42000", "42100", "42230"],
    }
    assert len(found) <= 10


def test_communes_ranking(client, django_assert_num_queries):
    def labels(q):
        return [
            r["label"] for r in results(client, COMMUNES_URL, q, django_assert_num_queries=django_assert_num_queries)
        ]

    # Exact name before a bigger commune whose name only starts with it.
    clermont = labels("clermont")
    exact = [label for label in clermont if label.startswith("Clermont (")]
    assert clermont[0] == "Clermont (60)"
    assert clermont[len(exact)] == "Clermont-Ferrand (63)"
    # Name prefix before population: "Saint-Étienne-du-Rouvray" before bigger "Saint-…" communes.
    assert labels("saint etienne")[:2] == ["Saint-Étienne (42)", "Saint-Étienne-du-Rouvray (76)"]
    # Words together inside the name before scattered words.
    assert labels("mont st michel")[0] == "Le Mont-Saint-Michel (50)"
    # Words are prefixes, accents and apostrophes do not matter.
    assert labels("l'hay les r")[0] == "L'Haÿ-les-Roses (94)"
    # "st" is also a prefix in its own right.
    assert {"Strasbourg (67)", "Saint-Étienne (42)"} <= set(labels("st"))
    # Ten results at most, biggest first when nothing else tells them apart.
    saints = results(client, COMMUNES_URL, "saint", django_assert_num_queries=django_assert_num_queries)
    assert len(saints) == 10
    assert saints[0]["label"] == "Saint-Étienne (42)"


def test_communes_by_postal_code_prefix(client, django_assert_num_queries):
    found = results(client, COMMUNES_URL, "421", django_assert_num_queries=django_assert_num_queries)

    assert len(found) == 10
    assert all(any(code.startswith("421") for code in result["postal_codes"]) for result in found)
    assert found[0]["label"] == "Saint-Étienne (42)"  # 42100
    assert results(client, COMMUNES_URL, "13", django_assert_num_queries=django_assert_num_queries)[0]["id"] == "13055"
    marseille_8 = results(client, COMMUNES_URL, "13008", django_assert_num_queries=django_assert_num_queries)
    assert [result["label"] for result in marseille_8] == ["Marseille (13)"]


def test_appellations(client, django_assert_num_queries):
    found = results(client, APPELLATIONS_URL, "boulang", django_assert_num_queries=django_assert_num_queries)

    assert found[0] == {
        "id": "11573",
        "label": "Boulanger / Boulangère (D1102)",
        "name": "Boulanger / Boulangère",
        "rome": "D1102",
    }
    assert len(found) == 10
    assert "Boulanger / Boulangère (D1102)" in [
        r["label"]
        for r in results(client, APPELLATIONS_URL, "BOULANGÈRE", django_assert_num_queries=django_assert_num_queries)
    ]
    aides = results(client, APPELLATIONS_URL, "aide soign", django_assert_num_queries=django_assert_num_queries)
    assert aides[0]["label"] == "Aide-soignant / Aide-soignante (J1501)"
    # A ROME code finds its appellations.
    by_code = results(client, APPELLATIONS_URL, "d1102", django_assert_num_queries=django_assert_num_queries)
    assert by_code and all(r["rome"] == "D1102" for r in by_code)


@pytest.mark.parametrize("url", [COMMUNES_URL, APPELLATIONS_URL])
@pytest.mark.parametrize("q", ["", " ", "a", "É", "-", "  é  "])
def test_short_query_answers_nothing_without_sql(client, django_assert_num_queries, url, q):
    assert results(client, url, q, num_queries=0, django_assert_num_queries=django_assert_num_queries) == []


@pytest.mark.parametrize("url", [COMMUNES_URL, APPELLATIONS_URL])
def test_missing_query(client, django_assert_num_queries, url):
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.json() == {"results": []}


@pytest.mark.parametrize("url", [COMMUNES_URL, APPELLATIONS_URL])
def test_garbage_never_fails(client, url):
    for q in GARBAGE:
        response = client.get(url, {"q": q})
        assert response.status_code == 200, q
        assert len(response.json()["results"]) <= 10


@pytest.mark.parametrize("url", [COMMUNES_URL, APPELLATIONS_URL])
def test_get_only_and_cacheable(client, url):
    assert client.post(url, {"q": "paris"}).status_code == 405
    response = client.get(url, {"q": "paris"})
    assert "max-age=3600" in response["Cache-Control"]


def test_parse_query():
    assert parse_query("a") is None
    assert parse_query("%%% é") is None
    assert parse_query("St-Étienne").tsquery == "(st:* | saint:*) & etienne:*"
    assert parse_query("St-Étienne").phrases == ("st etienne", "saint etienne")
    assert parse_query("Ste Foy").tsquery == "(ste:* | sainte:*) & foy:*"
    assert parse_query("boulang").phrases == ("boulang",)
    assert parse_query("'; drop table x").tsquery == "drop:* & table:* & x:*"
    long = parse_query("abcdefghij" * 5 + " b c d e f g h")
    assert long.tsquery == f"{'abcdefghij' * 3}:* & b:* & c:* & d:* & e:* & f:*"
