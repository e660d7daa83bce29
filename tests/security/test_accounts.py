"""Login throttling (429, per account and IP pair, behind a proxy) and no account enumeration."""

from html import unescape

import pytest
from django.urls import reverse

from itou.notifications.models import SentEmail
from itou.users.models import User
from tests.helpers import last_email_to, run_pending_jobs
from tests.users.factories import DEFAULT_PASSWORD, JobSeekerFactory, nir_for

LOGIN_URL = reverse("account_login")
WRONG = "mauvais-mot-de-passe"


def login(client, email, password, ip="203.0.113.10", **headers):
    return client.post(LOGIN_URL, {"login": email, "password": password}, REMOTE_ADDR=ip, **headers)


def test_too_many_failures_answer_429_in_french(client):
    JobSeekerFactory(email="lea@example.com")
    for _ in range(5):
        assert login(client, "lea@example.com", WRONG).status_code == 200
    response = login(client, "lea@example.com", DEFAULT_PASSWORD)
    assert response.status_code == 429
    html = unescape(response.content.decode())
    assert "Trop de tentatives de connexion échouées" in html
    assert "Mot de passe oublié ?" in html
    assert "_auth_user_id" not in client.session


def test_an_attacker_elsewhere_cannot_lock_the_person_out(client):
    user = JobSeekerFactory(email="lea@example.com")
    for _ in range(6):
        login(client, "lea@example.com", WRONG, ip="198.51.100.66")
    assert login(client, "lea@example.com", DEFAULT_PASSWORD, ip="198.51.100.66").status_code == 429
    # The person, from their own address, still logs in.
    response = login(client, "lea@example.com", DEFAULT_PASSWORD, ip="203.0.113.10")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_one_address_guessing_many_accounts_is_stopped(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "5/5m/key,3/5m/ip"}
    for n in range(3):
        JobSeekerFactory(email=f"p{n}@example.com")
        assert login(client, f"p{n}@example.com", WRONG).status_code == 200
    assert login(client, "p0@example.com", DEFAULT_PASSWORD).status_code == 429


def test_per_ip_limits_use_the_trusted_proxy_header(client, settings):
    """Behind a load balancer every request comes from its address: the header it sets decides."""
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    JobSeekerFactory(email="lea@example.com")
    for _ in range(6):
        login(client, "lea@example.com", WRONG, ip="10.0.0.1", HTTP_X_REAL_IP="198.51.100.66")
    assert (
        login(client, "lea@example.com", DEFAULT_PASSWORD, ip="10.0.0.1", HTTP_X_REAL_IP="198.51.100.66").status_code
        == 429
    )
    response = login(client, "lea@example.com", DEFAULT_PASSWORD, ip="10.0.0.1", HTTP_X_REAL_IP="203.0.113.10")
    assert response.status_code == 302


def test_proxy_count_reads_x_forwarded_for(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    JobSeekerFactory(email="lea@example.com")
    for _ in range(6):
        login(client, "lea@example.com", WRONG, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert (
        login(client, "lea@example.com", WRONG, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66").status_code == 429
    )
    # A spoofed first entry does not help: only the one our proxy appended counts.
    response = login(
        client, "lea@example.com", DEFAULT_PASSWORD, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"
    )
    assert response.status_code == 302


# ---------------------------------------------------------------------------------------
# Account enumeration: the same answer for a known and an unknown email; the email tells
# ---------------------------------------------------------------------------------------


def _visible(response) -> tuple:
    """What the browser sees, with the address typed taken out."""
    return response.status_code, response.get("Location")


def test_password_reset_same_answer(client, django_capture_on_commit_callbacks):
    JobSeekerFactory(email="lea@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("account_reset_password"), {"email": "lea@example.com"})
        unknown = client.post(reverse("account_reset_password"), {"email": "personne@example.com"})
    assert _visible(known) == _visible(unknown) == (302, reverse("account_reset_password_done"))
    run_pending_jobs()
    assert "/comptes/password/reset/key/" in last_email_to("lea@example.com").body
    assert "aucun compte ne lui est associé" in last_email_to("personne@example.com").body


def test_login_code_same_answer(client, django_capture_on_commit_callbacks):
    JobSeekerFactory(email="lea@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("account_request_login_code"), {"email": "lea@example.com"})
    client.cookies.clear()
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(reverse("account_request_login_code"), {"email": "personne@example.com"})
    assert _visible(known) == _visible(unknown)
    assert known.status_code == 302
    run_pending_jobs()
    assert last_email_to("lea@example.com").subject.endswith("Votre code de connexion")
    assert "aucun compte ne lui est associé" in last_email_to("personne@example.com").body


SIGNUP = {
    "first_name": "Camille",
    "last_name": "Martin",
    "birthdate": "1991-03-14",
    "lack_of_nir_reason": "",
    "password1": "Un-mot-de-passe-solide-2026",
    "password2": "Un-mot-de-passe-solide-2026",
}


@pytest.mark.parametrize("taken", ["email", "nir"])
def test_signup_same_answer_for_a_taken_email_or_nir(client, django_capture_on_commit_callbacks, taken):
    existing = JobSeekerFactory(email="camille.martin@example.com", with_profile__nir=nir_for(4242))
    with django_capture_on_commit_callbacks(execute=True):
        fresh = client.post(reverse("account_signup"), SIGNUP | {"email": "nouveau@example.com", "nir": nir_for(5353)})
    client.logout()
    client.cookies.clear()
    data = SIGNUP | (
        {"email": "CAMILLE.martin@example.com", "nir": nir_for(6464)}
        if taken == "email"
        else {"email": "autre@example.com", "nir": existing.jobseeker_profile.nir}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), data)
    assert _visible(response) == _visible(fresh) == (302, reverse("account_email_verification_sent"))
    assert User.objects.filter(email__in=["camille.martin@example.com", "autre@example.com"]).count() == 1
    run_pending_jobs()
    if taken == "email":
        body = last_email_to("camille.martin@example.com").body
        assert "un compte existe déjà avec cette adresse" in body
    else:
        body = last_email_to("autre@example.com").body
        assert "déjà celui d'un autre compte" in body
        assert existing.email not in body
    assert SentEmail.objects.filter(to__contains=["nouveau@example.com"]).exists()


def test_professional_signup_same_answer(client, django_capture_on_commit_callbacks):
    from itou.invitations.models import JoinRequest
    from tests.prescribers.factories import PrescriberOrganizationFactory
    from tests.users.factories import ProfessionalFactory
    from tests.www.signup.test_pro_signup import account_data

    ProfessionalFactory(email="deja@example.com")
    organization = PrescriberOrganizationFactory(with_member=True)
    url = reverse("signup:prescriber_join", args=[organization.pk])
    with django_capture_on_commit_callbacks(execute=True):
        fresh = client.post(url, account_data(email="nouveau.pro@example.com"))
    client.logout()
    client.cookies.clear()
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(url, account_data(email="DEJA@example.com"))
    assert _visible(taken) == _visible(fresh) == (302, reverse("account_email_verification_sent"))
    assert not JoinRequest.objects.filter(user__email="deja@example.com").exists()
    run_pending_jobs()
    assert "un compte existe déjà avec cette adresse" in last_email_to("deja@example.com").body
