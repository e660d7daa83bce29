"""The daily task that closes stale job descriptions and spontaneous applications."""

import datetime

from procrastinate.contrib.django import app

from itou.companies.enums import ContractType
from itou.companies.models import Company, JobDescription
from itou.companies.tasks import close_stale_job_descriptions
from tests.companies.factories import CompanyFactory
from tests.helpers import last_email_to, run_pending_jobs
from tests.users.factories import ProfessionalFactory

NOW = datetime.datetime(2026, 3, 10, 4, 0, tzinfo=datetime.UTC)


def test_the_task_is_daily():
    task = app.tasks["close_stale_job_descriptions"]
    assert task is close_stale_job_descriptions
    assert any(
        periodic.task is task and periodic.cron == "0 4 * * *"
        for periodic in app.periodic_registry.periodic_tasks.values()
    )


def test_the_task_closes_from_its_scheduled_time(boulanger, django_capture_on_commit_callbacks):
    admin = ProfessionalFactory()
    company = CompanyFactory(with_member=admin)
    jobs = {
        days: JobDescription.objects.create(
            company=company, appellation=boulanger, contract_type=ContractType.FIXED_TERM_I, custom_title=f"{days} j"
        )
        for days in (89, 90, 91)
    }
    for days, job in jobs.items():
        JobDescription.objects.filter(pk=job.pk).update(updated_at=NOW - datetime.timedelta(days=days))
    Company.objects.filter(pk=company.pk).update(spontaneous_applications_open_since=NOW - datetime.timedelta(days=89))

    with django_capture_on_commit_callbacks(execute=True):
        close_stale_job_descriptions(timestamp=int(NOW.timestamp()))

    assert dict(JobDescription.objects.values_list("custom_title", "is_open")) == {
        "89 j": True,
        "90 j": False,
        "91 j": False,
    }
    assert Company.objects.get(pk=company.pk).spontaneous_applications_open
    assert run_pending_jobs() == 1
    email = last_email_to(admin.email)
    assert "2 fiches de poste fermées" in email.subject
    assert "90 j" in email.body and "91 j" in email.body and "89 j" not in email.body
    assert "Candidatures spontanées" not in email.body
