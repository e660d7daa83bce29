"""Named reads of prescriber organizations shared by several screens (see docs/recherche.md)."""

from collections.abc import Collection

from django.db.models import QuerySet

from itou.geo.distance import Point, within_radius
from itou.prescribers.models import PrescriberOrganization


def authorized_organizations_near(point: Point, radius_km: float, *, kinds: Collection[str] = ()) -> QuerySet:
    """Authorized organizations ("prescripteurs habilités") within `radius_km` of `point`, nearest first,
    of the given `kinds` (all when empty).

    Annotated with `distance` (km), with their commune. The authorization filter is the
    very condition of the partial coordinates index, so PostgreSQL can use it.
    """
    organizations = PrescriberOrganization.objects.authorized()
    if kinds:
        organizations = organizations.filter(kind__in=kinds)
    return (
        within_radius(organizations, point, radius_km)
        .select_related("commune")
        .defer("commune__search_vector", "commune__search_text", "commune__postal_codes")
        .order_by("distance", "name", "pk")
    )
