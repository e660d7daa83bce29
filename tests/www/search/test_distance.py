"""itou.geo.distance: the bounding box holds the whole circle, the SQL distance is the exact one."""

import math
import random

import pytest

from itou.companies.models import Company
from itou.geo.distance import Point, bounding_box, distance_km, within_radius
from tests.www.search.conftest import LILLE, LYON, commune_point, company_near, offset


def destination(point: Point, bearing_degrees: float, km: float) -> Point:
    """The point `km` away from `point` heading `bearing_degrees` (great circle)."""
    angular = km / 6371.0088
    bearing = math.radians(bearing_degrees)
    lat1, lon1 = math.radians(point.latitude), math.radians(point.longitude)
    lat2 = math.asin(math.sin(lat1) * math.cos(angular) + math.cos(lat1) * math.sin(angular) * math.cos(bearing))
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(angular) * math.cos(lat1), math.cos(angular) - math.sin(lat1) * math.sin(lat2)
    )
    return Point(math.degrees(lat2), math.degrees(lon2))


@pytest.mark.parametrize("latitude", [-60.0, 0.0, 16.2, 45.76, 51.1, 70.0])
@pytest.mark.parametrize("radius_km", [2, 25, 100])
def test_bounding_box_holds_the_whole_circle(latitude, radius_km):
    centre = Point(latitude, 4.8)
    box = bounding_box(centre, radius_km)
    for bearing in range(0, 360, 3):
        edge = destination(centre, bearing, radius_km * 0.999999)
        assert box.min_latitude <= edge.latitude <= box.max_latitude
        assert box.min_longitude <= edge.longitude <= box.max_longitude


def test_bounding_box_across_the_antimeridian_or_a_pole_has_no_longitude_range():
    assert bounding_box(Point(-17.5, 179.9), 50).min_longitude is None
    assert bounding_box(Point(89.9, 0), 50).min_longitude is None
    box = bounding_box(Point(45.0, 4.0), 50)
    assert box.min_longitude < 4.0 < box.max_longitude


def test_python_distance_matches_known_distances():
    lyon, lille = Point(45.76851, 4.82356), Point(50.63443, 3.04764)
    # Lyon – Lille as the crow flies: about 558 km.
    assert distance_km(lyon, lille) == pytest.approx(558, abs=2)
    assert distance_km(lyon, offset(lyon, north_km=10)) == pytest.approx(10, abs=1e-9)
    assert distance_km(lyon, offset(lyon, east_km=10)) == pytest.approx(10, abs=1e-9)
    assert distance_km(lyon, lyon) == 0


def test_sql_distance_is_the_exact_distance():
    lyon = commune_point(LYON)
    rng = random.Random(42)
    companies = [
        company_near(north_km=rng.uniform(-40, 40), east_km=rng.uniform(-40, 40), name=f"Structure {i}")
        for i in range(40)
    ]
    found = {company.pk: company.distance for company in within_radius(Company.objects.all(), lyon, 100)}
    for company in companies:
        expected = distance_km(lyon, Point(company.latitude, company.longitude))
        assert found[company.pk] == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    "north_km,east_km,radius_km,inside",
    [
        (9.9, 0, 10, True),
        (10.1, 0, 10, False),
        (0, 14.95, 15, True),
        (0, 15.05, 15, False),
        (-24.9, 0, 25, True),
        (0, -25.1, 25, False),
        (1.4, 1.4, 2, True),  # 1.98 km on the diagonal
        (1.5, 1.5, 2, False),  # 2.12 km: inside the box, outside the circle
    ],
)
def test_within_radius_inside_and_outside(north_km, east_km, radius_km, inside):
    lyon = commune_point(LYON)
    company = company_near(north_km=north_km, east_km=east_km)
    found = list(within_radius(Company.objects.all(), lyon, radius_km))
    assert (company in found) is inside
    if inside:
        assert found[0].distance == pytest.approx(math.hypot(north_km, east_km), abs=0.01)


def test_rows_without_coordinates_are_left_out():
    company_near(name="Placée")
    company_near(name="Sans coordonnées", latitude=None, longitude=None)
    found = within_radius(Company.objects.all(), commune_point(LYON), 5)
    assert [company.name for company in found] == ["Placée"]


def test_far_away_rows_are_left_out():
    company_near(LILLE, name="À Lille")
    assert not within_radius(Company.objects.all(), commune_point(LYON), 100).exists()
    assert within_radius(Company.objects.all(), commune_point(LYON), 600).exists()
