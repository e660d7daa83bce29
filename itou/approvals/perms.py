"""Who may see and act on a PASS IAE (one condition a line). Views answer 404 otherwise."""

from django.db.models import Q

from itou.approvals.models import Approval, ApprovalHire, ProlongationRequest
from itou.companies.perms import is_company_member
from itou.prescribers.perms import is_prescriber_organization_member


def last_hire(approval: Approval) -> ApprovalHire | None:
    """The latest hire not cancelled (uses prefetched `hires` when present)."""
    hires = [h for h in approval.hires.all() if h.cancelled_at is None]
    return max(hires, key=lambda h: (h.hiring_start_at, h.pk), default=None)


def company_has_hired(company, approval: Approval) -> bool:
    return any(h.company_id == company.pk and h.cancelled_at is None for h in approval.hires.all())


def can_view_as_employer(user, company, approval: Approval) -> bool:
    return is_company_member(user, company) and company_has_hired(company, approval)


def is_latest_approval(approval: Approval) -> bool:
    """Only the job seeker's latest PASS (the one starting last, not withdrawn) can be
    suspended, prolonged or have a prolongation requested; an older one is read-only.
    One query."""
    return not (
        Approval.objects.not_cancelled()
        .filter(job_seeker_id=approval.job_seeker_id)
        .filter(Q(start_at__gt=approval.start_at) | Q(start_at=approval.start_at, pk__gt=approval.pk))
        .exists()
    )


def is_last_employer(user, company, approval: Approval) -> bool:
    """Only the employer of the last hire suspends or prolongs the PASS, and only the
    job seeker's latest PASS."""
    hire = last_hire(approval)
    return (
        approval.cancelled_at is None
        and hire is not None
        and hire.company_id == company.pk
        and is_company_member(user, company)
        and is_latest_approval(approval)
    )


def can_answer_request(user, organization, request: ProlongationRequest) -> bool:
    """Only a member of the chosen authorized prescriber organization answers."""
    return (
        request.prescriber_organization_id == organization.pk
        and organization.is_authorized
        and is_prescriber_organization_member(user, organization)
    )


def can_view_as_job_seeker(user, approval: Approval) -> bool:
    return user.is_authenticated and approval.job_seeker_id == user.pk
