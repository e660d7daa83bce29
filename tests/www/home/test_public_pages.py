"""The footer's pages: every one answers, has a breadcrumb, one h1, a title, and only real links."""

import re
from html import unescape

import pytest
from django.urls import Resolver404, resolve, reverse

SITE_NAME = "Les emplois de l'inclusion"

PAGES = [
    # (URL name, <h1>, <title> block, last breadcrumb item)
    ("home:accessibility", "Déclaration d'accessibilité", "Déclaration d'accessibilité", "Accessibilité"),
    ("home:legal_notice", "Mentions légales", "Mentions légales", "Mentions légales"),
    ("home:privacy", "Données personnelles et cookies", "Données personnelles et cookies", "Données personnelles"),
    ("home:sitemap", "Plan du site", "Plan du site", "Plan du site"),
]


@pytest.mark.parametrize("url_name,h1,title,crumb", PAGES)
def test_page_structure(client, url_name, h1, title, crumb):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert html.count("<h1") == 1
    assert f"<h1>{h1}</h1>" in html
    assert f"<title>{title} — {SITE_NAME}</title>" in html
    assert 'class="fr-breadcrumb"' in html
    assert f'<a class="fr-breadcrumb__link" href="{reverse("home:index")}">Accueil</a>' in html
    assert f'<a class="fr-breadcrumb__link" aria-current="page">{crumb}</a>' in html
    # The footer marks the page we are on.
    assert re.search(rf'href="{reverse(url_name)}" aria-current="page"', html)


@pytest.mark.parametrize("url_name", ["home:index"] + [page[0] for page in PAGES])
def test_internal_links_resolve(client, url_name):
    html = unescape(client.get(reverse(url_name)).content.decode())

    paths = set(re.findall(r'href="(/[^"#?]*)', html))
    assert paths
    for path in paths:
        if path.startswith("/static/"):
            continue
        try:
            resolve(path)
        except Resolver404:
            pytest.fail(f"{reverse(url_name)} links to {path}, which does not exist")


@pytest.mark.parametrize("url_name", [page[0] for page in PAGES])
def test_only_get_and_head_are_allowed(client, url_name):
    assert client.post(reverse(url_name)).status_code == 405


def test_accessibility_statement(client):
    html = unescape(client.get(reverse("home:accessibility")).content.decode())

    assert "<strong>partiellement conforme</strong>" in html
    assert "RGAA), version 4.1" in html
    assert "En attente d'audit." in html
    for heading in (
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles",
        "Établissement de cette déclaration d'accessibilité",
        "Technologies utilisées pour la réalisation du site",
        "Environnement de test",
        "Retour d'information et contact",
        "Voies de recours",
    ):
        assert f">{heading}</h" in html, heading
    assert 'href="mailto:accessibilite@inclusion.gouv.fr"' in html
    assert "Défenseur des droits" in html


def test_legal_notice(client):
    html = unescape(client.get(reverse("home:legal_notice")).content.decode())

    assert "Plateforme de l'inclusion" in html
    assert "Ministère du Travail" in html
    assert "Le directeur général de la structure éditrice." in html
    assert "hébergé en France chez un prestataire qualifié SecNumCloud" in html
    assert "licence etalab-2.0" in html
    assert "AGPL-3.0" in html


def test_privacy_lists_the_real_cookies(client, settings):
    settings.SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
    html = unescape(client.get(reverse("home:privacy")).content.decode())

    assert f"<td>{settings.SESSION_COOKIE_NAME}</td>" in html
    assert "<td>14 jours au plus</td>" in html
    assert f"<td>{settings.CSRF_COOKIE_NAME}</td>" in html
    assert "<td>1 an</td>" in html
    assert "Le site n'utilise aucun cookie de suivi" in html
    # Purposes, legal bases, NIR and retention are all there.
    assert "articles L5132-1 et suivants" in html
    assert "Mission d'intérêt public" in html
    assert "Obligation légale" in html
    assert "toujours affiché masqué" in html
    assert "sans connexion ni candidature pendant 2 ans" in html.lower()
    assert "Agence de services et de paiement (ASP)" in html


def test_sitemap_lists_the_public_pages(client):
    html = unescape(client.get(reverse("home:sitemap")).content.decode())

    for url_name in (
        "home:index",
        "home:accessibility",
        "home:legal_notice",
        "home:privacy",
        "account_signup",
        "account_login",
        "dashboard:index",
    ):
        assert f'href="{reverse(url_name)}"' in html, url_name
