"""The demo mailbox: only in DEMO_MODE, and a visitor sees only the emails of the demo
accounts and of the accounts created from their own browser."""

import pytest
from django.urls import reverse

from itou.demo import world as demo
from itou.notifications.models import SentEmail
from itou.www.dev import visibility
from tests.www.signup.test_signup import signup_data

DEMO_EMAIL = demo.demo_accounts()[0]["email"]


@pytest.fixture
def mailbox(settings):
    settings.DEV_MAILBOX_ENABLED = True


def sent(to, subject="Objet", body="Texte"):
    return SentEmail.objects.create(from_email="a@example.com", to=[to], subject=subject, body=body)


def test_mailbox_is_hidden_outside_the_demo(client, settings):
    settings.DEV_MAILBOX_ENABLED = False
    email = sent(DEMO_EMAIL)
    assert client.get(reverse("dev:mailbox")).status_code == 404
    assert client.get(reverse("dev:email_detail", args=[email.pk])).status_code == 404


def test_mailbox_lists_and_shows_emails_of_demo_accounts(client, mailbox, django_assert_num_queries):
    for i in range(3):
        sent(DEMO_EMAIL, subject=f"Objet {i}", body="Lien http://x/y")
    with django_assert_num_queries(1):
        response = client.get(reverse("dev:mailbox"))
    html = response.content.decode()
    assert "Objet 0" in html and "Objet 2" in html
    email = SentEmail.objects.first()
    response = client.get(reverse("dev:email_detail", args=[email.pk]))
    assert response.status_code == 200
    assert '<a href="http://x/y"' in response.content.decode()
    assert client.get(reverse("dev:email_detail", args=[999999])).status_code == 404


def test_a_visitor_never_sees_the_emails_of_other_accounts(client, mailbox):
    other = sent("quelqu.un@example.com", subject="Votre code de connexion : 123456")
    response = client.get(reverse("dev:mailbox"))
    assert "123456" not in response.content.decode()
    assert client.get(reverse("dev:email_detail", args=[other.pk])).status_code == 404


def test_a_forged_cookie_shows_nothing_more(client, mailbox):
    other = sent("victime@example.com", subject="Réinitialisation du mot de passe")
    client.cookies[visibility.COOKIE_NAME] = '["victime@example.com"]'
    assert "Réinitialisation" not in client.get(reverse("dev:mailbox")).content.decode()
    assert client.get(reverse("dev:email_detail", args=[other.pk])).status_code == 404


def test_signup_from_this_browser_shows_its_emails_even_after_logout(client, mailbox, settings):
    settings.ACCOUNT_RATE_LIMITS = False
    response = client.post(reverse("account_signup"), signup_data(email="nouvelle.personne@example.com"))
    assert response.status_code in (200, 302)
    assert response.status_code == 302
    assert visibility.COOKIE_NAME in response.cookies
    mine = sent("nouvelle.personne@example.com", subject="Confirmez votre adresse")
    theirs = sent("autre.visiteur@example.com", subject="Confirmez l'autre adresse")

    html = client.get(reverse("dev:mailbox")).content.decode()
    assert "Confirmez votre adresse" in html
    assert "Confirmez l&#x27;autre adresse" not in html and "autre adresse" not in html
    client.post(reverse("account_logout"))  # the real logout (the test client's would drop every cookie)
    assert client.get(reverse("dev:email_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("dev:email_detail", args=[theirs.pk])).status_code == 404

    # Another browser does not see it.
    client.cookies.clear()
    assert client.get(reverse("dev:email_detail", args=[mine.pk])).status_code == 404


def test_the_cookie_is_never_set_outside_the_demo(client, settings):
    settings.DEV_MAILBOX_ENABLED = False
    settings.ACCOUNT_RATE_LIMITS = False
    response = client.post(reverse("account_signup"), signup_data(email="nouvelle.personne@example.com"))
    assert response.status_code in (200, 302)
    assert visibility.COOKIE_NAME not in response.cookies
