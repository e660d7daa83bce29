"""In a browser: an ACI accepts an application through the diagnosis step (axe-checked)."""

import re

from playwright.sync_api import expect

from itou.companies.enums import CompanyKind
from itou.job_applications.enums import JobApplicationState
from itou.job_applications.models import JobApplication
from tests.browser.conftest import ui  # noqa: F401 (fixture)
from tests.companies.factories import CompanyFactory
from tests.eligibility.models_helpers import no_diagnosis_for
from tests.job_applications.factories import JobApplicationFactory, days_from_today
from tests.users.factories import DEFAULT_PASSWORD, JobSeekerFactory, ProfessionalFactory


def test_aci_makes_the_diagnosis_then_hires(ui):  # noqa: F811
    employer = ProfessionalFactory()
    company = CompanyFactory(kind=CompanyKind.ACI, with_member=employer)
    job_seeker = JobSeekerFactory(first_name="Léa", last_name="Martin")
    job_application = JobApplicationFactory(job_seeker=job_seeker, to_company=company, sent_by_prescriber=True)
    no_diagnosis_for(job_seeker)

    page = ui.goto("/comptes/login/")
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail")).fill(employer.email)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")

    page = ui.goto(f"/candidatures/{job_application.pk}/accepter/")
    expect(page.get_by_text("Étape 1 sur 2 : Diagnostic d'éligibilité")).to_be_visible()
    expect(page.get_by_text("Justificatif à conserver : Attestation RSA")).to_be_visible()
    ui.check()

    page.locator("label", has_text="Bénéficiaire du RSA").click()
    page.get_by_role("button", name="Enregistrer le diagnostic et continuer").click()
    expect(page.get_by_text("Vous pouvez maintenant confirmer l'embauche.")).to_be_visible()
    ui.check()

    page.get_by_label(re.compile("^Date de début du contrat")).fill(days_from_today(1).isoformat())
    page.get_by_role("button", name="Confirmer l'embauche").click()
    expect(page.get_by_text("Embauche confirmée.")).to_be_visible()
    job_application = JobApplication.objects.get(pk=job_application.pk)
    assert job_application.state == JobApplicationState.ACCEPTED
    assert job_application.eligibility_diagnosis.author_company == company
