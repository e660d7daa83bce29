from django.utils import timezone

from itou.approvals.demo import load_demo_approvals
from itou.approvals.enums import ApprovalStatus, ProlongationRequestStatus
from itou.approvals.models import Approval
from itou.approvals.queries import last_approval_end
from itou.approvals.rules import in_waiting_period
from itou.companies.enums import CompanyKind
from itou.demo.world import PASS_JOB_SEEKERS
from tests.companies.factories import CompanyFactory
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory


def test_one_pass_of_each_situation():
    CompanyFactory(kind=CompanyKind.ACI, with_member=True)
    PrescriberOrganizationFactory(authorized=True, with_member=True)
    # The demo's employees (itou.demo.world.PASS_JOB_SEEKERS).
    for demo in PASS_JOB_SEEKERS:
        JobSeekerFactory(email=demo.person.email)
    assert load_demo_approvals() == 5
    today = timezone.localdate()
    statuses = sorted(approval.status() for approval in Approval.objects.all())
    assert statuses == sorted(
        [
            ApprovalStatus.VALID,
            ApprovalStatus.SUSPENDED,
            ApprovalStatus.VALID,
            ApprovalStatus.EXPIRED,
            ApprovalStatus.EXPIRED,
        ]
    )
    ending = Approval.objects.get(prolongation_requests__status=ProlongationRequestStatus.PENDING)
    assert ending.expires_soon(today)
    waiting = [a for a in Approval.objects.all() if in_waiting_period(last_approval_end(a.job_seeker), at=today)]
    assert len(waiting) == 1
    # A second run changes nothing.
    assert load_demo_approvals() == 0


def test_nothing_without_a_world():
    assert load_demo_approvals() == 0
