"""The PASS IAE rules, in one place (DOMAIN.md, "PASS IAE"; sources in docs/pass-iae.md).

Every figure the State may change is a named constant. Dates are inclusive: a PASS from
the 1st to the 31st lasts 31 days. Functions here are pure (no database): services and
forms call them, tests run them table-driven.
"""

import dataclasses
import datetime

from dateutil.relativedelta import relativedelta

from itou.approvals.enums import ApprovalStatus, ProlongationReason, SuspensionReason
from itou.companies.enums import SIAE_KINDS, CompanyKind

ONE_DAY = datetime.timedelta(days=1)

# Duration: 2 years from the contract start (end = start + 730 days − 1 day).
APPROVAL_DURATION = datetime.timedelta(days=730)
# Waiting period ("délai de carence"): until the end date + 2 calendar years (a date
# computation: a PASS ending on 29 February 2028 → waiting period through 28 February
# 2030). Source: DOMAIN.md, "Waiting period" (docs/pass-iae.md, "Sources juridiques").
WAITING_PERIOD = relativedelta(years=2)
# The PASS number: issuer prefix + sequence.
NUMBER_PREFIX_LENGTH = 5
NUMBER_SEQUENCE_LENGTH = 7
NUMBER_LENGTH = NUMBER_PREFIX_LENGTH + NUMBER_SEQUENCE_LENGTH
# PASS ending within this delay are highlighted to employers.
EXPIRES_SOON = relativedelta(months=3)

# Suspensions.
SUSPENSION_MAX_MONTHS = 36
SUSPENSION_MAX_DURATION = relativedelta(months=SUSPENSION_MAX_MONTHS)
SUSPENSION_MAX_BACKDATING = datetime.timedelta(days=365)
SUSPENSION_BRIDGE_CONTRACT_KINDS = frozenset({CompanyKind.EI, CompanyKind.ACI})

# Prolongations: asked from 12 months before the end to 6 months after.
PROLONGATION_WINDOW_BEFORE_END = relativedelta(months=12)
PROLONGATION_WINDOW_AFTER_END = relativedelta(months=6)
SENIOR_CDI_MIN_AGE = 57
SENIOR_MIN_AGE = 50


@dataclasses.dataclass(frozen=True)
class ProlongationRule:
    max_duration: datetime.timedelta  # each prolongation
    # The cap on the sum of the PASS's prolongations, None when there is none. It counts
    # the prolongations of EVERY reason together when `cap_counts_all_reasons` (the rule
    # caps the total prolongation of the PASS), else only those of this reason.
    total_cap: datetime.timedelta | None
    cap_counts_all_reasons: bool
    needs_prescriber: bool  # an authorized prescriber must grant it
    source: str
    company_kinds: frozenset = SIAE_KINDS


# docs/pass-iae.md, "Sources juridiques" (article numbers to be checked); DOMAIN.md table.
_PROLONGATION_SOURCE = "Code du travail, art. R. 5132-1-11 et s. (décret n° 2021-1128 du 30 août 2021) ; DOMAIN.md"

# THE table of prolongation limits (DOMAIN.md, "Prolongation"). Months and years are
# counted in days (12 months = 365 days, 3 years = 1095 days), as durations add up
# across prolongations. Example of a cap counting every reason: after 800 days of
# training prolongations, an RQTH prolongation of 365 days is refused (1095 − 800 = 295
# days left).
PROLONGATION_RULES = {
    ProlongationReason.SENIOR_CDI: ProlongationRule(
        max_duration=datetime.timedelta(days=3650),
        total_cap=None,
        cap_counts_all_reasons=False,
        needs_prescriber=False,
        source=f"{_PROLONGATION_SOURCE}, salarié de 57 ans et plus en CDI : jusqu'à 10 ans",
    ),
    ProlongationReason.COMPLETE_TRAINING: ProlongationRule(
        max_duration=datetime.timedelta(days=365),
        total_cap=None,
        cap_counts_all_reasons=False,
        needs_prescriber=False,
        source=f"{_PROLONGATION_SOURCE}, 1° : achever une action de formation, 12 mois par prolongation",
    ),
    ProlongationReason.RQTH: ProlongationRule(
        max_duration=datetime.timedelta(days=365),
        total_cap=datetime.timedelta(days=3 * 365),
        cap_counts_all_reasons=True,
        needs_prescriber=True,
        source=f"{_PROLONGATION_SOURCE}, 2° : travailleur handicapé, 3 ans de prolongation au total",
    ),
    ProlongationReason.SENIOR: ProlongationRule(
        max_duration=datetime.timedelta(days=365),
        total_cap=datetime.timedelta(days=5 * 365),
        cap_counts_all_reasons=True,
        needs_prescriber=True,
        source=f"{_PROLONGATION_SOURCE}, 3° : salarié de 50 ans et plus, 5 ans de prolongation au total",
    ),
    ProlongationReason.PARTICULAR_DIFFICULTIES: ProlongationRule(
        max_duration=datetime.timedelta(days=365),
        total_cap=datetime.timedelta(days=3 * 365),
        cap_counts_all_reasons=True,
        needs_prescriber=True,
        source=f"{_PROLONGATION_SOURCE}, 4° : difficultés particulières (AI et ACI), 3 ans de prolongation au total",
        company_kinds=frozenset({CompanyKind.AI, CompanyKind.ACI}),
    ),
}


def approval_end_for_start(start_at: datetime.date) -> datetime.date:
    return start_at + APPROVAL_DURATION - ONE_DAY


def days_between(start_at: datetime.date, end_at: datetime.date) -> int:
    """Inclusive number of days."""
    return (end_at - start_at).days + 1


def approval_status(
    *,
    start_at: datetime.date,
    end_at: datetime.date,
    cancelled: bool,
    suspensions: list[tuple[datetime.date, datetime.date]],
    today: datetime.date,
) -> ApprovalStatus:
    """The ONE place where a PASS's status is computed from its dates."""
    if cancelled:
        return ApprovalStatus.CANCELLED
    if today > end_at:
        return ApprovalStatus.EXPIRED
    if today < start_at:
        return ApprovalStatus.FUTURE
    if any(s_start <= today <= s_end for s_start, s_end in suspensions):
        return ApprovalStatus.SUSPENDED
    return ApprovalStatus.VALID


def expires_soon(end_at: datetime.date, *, today: datetime.date) -> bool:
    return today <= end_at < today + EXPIRES_SOON


def in_waiting_period(last_end_at: datetime.date | None, *, at: datetime.date) -> bool:
    """Whether `at` falls in the waiting period: after the end of the job seeker's last
    PASS, up to and including that end + 2 calendar years."""
    return last_end_at is not None and last_end_at < at <= waiting_period_end(last_end_at)


def waiting_period_end(last_end_at: datetime.date) -> datetime.date:
    """The last day of the waiting period."""
    return last_end_at + WAITING_PERIOD


def suspension_errors(
    *,
    start_at: datetime.date,
    end_at: datetime.date,
    reason: str,
    company_kind: str,
    approval_start_at: datetime.date,
    approval_end_at: datetime.date,
    other_suspensions: list[tuple[datetime.date, datetime.date]],
    today: datetime.date,
    last_hire_start_at: datetime.date | None = None,
) -> list[str]:
    """A new suspension; `last_hire_start_at`: the contract start of the PASS's last hire
    (a suspension cannot start before it)."""
    errors = []
    if end_at < start_at:
        errors.append("La date de fin doit être postérieure ou égale à la date de début.")
    if start_at > today:
        errors.append("Une suspension ne peut pas commencer dans le futur.")
    if start_at < today - SUSPENSION_MAX_BACKDATING:
        errors.append(
            f"Une suspension ne peut pas commencer plus de {SUSPENSION_MAX_BACKDATING.days} jours avant aujourd'hui."
        )
    if end_at > start_at + SUSPENSION_MAX_DURATION - ONE_DAY:
        errors.append(f"Une suspension dure au plus {SUSPENSION_MAX_MONTHS} mois.")
    if start_at < approval_start_at or start_at > approval_end_at:
        errors.append("La suspension doit commencer pendant la validité du PASS IAE.")
    elif last_hire_start_at is not None and start_at < last_hire_start_at:
        errors.append(
            f"La suspension ne peut pas commencer avant le début du dernier contrat (le {last_hire_start_at:%d/%m/%Y})."
        )
    if any(start_at <= o_end and o_start <= end_at for o_start, o_end in other_suspensions):
        errors.append("Cette suspension chevauche une suspension déjà enregistrée.")
    if reason == SuspensionReason.BRIDGE_CONTRACT and company_kind not in SUSPENSION_BRIDGE_CONTRACT_KINDS:
        errors.append("Le contrat passerelle n'est possible que dans une EI ou un ACI.")
    return errors


def suspension_end_update_errors(
    *,
    start_at: datetime.date,
    new_end_at: datetime.date,
    other_suspensions: list[tuple[datetime.date, datetime.date]],
    today: datetime.date,
) -> list[str]:
    """Changing the end date of a suspension (to shorten it to a past day, lift it:
    `suspension_lift_end`)."""
    errors = []
    if new_end_at < start_at:
        errors.append("La date de fin doit être postérieure ou égale à la date de début.")
    if new_end_at < today:
        errors.append(
            "La nouvelle date de fin ne peut pas être dans le passé : pour un salarié revenu, levez la suspension."
        )
    if new_end_at > start_at + SUSPENSION_MAX_DURATION - ONE_DAY:
        errors.append(f"Une suspension dure au plus {SUSPENSION_MAX_MONTHS} mois.")
    if any(start_at <= o_end and o_start <= new_end_at for o_start, o_end in other_suspensions):
        errors.append("Cette suspension chevaucherait une suspension déjà enregistrée.")
    return errors


def suspension_lift_end(*, start_at: datetime.date, end_at: datetime.date, today: datetime.date):
    """ "Lever la suspension" today: the employee is back at work from today, the
    suspension ends yesterday. Returns (new end, None) or (None, error); a new end before
    the start means the suspension covers no day (it is removed)."""
    if not start_at <= today <= end_at:
        return None, "Seule une suspension en cours peut être levée."
    return today - ONE_DAY, None


def suspension_can_be_deleted(start_at: datetime.date, *, today: datetime.date) -> bool:
    """A suspension is deleted (as if never entered) only while it has not started: as it
    never starts in the future, on its first day at the latest."""
    return today <= start_at


def prolongation_window(approval_end_at: datetime.date) -> tuple[datetime.date, datetime.date]:
    return approval_end_at - PROLONGATION_WINDOW_BEFORE_END, approval_end_at + PROLONGATION_WINDOW_AFTER_END


def age_at(birthdate: datetime.date | None, day: datetime.date) -> int | None:
    if birthdate is None:
        return None
    return relativedelta(day, birthdate).years


def prolongation_errors(
    *,
    reason: str,
    end_at: datetime.date,
    company_kind: str,
    approval_end_at: datetime.date,
    is_suspended: bool,
    previous: list[tuple[str, datetime.date, datetime.date]],
    birthdate: datetime.date | None,
    today: datetime.date,
) -> list[str]:
    """A prolongation starts at the PASS's current end date and ends at `end_at`.
    `previous` lists the PASS's prolongations as (reason, start_at, end_at)."""
    rule = PROLONGATION_RULES[reason]
    start_at = approval_end_at
    errors = []
    window_start, window_end = prolongation_window(approval_end_at)
    if not window_start <= today <= window_end:
        errors.append(
            "Une prolongation se demande entre 12 mois avant la fin du PASS IAE et 6 mois après "
            f"(ici du {window_start:%d/%m/%Y} au {window_end:%d/%m/%Y})."
        )
    if is_suspended:
        errors.append("Le PASS IAE est suspendu : mettez fin à la suspension avant de le prolonger.")
    if company_kind not in rule.company_kinds:
        errors.append("Ce motif de prolongation n'est pas possible pour votre type de structure.")
    if end_at <= start_at:
        errors.append("La date de fin de la prolongation doit être postérieure à la fin actuelle du PASS IAE.")
    duration = end_at - start_at
    if duration > rule.max_duration:
        errors.append(f"Pour ce motif, une prolongation dure au plus {rule.max_duration.days} jours.")
    if rule.total_cap is not None:
        used = sum(
            (
                p_end - p_start
                for p_reason, p_start, p_end in previous
                if rule.cap_counts_all_reasons or p_reason == reason
            ),
            datetime.timedelta(),
        )
        if used + duration > rule.total_cap:
            left = max((rule.total_cap - used).days, 0)
            counted = "tous motifs confondus" if rule.cap_counts_all_reasons else "pour ce motif"
            errors.append(
                f"Avec ce motif, les prolongations du PASS IAE ne dépassent pas {rule.total_cap.days} jours au "
                f"total, {counted} (il en reste {left})."
            )
    age = age_at(birthdate, start_at)
    if reason == ProlongationReason.SENIOR_CDI and age is not None and age < SENIOR_CDI_MIN_AGE:
        errors.append(f"Ce motif concerne les salariés de {SENIOR_CDI_MIN_AGE} ans ou plus.")
    if reason == ProlongationReason.SENIOR and age is not None and age < SENIOR_MIN_AGE:
        errors.append(f"Ce motif concerne les salariés de {SENIOR_MIN_AGE} ans ou plus.")
    return errors


def format_number(number: str) -> str:
    """ "XXXXX XX XXXXX" """
    return f"{number[:5]} {number[5:7]} {number[7:]}"


def initials(first_name: str, last_name: str) -> str:
    return " ".join(f"{name.strip()[0].upper()}." for name in (first_name, last_name) if name.strip())
