"""PASS IAE numbers under parallel hires, on the real database (committed data, threads)."""

import pytest
from django.utils import timezone

from itou.approvals.models import Approval
from itou.companies.enums import CompanyKind
from itou.job_applications import services as ja_services
from tests.companies.factories import CompanyFactory
from tests.eligibility.factories import IAEDiagnosisFactory
from tests.job_applications.factories import JobApplicationFactory, employer_of
from tests.job_applications.test_race import run_in_parallel
from tests.users.factories import JobSeekerFactory

pytestmark = pytest.mark.django_db(transaction=True)

PARALLEL_HIRES = 8


def test_parallel_hires_never_share_a_number():
    applications = []
    for _ in range(PARALLEL_HIRES):
        job_seeker = JobSeekerFactory()
        IAEDiagnosisFactory(job_seeker=job_seeker)
        applications.append(
            JobApplicationFactory(
                job_seeker=job_seeker, to_company=CompanyFactory(kind=CompanyKind.EI, with_member=True)
            )
        )

    def accept(job_application):
        return lambda: ja_services.job_application_accept(
            acting_user=employer_of(job_application),
            job_application=job_application,
            hiring_start_at=timezone.localdate(),
        )

    results = run_in_parallel(*(accept(ja) for ja in applications))

    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = list(Approval.objects.values_list("number", flat=True))
    assert len(numbers) == PARALLEL_HIRES
    assert len(set(numbers)) == PARALLEL_HIRES


def test_same_job_seeker_hired_twice_at_once_gets_one_pass():
    job_seeker = JobSeekerFactory()
    IAEDiagnosisFactory(job_seeker=job_seeker)
    first, second = (
        JobApplicationFactory(job_seeker=job_seeker, to_company=CompanyFactory(kind=CompanyKind.ACI, with_member=True))
        for _ in range(2)
    )

    def accept(job_application):
        return lambda: ja_services.job_application_accept(
            acting_user=employer_of(job_application),
            job_application=job_application,
            hiring_start_at=timezone.localdate(),
        )

    results = run_in_parallel(accept(first), accept(second))

    assert not [r for r in results if isinstance(r, Exception)], results
    approval = Approval.objects.get()
    assert approval.hires.count() == 2
