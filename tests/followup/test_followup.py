"""Follow-up groups: auto-filled, joined by finding the person, seen by members only, left, ended."""

import pytest
from django.urls import reverse

from itou.companies.models import CompanyMembership
from itou.followup import services
from itou.followup.models import FollowUpMembership
from itou.job_applications import services as ja_services
from itou.prescribers.models import PrescriberMembership
from tests.helpers import freeze_time, last_email_to, run_pending_jobs
from tests.job_applications.conftest import Cast
from tests.job_applications.factories import days_from_today
from tests.www.applications.conftest import login


@pytest.fixture(autouse=True)
def _frozen_time(time_machine):
    freeze_time(time_machine)


@pytest.fixture
def cast():
    return Cast()


def members_of(job_seeker):
    return set(
        FollowUpMembership.objects.filter(job_seeker=job_seeker, is_active=True).values_list("member", flat=True)
    )


def test_prescriber_who_applies_is_in_the_group(cast):
    assert cast.prescriber.pk in members_of(cast.job_seeker)
    membership = FollowUpMembership.objects.get(member=cast.prescriber)
    assert membership.prescriber_organization == cast.job_application.sender_prescriber_organization


def test_employer_who_hires_joins_the_group(cast):
    ja_services.job_application_accept(
        acting_user=cast.employer, job_application=cast.job_application, hiring_start_at=days_from_today(1)
    )
    assert cast.employer.pk in members_of(cast.job_seeker)


def profile_nir(job_seeker):
    return job_seeker.jobseeker_profile.nir


def test_join_by_name_and_birthdate_then_see_the_prescriber(client, cast):
    login(client, cast.other_employer, CompanyMembership.objects.get(user=cast.other_employer).company)
    job_seeker = cast.job_seeker
    profile = job_seeker.jobseeker_profile
    response = client.post(
        reverse("followup:join"),
        {
            "last_name": job_seeker.last_name,
            "first_name": job_seeker.first_name,
            "birthdate": profile.birthdate.isoformat(),
            "role": "employment",
        },
    )
    assert response.status_code == 302
    group = client.get(response["Location"]).text
    assert cast.prescriber.get_full_name() in group
    assert cast.job_application.sender_prescriber_organization.name in group
    assert cast.prescriber.email in group
    assert cast.other_employer.get_full_name() in group


def test_join_by_nir(client, cast):
    nir = profile_nir(cast.job_seeker)
    if not nir:
        pytest.skip("factory job seeker without NIR")
    login(client, cast.other_prescriber, PrescriberMembership.objects.get(user=cast.other_prescriber).organization)
    response = client.post(reverse("followup:join"), {"nir": nir, "role": "social"})
    assert response.status_code == 302
    assert cast.other_prescriber.pk in members_of(cast.job_seeker)


def test_person_not_found(client, cast):
    login(client, cast.other_employer, CompanyMembership.objects.get(user=cast.other_employer).company)
    response = client.post(
        reverse("followup:join"),
        {"last_name": "Inconnu", "first_name": "Personne", "birthdate": "1990-01-01", "role": "employment"},
    )
    assert response.status_code == 200
    assert "Personne introuvable" in response.text
    response = client.post(reverse("followup:join"), {"role": "employment"})
    assert "Indiquez le numéro de sécurité sociale, ou le nom" in response.text
    response = client.post(reverse("followup:join"), {"nir": "123", "role": "employment"})
    assert "15 caractères" in response.text
    assert cast.other_employer.pk not in members_of(cast.job_seeker)


def test_group_is_seen_by_members_only(client, cast):
    url = reverse("followup:group", args=[cast.job_seeker.pk])
    login(client, cast.prescriber)
    assert client.get(url).status_code == 200
    for user in (cast.other_employer, cast.other_prescriber, cast.outsider, cast.other_job_seeker):
        login(client, user)
        assert client.get(url).status_code == 404


def test_member_leaves(client, cast):
    login(client, cast.prescriber)
    assert client.post(reverse("followup:leave", args=[cast.job_seeker.pk])).status_code == 302
    assert cast.prescriber.pk not in members_of(cast.job_seeker)
    assert client.get(reverse("followup:group", args=[cast.job_seeker.pk])).status_code == 404


def test_job_seeker_sees_and_removes_someone(client, cast, django_capture_on_commit_callbacks):
    login(client, cast.job_seeker)
    page = client.get(reverse("followup:mine")).text
    assert cast.prescriber.get_full_name() in page
    membership = FollowUpMembership.objects.get(member=cast.prescriber)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("followup:request_removal", args=[membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.is_active, membership.end_reason) == (False, "removed")
    run_pending_jobs()
    assert "ne plus figurer" in last_email_to(cast.prescriber.email).body
    # Someone else's membership: 404.
    login(client, cast.other_job_seeker)
    assert client.post(reverse("followup:request_removal", args=[membership.pk])).status_code == 404


def test_inactivity_ends_memberships_with_a_notice(cast, time_machine, django_capture_on_commit_callbacks):
    active = FollowUpMembership.objects.filter(is_active=True).count()
    assert active >= 1
    time_machine.shift(364 * 86400)
    assert services.end_inactive() == 0
    time_machine.shift(2 * 86400)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.end_inactive() == active
    assert cast.prescriber.pk not in members_of(cast.job_seeker)
    run_pending_jobs()
    assert "12 mois" in last_email_to(cast.prescriber.email).subject


def test_join_refused_without_organization(client, cast):
    login(client, cast.outsider)
    assert client.get(reverse("followup:join")).status_code == 404
    login(client, cast.job_seeker)
    assert client.get(reverse("followup:join")).status_code == 404


def test_employer_records_milestones_the_group_sees_them(client, cast):
    from itou.job_applications.models import JobApplication

    # A hire that started 40 days ago.
    ja_services.job_application_accept(
        acting_user=cast.employer, job_application=cast.job_application, hiring_start_at=days_from_today(1)
    )
    JobApplication.objects.filter(pk=cast.job_application.pk).update(hiring_start_at=days_from_today(-40))
    url = reverse("followup:group", args=[cast.job_seeker.pk])
    login(client, cast.employer, cast.company)
    data = {
        "job_application": str(cast.job_application.pk),
        "kind": "month_1",
        "date": days_from_today(-10).isoformat(),
    }
    assert client.post(url, {**data, "note": "<b>Tout va bien</b>"}).status_code == 302
    # Bad input: a date in the future, before the contract, no kind.
    page = client.post(url, {**data, "date": days_from_today(3).isoformat()}).text
    assert "La date ne peut pas être dans le futur." in page
    page = client.post(url, {**data, "date": days_from_today(-50).isoformat()}).text
    assert "La date ne peut pas précéder le début du contrat." in page
    page = client.post(url, {**data, "kind": ""}).text
    assert "Choisissez un jalon." in page
    # The prescriber, in the group, sees it (as text); they cannot record one.
    login(client, cast.prescriber)
    page = client.get(url).text
    assert "1 mois" in page and "&lt;b&gt;Tout va bien&lt;/b&gt;" in page
    assert 'name="kind"' not in page
    assert client.post(url, data).status_code == 404
    from itou.followup.models import FollowUpMilestone

    assert FollowUpMilestone.objects.count() == 1
