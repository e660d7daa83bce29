"""URLs of the benchmarks: every real route, plus the trivial reference view."""

from django.urls import path

from bench.trivial import trivial
from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as real_urlpatterns

TRIVIAL_PATH = "__bench__/trivial/"

urlpatterns = [path(TRIVIAL_PATH, trivial, name="bench_trivial"), *real_urlpatterns]
