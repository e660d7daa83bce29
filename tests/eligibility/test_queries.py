"""Validity in time, the PASS IAE extension, precedence and visibility of diagnoses."""

import datetime

import pytest
from django.utils import timezone

from itou.eligibility.queries import get_valid_diagnosis, get_valid_geiq_diagnosis
from tests.companies.factories import CompanyFactory
from tests.eligibility.factories import GEIQDiagnosisFactory, IAEDiagnosisFactory, employer_diagnosis
from tests.users.factories import JobSeekerFactory

NO_APPROVAL = lambda job_seeker, at: False  # noqa: E731
WITH_APPROVAL = lambda job_seeker, at: True  # noqa: E731


def at_day(created_at, days):
    """Noon of the local day `days` after the creation day (day 0)."""
    day = timezone.localdate(created_at) + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.mark.parametrize("days,valid", [(0, True), (91, True), (92, False), (93, False)])
def test_employer_diagnosis_is_valid_92_days(days, valid):
    company = CompanyFactory(with_member=True)
    diagnosis = employer_diagnosis(company)
    at = at_day(diagnosis.created_at, days)
    assert diagnosis.is_valid(at=at, has_valid_approval=NO_APPROVAL) is valid
    found = get_valid_diagnosis(
        job_seeker=diagnosis.job_seeker, for_company=company, at=at, has_valid_approval=NO_APPROVAL
    )
    assert (found == diagnosis) is valid


def test_employer_diagnosis_made_late_in_the_evening_counts_its_local_day():
    company = CompanyFactory(with_member=True)
    created_at = timezone.make_aware(datetime.datetime(2026, 1, 15, 23, 30))
    diagnosis = employer_diagnosis(company, created_at=created_at)
    assert diagnosis.expires_at == datetime.date(2026, 4, 17)
    assert diagnosis.is_valid(
        at=timezone.make_aware(datetime.datetime(2026, 4, 16, 23, 59)), has_valid_approval=NO_APPROVAL
    )
    assert not diagnosis.is_valid(
        at=timezone.make_aware(datetime.datetime(2026, 4, 17, 0, 0)), has_valid_approval=NO_APPROVAL
    )


@pytest.mark.parametrize(
    "at,valid",
    [
        (datetime.datetime(2026, 7, 14, 23, 59), True),
        (datetime.datetime(2026, 7, 15, 0, 1), False),
    ],
)
def test_prescriber_diagnosis_is_valid_6_months(at, valid):
    diagnosis = IAEDiagnosisFactory(created_at=timezone.make_aware(datetime.datetime(2026, 1, 15, 10)))
    assert diagnosis.expires_at == datetime.date(2026, 7, 15)
    at = timezone.make_aware(at)
    assert diagnosis.is_valid(at=at, has_valid_approval=NO_APPROVAL) is valid
    assert (
        get_valid_diagnosis(job_seeker=diagnosis.job_seeker, at=at, has_valid_approval=NO_APPROVAL) == diagnosis
    ) is valid


def test_a_valid_pass_iae_keeps_an_expired_diagnosis_valid():
    company = CompanyFactory(with_member=True)
    diagnosis = employer_diagnosis(company)
    at = at_day(diagnosis.created_at, 400)
    assert not diagnosis.is_valid(at=at, has_valid_approval=NO_APPROVAL)
    assert diagnosis.is_valid(at=at, has_valid_approval=WITH_APPROVAL)
    assert (
        get_valid_diagnosis(
            job_seeker=diagnosis.job_seeker, for_company=company, at=at, has_valid_approval=WITH_APPROVAL
        )
        == diagnosis
    )


def test_prescriber_diagnosis_takes_precedence_over_a_newer_employer_one():
    company = CompanyFactory(with_member=True)
    job_seeker = JobSeekerFactory()
    prescriber = IAEDiagnosisFactory(job_seeker=job_seeker, created_at=timezone.now() - datetime.timedelta(days=30))
    employer_diagnosis(company, job_seeker=job_seeker)
    assert get_valid_diagnosis(job_seeker=job_seeker, for_company=company, has_valid_approval=NO_APPROVAL) == prescriber


def test_newest_prescriber_diagnosis_first():
    job_seeker = JobSeekerFactory()
    IAEDiagnosisFactory(job_seeker=job_seeker, created_at=timezone.now() - datetime.timedelta(days=30))
    newest = IAEDiagnosisFactory(job_seeker=job_seeker)
    assert get_valid_diagnosis(job_seeker=job_seeker, has_valid_approval=NO_APPROVAL) == newest


def test_another_company_does_not_see_an_employer_diagnosis():
    company, other = CompanyFactory(with_member=True), CompanyFactory(with_member=True)
    diagnosis = employer_diagnosis(company)
    job_seeker = diagnosis.job_seeker
    assert get_valid_diagnosis(job_seeker=job_seeker, for_company=company, has_valid_approval=NO_APPROVAL) == diagnosis
    assert get_valid_diagnosis(job_seeker=job_seeker, for_company=other, has_valid_approval=NO_APPROVAL) is None
    assert get_valid_diagnosis(job_seeker=job_seeker, has_valid_approval=NO_APPROVAL) is None


def test_expired_prescriber_diagnosis_falls_back_to_the_company_one():
    company = CompanyFactory(with_member=True)
    job_seeker = JobSeekerFactory()
    IAEDiagnosisFactory(job_seeker=job_seeker, created_at=timezone.now() - datetime.timedelta(days=250))
    own = employer_diagnosis(company, job_seeker=job_seeker)
    assert get_valid_diagnosis(job_seeker=job_seeker, for_company=company, has_valid_approval=NO_APPROVAL) == own


@pytest.mark.parametrize("days,valid", [(0, True), (180, True), (181, False)])  # 14 July valid, 15 July not
def test_geiq_diagnosis_validity_and_visibility(days, valid):
    geiq, other = CompanyFactory(kind="GEIQ", with_member=True), CompanyFactory(kind="GEIQ", with_member=True)
    created_at = timezone.make_aware(datetime.datetime(2026, 1, 15, 10))
    diagnosis = GEIQDiagnosisFactory(author_kind="employer", author_company=geiq, created_at=created_at)
    assert diagnosis.expires_at == datetime.date(2026, 7, 15)
    at = at_day(created_at, days)
    assert diagnosis.is_valid(at=at) is valid
    assert (get_valid_geiq_diagnosis(job_seeker=diagnosis.job_seeker, for_company=geiq, at=at) == diagnosis) is valid
    assert get_valid_geiq_diagnosis(job_seeker=diagnosis.job_seeker, for_company=other, at=at) is None
