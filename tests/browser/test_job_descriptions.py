"""An employer logs in, publishes a job description (appellation chosen in the combobox),
opens spontaneous applications, and sees both on the public page."""

import re

from playwright.sync_api import expect

from itou.companies.enums import CompanyKind
from itou.companies.models import JobDescription
from tests.companies.conftest import make_appellation, make_commune
from tests.companies.factories import CompanyFactory
from tests.users.factories import DEFAULT_PASSWORD, ProfessionalFactory


def test_employer_publishes_a_job_description(ui):
    lyon = make_commune("69123", "Lyon", department="69", postal_codes=["69007"], latitude=45.758, longitude=4.835)
    make_appellation("11573", "Boulanger / Boulangère", rome_code="D1102", rome_name="Boulangerie - viennoiserie")
    make_appellation("11574", "Boulanger-pâtissier / Boulangère-pâtissière", rome_code="D1102", rome_name="Boulangerie")
    employer = ProfessionalFactory(email="nathalie.girard@example.com", first_name="Nathalie")
    company = CompanyFactory(
        kind=CompanyKind.ACI,
        name="Les Jardins du Rhône",
        address_line="27 avenue Jean Jaurès",
        post_code="69007",
        commune=lyon,
        with_member=employer,
    )

    page = ui.goto("/comptes/login/")
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail")).fill(employer.email)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Nathalie")

    page = ui.goto("/structures/ma-structure/fiches-de-poste/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fiches de poste")
    expect(page.get_by_text("Aucune fiche de poste pour l'instant")).to_be_visible()
    ui.check()

    page.get_by_role("link", name="Ajouter une fiche de poste").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle fiche de poste")
    ui.check()

    # The combobox: type a few letters, pick the job in the list.
    metier = page.get_by_role("combobox", name=re.compile("^Métier"))
    metier.press_sequentially("boulang", delay=30)
    option = page.get_by_role("option", name="Boulanger / Boulangère (D1102)")
    expect(option).to_be_visible()
    ui.check()  # the open list too
    option.click()
    expect(metier).to_have_value("Boulanger / Boulangère (D1102)")
    expect(page.locator("#id_appellation_code")).to_have_value("11573")

    page.get_by_label(re.compile("^Type de contrat")).select_option(label="CDD d'insertion (CDDI)")
    # First a week over the legal maximum: a French error, nothing saved.
    page.get_by_label(re.compile("^Nombre d'heures par semaine")).fill("60")
    page.get_by_label(re.compile("^Description du poste")).fill("Pétrir, façonner et cuire le pain du jour.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".fr-error-text")).to_contain_text("ne peut pas dépasser 48 heures par semaine")
    assert not JobDescription.objects.exists()
    ui.check()

    page.get_by_label(re.compile("^Nombre d'heures par semaine")).fill("26")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fiches de poste")
    expect(page.get_by_text("La fiche de poste « Boulanger / Boulangère » est publiée.")).to_be_visible()
    ui.check()
    job = JobDescription.objects.get()
    assert job.company == company and job.hours_per_week == 26 and job.appellation_id == "11573"

    page.get_by_role("button", name="Ouvrir les candidatures spontanées").click()
    expect(page.get_by_text("Les candidatures spontanées sont ouvertes")).to_be_visible()
    expect(page.get_by_role("button", name="Fermer les candidatures spontanées")).to_be_visible()
    ui.check()

    page.get_by_role("link", name="Voir ma page publique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les Jardins du Rhône")
    expect(page.get_by_role("link", name="Boulanger / Boulangère")).to_be_visible()
    expect(page.get_by_text("Cette structure accepte les candidatures spontanées")).to_be_visible()
    ui.check()

    page.get_by_role("link", name="Boulanger / Boulangère").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Boulanger / Boulangère")
    expect(page.get_by_text("26 heures par semaine")).to_be_visible()
    ui.check()

    # At 320 px wide (a small phone), nothing scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    for path in (f"/structures/{company.pk}/", "/structures/ma-structure/fiches-de-poste/"):
        ui.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        ui.check()
