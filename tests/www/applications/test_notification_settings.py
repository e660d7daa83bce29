"""The member's email settings: /candidatures/recues/notifications/ (which new applications
they are told of), saved through services.notification_settings_update."""

import pytest
from django.urls import reverse

from itou.companies.models import CompanyMembership
from itou.job_applications.models import NewApplicationNotificationOptOut
from itou.job_applications.services import NOT_A_COMPANY_JOB_DESCRIPTION
from tests.companies.factories import CompanyFactory
from tests.job_applications.factories import make_job_description
from tests.www.applications.conftest import login

URL = reverse("applications:notification_settings")
# Session, user, the current organization (1), then the page's own reads: the membership,
# the job descriptions (with their ROME appellation), the member's opt-outs. Measured once
# the session is settled.
GET_QUERIES = 6
# The same reads but the opt-outs, then the service: savepoint, membership locked, the
# company's job description ids, the member's opt-outs, one DELETE, one INSERT, release.
# (One query fewer when the save has nothing to remove, or nothing to add.)
POST_QUERIES = 12


def opted_out(user, company):
    membership = CompanyMembership.objects.get(user=user, company=company)
    return set(membership.new_application_opt_outs.values_list("job_description_id", flat=True))


def checked(response):
    """The ids (or "spontanees") of the ticked boxes, in page order."""
    return [job.pk for job, is_checked in response.context["rows"] if is_checked] + (
        ["spontanees"] if response.context["spontaneous_checked"] else []
    )


@pytest.fixture
def jobs(cast):
    closed = make_job_description(cast.company, title="Cuisinier", code="40001")
    closed.is_open = False
    closed.save()
    return [closed, make_job_description(cast.company, title="Plongeur", code="40002")]


# --- access ------------------------------------------------------------------------------


def test_login_required(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_not_for_other_roles(client, cast):
    for user in (cast.job_seeker, cast.prescriber, cast.outsider):
        login(client, user)
        assert client.get(URL).status_code == 404
        assert client.post(URL, {"spontaneous": "on"}).status_code == 404
    assert not NewApplicationNotificationOptOut.objects.exists()


def test_inbox_links_to_the_settings(client, cast):
    login(client, cast.employer)
    response = client.get(reverse("applications:company_list"))
    assert f'href="{URL}"' in response.content.decode()


# --- the page ----------------------------------------------------------------------------


def test_everything_ticked_by_default_open_jobs_first(client, cast, jobs):
    closed, open_job = jobs
    login(client, cast.employer)
    response = client.get(URL)
    assert response.status_code == 200
    assert [job.pk for job, _ in response.context["rows"]] == [open_job.pk, closed.pk]
    assert checked(response) == [open_job.pk, closed.pk, "spontanees"]
    html = response.content.decode()
    assert html.count("Me prévenir par e-mail") == 3
    assert "Candidatures spontanées" in html
    assert "Recrutement fermé" in html


def test_save_then_shown_and_used(client, cast, jobs):
    closed, open_job = jobs
    login(client, cast.employer)
    response = client.post(URL, {"job_descriptions": [open_job.pk]}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert [str(message) for message in response.context["messages"]] == [
        "Vos préférences d'e-mails sont enregistrées."
    ]
    assert opted_out(cast.employer, cast.company) == {closed.pk, None}
    assert checked(response) == [open_job.pk]
    # Only the member's own settings: the colleague keeps getting everything.
    assert opted_out(cast.colleague, cast.company) == set()
    # Ticking everything again removes every opt-out.
    client.post(URL, {"job_descriptions": [open_job.pk, closed.pk], "spontaneous": "on"})
    assert opted_out(cast.employer, cast.company) == set()


def test_another_company_job_description_refused(client, cast, jobs):
    closed, open_job = jobs
    foreign = make_job_description(CompanyFactory(with_member=True), title="Ailleurs", code="40009")
    login(client, cast.employer)
    response = client.post(URL, {"job_descriptions": [open_job.pk, foreign.pk]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vos préférences n'ont pas été enregistrées" in html
    assert response.context["form"].errors == {"job_descriptions": [NOT_A_COMPANY_JOB_DESCRIPTION]}
    assert "Une des fiches de poste cochées n&#x27;appartient pas à votre structure" in html
    assert not NewApplicationNotificationOptOut.objects.exists()
    # The page shows what was submitted (spontaneous unticked), not the saved settings.
    assert checked(response) == [open_job.pk]


@pytest.mark.parametrize("value", ["abc", "", "-1"])
def test_garbage_refused(client, cast, jobs, value):
    login(client, cast.employer)
    response = client.post(URL, {"job_descriptions": [value], "spontaneous": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not NewApplicationNotificationOptOut.objects.exists()


def test_acts_for_the_current_company(client, cast, jobs):
    """A member of two employers sets each one's settings while acting for it."""
    other = CompanyFactory(with_member=cast.employer)
    other_job = make_job_description(other, title="Ailleurs", code="40010")
    login(client, cast.employer, other)
    response = client.get(URL)
    assert [job.pk for job, _ in response.context["rows"]] == [other_job.pk]
    # A job description of the first company, posted while acting for the other one: refused.
    response = client.post(URL, {"job_descriptions": [jobs[0].pk], "spontaneous": "on"})
    assert response.status_code == 200
    assert not NewApplicationNotificationOptOut.objects.exists()
    client.post(URL, {"spontaneous": "on"})
    assert opted_out(cast.employer, other) == {other_job.pk}
    assert opted_out(cast.employer, cast.company) == set()


# --- queries -----------------------------------------------------------------------------


def test_constant_queries(client, cast, django_assert_num_queries):
    """Whatever the number of job descriptions (each save below removes and adds opt-outs)."""
    job = make_job_description(cast.company, title="Poste", code="41999")
    login(client, cast.employer)
    client.post(URL, {"job_descriptions": [job.pk]})  # settles the session; opts out of spontaneous
    with django_assert_num_queries(GET_QUERIES):
        client.get(URL)
    with django_assert_num_queries(POST_QUERIES):
        client.post(URL, {"spontaneous": "on"})
    assert opted_out(cast.employer, cast.company) == {job.pk}
    jobs = [job] + [make_job_description(cast.company, title=f"Poste {i}", code=f"41{i:03d}") for i in range(12)]
    with django_assert_num_queries(GET_QUERIES):
        response = client.get(URL)
    assert len(response.context["rows"]) == 13
    with django_assert_num_queries(POST_QUERIES):
        client.post(URL, {"job_descriptions": [job.pk for job in jobs]})
    assert opted_out(cast.employer, cast.company) == {None}
    with django_assert_num_queries(POST_QUERIES):
        client.post(URL, {"job_descriptions": [job.pk for job in jobs[:3]], "spontaneous": "on"})
    assert opted_out(cast.employer, cast.company) == {job.pk for job in jobs[3:]}
