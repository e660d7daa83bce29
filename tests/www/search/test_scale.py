"""The searches at France scale: 10 k employers, 100 k job descriptions, 30 k prescriber organizations.

Checks that PostgreSQL uses the coordinates indexes, that the results are the right ones
in the right order (against a brute-force computation in Python), and that the query
count stays the same. Timings are measured and printed (`-s` shows them), never asserted:
docs/recherche.md records them.
"""

import datetime
import random
import re
import statistics
import time

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.client import ClientHandler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from itou.companies.enums import CONTRACT_TYPES_BY_COMPANY_KIND, CompanyKind
from itou.companies.models import SIAE_CONVENTION_GRACE_PERIOD, Company, JobDescription
from itou.companies.queries import (
    companies_near,
    companies_results,
    job_descriptions_near,
    job_descriptions_near_page,
    job_descriptions_results,
)
from itou.demo.world import make_siret
from itou.geo.distance import Point, distance_km
from itou.geo.models import Commune
from itou.jobs.models import Appellation
from itou.prescribers.enums import PrescriberAuthorizationStatus, PrescriberOrganizationKind
from itou.prescribers.models import PrescriberOrganization
from itou.prescribers.queries import authorized_organizations_near
from tests.www.search.conftest import cold

COMPANIES = 10_000
JOB_DESCRIPTIONS = 100_000
PRESCRIBERS = 30_000
RUNS = 50
# Big cities, a medium town, the countryside, overseas.
SEARCH_COMMUNES = ["69123", "75056", "59350", "13055", "33063", "87085", "23096", "97411"]
KINDS = list(CompanyKind)


def copy_rows(model, rows: list[dict]) -> None:
    """Insert rows with COPY: 100 k rows in about a second, where building 100 k model
    instances for bulk_create takes ten times longer. Each row gives the columns it cares
    about (values the database takes as they are); every other column gets its field's
    default, or NULL, so that a new model field needs no change here."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    defaults = {
        field.attname: field.get_db_prep_save(field.get_default(), connection)
        if field.has_default() or not field.null
        else None
        for field in fields
    }
    now = timezone.now()
    defaults |= {
        field.attname: now
        for field in fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    }
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    names = [field.attname for field in fields]
    with connection.cursor() as cursor, cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] if name in row else defaults[name] for name in names])


def build_france(rng: random.Random) -> None:
    """Employers where people live (weighted by population), ~10 job descriptions each."""
    communes = list(
        Commune.objects.filter(latitude__isnull=False).values_list("code", "latitude", "longitude", "population")
    )
    weights = [population + 200 for *_rest, population in communes]
    domains = dict(Appellation.objects.values_list("code", "rome__domain_id"))
    appellations = list(domains)
    today = timezone.localdate()
    now = timezone.now()

    companies = []
    for i, (code, latitude, longitude, _population) in enumerate(rng.choices(communes, weights=weights, k=COMPANIES)):
        kind = KINDS[i % len(KINDS)]
        ended = rng.random() < 0.05
        companies.append(
            Company(
                siret=make_siret(f"9{i:07d}"),
                kind=kind,
                name=f"Structure {i}",
                commune_id=code,
                # Most at their commune's centre, some geocoded nearby.
                latitude=latitude + (rng.uniform(-0.02, 0.02) if i % 3 else 0),
                longitude=longitude + (rng.uniform(-0.02, 0.02) if i % 3 else 0),
                is_active=rng.random() > 0.03,
                convention_end_date=today - datetime.timedelta(days=rng.choice([10, 400])) if ended else None,
                spontaneous_applications_open_since=now if rng.random() < 0.3 else None,
            )
        )
    companies = Company.objects.bulk_create(companies, batch_size=5_000)

    job_descriptions = []
    for i in range(JOB_DESCRIPTIONS):
        company = companies[rng.randrange(COMPANIES)]
        appellation = rng.choice(appellations)
        job_descriptions.append(
            {
                "company_id": company.pk,
                "appellation_id": appellation,
                "rome_domain_id": domains[appellation],
                "contract_type": rng.choice(CONTRACT_TYPES_BY_COMPANY_KIND[company.kind]),
                "latitude": company.latitude,
                "longitude": company.longitude,
                "is_open": rng.random() < 0.6,
                "updated_at": now - datetime.timedelta(minutes=rng.randrange(200_000)),
                "ui_rank": i,
            }
        )
    copy_rows(JobDescription, job_descriptions)

    kinds = list(PrescriberOrganizationKind)
    prescribers = [
        {
            "siret": f"8{i:013d}",  # 14 digits (the keys are not checked by the database)
            "kind": kinds[i % len(kinds)].value,
            "name": f"Organisation {i}",
            "commune_id": code,
            "latitude": latitude,
            "longitude": longitude,
            "authorization_status": PrescriberAuthorizationStatus.VALIDATED.value
            if i % 3
            else PrescriberAuthorizationStatus.NOT_SET.value,
        }
        for i, (code, latitude, longitude, _population) in enumerate(
            rng.choices(communes, weights=weights, k=PRESCRIBERS)
        )
    ]
    copy_rows(PrescriberOrganization, prescribers)
    with connection.cursor() as cursor:
        for model in (Company, JobDescription, PrescriberOrganization):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def expected_employers(point: Point, radius_km: float) -> list[int]:
    """The employers search computed in Python, from every row: the ids in their display order."""
    today = timezone.localdate()
    hiring = set(JobDescription.objects.filter(is_open=True).values_list("company_id", flat=True))
    rows = []
    for pk, kind, latitude, longitude, is_active, end, spontaneous in Company.objects.values_list(
        "pk", "kind", "latitude", "longitude", "is_active", "convention_end_date", "spontaneous_applications_open_since"
    ):
        if not is_active or kind == CompanyKind.OPCS or latitude is None:
            continue
        if end is not None and end < today - SIAE_CONVENTION_GRACE_PERIOD:
            continue
        distance = distance_km(point, Point(latitude, longitude))
        if distance <= radius_km:
            rows.append((not (pk in hiring or spontaneous is not None), distance, pk))
    return [pk for *_key, pk in sorted(rows)]


def explain(queryset) -> str:
    return queryset.explain()


def timed(url: str, params: dict, runs: int = RUNS) -> tuple[list[float], list[float], list[float]]:
    """Server time of `runs` requests, around each commune in turn: the whole Django stack
    (middlewares, view, SQL, templates) through the WSGI handler. The test client is not used
    here: it records every template context, which would count in the measure.

    Returns the wall times, the SQL times (as seen from Django) and the CPU times of the
    Python process, in ms: on a busy machine the wall time grows, the CPU time much less.
    """
    handler, factory = ClientHandler(), RequestFactory()
    handler(factory.get(url, params | {"commune_code": SEARCH_COMMUNES[0]}).environ)  # warm-up
    walls, sqls, cpus = [], [], []

    def measure_sql(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sqls[-1] += (time.perf_counter() - started) * 1000

    for i in range(runs):
        environ = factory.get(url, params | {"commune_code": SEARCH_COMMUNES[i % len(SEARCH_COMMUNES)]}).environ
        sqls.append(0.0)
        started, started_cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(measure_sql):
            response = handler(environ)
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    return walls, sqls, cpus


def report(label: str, measures: tuple[list[float], list[float], list[float]]) -> str:
    def p95(values):
        return sorted(values)[max(0, round(len(values) * 0.95) - 1)]

    walls, sqls, cpus = measures
    return (
        f"{label} : p50 {statistics.median(walls):.1f} ms, p95 {p95(walls):.1f} ms, max {max(walls):.1f} ms "
        f"(SQL p50 {statistics.median(sqls):.1f} ms, CPU Python p50 {statistics.median(cpus):.1f} ms)"
    )


@pytest.mark.slow
def test_searches_at_france_scale(client, django_assert_num_queries):
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Truncated inside the test's transaction, the tables get new files, which the final
        # rollback drops whole: 140 k rows leave no dead tuples behind for the next tests.
        cursor.execute(
            "TRUNCATE companies_company, companies_jobdescription, prescribers_prescriberorganization CASCADE"
        )
    build_france(random.Random(2026))
    built_in = time.perf_counter() - started
    lyon = Commune.objects.get(code="69123")
    point = Point(lyon.latitude, lyon.longitude)

    # The bounding box goes through the coordinates indexes (the partial ones included).
    plan = explain(companies_results(companies_near(point, 25))[:20])
    assert "company_coords_idx" in plan, plan
    plan = explain(job_descriptions_results(job_descriptions_near(point, 25))[:20])
    assert "jd_searchable_coords_idx" in plan, plan
    # The search page's query: the covering index only, for the points and for the page's rows.
    with CaptureQueriesContext(connection) as captured:
        job_descriptions_near_page(point, 25, page_number=1, per_page=20)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {captured.captured_queries[-1]['sql']}")
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert plan.count("jd_searchable_coords_idx") == 2, plan
    assert "companies_company" not in plan, plan
    plan = explain(authorized_organizations_near(point, 5)[:20])
    assert "prescriber_auth_coords_idx" in plan, plan

    # The right employers, in the right order, for a few radii.
    for radius in (5, 25, 100):
        found = list(companies_results(companies_near(point, radius)).values_list("pk", flat=True))
        assert found, radius
        assert found == expected_employers(point, radius)

    # The page shows 20 of them and their count, in 3 queries whatever the page (ROME
    # domains, commune, then the counts by department and the page together).
    expected = expected_employers(point, 25)
    cold()  # reference data memoized by an earlier request: read again
    with django_assert_num_queries(3):
        response = client.get(reverse("search:employers"), {"commune_code": "69123", "page": "2"})
    content = response.content.decode()
    assert f"{len(expected)} employeurs trouvés" in content
    pks_by_name = dict(Company.objects.values_list("name", "pk"))
    shown = re.findall(r'<h3 class="fr-card__title">\s*(?:<a[^>]*>)?([^<]+)', content)
    assert [pks_by_name[name.strip()] for name in shown] == expected[20:40]

    # Job descriptions: the nearest, then the most recent, against Python.
    rows = [
        (distance_km(point, Point(latitude, longitude)), -updated.timestamp(), pk)
        for pk, latitude, longitude, updated in JobDescription.objects.filter(
            is_open=True, company__in=Company.objects.active().exclude(kind=CompanyKind.OPCS)
        ).values_list("pk", "latitude", "longitude", "updated_at")
    ]
    expected_jobs = [pk for distance, _updated, pk in sorted(rows) if distance <= 10]
    found_jobs = list(job_descriptions_results(job_descriptions_near(point, 10)).values_list("pk", flat=True))
    assert found_jobs == expected_jobs
    # The search page reads them in two queries (ranked ids and count, then the page's details).
    cold()  # reference data memoized by an earlier request: read again
    with django_assert_num_queries(4):
        response = client.get(
            reverse("search:job_descriptions"), {"commune_code": "69123", "radius": "10", "page": "2"}
        )
    content = response.content.decode()
    assert f"{len(expected_jobs)} fiches de poste trouvées" in content
    links = [reverse("companies:job_description_detail", kwargs={"pk": pk}) for pk in expected_jobs[20:40]]
    assert re.findall(r'<h3 class="fr-card__title">\s*<a href="([^"]+)"', content) == links
    cold()  # reference data memoized by an earlier request: read again
    with django_assert_num_queries(4):
        client.get(reverse("search:job_descriptions"), {"commune_code": "69123", "radius": "100", "page": "30"})
    cold()  # reference data memoized by an earlier request: read again
    with django_assert_num_queries(3):
        client.get(reverse("search:prescribers"), {"commune_code": "75056", "radius": "100", "page": "30"})

    timings = [
        report("employeurs, 25 km", timed(reverse("search:employers"), {})),
        report("fiches de poste, 25 km", timed(reverse("search:job_descriptions"), {})),
        report("prescripteurs, 5 km", timed(reverse("search:prescribers"), {})),
    ]
    print(
        f"\nDonnées créées en {built_in:.1f} s ({COMPANIES} employeurs, {JOB_DESCRIPTIONS} fiches de poste, "
        f"{PRESCRIBERS} prescripteurs) ; {RUNS} recherches par ligne, autour de {len(SEARCH_COMMUNES)} communes :"
    )
    print("\n".join(timings))
