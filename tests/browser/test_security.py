"""In a real browser: the person lookup says only "found" until the professional proves they
know the person; a job seeker sees who viewed their CV and downloads their data."""

import datetime
import re

from playwright.sync_api import expect

from itou.audit.enums import AccessKind
from itou.audit.models import AccessLog
from itou.companies.enums import CompanyKind
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import DEFAULT_PASSWORD, JobSeekerFactory, ProfessionalFactory
from tests.www.apply.helpers import make_company, make_job


def log_in(ui, email):
    page = ui.goto("/comptes/login/")
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(DEFAULT_PASSWORD)
    page.get_by_label(re.compile(r"^Mot de passe \*")).press("Enter")
    return page


def test_lookup_then_proof(ui):
    orienteur = ProfessionalFactory(first_name="Oscar", email="oscar@example.com")
    PrescriberOrganizationFactory(authorized=False, name="Association du quartier", with_member=orienteur)
    JobSeekerFactory(
        first_name="Nadia",
        last_name="Belkacem",
        email="nadia@example.com",
        with_profile__birthdate=datetime.date(1993, 9, 30),
    )
    company = make_company(kind=CompanyKind.ACI, name="Les Jardins de Gerland", spontaneous=True)
    make_job(company, title="Jardinier ou jardinière")
    log_in(ui, orienteur.email)
    expect(ui.page.get_by_role("heading", level=1)).to_have_text("Bonjour Oscar")

    page = ui.goto(f"/postuler/{company.pk}/")
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail du candidat")).fill("nadia@example.com")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("Un compte candidat correspond à cette adresse e-mail")).to_be_visible()
    expect(page.get_by_text("BELKACEM")).to_have_count(0)
    ui.check()

    page.get_by_label(re.compile("^Prénom")).fill("Nadia")
    page.get_by_label(re.compile(r"^Nom\b")).fill("Belkacem")
    page.get_by_label(re.compile("^Date de naissance")).fill("1993-09-30")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", name="Nadia BELKACEM")).to_be_visible()
    ui.check()


def test_my_personal_data(ui):
    job_seeker = JobSeekerFactory(first_name="Nadia", email="nadia@example.com")
    viewer = ProfessionalFactory(first_name="Karim", last_name="Benali")
    AccessLog.objects.create(
        viewer=viewer, holder=job_seeker, kind=AccessKind.RESUME, viewer_organization_name="Les Jardins de Gerland"
    )
    log_in(ui, job_seeker.email)
    expect(ui.page.get_by_role("heading", level=1)).to_have_text("Bonjour Nadia")
    page = ui.page
    page.get_by_role("link", name="Mes données personnelles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes données personnelles")
    expect(page.get_by_role("cell", name="Karim BENALI")).to_be_visible()
    expect(page.get_by_role("cell", name="Les Jardins de Gerland")).to_be_visible()
    ui.check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger mes données").click()
    with open(download.value.path(), "rb") as archive:
        assert archive.read(2) == b"PK"
    page.get_by_role("button", name="Demander la suppression de mon compte").click()
    expect(page.get_by_text("Votre demande de suppression est enregistrée")).to_be_visible()
    ui.check()
