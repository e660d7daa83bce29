"""The styled error pages, as the demo serves them (DEBUG off): no CSP violation (the DSFR
artwork's <style> element was blocked on the 404 page), accessible, saying where to go."""

import re

from playwright.sync_api import expect

from itou.companies.models import CompanyMembership
from tests.browser.test_process_application import log_in
from tests.companies.factories import CompanyFactory


def test_404_page(ui, settings):
    settings.DEBUG = False
    page = ui.goto("/cette-page-n-existe-pas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page non trouvée")
    expect(page.get_by_role("link", name="Retourner à la page d'accueil")).to_be_visible()
    ui.check()


def test_403_page_says_why_and_where_to_go(ui, settings):
    """A member without the admin role opens the invitation page of their structure."""
    settings.DEBUG = False
    company = CompanyFactory(with_member=True)
    membership = CompanyMembership.objects.get(company=company)
    membership.is_admin = False
    membership.save(update_fields=["is_admin"])
    page = log_in(ui, membership.user.email)
    page = ui.goto("/membres/inviter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    expect(page.get_by_text(re.compile("Seuls les administrateurs de votre structure"))).to_be_visible()
    page.get_by_role("link", name="Retourner au tableau de bord").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    ui.check()
