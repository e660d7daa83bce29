"""Which employers a need reaches, and the catalogue search (docs/marche.md).

An employer matches a need when its commercial profile is published, shares one of the
need's sectors, and its area covers the place of delivery: all France, one of its
departments, or the place within its radius of the employer (the great-circle distance
of itou.geo.distance, computed in SQL like the job search).
"""

from collections.abc import Collection

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from itou.companies.models import SIAE_CONVENTION_GRACE_PERIOD
from itou.companies.queries import SEARCHABLE_COMPANY_KINDS
from itou.geo.distance import Point, distance_expression, within_radius
from itou.marketplace.enums import AreaKind
from itou.marketplace.models import CommercialProfile

# An employer never works further than this from its base (the biggest radius offered).
MAX_RADIUS_KM = 500


def _with_sectors(queryset: QuerySet, sector_ids: Collection[int]) -> QuerySet:
    through = CommercialProfile.sectors.through
    return queryset.filter(
        Exists(through.objects.filter(commercialprofile_id=OuterRef("pk"), sector_id__in=list(sector_ids)))
    )


def matching_profiles(*, sector_ids: Collection[int], point: Point, department_code: str) -> QuerySet:
    """The published profiles of active employers that a need of these sectors at `point`
    (in `department_code`) reaches, annotated with `distance` (km) from the employer."""
    queryset = _with_sectors(_published_of_searchable_companies(), sector_ids)
    distance = distance_expression(point, latitude_field="company__latitude", longitude_field="company__longitude")
    queryset = queryset.annotate(distance=distance)
    covers = (
        Q(area_kind=AreaKind.FRANCE)
        | Q(area_kind=AreaKind.DEPARTMENTS, departments__contains=[department_code])
        | Q(area_kind=AreaKind.RADIUS, distance__lte=F("radius_km"))
    )
    return queryset.filter(covers)


def _published_of_searchable_companies() -> QuerySet:
    """Published profiles of the employers the public search shows (same rules as
    itou.companies.queries.searchable_companies), as conditions on the joined company:
    PostgreSQL then uses the company's coordinates index for a bounding box."""
    today = timezone.localdate()
    return CommercialProfile.objects.filter(
        Q(company__convention_end_date__isnull=True)
        | Q(company__convention_end_date__gte=today - SIAE_CONVENTION_GRACE_PERIOD),
        is_published=True,
        company__is_active=True,
        company__kind__in=SEARCHABLE_COMPANY_KINDS,
    )


def catalogue(
    *,
    point: Point | None = None,
    radius_km: float | None = None,
    department: str = "",
    sector_ids: Collection[int] = (),
    kinds: Collection[str] = (),
    min_staff: int | None = None,
    cocontracting_only: bool = False,
) -> QuerySet:
    """Published profiles for the catalogue: around a commune (bounding box then haversine
    on the employers' indexed coordinates, annotated `distance`), in a department, by
    sector, kind of employer, capacity and "can answer with others". No ordering here."""
    queryset = _published_of_searchable_companies()
    if point is not None:
        queryset = within_radius(
            queryset,
            point,
            radius_km or 25,
            latitude_field="company__latitude",
            longitude_field="company__longitude",
        )
    if department:
        queryset = queryset.filter(company__commune__department_id=department)
    if kinds:
        queryset = queryset.filter(company__kind__in=kinds)
    if sector_ids:
        queryset = _with_sectors(queryset, sector_ids)
    if min_staff:
        queryset = queryset.filter(staff_count__gte=min_staff)
    if cocontracting_only:
        queryset = queryset.filter(can_cocontract=True)
    return queryset
