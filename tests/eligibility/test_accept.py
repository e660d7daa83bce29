"""job_application_accept enforces eligibility for SIAE, links the diagnosis used."""

import pytest
from django.core.exceptions import ValidationError

from itou.companies.enums import SIAE_KINDS, CompanyKind
from itou.eligibility.models import EligibilityDiagnosis
from itou.job_applications import services
from itou.job_applications.enums import JobApplicationState as S
from itou.job_applications.models import JobApplication
from tests.eligibility.factories import (
    GEIQDiagnosisFactory,
    IAEDiagnosisFactory,
    cast_without_diagnosis,
    employer_diagnosis,
)
from tests.job_applications.factories import JobApplicationFactory, days_from_today


def accept(cast):
    return services.job_application_accept(
        acting_user=cast.employer, job_application=cast.job_application, hiring_start_at=days_from_today(1)
    )


@pytest.mark.parametrize("kind", sorted(SIAE_KINDS))
def test_siae_without_valid_diagnosis_is_refused_and_nothing_changes(kind):
    cast = cast_without_diagnosis(company_kind=kind)
    other = JobApplicationFactory(job_seeker=cast.job_seeker, state=S.PROCESSING)
    EligibilityDiagnosis.objects.filter(job_seeker=cast.job_seeker).delete()
    with pytest.raises(ValidationError) as error:
        accept(cast)
    assert error.value.messages == [
        "Ce candidat n'a pas de diagnostic d'éligibilité valide : faites-le (ou demandez-le à un prescripteur "
        "habilité) avant de confirmer l'embauche."
    ]
    job_application = JobApplication.objects.get(pk=cast.job_application.pk)
    assert (job_application.state, job_application.hiring_start_at, job_application.eligibility_diagnosis) == (
        S.NEW,
        None,
        None,
    )
    assert job_application.logs.count() == 0
    assert JobApplication.objects.get(pk=other.pk).state == S.PROCESSING


def test_siae_with_its_own_diagnosis_links_it():
    cast = cast_without_diagnosis(company_kind=CompanyKind.ACI)
    diagnosis = employer_diagnosis(cast.company, job_seeker=cast.job_seeker, criteria=["RSA"])
    accept(cast)
    assert JobApplication.objects.get(pk=cast.job_application.pk).eligibility_diagnosis == diagnosis


def test_siae_with_another_company_diagnosis_is_refused():
    cast = cast_without_diagnosis(company_kind=CompanyKind.ACI)
    employer_diagnosis(cast_without_diagnosis().company, job_seeker=cast.job_seeker, criteria=["RSA"])
    with pytest.raises(ValidationError):
        accept(cast)


def test_prescriber_diagnosis_takes_precedence_at_hire():
    cast = cast_without_diagnosis(company_kind=CompanyKind.AI)
    prescriber = IAEDiagnosisFactory(job_seeker=cast.job_seeker)
    employer_diagnosis(cast.company, job_seeker=cast.job_seeker, criteria=["RSA"])
    accept(cast)
    assert JobApplication.objects.get(pk=cast.job_application.pk).eligibility_diagnosis == prescriber


@pytest.mark.parametrize("kind", [CompanyKind.EA, CompanyKind.EATT])
def test_ea_has_no_eligibility_check(kind):
    cast = cast_without_diagnosis(company_kind=kind)
    accept(cast)
    job_application = JobApplication.objects.get(pk=cast.job_application.pk)
    assert (job_application.state, job_application.eligibility_diagnosis) == (S.ACCEPTED, None)


def test_geiq_links_its_valid_diagnosis_and_may_hire_without():
    cast = cast_without_diagnosis(company_kind=CompanyKind.GEIQ)
    accept(cast)
    assert JobApplication.objects.get(pk=cast.job_application.pk).geiq_eligibility_diagnosis is None
    cast = cast_without_diagnosis(company_kind=CompanyKind.GEIQ)
    diagnosis = GEIQDiagnosisFactory(job_seeker=cast.job_seeker)
    accept(cast)
    assert JobApplication.objects.get(pk=cast.job_application.pk).geiq_eligibility_diagnosis == diagnosis
