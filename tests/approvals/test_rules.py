"""Every PASS IAE rule with its boundaries (pure functions of itou/approvals/rules.py)."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta

from itou.approvals import rules
from itou.approvals.enums import ApprovalStatus as St
from itou.approvals.enums import ProlongationReason as PR
from itou.approvals.enums import SuspensionReason as SR
from itou.companies.enums import CompanyKind

D = datetime.date
TODAY = D(2026, 6, 15)
days = datetime.timedelta


def test_duration_is_730_days_minus_one():
    assert rules.approval_end_for_start(D(2026, 1, 1)) == D(2026, 1, 1) + days(729)
    assert rules.days_between(D(2026, 1, 1), rules.approval_end_for_start(D(2026, 1, 1))) == 730


@pytest.mark.parametrize(
    "today, suspensions, cancelled, expected",
    [
        (D(2026, 1, 1), [], False, St.VALID),  # first day
        (D(2027, 12, 31), [], False, St.VALID),  # last day (start + 729)
        (D(2028, 1, 1), [], False, St.EXPIRED),  # the day after
        (D(2025, 12, 31), [], False, St.FUTURE),
        (D(2026, 3, 1), [(D(2026, 3, 1), D(2026, 3, 10))], False, St.SUSPENDED),
        (D(2026, 3, 10), [(D(2026, 3, 1), D(2026, 3, 10))], False, St.SUSPENDED),
        (D(2026, 3, 11), [(D(2026, 3, 1), D(2026, 3, 10))], False, St.VALID),
        (D(2026, 3, 1), [], True, St.CANCELLED),
    ],
)
def test_status(today, suspensions, cancelled, expected):
    status = rules.approval_status(
        start_at=D(2026, 1, 1), end_at=D(2027, 12, 31), cancelled=cancelled, suspensions=suspensions, today=today
    )
    assert status == expected


@pytest.mark.parametrize(
    "last_end, at, expected",
    [
        (None, TODAY, False),
        (D(2026, 1, 1), D(2026, 1, 1), False),  # still valid that day
        (D(2026, 1, 1), D(2026, 1, 2), True),
        (D(2026, 1, 1), D(2028, 1, 1), True),  # last day: end + 2 calendar years
        (D(2026, 1, 1), D(2028, 1, 2), False),  # first day after
        # A leap day inside the 2 years is no longer lost (731 days here, not 730).
        (D(2027, 3, 1), D(2029, 3, 1), True),
        (D(2027, 3, 1), D(2029, 3, 2), False),
        # A PASS ending on 29 February: waiting period through 28 February 2 years later.
        (D(2028, 2, 29), D(2030, 2, 28), True),
        (D(2028, 2, 29), D(2030, 3, 1), False),
    ],
)
def test_waiting_period(last_end, at, expected):
    assert rules.in_waiting_period(last_end, at=at) is expected


@pytest.mark.parametrize(
    "end_at, expected",
    [
        (TODAY, True),
        (TODAY + relativedelta(months=3) - days(1), True),
        (TODAY + relativedelta(months=3), False),
        (TODAY - days(1), False),
    ],
)
def test_expires_soon(end_at, expected):
    assert rules.expires_soon(end_at, today=TODAY) is expected


def _suspension_errors(
    start_at, end_at, *, reason=SR.CONTRACT_BROKEN, kind=CompanyKind.ACI, others=(), last_hire_start_at=None
):
    return rules.suspension_errors(
        last_hire_start_at=last_hire_start_at,
        start_at=start_at,
        end_at=end_at,
        reason=reason,
        company_kind=kind,
        approval_start_at=D(2025, 1, 1),
        approval_end_at=D(2026, 12, 31),
        other_suspensions=list(others),
        today=TODAY,
    )


@pytest.mark.parametrize(
    "start_at, end_at, kwargs, error",
    [
        (TODAY, TODAY, {}, None),
        (TODAY, TODAY + relativedelta(months=36) - days(1), {}, None),  # 36 months exactly
        (TODAY, TODAY + relativedelta(months=36), {}, "au plus 36 mois"),  # one day more
        (TODAY - days(365), TODAY, {}, None),  # backdated 365 days
        (TODAY - days(366), TODAY, {}, "plus de 365 jours"),
        (TODAY + days(1), TODAY + days(10), {}, "dans le futur"),
        (TODAY, TODAY - days(1), {}, "postérieure ou égale"),
        (TODAY - days(5), TODAY, {"others": [(TODAY - days(10), TODAY - days(5))]}, "chevauche"),
        (TODAY - days(4), TODAY, {"others": [(TODAY - days(10), TODAY - days(5))]}, None),
        (TODAY, TODAY, {"others": [(TODAY + days(1), TODAY + days(5))]}, None),
        (TODAY, TODAY, {"reason": SR.BRIDGE_CONTRACT, "kind": CompanyKind.EI}, None),
        (TODAY, TODAY, {"reason": SR.BRIDGE_CONTRACT, "kind": CompanyKind.ACI}, None),
        (TODAY, TODAY, {"reason": SR.BRIDGE_CONTRACT, "kind": CompanyKind.AI}, "contrat passerelle"),
        (D(2024, 12, 31), D(2025, 1, 5), {}, "pendant la validité"),
        # Not before the start of the last hire: that day is allowed, the day before is not.
        (TODAY - days(20), TODAY, {"last_hire_start_at": TODAY - days(20)}, None),
        (TODAY - days(21), TODAY, {"last_hire_start_at": TODAY - days(20)}, "avant le début du dernier contrat"),
    ],
)
def test_suspension_rules(start_at, end_at, kwargs, error):
    errors = _suspension_errors(start_at, end_at, **kwargs)
    if error is None:
        assert errors == []
    else:
        assert any(error in message for message in errors), errors


@pytest.mark.parametrize(
    "new_end_at, others, error",
    [
        (TODAY, [], None),  # today: last valid
        (TODAY - days(1), [], "levez la suspension"),  # yesterday: first invalid
        (TODAY - days(10) + relativedelta(months=36) - days(1), [], None),
        (TODAY - days(10) + relativedelta(months=36), [], "au plus 36 mois"),
        (TODAY + days(5), [(TODAY + days(5), TODAY + days(6))], "chevaucherait"),
        (TODAY + days(4), [(TODAY + days(5), TODAY + days(6))], None),
    ],
)
def test_suspension_end_update(new_end_at, others, error):
    errors = rules.suspension_end_update_errors(
        start_at=TODAY - days(10), new_end_at=new_end_at, other_suspensions=others, today=TODAY
    )
    if error is None:
        assert errors == []
    else:
        assert any(error in e for e in errors), errors


@pytest.mark.parametrize(
    "start_at, end_at, new_end, error",
    [
        (TODAY - days(10), TODAY + days(10), TODAY - days(1), None),
        (TODAY, TODAY + days(10), TODAY - days(1), None),  # started today: covers no day, removed
        (TODAY - days(10), TODAY, TODAY - days(1), None),  # its last day: still in progress
        (TODAY - days(10), TODAY - days(1), None, "en cours"),  # over
    ],
)
def test_suspension_lift(start_at, end_at, new_end, error):
    lifted_end, message = rules.suspension_lift_end(start_at=start_at, end_at=end_at, today=TODAY)
    assert lifted_end == new_end
    assert (message is None) if error is None else (error in message)


def test_suspension_deleted_only_while_not_started():
    assert rules.suspension_can_be_deleted(TODAY, today=TODAY)  # its first day: last valid
    assert not rules.suspension_can_be_deleted(TODAY - days(1), today=TODAY)  # started yesterday


END = D(2026, 12, 31)


def _prolongation_errors(
    reason, end_at, *, today=TODAY, kind=CompanyKind.ACI, previous=(), suspended=False, birthdate=None
):
    return rules.prolongation_errors(
        reason=reason,
        end_at=end_at,
        company_kind=kind,
        approval_end_at=END,
        is_suspended=suspended,
        previous=list(previous),
        birthdate=birthdate,
        today=today,
    )


def _previous(reason, total_days):
    """Earlier prolongations of `reason` adding up to `total_days`."""
    start = END - days(total_days)
    return [(reason, start, END)]


@pytest.mark.parametrize(
    "today, ok",
    [
        (END - relativedelta(months=12), True),
        (END - relativedelta(months=12) - days(1), False),
        (END + relativedelta(months=6), True),
        (END + relativedelta(months=6) + days(1), False),
    ],
)
def test_prolongation_window(today, ok):
    errors = _prolongation_errors(PR.COMPLETE_TRAINING, END + days(30), today=today)
    assert (errors == []) is ok, errors


@pytest.mark.parametrize(
    "reason, max_days",
    [
        (PR.SENIOR_CDI, 3650),
        (PR.COMPLETE_TRAINING, 365),
        (PR.RQTH, 365),
        (PR.SENIOR, 365),
        (PR.PARTICULAR_DIFFICULTIES, 365),
    ],
)
def test_prolongation_max_each(reason, max_days):
    assert _prolongation_errors(reason, END + days(max_days)) == []
    assert any("au plus" in e for e in _prolongation_errors(reason, END + days(max_days + 1)))


@pytest.mark.parametrize(
    "reason, cap_days",
    [(PR.RQTH, 3 * 365), (PR.SENIOR, 5 * 365), (PR.PARTICULAR_DIFFICULTIES, 3 * 365)],
)
def test_prolongation_total_cap(reason, cap_days):
    previous = _previous(reason, cap_days - 100)
    assert _prolongation_errors(reason, END + days(100), previous=previous) == []  # cap reached exactly
    errors = _prolongation_errors(reason, END + days(101), previous=previous)  # exceeded by one day
    assert any("au total" in e for e in errors), errors
    # The cap counts every reason together: another reason's prolongations count too.
    previous = _previous(PR.COMPLETE_TRAINING, cap_days - 100)
    assert _prolongation_errors(reason, END + days(100), previous=previous) == []
    assert any("tous motifs confondus" in e for e in _prolongation_errors(reason, END + days(101), previous=previous))


def test_cumulative_cap_after_800_days_of_training_rqth_365_is_refused_295_left():
    previous = _previous(PR.COMPLETE_TRAINING, 800)
    errors = _prolongation_errors(PR.RQTH, END + days(365), previous=previous)
    assert any("il en reste 295" in e for e in errors), errors
    assert _prolongation_errors(PR.RQTH, END + days(295), previous=previous) == []  # last valid
    assert _prolongation_errors(PR.RQTH, END + days(296), previous=previous) != []  # first invalid


def test_prolongation_rules_table_states_each_source():
    for reason in PR.values:
        rule = rules.PROLONGATION_RULES[reason]
        assert "Code du travail" in rule.source and "DOMAIN.md" in rule.source
        assert rule.cap_counts_all_reasons is (rule.total_cap is not None)


@pytest.mark.parametrize("reason", [PR.SENIOR_CDI, PR.COMPLETE_TRAINING])
def test_no_cap_without_prescriber(reason):
    assert rules.PROLONGATION_RULES[reason].total_cap is None
    assert not rules.PROLONGATION_RULES[reason].needs_prescriber


@pytest.mark.parametrize("reason", [PR.RQTH, PR.SENIOR, PR.PARTICULAR_DIFFICULTIES])
def test_reasons_needing_a_prescriber(reason):
    assert rules.PROLONGATION_RULES[reason].needs_prescriber


@pytest.mark.parametrize(
    "kind, ok", [(CompanyKind.AI, True), (CompanyKind.ACI, True), (CompanyKind.EI, False), (CompanyKind.ETTI, False)]
)
def test_particular_difficulties_only_ai_aci(kind, ok):
    assert (_prolongation_errors(PR.PARTICULAR_DIFFICULTIES, END + days(30), kind=kind) == []) is ok


def test_prolongation_refused_on_a_suspended_pass():
    assert any("suspendu" in e for e in _prolongation_errors(PR.COMPLETE_TRAINING, END + days(30), suspended=True))


def test_prolongation_must_end_after_the_pass():
    assert _prolongation_errors(PR.COMPLETE_TRAINING, END)


@pytest.mark.parametrize(
    "reason, birthdate, ok",
    [
        (PR.SENIOR_CDI, END - relativedelta(years=57), True),
        (PR.SENIOR_CDI, END - relativedelta(years=57) + days(1), False),
        (PR.SENIOR, END - relativedelta(years=50), True),
        (PR.SENIOR, END - relativedelta(years=50) + days(1), False),
    ],
)
def test_senior_ages(reason, birthdate, ok):
    assert (_prolongation_errors(reason, END + days(30), birthdate=birthdate) == []) is ok


def test_number_display_and_initials():
    assert rules.format_number("999990001234") == "99999 00 01234"
    assert rules.initials("Camille", "Martin") == "C. M."
