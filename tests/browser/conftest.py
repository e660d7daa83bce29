import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect


class AccessiblePage:
    """A Playwright page that fails the test on console errors (CSP violations included)
    and checks every visited page with axe-core."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.console_errors = []
        self.checked_urls = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _on_console(self, message):
        if message.type != "error":
            return
        # An error page's own status (404, 403…) is what the test asked for, not an error.
        own_status = message.text.startswith("Failed to load resource") and message.location.get("url") == (
            self.page.url
        )
        if not own_status:
            self.console_errors.append(message.text)

    def goto(self, path):
        self.page.goto(self.base_url + path)
        return self.page

    def check(self):
        """axe-core: no violation at all (every impact level); and no console error."""
        self.page.wait_for_load_state("load")
        # Content being replaced (htmx) is dimmed on purpose: check the settled page.
        expect(self.page.locator('[aria-busy="true"]')).to_have_count(0)
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
