"""A visitor looks for an inclusive employer near Lyon: commune combobox, distance, kind (htmx), back button;
and the same search without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from itou.companies.enums import CompanyKind
from itou.companies.models import Company, JobDescription
from itou.geo.models import Commune, Department, Region
from itou.geo.search import commune_search_vector
from itou.jobs.models import Appellation, Rome, RomeDomain
from itou.utils.text import normalize
from tests.companies.factories import CompanyFactory
from tests.prescribers.factories import PrescriberOrganizationFactory

COMMUNES = [
    # code, name, department, postal codes, population, latitude, longitude
    ("69123", "Lyon", "69", ["69001", "69002", "69003"], 522_000, 45.76851, 4.82356),
    ("69266", "Villeurbanne", "69", ["69100"], 156_000, 45.77067, 4.89016),
    ("69091", "Givors", "69", ["69700"], 20_000, 45.59052, 4.76886),
    ("59350", "Lille", "59", ["59000"], 236_000, 50.63443, 3.04764),
]


@pytest.fixture
def employers():
    region = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    Department.objects.create(code="69", name="Rhône", region=region)
    Department.objects.create(code="59", name="Nord", region=region)
    for code, name, department, postal_codes, population, latitude, longitude in COMMUNES:
        Commune.objects.create(
            code=code,
            name=name,
            department_id=department,
            postal_codes=postal_codes,
            population=population,
            latitude=latitude,
            longitude=longitude,
            search_text=normalize(name),
        )
    Commune.objects.update(search_vector=commune_search_vector())

    def company(name, kind, code):
        commune = Commune.objects.get(code=code)
        return CompanyFactory(
            name=name, kind=kind, commune=commune, latitude=commune.latitude, longitude=commune.longitude
        )

    company("Chantier d'insertion Les Pentes Vertes", CompanyKind.ACI, "69123")
    company("Les Ateliers du Confluent", CompanyKind.EI, "69123")
    company("Intérim Solidaire Villeurbannais", CompanyKind.ETTI, "69266")
    company("Jardins de Givors", CompanyKind.ACI, "69091")  # 20 km from Lyon
    company("Les Potagers du Nord", CompanyKind.ACI, "59350")


def results(page):
    return page.locator("#search-results .fr-card__title")


def test_visitor_searches_employers_near_lyon(ui, employers):
    page = ui.goto("/rechercher/employeurs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rechercher un emploi inclusif")
    ui.check()

    # The commune combobox: choosing "Lyon (69)" runs the search (htmx, no page load).
    combobox = page.get_by_role("combobox", name=re.compile("^Commune"))
    combobox.fill("Lyon")
    page.get_by_role("option", name="Lyon (69)").click()
    expect(page.locator("#search-results-title")).to_contain_text("4 employeurs trouvés")
    expect(page.locator("#search-results-title")).to_contain_text("à moins de 25 km de Lyon (69)")
    expect(results(page)).to_have_text(
        [
            "Chantier d'insertion Les Pentes Vertes",
            "Les Ateliers du Confluent",
            "Intérim Solidaire Villeurbannais",
            "Jardins de Givors",
        ]
    )
    expect(page).to_have_url(re.compile(r"commune_code=69123"))
    expect(page).to_have_title(re.compile("^Employeurs solidaires autour de Lyon \\(69\\)"))
    ui.check()

    page.get_by_label("Distance").select_option("10")
    expect(page.locator("#search-results-title")).to_contain_text("3 employeurs trouvés")
    ui.check()

    page.locator("#search-form").get_by_text("Atelier et chantier d'insertion (ACI)", exact=True).click()
    expect(page.locator("#search-results-title")).to_contain_text("1 employeur trouvé")
    expect(results(page)).to_have_text(["Chantier d'insertion Les Pentes Vertes"])
    expect(page.locator("#search-results")).to_contain_text("Atelier et chantier d'insertion (ACI)")
    expect(page.locator("#search-results")).to_contain_text("Lyon (69), à moins de 100 m")
    # The department filter follows the search, and the screen reader status too.
    expect(page.locator("#search-departments")).to_contain_text("Rhône (69) · 1")
    expect(page.locator("#search-status")).to_have_text("1 employeur trouvé")
    # The URL carries the whole search: shareable.
    expect(page).to_have_url(re.compile(r"radius=10.*kinds=ACI|kinds=ACI.*radius=10"))
    ui.check()

    # Back: the previous search (10 km, every kind).
    page.go_back()
    expect(page.locator("#search-results-title")).to_contain_text("3 employeurs trouvés")
    expect(page.get_by_label("Distance")).to_have_value("10")
    ui.check()


def test_search_without_javascript(browser, live_server, employers):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR", viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server.url + "/rechercher/employeurs/")
        page.get_by_label(re.compile("^Commune")).fill("lyon")
        page.get_by_label("Distance").select_option("10")
        # On a phone the filters stay open without JavaScript (no button can open them).
        expect(
            page.locator("#search-form").get_by_text("Atelier et chantier d'insertion (ACI)", exact=True)
        ).to_be_visible()
        page.get_by_role("button", name="Rechercher", exact=True).click()
        expect(page.locator("#search-results-title")).to_contain_text("3 employeurs trouvés")
        expect(page.get_by_label(re.compile("^Commune"))).to_have_value("Lyon (69)")
        page.locator("#search-form").get_by_text("Atelier et chantier d'insertion (ACI)", exact=True).click()
        page.get_by_role("button", name="Appliquer les filtres").click()
        expect(results(page)).to_have_text(["Chantier d'insertion Les Pentes Vertes"])
        assert "kinds=ACI" in page.url and "commune_code=69123" in page.url
    finally:
        context.close()


def test_job_descriptions_and_prescribers_pages(ui, employers):
    domain = RomeDomain.objects.create(code="A", name="Agriculture et Pêche, Espaces naturels et Espaces verts")
    rome = Rome.objects.create(code="A1414", name="Horticulture et maraîchage", domain=domain)
    appellation = Appellation.objects.create(code="16384", name="Maraîcher / Maraîchère", rome=rome)
    company = Company.objects.get(name="Chantier d'insertion Les Pentes Vertes")
    JobDescription.objects.create(
        company=company,
        appellation=appellation,
        contract_type="FIXED_TERM_I",
        hours_per_week=26,
        latitude=company.latitude,
        longitude=company.longitude,
    )
    lyon = Commune.objects.get(code="69123")
    PrescriberOrganizationFactory(
        authorized=True, commune=lyon, latitude=lyon.latitude, longitude=lyon.longitude, phone="04 72 00 00 00"
    )

    page = ui.goto("/rechercher/employeurs/?commune=Lyon")
    page.get_by_role("link", name="Fiches de poste").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rechercher une fiche de poste")
    expect(page.locator("#search-results-title")).to_contain_text("1 fiche de poste trouvée")
    expect(results(page)).to_have_text(["Maraîcher / Maraîchère"])
    ui.check()

    page = ui.goto("/rechercher/prescripteurs/?commune=Lyon")
    expect(page.locator("#search-results-title")).to_contain_text("1 prescripteur habilité trouvé")
    expect(page.get_by_role("link", name="04 72 00 00 00")).to_be_visible()
    ui.check()


def test_search_results_pages_keep_the_csp(ui, employers):
    """Following the pagination (htmx-boosted links) swaps results without any CSP violation."""
    lyon = Commune.objects.get(code="69123")
    for i in range(25):
        CompanyFactory(
            name=f"Structure {i:02d}",
            kind=CompanyKind.EI,
            commune=lyon,
            latitude=lyon.latitude,
            longitude=lyon.longitude,
        )
    page = ui.goto("/rechercher/employeurs/?commune=Lyon")
    expect(page.locator("#search-results-title")).to_contain_text("employeurs trouvés")
    ui.check()
    page.get_by_role("link", name="Page suivante").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".fr-pagination__link[aria-current=page]")).to_have_text("2")
    ui.check()
    page.get_by_role("link", name="Première page").click()
    expect(page.locator(".fr-pagination__link[aria-current=page]")).to_have_text("1")
    ui.check()
