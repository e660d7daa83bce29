"""Distance search without PostGIS (see docs/recherche.md).

Rows carry plain `latitude` / `longitude` float columns indexed together. A search around
a point first keeps the rows inside a bounding box of the circle (a range on the indexed
columns), then computes the exact great-circle distance of those few rows in SQL and keeps
the ones within the radius. The same helpers serve employers, job descriptions and
prescriber organizations.
"""

import math
from dataclasses import dataclass

from django.db.models import F, FloatField, QuerySet, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

# Mean Earth radius (IUGG): one degree of latitude is 111.195 km on this sphere.
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class BoundingBox:
    min_latitude: float
    max_latitude: float
    # None when the circle crosses the antimeridian or reaches a pole: no longitude range then.
    min_longitude: float | None
    max_longitude: float | None


def bounding_box(point: Point, radius_km: float) -> BoundingBox:
    """The smallest latitude/longitude rectangle that holds the circle of `radius_km` around `point`.

    Latitude: ± r / R in radians (r / 111.2 km per degree). Longitude: ± asin(sin(r / R) /
    cos(latitude)), the exact half-width of the circle on the sphere, which is a hair wider
    than the usual r / (111.2 · cos(latitude)): a row right on the circle is never cut.
    """
    angular = radius_km / EARTH_RADIUS_KM
    delta_latitude = math.degrees(angular)
    min_latitude = max(point.latitude - delta_latitude, -90.0)
    max_latitude = min(point.latitude + delta_latitude, 90.0)
    cos_latitude = math.cos(math.radians(point.latitude))
    ratio = math.sin(angular) / cos_latitude if cos_latitude > 1e-12 else 2.0
    if ratio >= 1 or min_latitude <= -90 or max_latitude >= 90:
        return BoundingBox(min_latitude, max_latitude, None, None)
    delta_longitude = math.degrees(math.asin(ratio))
    min_longitude = point.longitude - delta_longitude
    max_longitude = point.longitude + delta_longitude
    if min_longitude < -180 or max_longitude > 180:
        return BoundingBox(min_latitude, max_latitude, None, None)
    return BoundingBox(min_latitude, max_latitude, min_longitude, max_longitude)


def distance_expression(point: Point, *, latitude_field: str = "latitude", longitude_field: str = "longitude"):
    """SQL expression: the great-circle distance in km between `point` and the row (haversine).

    The haversine formula stays precise for a few metres, where the spherical law of
    cosines loses digits in acos(≈1). The asin argument is clamped to 1: rounding can push
    it a hair above for antipodal points, and asin(1.0000001) is an SQL error.
    """
    latitude = Radians(F(latitude_field), output_field=FloatField())
    longitude = Radians(F(longitude_field), output_field=FloatField())
    origin_latitude = Value(math.radians(point.latitude), output_field=FloatField())
    origin_longitude = Value(math.radians(point.longitude), output_field=FloatField())
    cos_origin_latitude = Value(math.cos(math.radians(point.latitude)), output_field=FloatField())
    half_chord = Power(Sin((latitude - origin_latitude) / Value(2.0)), 2) + cos_origin_latitude * Cos(latitude) * Power(
        Sin((longitude - origin_longitude) / Value(2.0)), 2
    )
    return Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(Least(Value(1.0), half_chord)))


def distance_sql(point: Point, latitude_sql: str, longitude_sql: str) -> tuple[str, list]:
    """The SQL text and parameters of distance_expression for columns of a hand-written query
    (`latitude_sql`, `longitude_sql`: SQL column references). The same operations in the
    same order with the same parameters: the same float for the same row (a test compares)."""
    sql = (
        f"(%s * ASIN(SQRT(LEAST(%s, (POWER(SIN(((RADIANS({latitude_sql}) - %s) / %s)), %s)"
        f" + ((%s * COS(RADIANS({latitude_sql}))) * POWER(SIN(((RADIANS({longitude_sql}) - %s) / %s)), %s)))))))"
    )
    params = [
        2 * EARTH_RADIUS_KM,
        1.0,
        math.radians(point.latitude),
        2.0,
        2,
        math.cos(math.radians(point.latitude)),
        math.radians(point.longitude),
        2.0,
        2,
    ]
    return sql, params


def within_bounding_box(
    queryset: QuerySet,
    point: Point,
    radius_km: float,
    *,
    latitude_field: str = "latitude",
    longitude_field: str = "longitude",
) -> QuerySet:
    """The rows of `queryset` inside the bounding box of the circle (rows without coordinates left out)."""
    box = bounding_box(point, radius_km)
    queryset = queryset.filter(
        **{f"{latitude_field}__gte": box.min_latitude, f"{latitude_field}__lte": box.max_latitude}
    )
    if box.min_longitude is not None:
        return queryset.filter(
            **{f"{longitude_field}__gte": box.min_longitude, f"{longitude_field}__lte": box.max_longitude}
        )
    return queryset.filter(**{f"{longitude_field}__isnull": False})


def within_radius(
    queryset: QuerySet,
    point: Point,
    radius_km: float,
    *,
    latitude_field: str = "latitude",
    longitude_field: str = "longitude",
    annotation: str = "distance",
) -> QuerySet:
    """The rows of `queryset` within `radius_km` of `point`, annotated with their distance in km.

    Rows without coordinates are left out. The bounding-box range is what lets PostgreSQL
    use the (latitude, longitude) index; the exact distance is only computed for the rows
    inside the box. Ordering is left to the caller (`.order_by(annotation)`).
    """
    queryset = within_bounding_box(
        queryset, point, radius_km, latitude_field=latitude_field, longitude_field=longitude_field
    )
    expression = distance_expression(point, latitude_field=latitude_field, longitude_field=longitude_field)
    return queryset.annotate(**{annotation: expression}).filter(**{f"{annotation}__lte": radius_km})


def distance_km(a: Point, b: Point) -> float:
    """The great-circle distance in km, computed in Python like distance_expression in SQL."""
    lat_a, lat_b = math.radians(a.latitude), math.radians(b.latitude)
    half_chord = (
        math.sin((lat_b - lat_a) / 2) ** 2
        + math.cos(lat_a) * math.cos(lat_b) * math.sin(math.radians(b.longitude - a.longitude) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, half_chord)))
