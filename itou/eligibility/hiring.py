"""May this employer hire this person, and with which diagnosis? — the ONE answer.

Called by the accept screens (itou/www/eligibility/views.py: whether the diagnosis step
is needed, what the page shows), by the accept service
(itou/job_applications/services.py: `job_application_accept`, which refuses a hire that is
not allowed and links the diagnosis) and by the PASS IAE service
(itou/approvals/services.py: `approval_issue_for_hire`, which reuses the PASS or issues a
new one on this diagnosis). Rules (DOMAIN.md; sources in docs/eligibilite.md and
docs/pass-iae.md):

- an SIAE hires a person who holds a PASS IAE still valid at the contract start (the PASS
  is reused), or else who has a valid IAE diagnosis (an authorized prescriber's, or the
  SIAE's own: `get_valid_diagnosis`);
- no new PASS during the waiting period ("délai de carence", 2 calendar years after the end
  of the last PASS), unless the application was sent by an authorized prescriber or the
  person has a valid diagnosis made by an authorized prescriber (whatever its date);
- a GEIQ may always hire; its valid GEIQ diagnosis, if any, is linked (it decides the aid);
- other employers (EA, EATT…) need no diagnosis;
- an SIAE whose self-prescription is withdrawn by an after-the-fact control sanction
  (temporary: from its first to its last day included; permanent: from its first day) may
  not hire on its own diagnosis nor make one (docs/controle.md, CONTROL.md §7); a PASS IAE
  still valid or a prescriber's diagnosis still allow the hire.
"""

import dataclasses
import datetime

from django.utils import timezone

from itou.companies.enums import SIAE_KINDS, CompanyKind
from itou.eligibility.queries import get_valid_diagnosis, get_valid_geiq_diagnosis

NOT_ELIGIBLE_MESSAGE = (
    "Ce candidat n'a pas de diagnostic d'éligibilité valide : faites-le (ou demandez-le à un "
    "prescripteur habilité) avant de confirmer l'embauche."
)
WAITING_PERIOD_MESSAGE = (
    "Le dernier PASS IAE du candidat a pris fin il y a moins de 2 ans (délai de carence) : "
    "un nouveau PASS IAE n'est possible que sur une candidature d'un prescripteur habilité, "
    "ou avec un diagnostic d'éligibilité valide fait par un prescripteur habilité."
)


@dataclasses.dataclass(frozen=True)
class HireEligibility:
    allowed: bool
    # The diagnosis the hire relies on (IAE for an SIAE, GEIQ for a GEIQ), or None.
    diagnosis: object | None = None
    # SIAE: the PASS IAE the hire reuses (valid at the contract start), or None.
    approval: object | None = None
    geiq: bool = False
    # Whether the employer can make the hire possible by making its own diagnosis.
    needs_diagnosis: bool = False
    # Why the hire is refused (French, for users); "" when allowed.
    error: str = ""


def _as_date(value) -> datetime.date:
    if value is None:
        return timezone.localdate()
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def hire_eligibility(
    *,
    company,
    job_seeker,
    hiring_start_at: datetime.date | None = None,
    sent_by_authorized_prescriber: bool = False,
    at: datetime.datetime | None = None,
) -> HireEligibility:
    """The answer for a hire by `company` of `job_seeker` with a contract starting on
    `hiring_start_at` (today by default), the diagnoses read at `at` (now by default)."""
    from itou.approvals import queries as approval_queries
    from itou.approvals import rules as approval_rules
    from itou.control.queries import self_prescription_blocker

    at = at or timezone.now()
    if company.kind == CompanyKind.GEIQ:
        diagnosis = get_valid_geiq_diagnosis(job_seeker=job_seeker, for_company=company, at=at)
        return HireEligibility(allowed=True, diagnosis=diagnosis, geiq=True, needs_diagnosis=diagnosis is None)
    if company.kind not in SIAE_KINDS:
        return HireEligibility(allowed=True)
    start_at = _as_date(hiring_start_at or at)
    diagnosis = get_valid_diagnosis(job_seeker=job_seeker, for_company=company, at=at)
    approval = approval_queries.valid_approval_for(job_seeker, start_at)
    if approval is not None:
        return HireEligibility(allowed=True, diagnosis=diagnosis, approval=approval)
    # Without a prescriber's diagnosis the hire is a self-prescription: not during a withdrawal.
    self_prescribed = diagnosis is None or not diagnosis.is_by_prescriber
    if self_prescribed and (blocked := self_prescription_blocker(company, timezone.localdate(at))):
        return HireEligibility(allowed=False, diagnosis=diagnosis, error=blocked)
    if diagnosis is None:
        return HireEligibility(allowed=False, needs_diagnosis=True, error=NOT_ELIGIBLE_MESSAGE)
    last_end_at = approval_queries.last_approval_end(job_seeker)
    if approval_rules.in_waiting_period(last_end_at, at=start_at) and not (
        sent_by_authorized_prescriber or diagnosis.is_by_prescriber
    ):
        return HireEligibility(allowed=False, diagnosis=diagnosis, error=WAITING_PERIOD_MESSAGE)
    return HireEligibility(allowed=True, diagnosis=diagnosis)


def sent_by_authorized_prescriber(job_application) -> bool:
    organization = job_application.sender_prescriber_organization
    return job_application.sender_kind == "prescriber" and organization is not None and organization.is_authorized


def hire_eligibility_for_application(
    job_application, *, hiring_start_at: datetime.date | None = None, at: datetime.datetime | None = None
) -> HireEligibility:
    """`hire_eligibility` for the receiving employer of `job_application`."""
    return hire_eligibility(
        company=job_application.to_company,
        job_seeker=job_application.job_seeker,
        hiring_start_at=hiring_start_at or job_application.hiring_start_at,
        sent_by_authorized_prescriber=sent_by_authorized_prescriber(job_application),
        at=at,
    )
