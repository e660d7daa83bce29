"""The rules of sending an application (itou/job_applications/apply.py) and the creation of
a job seeker's account by a professional (itou/users/services.py)."""

import datetime
import io

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from itou.job_applications import apply
from itou.job_applications.enums import JobApplicationState, SenderKind
from itou.job_applications.models import RESUME_MAX_SIZE, JobApplication, JobApplicationTransitionLog
from itou.organizations.current import CurrentOrganization, Role
from itou.users.enums import LackOfNIRReason, UserKind
from itou.users.models import User
from itou.users.services import job_seeker_create_by_professional
from tests.helpers import assert_in_email_layout, extract_link, last_email_to, pending_job_count, run_pending_jobs
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory, nir_for
from tests.www.apply.helpers import make_company, make_job, make_pdf


@pytest.fixture
def prescriber():
    user = ProfessionalFactory()
    PrescriberOrganizationFactory(authorized=True, with_member=user)
    return user


@pytest.fixture
def organization(prescriber):
    return prescriber.prescriber_memberships.get().organization


def create(**overrides):
    company = overrides.pop("company", None) or make_company(spontaneous=True)
    job_seeker = overrides.pop("job_seeker", None) or JobSeekerFactory()
    kwargs = {
        "acting_user": job_seeker,
        "job_seeker": job_seeker,
        "company": company,
        "selected_jobs": [],
        "message": "Bonjour, je suis disponible tout de suite.",
        "resume_file": None,
        "sender_kind": SenderKind.JOB_SEEKER,
        "sender_organization": None,
    } | overrides
    return apply.job_application_create(**kwargs)


# --------------------------------------------------------------------------------------
# The creation service
# --------------------------------------------------------------------------------------


def test_job_seeker_applies_for_themself(django_capture_on_commit_callbacks):
    company = make_company()
    job = make_job(company, title="Jardinier")
    job_seeker = JobSeekerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        application = create(company=company, job_seeker=job_seeker, acting_user=job_seeker, selected_jobs=[job])
    application.refresh_from_db()
    assert application.state == JobApplicationState.NEW
    assert application.sender == job_seeker
    assert application.sender_kind == SenderKind.JOB_SEEKER
    assert list(application.selected_jobs.all()) == [job]
    log = JobApplicationTransitionLog.objects.get(job_application=application)
    assert (log.transition, log.from_state, log.to_state, log.user) == ("create", "new", "new", job_seeker)


def test_prescriber_applies_for_a_job_seeker(prescriber, organization):
    job_seeker = JobSeekerFactory()
    application = create(
        acting_user=prescriber,
        job_seeker=job_seeker,
        sender_kind=SenderKind.PRESCRIBER,
        sender_organization=organization,
    )
    assert application.sender_prescriber_organization == organization
    assert application.sender_company is None
    assert application.is_spontaneous


def test_employer_self_prescription():
    employer = ProfessionalFactory()
    company = make_company(with_member=employer, spontaneous=True)
    application = create(
        company=company, acting_user=employer, sender_kind=SenderKind.EMPLOYER, sender_organization=company
    )
    assert application.sender_company == company


def test_job_seeker_cannot_apply_for_someone_else():
    other = JobSeekerFactory()
    with pytest.raises(PermissionDenied):
        create(acting_user=other)
    assert not JobApplication.objects.exists()


def test_prescriber_cannot_apply_as_another_organization(prescriber):
    other_organization = PrescriberOrganizationFactory(with_member=True)
    with pytest.raises(PermissionDenied):
        create(acting_user=prescriber, sender_kind=SenderKind.PRESCRIBER, sender_organization=other_organization)
    assert not JobApplication.objects.exists()


def test_prescriber_with_deactivated_membership_cannot_apply(prescriber, organization):
    prescriber.prescriber_memberships.update(is_active=False)
    with pytest.raises(PermissionDenied):
        create(acting_user=prescriber, sender_kind=SenderKind.PRESCRIBER, sender_organization=organization)


def test_employer_cannot_self_prescribe_to_another_company():
    employer = ProfessionalFactory()
    own = make_company(with_member=employer, spontaneous=True)
    other = make_company(spontaneous=True)
    with pytest.raises(PermissionDenied):
        create(company=other, acting_user=employer, sender_kind=SenderKind.EMPLOYER, sender_organization=own)
    with pytest.raises(PermissionDenied):  # claiming the target as its organization does not help
        create(company=other, acting_user=employer, sender_kind=SenderKind.EMPLOYER, sender_organization=other)
    assert not JobApplication.objects.exists()


def test_inactive_company():
    company = make_company(spontaneous=True, is_active=False)
    with pytest.raises(apply.CompanyNotOpen):
        create(company=company)


def test_closed_job_description():
    company = make_company(spontaneous=True)
    job = make_job(company, title="Maraîcher", is_open=False)
    with pytest.raises(apply.SelectionNoLongerOpen, match="« Maraîcher »") as error:
        create(company=company, selected_jobs=[job])
    assert error.value.step == "jobs"
    assert not JobApplication.objects.exists()


def test_job_description_of_another_company():
    company = make_company(spontaneous=True)
    foreign_job = make_job(make_company())
    with pytest.raises(apply.SelectionNoLongerOpen):
        create(company=company, selected_jobs=[foreign_job])


def test_spontaneous_applications_closed():
    company = make_company(spontaneous=False)
    make_job(company)
    with pytest.raises(apply.SelectionNoLongerOpen, match="candidatures spontanées"):
        create(company=company, selected_jobs=[])


@pytest.mark.parametrize(
    "elapsed,allowed",
    [
        (datetime.timedelta(hours=23, minutes=59), False),
        (datetime.timedelta(hours=24, minutes=1), True),
    ],
)
def test_24_hours_between_two_applications_to_the_same_company(prescriber, organization, elapsed, allowed):
    company = make_company(spontaneous=True)
    job_seeker = JobSeekerFactory()
    first = create(company=company, job_seeker=job_seeker, acting_user=job_seeker)
    JobApplication.objects.filter(pk=first.pk).update(created_at=timezone.now() - elapsed)
    # Whoever sends it: here a prescriber.
    kwargs = {
        "company": company,
        "job_seeker": job_seeker,
        "acting_user": prescriber,
        "sender_kind": SenderKind.PRESCRIBER,
        "sender_organization": organization,
    }
    if allowed:
        create(**kwargs)
        assert JobApplication.objects.count() == 2
    else:
        with pytest.raises(apply.ApplicationTooSoon) as error:
            create(**kwargs)
        assert f"a déjà postulé auprès de {company.display_name}" in error.value.message
        previous = timezone.localtime(timezone.now() - elapsed)
        assert f"{previous:%H} h {previous:%M}" in error.value.message
        assert "une nouvelle candidature sera possible à partir du" in error.value.message
        assert JobApplication.objects.count() == 1


def test_24_hours_rule_is_per_company():
    job_seeker = JobSeekerFactory()
    create(job_seeker=job_seeker, acting_user=job_seeker)
    create(job_seeker=job_seeker, acting_user=job_seeker)  # another company
    assert JobApplication.objects.count() == 2


def test_cv_required_by_a_job_description():
    company = make_company()
    job = make_job(company, title="Cariste", is_cv_required=True)
    with pytest.raises(apply.ResumeRequired, match="« Cariste »"):
        create(company=company, selected_jobs=[job])
    application = create(company=company, selected_jobs=[job], resume_file=ContentFile(make_pdf(), name="cv.pdf"))
    assert application.resume.name == f"resumes/{application.pk}.pdf"
    with default_storage.open(application.resume.name) as stored:
        assert stored.read() == make_pdf()


def test_service_checks_the_cv_again():
    with pytest.raises(ValidationError):
        create(resume_file=ContentFile(b"GIF89a not a pdf", name="cv.pdf"))
    assert not JobApplication.objects.exists()


def test_notification_called_on_commit(monkeypatch, django_capture_on_commit_callbacks):
    notified = []
    monkeypatch.setattr(apply, "_notify_created", notified.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application = create()
    assert notified == []
    for callback in callbacks:
        callback()
    assert notified == [application]


def test_creation_emails_leave_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = create()
    assert JobApplication.objects.filter(pk=application.pk).exists()
    assert pending_job_count() > 0, "the creation emails are queued once the transaction commits"


# --------------------------------------------------------------------------------------
# Who applies as what
# --------------------------------------------------------------------------------------


def test_apply_sender_for_each_role(prescriber, organization):
    company = make_company()
    job_seeker = JobSeekerFactory()
    assert apply.apply_sender_for(user=job_seeker, current_organization=None, company=company).kind == (
        SenderKind.JOB_SEEKER
    )
    as_prescriber = CurrentOrganization(f"prescriber:{organization.pk}", Role.PRESCRIBER, organization, True)
    sender = apply.apply_sender_for(user=prescriber, current_organization=as_prescriber, company=company)
    assert (sender.kind, sender.organization) == (SenderKind.PRESCRIBER, organization)
    employer = ProfessionalFactory()
    as_employer = CurrentOrganization(f"company:{company.pk}", Role.EMPLOYER, company, True)
    assert apply.apply_sender_for(user=employer, current_organization=as_employer, company=company).kind == (
        SenderKind.EMPLOYER
    )
    with pytest.raises(PermissionDenied, match="auto-prescription"):
        apply.apply_sender_for(user=employer, current_organization=as_employer, company=make_company())
    with pytest.raises(PermissionDenied):
        apply.apply_sender_for(user=ProfessionalFactory(), current_organization=None, company=company)


# --------------------------------------------------------------------------------------
# Finding the person
# --------------------------------------------------------------------------------------


def test_lookup_by_nir_first():
    by_nir = JobSeekerFactory(with_profile__nir=nir_for(501))
    by_email = JobSeekerFactory(email="camille@example.com", with_profile__nir=nir_for(502))
    result = apply.job_seeker_lookup(nir=nir_for(501), email="camille@example.com")
    assert (result.job_seeker, result.matched_by) == (by_nir, apply.MatchedBy.NIR)
    assert by_email  # the email would have found another account: the NIR wins


def test_lookup_by_email_then():
    job_seeker = JobSeekerFactory(email="Camille@Example.com", with_profile__nir=nir_for(503))
    result = apply.job_seeker_lookup(nir=nir_for(999), email="camille@example.COM")
    assert result.job_seeker is None and "autre numéro" in result.problem  # a contradicting NIR
    result = apply.job_seeker_lookup(email=" CAMILLE@example.com ")
    assert (result.job_seeker, result.matched_by) == (job_seeker, apply.MatchedBy.EMAIL)


def test_lookup_by_email_of_a_professional():
    ProfessionalFactory(email="pro@example.com")
    # The same answer as for an unknown address (tests/security/test_person_lookup.py).
    assert apply.job_seeker_lookup(email="pro@example.com") == apply.job_seeker_lookup(email="nobody@example.com")
    assert apply.job_seeker_lookup(email="pro@example.com").problem == ""


def test_lookup_by_name_and_birthdate_last():
    birthdate = datetime.date(1988, 3, 2)
    job_seeker = JobSeekerFactory(
        first_name="Hélène", last_name="Dupont-Léger", with_profile__birthdate=birthdate, with_profile__nir=""
    )
    job_seeker.jobseeker_profile.lack_of_nir_reason = LackOfNIRReason.NO_NIR
    job_seeker.jobseeker_profile.save()
    result = apply.job_seeker_lookup(first_name="helene", last_name="DUPONT LEGER", birthdate=birthdate)
    assert (result.job_seeker, result.matched_by) == (job_seeker, apply.MatchedBy.NAME_AND_BIRTHDATE)
    assert apply.job_seeker_lookup(first_name="Hélène", last_name="Dupont", birthdate=birthdate).job_seeker is None
    assert (
        apply.job_seeker_lookup(
            first_name="Hélène", last_name="Dupont-Léger", birthdate=birthdate, exclude_ids=[job_seeker.pk]
        ).job_seeker
        is None
    )


def test_lookup_by_name_ignores_a_homonym_with_another_nir():
    birthdate = datetime.date(1988, 3, 2)
    JobSeekerFactory(first_name="Paul", last_name="Martin", with_profile__birthdate=birthdate)
    result = apply.job_seeker_lookup(nir=nir_for(777), first_name="Paul", last_name="Martin", birthdate=birthdate)
    assert result.job_seeker is None and not result.problem


def test_lookup_with_several_homonyms():
    birthdate = datetime.date(1988, 3, 2)
    JobSeekerFactory(first_name="Paul", last_name="Martin", with_profile__birthdate=birthdate)
    JobSeekerFactory(first_name="Paul", last_name="Martin", with_profile__birthdate=birthdate)
    result = apply.job_seeker_lookup(first_name="Paul", last_name="Martin", birthdate=birthdate)
    assert result.job_seeker is None and "Plusieurs candidats" in result.problem


# --------------------------------------------------------------------------------------
# CV checks
# --------------------------------------------------------------------------------------


def test_resume_check_accepts_a_real_pdf():
    apply.resume_check(ContentFile(make_pdf(), name="anything.bin"))


@pytest.mark.parametrize(
    "content,message",
    [
        (b"\x89PNG\r\n\x1a\n" + b"0" * 500, "n'est pas un PDF"),
        (b"PK\x03\x04 a docx renamed .pdf", "n'est pas un PDF"),
        (b"", "vide"),
        (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "abîmé"),  # truncated: no xref, no end marker
        (b"%PDF-1.4\n" + b"x" * 100 + b"\nstartxref\n999999\n%%EOF\n", "abîmé"),
    ],
)
def test_resume_check_refuses(content, message):
    with pytest.raises(ValidationError, match=message):
        apply.resume_check(ContentFile(content, name="cv.pdf"))


def test_resume_check_refuses_a_truncated_pdf():
    with pytest.raises(ValidationError, match="abîmé"):
        apply.resume_check(ContentFile(make_pdf()[:-60], name="cv.pdf"))


def test_resume_check_size_limit():
    pdf = make_pdf()
    padded = pdf[:9] + b"%" + b"x" * (RESUME_MAX_SIZE - len(pdf)) + b"\n" + pdf[9:]
    with pytest.raises(ValidationError, match="ne doit pas dépasser 5 Mo"):
        apply.resume_check(ContentFile(padded, name="cv.pdf"))
    file = io.BytesIO(b"%PDF-1.4")
    file.size = RESUME_MAX_SIZE + 1
    with pytest.raises(ValidationError, match="5 Mo"):
        apply.resume_check(file)


def test_resume_drafts_cleanup(time_machine):
    old = default_storage.save(apply.resume_draft_name("a" * 24), ContentFile(make_pdf()))
    # Files carry the real clock's modification time: the test clock moves there.
    time_machine.move_to(default_storage.get_modified_time(old), tick=True)
    apply.resume_drafts_cleanup(older_than=datetime.timedelta(days=-1))  # everything is "old"
    assert not default_storage.exists(old)
    recent = default_storage.save(apply.resume_draft_name("b" * 24), ContentFile(make_pdf()))
    assert apply.resume_drafts_cleanup(older_than=datetime.timedelta(days=14)) == 0
    assert default_storage.exists(recent)


# --------------------------------------------------------------------------------------
# A job seeker's account created by a professional
# --------------------------------------------------------------------------------------


def test_create_job_seeker_sends_a_link_to_choose_a_password(
    client, prescriber, organization, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    with django_capture_on_commit_callbacks(execute=True):
        user = job_seeker_create_by_professional(
            acting_user=prescriber,
            organization=organization,
            first_name="Inès",
            last_name="Bernard",
            birthdate=datetime.date(1995, 1, 9),
            nir=nir_for(321, sex="2", year=95, month=1),
            email="Ines.Bernard@example.com",
        )
    assert user.kind == UserKind.JOB_SEEKER
    assert user.email == "ines.bernard@example.com"
    assert not user.has_usable_password()
    assert user.jobseeker_profile.nir == nir_for(321, sex="2", year=95, month=1)
    assert EmailAddress.objects.get(user=user).verified is False
    run_pending_jobs()
    email = last_email_to("ines.bernard@example.com")
    assert "a créé pour vous un compte" in email.body
    assert organization.name in email.body
    link = extract_link(email.body, "/comptes/password/reset/key/")
    assert assert_in_email_layout(email) == link

    # The link is allauth's: the job seeker chooses a password and can log in with it.
    response = client.get(link.removeprefix("http://testserver"), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": "Un-tres-bon-mot-2026", "password2": "Un-tres-bon-mot-2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Un-tres-bon-mot-2026")


def test_create_job_seeker_without_email_sends_nothing(prescriber, organization):
    user = job_seeker_create_by_professional(
        acting_user=prescriber,
        organization=organization,
        first_name="Yanis",
        last_name="Petit",
        birthdate=datetime.date(2001, 6, 1),
        lack_of_nir_reason=LackOfNIRReason.NO_NIR,
    )
    assert user.email is None
    assert user.jobseeker_profile.lack_of_nir_reason == LackOfNIRReason.NO_NIR
    assert run_pending_jobs() == 0


def test_create_job_seeker_never_duplicates(prescriber, organization):
    JobSeekerFactory(email="deja@example.com", with_profile__nir=nir_for(42))
    base = {
        "acting_user": prescriber,
        "organization": organization,
        "first_name": "Léo",
        "last_name": "Roux",
        "birthdate": datetime.date(1990, 5, 1),
    }
    with pytest.raises(ValidationError) as error:
        job_seeker_create_by_professional(**base, nir=nir_for(42))
    assert "déjà associé au compte d'une autre personne" in str(error.value)
    with pytest.raises(ValidationError) as error:
        job_seeker_create_by_professional(**base, nir=nir_for(43), email="DEJA@example.com")
    assert "ne peut pas être utilisée" in str(error.value)
    assert User.objects.filter(kind=UserKind.JOB_SEEKER).count() == 1


def test_create_job_seeker_requires_a_membership(organization):
    outsider = ProfessionalFactory()
    with pytest.raises(PermissionDenied):
        job_seeker_create_by_professional(
            acting_user=outsider,
            organization=organization,
            first_name="Léo",
            last_name="Roux",
            birthdate=datetime.date(1990, 5, 1),
            lack_of_nir_reason=LackOfNIRReason.NO_NIR,
        )
    with pytest.raises(PermissionDenied):
        job_seeker_create_by_professional(
            acting_user=JobSeekerFactory(),
            organization=organization,
            first_name="Léo",
            last_name="Roux",
            birthdate=datetime.date(1990, 5, 1),
            lack_of_nir_reason=LackOfNIRReason.NO_NIR,
        )


def test_new_job_seeker_and_application_together_or_not_at_all(
    prescriber, organization, django_capture_on_commit_callbacks
):
    company = make_company(spontaneous=False)
    closed = make_job(company, is_open=False)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(apply.SelectionNoLongerOpen):
        apply.job_application_create_for_new_job_seeker(
            acting_user=prescriber,
            job_seeker_fields={
                "first_name": "Léo",
                "last_name": "Roux",
                "birthdate": datetime.date(1990, 5, 1),
                "nir": nir_for(88),
                "email": "leo@example.com",
            },
            sender_organization=organization,
            company=company,
            selected_jobs=[closed],
            message="Bonjour",
            resume_file=None,
            sender_kind=SenderKind.PRESCRIBER,
        )
    assert not User.objects.filter(email="leo@example.com").exists()
    assert run_pending_jobs() == 0


def test_drafts_cleanup_runs_every_night():
    from procrastinate.contrib.django import app

    from itou.www.apply.tasks import apply_resume_drafts_cleanup

    assert any(
        periodic.task is apply_resume_drafts_cleanup for periodic in app.periodic_registry.periodic_tasks.values()
    )
    apply_resume_drafts_cleanup(timestamp=0)  # nothing to delete: no error


# --------------------------------------------------------------------------------------
# Sending and the sender's diagnosis: one transaction
# --------------------------------------------------------------------------------------


def _send_with_diagnosis(prescriber, organization, job_seeker, company, criteria):
    return create(
        acting_user=prescriber,
        job_seeker=job_seeker,
        company=company,
        sender_kind=SenderKind.PRESCRIBER,
        sender_organization=organization,
        diagnosis_criteria=criteria,
    )


def test_authorized_prescriber_sends_with_a_new_diagnosis(prescriber, organization, django_capture_on_commit_callbacks):
    from tests.eligibility.factories import IAEDiagnosisFactory, criteria

    job_seeker = JobSeekerFactory()
    previous = IAEDiagnosisFactory(job_seeker=job_seeker, author_prescriber_organization=organization)
    with django_capture_on_commit_callbacks(execute=True):
        job_application = _send_with_diagnosis(
            prescriber, organization, job_seeker, make_company(spontaneous=True), [criteria()["RSA"]]
        )
    diagnosis = job_application.eligibility_diagnosis
    assert diagnosis.author_prescriber_organization == organization and diagnosis != previous
    previous.refresh_from_db()
    assert previous.is_expired()  # renewed: the previous one ends today
    assert run_pending_jobs() > 0  # the "new application" emails


def test_a_failure_after_the_diagnosis_leaves_nothing_and_queues_no_email(
    prescriber, organization, monkeypatch, django_capture_on_commit_callbacks
):
    """The diagnosis is made, then writing the application's log row fails: the
    application, the diagnosis, the renewal of the previous one and the emails all go."""
    from itou.eligibility.models import EligibilityDiagnosis
    from tests.eligibility.factories import IAEDiagnosisFactory, criteria

    job_seeker = JobSeekerFactory()
    previous = IAEDiagnosisFactory(job_seeker=job_seeker, author_prescriber_organization=organization)
    expires_at = previous.expires_at

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    # Made before the capture: creating a company schedules its own on-commit work (the
    # anonymous search pages' version bump), which is not what this test looks at.
    company = make_company(spontaneous=True)
    monkeypatch.setattr(JobApplicationTransitionLog.objects, "create", broken)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        _send_with_diagnosis(prescriber, organization, job_seeker, company, [criteria()["RSA"]])
    assert callbacks == []
    assert not JobApplication.objects.exists()
    assert list(EligibilityDiagnosis.objects.filter(job_seeker=job_seeker)) == [previous]
    previous.refresh_from_db()
    assert previous.expires_at == expires_at
    assert run_pending_jobs() == 0


def test_a_diagnosis_rule_error_sends_nothing(prescriber, organization, django_capture_on_commit_callbacks):
    from tests.eligibility.factories import criteria

    by_kind = criteria()
    job_seeker, company = JobSeekerFactory(), make_company(spontaneous=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationError) as error:
        _send_with_diagnosis(prescriber, organization, job_seeker, company, [by_kind["SENIOR"], by_kind["JEUNE"]])
    assert "administrative_criteria" in error.value.message_dict
    assert callbacks == [] and not JobApplication.objects.exists()


def test_only_an_authorized_prescriber_attaches_a_diagnosis():
    from tests.eligibility.factories import criteria

    orienteur = ProfessionalFactory()
    organization = PrescriberOrganizationFactory(authorized=False, with_member=orienteur)
    with pytest.raises(PermissionDenied):
        _send_with_diagnosis(
            orienteur, organization, JobSeekerFactory(), make_company(spontaneous=True), [criteria()["RSA"]]
        )
    assert not JobApplication.objects.exists()


def test_valid_prescriber_diagnosis_attached_without_new_criteria(prescriber, organization):
    from tests.eligibility.factories import IAEDiagnosisFactory

    job_seeker = JobSeekerFactory()
    existing = IAEDiagnosisFactory(job_seeker=job_seeker)
    job_application = _send_with_diagnosis(prescriber, organization, job_seeker, make_company(spontaneous=True), None)
    assert job_application.eligibility_diagnosis == existing
