"""Issue "Employers, prescribers…": a new employer signs up with the SIRET of a listed
structure, follows the link from the dev mailbox, creates a job description, opens
spontaneous applications; then, logged out, a visitor searches "Lyon 10 km ACI" and
finds it. Every page visited passes axe-core (ui.check)."""

import re

from playwright.sync_api import expect

from itou.companies.enums import CompanyKind
from tests.companies.conftest import make_appellation, make_commune
from tests.companies.factories import CompanyFactory, siret_for
from tests.helpers import run_worker

PASSWORD = "Mon-mot-de-passe-2026"


def open_last_email(ui, page, subject_pattern):
    run_worker()
    page.goto(ui.base_url + "/dev/emails/")
    ui.check()
    page.get_by_role("link", name=re.compile(subject_pattern)).first.click()
    ui.check()


def test_employer_signs_up_publishes_and_is_found(ui, settings):
    settings.SITE_URL = ui.base_url
    lyon = make_commune("69123", "Lyon", department="69", postal_codes=["69007"], latitude=45.758, longitude=4.835)
    make_appellation("11573", "Boulanger / Boulangère", rome_code="D1102", rome_name="Boulangerie - viennoiserie")
    siret = siret_for(777)
    # A structure of the official list (import_structures): no member yet.
    CompanyFactory(
        siret=siret,
        kind=CompanyKind.ACI,
        name="Les Jardins du Rhône",
        brand="",
        commune=lyon,
        post_code="69007",
        latitude=lyon.latitude,
        longitude=lyon.longitude,
        official_email="contact@jardins-rhone.fr",
    )

    # Signup by SIRET; the link goes to the official email.
    page = ui.goto("/comptes/inscription/")
    page.get_by_role("link", name="Employeur solidaire").click()
    page.get_by_label("Numéro SIRET").fill(siret)
    page.get_by_role("button", name="Rechercher ma structure").click()
    page.get_by_role("button", name=re.compile("Recevoir le lien d'inscription")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lien d'inscription envoyé")
    ui.check()
    open_last_email(ui, page, "Inscription sur les emplois de l'inclusion")
    page.get_by_role("link", name=re.compile(r"inscription.employeur.lien")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejoindre Les Jardins du Rhône")
    page.get_by_label("Prénom").fill("Nathalie")
    page.get_by_label(re.compile(r"^Nom\b")).fill("Girard")
    # The structure's official address: no second confirmation needed.
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail")).fill("contact@jardins-rhone.fr")
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    if page.get_by_role("heading", level=1, name="Confirmez votre adresse e-mail").is_visible():
        open_last_email(ui, page, "Confirmez votre adresse e-mail")
        page.get_by_role("link", name=re.compile("confirm-email")).click()
        page.get_by_role("button", name=re.compile("Confirmer")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Nathalie")
    ui.check()

    # A job description, from the menu.
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Fiches de poste").click()
    page.get_by_role("link", name="Ajouter une fiche de poste").first.click()
    metier = page.get_by_role("combobox", name=re.compile("^Métier"))
    metier.press_sequentially("boulang", delay=30)
    page.get_by_role("option", name="Boulanger / Boulangère (D1102)").click()
    page.get_by_label(re.compile("^Type de contrat")).select_option(label="CDD d'insertion (CDDI)")
    page.get_by_label(re.compile("^Nombre d'heures par semaine")).fill("26")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La fiche de poste « Boulanger / Boulangère » est publiée.")).to_be_visible()
    page.get_by_role("button", name="Ouvrir les candidatures spontanées").click()
    expect(page.get_by_text("Les candidatures spontanées sont ouvertes")).to_be_visible()
    ui.check()
    page.get_by_role("button", name="Se déconnecter").first.click()

    # A visitor: Lyon, 10 km, ACI.
    page = ui.goto("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Rechercher un emploi inclusif"
    ).click()
    combobox = page.get_by_role("combobox", name=re.compile("^Commune"))
    combobox.fill("Lyon")
    page.get_by_role("option", name="Lyon (69)").click()
    page.get_by_label("Distance").select_option("10")
    page.locator("#search-form").get_by_text("Atelier et chantier d'insertion (ACI)", exact=True).click()
    expect(page.locator("#search-results-title")).to_contain_text("1 employeur trouvé")
    ui.check()
    page.locator("#search-results").get_by_role("link", name="Les Jardins du Rhône").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les Jardins du Rhône")
    expect(page.get_by_role("link", name="Boulanger / Boulangère")).to_be_visible()
    expect(page.get_by_text("Cette structure accepte les candidatures spontanées")).to_be_visible()
    ui.check()
