"""Response-time figures of the support, in the back-office."""

import datetime

from django.urls import reverse
from django.utils import timezone

from itou.support.figures import response_times
from itou.support.models import Category, Status, SupportRequest
from tests.companies.factories import login_as_staff
from tests.users.factories import JobSeekerFactory

START = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
H = datetime.timedelta(hours=1)


def request(category, *, answer=None, close=None, created=START):
    return SupportRequest.objects.create(
        category=category,
        subject="Question",
        email="personne@example.com",
        created_at=created,
        first_response_at=created + answer if answer else None,
        closed_at=created + close if close else None,
        status=Status.CLOSED if close else (Status.WAITING_FOR_USER if answer else Status.NEW),
    )


def make_requests():
    request(Category.ACCOUNT, answer=1 * H, close=2 * H)
    request(Category.ACCOUNT, answer=3 * H)
    request(Category.ACCOUNT, answer=30 * H, close=50 * H)
    request(Category.PASS)  # not answered yet
    request(Category.PASS, answer=2 * H, created=START - datetime.timedelta(days=40))  # before the period


def test_response_times_are_percentiles_of_the_period():
    make_requests()
    total, account, pass_iae = response_times(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert (total.label, total.received, total.answered, total.unanswered, total.closed) == (
        "Toutes les demandes",
        4,
        3,
        1,
        2,
    )
    assert (total.answer_median, total.answer_p90) == (3 * H, 30 * H)  # percentile_disc of 1 h, 3 h, 30 h
    assert (total.close_median, total.close_p90) == (2 * H, 50 * H)
    assert (account.label, account.received, pass_iae.received, pass_iae.answered) == (
        Category.ACCOUNT.label,
        3,
        1,
        0,
    )


def test_staff_page_and_bad_period(client):
    make_requests()
    url = reverse("admin:support_supportrequest_response_times")
    login_as_staff(client)
    response = client.get(url + "?start=2026-03-01&end=2026-03-31")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Toutes les demandes" in html and "3 h 00 min" in html and "2 j 2 h" in html
    assert "Délais de réponse" in client.get(reverse("admin:support_supportrequest_changelist")).content.decode()
    response = client.get(url + "?start=2026-03-31&end=2026-03-01")
    assert response.status_code == 200
    assert "La date de début doit précéder la date de fin." in response.content.decode()


def test_not_for_users(client):
    client.force_login(JobSeekerFactory())
    response = client.get(reverse("admin:support_supportrequest_response_times"))
    assert response.status_code == 302 and "/login/" in response["Location"]
