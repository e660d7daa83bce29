"""Every change to a PASS IAE (DOMAIN.md, "PASS IAE"; rules in `rules.py`).

Keyword-only arguments, the acting user first, permissions checked inside, one transaction,
emails after commit. Rule violations raise ValidationError with French messages.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from itou.approvals import notifications, perms, queries, rules
from itou.approvals.enums import ApprovalOrigin, ProlongationRequestStatus
from itou.approvals.models import (
    Approval,
    ApprovalHire,
    PendingApprovalRequest,
    Prolongation,
    ProlongationRequest,
    Suspension,
    next_approval_number,
)
from itou.approvals.workflow import check_transition
from itou.companies.enums import SIAE_KINDS
from itou.employee_records import services as employee_records
from itou.users.models import User


def _lock_approval(approval: Approval) -> Approval:
    return Approval.objects.select_for_update(no_key=True).get(pk=approval.pk)


def _save_dates(approval: Approval) -> None:
    """Save a new end date; when it really changed, the employee records known to the ASP
    get an update notification in this same transaction (itou/employee_records)."""
    previous = Approval.objects.filter(pk=approval.pk).values_list("end_at", flat=True).first()
    approval.save(update_fields=["end_at"])
    if previous != approval.end_at:
        employee_records.notify_approval_dates_changed(approval)


def _end_ongoing_suspension(approval: Approval, *, hiring_start_at: datetime.date) -> None:
    """A new hire ends a suspension in progress: its remaining days come off the end date."""
    for suspension in approval.suspensions.filter(end_at__gte=hiring_start_at).select_for_update():
        new_end = hiring_start_at - rules.ONE_DAY
        removed = rules.days_between(max(suspension.start_at, hiring_start_at), suspension.end_at)
        if new_end < suspension.start_at:
            suspension.delete()
        else:
            suspension.end_at = new_end
            suspension.save(update_fields=["end_at"])
        approval.end_at -= datetime.timedelta(days=removed)
    _save_dates(approval)


def _create_approval(*, job_seeker, start_at, origin, created_by, eligibility_diagnosis=None) -> Approval:
    return Approval.objects.create(
        number=next_approval_number(),
        eligibility_diagnosis=eligibility_diagnosis,
        job_seeker=job_seeker,
        start_at=start_at,
        end_at=rules.approval_end_for_start(start_at),
        origin=origin,
        created_by=created_by,
    )


def _record_hire(approval: Approval, job_application) -> ApprovalHire:
    # An application hired, cancelled, then hired again keeps one row (OneToOne).
    hire, _ = ApprovalHire.objects.update_or_create(
        job_application=job_application,
        defaults={
            "approval": approval,
            "company": job_application.to_company,
            "hiring_start_at": job_application.hiring_start_at,
            "created_at": timezone.now(),
            "cancelled_at": None,
        },
    )
    return hire


def approval_issue_for_hire(job_application) -> Approval | None:
    """Called by `on_hire` inside the accept transaction (the job seeker's row is locked).

    SIAE only. Asks itou.eligibility.hiring (the one answer to "may this employer hire this
    person, and with which diagnosis?"): reuse the PASS still valid at the contract start
    (ending a suspension in progress; a PASS that has not started yet starts earlier when
    this contract does), or issue a new one linked to the diagnosis; without NIR nor France
    Travail id, leave a PendingApprovalRequest for staff. Returns the PASS, or None (not an
    SIAE, or pending).
    """
    from itou.eligibility.hiring import hire_eligibility_for_application

    if job_application.to_company.kind not in SIAE_KINDS:
        return None
    job_seeker = job_application.job_seeker
    start_at = job_application.hiring_start_at
    eligibility = hire_eligibility_for_application(job_application)
    if not eligibility.allowed:
        raise ValidationError(eligibility.error)
    if eligibility.approval is not None:
        approval = _lock_approval(eligibility.approval)
        if start_at < approval.start_at:
            _move_dates(approval, start_at=start_at)
        _end_ongoing_suspension(approval, hiring_start_at=start_at)
        _record_hire(approval, job_application)
        return approval
    profile = getattr(job_seeker, "jobseeker_profile", None)
    if profile is None or not (profile.nir or profile.france_travail_id):
        PendingApprovalRequest.objects.update_or_create(
            job_application=job_application,
            defaults={"created_at": timezone.now(), "resolved_at": None, "resolved_by": None, "approval": None},
        )
        return None
    approval = _create_approval(
        job_seeker=job_seeker,
        start_at=start_at,
        origin=ApprovalOrigin.AUTO,
        created_by=None,
        eligibility_diagnosis=eligibility.diagnosis,
    )
    _record_hire(approval, job_application)
    return approval


def _move_dates(approval: Approval, *, start_at: datetime.date) -> None:
    """A PASS that has not started follows its contract: start and end move together (the
    PASS keeps its length: 2 years from the contract start, plus any days added since)."""
    delta = start_at - approval.start_at
    approval.start_at = start_at
    approval.end_at += delta
    approval.save(update_fields=["start_at", "end_at"])


def approval_follow_hiring_start(job_application) -> Approval | None:
    """Called by `job_application_update_hiring_start` inside its transaction: the hire's
    contract start moved; when the PASS has not started yet, its start and end move with
    the contract (DOMAIN.md: 2 years from the contract start). The PASS starts at its
    earliest hire not cancelled."""
    hire = ApprovalHire.objects.filter(job_application=job_application, cancelled_at__isnull=True).first()
    if hire is None:
        return None
    approval = _lock_approval(hire.approval)
    hire.hiring_start_at = job_application.hiring_start_at
    hire.save(update_fields=["hiring_start_at"])
    if approval.start_at <= timezone.localdate() or approval.cancelled_at is not None:
        return approval
    earliest = min(approval.hires.filter(cancelled_at__isnull=True).values_list("hiring_start_at", flat=True))
    if earliest != approval.start_at:
        _move_dates(approval, start_at=earliest)
    return approval


@transaction.atomic
def approval_issue_manually(*, acting_user, pending_request: PendingApprovalRequest) -> Approval:
    """Staff issue the PASS of a hire that waited for a manual check (no NIR nor FT id)."""
    if not (acting_user.is_staff and acting_user.is_active):
        raise PermissionDenied
    pending_request = (
        PendingApprovalRequest.objects.select_for_update()
        .select_related("job_application__job_seeker", "job_application__to_company")
        .get(pk=pending_request.pk)
    )
    if pending_request.resolved_at is not None:
        raise ValidationError("Ce PASS IAE a déjà été délivré.")
    job_application = pending_request.job_application
    if job_application.state != "accepted":
        raise ValidationError("L'embauche a été annulée : aucun PASS IAE n'est à délivrer.")
    User.objects.select_for_update(no_key=True).only("pk").get(pk=job_application.job_seeker_id)
    approval = queries.valid_approval_for(job_application.job_seeker, job_application.hiring_start_at)
    if approval is None:
        approval = _create_approval(
            job_seeker=job_application.job_seeker,
            start_at=job_application.hiring_start_at,
            origin=ApprovalOrigin.STAFF,
            created_by=acting_user,
            eligibility_diagnosis=job_application.eligibility_diagnosis,
        )
    _record_hire(approval, job_application)
    pending_request.resolved_at = timezone.now()
    pending_request.resolved_by = acting_user
    pending_request.approval = approval
    pending_request.save(update_fields=["resolved_at", "resolved_by", "approval"])
    return approval


def approval_hire_cancelled(job_application) -> None:
    """Called by `on_hire_cancelled`: the hire no longer counts; a PASS whose only hire it
    was is withdrawn (number kept, never reused)."""
    now = timezone.now()
    PendingApprovalRequest.objects.filter(job_application=job_application, resolved_at__isnull=True).delete()
    hire = ApprovalHire.objects.filter(job_application=job_application, cancelled_at__isnull=True).first()
    if hire is None:
        return
    approval = _lock_approval(hire.approval)
    hire.cancelled_at = now
    hire.save(update_fields=["cancelled_at"])
    if not approval.hires.filter(cancelled_at__isnull=True).exists():
        approval.cancelled_at = now
        approval.save(update_fields=["cancelled_at"])
        employee_records.disable_for_cancelled_approval(approval)


def _check_last_employer(acting_user, company, approval) -> None:
    if not perms.is_last_employer(acting_user, company, approval):
        raise PermissionDenied("Seul l'employeur de la dernière embauche agit sur ce PASS IAE.")


@transaction.atomic
def suspension_create(
    *, acting_user, company, approval: Approval, start_at: datetime.date, end_at: datetime.date, reason: str
) -> Suspension:
    """Suspend the PASS; its end date moves by the suspended days. The PASS row is locked
    so that two suspensions entered at once cannot overlap."""
    approval = _lock_approval(approval)
    _check_last_employer(acting_user, company, approval)
    others = list(approval.suspensions.values_list("start_at", "end_at"))
    if errors := rules.suspension_errors(
        start_at=start_at,
        end_at=end_at,
        reason=reason,
        company_kind=company.kind,
        approval_start_at=approval.start_at,
        approval_end_at=approval.end_at,
        other_suspensions=others,
        today=timezone.localdate(),
        last_hire_start_at=perms.last_hire(approval).hiring_start_at,
    ):
        raise ValidationError(errors)
    suspension = Suspension.objects.create(
        approval=approval, start_at=start_at, end_at=end_at, reason=reason, company=company, created_by=acting_user
    )
    approval.end_at += datetime.timedelta(days=suspension.days)
    _save_dates(approval)
    return suspension


def _lock_suspension(acting_user, company, suspension: Suspension) -> tuple[Approval, Suspension]:
    approval = _lock_approval(suspension.approval)
    _check_last_employer(acting_user, company, approval)
    suspension = Suspension.objects.select_for_update(no_key=True).filter(pk=suspension.pk, approval=approval).first()
    if suspension is None:
        raise ValidationError("Cette suspension n'existe plus.")
    return approval, suspension


def _shift_end(approval: Approval, days: int) -> None:
    approval.end_at += datetime.timedelta(days=days)
    approval.save(update_fields=["end_at"])


@transaction.atomic
def suspension_update_end(*, acting_user, company, suspension: Suspension, end_at: datetime.date) -> Suspension:
    """Change the end date of a suspension; the PASS end moves by the same number of days."""
    approval, suspension = _lock_suspension(acting_user, company, suspension)
    others = list(approval.suspensions.exclude(pk=suspension.pk).values_list("start_at", "end_at"))
    if errors := rules.suspension_end_update_errors(
        start_at=suspension.start_at, new_end_at=end_at, other_suspensions=others, today=timezone.localdate()
    ):
        raise ValidationError(errors)
    _shift_end(approval, (end_at - suspension.end_at).days)
    suspension.end_at = end_at
    suspension.save(update_fields=["end_at"])
    return suspension


@transaction.atomic
def suspension_lift(*, acting_user, company, suspension: Suspension) -> Suspension | None:
    """ "Lever la suspension": the employee is back at work today; the suspension ends
    yesterday (removed when it started today) and the PASS end is recomputed (the days no
    longer suspended come off). Returns the suspension, or None when removed."""
    approval, suspension = _lock_suspension(acting_user, company, suspension)
    new_end, error = rules.suspension_lift_end(
        start_at=suspension.start_at, end_at=suspension.end_at, today=timezone.localdate()
    )
    if error:
        raise ValidationError(error)
    _shift_end(approval, -(suspension.end_at - new_end).days)
    if new_end < suspension.start_at:
        suspension.delete()
        return None
    suspension.end_at = new_end
    suspension.save(update_fields=["end_at"])
    return suspension


@transaction.atomic
def suspension_delete(*, acting_user, company, suspension: Suspension) -> None:
    """Delete a suspension that has not started (an input mistake): the PASS end loses its days."""
    approval, suspension = _lock_suspension(acting_user, company, suspension)
    if not rules.suspension_can_be_deleted(suspension.start_at, today=timezone.localdate()):
        raise ValidationError("Cette suspension a commencé : elle ne peut plus être supprimée, mais peut être levée.")
    _shift_end(approval, -suspension.days)
    suspension.delete()


def _prolongation_errors(approval, *, reason, end_at, company, today) -> list[str]:
    previous = list(approval.prolongations.values_list("reason", "start_at", "end_at"))
    profile = getattr(approval.job_seeker, "jobseeker_profile", None)
    return rules.prolongation_errors(
        reason=reason,
        end_at=end_at,
        company_kind=company.kind,
        approval_end_at=approval.end_at,
        is_suspended=approval.status(today) == "suspended",
        previous=previous,
        birthdate=getattr(profile, "birthdate", None),
        today=today,
    )


def _prolong(approval, *, reason, end_at, company, declared_by, validated_by) -> Prolongation:
    prolongation = Prolongation.objects.create(
        approval=approval,
        start_at=approval.end_at,
        end_at=end_at,
        reason=reason,
        company=company,
        declared_by=declared_by,
        validated_by=validated_by,
    )
    approval.end_at = end_at
    _save_dates(approval)
    return prolongation


@transaction.atomic
def prolongation_declare(*, acting_user, company, approval: Approval, reason: str, end_at: datetime.date):
    """A prolongation the employer declares itself (reasons without a prescriber)."""
    approval = _lock_approval(approval)
    _check_last_employer(acting_user, company, approval)
    if rules.PROLONGATION_RULES[reason].needs_prescriber:
        raise ValidationError("Ce motif demande l'accord d'un prescripteur habilité : faites une demande.")
    if errors := _prolongation_errors(
        approval, reason=reason, end_at=end_at, company=company, today=timezone.localdate()
    ):
        raise ValidationError(errors)
    return _prolong(approval, reason=reason, end_at=end_at, company=company, declared_by=acting_user, validated_by=None)


@transaction.atomic
def prolongation_request_create(
    *,
    acting_user,
    company,
    approval: Approval,
    reason: str,
    end_at: datetime.date,
    prescriber_organization,
    explanation: str = "",
) -> ProlongationRequest:
    approval = _lock_approval(approval)
    _check_last_employer(acting_user, company, approval)
    if not rules.PROLONGATION_RULES[reason].needs_prescriber:
        raise ValidationError("Ce motif ne demande pas l'accord d'un prescripteur : déclarez la prolongation.")
    if not prescriber_organization.is_authorized:
        raise ValidationError("Choisissez une organisation de prescripteurs habilités.")
    if approval.prolongation_requests.filter(status=ProlongationRequestStatus.PENDING).exists():
        raise ValidationError("Une demande de prolongation est déjà en attente pour ce PASS IAE.")
    if errors := _prolongation_errors(
        approval, reason=reason, end_at=end_at, company=company, today=timezone.localdate()
    ):
        raise ValidationError(errors)
    request = ProlongationRequest.objects.create(
        approval=approval,
        reason=reason,
        end_at=end_at,
        explanation=explanation.strip(),
        company=company,
        declared_by=acting_user,
        prescriber_organization=prescriber_organization,
    )
    transaction.on_commit(lambda: notifications.prolongation_request_notify_created(request))
    return request


def _lock_request(request: ProlongationRequest) -> ProlongationRequest:
    return (
        ProlongationRequest.objects.select_for_update(no_key=True, of=("self",))
        .select_related("approval__job_seeker", "company", "declared_by", "prescriber_organization")
        .get(pk=request.pk)
    )


@transaction.atomic
def prolongation_request_grant(*, acting_user, organization, request: ProlongationRequest) -> ProlongationRequest:
    request = _lock_request(request)
    if not perms.can_answer_request(acting_user, organization, request):
        raise PermissionDenied
    status = check_transition(request.status, "grant")
    approval = _lock_approval(request.approval)
    # The window is judged on the day of the request; the rest on the PASS as it is now.
    if errors := _prolongation_errors(
        approval,
        reason=request.reason,
        end_at=request.end_at,
        company=request.company,
        today=timezone.localdate(request.created_at),
    ):
        raise ValidationError(errors)
    request.prolongation = _prolong(
        approval,
        reason=request.reason,
        end_at=request.end_at,
        company=request.company,
        declared_by=request.declared_by,
        validated_by=organization,
    )
    request.approval = approval
    request.status = status
    request.processed_by = acting_user
    request.processed_at = timezone.now()
    request.save(update_fields=["prolongation", "status", "processed_by", "processed_at"])
    transaction.on_commit(lambda: notifications.prolongation_request_notify_outcome(request))
    return request


@transaction.atomic
def prolongation_request_deny(
    *,
    acting_user,
    organization,
    request: ProlongationRequest,
    deny_reason: str,
    deny_explanation: str = "",
    proposed_actions: str = "",
) -> ProlongationRequest:
    request = _lock_request(request)
    if not perms.can_answer_request(acting_user, organization, request):
        raise PermissionDenied
    request.status = check_transition(request.status, "deny")
    if not deny_reason:
        raise ValidationError("Le motif du refus est obligatoire.")
    request.deny_reason = deny_reason
    request.deny_explanation = deny_explanation.strip()
    request.proposed_actions = proposed_actions.strip()
    request.processed_by = acting_user
    request.processed_at = timezone.now()
    request.save(
        update_fields=["status", "deny_reason", "deny_explanation", "proposed_actions", "processed_by", "processed_at"]
    )
    transaction.on_commit(lambda: notifications.prolongation_request_notify_outcome(request))
    return request
