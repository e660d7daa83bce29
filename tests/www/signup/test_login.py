import pytest
import time_machine
from django.urls import reverse

from tests.helpers import assert_in_email_layout, extract_code, extract_link, last_email_to, run_pending_jobs
from tests.users.factories import DEFAULT_PASSWORD, JobSeekerFactory, ProfessionalFactory, StaffFactory

LOGIN_URL = reverse("account_login")


def test_login_with_email_and_password_any_case(client):
    user = JobSeekerFactory(email="lea@example.com")
    response = client.post(LOGIN_URL, {"login": "LEA@example.com", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:index")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_requires_verified_email(client):
    JobSeekerFactory(email="lea@example.com", verified_email=False)
    response = client.post(LOGIN_URL, {"login": "lea@example.com", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_throttled_with_a_french_message(client):
    JobSeekerFactory(email="lea@example.com")
    for _ in range(5):
        response = client.post(LOGIN_URL, {"login": "lea@example.com", "password": "mauvais-mot-de-passe"})
        assert response.status_code == 200
        assert "L'adresse e-mail ou le mot de passe n'est pas correct." in (
            response.content.decode().replace("&#x27;", "'")
        )
    response = client.post(LOGIN_URL, {"login": "lea@example.com", "password": "mauvais-mot-de-passe"})
    assert response.status_code == 429
    html = response.content.decode().replace("&#x27;", "'")
    assert "Trop de tentatives" in html
    # Even the right password is refused while throttled.
    response = client.post(LOGIN_URL, {"login": "lea@example.com", "password": DEFAULT_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_login_page_lists_demo_accounts_only_in_demo_mode(client, settings):
    settings.DEMO_MODE = False
    assert "Comptes de démonstration" not in client.get(LOGIN_URL).content.decode()
    settings.DEMO_MODE = True
    html = client.get(LOGIN_URL).content.decode()
    assert "Comptes de démonstration" in html
    from itou.demo.world import DEMO_PASSWORD, demo_accounts

    assert DEMO_PASSWORD in html
    # One click logs in as a demo account (a form per account).
    assert html.count('name="password" value="') == len(demo_accounts())


def test_login_by_code(client, django_capture_on_commit_callbacks):
    user = JobSeekerFactory(email="lea@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"email": "lea@example.com"})
    assert response.status_code == 302
    run_pending_jobs()
    email = last_email_to("lea@example.com")
    assert email.subject.endswith("Votre code de connexion")
    code = extract_code(email.body)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_by_code_wrong_then_too_many_attempts(client, django_capture_on_commit_callbacks):
    JobSeekerFactory(email="lea@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": "lea@example.com"})
    run_pending_jobs()
    code = extract_code(last_email_to("lea@example.com").body)
    for _ in range(2):
        response = client.post(reverse("account_confirm_login_code"), {"code": "ZZZZ-ZZZZ"})
        assert response.status_code == 200
        assert "Ce code n&#x27;est pas le bon." in response.content.decode()
    # The third wrong code ends the attempt: even the right code no longer works.
    response = client.post(reverse("account_confirm_login_code"), {"code": "ZZZZ-ZZZZ"})
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert "_auth_user_id" not in client.session


def test_expired_login_code_is_refused(client, django_capture_on_commit_callbacks, monkeypatch):
    JobSeekerFactory(email="lea@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": "lea@example.com"})
    run_pending_jobs()
    code = extract_code(last_email_to("lea@example.com").body)

    import time as time_module

    real_time = time_module.time
    monkeypatch.setattr(time_module, "time", lambda: real_time() + 301)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code in (200, 302)
    assert "_auth_user_id" not in client.session


def test_password_reset(client, django_capture_on_commit_callbacks):
    JobSeekerFactory(email="lea@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "lea@example.com"})
    assert response.status_code == 302
    run_pending_jobs()
    email = last_email_to("lea@example.com")
    assert "mot de passe" in email.subject
    link = extract_link(email.body, "/comptes/password/reset/key/")
    assert assert_in_email_layout(email, site_url="http://testserver/") == link
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else path
    new_password = "Nouveau-mot-de-passe-2026"
    response = client.post(form_path, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    client.logout()
    response = client.post(LOGIN_URL, {"login": "lea@example.com", "password": new_password})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_staff_must_set_up_totp(client):
    StaffFactory(email="support@example.com")
    client.post(LOGIN_URL, {"login": "support@example.com", "password": DEFAULT_PASSWORD})
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    response = client.get(reverse("admin:index"))
    assert response["Location"] == reverse("mfa_activate_totp")
    # The password typed at login is enough: the QR code shows without asking it again.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert response.resolver_match.url_name == "mfa_activate_totp"


def test_staff_asked_again_for_the_password_later(client):
    """Minutes after the login, a sensitive MFA page asks for the password again."""
    StaffFactory(email="support@example.com")
    with time_machine.travel("2026-12-07 09:00 +0100", tick=False) as traveller:
        client.post(LOGIN_URL, {"login": "support@example.com", "password": DEFAULT_PASSWORD})
        assert client.get(reverse("mfa_activate_totp")).status_code == 200
        traveller.shift(600)
        response = client.get(reverse("mfa_activate_totp"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_professional_is_not_asked_for_totp(client):
    ProfessionalFactory(email="pro@example.com")
    client.post(LOGIN_URL, {"login": "pro@example.com", "password": DEFAULT_PASSWORD})
    assert client.get(reverse("dashboard:index")).status_code == 200


@pytest.mark.parametrize("url_name", ["dashboard:index", "dashboard:profile"])
def test_anonymous_is_sent_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_password_reset_link_verifies_the_email(client, django_capture_on_commit_callbacks):
    """An account created by a professional is claimed through the reset link: no second confirmation."""
    from allauth.account.models import EmailAddress

    user = JobSeekerFactory(email="lea@example.com", verified_email=False)
    EmailAddress.objects.create(user=user, email="lea@example.com", verified=False, primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "lea@example.com"})
    run_pending_jobs()
    link = extract_link(last_email_to("lea@example.com").body, "/comptes/password/reset/key/")
    response = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    new_password = "Nouveau-mot-de-passe-2026"
    client.post(response.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})
    assert EmailAddress.objects.get(user=user).verified
    response = client.post(LOGIN_URL, {"login": "lea@example.com", "password": new_password})
    assert response["Location"] == reverse("dashboard:index")
