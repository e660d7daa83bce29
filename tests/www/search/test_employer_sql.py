"""The employer search page's precompiled SQL (itou.companies.queries.EmployerSearch) gives
exactly what the ORM queries it replaces give (companies_near, company_department_counts,
companies_results): the same rows, counts, values and order, for every combination of filters."""

import datetime
import itertools

import pytest
from django.utils import timezone

from itou.companies.enums import CompanyKind
from itou.companies.models import SIAE_CONVENTION_GRACE_PERIOD
from itou.companies.queries import EmployerSearch, companies_near, companies_results, company_department_counts
from tests.www.search.conftest import (
    LILLE,
    LYON,
    VILLEURBANNE,
    appellation,
    commune_point,
    company_near,
    job_description,
)

FIELDS = (
    "pk",
    "kind",
    "name",
    "brand",
    "spontaneous_applications_open_since",
    "commune_name",
    "commune_department",
    "distance",
    "hiring_now",
    "open_job_descriptions_count",
)


@pytest.fixture
def employers():
    """A varied circle around Lyon: kinds, hiring or not, ties on distance, no commune, out of reach."""
    today = timezone.localdate()
    baker, mason = appellation("boulanger boulangere"), appellation("macon maconne")
    created = []
    for number, (north_km, kind) in enumerate(
        itertools.product([0.5, 0.5, 3, 8, 20, 24.9], [CompanyKind.ACI, CompanyKind.EI, CompanyKind.GEIQ])
    ):
        company = company_near(
            north_km=north_km,
            kind=kind,
            name=f"Employeur {number:02d}",
            brand="Marque" if number % 5 == 0 else "",
            spontaneous_applications_open_since=timezone.now() if number % 4 == 0 else None,
        )
        if number % 3 == 0:
            job_description(company, baker)
        if number % 6 == 1:
            job_description(company, mason)
            job_description(company, mason)
        if number % 7 == 2:
            job_description(company, baker, is_open=False)
        created.append(company)
    company_near(VILLEURBANNE, east_km=1, name="Villeurbanne", kind=CompanyKind.EA)
    company_near(LYON, north_km=2, name="Sans commune").__class__.objects.filter(name="Sans commune").update(
        commune_id=None
    )
    company_near(north_km=1, name="OPCS", kind=CompanyKind.OPCS)
    company_near(north_km=1, name="Inactif", is_active=False)
    company_near(north_km=1, name="Convention finie", convention_end_date=today - SIAE_CONVENTION_GRACE_PERIOD)
    company_near(
        north_km=1,
        name="Convention en grâce",
        convention_end_date=today - SIAE_CONVENTION_GRACE_PERIOD + datetime.timedelta(days=1),
    )
    company_near(north_km=30, name="Trop loin")
    company_near(LILLE, name="Lille")
    return created


def orm_rows(point, radius, departments, by_distance, **filters):
    queryset = companies_results(
        companies_near(point, radius, **filters), departments=departments, by_distance=by_distance, commune_columns=True
    )
    return [tuple(getattr(company, field) for field in FIELDS) for company in queryset]


def as_tuples(rows):
    return [tuple(getattr(row, field) for field in FIELDS) for row in rows]


def sql_rows(search, departments, by_distance, start=0, stop=1000):
    return as_tuples(search.results(departments=departments, by_distance=by_distance)[start:stop])


FILTERS = [
    {},
    {"kinds": ["EI", "GEIQ"]},
    {"rome_domains": ["D"]},
    {"rome_domains": ["D", "F"], "kinds": ["ACI"]},
    {"hiring_only": True},
    {"hiring_only": True, "kinds": ["EI", "EA"], "rome_domains": ["F"]},
]


@pytest.mark.parametrize("filters", FILTERS)
def test_same_rows_counts_and_order_as_the_orm(employers, filters):
    point = commune_point(LYON)
    for radius in (2, 25):
        search = EmployerSearch(point, radius, **filters)
        counts = company_department_counts(companies_near(point, radius, **filters))
        assert search.department_counts() == counts
        for departments, by_distance in itertools.product([[], ["69"], ["69", "01"], ["59"]], [False, True]):
            expected = orm_rows(point, radius, departments, by_distance, **filters)
            assert sql_rows(search, departments, by_distance) == expected
            # A page is the same slice of the same order.
            assert sql_rows(search, departments, by_distance, 3, 8) == expected[3:8]
            # The counts and a page in one query: the same.
            for offset, limit in [(0, 1000), (3, 5), (0, 0), (1000, 20)]:
                one_query = search.counts_and_page(
                    departments=departments, by_distance=by_distance, offset=offset, limit=limit
                )
                assert (one_query[0], one_query[1]) == counts
                assert as_tuples(one_query[2]) == expected[offset : offset + limit]
    # Something was found, and the filters did filter (the comparison above is not vacuous).
    assert orm_rows(point, 25, [], False, **filters)
    assert len(orm_rows(point, 25, [], False, **filters)) < len(orm_rows(point, 25, [], False)) or not filters


def test_rows_show_what_the_card_needs(employers):
    row = EmployerSearch(commune_point(LYON), 25, kinds=["GEIQ"]).results()[0:1][0]
    assert row.get_kind_display() == CompanyKind.GEIQ.label
    assert row.display_name == (row.brand or row.name)
    assert row.commune_name == "Lyon" and row.commune_department == "69"
