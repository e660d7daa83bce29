"""Eligibility diagnoses for tests.

`criteria()` imports the reference criteria once per test (they are data, not fixtures)
and returns the IAE criteria by kind; `geiq_criteria()` the GEIQ ones.
`IAEDiagnosisFactory(by_prescriber=True)` / `(by_employer=company)` make a diagnosis as the
services would (expiry computed by the rules).
"""

import io

import factory
from django.core.management import call_command
from django.utils import timezone

from itou.eligibility import rules
from itou.eligibility.enums import AuthorKind
from itou.eligibility.models import (
    AdministrativeCriteria,
    EligibilityDiagnosis,
    GEIQAdministrativeCriteria,
    GEIQEligibilityDiagnosis,
)
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory


def _ensure_criteria() -> None:
    if not AdministrativeCriteria.objects.exists():
        call_command("import_criteria", stdout=io.StringIO(), stderr=io.StringIO(), verbosity=0)


def criteria() -> dict:
    _ensure_criteria()
    return AdministrativeCriteria.objects.in_bulk(field_name="kind")


def geiq_criteria() -> dict:
    _ensure_criteria()
    return GEIQAdministrativeCriteria.objects.in_bulk(field_name="kind")


def _first_member(organization):
    return organization.memberships.order_by("pk").first().user


def _expires(o, *, geiq=False):
    return rules.expires_on(author_kind=o.author_kind, created_on=timezone.localdate(o.created_at), geiq=geiq)


class IAEDiagnosisFactory(factory.django.DjangoModelFactory):
    """By default an authorized prescriber's diagnosis, made now, without criteria;
    `criteria=["RSA"]` ticks criteria by kind."""

    class Meta:
        model = EligibilityDiagnosis
        skip_postgeneration_save = True

    job_seeker = factory.SubFactory(JobSeekerFactory)
    author_kind = AuthorKind.PRESCRIBER
    author_prescriber_organization = factory.Maybe(
        factory.LazyAttribute(lambda o: o.author_kind == AuthorKind.PRESCRIBER),
        factory.SubFactory(PrescriberOrganizationFactory, authorized=True, with_member=True),
        None,
    )
    author_company = None
    author = factory.LazyAttribute(lambda o: _first_member(o.author_prescriber_organization or o.author_company))
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(_expires)

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        if create and extracted:
            by_kind = criteria()
            obj.administrative_criteria.set([by_kind[kind] for kind in extracted])


class GEIQDiagnosisFactory(IAEDiagnosisFactory):
    class Meta:
        model = GEIQEligibilityDiagnosis
        skip_postgeneration_save = True

    expires_at = factory.LazyAttribute(lambda o: _expires(o, geiq=True))
    aid_amount = rules.GEIQ_AID_FULL

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        if create and extracted:
            by_kind = geiq_criteria()
            obj.administrative_criteria.set([by_kind[kind] for kind in extracted])


def employer_diagnosis(company, **kwargs) -> EligibilityDiagnosis:
    return IAEDiagnosisFactory(author_kind=AuthorKind.EMPLOYER, author_company=company, **kwargs)


def cast_without_diagnosis(**kwargs):
    """The job applications' Cast, its job seeker without any diagnosis (whether or not the
    application factory gives one by default)."""
    from tests.job_applications.conftest import Cast

    cast = Cast(**kwargs)
    EligibilityDiagnosis.objects.filter(job_seeker=cast.job_seeker).delete()
    GEIQEligibilityDiagnosis.objects.filter(job_seeker=cast.job_seeker).delete()
    return cast
