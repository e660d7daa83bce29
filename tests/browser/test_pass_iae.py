"""An employer suspends the PASS IAE of an employee; the job seeker sees it; anyone verifies it."""

import re

from playwright.sync_api import expect

from itou.approvals.models import Suspension
from itou.companies.enums import CompanyKind
from tests.approvals.factories import ApprovalFactory, days_from_today, hire
from tests.browser.test_process_application import log_in, log_out
from tests.companies.factories import CompanyFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory


def test_employer_suspends_and_job_seeker_sees_it(ui):
    employer = ProfessionalFactory(first_name="Nathalie", last_name="Girard")
    company = CompanyFactory(kind=CompanyKind.ACI, name="Les Jardins du Rhône", with_member=employer)
    job_seeker = JobSeekerFactory(first_name="Léa", last_name="Martin")
    approval = ApprovalFactory(job_seeker=job_seeker, start_at=days_from_today(-200))
    hire(approval, company)

    page = log_in(ui, employer.email)
    page = ui.goto("/pass-iae/salaries/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Salariés et PASS IAE")
    ui.check()
    page.get_by_role("link", name="Léa MARTIN").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("PASS IAE de Léa MARTIN")
    ui.check()
    page.get_by_role("link", name="Suspendre le PASS IAE").click()
    ui.check()
    page.get_by_label("Motif").select_option("contract_suspended")
    page.get_by_label(re.compile("^Début de la suspension")).fill(days_from_today(-3).isoformat())
    page.get_by_label(re.compile("^Fin de la suspension")).fill(days_from_today(30).isoformat())
    page.get_by_role("button", name="Suspendre").click()
    expect(page.get_by_text("Le PASS IAE est suspendu du")).to_be_visible()
    assert Suspension.objects.filter(approval=approval).exists()
    ui.check()
    # The employer moves the end of the suspension, from the PASS page.
    page.get_by_role("link", name="Modifier la date de fin").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Modifier la suspension")
    ui.check()
    page.get_by_label(re.compile("^Nouvelle date de fin")).fill(days_from_today(40).isoformat())
    page.get_by_role("button", name="Enregistrer la nouvelle date de fin").click()
    expect(page.get_by_text("La suspension se termine désormais le")).to_be_visible()
    assert Suspension.objects.get(approval=approval).end_at == days_from_today(40)
    log_out(page)

    page = log_in(ui, job_seeker.email)
    page = ui.goto("/pass-iae/mon-pass-iae/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon PASS IAE")
    expect(page.get_by_text("Votre PASS IAE est suspendu")).to_be_visible()
    ui.check()
    log_out(page)

    # Back at work: the employer lifts the suspension; the PASS is valid again.
    page = log_in(ui, employer.email)
    page = ui.goto(f"/pass-iae/{approval.pk}/")
    page.get_by_role("button", name=re.compile("^Lever la suspension")).click()
    expect(page.get_by_text("La suspension est levée")).to_be_visible()
    ui.check()
    assert Suspension.objects.get(approval=approval).end_at == days_from_today(-1)
    log_out(page)

    page = ui.goto("/pass-iae/verifier/")
    page.get_by_label(re.compile("^Numéro du PASS IAE")).fill(approval.display_number)
    page.get_by_label(re.compile("^Nom de famille du titulaire")).fill("Martin")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_text("PASS IAE authentique")).to_be_visible()
    expect(page.get_by_text("L. M.", exact=False)).to_be_visible()
    ui.check()
