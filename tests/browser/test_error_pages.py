"""The styled error pages, as the demo serves them (DEBUG off): no CSP violation, accessible."""

from playwright.sync_api import expect


def test_404_page(ui, settings):
    settings.DEBUG = False
    page = ui.goto("/cette-page-n-existe-pas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page non trouvée")
    ui.check()
