"""The daily jobs: reminders after 3 weeks, automatic refusal after 60 days, archiving after 180."""

import datetime

import pytest
from django.utils import timezone
from procrastinate.contrib.django import app

from itou.job_applications import tasks
from itou.job_applications.enums import JobApplicationState as S
from itou.job_applications.models import AUTO_ARCHIVE_AFTER, AUTO_REFUSE_AFTER, IDLE_REMINDER_AFTER, JobApplication
from itou.notifications.models import SentEmail
from tests.companies.factories import CompanyMembershipFactory
from tests.helpers import last_email_to, run_pending_jobs
from tests.job_applications.factories import JobApplicationFactory, employer_of

NOW = timezone.now()
SECOND = datetime.timedelta(seconds=1)

PREFIX = "[Les emplois de l'inclusion] "


def idle(job_application, delta):
    JobApplication.objects.filter(pk=job_application.pk).update(updated_at=NOW - delta)
    job_application.refresh_from_db()
    return job_application


def test_tasks_are_periodic():
    for name in ("remind_idle_job_applications", "refuse_idle_job_applications", "archive_untouched_job_applications"):
        assert name in app.tasks
    periodic = {task.task.name for task in app.periodic_registry.periodic_tasks.values()}
    assert {"remind_idle_job_applications", "refuse_idle_job_applications"} <= periodic


# --- reminders ---------------------------------------------------------------------------


def test_reminder_boundary(django_capture_on_commit_callbacks):
    due = idle(JobApplicationFactory(sent_by_prescriber=True), IDLE_REMINDER_AFTER)
    not_yet = idle(JobApplicationFactory(sent_by_prescriber=True), IDLE_REMINDER_AFTER - SECOND)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_idle_job_applications(now=NOW) == 1
    run_pending_jobs()
    email = last_email_to(employer_of(due).email)
    assert email.subject == PREFIX + "1 candidature attend votre réponse"
    assert due.job_seeker.get_full_name() in email.body
    assert f"/candidatures/{due.pk}/" in email.body
    assert "60 jours" in email.body
    prescriber_email = last_email_to(due.sender.email)
    assert prescriber_email.subject == PREFIX + "1 candidature sans réponse depuis 3 semaines"
    assert not SentEmail.objects.filter(to__contains=[employer_of(not_yet).email]).exists()
    due.refresh_from_db()
    assert due.idle_reminder_sent_at == NOW
    assert due.updated_at == NOW - IDLE_REMINDER_AFTER  # the idleness clock did not move


def test_reminder_once_per_idle_spell(django_capture_on_commit_callbacks):
    job_application = idle(JobApplicationFactory(), IDLE_REMINDER_AFTER * 2)
    assert tasks.remind_idle_job_applications(now=NOW) == 1
    assert tasks.remind_idle_job_applications(now=NOW + datetime.timedelta(days=1)) == 0
    # Something happens, then 3 more idle weeks: reminded again.
    JobApplication.objects.filter(pk=job_application.pk).update(updated_at=NOW + SECOND)
    assert tasks.remind_idle_job_applications(now=NOW + IDLE_REMINDER_AFTER + SECOND) == 1


def test_reminder_one_digest_per_member(django_capture_on_commit_callbacks):
    first = idle(JobApplicationFactory(), IDLE_REMINDER_AFTER)
    idle(JobApplicationFactory(to_company=first.to_company), IDLE_REMINDER_AFTER)
    colleague = CompanyMembershipFactory(company=first.to_company).user
    with django_capture_on_commit_callbacks(execute=True):
        tasks.remind_idle_job_applications(now=NOW)
    run_pending_jobs()
    for member in (employer_of(first), colleague):
        emails = SentEmail.objects.filter(to__contains=[member.email])
        assert [email.subject for email in emails] == [PREFIX + "2 candidatures attendent votre réponse"]


@pytest.mark.parametrize("state", [S.POSTPONED, S.POOL, S.PRIOR_TO_HIRE, S.ACCEPTED, S.REFUSED])
def test_reminder_only_for_applications_waiting_for_a_first_answer(state):
    idle(JobApplicationFactory(state=state), IDLE_REMINDER_AFTER * 2)
    assert tasks.remind_idle_job_applications(now=NOW) == 0


# --- automatic refusal ------------------------------------------------------------------


def test_auto_refusal_boundary(django_capture_on_commit_callbacks):
    due = idle(JobApplicationFactory(sent_by_prescriber=True, state=S.PROCESSING), AUTO_REFUSE_AFTER)
    not_yet = idle(JobApplicationFactory(), AUTO_REFUSE_AFTER - SECOND)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.refuse_idle_job_applications(now=NOW) == 1
    due.refresh_from_db()
    not_yet.refresh_from_db()
    assert (due.state, due.refusal_reason, due.refusal_reason_shared_with_job_seeker) == (S.REFUSED, "auto", True)
    assert not_yet.state == S.NEW
    log = due.logs.get()
    assert (log.transition, log.from_state, log.to_state, log.user) == ("refuse", S.PROCESSING, S.REFUSED, None)
    run_pending_jobs()
    email = last_email_to(due.job_seeker.email)
    assert email.subject == PREFIX + f"Candidature déclinée par {due.to_company.display_name}"
    assert "n'a pas répondu depuis plus de 60 jours" in email.body
    assert "déclinée automatiquement" in last_email_to(due.sender.email).body


@pytest.mark.parametrize("state", [S.POSTPONED, S.POOL, S.PRIOR_TO_HIRE, S.ACCEPTED, S.CANCELLED, S.OBSOLETE])
def test_auto_refusal_only_for_new_and_processing(state):
    job_application = idle(JobApplicationFactory(state=state), AUTO_REFUSE_AFTER * 2)
    assert tasks.refuse_idle_job_applications(now=NOW) == 0
    job_application.refresh_from_db()
    assert job_application.state == state


# --- automatic archiving ----------------------------------------------------------------


def test_auto_archive_boundary():
    due = idle(JobApplicationFactory(state=S.REFUSED), AUTO_ARCHIVE_AFTER)
    not_yet = idle(JobApplicationFactory(state=S.CANCELLED), AUTO_ARCHIVE_AFTER - SECOND)
    assert tasks.archive_untouched_job_applications(now=NOW) == 1
    due.refresh_from_db()
    not_yet.refresh_from_db()
    assert (due.archived_at, due.archived_by) == (NOW, None)
    assert not_yet.archived_at is None
    log = due.logs.get()
    assert (log.transition, log.user, log.details) == ("archive", None, {"auto": True})
    assert tasks.archive_untouched_job_applications(now=NOW) == 0


@pytest.mark.parametrize("state", [S.POOL, S.PRIOR_TO_HIRE, S.ACCEPTED])
def test_auto_archive_leaves_pool_prior_to_hire_and_hires(state):
    idle(JobApplicationFactory(state=state), AUTO_ARCHIVE_AFTER * 2)
    assert tasks.archive_untouched_job_applications(now=NOW) == 0


@pytest.mark.parametrize("state", [S.NEW, S.PROCESSING, S.POSTPONED, S.REFUSED, S.CANCELLED, S.OBSOLETE])
def test_auto_archive_unanswered_and_closed_applications_at_180_days(state):
    due = idle(JobApplicationFactory(state=state), AUTO_ARCHIVE_AFTER)  # untouched 180 days: archived
    not_yet = idle(JobApplicationFactory(state=state), AUTO_ARCHIVE_AFTER - SECOND)  # one second less: not yet
    assert tasks.archive_untouched_job_applications(now=NOW) == 1
    due.refresh_from_db()
    not_yet.refresh_from_db()
    assert due.archived_at == NOW and due.state == state
    assert not_yet.archived_at is None


def test_auto_archive_in_batches(monkeypatch):
    monkeypatch.setattr(tasks, "ARCHIVE_BATCH_SIZE", 2)
    for state in (S.REFUSED, S.CANCELLED, S.OBSOLETE):
        idle(JobApplicationFactory(state=state), AUTO_ARCHIVE_AFTER)
    assert tasks.archive_untouched_job_applications(now=NOW) == 3
    assert not JobApplication.objects.filter(archived_at__isnull=True).exists()
