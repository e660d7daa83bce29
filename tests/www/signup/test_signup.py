import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from itou.notifications.models import SentEmail
from itou.users.enums import UserKind
from itou.users.models import JobSeekerProfile, User
from tests.helpers import extract_link, last_email_to, pending_job_count, run_pending_jobs
from tests.users.factories import JobSeekerFactory, nir_for

SIGNUP_URL = reverse("account_signup")
PASSWORD = "Un-mot-de-passe-solide-2026"


def signup_data(**overrides):
    data = {
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "camille.martin@example.com",
        "birthdate": "1991-03-14",
        "nir": nir_for(4242, sex="2", year=91, month=3),
        "lack_of_nir_reason": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def test_signup_page_is_french_and_labelled(client):
    response = client.get(SIGNUP_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Créer mon compte candidat" in html
    for field in ("first_name", "last_name", "email", "birthdate", "nir", "password1", "password2"):
        assert f'for="id_{field}"' in html, field


def test_signup_creates_job_seeker_profile_and_sends_verification_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP_URL, signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")

    user = User.objects.get(email="camille.martin@example.com")
    assert user.kind == UserKind.JOB_SEEKER
    assert (user.first_name, user.last_name) == ("Camille", "Martin")
    assert user.jobseeker_profile.nir == nir_for(4242, sex="2", year=91, month=3)
    assert str(user.jobseeker_profile.birthdate) == "1991-03-14"
    assert not EmailAddress.objects.get(user=user).verified

    # The email is a job in the queue, delivered by the worker.
    assert SentEmail.objects.count() == 0
    assert pending_job_count() == 1
    assert run_pending_jobs() == 1
    email = last_email_to("camille.martin@example.com")
    assert "Confirmez" in email.subject or "Confirm" not in email.subject
    link = extract_link(email.body, "/comptes/confirm-email/")

    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200
    response = client.post("/" + path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    assert "Bonjour Camille" in response.content.decode()


def test_signup_without_nir_needs_a_reason(client):
    response = client.post(SIGNUP_URL, signup_data(nir=""))
    assert response.status_code == 200
    assert "choisissez ci-dessous la raison" in response.content.decode()
    assert not User.objects.exists()

    response = client.post(SIGNUP_URL, signup_data(nir="", lack_of_nir_reason="NO_NIR"))
    assert response.status_code == 302
    assert JobSeekerProfile.objects.get().lack_of_nir_reason == "NO_NIR"


@pytest.mark.parametrize(
    "nir,message",
    [
        ("1 91 03 69 123 456 00", "la clé est les 2 derniers"),
        ("1910369", "doit comporter 15 caractères"),
        ("ABCDEFGHIJKLMNO", "n&#x27;est pas valide"),
    ],
)
def test_signup_with_invalid_nir_saves_nothing(client, nir, message):
    response = client.post(SIGNUP_URL, signup_data(nir=nir))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()
    assert pending_job_count() == 0


def test_signup_with_nir_of_another_account(client):
    JobSeekerFactory(with_profile__nir=nir_for(7))
    existing = JobSeekerProfile.objects.get()
    response = client.post(SIGNUP_URL, signup_data(nir=existing.nir))
    # Not told on screen (account enumeration, tests/security/test_accounts.py): by email.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.count() == 1


def test_signup_with_email_already_taken_any_case(client):
    JobSeekerFactory(email="camille.martin@example.com")
    response = client.post(SIGNUP_URL, signup_data(email="Camille.MARTIN@example.com"))
    # Not told on screen (account enumeration, tests/security/test_accounts.py): by email.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.count() == 1


def test_signup_with_mismatched_passwords(client):
    response = client.post(SIGNUP_URL, signup_data(password2="autre-chose-2026"))
    assert response.status_code == 200
    assert "Vous devez saisir deux fois le même mot de passe." in response.content.decode()
    assert not User.objects.exists()
