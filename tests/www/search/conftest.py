"""The real communes and ROME, imported once for the search tests of a process.

Each test runs in a savepoint of this transaction (pytest-django's `db`), so the import is
paid once per xdist worker and never leaks to other packages. Helpers place employers,
job descriptions and prescriber organizations at a known distance from a commune.
"""

import io
import math

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from itou.companies.enums import CONTRACT_TYPES_BY_COMPANY_KIND, CompanyKind
from itou.companies.models import Company, JobDescription
from itou.geo.distance import EARTH_RADIUS_KM, Point
from itou.geo.models import Commune
from itou.jobs.models import Appellation
from itou.prescribers.enums import PrescriberAuthorizationStatus, PrescriberOrganizationKind
from tests.companies.factories import CompanyFactory
from tests.prescribers.factories import PrescriberOrganizationFactory

LYON = "69123"
VILLEURBANNE = "69266"
LILLE = "59350"


@pytest.fixture(scope="package", autouse=True)
def reference_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        for command in ["import_geo", "import_rome"]:
            call_command(command, stdout=io.StringIO(), stderr=io.StringIO(), verbosity=0)
        # Fire the deferred foreign key checks now, once, rather than at each test's end.
        connection.check_constraints()
        # Planner statistics of the imported rows (the committed tables are empty): without
        # them PostgreSQL plans for empty tables and the searches crawl.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE geo_commune, geo_department, jobs_appellation, jobs_rome")
        yield
        transaction.set_rollback(True)


def offset(point: Point, *, north_km: float = 0.0, east_km: float = 0.0) -> Point:
    """The point `north_km` north then `east_km` east of `point`, along the sphere's great circles.

    North: along the meridian, exactly north_km away. East: along the great circle that
    starts due east, exactly east_km away (not along the parallel, which is longer).
    """
    latitude = point.latitude + math.degrees(north_km / EARTH_RADIUS_KM)
    if not east_km:
        return Point(latitude, point.longitude)
    angular = east_km / EARTH_RADIUS_KM
    lat1 = math.radians(latitude)
    lat2 = math.asin(math.sin(lat1) * math.cos(angular))
    lon2 = math.radians(point.longitude) + math.atan2(
        math.sin(angular) * math.cos(lat1), math.cos(angular) - math.sin(lat1) * math.sin(lat2)
    )
    return Point(math.degrees(lat2), math.degrees(lon2))


def commune_point(code: str) -> Point:
    commune = Commune.objects.get(code=code)
    return Point(commune.latitude, commune.longitude)


def company_near(code: str = LYON, *, north_km: float = 0.0, east_km: float = 0.0, **kwargs) -> Company:
    """An active employer of the commune `code`, placed north_km / east_km from its centre."""
    point = offset(commune_point(code), north_km=north_km, east_km=east_km)
    kwargs.setdefault("kind", CompanyKind.ACI)
    kwargs.setdefault("latitude", point.latitude)
    kwargs.setdefault("longitude", point.longitude)
    return CompanyFactory(commune_id=code, **kwargs)


def appellation(search_text: str) -> Appellation:
    return Appellation.objects.get(search_text=search_text)


def job_description(company: Company, appellation_obj: Appellation | None = None, **kwargs) -> JobDescription:
    """An open job description at its company's place (the coordinates copied as the model's screens do)."""
    kwargs.setdefault("contract_type", CONTRACT_TYPES_BY_COMPANY_KIND[company.kind][0])
    kwargs.setdefault("latitude", company.latitude)
    kwargs.setdefault("longitude", company.longitude)
    kwargs.setdefault("updated_at", timezone.now())
    return JobDescription.objects.create(
        company=company, appellation=appellation_obj or appellation("boulanger boulangere"), **kwargs
    )


def prescriber_near(code: str = LYON, *, north_km: float = 0.0, authorized: bool = True, **kwargs):
    point = offset(commune_point(code), north_km=north_km)
    if authorized:
        kwargs.setdefault("kind", PrescriberOrganizationKind.FT)
        kwargs.setdefault("authorization_status", PrescriberAuthorizationStatus.VALIDATED)
    else:
        kwargs.setdefault("kind", PrescriberOrganizationKind.OTHER)
        kwargs.setdefault("authorization_status", PrescriberAuthorizationStatus.NOT_SET)
    return PrescriberOrganizationFactory(commune_id=code, latitude=point.latitude, longitude=point.longitude, **kwargs)


def cold():
    """Forget the communes and ROME domains memoized by the earlier searches of a test
    (itou.www.search.forms.REFERENCE_CACHE_SECONDS): a counted search reads them again."""
    from django.core.cache import caches

    caches["pages"].clear()
