"""combobox.js in a real Chromium, on a static page whose requests Playwright answers itself
(no server, no database): keyboard and mouse use, ARIA state, CSP, axe-core."""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ORIGIN = "http://itou.test"
STATIC = Path(settings.BASE_DIR) / "itou" / "static" / "itou"
PAGE = """<!DOCTYPE html>
<html lang="fr">
  <head>
    <meta charset="utf-8">
    <title>Combobox</title>
    <link rel="stylesheet" href="/static/combobox.css">
    <script src="/static/combobox.js" defer></script>
  </head>
  <body>
    <main>
      <h1>Recherche</h1>
      <form action="/envoye" method="get">
        <label for="commune">Commune</label>
        <input id="commune" type="text" data-autocomplete-url="/autocomplete/communes/"
               data-autocomplete-target="commune_code">
        <input type="hidden" id="commune_code" name="commune">
        <button type="submit">Rechercher</button>
      </form>
    </main>
  </body>
</html>"""
RESULTS = [
    {"id": "42218", "label": "Saint-Étienne (42)"},
    {"id": "76575", "label": "Saint-Étienne-du-Rouvray (76)"},
    {"id": "44158", "label": "Saint-Étienne-de-Montluc (44)"},
]


@pytest.fixture
def page(browser):
    queries = []

    def answer(route):
        url = urlparse(route.request.url)
        if url.path == "/autocomplete/communes/":
            queries.append(parse_qs(url.query)["q"][0])
            body = {"results": RESULTS if queries[-1].lower().startswith("sa") else []}
            route.fulfill(status=200, content_type="application/json", body=json.dumps(body))
        elif url.path.startswith("/static/"):
            path = STATIC / ("js" if url.path.endswith(".js") else "css") / url.path.rsplit("/", 1)[1]
            content_type = "text/javascript" if path.suffix == ".js" else "text/css"
            route.fulfill(status=200, content_type=content_type, body=path.read_text())
        else:
            route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                # The production policy: an inline style or script would show as a console error.
                headers={"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'"},
                body=PAGE,
            )

    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(5_000)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(f"{ORIGIN}/**", answer)
    page.goto(f"{ORIGIN}/")
    page.queries = queries
    yield page
    context.close()
    assert not errors


def test_keyboard_and_mouse(page):
    combobox = page.get_by_role("combobox", name="Commune")
    hidden = page.locator("#commune_code")
    listbox = page.get_by_role("listbox")
    expect(combobox).to_have_attribute("aria-expanded", "false")
    expect(combobox).to_have_attribute("aria-controls", "commune-listbox")
    expect(combobox).to_have_attribute("autocomplete", "off")

    # Typing fast sends one request (debounce), then lists and announces the results.
    combobox.press_sequentially("sain", delay=20)
    expect(page.get_by_role("option")).to_have_count(3)
    assert page.queries == ["sain"]
    expect(combobox).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status")).to_have_text("3 résultats")
    assert Axe().run(page).violations_count == 0

    # Arrows move the active option, Enter chooses it without submitting the form.
    combobox.press("ArrowDown")
    combobox.press("ArrowDown")
    combobox.press("ArrowUp")
    combobox.press("ArrowUp")
    expect(combobox).to_have_attribute("aria-activedescendant", "commune-listbox-option-2")
    expect(page.locator("#commune-listbox-option-2")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#commune-listbox-option-0")).to_have_attribute("aria-selected", "false")
    combobox.press("Enter")
    expect(combobox).to_have_value("Saint-Étienne-de-Montluc (44)")
    expect(hidden).to_have_value("44158")
    expect(listbox).to_be_hidden()
    expect(combobox).to_have_attribute("aria-expanded", "false")
    assert page.url == f"{ORIGIN}/"

    # Typing again forgets the choice; Escape closes the list, then empties the field.
    combobox.press("Backspace")
    expect(hidden).to_have_value("")
    expect(page.get_by_role("option")).to_have_count(3)
    combobox.press("Escape")
    expect(listbox).to_be_hidden()
    combobox.press("Escape")
    expect(combobox).to_have_value("")

    # Nothing found is announced too; a click chooses.
    combobox.fill("zz")
    expect(page.get_by_role("status")).to_have_text("Aucun résultat")
    expect(listbox).to_be_hidden()
    combobox.fill("saint")
    page.get_by_role("option", name="Saint-Étienne (42)").click()
    expect(hidden).to_have_value("42218")
    expect(combobox).to_be_focused()
    assert page.queries == ["sain", "Saint-Étienne-de-Montluc (44", "zz", "saint"]
