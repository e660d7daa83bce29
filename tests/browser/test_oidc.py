"""FranceConnect and ProConnect in the browser, against the local OpenID Connect provider
(devtools/oidc_provider): refusal then retry, linking an existing account, a new
professional, and the logout that ends the provider's session."""

import re

from playwright.sync_api import expect

from itou.users.models import User
from tests.oidc.provider import oidc_provider, oidc_settings  # noqa: F401 (fixtures)
from tests.users.factories import DEFAULT_PASSWORD, JobSeekerFactory


def _provider_session(ui, provider_url: str) -> str:
    page = ui.page.context.new_page()
    page.goto(provider_url + "/")
    text = page.locator("#session").inner_text()
    page.close()
    return text


def test_franceconnect_refuse_retry_link_and_logout(ui, oidc_settings):  # noqa: F811
    job_seeker = JobSeekerFactory(email="camille.martin@example.org", first_name="Camile", last_name="Martin")
    page = ui.goto("/comptes/login/")
    ui.check()
    page.get_by_role("button", name="S’identifier avec FranceConnect").click()
    page.get_by_role("button", name="Se connecter en tant que Camille MARTIN").click()
    # Refused at the provider: a French page with a retry.
    page.get_by_role("button", name="Refuser").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion avec FranceConnect impossible")
    expect(page.get_by_text("Vous avez refusé de transmettre vos informations")).to_be_visible()
    ui.check()
    page.get_by_role("button", name="Réessayer").click()
    page.get_by_role("button", name="Autoriser").click()
    # First login with the address of an existing account: its password, once.
    expect(page.get_by_role("heading", level=1)).to_have_text("Relier votre compte à FranceConnect")
    ui.check()
    page.get_by_label("Mot de passe de votre compte").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Relier mon compte").click()
    expect(page.get_by_text("Votre compte est maintenant relié à FranceConnect")).to_be_visible()
    page = ui.goto("/tableau-de-bord/profil/")
    expect(page.get_by_text("Informations certifiées par FranceConnect")).to_be_visible()
    expect(page.get_by_label("Prénom", exact=True)).to_have_count(0)
    ui.check()
    job_seeker.refresh_from_db()
    assert job_seeker.first_name == "Camille"
    assert _provider_session(ui, oidc_settings.url).startswith("Session ouverte")
    # Logout ends the provider's session too, then comes back home.
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(re.escape(ui.base_url) + r"/(\?state=[\w-]+)?$"))
    assert _provider_session(ui, oidc_settings.url) == "Aucune session ouverte"


def test_proconnect_creates_a_professional_who_joins_an_organization(ui, oidc_settings):  # noqa: F811
    page = ui.goto("/comptes/login/")
    page.get_by_role("button", name="S’identifier avec ProConnect").click()
    page.get_by_role("button", name="Se connecter en tant que Jean BERTRAND").click()
    page.get_by_role("button", name="Autoriser").click()
    expect(page.get_by_text("Votre compte est créé avec ProConnect")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscription")  # an existing page
    assert User.objects.get(email="jean.bertrand@travail.gouv.fr").is_professional
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(re.escape(ui.base_url) + r"/(\?state=[\w-]+)?$"))
    assert _provider_session(ui, oidc_settings.url) == "Aucune session ouverte"
