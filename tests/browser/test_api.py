"""An employer admin creates a token for the structure's software; the software reads the
applications with it; a visitor reads the API documentation page."""

import json
import urllib.request

from playwright.sync_api import expect

from itou.companies.enums import CompanyKind
from tests.browser.test_process_application import log_in
from tests.companies.factories import CompanyFactory
from tests.job_applications.factories import JobApplicationFactory
from tests.users.factories import ProfessionalFactory


def _get(url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def test_admin_creates_a_token_and_the_software_reads_applications(ui):
    employer = ProfessionalFactory(first_name="Nathalie", last_name="Girard")
    company = CompanyFactory(kind=CompanyKind.ACI, name="Les Jardins du Rhône", with_member=employer)
    application = JobApplicationFactory(to_company=company)

    page = ui.goto("/api/v1/docs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("API des emplois de l'inclusion")
    ui.check()

    page = log_in(ui, employer.email)
    page = ui.goto("/structures/ma-structure/")
    page.get_by_role("link", name="Jetons d'API (logiciel de la structure)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jetons d'API")
    ui.check()
    page.get_by_label("Nom du jeton").fill("Logiciel de paie")
    page.get_by_role("button", name="Créer le jeton").click()
    expect(page.get_by_text("Jeton créé : copiez-le maintenant")).to_be_visible()
    ui.check()
    token = page.locator("#new-token").inner_text()

    status, body = _get(f"{ui.base_url}/api/v1/employeur/candidatures/", token)
    assert status == 200
    assert [row["id"] for row in body["results"]] == [str(application.pk)]

    page.get_by_role("button", name="Révoquer le jeton Logiciel de paie").click()
    expect(page.get_by_text("est révoqué")).to_be_visible()
    try:
        _get(f"{ui.base_url}/api/v1/employeur/candidatures/", token)
    except urllib.error.HTTPError as error:
        assert error.code == 401
    else:
        raise AssertionError("A revoked token still works")
