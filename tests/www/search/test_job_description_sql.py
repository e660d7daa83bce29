"""The rows of a job description results page read by precompiled SQL
(itou.companies.queries.job_description_rows) carry exactly what the ORM path gave
(job_description_details() instances, by the ids of job_descriptions_near_page): the same
rows, order, distances and values, and the same cards, across filters, a job title search
and pages out of range."""

import datetime
import itertools

import pytest
from django.utils import timezone

from itou.companies.enums import CONTRACT_TYPES_BY_COMPANY_KIND, CompanyKind
from itou.companies.queries import (
    appellation_codes_matching,
    job_description_details,
    job_description_rows,
    job_descriptions_near_page,
)
from itou.www.autocomplete.search import parse_query
from itou.www.search.templatetags.search_tags import job_description_cards
from tests.companies.factories import CompanyFactory
from tests.www.search.conftest import (
    LILLE,
    LYON,
    VILLEURBANNE,
    appellation,
    commune_point,
    company_near,
    job_description,
)


def values(job) -> tuple:
    company = job.company
    commune = (company.commune.name, company.commune.department_id) if company.commune else None
    location = (job.location.name, job.location.department_id) if job.location else None
    return (
        job.pk,
        job.display_name,
        job.custom_title,
        job.contract_type,
        job.hours_per_week,
        job.open_positions,
        job.updated_at,
        job.distance,
        company.display_name,
        company.name,
        company.brand,
        company.kind,
        company.get_kind_display(),
        commune,
        location,
    )


@pytest.fixture
def jobs():
    """Job descriptions around Lyon: custom titles or not, brands, hours, several positions,
    a workplace of their own (Villeurbanne, Lille), an employer without commune, ties."""
    now = timezone.now()
    baker, mason = appellation("boulanger boulangere"), appellation("macon maconne")
    companies = [
        company_near(north_km=north_km, kind=kind, name=f"Employeur {number}", brand="Marque" if number % 3 else "")
        for number, (north_km, kind) in enumerate(
            itertools.product([0.5, 4, 12], [CompanyKind.ACI, CompanyKind.EI, CompanyKind.GEIQ])
        )
    ]
    point = commune_point(LYON)
    companies.append(
        CompanyFactory(kind=CompanyKind.EI, commune_id=None, latitude=point.latitude, longitude=point.longitude)
    )
    villeurbanne = commune_point(VILLEURBANNE)
    for index in range(45):
        company = companies[index % len(companies)]
        kwargs = {}
        if index % 4 == 1:
            kwargs.update(location_id=VILLEURBANNE, latitude=villeurbanne.latitude, longitude=villeurbanne.longitude)
        elif index % 9 == 2:
            kwargs.update(location_id=LILLE)  # at its employer's point, a workplace named elsewhere
        job_description(
            company,
            baker if index % 3 else mason,
            custom_title=f"Poste <{index}> & co" if index % 5 == 0 else "",
            contract_type=CONTRACT_TYPES_BY_COMPANY_KIND[company.kind][index % 2],
            hours_per_week=(20 + index % 15) if index % 2 else None,
            open_positions=1 + index % 3,
            updated_at=now - datetime.timedelta(hours=index // 4),
            **kwargs,
        )


@pytest.mark.parametrize(
    "radius,filters,page",
    [
        (25, {}, 1),
        (25, {}, 2),
        (25, {}, 3),
        (25, {}, 99),  # out of range: the last page
        (25, {}, "abc"),
        (5, {"kinds": [CompanyKind.EI]}, 1),
        (25, {"contract_types": [CONTRACT_TYPES_BY_COMPANY_KIND[CompanyKind.ACI][0]]}, 1),
        (25, {"rome_domains": ["F"]}, 1),
        (25, {"job": "macon"}, 1),
        (25, {"job": "boulang"}, 2),
        (25, {"job": "boulang"}, 0),  # out of range
    ],
)
def test_rows_are_the_orm_rows(jobs, django_assert_num_queries, radius, filters, page):
    filters = dict(filters)
    if job := filters.pop("job", None):
        filters["appellation_codes"] = appellation_codes_matching(parse_query(job).tsquery)
        assert filters["appellation_codes"]
    ranked = job_descriptions_near_page(commune_point(LYON), radius, page_number=page, per_page=20, **filters)
    assert ranked.rows

    by_pk = job_description_details().in_bulk([pk for pk, _distance in ranked.rows])
    expected = []
    for pk, distance in ranked.rows:
        job = by_pk[pk]
        job.distance = distance
        expected.append(job)
    with django_assert_num_queries(1):
        rows = job_description_rows(ranked.rows)

    assert [values(row) for row in rows] == [values(job) for job in expected]
    for index, (row, job) in enumerate(zip(rows, expected, strict=True)):
        row.detail_url = job.detail_url = f"/fiche/{index}/"
    assert job_description_cards(rows) == job_description_cards(expected)


def test_fixture_covers_what_a_card_shows(jobs):
    """The values compared above vary (a column read wrongly could not go unnoticed)."""
    ranked = job_descriptions_near_page(commune_point(LYON), 25, page_number=1, per_page=100)
    rows = job_description_rows(ranked.rows)
    assert len(rows) == 45
    for attribute in ("hours_per_week", "open_positions", "custom_title", "contract_type", "display_name"):
        assert len({getattr(row, attribute) for row in rows}) > 1, attribute
    assert {row.company.commune is None for row in rows} == {True, False}
    assert {row.location.name if row.location else None for row in rows} > {None}
    assert len({row.location.department_id for row in rows if row.location}) == 2
    assert len({row.company.display_name for row in rows}) > 2
    assert len({row.company.kind for row in rows}) == 3


def test_no_rows_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert job_description_rows([]) == []
