"""Named reads of employers and job descriptions shared by several screens (see docs/recherche.md)."""

import math
from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from itou.companies.enums import SEARCHABLE_COMPANY_KINDS, CompanyKind
from itou.companies.models import SIAE_CONVENTION_GRACE_PERIOD, Company, JobDescription
from itou.geo.distance import EARTH_RADIUS_KM, Point, bounding_box, distance_sql, within_radius
from itou.geo.models import Commune, Department
from itou.jobs.models import Appellation

# Columns that a results page never shows, left out of its query: descriptions are long
# texts, and PostgreSQL would carry them through the sort by distance of every row of the circle.
COMMUNE_UNUSED_FIELDS = ("search_vector", "search_text", "postal_codes")


def searchable_companies() -> QuerySet:
    """Employers shown to the public: active (convention grace period included), not OPCS."""
    return Company.objects.active().filter(kind__in=SEARCHABLE_COMPANY_KINDS)


def _open_job_descriptions(*, rome_domains: Collection[str] = ()) -> QuerySet:
    """The open job descriptions of the outer company (for Exists / Subquery)."""
    queryset = JobDescription.objects.filter(company=OuterRef("pk"), is_open=True)
    if rome_domains:
        # The domain copied on the job description: one probe of jd_open_company_domain_idx
        # per employer, no join to the ROME tables.
        queryset = queryset.filter(rome_domain_id__in=rome_domains)
    return queryset


def appellation_codes_matching(tsquery: str) -> list[str]:
    """The codes of the ROME appellations matching a prefix tsquery (itou.www.autocomplete.search.parse_query).

    One query on the GIN index of the appellations (a few hundred codes at most): the job
    description search then filters `appellation_id = ANY(codes)` on jd_open_appellation_idx,
    instead of reading every open job description of the circle before joining the appellations.
    """
    return list(
        Appellation.objects.filter(search_vector=SearchQuery(tsquery, search_type="raw", config="simple")).values_list(
            "code", flat=True
        )
    )


def companies_near(
    point: Point,
    radius_km: float,
    *,
    kinds: Collection[str] = (),
    rome_domains: Collection[str] = (),
    hiring_only: bool = False,
) -> QuerySet:
    """Searchable employers within `radius_km` of `point`, annotated with `distance` (km) and `hiring_now`.

    `hiring_now`: an open job description, or spontaneous applications open.
    `rome_domains` keeps the employers with an open job description in one of these ROME
    domains. No department filter and no ordering here: `company_department_counts` counts
    this set by department, `companies_results` filters and orders it for a page.
    """
    queryset = within_radius(searchable_companies(), point, radius_km)
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    if rome_domains:
        queryset = queryset.filter(Exists(_open_job_descriptions(rome_domains=rome_domains)))
    hiring_now = Q(spontaneous_applications_open_since__isnull=False) | Q(Exists(_open_job_descriptions()))
    queryset = queryset.annotate(hiring_now=ExpressionWrapper(hiring_now, output_field=BooleanField()))
    if hiring_only:
        queryset = queryset.filter(hiring_now=True)
    return queryset


@dataclass(frozen=True)
class DepartmentCount:
    code: str
    name: str
    count: int


def company_department_counts(queryset: QuerySet) -> tuple[list[DepartmentCount], int]:
    """How many employers of `queryset` each department has, and how many have no commune.

    One GROUP BY query: it gives both the department filter's choices (only departments
    that the radius reaches, never a list of 100) and the result count of any selection.
    The employers are counted by commune first, then the communes (a few hundred around
    Paris, not one per employer) are joined to their department.
    """
    per_commune = queryset.order_by().values("commune_id").annotate(count=Count("pk"))
    inner, params = per_commune.query.sql_with_params()
    commune, department = Commune._meta.db_table, Department._meta.db_table
    statement = (
        f'SELECT c."department_id", d."name", SUM(p."count") FROM ({inner}) p'
        f' LEFT JOIN "{commune}" c ON c."code" = p."commune_id"'
        f' LEFT JOIN "{department}" d ON d."code" = c."department_id"'
        " GROUP BY 1, 2 ORDER BY 1"
    )
    departments, without_department = [], 0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(statement, params)
        for code, name, count in cursor.fetchall():
            if code is None:
                without_department += int(count)
            else:
                departments.append(DepartmentCount(code, name, int(count)))
    return departments, without_department


def companies_results(
    queryset: QuerySet, *, departments: Collection[str] = (), by_distance: bool = False, commune_columns: bool = False
) -> QuerySet:
    """A `companies_near` set ready for a results page: hiring now first, then the nearest
    (or, `by_distance`, the nearest first whatever they do).

    Each employer carries its commune and `open_job_descriptions_count` (a correlated
    count on the job descriptions' company index, computed for the rows of the page only
    once PostgreSQL has sorted and cut them). With `commune_columns`, the commune is not
    joined but read the same way, as `commune_name` and `commune_department` (the search
    page: a join would be done for every employer of the circle before the sort, 1 300
    index probes around Paris, where these subqueries run for the 20 rows of the page).
    """
    if departments:
        queryset = queryset.filter(commune__department_id__in=departments)
    open_count = _open_job_descriptions().order_by().values("company").annotate(count=Count("pk")).values("count")[:1]
    if commune_columns:
        communes = Commune.objects.filter(code=OuterRef("commune_id"))
        queryset = queryset.defer("description").annotate(
            commune_name=Subquery(communes.values("name")[:1]),
            commune_department=Subquery(communes.values("department_id")[:1]),
        )
    else:
        queryset = queryset.select_related("commune").defer(
            "description", *(f"commune__{field}" for field in COMMUNE_UNUSED_FIELDS)
        )
    return queryset.annotate(
        open_job_descriptions_count=Coalesce(
            Subquery(open_count, output_field=IntegerField()), Value(0), output_field=IntegerField()
        )
    ).order_by(*(("distance", "pk") if by_distance else ("-hiring_now", "distance", "pk")))


def _matching_job_descriptions(
    *,
    kinds: Collection[str] = (),
    rome_domains: Collection[str] = (),
    contract_types: Collection[str] = (),
    appellation_tsquery: str | None = None,
    appellation_codes: Collection[str] | None = None,
) -> QuerySet:
    """Open job descriptions of searchable employers matching the filters, wherever they are.

    Every condition reads a column of the job description itself (the employer's kind and
    visibility are copied on it: JobDescription.company_*): all of them are in
    jd_searchable_coords_idx, no join to the employers.
    """
    queryset = JobDescription.objects.searchable()
    if kinds:
        queryset = queryset.filter(company_kind__in=list(kinds))
    if rome_domains:
        queryset = queryset.filter(rome_domain_id__in=list(rome_domains))
    if contract_types:
        queryset = queryset.filter(contract_type__in=list(contract_types))
    if appellation_codes is not None:
        queryset = queryset.filter(appellation_id__in=list(appellation_codes))
    if appellation_tsquery:
        queryset = queryset.filter(
            appellation_id__in=Appellation.objects.filter(
                search_vector=SearchQuery(appellation_tsquery, search_type="raw", config="simple")
            ).values("code")
        )
    return queryset


def job_descriptions_near(point: Point, radius_km: float, **filters) -> QuerySet:
    """Open job descriptions of searchable employers within `radius_km` of `point`, annotated with `distance`.

    The distance is the job description's own (its location, else its employer's), copied
    in its row so that the partial index on open job descriptions serves the bounding box.
    Filters (`_matching_job_descriptions`): `kinds`, `rome_domains`, `contract_types`;
    `appellation_codes` keeps the job descriptions of these ROME appellations (from
    `appellation_codes_matching`: what the search page uses); `appellation_tsquery` is a
    prefix tsquery (itou.www.autocomplete.search.parse_query) matched against the ROME
    appellation's normalized words, resolved here in a subquery.
    A results page is read by `job_descriptions_near_page` instead (per point, same order).
    """
    return within_radius(_matching_job_descriptions(**filters), point, radius_km)


@dataclass(frozen=True)
class RankedPage:
    """A page of ranked rows: (pk, distance) in order, the total count and the page number."""

    rows: list[tuple[int, float]]
    total: int
    number: int


# Beyond, a page number is out of range whatever the search (and too big for an SQL OFFSET).
MAX_PAGE_NUMBER = 10_000


_JD = f'"{JobDescription._meta.db_table}"'


def _searchable_job_descriptions_where(
    *,
    kinds: Collection[str] = (),
    rome_domains: Collection[str] = (),
    contract_types: Collection[str] = (),
    appellation_codes: Collection[str] | None = None,
) -> tuple[list[str], list]:
    """`_matching_job_descriptions` as SQL conditions on _JD, and their parameters (no ORM
    compilation for each search: JobDescription.objects.searchable, same conditions)."""
    conditions = [
        f"{_JD}.is_open",
        f"{_JD}.company_searchable",
        f"({_JD}.company_convention_end_date IS NULL OR {_JD}.company_convention_end_date >= %s)",
    ]
    params: list = [timezone.localdate() - SIAE_CONVENTION_GRACE_PERIOD]
    for column, values in (
        ("company_kind", kinds),
        ("rome_domain_id", rome_domains),
        ("contract_type", contract_types),
        ("appellation_id", appellation_codes),
    ):
        if values or (column == "appellation_id" and values is not None):
            conditions.append(f"{_JD}.{column} = ANY(%s)")
            params.append(list(values))
    return conditions, params


def job_descriptions_near_page(
    point: Point,
    radius_km: float,
    *,
    page_number,
    per_page: int,
    kinds: Collection[str] = (),
    rome_domains: Collection[str] = (),
    contract_types: Collection[str] = (),
    appellation_codes: Collection[str] | None = None,
    using: str = "default",
) -> RankedPage:
    """A page of `job_descriptions_near(point, radius_km, …)` in JOB_DESCRIPTION_RESULTS_ORDER
    and the exact total, in one query that reads only jd_searchable_coords_idx (index-only
    scans; docs/recherche.md).

    The job descriptions of the circle stand on far fewer points than rows (a job without a
    workplace of its own takes its employer's point: around Paris at 100 km, ~14,000 rows
    on ~1,300 points). So the query counts the rows of the bounding box by point, computes
    the distance of each point once, keeps the circle's points and sums their counts in
    the order of the distances (the total, and how many rows come before each distance);
    then it reads the rows of the points whose distance falls on the page only, sorts them
    by distance, then the most recently updated, then the id, and skips those before the
    page. Points at the very same distance form one group, so a tie that spans several
    points or pages is ordered exactly like the row by row query.
    Like Paginator.get_page, a page number that is not a number gives the first page, one
    out of range (below 1 included) the last page: in the same query.
    """
    try:
        number = int(page_number)
    except (TypeError, ValueError):
        number = 1
    if not 1 <= number <= MAX_PAGE_NUMBER:
        number = MAX_PAGE_NUMBER + 1  # out of range: the query gives the last page
    conditions, params = _searchable_job_descriptions_where(
        kinds=kinds, rome_domains=rome_domains, contract_types=contract_types, appellation_codes=appellation_codes
    )
    where = " AND ".join(conditions)
    box = bounding_box(point, radius_km)
    box_conditions = [f"{_JD}.latitude >= %s", f"{_JD}.latitude <= %s"]
    box_params = [box.min_latitude, box.max_latitude]
    if box.min_longitude is not None:
        box_conditions += [f"{_JD}.longitude >= %s", f"{_JD}.longitude <= %s"]
        box_params += [box.min_longitude, box.max_longitude]
    else:
        box_conditions.append(f"{_JD}.longitude IS NOT NULL")
    distance, distance_params = distance_sql(point, "p.latitude", "p.longitude")
    statement = f"""
        WITH points AS MATERIALIZED (
            SELECT p.latitude, p.longitude, p.n, {distance} AS distance
            FROM (
                SELECT {_JD}.latitude, {_JD}.longitude, COUNT(*) AS n FROM {_JD}
                WHERE {where} AND {" AND ".join(box_conditions)}
                GROUP BY 1, 2
            ) p
        ), ranked AS (
            SELECT distance, n, (SUM(n) OVER (ORDER BY distance) - n)::bigint AS before,
                (SUM(n) OVER ())::bigint AS total
            FROM (SELECT distance, SUM(n)::bigint AS n FROM points WHERE distance <= %s GROUP BY distance) circle
        ), page AS (
            SELECT COALESCE(MAX(total), 0)::bigint AS total,
                LEAST(%s::bigint, (GREATEST(MAX(total), 1)::bigint - 1) / %s * %s) AS start
            FROM ranked
        ), page_distances AS (
            SELECT ranked.distance, ranked.before FROM ranked, page
            WHERE ranked.before < page.start + %s AND ranked.before + ranked.n > page.start
        )
        SELECT {_JD}.id, page.total, pd.distance, page.start
        FROM page_distances pd
        JOIN points pt ON pt.distance = pd.distance
        JOIN {_JD} ON {_JD}.latitude = pt.latitude AND {_JD}.longitude = pt.longitude
        CROSS JOIN page
        WHERE {where}
        ORDER BY pd.distance, {_JD}.updated_at DESC, {_JD}.id
        OFFSET (SELECT MAX(page.start) - MIN(page_distances.before) FROM page_distances, page)
        LIMIT %s
    """
    statement_params = [
        *distance_params,
        *params,
        *box_params,
        radius_km,
        (number - 1) * per_page,
        per_page,
        per_page,
        per_page,
        *params,
        per_page,
    ]
    with connections[using].cursor() as cursor:
        cursor.execute(statement, statement_params)
        fetched = cursor.fetchall()
    if not fetched:
        return RankedPage([], 0, 1)
    _pk, total, _distance, start = fetched[0]
    return RankedPage(
        [(pk, row_distance) for pk, _total, row_distance, _start in fetched], total, start // per_page + 1
    )


# Nearest first, then the most recently updated.
JOB_DESCRIPTION_RESULTS_ORDER = ("distance", "-updated_at", "pk")
# What a results card shows (employer, its commune, ROME appellation, location), and the
# long texts it does not.
JOB_DESCRIPTION_CARD_RELATED = ("company", "company__commune", "appellation", "location")
JOB_DESCRIPTION_CARD_DEFERRED = (
    "description",
    "profile_sought",
    "company__description",
    "appellation__search_vector",
    "appellation__search_text",
    *(f"company__commune__{field}" for field in COMMUNE_UNUSED_FIELDS),
    *(f"location__{field}" for field in COMMUNE_UNUSED_FIELDS),
)


def job_description_details() -> QuerySet:
    """Job descriptions with what a results card shows, in the same query (for a page of ids).

    The search page reads the same values by job_description_rows (precompiled SQL, light
    rows); tests/www/search/test_job_description_sql.py compares both."""
    return JobDescription.objects.select_related(*JOB_DESCRIPTION_CARD_RELATED).defer(*JOB_DESCRIPTION_CARD_DEFERRED)


def job_descriptions_results(queryset: QuerySet) -> QuerySet:
    """A `job_descriptions_near` set ready for a results page, in one query: nearest first,
    then the most recently updated, with what a card shows.

    The search page itself ranks the set with JOB_DESCRIPTION_RESULTS_ORDER and loads the
    details of its 20 rows only (itou.www.search.pagination.paginate_ranked).
    """
    return (
        queryset.select_related(*JOB_DESCRIPTION_CARD_RELATED)
        .defer(*JOB_DESCRIPTION_CARD_DEFERRED)
        .order_by(*JOB_DESCRIPTION_RESULTS_ORDER)
    )


# --- The employer search page, in precompiled SQL --------------------------------------
# The search page runs the same two queries as companies_near + company_department_counts
# + companies_results(…, commune_columns=True), but from SQL text assembled out of fixed
# pieces: building and compiling those ORM expressions (a distance formula, three
# correlated subqueries, the grace period…) cost about 5 ms of processor per search, more
# than PostgreSQL spent answering (docs/performance.md, « 7 décembre 2026, 5e session »).
# The text is the ORM's (same conditions, same formula, same order), and
# tests/www/search/test_employer_sql.py checks that both give the same rows.

_COMPANY_TABLE = Company._meta.db_table
_JOB_DESCRIPTION_TABLE = JobDescription._meta.db_table
_COMMUNE_TABLE = Commune._meta.db_table
_DEPARTMENT_TABLE = Department._meta.db_table
_COMPANY_KIND_LABELS = dict(CompanyKind.choices)


def _distance_sql(table: str) -> str:
    """geo.distance.distance_expression as SQL text, its point as 3 parameters (radians of
    the latitude and the longitude, cosine of the latitude)."""
    latitude, longitude = f'RADIANS("{table}"."latitude")', f'RADIANS("{table}"."longitude")'
    return (
        f"({2 * EARTH_RADIUS_KM!r} * ASIN(SQRT(LEAST(1.0, (POWER(SIN((({latitude} - %s) / 2.0)), 2)"
        f" + ((%s * COS({latitude})) * POWER(SIN((({longitude} - %s) / 2.0)), 2)))))))"
    )


_COMPANY_DISTANCE_SQL = _distance_sql(_COMPANY_TABLE)
_OPEN_JOB_DESCRIPTION_SQL = (
    f'SELECT 1 FROM "{_JOB_DESCRIPTION_TABLE}" jd WHERE jd."company_id" = "{_COMPANY_TABLE}"."id" AND jd."is_open"'
)
_HIRING_NOW_SQL = (
    f'("{_COMPANY_TABLE}"."spontaneous_applications_open_since" IS NOT NULL'
    f" OR EXISTS({_OPEN_JOB_DESCRIPTION_SQL} LIMIT 1))"
)


def _in(column: str, values: Collection) -> tuple[str, list]:
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


@dataclass(slots=True)
class EmployerRow:
    """An employer of a results page: what its card shows, nothing else."""

    pk: int
    kind: str
    name: str
    brand: str
    spontaneous_applications_open_since: object
    distance: float
    hiring_now: bool
    commune_name: str | None
    commune_department: str | None
    open_job_descriptions_count: int
    detail_url: str = ""

    @property
    def display_name(self) -> str:
        return self.brand or self.name

    def get_kind_display(self) -> str:
        return _COMPANY_KIND_LABELS.get(self.kind, self.kind)


class EmployerSearch:
    """The employers of the search page within `radius_km` of `point` (see companies_near):
    `department_counts()` then `results(…)[start:stop]`, one SQL query each."""

    def __init__(
        self,
        point: Point,
        radius_km: float,
        *,
        kinds: Collection[str] = (),
        rome_domains: Collection[str] = (),
        hiring_only: bool = False,
        using: str = "default",
    ):
        table = f'"{_COMPANY_TABLE}"'
        box = bounding_box(point, radius_km)
        origin = [math.radians(point.latitude), math.cos(math.radians(point.latitude)), math.radians(point.longitude)]
        searchable, searchable_params = _in(f'{table}."kind"', [kind.value for kind in SEARCHABLE_COMPANY_KINDS])
        conditions = [
            f'{table}."is_active"',
            f'({table}."convention_end_date" IS NULL OR {table}."convention_end_date" >= %s)',
            searchable,
            f'{table}."latitude" >= %s',
            f'{table}."latitude" <= %s',
        ]
        params = [timezone.localdate() - SIAE_CONVENTION_GRACE_PERIOD, *searchable_params]
        params += [box.min_latitude, box.max_latitude]
        if box.min_longitude is not None:
            conditions += [f'{table}."longitude" >= %s', f'{table}."longitude" <= %s']
            params += [box.min_longitude, box.max_longitude]
        else:
            conditions.append(f'{table}."longitude" IS NOT NULL')
        conditions.append(f"{_COMPANY_DISTANCE_SQL} <= %s")
        params += [*origin, float(radius_km)]
        if kinds:
            sql, values = _in(f'{table}."kind"', kinds)
            conditions.append(sql)
            params += values
        if rome_domains:
            sql, values = _in('jd."rome_domain_id"', rome_domains)
            conditions.append(f"EXISTS({_OPEN_JOB_DESCRIPTION_SQL} AND {sql} LIMIT 1)")
            params += values
        if hiring_only:
            conditions.append(_HIRING_NOW_SQL)
        self.where, self.params, self.origin, self.using = " AND ".join(conditions), params, origin, using

    def department_counts(self) -> tuple[list[DepartmentCount], int]:
        """As company_department_counts: by department (code order), and how many have no commune."""
        statement = (
            f'SELECT c."department_id", d."name", SUM(p."count") FROM ('
            f'SELECT "{_COMPANY_TABLE}"."commune_id" AS "commune_id", COUNT("{_COMPANY_TABLE}"."id") AS "count"'
            f' FROM "{_COMPANY_TABLE}" WHERE {self.where} GROUP BY 1) p'
            f' LEFT JOIN "{_COMMUNE_TABLE}" c ON c."code" = p."commune_id"'
            f' LEFT JOIN "{_DEPARTMENT_TABLE}" d ON d."code" = c."department_id"'
            " GROUP BY 1, 2 ORDER BY 1"
        )
        departments, without_department = [], 0
        with connections[self.using].cursor() as cursor:
            cursor.execute(statement, self.params)
            for code, name, count in cursor.fetchall():
                if code is None:
                    without_department += int(count)
                else:
                    departments.append(DepartmentCount(code, name, int(count)))
        return departments, without_department

    def results(self, *, departments: Collection[str] = (), by_distance: bool = False) -> "EmployerResults":
        return EmployerResults(self, departments=departments, by_distance=by_distance)

    def counts_and_page(
        self, *, departments: Collection[str] = (), by_distance: bool = False, offset: int = 0, limit: int = 20
    ) -> tuple[list[DepartmentCount], int, list[EmployerRow]]:
        """department_counts() and results(…)[offset:offset + limit] in ONE query: the circle is
        read once (its rows, their distance and `hiring_now`, materialized), then counted by
        commune and department and sorted for the page. Two queries read it twice."""
        table = f'"{_COMPANY_TABLE}"'
        page_filter, page_params = "", []
        if departments:
            sql, page_params = _in('pc."department_id"', departments)
            page_filter = f'INNER JOIN per_commune pc ON pc."commune_id" = circle."commune_id" WHERE {sql}'
        order = "distance ASC, id ASC" if by_distance else "hiring_now DESC, distance ASC, id ASC"
        statement = (
            "WITH circle AS MATERIALIZED ("
            f'SELECT {table}."id" AS id, {table}."commune_id" AS commune_id, {table}."kind" AS kind,'
            f' {table}."name" AS name, {table}."brand" AS brand,'
            f' {table}."spontaneous_applications_open_since" AS since,'
            f" {_COMPANY_DISTANCE_SQL} AS distance, {_HIRING_NOW_SQL} AS hiring_now"
            f" FROM {table} WHERE {self.where}"
            "), per_commune AS MATERIALIZED ("
            'SELECT p.commune_id, cm."department_id" AS department_id, cm."name" AS name, p.count'
            " FROM (SELECT commune_id, COUNT(*) AS count FROM circle GROUP BY 1) p"
            f' LEFT JOIN "{_COMMUNE_TABLE}" cm ON cm."code" = p.commune_id'
            "), page AS ("
            f"SELECT circle.* FROM circle {page_filter} ORDER BY {order} LIMIT %s OFFSET %s"
            ")"
            # The counts by department (row kind 0, by department code as department_counts),
            # then the page (row kind 1, in its order).
            " SELECT 0 AS row_kind, row_number() OVER (ORDER BY pc.department_id) AS position,"
            ' pc.department_id, d."name", SUM(pc.count)::bigint,'
            " NULL::integer, NULL::varchar, NULL::varchar, NULL::varchar, NULL::timestamptz, NULL::varchar,"
            " NULL::double precision, NULL::boolean, NULL::bigint"
            f' FROM per_commune pc LEFT JOIN "{_DEPARTMENT_TABLE}" d ON d."code" = pc.department_id GROUP BY 3, 4'
            " UNION ALL"
            f" SELECT 1, row_number() OVER (ORDER BY {order}), pc.department_id, NULL, NULL,"
            " page.id, page.kind, page.name, page.brand, page.since, pc.name, page.distance, page.hiring_now,"
            f' COALESCE((SELECT COUNT(jd."id") FROM "{_JOB_DESCRIPTION_TABLE}" jd'
            ' WHERE jd."company_id" = page.id AND jd."is_open" GROUP BY jd."company_id" LIMIT 1), 0)'
            " FROM page LEFT JOIN per_commune pc ON pc.commune_id = page.commune_id"
            " ORDER BY 1, 2"
        )
        params = [*self.origin, *self.params, *page_params, limit, offset]
        counts, without_department, rows = [], 0, []
        with connections[self.using].cursor() as cursor:
            cursor.execute(statement, params)
            for row in cursor.fetchall():
                if row[0] == 0:
                    code, name, count = row[2], row[3], int(row[4])
                    if code is None:
                        without_department += count
                    else:
                        counts.append(DepartmentCount(code, name, count))
                else:
                    _kind, _position, department, _name, _count, pk, kind, name, brand, since, commune_name, *rest = row
                    distance, hiring_now, open_count = rest
                    rows.append(
                        EmployerRow(
                            pk=pk,
                            kind=kind,
                            name=name,
                            brand=brand,
                            spontaneous_applications_open_since=since,
                            commune_name=commune_name,
                            commune_department=department,
                            distance=distance,
                            hiring_now=hiring_now,
                            open_job_descriptions_count=open_count,
                        )
                    )
        return counts, without_department, rows


class EmployerResults:
    """The ordered results of an EmployerSearch (see companies_results): sliced by a
    paginator, each slice is one query with LIMIT/OFFSET, giving EmployerRow objects."""

    def __init__(self, search: EmployerSearch, *, departments: Collection[str], by_distance: bool):
        table = f'"{_COMPANY_TABLE}"'
        join, where, params = "", search.where, list(search.params)
        if departments:
            join = f' INNER JOIN "{_COMMUNE_TABLE}" ON ({table}."commune_id" = "{_COMMUNE_TABLE}"."code")'
            sql, values = _in(f'"{_COMMUNE_TABLE}"."department_id"', departments)
            where = f"{where} AND {sql}"
            params += values
        commune = f'FROM "{_COMMUNE_TABLE}" cm WHERE cm."code" = {table}."commune_id" LIMIT 1'
        open_count = (
            f'SELECT COUNT(jd."id") FROM "{_JOB_DESCRIPTION_TABLE}" jd'
            f' WHERE jd."company_id" = {table}."id" AND jd."is_open" GROUP BY jd."company_id" LIMIT 1'
        )
        order = "8 ASC, 1 ASC" if by_distance else "9 DESC, 8 ASC, 1 ASC"
        self.statement = (
            f'SELECT {table}."id", {table}."kind", {table}."name", {table}."brand",'
            f' {table}."spontaneous_applications_open_since", (SELECT cm."name" {commune}),'
            f' (SELECT cm."department_id" {commune}),'
            f" {_COMPANY_DISTANCE_SQL}, {_HIRING_NOW_SQL}, COALESCE(({open_count}), 0)"
            f" FROM {table}{join} WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s"
        )
        self.params = [*search.origin, *params]
        self.using = search.using

    def __getitem__(self, index: slice) -> list[EmployerRow]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("EmployerResults only gives slices of rows")
        start, stop = index.start or 0, index.stop
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.statement, [*self.params, max(stop - start, 0), start])
            rows = cursor.fetchall()
        return [
            EmployerRow(
                pk=pk,
                kind=kind,
                name=name,
                brand=brand,
                spontaneous_applications_open_since=since,
                commune_name=commune_name,
                commune_department=commune_department,
                distance=distance,
                hiring_now=hiring_now,
                open_job_descriptions_count=count,
            )
            for pk, kind, name, brand, since, commune_name, commune_department, distance, hiring_now, count in rows
        ]


# --- The rows of a job description results page, in precompiled SQL ---------------------
# job_descriptions_near_page gives a page's ids; its rows were then read through
# job_description_details() (select_related of four tables, model instances): building the
# query and the ~80 instances of a page cost most of the Python calls of a search
# (docs/performance.md, « 7 décembre 2026, 5e session »). The same columns are read here by
# a fixed SQL text into light rows carrying what a card shows (search_tags.job_description_cards):
# tests/www/search/test_job_description_sql.py checks they give the same values and cards.


@dataclass(slots=True)
class PlaceRow:
    """A commune as a card shows it."""

    name: str
    department_id: str


@dataclass(slots=True)
class JobCompanyRow:
    """The employer of a job description card."""

    name: str
    brand: str
    kind: str
    commune: PlaceRow | None

    @property
    def display_name(self) -> str:
        return self.brand or self.name

    def get_kind_display(self) -> str:
        return _COMPANY_KIND_LABELS.get(self.kind, self.kind)


@dataclass(slots=True)
class JobDescriptionRow:
    """A job description of a results page: what its card shows, nothing else."""

    pk: int
    custom_title: str
    appellation_name: str | None
    contract_type: str
    hours_per_week: int | None
    open_positions: int
    updated_at: object
    company: JobCompanyRow
    location: PlaceRow | None
    distance: float | None = None
    detail_url: str = ""

    @property
    def display_name(self) -> str:
        return self.custom_title or self.appellation_name


def _column(model, name: str) -> str:
    return f'"{model._meta.get_field(name).column}"'


_JOB_DESCRIPTION_ROWS_SQL = (
    f'SELECT jd."id", jd.{_column(JobDescription, "custom_title")}, a.{_column(Appellation, "name")},'
    f" jd.{_column(JobDescription, 'contract_type')}, jd.{_column(JobDescription, 'hours_per_week')},"
    f" jd.{_column(JobDescription, 'open_positions')}, jd.{_column(JobDescription, 'updated_at')},"
    f" c.{_column(Company, 'name')}, c.{_column(Company, 'brand')}, c.{_column(Company, 'kind')},"
    f" cc.{_column(Commune, 'name')}, cc.{_column(Commune, 'department')},"
    f" lc.{_column(Commune, 'name')}, lc.{_column(Commune, 'department')}"
    f' FROM "{_JOB_DESCRIPTION_TABLE}" jd'
    f' INNER JOIN "{_COMPANY_TABLE}" c ON c."id" = jd.{_column(JobDescription, "company")}'
    f' LEFT JOIN "{Appellation._meta.db_table}" a ON a."code" = jd.{_column(JobDescription, "appellation")}'
    f' LEFT JOIN "{_COMMUNE_TABLE}" cc ON cc."code" = c.{_column(Company, "commune")}'
    f' LEFT JOIN "{_COMMUNE_TABLE}" lc ON lc."code" = jd.{_column(JobDescription, "location")}'
    ' WHERE jd."id" = ANY(%s)'
)


def job_description_rows(ranked: list[tuple[int, float]], *, using: str = "default") -> list[JobDescriptionRow]:
    """The rows of a page of `job_descriptions_near_page` ((pk, distance) in order): one query
    (none for no rows), in the same order, each with its distance. A job description gone
    since the ranking is left out."""
    if not ranked:
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(_JOB_DESCRIPTION_ROWS_SQL, [[pk for pk, _distance in ranked]])
        fetched = cursor.fetchall()
    by_pk = {}
    for row in fetched:
        pk, title, appellation_name, contract, hours, positions, updated_at, name, brand, kind, *places = row
        commune_name, commune_department, location_name, location_department = places
        by_pk[pk] = JobDescriptionRow(
            pk=pk,
            custom_title=title,
            appellation_name=appellation_name,
            contract_type=contract,
            hours_per_week=hours,
            open_positions=positions,
            updated_at=updated_at,
            company=JobCompanyRow(
                name=name,
                brand=brand,
                kind=kind,
                commune=PlaceRow(commune_name, commune_department) if commune_name is not None else None,
            ),
            location=PlaceRow(location_name, location_department) if location_name is not None else None,
        )
    rows = []
    for pk, distance in ranked:
        row = by_pk.get(pk)
        if row is not None:
            row.distance = distance
            rows.append(row)
    return rows
