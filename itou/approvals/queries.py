"""Reads of PASS IAE, limited to what each user may see."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from itou.approvals import perms
from itou.approvals.enums import ProlongationRequestStatus
from itou.approvals.models import Approval, ApprovalHire, ProlongationRequest, Suspension


def _as_date(at) -> datetime.date:
    if at is None:
        return timezone.localdate()
    if isinstance(at, datetime.datetime):
        return timezone.localdate(at) if timezone.is_aware(at) else at.date()
    return at


def job_seeker_has_valid_approval(job_seeker, at=None) -> bool:
    """Whether the job seeker holds a PASS IAE not withdrawn and not over at `at` (a date
    or a datetime; today by default). A PASS starting later (contract not begun yet) or
    suspended counts: it is still the job seeker's PASS. One query."""
    return Approval.objects.not_cancelled().filter(job_seeker=job_seeker, end_at__gte=_as_date(at)).exists()


def valid_approval_for(job_seeker, at=None) -> Approval | None:
    return (
        Approval.objects.not_cancelled()
        .filter(job_seeker=job_seeker, end_at__gte=_as_date(at))
        .order_by("start_at", "pk")
        .first()
    )


def last_approval_end(job_seeker) -> datetime.date | None:
    last = Approval.objects.not_cancelled().filter(job_seeker=job_seeker).order_by("-end_at").first()
    return last.end_at if last else None


def _detail_queryset():
    return Approval.objects.select_related(
        "job_seeker",
        "created_by",
        "eligibility_diagnosis__author_prescriber_organization",
        "eligibility_diagnosis__author_company",
    ).prefetch_related(
        Prefetch("hires", queryset=ApprovalHire.objects.select_related("company")),
        "suspensions",
        "prolongations__validated_by",
        Prefetch(
            "prolongation_requests", queryset=ProlongationRequest.objects.select_related("prescriber_organization")
        ),
    )


def company_approvals_list(
    company,
    *,
    today: datetime.date,
    status: str = "",
    expires_soon: bool = False,
    suspension_ends_within: datetime.timedelta | None = None,
    prolongation: str = "",
    answered_since: datetime.datetime | None = None,
    name: str = "",
):
    """The employer's PASS list, filtered in SQL: status and "expires soon" are SQL
    expressions (`Approval.objects.with_status`), so the caller paginates with LIMIT and
    only the rows of the page are read. Soonest end first. The holders are read by one
    more query for the page's 20 PASS only: joined, PostgreSQL would read the holder of
    every PASS of the employer before sorting them."""
    approvals = Approval.objects.for_company(company).with_status(today).prefetch_related("job_seeker")
    if name:
        approvals = approvals.filter(
            Q(job_seeker__last_name__icontains=name) | Q(job_seeker__first_name__icontains=name)
        )
    if status:
        approvals = approvals.filter(sql_status=status)
    if expires_soon:
        approvals = approvals.filter(sql_expires_soon=True)
    if suspension_ends_within is not None:
        approvals = approvals.filter(
            Exists(
                Suspension.objects.filter(
                    approval=OuterRef("pk"), end_at__gte=today, end_at__lte=today + suspension_ends_within
                )
            )
        )
    if prolongation:
        own_requests = ProlongationRequest.objects.filter(approval=OuterRef("pk"), company=company)
        if prolongation == "pending":
            own_requests = own_requests.filter(status=ProlongationRequestStatus.PENDING)
        else:
            own_requests = own_requests.exclude(status=ProlongationRequestStatus.PENDING).filter(
                processed_at__gte=answered_since
            )
        approvals = approvals.filter(Exists(own_requests))
    return approvals.order_by("end_at", "pk")


def get_approval_for_company_or_404(user, company, pk) -> Approval:
    approval = _detail_queryset().filter(pk=pk).first()
    if approval is None or not perms.can_view_as_employer(user, company, approval):
        raise Http404
    return approval


def get_approval_for_job_seeker_or_404(user, pk) -> Approval:
    approval = _detail_queryset().filter(pk=pk, job_seeker=user).first()
    if approval is None:
        raise Http404
    return approval


def job_seeker_approvals(user):
    return _detail_queryset().filter(job_seeker=user).order_by("-start_at", "-pk")


def prescriber_requests(organization):
    return (
        ProlongationRequest.objects.for_prescriber_organization(organization)
        .select_related("approval__job_seeker", "company", "declared_by")
        .order_by("status", "-created_at", "-pk")
    )


def get_request_for_prescriber_or_404(user, organization, pk) -> ProlongationRequest:
    request = prescriber_requests(organization).filter(pk=pk).first()
    if request is None or not perms.can_answer_request(user, organization, request):
        raise Http404
    return request


def find_by_number(number: str) -> Approval | None:
    """The public verification: spaces and case ignored."""
    number = "".join(number.split()).upper()
    if not number:
        return None
    return (
        Approval.objects.select_related("job_seeker__jobseeker_profile")
        .prefetch_related("suspensions")
        .filter(Q(number=number))
        .first()
    )
