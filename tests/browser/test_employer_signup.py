"""A new employer signs up: SIRET, link sent to the structure's official email, account,
email confirmation, dashboard acting for the structure."""

import re

from playwright.sync_api import expect

from itou.companies.enums import CompanyKind
from itou.users.models import User
from tests.companies.factories import CompanyFactory, siret_for
from tests.helpers import run_worker

PASSWORD = "Mon-mot-de-passe-2026"


def test_employer_signup_journey(ui, settings):
    # Links in emails must point at the live server.
    settings.SITE_URL = ui.base_url
    siret = siret_for(4242)
    company = CompanyFactory(
        siret=siret,
        kind=CompanyKind.ACI,
        name="Les Jardins du Rhône",
        brand="",
        official_email="contact@jardins-rhone.fr",
    )

    page = ui.goto("/comptes/inscription/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscription")
    ui.check()
    page.get_by_role("link", name="Employeur solidaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscription employeur")
    ui.check()

    # A SIRET with a wrong key: a French message.
    page.get_by_label("Numéro SIRET").fill(siret[:-1] + str((int(siret[-1]) + 1) % 10))
    page.get_by_role("button", name="Rechercher ma structure").click()
    expect(page.locator(".fr-error-text")).to_contain_text("vérifiez les 14 chiffres")
    ui.check()

    page.get_by_label("Numéro SIRET").fill(f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}")
    page.get_by_role("button", name="Rechercher ma structure").click()
    expect(page.get_by_role("heading", name="Les Jardins du Rhône")).to_be_visible()
    ui.check()
    page.get_by_role("button", name=re.compile("Recevoir le lien d'inscription à c•••@jardins-rhone.fr")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lien d'inscription envoyé")
    expect(page.get_by_text("Un e-mail vient d'être envoyé à c•••@jardins-rhone.fr")).to_be_visible()
    ui.check()

    # The worker sends the link; the dev mailbox shows it.
    run_worker()
    page.get_by_role("link", name="boîte de réception de développement").click()
    ui.check()
    page.get_by_role("link", name=re.compile("Inscription sur les emplois de l'inclusion pour Les Jardins")).click()
    ui.check()
    page.get_by_role("link", name=re.compile(r"inscription.employeur.lien")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejoindre Les Jardins du Rhône")
    ui.check()

    # The account, with the person's own address (not the structure's): to be confirmed.
    page.get_by_label("Prénom").fill("Nathalie")
    page.get_by_label(re.compile(r"^Nom\b")).fill("Girard")
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail")).fill("nathalie.girard@example.com")
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez votre adresse e-mail")
    expect(page.get_by_text("vous êtes administrateur de la structure Les Jardins du Rhône")).to_be_visible()
    ui.check()
    assert company.memberships.get(user=User.objects.get(email="nathalie.girard@example.com")).is_admin

    run_worker()
    page.get_by_role("link", name="boîte de réception de développement").click()
    ui.check()
    page.get_by_role("link", name=re.compile("Confirmez votre adresse e-mail")).first.click()
    ui.check()
    page.get_by_role("link", name=re.compile("confirm-email")).click()
    ui.check()
    page.get_by_role("button", name=re.compile("Confirmer")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Nathalie")
    expect(page.locator("main")).to_contain_text("Vous agissez pour Les Jardins du Rhône — Employeur, administrateur.")
    ui.check()

    # The structure's members page: she is its only admin.
    page.goto(ui.base_url + "/membres/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Membres de la structure Les Jardins du Rhône")
    ui.check()
    page.get_by_role("link", name="Inviter un collègue").click()
    ui.check()


def test_members_invitation_and_prescriber_pages_are_accessible(ui, settings):
    """The other screens of these paths, with their tables and error states, pass axe-core."""
    from itou.prescribers.enums import PrescriberOrganizationKind
    from tests.companies.factories import CompanyMembershipFactory
    from tests.invitations.factories import InvitationFactory, JoinRequestFactory
    from tests.prescribers.factories import PrescriberOrganizationFactory
    from tests.users.factories import DEFAULT_PASSWORD, ProfessionalFactory

    settings.SITE_URL = ui.base_url
    admin = ProfessionalFactory(email="admin@jardins.fr", first_name="Alice")
    company = CompanyFactory(name="Les Jardins", brand="", with_member=admin)
    member = CompanyMembershipFactory(company=company, user__first_name="Bruno")
    JoinRequestFactory(company=company, user__first_name="Paul")
    invitation = InvitationFactory(company=company, email="camille@example.com", sent_by=admin)
    organization = PrescriberOrganizationFactory(name="CCAS de Roubaix", kind=PrescriberOrganizationKind.CCAS)

    page = ui.goto("/comptes/login/")
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail")).fill("admin@jardins.fr")
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Alice")

    page.goto(ui.base_url + "/membres/")
    expect(page.get_by_role("heading", name=re.compile("Demandes pour rejoindre"))).to_be_visible()
    ui.check()
    page.set_viewport_size({"width": 320, "height": 800})  # tables scroll inside their container
    page.reload()
    ui.check()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    page.get_by_role("link", name=re.compile("Retirer Bruno")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Retirer Bruno")
    ui.check()
    page.get_by_role("button", name="Retirer ce membre").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("ne fait plus partie de la structure")
    ui.check()
    member.refresh_from_db()
    assert not member.is_active
    page.get_by_role("link", name="Inviter un collègue").click()
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.locator(".fr-error-text").first).to_be_visible()
    ui.check()

    page.get_by_role("button", name="Se déconnecter").first.click()
    page.goto(ui.base_url + invitation.get_accept_path())
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation à rejoindre Les Jardins")
    page.get_by_role("button", name=re.compile("Créer mon compte")).click()
    expect(page.locator(".fr-error-text").first).to_be_visible()
    ui.check()

    page.goto(ui.base_url + "/comptes/inscription/prescripteur/")
    ui.check()
    page.get_by_label("Numéro SIRET").fill(organization.siret)
    page.get_by_role("button", name="Rechercher mon organisation").click()
    expect(page.get_by_role("heading", name="CCAS de Roubaix")).to_be_visible()
    ui.check()
    page.get_by_role("link", name=re.compile("Demander à rejoindre")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejoindre CCAS de Roubaix")
    ui.check()
    page.go_back()
    page.get_by_role("link", name="Inscrivez-la").click()
    page.get_by_role("button", name="Inscrire mon organisation").click()
    expect(page.locator(".fr-error-text").first).to_be_visible()
    ui.check()

    page.goto(ui.base_url + "/comptes/inscription/employeur/support/")
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.locator(".fr-error-text").first).to_be_visible()
    ui.check()
