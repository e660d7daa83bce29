"""Issues "Applying and processing" and "Eligibility and PASS IAE", end to end:
an authorized prescriber applies for a new job seeker (created on the way) to an ACI,
making the eligibility diagnosis inside the apply flow, one step before sending (saved
with the application); the ACI employer opens the inbox, processes, sees that diagnosis
on the accept page, hires with dates and gets a PASS IAE number linked to it; the job seeker claims their
account from the email in the dev mailbox, sees "Candidature acceptée" and downloads
the attestation; the public verification page confirms the number. axe on every page."""

import io
import re

from django.core.management import call_command
from playwright.sync_api import expect

from itou.approvals.models import Approval
from itou.companies.enums import CompanyKind
from tests.helpers import run_worker
from tests.job_applications.factories import days_from_today
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import DEFAULT_PASSWORD, ProfessionalFactory, nir_for
from tests.www.apply.helpers import make_company, make_job, make_pdf

NIR = nir_for(1357, sex="2", year=95, month=6)
NEW_PASSWORD = "Mon-nouveau-mot-de-passe-2026"


def log_in(ui, email, password=DEFAULT_PASSWORD):
    page = ui.goto("/comptes/login/")
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(password)
    page.get_by_role("button", name="Se connecter").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    return page


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").first.click()


def test_application_hire_and_pass_iae(ui, settings):
    settings.SITE_URL = ui.base_url
    settings.APPROVAL_NUMBER_PREFIX = "99999"
    call_command("import_criteria", verbosity=0, stdout=io.StringIO())
    prescriber = ProfessionalFactory(first_name="Sophie", email="sophie@ft.example.com")
    PrescriberOrganizationFactory(authorized=True, name="France Travail Lyon 7", with_member=prescriber)
    employer = ProfessionalFactory(first_name="Nathalie", email="nathalie@jardins.example.com")
    company = make_company(kind=CompanyKind.ACI, name="Les Jardins de Gerland", with_member=employer)
    make_job(company, title="Jardinier ou jardinière")

    # The prescriber applies for a person who has no account yet.
    page = log_in(ui, prescriber.email)
    page = ui.goto(f"/structures/{company.pk}/")
    ui.check()
    page.locator("main").get_by_role("link", name="Jardinier ou jardinière").click()
    page.locator("main").get_by_role("link", name=re.compile("^Postuler")).first.click()
    page.get_by_role("textbox", name=re.compile("^Numéro de sécurité sociale")).fill(NIR)
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail du candidat")).fill("lina.garcia@example.com")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_label(re.compile("^Prénom")).fill("Lina")
    page.get_by_label(re.compile(r"^Nom\b")).fill("Garcia")
    page.get_by_label(re.compile("^Date de naissance")).fill("1995-06-21")
    page.get_by_role("button", name="Continuer").click()
    # Coming from the job description's page, it is already ticked.
    expect(page.get_by_role("checkbox", name=re.compile("Jardinier ou jardinière"))).to_be_checked()
    ui.check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label(re.compile("^Message à l'employeur")).fill("Lina a travaillé deux saisons en maraîchage.")
    page.get_by_label("CV").set_input_files(
        {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": make_pdf("Lina Garcia")}
    )
    page.get_by_role("button", name="Continuer").click()
    # The diagnosis, before sending (the person has no account yet: made with it).
    expect(page.get_by_text("Étape 4 sur 5 : Diagnostic d'éligibilité")).to_be_visible()
    ui.check()
    page.locator("label", has_text="Bénéficiaire du RSA").click()
    page.get_by_role("button", name="Enregistrer le diagnostic et continuer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vérifier puis envoyer la candidature")
    expect(page.get_by_text("Un nouveau diagnostic sera enregistré à l'envoi")).to_be_visible()
    ui.check()
    page.get_by_role("button", name="Envoyer la candidature").click()
    expect(page.get_by_text("La candidature de Lina GARCIA a été envoyée à Les Jardins de Gerland.")).to_be_visible()
    ui.check()
    log_out(page)

    # The employer: inbox, process, accept on the prescriber's diagnosis, hire.
    page = log_in(ui, employer.email)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Candidatures reçues").click()
    expect(page.get_by_text("Nouvelle candidature (1)")).to_be_visible()
    ui.check()
    page.get_by_role("link", name="Lina GARCIA").click()
    page.get_by_role("button", name="Mettre à l'étude").click()
    expect(page.get_by_text("La candidature est à l'étude.")).to_be_visible()
    page.get_by_role("link", name="Accepter la candidature").click()
    expect(page.get_by_text(re.compile("par France Travail Lyon 7 \\(prescripteur"))).to_be_visible()
    ui.check()
    start = days_from_today(3)
    page.get_by_label(re.compile("^Date de début du contrat")).fill(start.isoformat())
    page.get_by_role("button", name="Confirmer l'embauche").click()
    expect(page.get_by_text("Embauche confirmée.")).to_be_visible()
    ui.check()
    approval = Approval.objects.get(job_seeker__email="lina.garcia@example.com")
    assert approval.number.startswith("99999") and approval.start_at == start
    assert approval.eligibility_diagnosis.author_prescriber_organization.name == "France Travail Lyon 7"
    # The application page shows the PASS IAE just issued, its dates and its links.
    expect(page.locator("[data-approval-number]")).to_have_text(approval.display_number)
    expect(page.get_by_text(f"PASS IAE n° {approval.display_number}, valable du").first).to_be_visible()
    expect(page.get_by_role("link", name="Voir le PASS IAE")).to_be_visible()
    # …and the diagnosis the hire relied on, with its criterion.
    expect(page.locator("#eligibilite").get_by_text("Bénéficiaire du RSA")).to_be_visible()
    log_out(page)

    # The job seeker claims the account from the email, then sees the hire and the PASS IAE.
    run_worker()
    page = ui.goto("/dev/emails/")
    page.get_by_role("link", name=re.compile("Votre compte")).first.click()
    ui.check()
    page.get_by_role("link", name=re.compile(r"reset.key")).first.click()
    page.get_by_label(re.compile(r"^Nouveau mot de passe|^Mot de passe")).first.fill(NEW_PASSWORD)
    page.get_by_label(re.compile("^Confirmez")).fill(NEW_PASSWORD)
    page.get_by_role("button").filter(has_text=re.compile("mot de passe", re.I)).last.click()
    page = log_in(ui, "lina.garcia@example.com", NEW_PASSWORD)
    expect(page.locator("#mon-pass-iae")).to_contain_text(approval.display_number)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes candidatures").click()
    expect(page.get_by_text(re.compile("Candidature acceptée — le contrat commence le"))).to_be_visible()
    ui.check()
    page.get_by_role("link", name=re.compile("Les Jardins de Gerland")).first.click()
    expect(page.locator("[data-approval-number]")).to_have_text(approval.display_number)
    ui.check()
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mon PASS IAE").click()
    expect(page.get_by_text(approval.display_number).first).to_be_visible()
    ui.check()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("attestation", re.I)).first.click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    log_out(page)

    # Anyone can check the number.
    page = ui.goto("/pass-iae/verifier/")
    page.get_by_label(re.compile("^Numéro du PASS IAE")).fill(approval.display_number)
    page.get_by_label(re.compile("^Nom de famille du titulaire")).fill("Garcia")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_text("PASS IAE authentique")).to_be_visible()
    expect(page.get_by_text("L. G.", exact=False)).to_be_visible()
    ui.check()
