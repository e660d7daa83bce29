import pytest

from itou.companies.enums import CompanyKind
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.helpers import freeze_time
from tests.job_applications.factories import JobApplicationFactory, employer_of
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory


class Cast:
    """The fixed cast around one application: its employer, a colleague, the prescriber who
    sent it, the job seeker, another employer, another prescriber organization, an outsider."""

    def __init__(self, *, company_kind=CompanyKind.ACI, sent_by_prescriber=True, **application_kwargs):
        self.company = CompanyFactory(kind=company_kind, with_member=True)
        self.job_application = JobApplicationFactory(
            to_company=self.company, sent_by_prescriber=sent_by_prescriber, **application_kwargs
        )
        self.employer = employer_of(self.job_application)
        self.colleague = CompanyMembershipFactory(company=self.company, is_admin=False).user
        self.prescriber = self.job_application.sender
        self.job_seeker = self.job_application.job_seeker
        self.other_employer = CompanyFactory(with_member=True).memberships.get().user
        self.other_prescriber = PrescriberOrganizationFactory(authorized=True, with_member=True).memberships.get().user
        self.outsider = ProfessionalFactory()
        self.other_job_seeker = JobSeekerFactory()


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture(autouse=True)
def _frozen_time(time_machine):
    """Every test here runs at tests.helpers.FROZEN_NOW: no wall-clock dependency."""
    freeze_time(time_machine)
