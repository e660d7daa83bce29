"""Control campaigns for tests: self-prescribed hires in scope, campaigns, drawn samples."""

import datetime

from itou.approvals.models import ApprovalHire
from itou.control import draw, services
from itou.control.models import Campaign
from itou.eligibility.enums import AuthorKind
from itou.job_applications.enums import JobApplicationState, SenderKind
from tests.approvals.factories import ApprovalFactory
from tests.companies.factories import CompanyFactory
from tests.eligibility.factories import IAEDiagnosisFactory
from tests.institutions.factories import InstitutionFactory
from tests.job_applications.factories import JobApplicationFactory

PERIOD_START = datetime.date(2025, 1, 1)
PERIOD_END = datetime.date(2025, 12, 31)
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\n"
    b"endobj\nxref\n0 3\n0000000000 65535 f \ntrailer\n<< /Root 1 0 R /Size 3 >>\nstartxref\n9\n%%EOF\n"
)


def pdf_file(name="justificatif.pdf", content=PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def self_prescribed_hire(company, *, start=datetime.date(2025, 3, 3), criteria=("RSA",)):
    """An accepted self-prescription in scope: the SIAE's own diagnosis, a PASS created by this hire."""
    diagnosis = IAEDiagnosisFactory(author_kind=AuthorKind.EMPLOYER, author_company=company, criteria=list(criteria))
    job_application = JobApplicationFactory(
        job_seeker=diagnosis.job_seeker,
        to_company=company,
        sent_by_employer=True,
        state=JobApplicationState.ACCEPTED,
        hiring_start_at=start,
        eligibility_diagnosis=diagnosis,
        with_eligibility_diagnosis=False,
    )
    assert job_application.sender_kind == SenderKind.EMPLOYER
    approval = ApprovalFactory(job_seeker=diagnosis.job_seeker, start_at=start)
    ApprovalHire.objects.create(
        approval=approval, job_application=job_application, company=company, hiring_start_at=start
    )
    return job_application


def campaign_for(institution=None, **kwargs) -> Campaign:
    institution = institution or InstitutionFactory(with_member=True)
    defaults = {
        "name": services.campaign_name(PERIOD_START, PERIOD_END),
        "period_start": PERIOD_START,
        "period_end": PERIOD_END,
        "ratio_deadline": datetime.date(2026, 6, 11),
        "submission_deadline": datetime.date(2026, 7, 23),
        "adversarial_deadline": datetime.date(2026, 10, 13),
        "sanctions_deadline": datetime.date(2027, 3, 28),
    }
    return Campaign.objects.create(institution=institution, **(defaults | kwargs))


def drawn_campaign(*, hires=2, company=None, institution=None, criteria=("RSA",)):
    """A campaign of the Rhône DDETS drawn with one ACI of `hires` hires (all drawn when ≤ 10)."""
    company = company or CompanyFactory(with_member=True, post_code="69007")
    for i in range(hires):
        self_prescribed_hire(company, start=datetime.date(2025, 3, 3) + datetime.timedelta(days=i), criteria=criteria)
    campaign = campaign_for(institution)
    assert draw.draw_campaign(campaign.pk)
    campaign.refresh_from_db()
    return campaign, campaign.siaes.get(company=company)
