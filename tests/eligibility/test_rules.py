"""Every rule of DOMAIN.md's "Eligibility to IAE", table-driven, at its boundaries."""

import datetime
import types

import pytest

from itou.companies.enums import CompanyKind
from itou.eligibility import rules
from itou.eligibility.enums import AuthorKind, GEIQAnnex

PRESCRIBER, EMPLOYER = AuthorKind.PRESCRIBER, AuthorKind.EMPLOYER


def crit(kind, level, annex=GEIQAnnex.NO_ANNEX):
    return types.SimpleNamespace(kind=kind, level=level, name=kind, annex=annex)


L1 = [crit(kind, "1") for kind in ("RSA", "ASS", "AAH", "DETLD")]
L2 = [crit(kind, "2") for kind in ("CAP_BEP", "TH", "PI", "ZRR", "QPV")]


def test_thresholds_are_those_of_domain():
    assert rules.MIN_LEVEL_1_CRITERIA == 1
    assert rules.MIN_LEVEL_2_CRITERIA_BY_COMPANY_KIND == {
        CompanyKind.AI: 2,
        CompanyKind.ETTI: 2,
        CompanyKind.ACI: 3,
        CompanyKind.EI: 3,
        CompanyKind.EITI: 3,
    }


@pytest.mark.parametrize(
    "company_kind,level_1,level_2,valid",
    [
        # Level 2 only: exactly at the threshold, and one below.
        (CompanyKind.AI, 0, 2, True),
        (CompanyKind.AI, 0, 1, False),
        (CompanyKind.ETTI, 0, 2, True),
        (CompanyKind.ETTI, 0, 1, False),
        (CompanyKind.ACI, 0, 3, True),
        (CompanyKind.ACI, 0, 2, False),
        (CompanyKind.EI, 0, 3, True),
        (CompanyKind.EI, 0, 2, False),
        (CompanyKind.EITI, 0, 3, True),
        (CompanyKind.EITI, 0, 2, False),
        # One level-1 criterion is enough, for every kind.
        *[(kind, 1, 0, True) for kind in (CompanyKind.AI, CompanyKind.ETTI, CompanyKind.ACI, CompanyKind.EI)],
        (CompanyKind.EITI, 1, 0, True),
        # Nothing ticked.
        *[(kind, 0, 0, False) for kind in rules.MIN_LEVEL_2_CRITERIA_BY_COMPANY_KIND],
    ],
)
def test_employer_minimum_by_kind(company_kind, level_1, level_2, valid):
    errors = rules.validate_criteria(
        author_kind=EMPLOYER, company_kind=company_kind, criteria=L1[:level_1] + L2[:level_2]
    )
    assert (errors == []) is valid
    if not valid:
        minimum = rules.MIN_LEVEL_2_CRITERIA_BY_COMPANY_KIND[company_kind]
        assert errors == [
            f"Cochez au moins 1 critère de niveau 1, ou sinon au moins {minimum} critères de niveau 2 "
            f"(règle pour une {company_kind}). Vous avez coché {level_2} critère{'s' if level_2 > 1 else ''} de niveau 2."
        ]


@pytest.mark.parametrize("level_2", [0, 1])
def test_authorized_prescriber_has_no_minimum(level_2):
    assert rules.validate_criteria(author_kind=PRESCRIBER, company_kind=None, criteria=L2[:level_2]) == []


@pytest.mark.parametrize("company_kind", [CompanyKind.GEIQ, CompanyKind.EA, CompanyKind.EATT, CompanyKind.OPCS])
def test_non_siae_cannot_make_iae_diagnosis(company_kind):
    assert rules.validate_criteria(author_kind=EMPLOYER, company_kind=company_kind, criteria=L1) == [
        "Seule une structure d'insertion par l'activité économique (SIAE) fait ce diagnostic."
    ]


@pytest.mark.parametrize("author_kind", [PRESCRIBER, EMPLOYER])
@pytest.mark.parametrize(
    "pair,names",
    [
        (("SENIOR", "JEUNE"), ("SENIOR", "JEUNE")),
        (("DETLD", "DELD"), ("DETLD", "DELD")),
    ],
)
def test_exclusive_pairs(author_kind, pair, names):
    criteria = [crit(pair[0], "2"), crit(pair[1], "2"), *L1]
    errors = rules.validate_criteria(author_kind=author_kind, company_kind=CompanyKind.AI, criteria=criteria)
    assert errors == [f"« {names[0]} » et « {names[1]} » ne peuvent pas être cochés ensemble : gardez-en un seul."]
    # Each one alone is fine.
    assert (
        rules.validate_criteria(
            author_kind=author_kind, company_kind=CompanyKind.AI, criteria=[crit(pair[0], "2"), *L1]
        )
        == []
    )


@pytest.mark.parametrize(
    "author_kind,criteria,errors",
    [
        (PRESCRIBER, [], []),
        (EMPLOYER, [], ["Cochez au moins 1 critère."]),
        (EMPLOYER, [crit("FT", "")], []),
    ],
)
def test_geiq_minimum(author_kind, criteria, errors):
    assert rules.validate_geiq_criteria(author_kind=author_kind, criteria=criteria) == errors


@pytest.mark.parametrize(
    "author_kind,criteria,amount",
    [
        (PRESCRIBER, [], 1400),
        (EMPLOYER, [crit("RSA", "1", GEIQAnnex.ANNEX_2)], 1400),
        (EMPLOYER, [crit("CAP_BEP", "2", GEIQAnnex.ANNEX_2), crit("PI", "2", GEIQAnnex.ANNEX_2)], 1400),
        # One level-2 only: not enough for the full aid; its annex decides.
        (EMPLOYER, [crit("CAP_BEP", "2", GEIQAnnex.ANNEX_2)], 0),
        (EMPLOYER, [crit("TH", "2", GEIQAnnex.ANNEXES_1_AND_2)], 814),
        (EMPLOYER, [crit("DE_45", "", GEIQAnnex.ANNEX_1)], 814),
        (EMPLOYER, [crit("DE_45", "", GEIQAnnex.ANNEX_1), crit("SIAE_CUI", "", GEIQAnnex.ANNEX_1)], 814),
        (EMPLOYER, [crit("FT", "", GEIQAnnex.NO_ANNEX)], 0),
        (EMPLOYER, [], 0),
    ],
)
def test_geiq_aid_amount(author_kind, criteria, amount):
    assert rules.geiq_aid_amount(author_kind=author_kind, criteria=criteria) == amount


DAY_0 = datetime.date(2026, 1, 15)


@pytest.mark.parametrize(
    "author_kind,geiq,created_on,last_valid_day,first_invalid_day",
    [
        # 92 days: made on day 0, valid on days 0–91, expired on day 92.
        (EMPLOYER, False, DAY_0, DAY_0 + datetime.timedelta(days=91), DAY_0 + datetime.timedelta(days=92)),
        # 6 months, exclusive: made on 15 January, valid through 14 July.
        (PRESCRIBER, False, DAY_0, datetime.date(2026, 7, 14), datetime.date(2026, 7, 15)),
        # 31 August → end of February (non-leap 2027: valid through the 27th).
        (PRESCRIBER, False, datetime.date(2026, 8, 31), datetime.date(2027, 2, 27), datetime.date(2027, 2, 28)),
        # Leap year 2028: 31 August 2027 → valid through 28 February, expired on the 29th.
        (PRESCRIBER, False, datetime.date(2027, 8, 31), datetime.date(2028, 2, 28), datetime.date(2028, 2, 29)),
        (EMPLOYER, True, DAY_0, datetime.date(2026, 7, 14), datetime.date(2026, 7, 15)),
        (PRESCRIBER, True, DAY_0, datetime.date(2026, 7, 14), datetime.date(2026, 7, 15)),
    ],
)
def test_validity_boundaries(author_kind, geiq, created_on, last_valid_day, first_invalid_day):
    expires_at = rules.expires_on(author_kind=author_kind, created_on=created_on, geiq=geiq)
    assert expires_at == first_invalid_day
    assert rules.is_valid_on(expires_at, created_on)
    assert rules.is_valid_on(expires_at, last_valid_day)
    assert not rules.is_valid_on(expires_at, first_invalid_day)


def test_92_days_in_dates():
    # Made on 15 January 2026: valid through 16 April, expired on 17 April.
    assert rules.expires_on(author_kind=EMPLOYER, created_on=DAY_0) == datetime.date(2026, 4, 17)


TODAY = datetime.date(2026, 11, 27)


@pytest.mark.parametrize(
    "birthdate,education_level,kinds",
    [
        (datetime.date(1976, 11, 27), "", {"SENIOR"}),  # 50 today
        (datetime.date(1976, 11, 28), "", set()),  # 49 until tomorrow
        (datetime.date(2000, 11, 28), "", {"JEUNE"}),  # 25, 26 tomorrow
        (datetime.date(2000, 11, 27), "", set()),  # 26 today
        (None, "51", {"CAP_BEP"}),
        (None, "01", {"CAP_BEP"}),
        (None, "70", {"CAP_BEP"}),
        (None, "60", {"CAP_BEP"}),
        (None, "50", {"CAP_BEP"}),
        (None, "40", set()),
        (None, "00", set()),
        (datetime.date(1960, 1, 1), "50", {"SENIOR", "CAP_BEP"}),
    ],
)
def test_criteria_kinds_from_profile(birthdate, education_level, kinds):
    profile = types.SimpleNamespace(birthdate=birthdate, education_level=education_level)
    assert rules.criteria_kinds_from_profile(profile, today=TODAY) == kinds


def test_criteria_kinds_without_profile():
    assert rules.criteria_kinds_from_profile(None, today=TODAY) == set()
