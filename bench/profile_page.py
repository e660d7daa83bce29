"""Cost of one page per request, in one process: Python CPU, SQL time, Python calls.

    BENCH_DATABASE_URL=… .venv/bin/python bench/profile_page.py employers [--requests 40] [--profile]

Pages: `employers`, `job_descriptions` (anonymous, 25 km, each request with a different
`_` parameter: a miss of the anonymous page cache, like bench/locustfile.py), `inbox` (the
received applications of the busiest employer, logged in), `trivial` (bench/trivial.py).
Django's test client, the real settings with DEBUG off (bench/settings.py, as bench/run.py).
Prints the median of `time.process_time` (this process's CPU: middleware, view, ORM,
templates, gzip), of the wall time and of the SQL time seen by Django, and with
`--profile` the number of Python function calls per request (independent of the machine's
load) and cProfile's 40 most expensive functions (`--sort tottime` to order them
otherwise, `--dump FILE` to keep the statistics). `--commune 69123` searches around that
commune only (a department database has results around its own communes only).
See docs/performance.md.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"]
    sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402

COMMUNES = ["69123", "75056", "59350", "13055", "33063", "87085", "23096"]
WARM_UP = 10


def url(page: str, number: int, communes=COMMUNES) -> str:
    code = communes[number % len(communes)]
    return {
        "employers": f"/rechercher/employeurs/?commune_code={code}&radius=25&_={number}",
        "job_descriptions": f"/rechercher/fiches-de-poste/?commune_code={code}&radius=25&_={number}",
        "inbox": "/candidatures/recues/",
        "trivial": "/__bench__/trivial/",
    }[page]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", choices=["employers", "job_descriptions", "inbox", "trivial"])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--commune", action="append", help="search around this INSEE code only (repeatable; a department database)"
    )
    parser.add_argument("--sort", default="cumulative", help="cProfile's order (cumulative, tottime…)")
    parser.add_argument("--dump", type=Path, help="with --profile: write cProfile's statistics to this file")
    args = parser.parse_args(argv)

    run.setup_django()
    from django.db import connection
    from django.test import Client

    from itou.organizations.current import SESSION_KEY as ORGANIZATION_KEY

    communes = args.commune or COMMUNES
    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    if args.page == "inbox":
        actors = run.bench_actors()
        client.force_login(actors["employer"])
        session = client.session
        session[ORGANIZATION_KEY] = f"company:{actors['company_id']}"
        session.save()
    for number in range(WARM_UP):
        assert client.get(url(args.page, number, communes)).status_code == 200
    sql = [0.0]

    def timed(execute, statement, params, many, context):
        start = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql[0] += time.perf_counter() - start

    profiler = cProfile.Profile() if args.profile else None
    cpu, wall, sql_times = [], [], []
    with connection.execute_wrapper(timed):
        for number in range(WARM_UP, WARM_UP + args.requests):
            sql[0] = 0.0
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            response = client.get(url(args.page, number, communes))
            if profiler:
                profiler.disable()
            cpu.append(time.process_time() - cpu_start)
            wall.append(time.perf_counter() - wall_start)
            sql_times.append(sql[0])
            assert response.status_code == 200
    print(
        f"{args.page} ({args.requests} requêtes, charge moyenne {run.load_average()}) : processeur médian "
        f"{statistics.median(cpu) * 1000:.1f} ms, durée médiane {statistics.median(wall) * 1000:.1f} ms, "
        f"SQL médian {statistics.median(sql_times) * 1000:.1f} ms"
    )
    if profiler:
        stats = pstats.Stats(profiler)
        print(f"appels de fonctions Python par requête : {stats.total_calls / args.requests:.0f}")
        if args.dump:
            stats.dump_stats(args.dump)
        stats.sort_stats(args.sort).print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
