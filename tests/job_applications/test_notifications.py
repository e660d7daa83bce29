"""The creation emails (`job_application_notify_created`, called by the apply flow)."""

from itou.job_applications.notifications import job_application_notify_created
from itou.notifications.models import SentEmail
from tests.companies.factories import CompanyMembershipFactory
from tests.helpers import last_email_to, run_pending_jobs
from tests.job_applications.factories import JobApplicationFactory, employer_of, make_job_description
from tests.users.factories import JobSeekerFactory


def subjects_to(user):
    return [email.subject for email in SentEmail.objects.filter(to__contains=[user.email])]


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
        assert subjects_to(member) == [f"Nouvelle candidature de {name}"]
    assert subjects_to(gone) == []
    email = last_email_to(colleague.email)
    assert job_application.sender_prescriber_organization.name in email.body
    assert "Poste : Maraîcher / Maraîchère" in email.body
    assert f"/candidatures/{job_application.pk}/" in email.body
    assert subjects_to(job_application.sender) == [f"Candidature de {name} envoyée à {company}"]
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
