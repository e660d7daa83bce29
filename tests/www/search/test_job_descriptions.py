"""search:job_descriptions — open job descriptions of active employers around a commune."""

import datetime
import html
import math
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from itou.companies.enums import CompanyKind, ContractType
from itou.companies.job_descriptions import job_description_update
from itou.companies.models import SIAE_CONVENTION_GRACE_PERIOD
from itou.companies.queries import job_descriptions_near, job_descriptions_near_page, job_descriptions_results
from itou.geo.distance import Point
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.www.search.conftest import LILLE, LYON, appellation, cold, commune_point, company_near, job_description

URL = reverse("search:job_descriptions")
# ROME domains (form choices), commune, COUNT, page.
SEARCH_QUERIES = 4
# A job title adds the matching ROME appellations, resolved first (docs/performance.md).
JOB_TITLE_SEARCH_QUERIES = SEARCH_QUERIES + 1


def titles(response) -> list[str]:
    return [
        html.unescape(title.strip())
        for title in re.findall(r'<h3 class="fr-card__title">\s*(?:<a[^>]*>)?([^<]+)', response.content.decode())
    ]


def search(client, **params):
    params.setdefault("commune_code", LYON)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def test_page_without_search(client, django_assert_max_num_queries):
    cold()  # reference data memoized by an earlier request: read again
    with django_assert_max_num_queries(1):
        response = client.get(URL)
    content = response.content.decode()
    assert "<h1>Rechercher une fiche de poste</h1>" in content
    assert "Indiquez une commune pour voir les postes ouverts autour" in content


def test_nearest_first_then_most_recently_updated(client):
    now = timezone.now()
    near = company_near(north_km=1, name="Proche")
    far = company_near(north_km=8, name="Loin")
    job_description(far, custom_title="Loin récente", updated_at=now)
    job_description(near, custom_title="Proche ancienne", updated_at=now - datetime.timedelta(days=30))
    job_description(near, custom_title="Proche récente", updated_at=now)
    job_description(company_near(north_km=40), custom_title="Hors du rayon")

    response = search(client)

    assert titles(response) == ["Proche récente", "Proche ancienne", "Loin récente"]
    content = response.content.decode()
    assert "3 fiches de poste trouvées" in content
    assert "Proche — Atelier et chantier d&#x27;insertion (ACI)" in content
    assert "CDD d&#x27;insertion (CDDI)" in content
    assert "Lyon (69), à 8 km" in content


def test_only_open_job_descriptions_of_active_searchable_employers(client):
    job_description(company_near(name="Active"), custom_title="Ouverte")
    job_description(company_near(name="Active 2"), custom_title="Fermée", is_open=False)
    job_description(company_near(name="Inactive", is_active=False), custom_title="Structure inactive")
    job_description(
        company_near(name="Expirée", convention_end_date=timezone.localdate() - datetime.timedelta(days=60)),
        custom_title="Convention expirée",
    )
    job_description(
        company_near(name="OPCS", kind=CompanyKind.OPCS), custom_title="OPCS", contract_type=ContractType.PERMANENT
    )

    assert titles(search(client)) == ["Ouverte"]


def test_convention_grace_period_boundary(client):
    """DOMAIN.md: an employer stays visible during the grace period after its convention
    ends, the last day included; the day after, its job descriptions leave the search (the
    end date copied on the job description, compared with the day of the search)."""
    today = timezone.localdate()
    job_description(
        company_near(name="Dernier jour", convention_end_date=today - SIAE_CONVENTION_GRACE_PERIOD),
        custom_title="Dernier jour de grâce",
    )
    job_description(
        company_near(
            name="Lendemain", convention_end_date=today - SIAE_CONVENTION_GRACE_PERIOD - datetime.timedelta(days=1)
        ),
        custom_title="Lendemain de la grâce",
    )
    assert titles(search(client)) == ["Dernier jour de grâce"]


def test_distance_is_the_job_description_own(client):
    """A job description located elsewhere than its employer is found where the job is."""
    company = company_near(LILLE, name="Siège à Lille")
    lyon_company = company_near(name="Référence")
    job_description(
        company, custom_title="Poste à Lyon", latitude=lyon_company.latitude, longitude=lyon_company.longitude
    )
    job_description(company, custom_title="Poste à Lille")

    assert titles(search(client, radius="5")) == ["Poste à Lyon"]


def test_title_defaults_to_the_appellation(client):
    job_description(company_near(), appellation("maraicher maraichere"))
    assert titles(search(client)) == ["Maraîcher / Maraîchère"]


@pytest.mark.parametrize("typed", ["boul", "Boulanger", "BOULANGÈRE", "boulanger boul", "d1102"])
def test_job_text_is_a_normalized_prefix_match(client, typed):
    company = company_near()
    job_description(company, appellation("boulanger boulangere"))
    job_description(company, appellation("maraicher maraichere"))
    assert titles(search(client, job=typed)) == ["Boulanger / Boulangère"]


def test_job_text_without_match_or_too_short(client):
    job_description(company_near(), appellation("boulanger boulangere"))
    assert titles(search(client, job="plombier")) == []
    # One letter is not a search: it is ignored.
    assert titles(search(client, job="b")) == ["Boulanger / Boulangère"]
    assert titles(search(client, job="%%% ''")) == ["Boulanger / Boulangère"]


def test_job_title_resolves_the_appellations_first(client, django_assert_num_queries):
    company = company_near()
    job_description(company, appellation("boulanger boulangere"), custom_title="Boulanger de nuit")
    job_description(company, appellation("maraicher maraichere"), custom_title="Maraîcher bio")
    job_description(company, appellation("boulanger boulangere"), custom_title="Fermée", is_open=False)
    cold()  # reference data memoized by an earlier request: read again
    with django_assert_num_queries(JOB_TITLE_SEARCH_QUERIES):
        assert titles(search(client, job="boulang")) == ["Boulanger de nuit"]
    assert titles(search(client, job="marai", domains=["A"])) == ["Maraîcher bio"]
    assert titles(search(client, job="boulang", domains=["A"])) == []
    # No appellation matches: no query for the job descriptions.
    cold()  # reference data memoized by an earlier request: read again
    with django_assert_num_queries(3):  # ROME domains, commune, appellations
        response = search(client, job="zzzyx")
    assert "Aucune fiche de poste trouvée" in response.content.decode()


def test_rome_domain_follows_the_appellation(client):
    company = company_near(name="Structure du domaine")
    job = job_description(company, appellation("boulanger boulangere"), custom_title="Poste")
    assert job.rome_domain_id == "D"
    assert titles(search(client, domains=["D"])) == ["Poste"]

    # Another appellation, saved by the model or by the service: the domain follows.
    job.appellation = appellation("maraicher maraichere")
    job.save()
    job.refresh_from_db()
    assert job.rome_domain_id == "A"
    assert titles(search(client, domains=["D"])) == []
    assert titles(search(client, domains=["A"])) == ["Poste"]

    member = CompanyMembershipFactory(company=company, is_admin=True).user
    job_description_update(
        acting_user=member,
        company=company,
        job_description=job,
        appellation_code=appellation("boulanger boulangere").code,
        contract_type=job.contract_type,
        custom_title="Poste",
    )
    job.refresh_from_db()
    assert job.rome_domain_id == "D"
    assert titles(search(client, domains=["D"])) == ["Poste"]
    assert titles(search(client, domains=["A"])) == []
    # The employer search filters on the same copied domain.
    employers = reverse("search:employers")
    assert company.name in client.get(employers, {"commune_code": LYON, "domains": ["D"]}).content.decode()
    assert company.name not in client.get(employers, {"commune_code": LYON, "domains": ["A"]}).content.decode()


def test_filters_kind_contract_domain(client):
    aci = company_near(name="ACI", kind=CompanyKind.ACI)
    ea = company_near(name="EA", kind=CompanyKind.EA)
    job_description(aci, appellation("maraicher maraichere"), custom_title="Maraîcher en CDDI")
    job_description(ea, appellation("boulanger boulangere"), custom_title="Boulanger en CDI", contract_type="PERMANENT")

    assert titles(search(client, kinds=["EA"])) == ["Boulanger en CDI"]
    assert titles(search(client, contract_types=["FIXED_TERM_I"])) == ["Maraîcher en CDDI"]
    assert titles(search(client, domains=["A"])) == ["Maraîcher en CDDI"]
    assert titles(search(client, domains=["A"], kinds=["EA"])) == []


@pytest.mark.parametrize(
    "params,message",
    [
        ({"radius": "3"}, "Choisissez une distance dans la liste."),
        ({"commune_code": "00000"}, "Cette commune est inconnue : choisissez-la dans la liste proposée."),
        ({"contract_types": ["CDI"]}, "Choisissez un type de contrat dans la liste."),
        ({"job": "x" * 101}, "Assurez-vous que cette valeur comporte au plus 100 caractères"),
    ],
)
def test_bad_input(client, params, message):
    job_description(company_near())
    response = search(client, **params)
    assert message in html.unescape(response.content.decode())
    assert titles(response) == []


def test_htmx_fragment(client):
    job_description(company_near(), custom_title="Poste")
    response = client.get(URL, {"commune_code": LYON}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="search-results">')
    assert '<p id="search-status" hx-swap-oob="innerHTML">1 fiche de poste trouvée</p>' in content
    assert "search-departments" not in content


def test_pagination_and_query_count(client, django_assert_num_queries, django_assert_max_num_queries):
    company = company_near()
    job_description(company, custom_title="Unique")
    cold()  # reference data memoized by an earlier request: read again
    with django_assert_num_queries(SEARCH_QUERIES):
        search(client)

    companies = [company_near(north_km=i * 0.5, name=f"Structure {i}") for i in range(10)]
    for i in range(50):
        job_description(companies[i % 10], custom_title=f"Poste {i:02d}")
    # The same order as the whole set ranked in one query.
    expected = [job.display_name for job in job_descriptions_results(job_descriptions_near(commune_point(LYON), 25))]
    pages = {}
    for page in ("1", "2", "3"):
        cold()  # reference data memoized by an earlier request: read again
        with django_assert_num_queries(JOB_TITLE_SEARCH_QUERIES):
            response = search(client, page=page, job="boulanger", contract_types=["FIXED_TERM_I"], domains=["D"])
        pages[page] = titles(response)
    content = response.content.decode()
    assert "51 fiches de poste trouvées" in content
    assert "Page 3 sur 3" in content
    assert [len(titles) for titles in pages.values()] == [20, 20, 11]
    assert pages["1"] + pages["2"] + pages["3"] == expected

    # Out of range or garbage: the last or the first page, in the same queries (the ranked
    # query clamps the page itself), job title included.
    for page, expected_page in [("99", "3"), ("-1", "3"), ("0", "3"), ("9" * 30, "3"), ("abc", "1"), ("", "1")]:
        cold()  # reference data memoized by an earlier request: read again
        with django_assert_num_queries(SEARCH_QUERIES):
            response = search(client, page=page)
        assert titles(response) == pages[expected_page], page
        assert f"Page {expected_page} sur 3" in response.content.decode()
        cold()  # reference data memoized by an earlier request: read again
        with django_assert_num_queries(JOB_TITLE_SEARCH_QUERIES):
            response = search(client, page=page, job="boulanger")
        assert titles(response) == pages[expected_page], page


def test_no_result_costs_no_page_query(client, django_assert_num_queries):
    cold()  # reference data memoized by an earlier request: read again
    with django_assert_num_queries(3):  # ROME domains, commune, the ranked rows: none
        response = search(client)
    assert "Aucune fiche de poste trouvée" in response.content.decode()
    cold()  # reference data memoized by an earlier request: read again
    with django_assert_num_queries(3):  # the last page of nothing is the first: same query
        search(client, page="7")


def test_ties_at_the_same_point_across_pages(client):
    """Job descriptions without a workplace share their employer's point: at equal
    distance, the most recently updated first, then the smallest id; pages split such a
    tie without losing or repeating a row (what any per-point counting must keep)."""
    now = timezone.now()
    centre = company_near(name="Centre")
    same_point = company_near(name="Centre bis")  # another employer at the very same point
    tie = []
    for index in range(24):
        updated_at = now - datetime.timedelta(hours=index // 3)  # three rows per timestamp
        company = centre if index % 2 else same_point
        jd = job_description(company, custom_title=f"Au centre {index:02d}", updated_at=updated_at)
        tie.append((-updated_at.timestamp(), jd.pk, jd.custom_title))
    job_description(company_near(north_km=3, name="Trois"), custom_title="À 3 km", updated_at=now)
    job_description(
        company_near(north_km=0.5, name="Cinq cents"),
        custom_title="À 500 m",
        updated_at=now - datetime.timedelta(days=300),
    )
    expected = [title for _updated, _pk, title in sorted(tie)] + ["À 500 m", "À 3 km"]

    first_page = search(client)
    second_page = search(client, page=2)

    assert "26 fiches de poste trouvées" in first_page.content.decode()
    assert titles(first_page) + titles(second_page) == expected


def test_cards_escape_what_employers_wrote(client):
    """The cards are built in Python (search_tags.job_description_cards): titles and names are escaped."""
    company = company_near(name="<i>Atelier</i>")
    job_description(company, custom_title="<script>alert(1)</script> Cuisinier")
    content = search(client).content.decode()
    assert "<script>alert" not in content and "<i>Atelier" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Cuisinier" in content
    assert "&lt;i&gt;Atelier&lt;/i&gt;" in content


def test_page_by_point_is_the_row_by_row_order():
    """job_descriptions_near_page (counted and cut by point on the covering index) gives the
    rows, distances and totals of the row by row query (job_descriptions_results), page by
    page: ties at one point with equal timestamps, two points at the very same distance
    (east and west of a centre on the prime meridian), filters, pages out of range."""
    centre = Point(45.0, 0.0)
    now = timezone.now()
    boulanger, maraicher = appellation("boulanger boulangere"), appellation("maraicher maraichere")
    companies = [
        CompanyFactory(kind=CompanyKind.ACI, latitude=45.0, longitude=0.0),
        CompanyFactory(kind=CompanyKind.EI, latitude=45.0, longitude=0.0),
        CompanyFactory(kind=CompanyKind.ACI, latitude=45.0, longitude=0.05),
        CompanyFactory(kind=CompanyKind.GEIQ, latitude=45.0, longitude=-0.05),
        CompanyFactory(kind=CompanyKind.EI, latitude=45.1, longitude=0.02),
        CompanyFactory(kind=CompanyKind.EA, latitude=44.9, longitude=-0.3),
    ]
    hidden = CompanyFactory(kind=CompanyKind.ACI, latitude=45.0, longitude=0.0, is_active=False)
    job_description(hidden, custom_title="Employeur inactif")
    for index in range(60):
        company = companies[index % len(companies)]
        job_description(
            company,
            boulanger if index % 3 else maraicher,
            updated_at=now - datetime.timedelta(hours=index // 5),  # five rows per timestamp
            is_open=index % 11 != 0,
        )
    east_west = dict(
        job_descriptions_near(centre, 25)
        .filter(company__in=companies[2:4])
        .values_list("company__longitude", "distance")
        .distinct()
    )
    assert east_west[0.05] == east_west[-0.05]  # one rank group over two points

    searches = [
        (25, {}),
        (5, {}),
        (100, {"kinds": [CompanyKind.EI, CompanyKind.GEIQ]}),
        (25, {"contract_types": [ContractType.FIXED_TERM_I]}),
        (25, {"rome_domains": ["A"]}),
        (25, {"appellation_codes": [boulanger.code]}),
        (25, {"appellation_codes": []}),
    ]
    for radius, filters in searches:
        expected = list(
            job_descriptions_results(job_descriptions_near(centre, radius, **filters)).values_list("pk", "distance")
        )
        pages = max(1, math.ceil(len(expected) / 7))
        found = []
        for number in range(1, pages + 1):
            page = job_descriptions_near_page(centre, radius, page_number=number, per_page=7, **filters)
            assert (page.total, page.number) == (len(expected), number), (radius, filters)
            found += page.rows
        assert found == expected, (radius, filters)
        for page_number in ("99", "0", "-3", "9" * 30):
            last = job_descriptions_near_page(centre, radius, page_number=page_number, per_page=7, **filters)
            assert (last.number, last.rows) == (pages, expected[(pages - 1) * 7 :])
        assert job_descriptions_near_page(centre, radius, page_number="abc", per_page=7, **filters).rows == expected[:7]
    assert len(expected) == 0
    assert len(list(job_descriptions_near(centre, 25))) > 40
