"""Reads of eligibility diagnoses, with the visibility rule of DOMAIN.md:

- a diagnosis made by an authorized prescriber is about the job seeker: every employer and
  every authorized prescriber involved with them may rely on it, and it **takes precedence**
  over an employer's diagnosis (even a more recent one);
- an employer's diagnosis is seen only by the employer that made it (`for_company`): another
  SIAE must make its own (or use a prescriber's).
"""

import datetime

from django.utils import timezone

from itou.eligibility.models import EligibilityDiagnosis, GEIQEligibilityDiagnosis, job_seeker_has_valid_approval

_RELATED = ("author", "author_prescriber_organization", "author_company")


def get_valid_diagnosis(
    *, job_seeker, for_company=None, at: datetime.datetime | None = None, has_valid_approval=None
) -> EligibilityDiagnosis | None:
    """The IAE diagnosis to rely on for `job_seeker` at `at` (now by default), or None.

    The newest valid diagnosis of an authorized prescriber first; otherwise, when
    `for_company` is given, the newest valid diagnosis made by that company. Valid: not
    past `expires_at`, or any age while the job seeker holds a valid PASS IAE. Two or three
    queries (the PASS IAE is asked once).
    """
    at = at or timezone.now()
    has_valid_approval = has_valid_approval or job_seeker_has_valid_approval
    diagnoses = EligibilityDiagnosis.objects.for_job_seeker(job_seeker).select_related(*_RELATED).newest_first()
    if not has_valid_approval(job_seeker, at):
        diagnoses = diagnoses.not_expired(at=at)
    diagnosis = diagnoses.by_prescribers().first()
    if diagnosis is None and for_company is not None:
        diagnosis = diagnoses.by_company(for_company).first()
    return diagnosis


def get_valid_geiq_diagnosis(
    *, job_seeker, for_company=None, at: datetime.datetime | None = None
) -> GEIQEligibilityDiagnosis | None:
    """Same precedence for GEIQ diagnoses (6 months, no PASS IAE extension)."""
    diagnoses = (
        GEIQEligibilityDiagnosis.objects.for_job_seeker(job_seeker)
        .select_related(*_RELATED)
        .newest_first()
        .not_expired(at=at)
    )
    diagnosis = diagnoses.by_prescribers().first()
    if diagnosis is None and for_company is not None:
        diagnosis = diagnoses.by_company(for_company).first()
    return diagnosis
