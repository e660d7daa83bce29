"""Issuance, reuse, withdrawal, suspensions, prolongations and requests, through the services."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from itou.approvals import services, tasks
from itou.approvals.enums import ApprovalOrigin, ApprovalStatus, ProlongationReason, ProlongationRequestStatus
from itou.approvals.enums import SuspensionReason as SR
from itou.approvals.models import (
    Approval,
    ApprovalHire,
    PendingApprovalRequest,
    ProlongationRequest,
    next_approval_number,
)
from itou.approvals.queries import job_seeker_has_valid_approval
from itou.approvals.workflow import TransitionNotAllowed
from itou.companies.enums import CompanyKind
from itou.eligibility.models import EligibilityDiagnosis
from itou.job_applications import services as ja_services
from itou.job_applications.enums import JobApplicationState
from itou.job_applications.models import JobApplication
from tests.approvals.factories import ApprovalFactory, days_from_today, hire, member_of
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.eligibility.factories import IAEDiagnosisFactory, employer_diagnosis
from tests.helpers import assert_in_email_layout, last_email_to, run_pending_jobs
from tests.job_applications.factories import JobApplicationFactory, employer_of
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, StaffFactory

days = datetime.timedelta


def accept(job_application, start=None):
    return ja_services.job_application_accept(
        acting_user=employer_of(job_application),
        job_application=job_application,
        hiring_start_at=start or timezone.localdate(),
    )


def application(kind=CompanyKind.ACI, job_seeker=None, diagnosis=True, **kwargs):
    job_seeker = job_seeker or JobSeekerFactory()
    if diagnosis:
        IAEDiagnosisFactory(job_seeker=job_seeker)
    return JobApplicationFactory(
        job_seeker=job_seeker,
        to_company=CompanyFactory(kind=kind, with_member=True),
        with_eligibility_diagnosis=False,  # this helper decides
        **kwargs,
    )


# --- Issuance -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [CompanyKind.EI, CompanyKind.AI, CompanyKind.ACI, CompanyKind.ETTI, CompanyKind.EITI])
def test_hire_in_an_siae_issues_a_pass(kind, settings):
    settings.APPROVAL_NUMBER_PREFIX = "99999"
    job_application = application(kind)
    accept(job_application, start=days_from_today(2))
    approval = Approval.objects.get(job_seeker=job_application.job_seeker)
    assert approval.number.startswith("99999") and len(approval.number) == 12
    assert approval.start_at == days_from_today(2)
    assert approval.end_at == days_from_today(2) + days(729)
    assert approval.origin == ApprovalOrigin.AUTO
    assert approval.status() == ApprovalStatus.FUTURE
    assert approval.hires.get().job_application == job_application


def test_number_prefix_comes_from_settings(settings):
    settings.APPROVAL_NUMBER_PREFIX = "12345"
    first, second = next_approval_number(), next_approval_number()
    assert first.startswith("12345") and len(first) == 12 and first != second
    settings.APPROVAL_NUMBER_PREFIX = "123"
    with pytest.raises(ImproperlyConfigured):
        next_approval_number()


@pytest.mark.parametrize("kind", [CompanyKind.GEIQ, CompanyKind.EA, CompanyKind.EATT])
def test_no_pass_outside_siae(kind):
    job_application = application(kind, diagnosis=False)
    accept(job_application)
    assert not Approval.objects.exists()


def test_hire_reuses_a_valid_pass_and_ends_a_suspension():
    approval = ApprovalFactory(start_at=days_from_today(-100))
    first = hire(approval)
    services.suspension_create(
        acting_user=member_of(first.company),
        company=first.company,
        approval=approval,
        start_at=days_from_today(-10),
        end_at=days_from_today(19),
        reason=SR.CONTRACT_ENDED,
    )
    approval.refresh_from_db()
    end_with_suspension = approval.end_at
    # An old diagnosis, expired, still counts while the PASS is valid (eligibility rule).
    IAEDiagnosisFactory(
        job_seeker=approval.job_seeker, created_at=timezone.now() - days(300), expires_at=days_from_today(-100)
    )
    job_application = application(job_seeker=approval.job_seeker, diagnosis=False)
    accept(job_application)
    approval.refresh_from_db()
    assert Approval.objects.count() == 1
    assert approval.hires.count() == 2
    suspension = approval.suspensions.get()
    assert suspension.end_at == days_from_today(-1)
    assert approval.end_at == end_with_suspension - days(20)
    assert approval.status() == ApprovalStatus.VALID


def test_no_diagnosis_no_hire():
    job_application = application(diagnosis=False)
    with pytest.raises(ValidationError):
        accept(job_application)
    assert not Approval.objects.exists()


def _expired_pass(job_seeker, *, ended_days_ago):
    start = timezone.localdate() - days(ended_days_ago + 729)
    approval = ApprovalFactory(job_seeker=job_seeker, start_at=start)
    hire(approval)
    # The hire's factory gave the job seeker a diagnosis made today: the tests decide.
    EligibilityDiagnosis.objects.filter(job_seeker=job_seeker).delete()
    return approval


def _employer_diagnosed_application(job_seeker, **kwargs):
    job_application = application(job_seeker=job_seeker, diagnosis=False, **kwargs)
    employer_diagnosis(job_application.to_company, job_seeker=job_seeker)
    return job_application


def test_waiting_period_blocks_a_new_pass_on_an_employer_diagnosis():
    job_seeker = JobSeekerFactory()
    old = _expired_pass(job_seeker, ended_days_ago=30)
    job_application = _employer_diagnosed_application(job_seeker)
    with pytest.raises(ValidationError, match="délai de carence"):
        accept(job_application)
    assert list(Approval.objects.all()) == [old]
    assert JobApplication.objects.get(pk=job_application.pk).state == JobApplicationState.NEW


def test_waiting_period_exception_application_sent_by_an_authorized_prescriber():
    """Sent by an authorized prescriber: the exception applies, even on the SIAE's own diagnosis."""
    job_seeker = JobSeekerFactory()
    _expired_pass(job_seeker, ended_days_ago=30)
    accept(_employer_diagnosed_application(job_seeker, sent_by_prescriber=True))
    assert Approval.objects.count() == 2


def test_waiting_period_exception_valid_diagnosis_by_an_authorized_prescriber_whatever_its_date():
    """The job seeker applied by themself, but holds a valid diagnosis of an authorized
    prescriber, made BEFORE the end of the last PASS: the exception applies."""
    job_seeker = JobSeekerFactory()
    _expired_pass(job_seeker, ended_days_ago=30)
    IAEDiagnosisFactory(job_seeker=job_seeker, created_at=timezone.now() - days(60))
    job_application = application(job_seeker=job_seeker, diagnosis=False)
    accept(job_application)
    new = Approval.objects.order_by("-start_at").first()
    assert Approval.objects.count() == 2
    assert new.eligibility_diagnosis.author_kind == "prescriber"


def test_after_the_waiting_period_a_new_pass_is_issued():
    job_seeker = JobSeekerFactory()
    _expired_pass(job_seeker, ended_days_ago=731)
    accept(application(job_seeker=job_seeker))
    assert Approval.objects.count() == 2


def test_without_nir_nor_france_travail_id_staff_issue_it_by_hand(client):
    job_seeker = JobSeekerFactory(with_profile__nir="", with_profile__lack_of_nir_reason="NO_NIR")
    job_application = application(job_seeker=job_seeker)
    accept(job_application)
    assert not Approval.objects.exists()
    pending = PendingApprovalRequest.objects.get(job_application=job_application)
    staff = StaffFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        services.approval_issue_manually(acting_user=employer_of(job_application), pending_request=pending)
    approval = services.approval_issue_manually(acting_user=staff, pending_request=pending)
    assert approval.origin == ApprovalOrigin.STAFF and approval.created_by == staff
    pending.refresh_from_db()
    assert pending.approval == approval and pending.resolved_by == staff
    with pytest.raises(ValidationError):
        services.approval_issue_manually(acting_user=staff, pending_request=pending)


def test_cancelling_the_only_hire_withdraws_the_pass():
    job_application = application()
    accept(job_application)
    approval = Approval.objects.get()
    ja_services.job_application_cancel(acting_user=employer_of(job_application), job_application=job_application)
    approval.refresh_from_db()
    assert approval.cancelled_at is not None
    assert approval.status() == ApprovalStatus.CANCELLED
    assert not job_seeker_has_valid_approval(approval.job_seeker, timezone.now())
    # The number is kept, and the next PASS gets another one.
    next_one = application()
    accept(next_one)
    assert Approval.objects.exclude(pk=approval.pk).get().number != approval.number


def test_hired_cancelled_and_hired_again_gets_a_new_pass():
    job_application = application()
    accept(job_application)
    first = Approval.objects.get()
    ja_services.job_application_cancel(acting_user=employer_of(job_application), job_application=job_application)
    accept(job_application)
    second = Approval.objects.exclude(pk=first.pk).get()
    assert second.number != first.number
    assert ApprovalHire.objects.get(job_application=job_application).approval == second


def test_cancelling_one_of_two_hires_keeps_the_pass():
    approval = ApprovalFactory()
    first = hire(approval)
    hire(approval)
    services.approval_hire_cancelled(first.job_application)
    approval.refresh_from_db()
    assert approval.cancelled_at is None
    first.refresh_from_db()
    assert first.cancelled_at is not None


@pytest.mark.parametrize(
    "start_offset, at_offset, expected",
    [(0, 0, True), (0, 729, True), (0, 730, False), (10, 0, True)],
)
def test_job_seeker_has_valid_approval(start_offset, at_offset, expected):
    approval = ApprovalFactory(start_at=days_from_today(start_offset))
    at = timezone.now() + days(at_offset)
    assert job_seeker_has_valid_approval(approval.job_seeker, at) is expected
    assert job_seeker_has_valid_approval(approval.job_seeker, at.date()) is expected


# --- Suspensions ----------------------------------------------------------------------------


def test_suspension_moves_the_end_date():
    approval = ApprovalFactory(start_at=days_from_today(-100))
    last = hire(approval)
    end_at = approval.end_at
    suspension = services.suspension_create(
        acting_user=member_of(last.company),
        company=last.company,
        approval=approval,
        start_at=days_from_today(-5),
        end_at=days_from_today(4),
        reason=SR.CONTRACT_SUSPENDED,
    )
    approval.refresh_from_db()
    assert suspension.days == 10
    assert approval.end_at == end_at + days(10)
    assert approval.status() == ApprovalStatus.SUSPENDED


def test_only_the_last_hiring_employer_suspends():
    approval = ApprovalFactory(start_at=days_from_today(-100))
    first = hire(approval, start_at=days_from_today(-100))
    last = hire(approval, start_at=days_from_today(-10))
    kwargs = {
        "approval": approval,
        "start_at": days_from_today(-1),
        "end_at": days_from_today(5),
        "reason": SR.CONTRACT_BROKEN,
    }
    outsider_company = CompanyFactory(with_member=True)
    for user, company in [
        (member_of(first.company), first.company),
        (member_of(outsider_company), outsider_company),
        (member_of(outsider_company), last.company),  # not a member of it
    ]:
        with pytest.raises(PermissionDenied):
            services.suspension_create(acting_user=user, company=company, **kwargs)
    colleague = CompanyMembershipFactory(company=last.company, is_admin=False).user
    services.suspension_create(acting_user=colleague, company=last.company, **kwargs)


def test_suspension_overlap_refused():
    approval = ApprovalFactory(start_at=days_from_today(-100))
    last = hire(approval)
    kwargs = {
        "acting_user": member_of(last.company),
        "company": last.company,
        "approval": approval,
        "reason": SR.CONTRACT_BROKEN,
    }
    services.suspension_create(start_at=days_from_today(-20), end_at=days_from_today(-10), **kwargs)
    with pytest.raises(ValidationError, match="chevauche"):
        services.suspension_create(start_at=days_from_today(-10), end_at=days_from_today(0), **kwargs)


# --- Prolongations ------------------------------------------------------------------------


def test_only_the_last_hiring_employer_prolongs():
    approval = ApprovalFactory(start_at=days_from_today(30 - 729))
    first = hire(approval, start_at=approval.start_at)
    hire(approval, start_at=days_from_today(-10))
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    with pytest.raises(PermissionDenied):
        services.prolongation_declare(
            acting_user=member_of(first.company),
            company=first.company,
            approval=approval,
            reason=ProlongationReason.COMPLETE_TRAINING,
            end_at=approval.end_at + days(30),
        )
    with pytest.raises(PermissionDenied):
        _request(approval, first.company, organization)


def _ending_pass(in_days=30, kind=CompanyKind.ACI):
    approval = ApprovalFactory(start_at=days_from_today(in_days - 729))
    last = hire(approval, CompanyFactory(kind=kind, with_member=True))
    return approval, last.company


def test_employer_declares_a_training_prolongation():
    approval, company = _ending_pass()
    end = approval.end_at
    prolongation = services.prolongation_declare(
        acting_user=member_of(company),
        company=company,
        approval=approval,
        reason=ProlongationReason.COMPLETE_TRAINING,
        end_at=end + days(365),
    )
    approval.refresh_from_db()
    assert prolongation.start_at == end
    assert approval.end_at == end + days(365)
    with pytest.raises(ValidationError):
        services.prolongation_declare(
            acting_user=member_of(company),
            company=company,
            approval=approval,
            reason=ProlongationReason.RQTH,
            end_at=end,
        )


def _request(approval, company, organization=None):
    organization = organization or PrescriberOrganizationFactory(authorized=True, with_member=True)
    return services.prolongation_request_create(
        acting_user=member_of(company),
        company=company,
        approval=approval,
        reason=ProlongationReason.RQTH,
        end_at=approval.end_at + days(200),
        prescriber_organization=organization,
        explanation="Besoin d'adapter le poste.",
    )


def test_request_granted_by_the_chosen_prescriber_creates_the_prolongation(django_capture_on_commit_callbacks):
    approval, company = _ending_pass()
    with django_capture_on_commit_callbacks(execute=True):
        request = _request(approval, company)
    organization = request.prescriber_organization
    prescriber = member_of(organization)
    run_pending_jobs()
    assert "Demande de prolongation" in last_email_to(prescriber.email).subject
    assert assert_in_email_layout(last_email_to(prescriber.email)).endswith(f"/demandes-de-prolongation/{request.pk}/")
    # Another authorized prescriber, the employer: refused.
    other = PrescriberOrganizationFactory(authorized=True, with_member=True)
    with pytest.raises(PermissionDenied):
        services.prolongation_request_grant(acting_user=member_of(other), organization=other, request=request)
    with pytest.raises(PermissionDenied):
        services.prolongation_request_grant(acting_user=member_of(company), organization=organization, request=request)
    end = approval.end_at
    with django_capture_on_commit_callbacks(execute=True):
        services.prolongation_request_grant(acting_user=prescriber, organization=organization, request=request)
    request.refresh_from_db()
    approval.refresh_from_db()
    assert request.status == ProlongationRequestStatus.GRANTED
    assert request.prolongation.validated_by == organization
    assert approval.end_at == end + days(200)
    run_pending_jobs()
    assert "acceptée" in last_email_to(member_of(company).email).subject
    assert "prolongé" in last_email_to(approval.job_seeker.email).subject
    with pytest.raises(TransitionNotAllowed):
        services.prolongation_request_deny(
            acting_user=prescriber, organization=organization, request=request, deny_reason="other"
        )


def test_request_denied_with_reason_and_actions(django_capture_on_commit_callbacks):
    approval, company = _ending_pass()
    request = _request(approval, company)
    organization = request.prescriber_organization
    with django_capture_on_commit_callbacks(execute=True):
        services.prolongation_request_deny(
            acting_user=member_of(organization),
            organization=organization,
            request=request,
            deny_reason="iae_not_adapted",
            proposed_actions="Orientation vers une formation qualifiante.",
        )
    request.refresh_from_db()
    assert request.status == ProlongationRequestStatus.DENIED
    run_pending_jobs()
    body = last_email_to(approval.job_seeker.email).body
    assert "formation qualifiante" in body


def test_one_pending_request_per_pass():
    approval, company = _ending_pass()
    _request(approval, company)
    with pytest.raises(ValidationError, match="déjà en attente"):
        _request(approval, company)
    request = ProlongationRequest.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProlongationRequest.objects.create(
            approval=approval,
            reason=request.reason,
            end_at=request.end_at,
            company=company,
            prescriber_organization=request.prescriber_organization,
        )


def test_request_needs_an_authorized_organization():
    approval, company = _ending_pass()
    with pytest.raises(ValidationError, match="habilités"):
        _request(approval, company, organization=PrescriberOrganizationFactory(with_member=True))


def test_reminders_every_10_days_for_30_days(django_capture_on_commit_callbacks):
    approval, company = _ending_pass()
    request = _request(approval, company)
    start = request.created_at
    assert tasks.remind_pending_prolongation_requests(now=start + days(9)) == 0
    assert tasks.remind_pending_prolongation_requests(now=start + days(10)) == 1
    assert tasks.remind_pending_prolongation_requests(now=start + days(11)) == 0
    assert tasks.remind_pending_prolongation_requests(now=start + days(20)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_pending_prolongation_requests(now=start + days(30)) == 1
    assert tasks.remind_pending_prolongation_requests(now=start + days(40)) == 0
    request.refresh_from_db()
    assert len(request.reminders_sent_at) == 3
    run_pending_jobs()
    assert "Rappel" in last_email_to(member_of(request.prescriber_organization).email).subject


def test_accept_in_state():
    """Sanity: the hook leaves the application accepted."""
    job_application = application()
    accept(job_application)
    job_application.refresh_from_db()
    assert job_application.state == JobApplicationState.ACCEPTED
    assert ApprovalHire.objects.get().job_application == job_application


# --- The PASS follows its contract while it has not started; its diagnosis -----------------


def test_a_new_pass_is_linked_to_the_diagnosis_it_was_issued_on():
    job_application = application()
    accept(job_application, start=days_from_today(3))
    approval = Approval.objects.get()
    job_application.refresh_from_db()
    assert approval.eligibility_diagnosis is not None
    assert approval.eligibility_diagnosis == job_application.eligibility_diagnosis


def test_moving_the_contract_start_moves_a_pass_that_has_not_started():
    job_application = application()
    accept(job_application, start=days_from_today(10))
    ja_services.job_application_update_hiring_start(
        acting_user=employer_of(job_application),
        job_application=job_application,
        hiring_start_at=days_from_today(25),
        hiring_end_at=None,
    )
    approval = Approval.objects.get()
    assert (approval.start_at, approval.end_at) == (days_from_today(25), days_from_today(25) + days(729))
    assert approval.hires.get().hiring_start_at == days_from_today(25)
    # Earlier again: start and end move back (2 years from the contract start).
    ja_services.job_application_update_hiring_start(
        acting_user=employer_of(job_application),
        job_application=job_application,
        hiring_start_at=days_from_today(1),
        hiring_end_at=None,
    )
    approval.refresh_from_db()
    assert (approval.start_at, approval.end_at) == (days_from_today(1), days_from_today(1) + days(729))


def test_a_new_hire_starting_earlier_moves_the_start_of_a_pass_not_started():
    first = application()
    accept(first, start=days_from_today(20))
    approval = Approval.objects.get()
    second = application(job_seeker=first.job_seeker, diagnosis=False)
    accept(second, start=days_from_today(5))
    approval.refresh_from_db()
    assert Approval.objects.count() == 1
    assert (approval.start_at, approval.end_at) == (days_from_today(5), days_from_today(5) + days(729))
    assert approval.hires.count() == 2


def test_a_new_hire_starting_later_leaves_the_pass_start():
    first = application()
    accept(first, start=days_from_today(5))
    second = application(job_seeker=first.job_seeker, diagnosis=False)
    accept(second, start=days_from_today(20))
    approval = Approval.objects.get()
    assert approval.start_at == days_from_today(5)


def test_suspension_cannot_start_before_the_last_hire():
    approval = ApprovalFactory(start_at=days_from_today(-100))
    last = hire(approval, start_at=days_from_today(-20))
    kwargs = {
        "acting_user": member_of(last.company),
        "company": last.company,
        "approval": approval,
        "end_at": days_from_today(5),
        "reason": SR.CONTRACT_BROKEN,
    }
    with pytest.raises(ValidationError, match="avant le début du dernier contrat"):
        services.suspension_create(start_at=days_from_today(-21), **kwargs)  # first invalid day
    services.suspension_create(start_at=days_from_today(-20), **kwargs)  # last valid day


def test_prolongation_caps_count_every_reason_through_the_service():
    """800 days of training prolongations, then an RQTH request of 365 days: refused, 295 left."""
    from itou.approvals.models import Prolongation

    approval = ApprovalFactory(start_at=days_from_today(-700))
    last = hire(approval)
    Prolongation.objects.create(
        approval=approval,
        start_at=approval.end_at - days(800),
        end_at=approval.end_at,
        reason=ProlongationReason.COMPLETE_TRAINING,
        company=last.company,
    )
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    kwargs = {
        "acting_user": member_of(last.company),
        "company": last.company,
        "approval": approval,
        "reason": ProlongationReason.RQTH,
        "prescriber_organization": organization,
    }
    with pytest.raises(ValidationError, match="il en reste 295"):
        services.prolongation_request_create(end_at=approval.end_at + days(365), **kwargs)
    assert services.prolongation_request_create(end_at=approval.end_at + days(295), **kwargs).pk
