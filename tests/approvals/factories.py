"""PASS IAE for tests.

`ApprovalFactory()` is a PASS starting today (number from the real sequence);
`hire(approval, company)` records an accepted application of its holder at `company`
(the "last hire" decides who suspends and prolongs).
"""

import datetime

import factory
from django.utils import timezone

from itou.approvals import rules
from itou.approvals.models import Approval, ApprovalHire, next_approval_number
from itou.job_applications.enums import JobApplicationState
from tests.companies.factories import CompanyFactory
from tests.job_applications.factories import JobApplicationFactory
from tests.users.factories import JobSeekerFactory


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


class ApprovalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Approval

    number = factory.LazyFunction(next_approval_number)
    job_seeker = factory.SubFactory(JobSeekerFactory)
    start_at = factory.LazyFunction(timezone.localdate)
    end_at = factory.LazyAttribute(lambda o: rules.approval_end_for_start(o.start_at))


def hire(approval, company=None, *, start_at=None) -> ApprovalHire:
    company = company or CompanyFactory(with_member=True)
    start_at = start_at or approval.start_at
    job_application = JobApplicationFactory(
        job_seeker=approval.job_seeker, to_company=company, state=JobApplicationState.ACCEPTED, hiring_start_at=start_at
    )
    return ApprovalHire.objects.create(
        approval=approval, job_application=job_application, company=company, hiring_start_at=start_at
    )


def member_of(organization):
    return organization.memberships.order_by("pk").first().user
