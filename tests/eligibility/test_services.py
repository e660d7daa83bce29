"""Making diagnoses: who may, with which criteria, what is stored."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from itou.companies.enums import CompanyKind
from itou.eligibility import rules
from itou.eligibility.enums import AuthorKind
from itou.eligibility.services import eligibility_diagnosis_create, geiq_eligibility_diagnosis_create
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.eligibility.factories import criteria, geiq_criteria
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory


def member(organization):
    return organization.memberships.get().user


def test_authorized_prescriber_makes_a_diagnosis_without_minimum():
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    job_seeker = JobSeekerFactory()
    now = timezone.make_aware(datetime.datetime(2026, 1, 15, 10))
    diagnosis = eligibility_diagnosis_create(
        acting_user=member(organization), job_seeker=job_seeker, author_organization=organization, criteria=[], now=now
    )
    assert diagnosis.author_kind == AuthorKind.PRESCRIBER
    assert diagnosis.author_prescriber_organization == organization
    assert diagnosis.author == member(organization)
    assert diagnosis.expires_at == datetime.date(2026, 7, 15)


def test_orienteur_cannot_make_a_diagnosis():
    organization = PrescriberOrganizationFactory(with_member=True)  # not authorized
    with pytest.raises(PermissionDenied):
        eligibility_diagnosis_create(
            acting_user=member(organization),
            job_seeker=JobSeekerFactory(),
            author_organization=organization,
            criteria=[],
        )


def test_non_member_cannot_make_a_diagnosis_for_an_organization():
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    company = CompanyFactory(with_member=True)
    for org in (organization, company):
        with pytest.raises(PermissionDenied):
            eligibility_diagnosis_create(
                acting_user=ProfessionalFactory(), job_seeker=JobSeekerFactory(), author_organization=org, criteria=[]
            )


@pytest.mark.parametrize("kind", [CompanyKind.GEIQ, CompanyKind.EA, CompanyKind.EATT, CompanyKind.OPCS])
def test_non_siae_cannot_make_an_iae_diagnosis(kind):
    company = CompanyFactory(kind=kind, with_member=True)
    with pytest.raises(PermissionDenied):
        eligibility_diagnosis_create(
            acting_user=member(company),
            job_seeker=JobSeekerFactory(),
            author_organization=company,
            criteria=[criteria()["RSA"]],
        )


def test_siae_diagnosis_follows_the_rules_and_lasts_92_days():
    company = CompanyFactory(kind=CompanyKind.ACI, with_member=True)
    by_kind = criteria()
    with pytest.raises(ValidationError) as error:
        eligibility_diagnosis_create(
            acting_user=member(company),
            job_seeker=JobSeekerFactory(),
            author_organization=company,
            criteria=[by_kind["CAP_BEP"], by_kind["TH"]],
        )
    assert "au moins 3 critères de niveau 2" in error.value.message_dict["administrative_criteria"][0]
    now = timezone.make_aware(datetime.datetime(2026, 1, 15, 10))
    diagnosis = eligibility_diagnosis_create(
        acting_user=member(company),
        job_seeker=JobSeekerFactory(),
        author_organization=company,
        criteria=[by_kind["CAP_BEP"], by_kind["TH"], by_kind["PI"]],
        now=now,
    )
    assert diagnosis.author_kind == AuthorKind.EMPLOYER
    assert diagnosis.author_company == company
    assert diagnosis.expires_at == datetime.date(2026, 4, 17)
    assert {c.kind for c in diagnosis.administrative_criteria.all()} == {"CAP_BEP", "TH", "PI"}


def test_exclusive_pair_refused_even_for_a_prescriber():
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    by_kind = criteria()
    with pytest.raises(ValidationError):
        eligibility_diagnosis_create(
            acting_user=member(organization),
            job_seeker=JobSeekerFactory(),
            author_organization=organization,
            criteria=[by_kind["SENIOR"], by_kind["JEUNE"]],
        )


def test_diagnosis_is_for_a_job_seeker():
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    with pytest.raises(ValidationError):
        eligibility_diagnosis_create(
            acting_user=member(organization),
            job_seeker=ProfessionalFactory(),
            author_organization=organization,
            criteria=[],
        )


def test_geiq_diagnosis_by_the_geiq_with_aid_amount():
    geiq = CompanyFactory(kind=CompanyKind.GEIQ, with_member=True)
    by_kind = geiq_criteria()
    with pytest.raises(ValidationError):
        geiq_eligibility_diagnosis_create(
            acting_user=member(geiq), job_seeker=JobSeekerFactory(), author_organization=geiq, criteria=[]
        )
    diagnosis = geiq_eligibility_diagnosis_create(
        acting_user=member(geiq), job_seeker=JobSeekerFactory(), author_organization=geiq, criteria=[by_kind["DE_45"]]
    )
    assert diagnosis.aid_amount == rules.GEIQ_AID_REDUCED == 814
    assert diagnosis.expires_at == timezone.localdate(diagnosis.created_at) + rules.GEIQ_DIAGNOSIS_VALIDITY


def test_geiq_diagnosis_by_a_prescriber_gives_the_full_aid():
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    diagnosis = geiq_eligibility_diagnosis_create(
        acting_user=member(organization), job_seeker=JobSeekerFactory(), author_organization=organization, criteria=[]
    )
    assert diagnosis.aid_amount == 1400


@pytest.mark.parametrize("kind", [CompanyKind.ACI, CompanyKind.EA])
def test_only_a_geiq_makes_a_geiq_diagnosis(kind):
    company = CompanyFactory(kind=kind, with_member=True)
    with pytest.raises(PermissionDenied):
        geiq_eligibility_diagnosis_create(
            acting_user=member(company),
            job_seeker=JobSeekerFactory(),
            author_organization=company,
            criteria=[geiq_criteria()["DE_45"]],
        )


def test_inactive_member_cannot():
    company = CompanyFactory(kind=CompanyKind.AI)
    user = CompanyMembershipFactory(company=company, is_active=False).user
    with pytest.raises(PermissionDenied):
        eligibility_diagnosis_create(
            acting_user=user, job_seeker=JobSeekerFactory(), author_organization=company, criteria=[criteria()["RSA"]]
        )


@pytest.mark.parametrize("geiq", [False, True])
def test_renewing_a_diagnosis_ends_the_previous_one_of_the_same_author(geiq):
    create = geiq_eligibility_diagnosis_create if geiq else eligibility_diagnosis_create
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    other = PrescriberOrganizationFactory(authorized=True, with_member=True)
    job_seeker = JobSeekerFactory()
    day_0 = timezone.make_aware(datetime.datetime(2026, 1, 15, 10))
    renewal = timezone.make_aware(datetime.datetime(2026, 3, 2, 9))
    first = create(
        acting_user=member(organization),
        job_seeker=job_seeker,
        author_organization=organization,
        criteria=[],
        now=day_0,
    )
    other_one = create(
        acting_user=member(other), job_seeker=job_seeker, author_organization=other, criteria=[], now=day_0
    )
    second = create(
        acting_user=member(organization),
        job_seeker=job_seeker,
        author_organization=organization,
        criteria=[],
        now=renewal,
    )
    first.refresh_from_db()
    other_one.refresh_from_db()
    # The previous one expires on the renewal day: valid the day before, not on the day.
    assert first.expires_at == datetime.date(2026, 3, 2)
    assert not first.is_expired(at=renewal - datetime.timedelta(days=1))
    assert first.is_expired(at=renewal)
    assert second.expires_at == datetime.date(2026, 9, 2)
    # Another author's diagnosis is left alone.
    assert other_one.expires_at == datetime.date(2026, 7, 15)
