"""Page weight: the first visit of the home page, served as in production (DEBUG off,
WhiteNoise serving the hashed and pre-compressed static files of `collectstatic`),
transfers at most 250 KB in total. Method and figures: bench/results/page-weight.md."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent.parent
BUDGET = 250 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    params = connection.get_connection_params()
    host = params.get("host") or ""
    user = params.get("user") or ""
    password = f":{params['password']}" if params.get("password") else ""
    if host.startswith("/"):
        return f"postgresql://{user}{password}@/{params['dbname']}?host={host}"
    return f"postgresql://{user}{password}@{host}:{params.get('port') or 5432}/{params['dbname']}"


@pytest.fixture
def production_server(transactional_db):
    """The real settings with DEBUG off, as `make run` serves them (scripts/dev.py)."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "page-weight-test-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url(),
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    # The same hashed, compressed files as `make run` (.data/static), rebuilt only when changed.
    subprocess.run([*manage, "collectstatic_if_changed"], env=env, cwd=BASE_DIR, check=True, timeout=1800)
    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--nostatic", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(300):
            try:
                urllib.request.urlopen(url + "/plan-du-site/", timeout=2)  # noqa: S310 (local server)
                break
            except OSError:
                time.sleep(0.2)  # waiting for a server process to listen, not for time to pass
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def measure(browser, url: str) -> list[dict]:
    """Every response of a first visit (empty cache), with its bytes on the wire
    (Chromium's encodedDataLength: headers + compressed body)."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    responses, sizes = {}, {}
    cdp.on(
        "Network.responseReceived",
        lambda event: responses.__setitem__(
            event["requestId"],
            {
                "url": event["response"]["url"],
                "status": event["response"]["status"],
                "encoding": {k.lower(): v for k, v in event["response"]["headers"].items()}.get("content-encoding", ""),
                "cache": {k.lower(): v for k, v in event["response"]["headers"].items()}.get("cache-control", ""),
            },
        ),
    )
    cdp.on("Network.loadingFinished", lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]))
    try:
        page.goto(url + "/", wait_until="networkidle")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.wait_for_load_state("networkidle")
        return [{**response, "bytes": sizes.get(request_id, 0)} for request_id, response in responses.items()]
    finally:
        context.close()


def test_home_page_first_visit_weighs_at_most_250_kb(browser, production_server):
    resources = measure(browser, production_server)
    total = sum(resource["bytes"] for resource in resources)
    report = "\n".join(
        f"{resource['bytes']:>8} {resource['encoding'] or '-':>5} {resource['url'].removeprefix(production_server)[:90]}"
        for resource in sorted(resources, key=lambda r: -r["bytes"])
    )
    print(f"\nPage d'accueil, première visite : {total} octets ({total / 1024:.1f} Ko)\n{report}")
    assert all(resource["status"] == 200 for resource in resources), report
    statics = [resource for resource in resources if "/static/" in resource["url"]]
    # Hashed names, cached for ever; text files compressed.
    for resource in statics:
        assert "immutable" in resource["cache"] and "max-age=315360000" in resource["cache"], resource
        # (WhiteNoise keeps a file uncompressed when compressing it saves less than 5 %.)
        if resource["url"].endswith((".css", ".js", ".svg")) and resource["bytes"] > 1024:
            assert resource["encoding"] in {"gzip", "br"}, resource
    # The HTML page too (GZipMiddleware).
    assert [resource["encoding"] for resource in resources if resource["url"] == production_server + "/"] == ["gzip"]
    assert not any("utility.min.css" in resource["url"] or "dsfr.min.css" in resource["url"] for resource in statics)
    assert total <= BUDGET, f"{total / 1024:.1f} Ko > 250 Ko\n{report}"
