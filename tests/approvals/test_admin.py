"""Back-office: staff issue by hand the PASS IAE of a hire without NIR nor France Travail id."""

from django.urls import reverse
from django.utils import timezone

from itou.approvals.enums import ApprovalOrigin
from itou.approvals.models import Approval, PendingApprovalRequest
from itou.job_applications import services as ja_services
from tests.companies.factories import login_as_staff
from tests.eligibility.factories import IAEDiagnosisFactory
from tests.job_applications.factories import JobApplicationFactory, employer_of
from tests.users.factories import JobSeekerFactory


def test_staff_issue_a_pending_pass(client):
    job_seeker = JobSeekerFactory(with_profile__nir="", with_profile__lack_of_nir_reason="NO_NIR")
    IAEDiagnosisFactory(job_seeker=job_seeker)
    job_application = JobApplicationFactory(job_seeker=job_seeker)
    ja_services.job_application_accept(
        acting_user=employer_of(job_application), job_application=job_application, hiring_start_at=timezone.localdate()
    )
    pending = PendingApprovalRequest.objects.get()
    staff = login_as_staff(client)
    url = reverse("admin:approvals_pendingapprovalrequest_changelist")
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "issue_approval", "_selected_action": [pending.pk]}, follow=True)
    approval = Approval.objects.get()
    assert f"PASS IAE n° {approval.display_number} délivré." in response.text
    assert approval.origin == ApprovalOrigin.STAFF and approval.created_by == staff
    assert client.get(reverse("admin:approvals_approval_change", args=[approval.pk])).status_code == 200
