"""The creation emails (`job_application_notify_created`, called by the apply flow)."""

import functools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from itou.companies.models import CompanyMembership
from itou.job_applications.models import NewApplicationNotificationOptOut
from itou.job_applications.notifications import _new_application_recipients, job_application_notify_created
from itou.job_applications.services import NOT_A_COMPANY_JOB_DESCRIPTION, notification_settings_update
from itou.notifications.models import SentEmail
from itou.www.applications.display import de
from tests.companies.factories import CompanyMembershipFactory
from tests.helpers import last_email_to, run_pending_jobs
from tests.job_applications.factories import JobApplicationFactory, employer_of, make_job_description
from tests.users.factories import JobSeekerFactory

PREFIX = "[Les emplois de l'inclusion] "


def subjects_to(user):
    """The subjects of the emails sent to `user`, without the service's prefix (checked here)."""
    subjects = [email.subject for email in SentEmail.objects.filter(to__contains=[user.email])]
    assert all(subject.startswith(PREFIX) for subject in subjects), subjects
    return [subject.removeprefix(PREFIX) for subject in subjects]


def notify(job_application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job_application_notify_created(job_application)
    run_pending_jobs()


def test_sent_by_a_prescriber(django_capture_on_commit_callbacks):
    job_application = JobApplicationFactory(sent_by_prescriber=True)
    job_application.selected_jobs.set([make_job_description(job_application.to_company)])
    colleague = CompanyMembershipFactory(company=job_application.to_company).user
    gone = CompanyMembershipFactory(company=job_application.to_company, is_active=False).user
    notify(job_application, django_capture_on_commit_callbacks)
    name, company = job_application.job_seeker.get_full_name(), job_application.to_company.display_name
    for member in (employer_of(job_application), colleague):
        # "de Léa MARTIN", "d'Emmanuelle DURAND": French elision (display.de).
        assert subjects_to(member) == [f"Nouvelle candidature {de(name)}"]
    assert subjects_to(gone) == []
    email = last_email_to(colleague.email)
    assert job_application.sender_prescriber_organization.name in email.body
    assert "Poste : Maraîcher / Maraîchère" in email.body
    assert f"/candidatures/{job_application.pk}/" in email.body
    assert subjects_to(job_application.sender) == [f"Candidature {de(name)} envoyée à {company}"]
    assert subjects_to(job_application.job_seeker) == [f"Une candidature a été envoyée pour vous à {company}"]


def test_sent_by_the_job_seeker(django_capture_on_commit_callbacks):
    job_application = JobApplicationFactory()
    notify(job_application, django_capture_on_commit_callbacks)
    company = job_application.to_company.display_name
    assert subjects_to(job_application.job_seeker) == [f"Votre candidature a bien été envoyée à {company}"]
    assert "Candidature spontanée" in last_email_to(job_application.job_seeker.email).body
    assert len(subjects_to(employer_of(job_application))) == 1


def test_auto_prescription(django_capture_on_commit_callbacks):
    job_application = JobApplicationFactory(sent_by_employer=True)
    colleague = CompanyMembershipFactory(company=job_application.to_company).user
    notify(job_application, django_capture_on_commit_callbacks)
    assert subjects_to(job_application.sender) == []  # the employer who did it
    assert len(subjects_to(colleague)) == 1
    assert "auto-prescription" in last_email_to(colleague.email).body
    assert len(subjects_to(job_application.job_seeker)) == 1


def test_job_seeker_without_email(django_capture_on_commit_callbacks):
    job_application = JobApplicationFactory(sent_by_prescriber=True, job_seeker=JobSeekerFactory(email=None))
    notify(job_application, django_capture_on_commit_callbacks)
    assert SentEmail.objects.count() == 2  # the employer and the prescriber


# --- Who is told of a new application (NewApplicationNotificationOptOut) ------------------


def opt_out(user, company, *job_descriptions, spontaneous=False):
    membership = CompanyMembership.objects.get(user=user, company=company)
    rows = [NewApplicationNotificationOptOut(membership=membership, job_description=job) for job in job_descriptions]
    if spontaneous:
        rows.append(NewApplicationNotificationOptOut(membership=membership, job_description=None))
    NewApplicationNotificationOptOut.objects.bulk_create(rows)


def test_opt_outs_per_job_description(django_capture_on_commit_callbacks):
    job_application = JobApplicationFactory(sent_by_prescriber=True)
    company = job_application.to_company
    first, second = make_job_description(company), make_job_description(company, title="Cuisinier", code="12345")
    other = make_job_description(company, title="Plongeur", code="12346")
    job_application.selected_jobs.set([first, second])
    owner = employer_of(job_application)  # no opt-out: told of everything
    one_of_two = CompanyMembershipFactory(company=company).user
    both = CompanyMembershipFactory(company=company).user
    elsewhere = CompanyMembershipFactory(company=company).user
    spontaneous_only = CompanyMembershipFactory(company=company).user
    opt_out(one_of_two, company, first)
    opt_out(both, company, first, second)
    opt_out(elsewhere, company, other)
    opt_out(spontaneous_only, company, spontaneous=True)
    # The same user's opt-outs in another company do not count here.
    another = CompanyMembershipFactory(user=owner).company
    NewApplicationNotificationOptOut.objects.create(
        membership=CompanyMembership.objects.get(user=owner, company=another),
        job_description=make_job_description(another, title="Autre", code="12347"),
    )
    notify(job_application, django_capture_on_commit_callbacks)
    subject = f"Nouvelle candidature {de(job_application.job_seeker.get_full_name())}"
    for member in (owner, one_of_two, elsewhere, spontaneous_only):
        assert subjects_to(member) == [subject], member
    assert subjects_to(both) == []
    # The sender and the job seeker are told whatever the employer's settings.
    assert len(subjects_to(job_application.sender)) == 1
    assert len(subjects_to(job_application.job_seeker)) == 1


def test_opt_outs_of_spontaneous_applications(django_capture_on_commit_callbacks):
    job_application = JobApplicationFactory(sent_by_prescriber=True)  # no job description: spontaneous
    company = job_application.to_company
    owner = employer_of(job_application)
    no_spontaneous = CompanyMembershipFactory(company=company).user
    every_job = CompanyMembershipFactory(company=company).user
    opt_out(no_spontaneous, company, spontaneous=True)
    opt_out(every_job, company, make_job_description(company))
    notify(job_application, django_capture_on_commit_callbacks)
    assert len(subjects_to(owner)) == 1
    assert len(subjects_to(every_job)) == 1
    assert subjects_to(no_spontaneous) == []


def test_opt_outs_with_auto_prescription(django_capture_on_commit_callbacks):
    job_application = JobApplicationFactory(sent_by_employer=True)
    company = job_application.to_company
    job = make_job_description(company)
    job_application.selected_jobs.set([job])
    colleague = CompanyMembershipFactory(company=company).user
    opted_out = CompanyMembershipFactory(company=company).user
    opt_out(opted_out, company, job)
    notify(job_application, django_capture_on_commit_callbacks)
    assert subjects_to(job_application.sender) == []
    assert len(subjects_to(colleague)) == 1
    assert subjects_to(opted_out) == []


def test_recipients_in_one_query(django_assert_num_queries):
    job_application = JobApplicationFactory(sent_by_prescriber=True)
    company = job_application.to_company
    jobs = [make_job_description(company, title=f"Poste {i}", code=f"2000{i}") for i in range(3)]
    members = [CompanyMembershipFactory(company=company).user for _ in range(6)]
    for member in members[:3]:
        opt_out(member, company, *jobs[:2], spontaneous=True)
    for member in members[3:]:
        opt_out(member, company, *jobs)
    with django_assert_num_queries(1):
        told = _new_application_recipients(company.pk, job_description_ids=[job.pk for job in jobs])
    assert told == [employer_of(job_application), *members[:3]]
    with django_assert_num_queries(1):
        told = _new_application_recipients(company.pk, job_description_ids=[])
    assert told == [employer_of(job_application), *members[3:]]


def test_transfer_arrives_as_spontaneous(django_capture_on_commit_callbacks):
    from itou.job_applications.services import job_application_transfer

    job_application = JobApplicationFactory(sent_by_prescriber=True)
    job_application.selected_jobs.set([make_job_description(job_application.to_company)])
    employer = employer_of(job_application)
    second = CompanyMembershipFactory(user=employer).company
    told = CompanyMembershipFactory(company=second).user
    not_told = CompanyMembershipFactory(company=second).user
    opt_out(not_told, second, spontaneous=True)
    with django_capture_on_commit_callbacks(execute=True):
        job_application_transfer(acting_user=employer, job_application=job_application, to_company=second)
    run_pending_jobs()
    name = job_application.job_seeker.get_full_name()
    assert subjects_to(told) == [f"Candidature transférée : {name}"]
    assert subjects_to(not_told) == []


def test_one_opt_out_per_member_and_job_description():
    job_application = JobApplicationFactory()
    company = job_application.to_company
    membership = CompanyMembership.objects.get(company=company)
    job = make_job_description(company)
    NewApplicationNotificationOptOut.objects.create(membership=membership, job_description=job)
    NewApplicationNotificationOptOut.objects.create(membership=membership, job_description=None)
    for job_description in (job, None):
        with pytest.raises(IntegrityError), transaction.atomic():
            NewApplicationNotificationOptOut.objects.create(membership=membership, job_description=job_description)


# --- The settings service (notification_settings_update) ----------------------------------


def _settings_case():
    job_application = JobApplicationFactory()
    company = job_application.to_company
    membership = CompanyMembership.objects.get(company=company)
    jobs = [make_job_description(company, title=f"Poste {i}", code=f"3000{i}") for i in range(3)]
    return membership, jobs


def _opted_out(membership):
    return set(membership.new_application_opt_outs.values_list("job_description_id", flat=True))


def test_settings_update_writes_opt_outs():
    membership, jobs = _settings_case()
    update = functools.partial(notification_settings_update, acting_user=membership.user, membership=membership)
    update(notified_job_description_ids=[jobs[0].pk], spontaneous=False)
    assert _opted_out(membership) == {jobs[1].pk, jobs[2].pk, None}
    kept = membership.new_application_opt_outs.get(job_description=jobs[2])
    update(notified_job_description_ids=[jobs[0].pk, jobs[1].pk], spontaneous=True)
    assert _opted_out(membership) == {jobs[2].pk}
    assert membership.new_application_opt_outs.get() == kept  # unchanged rows stay as they are
    update(notified_job_description_ids=[job.pk for job in jobs], spontaneous=True)
    assert _opted_out(membership) == set()


def test_settings_update_refuses_another_company_job_description():
    membership, jobs = _settings_case()
    foreign = make_job_description(CompanyMembershipFactory().company, title="Ailleurs", code="30009")
    notification_settings_update(
        acting_user=membership.user, membership=membership, notified_job_description_ids=[], spontaneous=True
    )
    before = _opted_out(membership)
    with pytest.raises(ValidationError) as excinfo:
        notification_settings_update(
            acting_user=membership.user,
            membership=membership,
            notified_job_description_ids=[jobs[0].pk, foreign.pk],
            spontaneous=False,
        )
    assert excinfo.value.message_dict == {"job_descriptions": [NOT_A_COMPANY_JOB_DESCRIPTION]}
    assert _opted_out(membership) == before


@pytest.mark.parametrize("who", ["colleague", "inactive"])
def test_settings_update_only_by_the_member(who):
    membership, jobs = _settings_case()
    acting_user = membership.user
    if who == "colleague":
        acting_user = CompanyMembershipFactory(company=membership.company).user
    else:
        CompanyMembership.objects.filter(pk=membership.pk).update(is_active=False)
    with pytest.raises(PermissionDenied):
        notification_settings_update(
            acting_user=acting_user, membership=membership, notified_job_description_ids=[], spontaneous=False
        )
    assert _opted_out(membership) == set()
