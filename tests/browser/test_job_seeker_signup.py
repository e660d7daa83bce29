"""A job seeker discovers the platform, signs up, confirms their email and logs in."""

import re

from playwright.sync_api import expect

from itou.users.models import User
from tests.helpers import run_worker

PASSWORD = "Mon-mot-de-passe-2026"
NIR = "290057512345669"  # valid key


def test_signup_verify_email_login(ui):
    page = ui.goto("/")
    expect(page.locator("h1")).to_be_visible()
    ui.check()

    page.get_by_role("link", name="S'inscrire").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    ui.check()
    page.get_by_role("link", name="Candidat", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer mon compte candidat")
    ui.check()

    # A first try with a wrong NIR key: a French message, nothing created.
    page.get_by_label("Prénom").fill("Camille")
    page.get_by_label(re.compile(r"^Nom\b")).fill("Martin")
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail")).fill("camille.martin@example.com")
    page.get_by_label("Date de naissance").fill("1990-05-17")
    page.get_by_role("textbox", name=re.compile("^Numéro de sécurité sociale")).fill("290057512345600")
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.locator(".fr-error-text")).to_contain_text("la clé est les 2 derniers")
    ui.check()
    assert not User.objects.exists()

    page.get_by_role("textbox", name=re.compile("^Numéro de sécurité sociale")).fill(NIR)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez votre adresse e-mail")
    ui.check()

    # The worker sends the email; the dev mailbox shows it.
    run_worker()
    page.get_by_role("link", name="boîte de réception de développement").click()
    ui.check()
    page.get_by_role("link", name=re.compile("Confirmez votre adresse e-mail")).first.click()
    ui.check()
    page.get_by_role("link", name=re.compile("confirm-email")).click()
    ui.check()
    page.get_by_role("button", name=re.compile("Confirmer")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")
    ui.check()

    page.get_by_role("button", name="Se déconnecter").first.click()
    page.goto(ui.base_url + "/comptes/login/")
    ui.check()
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail")).fill("camille.martin@example.com")
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")
    page.get_by_role("link", name="Mon profil").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    ui.check()
