"""Plans of the job description search page's ranked query around Paris (docs/recherche.md).

    BENCH_DATABASE_URL=postgresql://…/bench_x .venv/bin/python bench/job_search_plans.py

Prints, for Paris at 25 and 100 km (page 1 and page 30) and for the « agent » job title at
50 km, the query of `job_descriptions_near_page` and its EXPLAIN (ANALYZE, BUFFERS) (run
twice, the second, warm, kept): the pages read are the load-insensitive evidence.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"]
    sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402


def main() -> None:
    run.setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from itou.companies.queries import appellation_codes_matching, job_descriptions_near_page
    from itou.geo.distance import Point
    from itou.geo.models import Commune
    from itou.www.autocomplete.search import parse_query

    paris = Commune.objects.get(code="75056")
    point = Point(paris.latitude, paris.longitude)
    searches = [
        ("Paris 25 km, page 1", 25, 1, {}),
        ("Paris 100 km, page 1", 100, 1, {}),
        ("Paris 100 km, page 30", 100, 30, {}),
        (
            "Paris 50 km, « agent »",
            50,
            1,
            {"appellation_codes": appellation_codes_matching(parse_query("agent").tsquery)},
        ),
    ]
    for title, radius, number, filters in searches:
        with CaptureQueriesContext(connection) as captured:
            page = job_descriptions_near_page(point, radius, page_number=number, per_page=20, **filters)
        sql = captured.captured_queries[-1]["sql"]
        with connection.cursor() as cursor:
            for _ in range(2):
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row for (row,) in cursor.fetchall())
        print(f"### {title} : {page.total} fiches, page {page.number}\n\n```sql\n{sql}\n```\n\n```\n{plan}\n```\n")


if __name__ == "__main__":
    main()
