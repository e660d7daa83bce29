"""One safe-redirect helper for every target taken from the request (itou/utils/redirects.py)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from itou.utils.redirects import safe_redirect, safe_redirect_target
from tests.job_applications.conftest import Cast
from tests.users.factories import JobSeekerFactory
from tests.www.applications.conftest import login

DEFAULT = "/tableau-de-bord/"

HOSTILE = [
    None,
    "",
    "NaN",
    "nan",
    "undefined",
    "null",
    "dashboard:index",  # a URL name: django.shortcuts.redirect would reverse it
    "../admin/",
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://testserver/x",
    "http://[::1",  # malformed: urlsplit raises ValueError
    "https://testserver@evil.example/",
    "/ok\r\nSet-Cookie: x=1",
    "/ok\x00",
    " /espace-devant",
    "/" + "a" * 3000,
    ["/liste"],
    42,
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_fall_back_to_the_default(value):
    request = RequestFactory().get("/")
    assert safe_redirect_target(request, value, DEFAULT) == DEFAULT
    assert safe_redirect(request, value, DEFAULT)["Location"] == DEFAULT


@pytest.mark.parametrize(
    "value",
    ["/candidatures/", "/candidatures/?states=new&page=2", "/candidatures/#liste", "http://testserver/candidatures/"],
)
def test_paths_of_this_site_are_kept(value):
    request = RequestFactory().get("/")
    assert safe_redirect_target(request, value, DEFAULT) == value


def test_http_target_refused_on_an_https_request():
    request = RequestFactory().get("/", secure=True)
    assert safe_redirect_target(request, "http://testserver/candidatures/", DEFAULT) == DEFAULT
    assert (
        safe_redirect_target(request, "https://testserver/candidatures/", DEFAULT) == "https://testserver/candidatures/"
    )


def test_batch_action_next_never_fails(client):
    """`next=NaN` was a 500: every hostile value now lands on the inbox."""
    cast = Cast()
    login(client, cast.employer)
    for value in HOSTILE[1:25]:
        response = client.post(
            reverse("applications:company_batch"),
            {"ids": [cast.job_application.pk], "action": "archive", "next": value},
        )
        assert response.status_code == 302, value
        assert response["Location"] == reverse("applications:company_list"), value


@pytest.mark.parametrize("value", ["NaN", "https://evil.example/", "//evil.example", "javascript:alert(1)"])
def test_login_next_is_checked_by_the_same_helper(client, value):
    JobSeekerFactory(email="camille@example.com", password="Un mot de passe solide 42")
    response = client.post(
        reverse("account_login"),
        {"login": "camille@example.com", "password": "Un mot de passe solide 42", "next": value},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:index")
