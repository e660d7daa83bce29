from html import unescape
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import include, path, reverse

from itou.www.home import views


def _boom(request):
    raise RuntimeError("boom")


# A URLconf with a failing view, to exercise the real handler500 wiring.
urlpatterns = [
    path("", include("config.urls")),
    path("boom/", _boom),
]
handler404 = "itou.www.home.views.page_not_found"
handler500 = "itou.www.home.views.server_error"


def test_404_page_is_in_french_with_a_way_back(client, settings):
    settings.DEBUG = False

    response = client.get("/cette-page-n-existe-pas/")

    assert response.status_code == 404
    html = unescape(response.content.decode())
    assert html.count("<h1") == 1
    assert "<h1>Page non trouvée</h1>" in html
    assert "<title>Page non trouvée — Les emplois de l'inclusion</title>" in html
    assert f'href="{reverse("home:index")}">Retourner à la page d\'accueil</a>' in html
    assert 'class="fr-breadcrumb"' in html


@pytest.mark.urls(__name__)
def test_500_page_through_the_handler(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    html = unescape(response.content.decode())
    assert "<h1>Erreur inattendue</h1>" in html
    assert '<a class="fr-btn" href="/">Retourner à la page d\'accueil</a>' in html
    assert "<script" not in html
    assert "Content-Security-Policy" in response


def test_500_page_needs_no_request_context(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "<h1>Erreur inattendue</h1>" in unescape(response.content.decode())


def test_500_page_falls_back_to_plain_html(monkeypatch):
    def broken_template(name):
        raise ValueError("Missing staticfiles manifest entry")

    monkeypatch.setattr(views.loader, "get_template", broken_template)

    response = views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "<h1>Erreur inattendue</h1>" in unescape(response.content.decode())


@pytest.mark.parametrize(
    "url", [reverse("home:index"), reverse("home:privacy"), reverse("home:sitemap"), "/cette-page-n-existe-pas/"]
)
def test_strict_content_security_policy(client, url):
    response = client.get(url)

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    # The policy forbids inline styles too: none in our markup.
    html = unescape(response.content.decode())
    assert " style=" not in html
    assert "<style" not in html


def test_403_page_says_why(client, settings):
    """PermissionDenied's French message is the reason shown; a way back is offered."""
    from django.core.exceptions import PermissionDenied

    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = views.permission_denied(request, PermissionDenied("Seuls les administrateurs peuvent inviter."))
    html = unescape(response.content.decode())
    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in html
    assert "Seuls les administrateurs peuvent inviter." in html
    assert "Se connecter" in html
    assert " style=" not in html and "<style" not in html


def test_400_page(settings):
    request = RequestFactory().get("/")
    response = views.bad_request(request)
    assert response.status_code == 400
    assert "<h1>Demande incorrecte</h1>" in unescape(response.content.decode())


def test_csrf_failure_is_the_styled_403_page(settings):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "a@example.com", "password": "x"})
    html = unescape(response.content.decode())
    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in html
    assert "Le formulaire a expiré" in html
    assert "<style" not in html


def test_error_artwork_has_no_inline_style():
    """The DSFR pictograms used by the error pages, without their <style> element."""
    from django.contrib.staticfiles import finders

    for name in ("ovoid", "technical-error", "padlock"):
        svg = Path(finders.find(f"itou/artwork/{name}.svg")).read_text()
        assert "<style" not in svg, name
        assert 'id="artwork-' in svg, name
