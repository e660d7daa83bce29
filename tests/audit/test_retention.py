"""The retention job: a dry run counts, a real run anonymizes what it should and nothing else."""

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from itou.audit.models import Anonymization, RetentionNotice
from itou.audit.retention import retention_run
from itou.backoffice.models import LoginEvent
from itou.job_applications.enums import JobApplicationState, SenderKind
from itou.job_applications.models import JobApplication
from itou.users.enums import UserKind
from itou.users.models import User
from tests.companies.factories import CompanyFactory
from tests.helpers import last_email_to, run_pending_jobs
from tests.job_applications.factories import JobApplicationFactory
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory, StaffFactory

T0 = datetime.datetime(2026, 12, 7, 3, 20, tzinfo=datetime.UTC)
LONG_AGO = datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC)
RECENTLY = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)


def _at(moment, factory, **kwargs):
    with time_machine.travel(moment, tick=False):
        return factory(**kwargs)


def _refused_with_cv(moment, **kwargs):
    with time_machine.travel(moment, tick=False):
        application = JobApplicationFactory(state=JobApplicationState.REFUSED, **kwargs)
        application.resume.save(f"cv-{application.pk}.pdf", ContentFile(b"%PDF-1.4 cv"), save=True)
    return application


@pytest.fixture
def world(db):
    w = {}
    company = _at(RECENTLY, CompanyFactory, with_member=True)
    w["sleeping"] = _at(LONG_AGO, JobSeekerFactory, email="dort@example.com", first_name="Dora", phone="0600000000")
    w["applied"] = _at(LONG_AGO, JobSeekerFactory, email="postule@example.com")
    _at(RECENTLY, JobApplicationFactory, job_seeker=w["applied"], to_company=company)
    w["recent"] = _at(RECENTLY, JobSeekerFactory, email="recent@example.com")
    w["old_pro"] = _at(LONG_AGO, ProfessionalFactory, email="ancien.pro@example.com")
    w["staff"] = _at(LONG_AGO, StaffFactory, email="support@example.com")
    # The sleeping job seeker has an old refused application with a CV, sent by the old professional.
    w["sleeping_application"] = _refused_with_cv(
        LONG_AGO - datetime.timedelta(days=30),
        job_seeker=w["sleeping"],
        sender=w["old_pro"],
        sender_kind=SenderKind.PRESCRIBER,
        sender_prescriber_organization=_at(LONG_AGO, PrescriberOrganizationFactory, with_member=w["old_pro"]),
        to_company=company,
    )
    w["old_refused"] = _refused_with_cv(LONG_AGO, job_seeker=w["recent"], to_company=company)
    w["new_refused"] = _refused_with_cv(RECENTLY, job_seeker=w["recent"], to_company=company)
    # The employers' members the factories made along are active: not part of what is counted.
    User.objects.filter(kind=UserKind.PROFESSIONAL).exclude(pk=w["old_pro"].pk).update(last_login=RECENTLY)
    return w


def test_dry_run_counts_and_changes_nothing(world):
    with time_machine.travel(T0, tick=False):
        figures = retention_run(dry_run=True)
    assert (figures.job_seekers_warned, figures.professionals_warned) == (1, 1)
    assert figures.refused_resumes_deleted == 2  # the sleeping one's and the other old refusal
    assert not RetentionNotice.objects.exists()
    assert JobApplication.objects.exclude(resume="").count() == 3
    assert "Simulation" in figures.as_text()


def test_warn_then_anonymize_30_days_later(world, django_capture_on_commit_callbacks):
    LoginEvent.objects.create(user=world["sleeping"], ip="203.0.113.8", created_at=LONG_AGO)
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        figures = retention_run(dry_run=False)
    assert (figures.job_seekers_warned, figures.professionals_warned, figures.job_seekers_anonymized) == (1, 1, 0)
    assert set(RetentionNotice.objects.values_list("user__email", flat=True)) == {
        "dort@example.com",
        "ancien.pro@example.com",
    }
    run_pending_jobs()
    email = last_email_to("dort@example.com")
    assert "sera supprimé à partir du 6 janvier 2027" in email.body
    # Old CVs of refused applications are gone, the recent one stays.
    assert not JobApplication.objects.get(pk=world["old_refused"].pk).resume
    assert JobApplication.objects.get(pk=world["new_refused"].pk).resume

    # 29 days later: nothing more. 30 days later: anonymized.
    with time_machine.travel(T0 + datetime.timedelta(days=29), tick=False):
        assert retention_run(dry_run=False).job_seekers_anonymized == 0
    with (
        time_machine.travel(T0 + datetime.timedelta(days=30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        figures = retention_run(dry_run=False)
    assert (figures.job_seekers_anonymized, figures.professionals_anonymized) == (1, 1)
    assert Anonymization.objects.count() == 2

    sleeping = User.objects.select_related("jobseeker_profile").get(pk=world["sleeping"].pk)
    assert (sleeping.first_name, sleeping.last_name, sleeping.email, sleeping.phone) == ("Compte", "supprimé", None, "")
    assert not sleeping.is_active and not sleeping.has_usable_password()
    assert not LoginEvent.objects.filter(user=sleeping).exists()
    profile = sleeping.jobseeker_profile
    assert profile.nir == "" and profile.birthdate == datetime.date(1990, 1, 1)
    # The application stays (figures, the employer's history), anonymous and without CV or message.
    application = JobApplication.objects.select_related("sender").get(pk=world["sleeping_application"].pk)
    assert not application.resume and application.message == ""
    assert not default_storage.exists(world["sleeping_application"].resume.name)
    assert application.state == JobApplicationState.REFUSED
    assert application.sender.get_full_name() == "Compte SUPPRIMÉ"
    # And nothing else was touched.
    for key in ("applied", "recent", "staff"):
        user = User.objects.get(pk=world[key].pk)
        assert user.is_active and user.email == world[key].email, key


def test_logging_in_lifts_the_warning(world, client):
    with time_machine.travel(T0, tick=False):
        retention_run(dry_run=False)
    with time_machine.travel(T0 + datetime.timedelta(days=3), tick=False):
        client.force_login(world["sleeping"])
        User.objects.filter(pk=world["sleeping"].pk).update(last_login=T0 + datetime.timedelta(days=3))
    with time_machine.travel(T0 + datetime.timedelta(days=31), tick=False):
        figures = retention_run(dry_run=False)
    assert figures.warnings_cancelled == 1
    assert figures.job_seekers_anonymized == 0 and figures.professionals_anonymized == 1
    assert User.objects.get(pk=world["sleeping"].pk).email == "dort@example.com"


def test_command_prints_the_figures(world, capsys):
    with time_machine.travel(T0, tick=False):
        call_command("personal_data_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "candidats à prévenir (inactifs depuis 2 ans) : 1" in out
    assert not RetentionNotice.objects.exists()
