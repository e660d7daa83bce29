"""Issue 15, "marché de l'inclusion": the demo buyer posts a need for « Nettoyage de
locaux » near Lyon; the demo ACI and ETTI are emailed; the ACI answers « intéressé »; the
buyer sees the answer with its contact and closes the need as won. Every page passes axe."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from itou.companies.enums import CompanyKind
from itou.demo.world import COMPANIES, DEMO_PASSWORD
from itou.notifications.models import SentEmail
from tests.helpers import extract_link, run_pending_jobs
from tests.marketplace.conftest import demo_marketplace

TITLE = "Nettoyage des bureaux de la mairie du 7e"


def log_in(ui, email):
    page = ui.goto("/comptes/login/")
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    return page


def test_buyer_posts_employers_answer_buyer_closes_as_won(ui, settings):
    settings.SITE_URL = ui.base_url
    demo_marketplace()
    aci, etti = (next(c for c in COMPANIES if c.kind == kind) for kind in (CompanyKind.ACI, CompanyKind.ETTI))

    # The buyer posts a need: how many employers will be told, then publish.
    page = log_in(ui, "acheteur@inclusion-demo.fr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mes besoins")
    ui.check()
    # The catalogue (fields and cards rendered from cached markup and values) and the members.
    page.get_by_role("link", name="Chercher dans le catalogue").click()
    page.locator("label").get_by_text("Nettoyage de locaux", exact=True).click()
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("link", name=aci.display_name)).to_be_visible()
    ui.check()
    page = ui.goto("/marche/acheteur/membres/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Membres de")
    ui.check()
    page = ui.goto("/marche/acheteur/")
    page.get_by_role("link", name="Publier un besoin").click()
    page.get_by_label(re.compile("^Titre")).fill(TITLE)
    page.locator("label", has_text="Demande de devis").click()  # DSFR draws the label over the input
    page.locator("label").get_by_text("Nettoyage de locaux", exact=True).click()
    page.get_by_role("combobox", name=re.compile("^Lieu d'exécution")).fill("Lyon")
    page.get_by_role("option", name=re.compile("^Lyon")).click()
    deadline = timezone.localdate() + datetime.timedelta(days=21)
    page.get_by_label(re.compile("^Date limite de réponse")).fill(deadline.isoformat())
    page.get_by_label(re.compile("^Description")).fill("Trois passages par semaine, 800 m² de bureaux.")
    page.get_by_label(re.compile("^Budget")).select_option(label="De 5 000 à 40 000 €")
    page.get_by_role("button", name="Vérifier les employeurs concernés").click()
    expect(page.locator("#matching-count")).to_have_text("2 employeurs inclusifs seront informés de ce besoin.")
    ui.check()
    page.get_by_role("button", name="Publier le besoin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("2 employeurs inclusifs en sont informés")).to_be_visible()
    ui.check()

    # Both demo employers are emailed at once, with a link to the need.
    run_pending_jobs()
    emails = {email.to[0]: email for email in SentEmail.objects.filter(subject__contains=TITLE)}
    assert set(emails) == {aci.admin.email, etti.admin.email}
    link = extract_link(emails[aci.admin.email].body, "/marche/besoins-recus/")

    # The ACI says it is interested.
    page.get_by_role("button", name="Se déconnecter").first.click()
    page = log_in(ui, aci.admin.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    ui.check()
    page.get_by_label(re.compile("^Votre message à l'acheteur")).fill(
        "Équipe de 4 personnes disponible dès le 1er mars."
    )
    page.get_by_role("button", name="Je suis intéressé").click()
    expect(page.get_by_text("Votre intérêt est envoyé à l'acheteur")).to_be_visible()
    ui.check()

    # The buyer sees the answer and the contact, then closes the need as won.
    page.get_by_role("button", name="Se déconnecter").first.click()
    page = log_in(ui, "acheteur@inclusion-demo.fr")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("Équipe de 4 personnes disponible dès le 1er mars.")).to_be_visible()
    expect(page.get_by_role("link", name=aci.admin.email)).to_be_visible()
    ui.check()
    page.locator("label", has_text="Attribué à un employeur inclusif").click()
    page.get_by_label(re.compile("^Employeur retenu")).select_option(label=aci.display_name)
    page.get_by_label(re.compile("^Montant approximatif")).fill("18000")
    page.get_by_role("button", name="Clore le besoin").click()
    expect(page.locator("#need-outcome")).to_contain_text(f"attribué à un employeur inclusif ({aci.display_name})")
    ui.check()
