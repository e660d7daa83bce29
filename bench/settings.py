"""Settings of the benchmarks: the real settings (config.settings, DEBUG off), plus:

- ROOT_URLCONF `bench.urls`: the real routes and one trivial view, the reference of the
  load test (never added to config/urls.py);
- static files collected into a folder of their own (`BENCH_STATIC_ROOT`), so that the
  manifest storage of production works without touching the developers' `.data/static`.

`bench/run.py` and `bench/load.py` set the environment (DATABASE_URL of the bench
database, SECRET_KEY, ALLOWED_HOSTS…) before Django reads this module.
"""

import os
from pathlib import Path

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR

ROOT_URLCONF = os.environ.get("BENCH_ROOT_URLCONF", "bench.urls")
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", BASE_DIR / ".data" / "bench-static"))
# Plain HTTP on 127.0.0.1: no redirect to HTTPS, cookies sent without TLS.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# The benchmark measures the API's work, not its per-IP quota (tested in tests/api/).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "1000000/min"),  # noqa: F405
}
