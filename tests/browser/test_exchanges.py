"""A prescriber writes to an ACI about an application, the ACI answers, both see it (axe: 0 violations)."""

import re

from playwright.sync_api import expect

from itou.companies.enums import CompanyKind
from itou.exchanges.models import ApplicationMessage
from tests.browser.test_process_application import log_in, log_out
from tests.companies.factories import CompanyFactory
from tests.job_applications.factories import JobApplicationFactory
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory


def test_prescriber_and_aci_exchange_messages(ui):
    employer = ProfessionalFactory(first_name="Nathalie", last_name="Girard")
    company = CompanyFactory(kind=CompanyKind.ACI, name="Les Jardins du Rhône", with_member=employer)
    prescriber = ProfessionalFactory(first_name="Isabelle", last_name="Moreau")
    organization = PrescriberOrganizationFactory(
        authorized=True, name="France Travail Lyon Part-Dieu", with_member=prescriber
    )
    job_seeker = JobSeekerFactory(first_name="Léa", last_name="Martin")
    job_application = JobApplicationFactory(
        job_seeker=job_seeker,
        to_company=company,
        sent_by_prescriber=True,
        sender_prescriber_organization=organization,
        sender=prescriber,
    )
    detail = f"/candidatures/{job_application.pk}/"

    # The prescriber writes, with a link and some HTML (shown as text).
    page = log_in(ui, prescriber.email)
    page = ui.goto(detail)
    expect(page.get_by_role("heading", name="Messages", exact=True)).to_be_visible()
    page.get_by_label(re.compile("^Votre message")).fill(
        "Bonjour, Léa est disponible lundi. <b>Merci</b> ! Son parcours : https://exemple.fr/parcours"
    )
    page.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_text("Message envoyé.")).to_be_visible()
    thread = page.locator("section.itou-thread")
    expect(thread.get_by_text("<b>Merci</b>", exact=False)).to_be_visible()
    expect(thread.get_by_role("link", name="https://exemple.fr/parcours")).to_be_visible()
    ui.check()
    # An empty message: a French error, nothing sent.
    page.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_text("Écrivez votre message avant de l'envoyer.").first).to_be_visible()
    ui.check()
    log_out(page)

    # The ACI sees the unread badge, reads, answers.
    page = log_in(ui, employer.email)
    expect(page.get_by_text("1 candidature avec des messages non lus.")).to_be_visible()
    page = ui.goto("/candidatures/recues/")
    expect(page.get_by_text("1 message non lu")).to_be_visible()
    ui.check()
    page.get_by_role("link", name="Léa MARTIN").click()
    expect(page.get_by_text("Bonjour, Léa est disponible lundi.")).to_be_visible()
    expect(page.get_by_text("France Travail Lyon Part-Dieu").first).to_be_visible()
    page.get_by_label(re.compile("^Votre message")).fill("Merci, entretien lundi à 10 h.")
    page.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_text("Message envoyé.")).to_be_visible()
    ui.check()
    log_out(page)

    # The prescriber sees the answer, after their message.
    page = log_in(ui, prescriber.email)
    page = ui.goto(detail)
    messages = page.locator("section.itou-thread article")
    expect(messages).to_have_count(2)
    expect(messages.nth(1)).to_contain_text("Merci, entretien lundi à 10 h.")
    expect(messages.nth(1)).to_contain_text("Les Jardins du Rhône")
    ui.check()
    assert ApplicationMessage.objects.count() == 2


def test_help_article_on_eligibility_from_the_diagnosis_form(ui):
    from tests.eligibility.factories import cast_without_diagnosis, criteria

    criteria()
    cast = cast_without_diagnosis(company_kind=CompanyKind.ACI)
    page = log_in(ui, cast.employer.email)
    page = ui.goto(f"/eligibilite/candidature/{cast.job_application.pk}/embauche/")
    expect(page.get_by_text("Étape 1 sur 2")).to_be_visible()
    ui.check()
    page.get_by_role("link", name="Aide sur ces critères").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Les critères d'éligibilité à l'IAE et les justificatifs à conserver"
    )
    assert page.url.endswith("#niveau-1")
    expect(page.locator("#niveau-1")).to_be_visible()
    ui.check()
    # Was it helpful? Stored.
    page.get_by_text("Oui", exact=True).click()
    page.get_by_role("button", name="Envoyer mon avis").click()
    expect(page.get_by_text("Merci pour votre avis")).to_be_visible()
    # The search of the help center finds the guide too.
    page.get_by_role("link", name="Tous les guides").click()
    page.get_by_label("Rechercher dans l'aide").fill("justificatifs RSA")
    page.get_by_role("button", name="Rechercher").click()
    expect(
        page.get_by_role("link", name="Les critères d'éligibilité à l'IAE et les justificatifs à conserver").first
    ).to_be_visible()
    ui.check()


def test_support_request_from_an_employer_reaches_the_staff_inbox(ui):
    from django.test import Client

    from itou.support.models import SupportRequest
    from tests.companies.factories import login_as_staff

    employer = ProfessionalFactory(first_name="Nathalie", last_name="Girard")
    company = CompanyFactory(kind=CompanyKind.ACI, name="Les Jardins du Rhône", with_member=employer)
    job_application = JobApplicationFactory(to_company=company, sent_by_prescriber=True)
    page = log_in(ui, employer.email)
    page = ui.goto(f"/candidatures/{job_application.pk}/")
    page.get_by_role("link", name="Contacter le support").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacter le support")
    # The heading shows before the deferred htmx script has run: typing earlier would
    # send no suggestion request (a busy machine made this test flaky).
    page.wait_for_load_state("load")
    page.get_by_label(re.compile("^Sujet")).select_option("pass")
    page.get_by_label(re.compile("^Objet")).fill("Suspension du PASS IAE")
    # Help articles are suggested while typing (htmx).
    expect(page.get_by_role("link", name=re.compile("Le PASS IAE : suspension et prolongation"))).to_be_visible()
    page.get_by_label(re.compile("^Votre message")).fill("Je ne trouve pas le motif « contrat rompu ».")
    ui.check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_text("Votre demande est envoyée")).to_be_visible()
    ui.check()

    support_request = SupportRequest.objects.get()
    assert support_request.user == employer
    assert "Les Jardins du Rhône" in support_request.organization_label
    assert support_request.job_application == job_application
    assert support_request.page == f"/candidatures/{job_application.pk}/"
    # The staff inbox lists it with its context.
    staff_client = Client()
    login_as_staff(staff_client)
    inbox = staff_client.get("/admin/support/supportrequest/").content.decode()
    assert "Suspension du PASS IAE" in inbox
    assert "1 nouvelle(s)" in inbox
    detail = staff_client.get(f"/admin/support/supportrequest/{support_request.pk}/change/").content.decode()
    assert "Les Jardins du Rhône" in detail and "Nouvelle" in detail


def test_aci_joins_a_follow_up_group_and_sees_the_prescriber(ui):
    employer = ProfessionalFactory(first_name="Nathalie", last_name="Girard")
    CompanyFactory(kind=CompanyKind.ACI, name="Les Jardins du Rhône", with_member=employer)
    prescriber = ProfessionalFactory(first_name="Isabelle", last_name="Moreau")
    organization = PrescriberOrganizationFactory(
        authorized=True, name="France Travail Lyon Part-Dieu", with_member=prescriber
    )
    job_seeker = JobSeekerFactory(first_name="Léa", last_name="Martin")
    # The prescriber applied for her elsewhere: she is in the group.
    JobApplicationFactory(
        job_seeker=job_seeker, sent_by_prescriber=True, sender_prescriber_organization=organization, sender=prescriber
    )
    page = log_in(ui, employer.email)
    page.get_by_role("link", name="Rejoindre un groupe de suivi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejoindre un groupe de suivi")
    ui.check()
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Prénom", exact=True).fill("Léa")
    page.get_by_label("Date de naissance", exact=True).fill(job_seeker.jobseeker_profile.birthdate.isoformat())
    page.get_by_label(re.compile("^Comment suivez-vous")).select_option("employment")
    page.get_by_role("button", name="Rejoindre le groupe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Qui accompagne Léa MARTIN ?")
    expect(page.get_by_role("cell", name="Isabelle MOREAU")).to_be_visible()
    expect(page.get_by_role("cell", name="France Travail Lyon Part-Dieu")).to_be_visible()
    ui.check()
