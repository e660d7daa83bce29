import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

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


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # One worker runs all browser tests: one Chromium per xdist worker is plenty.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium est introuvable ({CHROMIUM}) : `apt-get install chromium` (fait par .ci/run).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class AccessiblePage:
    """A Playwright page that fails the test on console errors (CSP violations included)
    and checks every visited page with axe-core."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.console_errors = []
        self.checked_urls = []
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def goto(self, path):
        self.page.goto(self.base_url + path)
        return self.page

    def check(self):
        """axe-core: no violation at all (every impact level); and no console error."""
        self.page.wait_for_load_state("load")
        results = Axe().run(self.page)
        assert results.violations_count == 0, f"{self.page.url}\n{results.generate_report()}"
        assert not self.console_errors, f"{self.page.url}: {self.console_errors}"
        self.checked_urls.append(self.page.url)


@pytest.fixture
def ui(browser, live_server, settings):
    settings.DEV_MAILBOX_ENABLED = True
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield AccessiblePage(page, live_server.url)
    context.close()
