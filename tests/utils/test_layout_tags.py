"""The parts of the layout rendered once per process (itou/utils/templatetags/layout_tags.py)."""

import re

from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory
from django.urls import resolve

from itou.utils.templatetags import layout_tags
from tests.users.factories import JobSeekerFactory


def current_menu_link(html: str) -> list[str]:
    return re.findall(r'class="fr-nav__link" href="([^"]+)" aria-current="page"', html)


def support_link(html: str) -> str:
    return re.search(r'href="(/support/\?depuis=[^"]*)"', html).group(1)


def test_anonymous_menu_shows_the_current_page_of_each_page(client):
    layout_tags.forget_parts()
    for _ in range(2):  # cold, then memoized
        assert current_menu_link(client.get("/rechercher/prescripteurs/").content.decode()) == [
            "/rechercher/prescripteurs/"
        ]
        assert current_menu_link(client.get("/rechercher/employeurs/").content.decode()) == ["/rechercher/employeurs/"]
        assert current_menu_link(client.get("/aide/").content.decode()) == []


def test_support_link_carries_each_request_url_escaped(client):
    layout_tags.forget_parts()
    assert support_link(client.get("/aide/").content.decode()) == "/support/?depuis=/aide/"
    html = client.get("/aide/", {"q": '<b>"x"</b>', "n": "1"}).content.decode()
    # The full path (its query already percent-encoded), URL-encoded: as `request.get_full_path|urlencode`.
    assert support_link(html) == "/support/?depuis=/aide/%3Fq%3D%253Cb%253E%2522x%2522%253C%252Fb%253E%26n%3D1"
    assert layout_tags.SUPPORT_FROM_MARKER not in html
    assert support_link(client.get("/aide/", {"q": "autre"}).content.decode()) == "/support/?depuis=/aide/%3Fq%3Dautre"


def test_logged_in_user_gets_their_own_header_never_the_memoized_one(client):
    layout_tags.forget_parts()
    anonymous = client.get("/aide/").content.decode()
    assert "Se connecter" in anonymous and "Se déconnecter" not in anonymous
    user = JobSeekerFactory(first_name="Aïcha", last_name="Memo")
    client.force_login(user)
    html = client.get("/aide/").content.decode()
    assert "Se déconnecter" in html and user.get_full_name() in html and "Se connecter" not in html
    assert 'name="csrfmiddlewaretoken"' in html  # the logout form's own token
    client.logout()
    html = client.get("/aide/").content.decode()
    assert "Se connecter" in html and user.get_full_name() not in html


def test_memoized_parts_are_what_an_include_renders():
    layout_tags.forget_parts()
    request = RequestFactory().get("/rechercher/employeurs/?commune=Lyon&_=<1>")
    request.user = AnonymousUser()
    request.resolver_match = resolve("/rechercher/employeurs/")
    engine = engines["django"]
    memoized = engine.from_string(
        '{% load layout_tags %}{% fixed_part "layout/head_assets.html" %}{% anonymous_part "includes/header.html" %}'
        '{% anonymous_part "includes/footer.html" %}{% fixed_part "layout/body_scripts.html" %}'
    )
    included = engine.from_string(
        '{% include "layout/head_assets.html" %}{% include "includes/header.html" %}'
        '{% include "includes/footer.html" with support_from=path %}{% include "layout/body_scripts.html" %}'
    )
    expected = included.render({"path": "/rechercher/employeurs/%3Fcommune%3DLyon%26_%3D%253C1%253E"}, request)
    assert "aria-current" in expected and "%253C1%253E" in expected
    assert memoized.render({}, request) == expected  # cold
    assert memoized.render({}, request) == expected  # memoized
    assert len(layout_tags._parts) == 4
