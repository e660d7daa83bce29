"""The three lists: employer inbox (filters, counters, pagination, archive), prescriber's sent
applications, job seeker's applications. Constant query counts whatever the length."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from itou.job_applications import services
from itou.job_applications.enums import JobApplicationState as S
from itou.job_applications.models import JobApplication
from tests.job_applications.factories import (
    JobApplicationFactory,
    days_from_today,
    employer_of,
    make_job_description,
)
from tests.users.factories import JobSeekerFactory, ProfessionalFactory
from tests.www.applications.conftest import login

COMPANY_LIST = reverse("applications:company_list")
COMPANY_ARCHIVE = reverse("applications:company_archive")
PRESCRIBER_LIST = reverse("applications:prescriber_list")
JOB_SEEKER_LIST = reverse("applications:job_seeker_list")

# Session, user, the current organization (one query while the session's one is still
# valid, with the number of the user's organizations), then the page's own reads: job
# descriptions (employer filter), counters per state (one GROUP BY, which also gives the
# page's total: no COUNT), page (the selected jobs' names in an array subquery). Measured
# once the session is settled (the first request after login stores the current organization).
COMPANY_LIST_QUERIES = 6
PRESCRIBER_LIST_QUERIES = 7
JOB_SEEKER_LIST_QUERIES = 5


def names(response):
    return [ja.job_seeker.get_full_name() for ja in response.context["page"].object_list]


def ids(response):
    return [ja.pk for ja in response.context["page"].object_list]


# --- access ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [COMPANY_LIST, COMPANY_ARCHIVE, PRESCRIBER_LIST, JOB_SEEKER_LIST])
def test_login_required(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_lists_answer_404_to_other_roles(client, cast):
    login(client, cast.prescriber)
    assert client.get(COMPANY_LIST).status_code == 404
    assert client.get(JOB_SEEKER_LIST).status_code == 404
    login(client, cast.employer)
    assert client.get(PRESCRIBER_LIST).status_code == 404
    login(client, cast.job_seeker)
    assert client.get(COMPANY_LIST).status_code == 404
    assert client.get(PRESCRIBER_LIST).status_code == 404
    login(client, ProfessionalFactory())  # no organization
    assert client.get(COMPANY_LIST).status_code == 404


# --- employer inbox ---------------------------------------------------------------------


def test_company_list_shows_only_the_current_company(client, cast):
    other = JobApplicationFactory()  # another employer's
    login(client, cast.employer)
    response = client.get(COMPANY_LIST)
    assert ids(response) == [cast.job_application.pk]
    assert other.job_seeker.get_full_name() not in response.content.decode()
    # The same member acting for another of their employers sees that one's applications.
    second = JobApplicationFactory(to_company__with_member=cast.employer)
    login(client, cast.employer, second.to_company)
    assert ids(client.get(COMPANY_LIST)) == [second.pk]


def test_company_list_empty(client, cast):
    login(client, cast.other_employer)
    response = client.get(COMPANY_LIST)
    assert "Aucune candidature reçue pour l'instant. Vérifiez que vos fiches de poste sont ouvertes." in (
        response.content.decode()
    )


def test_company_list_filters(client, cast):
    company = cast.company
    job = make_job_description(company)
    by_job_seeker = JobApplicationFactory(
        to_company=company, job_seeker=JobSeekerFactory(first_name="Zoé", last_name="Roux")
    )
    by_job_seeker.selected_jobs.set([job])
    by_employer = JobApplicationFactory(to_company=company, sent_by_employer=True, state=S.PROCESSING)
    old = JobApplicationFactory(to_company=company, state=S.REFUSED)
    JobApplication.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    login(client, cast.employer)

    def get(**params):
        return set(ids(client.get(COMPANY_LIST, params)))

    assert get(states=S.PROCESSING) == {by_employer.pk}
    assert get(states=[S.NEW, S.REFUSED]) == {cast.job_application.pk, by_job_seeker.pk, old.pk}
    assert get(sender_kinds="prescriber") == {cast.job_application.pk}
    assert get(sender_kinds=["job_seeker", "employer"]) == {by_job_seeker.pk, by_employer.pk, old.pk}
    assert get(job_description=job.pk) == {by_job_seeker.pk}
    assert get(job_description="spontanee") == {cast.job_application.pk, by_employer.pk, old.pk}
    assert get(job_seeker="roux zo") == {by_job_seeker.pk}
    assert get(start_date=(timezone.localdate() - datetime.timedelta(days=1)).isoformat()) == {
        cast.job_application.pk,
        by_job_seeker.pk,
        by_employer.pk,
    }
    assert get(end_date=(timezone.localdate() - datetime.timedelta(days=30)).isoformat()) == {old.pk}
    # Bad values are ignored: the whole list.
    assert len(get(states="nope", start_date="hier", job_description="999999")) == 4


def test_company_list_counters_on_the_filtered_set(client, cast):
    JobApplicationFactory(to_company=cast.company, state=S.PROCESSING)
    JobApplicationFactory(to_company=cast.company, state=S.PROCESSING, sent_by_employer=True)
    login(client, cast.employer)
    response = client.get(COMPANY_LIST, {"states": S.NEW})
    content = response.content.decode()
    assert "Nouvelle candidature (1)" in content
    assert "Candidature à l&#x27;étude (2)" in content  # counters ignore the state filter itself
    assert "1 candidature sur 3 correspondant aux filtres" in content
    response = client.get(COMPANY_LIST, {"sender_kinds": "employer"})
    assert "Candidature à l&#x27;étude (1)" in response.content.decode()


def test_company_list_sort_and_pagination(client, cast):
    company = cast.company
    for days in range(1, 25):
        ja = JobApplicationFactory(to_company=company)
        JobApplication.objects.filter(pk=ja.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))
    login(client, cast.employer)
    first_page = client.get(COMPANY_LIST)
    assert len(ids(first_page)) == 20
    assert ids(first_page)[0] == cast.job_application.pk  # newest first
    second_page = client.get(COMPANY_LIST, {"page": 2})
    assert len(ids(second_page)) == 5
    oldest = client.get(COMPANY_LIST, {"sort": "oldest"})
    assert ids(oldest)[-1] != cast.job_application.pk and ids(oldest)[0] == ids(second_page)[-1]
    # Filters stay in the pagination links.
    filtered = client.get(COMPANY_LIST, {"states": S.NEW, "sort": "oldest"})
    assert "?states=new&amp;sort=oldest&amp;page=2" in filtered.content.decode()


def test_company_list_archive(client):
    refused = JobApplicationFactory(state=S.REFUSED)
    employer = employer_of(refused)
    services.job_application_archive(acting_user=employer, job_application=refused)
    pending = JobApplicationFactory(to_company=refused.to_company)
    login(client, employer)
    assert ids(client.get(COMPANY_LIST)) == [pending.pk]
    response = client.get(COMPANY_ARCHIVE)
    assert ids(response) == [refused.pk]
    # The archive offers "Désarchiver", not "Archiver".
    actions = [value for value, _label in response.context["batch_actions"]]
    assert "unarchive" in actions and "archive" not in actions


def _fill(company, count):
    for index in range(count):
        kwargs = [{}, {"sent_by_prescriber": True}, {"sent_by_employer": True}][index % 3]
        ja = JobApplicationFactory(to_company=company, state=[S.NEW, S.REFUSED, S.ACCEPTED][index % 3], **kwargs)
        ja.selected_jobs.set([make_job_description(company, code=f"1{index:04d}")])


def test_company_list_constant_queries(client, cast, django_assert_num_queries):
    login(client, cast.employer)
    client.get(COMPANY_LIST)
    with django_assert_num_queries(COMPANY_LIST_QUERIES):
        client.get(COMPANY_LIST, {"states": S.NEW, "job_seeker": cast.job_seeker.last_name})
    _fill(cast.company, 24)
    with django_assert_num_queries(COMPANY_LIST_QUERIES):
        response = client.get(COMPANY_LIST)
    assert len(ids(response)) == 20
    with django_assert_num_queries(COMPANY_LIST_QUERIES):
        client.get(COMPANY_LIST, {"page": 2, "sort": "oldest"})


def test_company_list_pages_follow_the_state_filter(client, cast):
    """The total (no COUNT query) comes from the per-state counts: pages must agree with it."""
    login(client, cast.employer)
    _fill(cast.company, 75)  # 25 new, 25 refused, 25 accepted (+ the cast's own)
    expected_new = cast.company.received_job_applications.filter(state=S.NEW, archived_at__isnull=True).count()
    assert expected_new > 20
    response = client.get(COMPANY_LIST, {"states": S.NEW})
    paginator = response.context["page"].paginator
    assert (paginator.count, paginator.num_pages) == (expected_new, 2)
    seen = ids(response) + ids(client.get(COMPANY_LIST, {"states": S.NEW, "page": 2}))
    assert len(seen) == len(set(seen)) == expected_new


def test_company_list_name_search_pages_counts_and_order(client, cast, django_assert_num_queries):
    """A name search reads the applications once (ids and states), then the page by id:
    same rows, order, pages and counters as the other filters."""
    company = cast.company
    for index in range(30):
        name = "Martinez" if index % 3 else "Dupont"
        ja = JobApplicationFactory(
            to_company=company,
            state=[S.NEW, S.PROCESSING][index % 2],
            job_seeker=JobSeekerFactory(first_name="Léa", last_name=name),
        )
        JobApplication.objects.filter(pk=ja.pk).update(created_at=timezone.now() - datetime.timedelta(hours=index))
    login(client, cast.employer)
    client.get(COMPANY_LIST)  # the first page of a session records the visit
    matching = company.received_job_applications.filter(
        archived_at__isnull=True, job_seeker__last_name__icontains="martin"
    )
    for params, states in [({}, None), ({"states": S.NEW}, [S.NEW])]:
        expected = list(
            (matching.filter(state__in=states) if states else matching)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
        )
        assert len(expected) >= 10
        query = {"job_seeker": "MARTIN", "sort": "oldest", **params}
        with django_assert_num_queries(COMPANY_LIST_QUERIES):
            response = client.get(COMPANY_LIST, query)
        seen = ids(response)
        if response.context["page"].has_next():
            seen += ids(client.get(COMPANY_LIST, {**query, "page": 2}))
        assert seen == expected
        assert response.context["page"].paginator.count == len(expected)
        content = response.content.decode()
        assert f"Nouvelle candidature ({matching.filter(state=S.NEW).count()})" in content
        assert f"Candidature à l&#x27;étude ({matching.filter(state=S.PROCESSING).count()})" in content


# --- prescriber's sent applications -----------------------------------------------------


def test_prescriber_list(client, cast):
    organization = cast.job_application.sender_prescriber_organization
    refused = JobApplicationFactory(
        sent_by_prescriber=True,
        sender_prescriber_organization=organization,
        sender=cast.prescriber,
        state=S.REFUSED,
        refusal_reason="not_mobile",
        refusal_reason_shared_with_job_seeker=False,
    )
    JobApplicationFactory(sent_by_prescriber=True)  # another organization's
    login(client, cast.prescriber)
    response = client.get(PRESCRIBER_LIST)
    assert set(ids(response)) == {cast.job_application.pk, refused.pk}
    # The refusal reason is shown to the prescriber, shared with the job seeker or not.
    assert "Motif : Le candidat n&#x27;est pas mobile" in response.content.decode()
    assert set(ids(client.get(PRESCRIBER_LIST, {"states": S.REFUSED}))) == {refused.pk}
    login(client, cast.other_prescriber)
    assert ids(client.get(PRESCRIBER_LIST)) == []


def test_prescriber_list_constant_queries(client, cast, django_assert_num_queries):
    organization = cast.job_application.sender_prescriber_organization
    login(client, cast.prescriber)
    client.get(PRESCRIBER_LIST)
    with django_assert_num_queries(PRESCRIBER_LIST_QUERIES):
        client.get(PRESCRIBER_LIST)
    for state in [S.NEW, S.ACCEPTED, S.REFUSED] * 8:
        ja = JobApplicationFactory(
            sent_by_prescriber=True, sender_prescriber_organization=organization, sender=cast.prescriber, state=state
        )
        ja.selected_jobs.set([make_job_description(ja.to_company, code=f"2{ja.pk.int % 10000:04d}")])
    with django_assert_num_queries(PRESCRIBER_LIST_QUERIES):
        response = client.get(PRESCRIBER_LIST)
    assert len(ids(response)) == 20


# --- job seeker's applications ----------------------------------------------------------


def test_job_seeker_list(client, cast):
    accepted = JobApplicationFactory(job_seeker=cast.job_seeker, state=S.ACCEPTED)
    JobApplication.objects.filter(pk=accepted.pk).update(hiring_start_at=datetime.date(timezone.localdate().year, 3, 3))
    refused = JobApplicationFactory(
        job_seeker=cast.job_seeker,
        state=S.REFUSED,
        refusal_reason="no_position",
        refusal_reason_shared_with_job_seeker=True,
    )
    hidden = JobApplicationFactory(
        job_seeker=cast.job_seeker,
        state=S.REFUSED,
        refusal_reason="incompatible",
        refusal_reason_shared_with_job_seeker=False,
    )
    JobApplicationFactory()  # someone else's
    login(client, cast.job_seeker)
    response = client.get(JOB_SEEKER_LIST)
    assert set(ids(response)) == {cast.job_application.pk, accepted.pk, refused.pk, hidden.pk}
    content = response.content.decode()
    assert "Candidature acceptée — le contrat" in content and "le 3 mars" in content
    assert "Candidature déclinée — motif : Pas de recrutement en cours." in content
    assert "freins" not in content  # the reason not shared
    assert "Candidature déclinée — vous pouvez postuler auprès d&#x27;autres employeurs." in content
    assert "l&#x27;employeur ne l&#x27;a pas encore étudiée" in content


def test_job_seeker_list_constant_queries(client, django_assert_num_queries):
    job_seeker = JobSeekerFactory()
    JobApplicationFactory(job_seeker=job_seeker)
    login(client, job_seeker)
    with django_assert_num_queries(JOB_SEEKER_LIST_QUERIES):
        client.get(JOB_SEEKER_LIST)
    for _ in range(22):
        ja = JobApplicationFactory(job_seeker=job_seeker, sent_by_prescriber=True)
        ja.selected_jobs.set([make_job_description(ja.to_company, code=f"3{ja.pk.int % 10000:04d}")])
    with django_assert_num_queries(JOB_SEEKER_LIST_QUERIES):
        response = client.get(JOB_SEEKER_LIST)
    assert len(ids(response)) == 20


def test_accepted_sentence_future_and_past():
    from itou.www.applications.display import job_seeker_status

    ja = JobApplication(state=S.ACCEPTED, hiring_start_at=datetime.date(2026, 3, 3))
    assert (
        job_seeker_status(ja, today=datetime.date(2026, 2, 1))
        == "Candidature acceptée — le contrat commence le 3 mars."
    )
    ja.hiring_end_at = datetime.date(2027, 3, 2)
    assert job_seeker_status(ja, today=datetime.date(2026, 4, 1)) == (
        "Candidature acceptée — le contrat a commencé le 3 mars et se termine le 2 mars 2027."
    )
    assert days_from_today(0) == timezone.localdate()


def test_company_list_cards_escape_names_and_link_each_application(client, cast):
    """The cards are built in Python (job_application_tags.company_application_cards): what a
    person typed is escaped, and each card links to its own application."""
    application = JobApplicationFactory(
        to_company=cast.company, job_seeker=JobSeekerFactory(first_name="<b>Zoé</b>", last_name='O"Hara & co')
    )
    login(client, cast.employer)
    content = client.get(COMPANY_LIST).content.decode()
    assert "<b>Zoé" not in content
    assert "&lt;b&gt;Zoé&lt;/b&gt;" in content and "&lt;b&gt;Zoé&lt;/b&gt; O&quot;HARA &amp; CO</a>" in content
    for job_application in (application, cast.job_application):
        detail = reverse("applications:detail", args=[job_application.pk])
        assert f'href="{detail}"' in content
        assert f'id="select-{job_application.pk}" name="ids" value="{job_application.pk}"' in content
