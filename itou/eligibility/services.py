"""Creating eligibility diagnoses. Keyword-only arguments, the acting user first; the
permission is checked inside (PermissionDenied); the rules of itou.eligibility.rules give
French ValidationErrors keyed `administrative_criteria`. A diagnosis's criteria are never
modified: renewing one makes a new one (the history stays) and ends the previous one of
the same author (its expiry becomes the renewal day), so that only one diagnosis of a
person and an author is valid at a time."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from itou.companies.models import Company
from itou.eligibility import perms, rules
from itou.eligibility.enums import AuthorKind
from itou.eligibility.models import EligibilityDiagnosis, GEIQEligibilityDiagnosis
from itou.prescribers.models import PrescriberOrganization


def _author_fields(author_organization) -> dict:
    if isinstance(author_organization, PrescriberOrganization):
        return {"author_kind": AuthorKind.PRESCRIBER, "author_prescriber_organization": author_organization}
    if isinstance(author_organization, Company):
        return {"author_kind": AuthorKind.EMPLOYER, "author_company": author_organization}
    raise TypeError(author_organization)


def _end_previous(model, *, job_seeker, fields: dict, today: datetime.date) -> int:
    """Renewing ends the previous diagnoses of the same author organization still valid:
    their expiry becomes the renewal day (expired from today on)."""
    return (
        model.objects.for_job_seeker(job_seeker).filter(**fields).filter(expires_at__gt=today).update(expires_at=today)
    )


def _check_job_seeker(job_seeker) -> None:
    if not job_seeker.is_job_seeker:
        raise ValidationError("Un diagnostic d'éligibilité se fait pour un candidat.")


@transaction.atomic
def eligibility_diagnosis_create(
    *, acting_user, job_seeker, author_organization, criteria, now: datetime.datetime | None = None
) -> EligibilityDiagnosis:
    """Make an IAE diagnosis for `job_seeker`, by `acting_user` for `author_organization`
    (an authorized prescriber organization, or an SIAE for its own hires)."""
    fields = _author_fields(author_organization)
    if fields["author_kind"] == AuthorKind.PRESCRIBER:
        allowed = perms.can_make_diagnosis_as_prescriber(acting_user, author_organization)
    else:
        allowed = perms.can_make_diagnosis_as_employer(acting_user, author_organization)
    if not allowed:
        raise PermissionDenied(
            "Seuls un prescripteur habilité ou une structure d'insertion par l'activité économique "
            "font un diagnostic d'éligibilité."
        )
    _check_job_seeker(job_seeker)
    now = now or timezone.now()
    if fields["author_kind"] == AuthorKind.EMPLOYER:
        from itou.control.queries import self_prescription_blocker  # the control sits above

        if blocked := self_prescription_blocker(author_organization, timezone.localdate(now)):
            raise ValidationError({"administrative_criteria": [blocked]})
    criteria = list(criteria)
    errors = rules.validate_criteria(
        author_kind=fields["author_kind"],
        company_kind=getattr(author_organization, "kind", None)
        if fields["author_kind"] == AuthorKind.EMPLOYER
        else None,
        criteria=criteria,
    )
    if errors:
        raise ValidationError({"administrative_criteria": errors})
    _end_previous(EligibilityDiagnosis, job_seeker=job_seeker, fields=fields, today=timezone.localdate(now))
    diagnosis = EligibilityDiagnosis.objects.create(
        job_seeker=job_seeker,
        author=acting_user,
        created_at=now,
        expires_at=rules.expires_on(author_kind=fields["author_kind"], created_on=timezone.localdate(now)),
        **fields,
    )
    diagnosis.administrative_criteria.set(criteria)
    return diagnosis


@transaction.atomic
def geiq_eligibility_diagnosis_create(
    *, acting_user, job_seeker, author_organization, criteria, now: datetime.datetime | None = None
) -> GEIQEligibilityDiagnosis:
    """Make a GEIQ diagnosis (authorized prescriber, or the GEIQ); the aid amount is computed
    once, here (rules.geiq_aid_amount)."""
    fields = _author_fields(author_organization)
    if fields["author_kind"] == AuthorKind.PRESCRIBER:
        allowed = perms.can_make_diagnosis_as_prescriber(acting_user, author_organization)
    else:
        allowed = perms.can_make_geiq_diagnosis_as_employer(acting_user, author_organization)
    if not allowed:
        raise PermissionDenied("Seuls un prescripteur habilité ou le GEIQ font un diagnostic d'éligibilité GEIQ.")
    _check_job_seeker(job_seeker)
    criteria = list(criteria)
    if errors := rules.validate_geiq_criteria(author_kind=fields["author_kind"], criteria=criteria):
        raise ValidationError({"administrative_criteria": errors})
    now = now or timezone.now()
    _end_previous(GEIQEligibilityDiagnosis, job_seeker=job_seeker, fields=fields, today=timezone.localdate(now))
    diagnosis = GEIQEligibilityDiagnosis.objects.create(
        job_seeker=job_seeker,
        author=acting_user,
        created_at=now,
        expires_at=rules.expires_on(author_kind=fields["author_kind"], created_on=timezone.localdate(now), geiq=True),
        aid_amount=rules.geiq_aid_amount(author_kind=fields["author_kind"], criteria=criteria),
        **fields,
    )
    diagnosis.administrative_criteria.set(criteria)
    return diagnosis
