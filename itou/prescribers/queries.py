"""Named reads of prescriber organizations shared by several screens (see docs/recherche.md)."""

from django.db.models import QuerySet

from itou.geo.distance import Point, within_radius
from itou.prescribers.models import PrescriberOrganization


def authorized_organizations_near(point: Point, radius_km: float) -> QuerySet:
    """Authorized organizations ("prescripteurs habilités") within `radius_km` of `point`, nearest first.

    Annotated with `distance` (km), with their commune. The authorization filter is the
    very condition of the partial coordinates index, so PostgreSQL can use it.
    """
    return (
        within_radius(PrescriberOrganization.objects.authorized(), point, radius_km)
        .select_related("commune")
        .defer("description", "commune__search_vector", "commune__search_text", "commune__postal_codes")
        .order_by("distance", "name", "pk")
    )
