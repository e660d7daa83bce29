"""'Mes candidats': the diagnoses an authorized prescriber's organization made."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.companies.factories import CompanyFactory
from tests.eligibility.factories import IAEDiagnosisFactory
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory

URL = reverse("eligibility:prescriber_diagnoses")
NOW = datetime.datetime(2026, 3, 11, 11, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def member(organization):
    return organization.memberships.order_by("pk").first().user


def diagnosis_of(organization, *, expires_in: int | None = None, **kwargs):
    diagnosis = IAEDiagnosisFactory(author_prescriber_organization=organization, author=member(organization), **kwargs)
    if expires_in is not None:
        diagnosis.expires_at = timezone.localdate() + datetime.timedelta(days=expires_in)
        diagnosis.save()
    return diagnosis


def test_lists_the_organization_diagnoses_with_criteria(client, django_assert_max_num_queries):
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    mine = diagnosis_of(organization, criteria=["RSA"])
    other = IAEDiagnosisFactory(job_seeker=JobSeekerFactory(first_name="Autre", last_name="Personne"))
    client.force_login(member(organization))
    client.get(URL)
    with django_assert_max_num_queries(6):  # session, user, current organization, count, page, criteria
        response = client.get(URL)
    html = response.content.decode()
    assert mine.job_seeker.get_full_name() in html
    assert mine.administrative_criteria.get().name in html
    assert other.job_seeker.get_full_name() not in html
    for _ in range(5):
        diagnosis_of(organization, criteria=["RSA"])
    with django_assert_max_num_queries(8):
        assert client.get(URL).context["page"].paginator.count == 6


def test_expiring_filter(client):
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    soon = diagnosis_of(organization, expires_in=12)
    later = diagnosis_of(organization, expires_in=90)
    client.force_login(member(organization))
    html = client.get(URL, {"expire_bientot": "on"}).content.decode()
    assert soon.job_seeker.get_full_name() in html
    assert later.job_seeker.get_full_name() not in html
    assert "1 diagnostic" in html


def test_empty_state_says_what_to_do(client):
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    client.force_login(member(organization))
    html = client.get(URL).content.decode()
    assert "pas encore fait de diagnostic" in html


@pytest.mark.parametrize("who", ["orienteur", "employer", "job_seeker"])
def test_only_authorized_prescribers(client, who):
    if who == "orienteur":
        user = member(PrescriberOrganizationFactory(with_member=True))
    elif who == "employer":
        user = member(CompanyFactory(with_member=True))
    else:
        user = JobSeekerFactory()
    client.force_login(user)
    assert client.get(URL).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
