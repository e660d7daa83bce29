"""An authorized prescriber applies, for a job seeker who has no account yet, to an ACI."""

import re

from playwright.sync_api import expect

from itou.companies.enums import CompanyKind
from itou.job_applications.enums import JobApplicationState, SenderKind
from itou.job_applications.models import JobApplication
from itou.notifications.models import SentEmail
from itou.users.enums import UserKind
from itou.users.models import User
from tests.helpers import run_worker
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import DEFAULT_PASSWORD, ProfessionalFactory, nir_for
from tests.www.apply.helpers import make_company, make_job, make_pdf

NIR = nir_for(2468, sex="2", year=97, month=3)


def test_prescriber_applies_for_a_new_job_seeker(ui):
    prescriber = ProfessionalFactory(first_name="Sophie", last_name="Durand", email="sophie.durand@example.com")
    organization = PrescriberOrganizationFactory(authorized=True, name="France Travail Lyon 7", with_member=prescriber)
    company = make_company(kind=CompanyKind.ACI, name="Les Jardins de Gerland", spontaneous=False)
    make_job(company, title="Jardinier ou jardinière")

    page = ui.goto("/comptes/login/")
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail")).fill(prescriber.email)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(DEFAULT_PASSWORD)
    page.get_by_label(re.compile(r"^Mot de passe \*")).press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Sophie")

    # The "Postuler" link of the company's page.
    page = ui.goto(f"/postuler/{company.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rechercher le candidat")
    expect(page.get_by_text("Étape 1 sur 5")).to_be_visible()
    ui.check()

    page.get_by_role("textbox", name=re.compile("^Numéro de sécurité sociale")).fill(NIR)
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail du candidat")).fill("lina.garcia@example.com")
    page.get_by_role("button", name="Rechercher").click()

    # Nobody has this NIR or this email: the account is created on the way.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Créer le compte du candidat")
    expect(page.get_by_text("Aucun candidat ne correspond")).to_be_visible()
    ui.check()
    page.get_by_label(re.compile("^Prénom")).fill("Lina")
    page.get_by_label(re.compile(r"^Nom\b")).fill("Garcia")
    page.get_by_label(re.compile("^Date de naissance")).fill("1997-03-21")
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Choisir les postes")
    expect(page.get_by_text("Étape 2 sur 5")).to_be_visible()
    ui.check()
    # Nothing chosen: a French message (spontaneous applications are closed here).
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_text("Choisissez au moins une fiche de poste.")).to_be_visible()
    ui.check()
    page.locator("label", has_text="Jardinier ou jardinière").click()
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Message et CV")
    ui.check()
    page.get_by_label(re.compile("^Message à l'employeur")).fill("Lina a travaillé deux saisons en maraîchage.")
    page.get_by_label("CV").set_input_files(
        {"name": "cv-lina.pdf", "mimeType": "application/pdf", "buffer": make_pdf("Lina Garcia")}
    )
    page.get_by_role("button", name="Continuer").click()

    # An authorized prescriber: the diagnosis step, before sending; here, left to the employer.
    expect(page.get_by_text("Étape 4 sur 5 : Diagnostic d'éligibilité")).to_be_visible()
    ui.check()
    page.get_by_role("button", name=re.compile("^Continuer sans diagnostic")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Vérifier puis envoyer la candidature")
    expect(page.get_by_text("Étape 5 sur 5")).to_be_visible()
    expect(page.get_by_text("Aucun diagnostic ne sera joint")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Lina GARCIA")
    expect(main).to_contain_text(f"{NIR[:5]} •• ••• ••• ••")
    expect(main).not_to_contain_text(NIR)
    expect(main).to_contain_text("Jardinier ou jardinière")
    expect(main).to_contain_text("Lina a travaillé deux saisons en maraîchage.")
    expect(main).to_contain_text("cv-lina.pdf")
    ui.check()
    assert not User.objects.filter(email="lina.garcia@example.com").exists()

    page.get_by_role("button", name="Envoyer la candidature").click()
    expect(page.get_by_text("La candidature de Lina GARCIA a été envoyée à Les Jardins de Gerland.")).to_be_visible()
    ui.check()

    job_seeker = User.objects.get(email="lina.garcia@example.com")
    assert job_seeker.kind == UserKind.JOB_SEEKER
    assert job_seeker.jobseeker_profile.nir == NIR
    application = JobApplication.objects.get()
    assert application.job_seeker == job_seeker
    assert application.state == JobApplicationState.NEW
    assert application.sender_kind == SenderKind.PRESCRIBER
    assert application.sender_prescriber_organization == organization
    with application.resume.open("rb") as resume:
        assert resume.read() == make_pdf("Lina Garcia")

    # The new job seeker is invited to choose a password.
    run_worker()
    assert SentEmail.objects.filter(to=["lina.garcia@example.com"], subject__contains="Votre compte").exists()
