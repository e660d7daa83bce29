"""The eligibility rules of DOMAIN.md (section "Eligibility to IAE"), each threshold a
named constant. Pure functions: forms, services and tests all call them.

Sources (docs/eligibilite.md): Code du travail L5132-3 and R5132-1-1 s.; arrêté du
1er septembre 2021 (criteria and how many an SIAE needs).
"""

import datetime
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta

from itou.companies.enums import SIAE_KINDS, CompanyKind
from itou.eligibility.enums import AdministrativeCriteriaLevel, AuthorKind, GEIQAnnex

# --- Validity -----------------------------------------------------------------------------
# A diagnosis made on day 0 expires on `expires_at` = day 0 + the validity, and is valid
# only while that date is in the future (the expiry day itself is the first invalid day).
# Employer: 92 days → valid on days 0–91, expired on day 92. Authorized prescriber or GEIQ:
# 6 months, calendar arithmetic (a month end is clamped, as dateutil's relativedelta does):
# made on 15 January → expires on 15 July, valid through 14 July; made on 31 August →
# expires on 28 (or 29) February, valid through 27 (or 28) February.
# Source: arrêté du 1er septembre 2021 (diagnosis valid 6 months) and the platform's
# rule for SIAE self-prescription (92 days), see docs/eligibilite.md.
PRESCRIBER_DIAGNOSIS_VALIDITY = relativedelta(months=6)
EMPLOYER_DIAGNOSIS_VALIDITY = relativedelta(days=92)
GEIQ_DIAGNOSIS_VALIDITY = relativedelta(months=6)

# --- Criteria an SIAE needs for its own diagnosis (an authorized prescriber: no minimum) --
MIN_LEVEL_1_CRITERIA = 1
# Otherwise, level-2 criteria, by kind of SIAE.
MIN_LEVEL_2_CRITERIA_BY_COMPANY_KIND = {
    CompanyKind.AI: 2,
    CompanyKind.ETTI: 2,
    CompanyKind.ACI: 3,
    CompanyKind.EI: 3,
    CompanyKind.EITI: 3,
}
assert set(MIN_LEVEL_2_CRITERIA_BY_COMPANY_KIND) == SIAE_KINDS
# Pairs of criteria that cannot be ticked together (kinds of AdministrativeCriteria).
EXCLUSIVE_CRITERIA_PAIRS = (("SENIOR", "JEUNE"), ("DETLD", "DELD"))

# --- GEIQ ---------------------------------------------------------------------------------
GEIQ_MIN_CRITERIA_BY_GEIQ = 1
GEIQ_AID_FULL = 1400  # euros: authorized prescriber, or ≥ 1 level-1, or ≥ 2 level-2
GEIQ_AID_REDUCED = 814  # euros: at least one annex-1 criterion
GEIQ_AID_NONE = 0
GEIQ_FULL_AID_MIN_LEVEL_1 = 1
GEIQ_FULL_AID_MIN_LEVEL_2 = 2
GEIQ_ANNEX_1_VALUES = frozenset({GEIQAnnex.ANNEX_1, GEIQAnnex.ANNEXES_1_AND_2})

# --- Pre-ticking from the job seeker's profile --------------------------------------------
SENIOR_MIN_AGE = 50
YOUNG_MAX_AGE_EXCLUSIVE = 26
# Education levels (ASP referential) at CAP/BEP level or below.
CAP_BEP_OR_BELOW_EDUCATION_LEVELS = frozenset({"01", "70", "60", "50", "51"})


def _count_levels(criteria) -> tuple[int, int]:
    levels = [criterion.level for criterion in criteria]
    return levels.count(AdministrativeCriteriaLevel.LEVEL_1), levels.count(AdministrativeCriteriaLevel.LEVEL_2)


def exclusive_pairs_errors(criteria) -> list[str]:
    by_kind = {criterion.kind: criterion for criterion in criteria}
    return [
        f"« {by_kind[a].name} » et « {by_kind[b].name} » ne peuvent pas être cochés ensemble : gardez-en un seul."
        for a, b in EXCLUSIVE_CRITERIA_PAIRS
        if a in by_kind and b in by_kind
    ]


def validate_criteria(*, author_kind: str, company_kind: str | None, criteria: Iterable) -> list[str]:
    """The errors (French, for users) of an IAE diagnosis with these criteria; [] when valid.

    `criteria`: AdministrativeCriteria (anything with `kind`, `level`, `name`).
    An authorized prescriber needs no minimum; an SIAE needs MIN_LEVEL_1_CRITERIA level-1
    criterion, or else MIN_LEVEL_2_CRITERIA_BY_COMPANY_KIND[kind] level-2 criteria.
    Exclusive pairs apply to everyone.
    """
    criteria = list(criteria)
    errors = exclusive_pairs_errors(criteria)
    if author_kind == AuthorKind.PRESCRIBER:
        return errors
    if company_kind not in MIN_LEVEL_2_CRITERIA_BY_COMPANY_KIND:
        return [*errors, "Seule une structure d'insertion par l'activité économique (SIAE) fait ce diagnostic."]
    level_1, level_2 = _count_levels(criteria)
    min_level_2 = MIN_LEVEL_2_CRITERIA_BY_COMPANY_KIND[company_kind]
    if level_1 < MIN_LEVEL_1_CRITERIA and level_2 < min_level_2:
        errors.append(
            f"Cochez au moins {MIN_LEVEL_1_CRITERIA} critère de niveau 1, ou sinon au moins {min_level_2} critères "
            f"de niveau 2 (règle pour une {company_kind}). Vous avez coché {level_2} critère{'s' if level_2 > 1 else ''} "
            "de niveau 2."
        )
    return errors


def validate_geiq_criteria(*, author_kind: str, criteria: Iterable) -> list[str]:
    """The errors of a GEIQ diagnosis: an authorized prescriber needs no minimum, the GEIQ
    GEIQ_MIN_CRITERIA_BY_GEIQ criterion."""
    criteria = list(criteria)
    if author_kind == AuthorKind.EMPLOYER and len(criteria) < GEIQ_MIN_CRITERIA_BY_GEIQ:
        return [f"Cochez au moins {GEIQ_MIN_CRITERIA_BY_GEIQ} critère."]
    return []


def geiq_aid_amount(*, author_kind: str, criteria: Iterable) -> int:
    """The State aid (euros) a GEIQ diagnosis opens: GEIQ_AID_FULL for an authorized
    prescriber's diagnosis or with enough level-1/level-2 criteria, GEIQ_AID_REDUCED with an
    annex-1 criterion, else GEIQ_AID_NONE."""
    criteria = list(criteria)
    if author_kind == AuthorKind.PRESCRIBER:
        return GEIQ_AID_FULL
    level_1, level_2 = _count_levels(criteria)
    if level_1 >= GEIQ_FULL_AID_MIN_LEVEL_1 or level_2 >= GEIQ_FULL_AID_MIN_LEVEL_2:
        return GEIQ_AID_FULL
    if any(criterion.annex in GEIQ_ANNEX_1_VALUES for criterion in criteria):
        return GEIQ_AID_REDUCED
    return GEIQ_AID_NONE


def expires_on(*, author_kind: str, created_on: datetime.date, geiq: bool = False) -> datetime.date:
    """The expiry day of a diagnosis made on `created_on`: its first day of invalidity
    (valid while `is_valid_on(expires_at, today)`)."""
    if geiq:
        return created_on + GEIQ_DIAGNOSIS_VALIDITY
    if author_kind == AuthorKind.PRESCRIBER:
        return created_on + PRESCRIBER_DIAGNOSIS_VALIDITY
    return created_on + EMPLOYER_DIAGNOSIS_VALIDITY


def is_valid_on(expires_at: datetime.date, day: datetime.date) -> bool:
    """A diagnosis is valid while its expiry day is in the future."""
    return day < expires_at


def age_on(birthdate: datetime.date, day: datetime.date) -> int:
    return day.year - birthdate.year - ((day.month, day.day) < (birthdate.month, birthdate.day))


def criteria_kinds_from_profile(profile, *, today: datetime.date) -> set[str]:
    """The criteria the profile proves by itself (pre-ticked, the professional checks them):
    age ≥ SENIOR_MIN_AGE → SENIOR, age < YOUNG_MAX_AGE_EXCLUSIVE → JEUNE, education at
    CAP/BEP level or below → CAP_BEP."""
    kinds = set()
    if profile is None:
        return kinds
    if profile.birthdate:
        age = age_on(profile.birthdate, today)
        if age >= SENIOR_MIN_AGE:
            kinds.add("SENIOR")
        elif age < YOUNG_MAX_AGE_EXCLUSIVE:
            kinds.add("JEUNE")
    if profile.education_level in CAP_BEP_OR_BELOW_EDUCATION_LEVELS:
        kinds.add("CAP_BEP")
    return kinds
