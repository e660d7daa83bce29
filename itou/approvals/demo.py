"""PASS IAE of the demo world: one of each situation, for testers.

`load_demo_approvals()` is meant to be called at the end of `itou.demo.world.load_demo`,
after `load_demo_job_applications()`. For five demo job seekers without a PASS IAE, it
records a past hire at a demo SIAE (an accepted application, with its "create" and
"accept" log rows) and the PASS IAE that went with it, backdated:

- a valid PASS IAE (started 3 months ago);
- a suspended one (contract suspended since 10 days, for 2 months);
- one in its last 3 months, with a pending prolongation request (RQTH) to the first
  authorized prescriber organization of the demo;
- one in its waiting period (ended 6 months ago);
- an expired one, past its waiting period (ended 3 years ago).

History is written directly (the rules forbid backdating this far through the services),
with the same shape as the services' rows. Idempotent: does nothing if these job seekers already have a PASS IAE.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from itou.approvals import rules
from itou.approvals.enums import ProlongationReason, SuspensionReason
from itou.approvals.models import Approval, ApprovalHire, ProlongationRequest, Suspension, next_approval_number
from itou.companies.enums import SIAE_KINDS
from itou.companies.models import Company
from itou.eligibility.models import EligibilityDiagnosis
from itou.job_applications.enums import JobApplicationState, SenderKind
from itou.job_applications.models import JobApplication, JobApplicationTransitionLog
from itou.prescribers.models import PrescriberOrganization
from itou.users.models import User

days = datetime.timedelta

# (label, contract start relative to today)
SCENARIOS = (
    ("valid", -90),
    ("suspended", -200),
    ("ending_with_request", -(730 - 60)),
    ("waiting_period", -(730 + 180)),
    ("expired", -(730 + 3 * 365)),
)


def _admin_of(organization) -> User | None:
    membership = organization.memberships.filter(is_active=True).order_by("-is_admin", "pk").first()
    return membership.user if membership else None


def _hire(job_seeker, company, employer, start_at) -> JobApplication:
    created = timezone.make_aware(datetime.datetime.combine(start_at - days(7), datetime.time(10)))
    job_application = JobApplication.objects.create(
        job_seeker=job_seeker,
        to_company=company,
        sender=employer,
        sender_kind=SenderKind.EMPLOYER,
        sender_company=company,
        message="Candidature enregistrée par la structure après un entretien sur place.",
        state=JobApplicationState.ACCEPTED,
        hiring_start_at=start_at,
        created_at=created,
        processed_at=created + days(2),
    )
    JobApplicationTransitionLog.objects.create(
        job_application=job_application,
        transition="create",
        from_state=JobApplicationState.NEW,
        to_state=JobApplicationState.NEW,
        user=employer,
        timestamp=created,
    )
    JobApplicationTransitionLog.objects.create(
        job_application=job_application,
        transition="accept",
        from_state=JobApplicationState.NEW,
        to_state=JobApplicationState.ACCEPTED,
        user=employer,
        details={"hiring_start_at": start_at.isoformat()},
        timestamp=created + days(2),
    )
    return job_application


@transaction.atomic
def load_demo_approvals() -> int:
    """Returns how many PASS IAE it created (0 when they were already there)."""
    companies = [c for c in Company.objects.filter(kind__in=SIAE_KINDS).order_by("pk") if _admin_of(c)]
    prescriber = PrescriberOrganization.objects.authorized().order_by("pk").first()
    # The demo's employees declared for this (itou.demo.world.PASS_JOB_SEEKERS), in SCENARIOS order.
    from itou.demo.world import PASS_JOB_SEEKERS

    emails = [demo.person.email for demo in PASS_JOB_SEEKERS]
    by_email = {user.email: user for user in User.objects.job_seekers().filter(email__in=emails)}
    job_seekers = [by_email[email] for email in emails if email in by_email]
    if Approval.objects.filter(job_seeker__in=job_seekers).exists():
        return 0  # already loaded (the demo's hires have PASS IAE of their own)
    if not companies or len(job_seekers) < len(SCENARIOS):
        return 0
    today = timezone.localdate()
    for index, ((label, offset), job_seeker) in enumerate(zip(SCENARIOS, job_seekers, strict=True)):
        company = companies[index % len(companies)]
        employer = _admin_of(company)
        start_at = today + days(offset)
        job_application = _hire(job_seeker, company, employer, start_at)
        approval = Approval.objects.create(
            number=next_approval_number(),
            job_seeker=job_seeker,
            start_at=start_at,
            end_at=rules.approval_end_for_start(start_at),
            created_at=job_application.processed_at,
            # The diagnosis it was issued on (shown on the PASS page), when the demo has one.
            eligibility_diagnosis=EligibilityDiagnosis.objects.filter(job_seeker=job_seeker)
            .order_by("-created_at", "-pk")
            .first(),
        )
        ApprovalHire.objects.create(
            approval=approval, job_application=job_application, company=company, hiring_start_at=start_at
        )
        if label == "suspended":
            suspension = Suspension.objects.create(
                approval=approval,
                start_at=today - days(10),
                end_at=today + days(50),
                reason=SuspensionReason.CONTRACT_SUSPENDED,
                company=company,
                created_by=employer,
            )
            approval.end_at += days(suspension.days)
            approval.save(update_fields=["end_at"])
        elif label == "ending_with_request" and prescriber is not None:
            ProlongationRequest.objects.create(
                approval=approval,
                reason=ProlongationReason.RQTH,
                end_at=approval.end_at + days(365),
                explanation="Le poste doit être adapté (RQTH obtenue le mois dernier) ; la personne progresse bien.",
                company=company,
                declared_by=employer,
                prescriber_organization=prescriber,
            )
    return len(SCENARIOS)
