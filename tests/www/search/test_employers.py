"""search:employers — the public search of employers around a commune."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from itou.companies.enums import CompanyKind
from itou.companies.models import SIAE_CONVENTION_GRACE_PERIOD
from tests.www.search.conftest import LILLE, LYON, VILLEURBANNE, appellation, cold, company_near, job_description

URL = reverse("search:employers")
# 3 queries for a search: ROME domains (form choices), commune, counts by department and
# page in one query (itou.companies.queries.EmployerSearch.counts_and_page).
SEARCH_QUERIES = 3


def names(response) -> list[str]:
    """The employer names in the results, in order."""
    return [
        html.unescape(name)
        for name in re.findall(r'<h3 class="fr-card__title">\s*(?:<a[^>]*>)?([^<]+)', response.content.decode())
    ]


def search(client, **params):
    params.setdefault("commune_code", LYON)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def test_page_without_search_invites_to_choose_a_commune(client, django_assert_max_num_queries):
    company_near(name="Ne s'affiche pas encore")
    cold()  # reference data memoized by an earlier request: read again
    with django_assert_max_num_queries(1):
        response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Rechercher un emploi inclusif</h1>" in content
    assert "Indiquez une commune pour voir les employeurs solidaires autour" in content
    assert names(response) == []
    # Plain GET form that works without JavaScript; htmx enhances it.
    assert 'method="get"' in content and 'hx-get="/rechercher/employeurs/"' in content
    assert 'hx-push-url="true"' in content
    assert "vendor/htmx.min.js" in content and "itou/js/search.js" in content
    # Default radius: 25 km.
    assert '<option value="25" selected>25 km</option>' in content


def test_results_hiring_first_then_nearest(client):
    far_hiring = company_near(north_km=12, name="Loin mais recrute")
    job_description(far_hiring)
    company_near(north_km=1, name="Proche")
    company_near(north_km=5, name="Moyen", spontaneous_applications_open_since=timezone.now())
    company_near(north_km=30, name="Hors du rayon")

    response = search(client)

    assert names(response) == ["Moyen", "Loin mais recrute", "Proche"]
    content = response.content.decode()
    assert "3 employeurs trouvés" in content
    assert "à moins de 25 km de Lyon (69)" in content
    assert "Lyon (69), à 1 km" in content
    assert "Lyon (69), à 12 km" in content
    assert "1 fiche de poste ouverte" in content
    assert "candidatures spontanées acceptées" in content
    assert content.count("Recrute en ce moment</p>") == 2
    # The kind in plain French.
    assert "Atelier et chantier d&#x27;insertion (ACI)</strong> : Une structure" in content
    assert f'href="{reverse("companies:detail", kwargs={"pk": far_hiring.pk})}"' in content


def test_visitor_chooses_nearest_first_and_the_choice_stays_in_the_url(client):
    far_hiring = company_near(north_km=12, name="Loin mais recrute")
    job_description(far_hiring)
    company_near(north_km=1, name="Proche")
    company_near(north_km=5, name="Moyen", spontaneous_applications_open_since=timezone.now())

    response = search(client, order="distance")

    assert names(response) == ["Proche", "Moyen", "Loin mais recrute"]
    content = response.content.decode()
    assert "Les plus proches d'abord." in content
    assert re.search(r'value="distance"[^>]*checked', content)
    # Each result says how far it is.
    assert "à 1 km" in content and "à 12 km" in content
    for i in range(25):
        company_near(north_km=0.5 + i * 0.01, name=f"Structure {i:02d}")
    content = search(client, order="distance").content.decode()
    assert "order=distance" in content.split('aria-label="Pagination des résultats"')[1]
    # An unknown order: a French message, the default order kept.
    content = search(client, order="n-importe-quoi").content.decode()
    assert "Choisissez un ordre dans la liste." in content


def test_distance_shown_with_a_decimal_comma(client):
    company_near(north_km=3.24, name="À trois kilomètres")
    assert "à 3,2 km" in search(client).content.decode()


def test_only_active_searchable_employers(client):
    today = timezone.localdate()
    company_near(name="Active")
    company_near(name="Inactive", is_active=False)
    company_near(name="OPCS", kind=CompanyKind.OPCS)
    company_near(name="Convention finie, délai de grâce", convention_end_date=today - datetime.timedelta(days=10))
    company_near(
        name="Convention finie depuis longtemps",
        convention_end_date=today - SIAE_CONVENTION_GRACE_PERIOD - datetime.timedelta(days=1),
    )
    company_near(name="Sans coordonnées", latitude=None, longitude=None)

    assert sorted(names(search(client))) == ["Active", "Convention finie, délai de grâce"]


def test_commune_typed_without_javascript(client):
    company_near(VILLEURBANNE, name="À Villeurbanne")
    company_near(LILLE, name="À Lille")

    response = client.get(URL, {"commune": "villeurbanne", "radius": "2"})

    assert names(response) == ["À Villeurbanne"]
    content = response.content.decode()
    # The form now shows the commune actually searched, with its INSEE code.
    assert 'value="Villeurbanne (69)"' in content
    assert 'name="commune_code" value="69266"' in content
    assert (
        "<title>Employeurs solidaires autour de Villeurbanne (69) — Les emplois de l&#x27;inclusion</title>" in content
    )


@pytest.mark.parametrize("typed", ["Lyon (69)", "lyon", "LYON", "69001"])
def test_commune_label_or_postal_code(client, typed):
    company_near(name="À Lyon")
    assert names(client.get(URL, {"commune": typed})) == ["À Lyon"]


def test_stale_hidden_code_gives_way_to_the_typed_commune(client):
    """Without JavaScript the hidden code of the previous search stays: the typed name wins."""
    company_near(LILLE, name="À Lille")
    company_near(name="À Lyon")
    response = client.get(URL, {"commune": "Lille", "commune_code": LYON})
    assert names(response) == ["À Lille"]
    # The label matching the code keeps the code.
    assert names(client.get(URL, {"commune": "Lyon (69)", "commune_code": LYON})) == ["À Lyon"]


def test_filter_by_kind(client):
    company_near(name="Un ACI", kind=CompanyKind.ACI)
    company_near(name="Une EI", kind=CompanyKind.EI)
    company_near(name="Un GEIQ", kind=CompanyKind.GEIQ)

    assert sorted(names(search(client, kinds=["ACI", "GEIQ"]))) == ["Un ACI", "Un GEIQ"]
    content = search(client, kinds=["EI"]).content.decode()
    assert re.search(r'value="EI"[^>]*checked', content)


def test_filter_hiring_now(client):
    job_description(company_near(name="Fiche ouverte"))
    job_description(company_near(name="Fiche fermée"), is_open=False)
    company_near(name="Spontanées", spontaneous_applications_open_since=timezone.now())
    company_near(name="Rien")

    assert sorted(names(search(client, hiring="on"))) == ["Fiche ouverte", "Spontanées"]


def test_filter_by_rome_domain(client):
    baker = company_near(name="Boulangerie solidaire")
    job_description(baker, appellation("boulanger boulangere"))  # D
    farm = company_near(name="Maraîchage")
    job_description(farm, appellation("maraicher maraichere"))  # A
    closed = company_near(name="Maraîchage fermé")
    job_description(closed, appellation("maraicher maraichere"), is_open=False)

    assert names(search(client, domains=["A"])) == ["Maraîchage"]
    assert sorted(names(search(client, domains=["A", "D"]))) == ["Boulangerie solidaire", "Maraîchage"]


def test_departments_within_the_radius_with_their_counts(client):
    """Paris' east: a radius of 10 km around Bobigny reaches three departments only."""
    bobigny = "93008"
    company_near(bobigny, name="Bobigny 1")
    company_near(bobigny, name="Bobigny 2", north_km=1)
    company_near("75056", name="Paris")  # 9 km west of Bobigny
    company_near("94068", name="Saint-Maur")  # 11.5 km: outside
    company_near(LYON, name="Lyon")

    response = search(client, commune_code=bobigny, radius="10")
    content = response.content.decode()
    assert "3 employeurs trouvés" in content
    labels = re.findall(r'<label class="fr-label" for="id_departments_(\w+)">([^<]+)</label>', content)
    assert labels == [("75", "Paris (75) · 1"), ("93", "Seine-Saint-Denis (93) · 2")]

    response = search(client, commune_code=bobigny, radius="10", departments=["93"])
    assert sorted(names(response)) == ["Bobigny 1", "Bobigny 2"]
    assert "2 employeurs trouvés" in response.content.decode()
    assert re.search(r'value="93" id="id_departments_93" checked', response.content.decode())

    # A department selected but out of reach stays listed, so that it can be unticked.
    response = search(client, commune_code=bobigny, radius="10", departments=["69"])
    assert names(response) == []
    assert re.search(r'value="69" id="id_departments_69" checked', response.content.decode())


def test_pagination(client):
    for i in range(45):
        company_near(north_km=i * 0.1, name=f"Structure {i:02d}")

    response = search(client)
    content = response.content.decode()
    assert "45 employeurs trouvés" in content
    assert "Page 1 sur 3" in content
    assert names(response) == [f"Structure {i:02d}" for i in range(20)]
    assert 'aria-label="Pagination des résultats"' in content
    assert 'aria-current="page" title="Page 1"' in content
    # Links carry the canonical search.
    assert (
        f'href="/rechercher/employeurs/?commune=Lyon+%2869%29&amp;radius=25&amp;commune_code={LYON}&amp;page=2"'
        in content
    )

    assert names(search(client, page="2")) == [f"Structure {i:02d}" for i in range(20, 40)]
    assert names(search(client, page="3")) == [f"Structure {i:02d}" for i in range(40, 45)]
    # Garbage or out of range: the first or the last page, never an error.
    assert names(search(client, page="abc")) == names(search(client, page="1"))
    assert names(search(client, page="999")) == [f"Structure {i:02d}" for i in range(40, 45)]
    assert names(search(client, page="-1")) == [f"Structure {i:02d}" for i in range(40, 45)]
    assert names(search(client, page="9" * 30)) == [f"Structure {i:02d}" for i in range(40, 45)]


def test_no_result_says_what_to_do(client):
    company_near(LILLE, name="À Lille")
    content = search(client, radius="2").content.decode()
    assert "Aucun employeur trouvé" in content
    assert "Choisissez une distance plus grande ou retirez des filtres." in content


@pytest.mark.parametrize(
    "params,message",
    [
        ({"radius": "7"}, "Choisissez une distance dans la liste."),
        ({"radius": "abc"}, "Choisissez une distance dans la liste."),
        ({"radius": "-5"}, "Choisissez une distance dans la liste."),
        ({"commune_code": "99999"}, "Cette commune est inconnue : choisissez-la dans la liste proposée."),
        ({"commune_code": "'; drop table"}, "Cette commune est inconnue : choisissez-la dans la liste proposée."),
        (
            {"commune_code": "", "commune": "Xyzxyzville"},
            "Cette commune est inconnue : choisissez-la dans la liste proposée.",
        ),
        ({"commune_code": "", "commune": "%%%"}, "Cette commune est inconnue : choisissez-la dans la liste proposée."),
        ({"commune_code": "", "commune": "x" * 500}, "Assurez-vous que cette valeur comporte au plus 200 caractères"),
        ({"kinds": ["OPCS"]}, "Choisissez un type de structure dans la liste."),
        ({"kinds": ["<script>"]}, "Choisissez un type de structure dans la liste."),
        ({"domains": ["Z"]}, "Choisissez un domaine professionnel dans la liste."),
        ({"departments": ["x' or 1=1"]}, "Choisissez un département dans la liste."),
    ],
)
def test_bad_input_gives_a_french_message_and_no_results(client, params, message):
    company_near(name="À Lyon")
    response = search(client, **params)
    content = html.unescape(response.content.decode())
    assert message in content
    assert names(response) == []
    assert "La recherche n'a pas pu être lancée" in content


def test_unexpected_parameters_are_ignored(client):
    company_near(name="À Lyon")
    response = search(client, foo="bar", hiring="n'importe quoi", **{"radius[]": "3"})
    assert names(response) == []  # hiring=<truthy>: nobody hires
    assert names(search(client, foo="bar")) == ["À Lyon"]


def test_htmx_gets_the_results_fragment(client):
    company_near(name="À Lyon")
    response = client.get(URL, {"commune_code": LYON}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content and "<h1>" not in content
    assert content.lstrip().startswith('<div id="search-results">')
    assert names(response) == ["À Lyon"]
    # Out-of-band updates: the department filter, the switch links, the screen reader status, the title.
    assert '<div id="search-departments" hx-swap-oob="true">' in content
    assert 'id="search-switch"' in content and 'hx-swap-oob="true"' in content
    assert '<p id="search-status" hx-swap-oob="innerHTML">1 employeur trouvé</p>' in content
    assert "<title>Employeurs solidaires autour de Lyon (69) — Les emplois de l&#x27;inclusion</title>" in content
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client):
    company_near(name="À Lyon")
    response = client.get(
        URL, {"commune_code": LYON}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<h1>Rechercher un emploi inclusif</h1>" in response.content.decode()


def test_query_count_does_not_grow_with_results(client, django_assert_num_queries):
    company_near(name="Seule")
    cold()  # reference data memoized by an earlier request: read again
    with django_assert_num_queries(SEARCH_QUERIES):
        search(client)

    for i in range(60):
        company = company_near(
            north_km=i * 0.2, name=f"Structure {i}", kind=CompanyKind.EI if i % 2 else CompanyKind.ACI
        )
        if i % 3 == 0:
            job_description(company)
            job_description(company)
    # 20 results (one page): pages 2 and 4 are out of range.
    for page, queries in (("1", SEARCH_QUERIES), ("2", SEARCH_QUERIES + 1), ("4", SEARCH_QUERIES + 1)):
        cold()  # reference data memoized by an earlier request: read again
        with django_assert_num_queries(queries):
            response = search(client, page=page, domains=["D"], kinds=["ACI", "EI"], departments=["69"])
    # Page 4 of 1: the last page, read by one more query once the count is known (only such links).
    assert len(names(response)) == 20
    cold()  # reference data memoized by an earlier request: read again
    with django_assert_num_queries(SEARCH_QUERIES):
        response = search(client, page="2", radius="100")
    assert len(names(response)) == 20
    # A commune typed without JavaScript costs the same.
    cold()  # reference data memoized by an earlier request: read again
    with django_assert_num_queries(SEARCH_QUERIES):
        client.get(URL, {"commune": "Lyon", "page": "3"})
    cold()  # reference data memoized by an earlier request: read again
    with django_assert_num_queries(SEARCH_QUERIES):
        client.get(URL, {"commune_code": LYON}, headers={"HX-Request": "true"})


def test_results_page_weight(client):
    for i in range(25):
        company = company_near(
            north_km=i * 0.1,
            name=f"Association d'insertion par l'activité économique numéro {i} de la métropole",
            spontaneous_applications_open_since=timezone.now(),
        )
        job_description(company)
    response = search(client)
    assert len(response.content) < 60_000


def test_reference_data_is_read_once(client, django_assert_num_queries):
    """The commune of a code and the ROME domains are memoized: a second search around the
    same commune costs one query (counts by department and page), the first one three."""
    company_near(name="Seule")
    with django_assert_num_queries(SEARCH_QUERIES):
        search(client)
    with django_assert_num_queries(SEARCH_QUERIES - 2):
        response = search(client, radius="50")
    assert names(response) == ["Seule"]


def test_cards_escape_what_employers_wrote(client):
    """The cards are built in Python (search_tags.employer_cards): names are escaped."""
    company_near(name='<b>Chez "Léa" & Cie</b>')
    content = search(client).content.decode()
    assert "<b>Chez" not in content
    assert "&lt;b&gt;Chez &quot;Léa&quot; &amp; Cie&lt;/b&gt;" in content
