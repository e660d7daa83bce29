"""The public PASS IAE checker: the holder's birth date or last name with the number, throttled per IP."""

import datetime

import time_machine
from django.urls import reverse

from tests.approvals.factories import ApprovalFactory
from tests.users.factories import JobSeekerFactory

URL = reverse("approvals:verify")


def _approval():
    job_seeker = JobSeekerFactory(last_name="Zéphyrin", with_profile__birthdate=datetime.date(1990, 4, 2))
    return ApprovalFactory(job_seeker=job_seeker)


def test_the_number_alone_is_not_enough(client):
    approval = _approval()
    response = client.post(URL, {"numero": approval.number})
    assert "le numéro seul ne suffit pas" in response.text
    assert "PASS IAE authentique" not in response.text and "C. Z." not in response.text


def test_birth_date_or_last_name_opens_it(client):
    approval = _approval()
    for extra in ({"date_naissance": "1990-04-02"}, {"nom": "ZEPHYRIN"}):
        response = client.post(URL, {"numero": approval.display_number, **extra})
        assert "PASS IAE authentique" in response.text, extra


def test_a_wrong_holder_answers_like_an_unknown_number(client):
    approval = _approval()
    wrong = client.post(URL, {"numero": approval.number, "date_naissance": "1990-04-03"})
    unknown = client.post(URL, {"numero": "999990099999", "date_naissance": "1990-04-03"})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Aucun PASS IAE ne correspond" in response.text
        assert "C. Z." not in response.text and "valable du" not in response.text


def test_throttled_per_ip_with_429_in_french(client, settings):
    settings.APPROVAL_VERIFY_LIMIT_PER_IP = 3
    approval = _approval()
    with time_machine.travel(datetime.datetime(2026, 12, 7, 10, 0, 1, tzinfo=datetime.UTC), tick=False):
        for _ in range(3):
            assert (
                client.post(URL, {"numero": "999990099999", "nom": "x"}, REMOTE_ADDR="198.51.100.7").status_code == 200
            )
        response = client.post(URL, {"numero": approval.number, "nom": "Zéphyrin"}, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 429
        assert "Trop de vérifications" in response.text
        # Another visitor is not affected.
        other = client.post(URL, {"numero": approval.number, "nom": "Zéphyrin"}, REMOTE_ADDR="203.0.113.5")
        assert "PASS IAE authentique" in other.text
    # Ten minutes later, the first visitor may check again.
    with time_machine.travel(datetime.datetime(2026, 12, 7, 10, 10, 2, tzinfo=datetime.UTC), tick=False):
        response = client.post(URL, {"numero": approval.number, "nom": "Zéphyrin"}, REMOTE_ADDR="198.51.100.7")
        assert "PASS IAE authentique" in response.text


def test_showing_the_form_is_not_counted(client, settings):
    settings.APPROVAL_VERIFY_LIMIT_PER_IP = 1
    for _ in range(3):
        assert client.get(URL).status_code == 200
