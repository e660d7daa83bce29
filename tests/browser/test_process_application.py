"""An ACI processes an application sent by a prescriber, hires the job seeker, who sees it."""

import re

from playwright.sync_api import expect

from itou.companies.enums import CompanyKind
from itou.job_applications.enums import JobApplicationState
from itou.job_applications.models import JobApplication
from itou.www.applications.display import short_date
from tests.companies.factories import CompanyFactory
from tests.job_applications.factories import JobApplicationFactory, days_from_today, make_job_description
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import DEFAULT_PASSWORD, JobSeekerFactory, ProfessionalFactory


def log_in(ui, email):
    page = ui.goto("/comptes/login/")
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    return page


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").first.click()


def test_employer_processes_and_accepts_an_application(ui):
    employer = ProfessionalFactory(first_name="Nathalie", last_name="Girard")
    company = CompanyFactory(kind=CompanyKind.ACI, name="Les Jardins du Rhône", with_member=employer)
    job = make_job_description(company, title="Maraîcher en agriculture biologique")
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    job_seeker = JobSeekerFactory(first_name="Léa", last_name="Martin")
    job_application = JobApplicationFactory(
        job_seeker=job_seeker,
        to_company=company,
        sent_by_prescriber=True,
        sender_prescriber_organization=organization,
        message="Léa est motivée et disponible tout de suite.",
    )
    job_application.selected_jobs.set([job])

    # The employer opens the inbox.
    page = log_in(ui, employer.email)
    page = ui.goto("/candidatures/recues/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Candidatures reçues")
    expect(page.get_by_text("Nouvelle candidature (1)")).to_be_visible()
    ui.check()

    # Then the application.
    page.get_by_role("link", name="Léa MARTIN").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Candidature de Léa MARTIN")
    expect(page.get_by_text("Léa est motivée et disponible tout de suite.")).to_be_visible()
    ui.check()

    # The refusal is confirmed in a modal (DSFR JavaScript): opened, checked, closed.
    page.get_by_role("button", name="Décliner la candidature").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label(re.compile("^Motif du refus"))).to_be_visible()
    # Let the opening transition end (DSFR: 0.3 s): axe would read the colours mid-fade.
    expect(page.locator("dialog.fr-modal--opened")).to_have_count(1)
    expect(page.locator("dialog.fr-modal--opened")).to_have_css("opacity", "1")
    ui.check()
    dialog.get_by_role("button", name="Ne rien changer").click()
    expect(dialog).to_be_hidden()

    # Processes it.
    page.get_by_role("button", name="Mettre à l'étude").click()
    expect(page.get_by_text("La candidature est à l'étude.")).to_be_visible()
    expect(page.get_by_text("Candidature mise à l'étude", exact=True)).to_be_visible()
    ui.check()

    # Accepts it with dates.
    page.get_by_role("link", name="Accepter la candidature").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accepter la candidature")
    ui.check()
    start, end = days_from_today(7), days_from_today(190)
    page.get_by_label(re.compile("^Date de début du contrat")).fill(start.isoformat())
    page.get_by_label(re.compile("^Date de fin du contrat")).fill(end.isoformat())
    page.get_by_label(re.compile("^Message au candidat")).fill("Rendez-vous à 8 h 30 au jardin.")
    page.get_by_role("button", name="Confirmer l'embauche").click()
    expect(page.get_by_text("Embauche confirmée.")).to_be_visible()
    expect(page.locator(".fr-callout .fr-badge")).to_have_text(re.compile("Candidature acceptée", re.IGNORECASE))
    ui.check()
    job_application.refresh_from_db()
    assert (job_application.state, job_application.hiring_start_at) == (JobApplicationState.ACCEPTED, start)
    log_out(page)

    # The job seeker sees where it stands.
    page = log_in(ui, job_seeker.email)
    page = ui.goto("/candidatures/mes-candidatures/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes candidatures")
    expect(
        page.get_by_text(f"Candidature acceptée — le contrat commence le {short_date(start)} et se termine le")
    ).to_be_visible()
    ui.check()
    page.get_by_role("link", name=re.compile("Les Jardins du Rhône")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre candidature chez Les Jardins du Rhône")
    expect(page.get_by_text("Rendez-vous à 8 h 30 au jardin.")).to_be_visible()
    ui.check()
    assert JobApplication.objects.get().logs.count() == 2


def test_batch_refusal_and_prescriber_view(ui):
    """Without any JavaScript of ours: tick, choose, confirm with a reason; the prescriber reads it."""
    employer = ProfessionalFactory()
    company = CompanyFactory(kind=CompanyKind.ACI, with_member=employer)
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    prescriber = organization.memberships.get().user
    for first_name in ("Karim", "Sofia"):
        JobApplicationFactory(
            job_seeker=JobSeekerFactory(first_name=first_name),
            to_company=company,
            sent_by_prescriber=True,
            sender_prescriber_organization=organization,
            sender=prescriber,
        )

    page = log_in(ui, employer.email)
    page = ui.goto("/candidatures/recues/")
    # A DSFR checkbox is ticked through its label (drawn over the input).
    for first_name in ("Karim", "Sofia"):
        page.locator("label", has_text=f"Cocher la candidature de {first_name}").click()
        expect(page.get_by_label(re.compile(f"Cocher la candidature de {first_name}"))).to_be_checked()
    page.get_by_label("Action sur les candidatures cochées").select_option("refuse")
    page.get_by_role("button", name="Appliquer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Décliner 2 candidatures")
    ui.check()
    page.get_by_role("button", name="Décliner ces candidatures").click()
    expect(page.locator(".fr-error-text")).to_have_text("Choisissez le motif du refus.")
    ui.check()
    page.get_by_label(re.compile("^Motif du refus")).select_option("no_position")
    page.get_by_role("button", name="Décliner ces candidatures").click()
    expect(page.get_by_text("2 candidatures déclinées.")).to_be_visible()
    ui.check()
    page = ui.goto("/candidatures/recues/?states=refused")
    expect(page.get_by_role("heading", level=2, name=re.compile("^2 candidatures"))).to_be_visible()
    ui.check()
    log_out(page)

    page = log_in(ui, prescriber.email)
    page = ui.goto("/candidatures/envoyees/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Candidatures envoyées")
    expect(page.get_by_text("Motif : Pas de recrutement en cours").first).to_be_visible()
    ui.check()
    page.get_by_role("link", name=re.compile("^Karim")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Candidature de Karim")
    ui.check()
