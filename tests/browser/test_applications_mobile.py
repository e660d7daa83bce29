"""Issue 18: on a phone (390 px wide), the employer's applications list shows its first
result without scrolling past the filters, which fold into a "Filtres" button."""

import re

from playwright.sync_api import expect

from itou.companies.enums import CompanyKind
from tests.companies.factories import CompanyFactory
from tests.job_applications.factories import JobApplicationFactory
from tests.users.factories import DEFAULT_PASSWORD, JobSeekerFactory, ProfessionalFactory

PHONE = {"width": 390, "height": 844}


def test_first_application_visible_on_a_phone(ui):
    employer = ProfessionalFactory(first_name="Nathalie")
    company = CompanyFactory(kind=CompanyKind.ACI, name="Les Jardins du Rhône", with_member=employer)
    for first_name in ("Léa", "Karim", "Inès"):
        JobApplicationFactory(to_company=company, job_seeker=JobSeekerFactory(first_name=first_name))
    page = ui.page
    page.set_viewport_size(PHONE)
    page = ui.goto("/comptes/login/")
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail")).fill(employer.email)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")

    page = ui.goto("/candidatures/recues/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Candidatures reçues")
    # The filters are folded: a button, no checkbox of states on screen.
    filters_button = page.get_by_role("button", name=re.compile("^Filtres"))
    expect(filters_button).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile("^Nouvelle candidature"))).to_be_hidden()
    # The first result is on the first screen.
    first_card = page.locator("main .fr-card").first
    box = first_card.bounding_box()
    assert box is not None and box["y"] + 40 < PHONE["height"], box
    ui.check()
    # One tap opens the filters.
    filters_button.click()
    expect(page.get_by_role("checkbox", name=re.compile("^Nouvelle candidature"))).to_be_visible()
    ui.check()
