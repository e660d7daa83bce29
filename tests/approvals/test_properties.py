"""Property-based tests (hypothesis) of the PASS IAE date rules: duration, waiting period,
suspension and prolongation limits, across month ends and leap years."""

import datetime

from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from itou.approvals import rules
from itou.approvals.enums import ProlongationReason as PR
from itou.approvals.enums import SuspensionReason as SR
from itou.companies.enums import CompanyKind

ONE_DAY = datetime.timedelta(days=1)
DAYS = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2090, 12, 31))
SETTINGS = settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


@SETTINGS
@given(start_at=DAYS)
def test_a_pass_lasts_730_days_inclusive(start_at):
    end_at = rules.approval_end_for_start(start_at)
    assert rules.days_between(start_at, end_at) == 730
    assert rules.approval_status(start_at=start_at, end_at=end_at, cancelled=False, suspensions=[], today=end_at) == (
        "valid"
    )
    assert (
        rules.approval_status(start_at=start_at, end_at=end_at, cancelled=False, suspensions=[], today=end_at + ONE_DAY)
        == "expired"
    )


@SETTINGS
@given(end_at=DAYS)
def test_waiting_period_is_two_calendar_years(end_at):
    last_day = rules.waiting_period_end(end_at)
    # A date computation: same day 2 years later (29 February → 28 February).
    expected_day = 28 if (end_at.month, end_at.day) == (2, 29) else end_at.day
    assert last_day == datetime.date(end_at.year + 2, end_at.month, expected_day)
    assert (last_day - end_at).days in (730, 731)  # a leap day inside is not lost
    assert not rules.in_waiting_period(end_at, at=end_at)  # the PASS's own last day
    assert rules.in_waiting_period(end_at, at=end_at + ONE_DAY)
    assert rules.in_waiting_period(end_at, at=last_day)
    assert not rules.in_waiting_period(end_at, at=last_day + ONE_DAY)


def _suspension_errors(start_at, end_at, today, **kwargs):
    return rules.suspension_errors(
        start_at=start_at,
        end_at=end_at,
        reason=kwargs.get("reason", SR.CONTRACT_BROKEN),
        company_kind=CompanyKind.ACI,
        approval_start_at=kwargs.get("approval_start_at", today - datetime.timedelta(days=700)),
        approval_end_at=today + datetime.timedelta(days=30),
        other_suspensions=kwargs.get("others", []),
        today=today,
        last_hire_start_at=kwargs.get("last_hire_start_at"),
    )


@SETTINGS
@given(today=DAYS, backdating=st.integers(min_value=0, max_value=365), extra=st.integers(min_value=0, max_value=1200))
def test_suspension_limits(today, backdating, extra):
    start_at = today - datetime.timedelta(days=backdating)
    longest_end = start_at + relativedelta(months=36) - ONE_DAY
    end_at = min(start_at + datetime.timedelta(days=extra), longest_end)
    assert _suspension_errors(start_at, end_at, today) == []
    # One day more than 36 months, one day more backdated, one day in the future: refused.
    assert _suspension_errors(start_at, longest_end + ONE_DAY, today) != []
    if backdating == 365:
        assert _suspension_errors(start_at - ONE_DAY, end_at, today) != []
    assert _suspension_errors(today + ONE_DAY, today + ONE_DAY, today) != []
    # Not before the start of the last hire: the day itself is allowed, the day before not.
    assert _suspension_errors(start_at, end_at, today, last_hire_start_at=start_at) == []
    if start_at < today:
        assert _suspension_errors(start_at, end_at, today, last_hire_start_at=start_at + ONE_DAY) != []


@SETTINGS
@given(
    today=DAYS,
    started_days_ago=st.integers(min_value=0, max_value=365),
    left=st.integers(min_value=0, max_value=400),
)
def test_lifting_a_suspension_gives_back_the_days_from_today(today, started_days_ago, left):
    start_at, end_at = today - datetime.timedelta(days=started_days_ago), today + datetime.timedelta(days=left)
    new_end, error = rules.suspension_lift_end(start_at=start_at, end_at=end_at, today=today)
    assert error is None and new_end == today - ONE_DAY
    # The days given back to the PASS: from today to the old end, inclusive.
    assert (end_at - new_end).days == left + 1
    assert rules.suspension_can_be_deleted(start_at, today=today) is (started_days_ago == 0)


PREVIOUS = st.lists(
    st.tuples(st.sampled_from(list(PR)), st.integers(min_value=1, max_value=365)), min_size=0, max_size=8
)


@SETTINGS
@given(
    reason=st.sampled_from([PR.RQTH, PR.SENIOR, PR.PARTICULAR_DIFFICULTIES]),
    previous=PREVIOUS,
    days=st.integers(1, 365),
)
def test_cumulative_caps_count_every_reason(reason, previous, days):
    end = datetime.date(2030, 1, 1)
    # Earlier prolongations, back to back, ending at the PASS's current end.
    rows, cursor = [], end
    for previous_reason, length in reversed(previous):
        rows.append((previous_reason, cursor - datetime.timedelta(days=length), cursor))
        cursor -= datetime.timedelta(days=length)
    used = sum(length for _reason, length in previous)
    rule = rules.PROLONGATION_RULES[reason]
    errors = rules.prolongation_errors(
        reason=reason,
        end_at=end + datetime.timedelta(days=days),
        company_kind=CompanyKind.ACI,
        approval_end_at=end,
        is_suspended=False,
        previous=rows,
        birthdate=datetime.date(1960, 1, 1),
        today=end,
    )
    over_cap = any("au total" in error for error in errors)
    assert over_cap is (used + days > rule.total_cap.days)


@SETTINGS
@given(reason=st.sampled_from(list(PR)), days=st.integers(1, 4000))
def test_each_prolongation_has_its_maximum(reason, days):
    rule = rules.PROLONGATION_RULES[reason]
    assume(rule.total_cap is None or days <= rule.total_cap.days)
    end = datetime.date(2030, 1, 1)
    errors = rules.prolongation_errors(
        reason=reason,
        end_at=end + datetime.timedelta(days=days),
        company_kind=CompanyKind.ACI,
        approval_end_at=end,
        is_suspended=False,
        previous=[],
        birthdate=datetime.date(1960, 1, 1),
        today=end,
    )
    assert any("au plus" in error for error in errors) is (days > rule.max_duration.days)
