"""Property-based tests (hypothesis) of the diagnosis validity dates, across month ends
and leap years: what must hold for EVERY creation day, not only the examples of test_rules."""

import calendar
import datetime

from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itou.eligibility import rules
from itou.eligibility.enums import AuthorKind

ONE_DAY = datetime.timedelta(days=1)
DAYS = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31))
# Function-scoped autouse fixtures (the frozen clock) are harmless here: pure functions.
SETTINGS = settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


@SETTINGS
@given(created_on=DAYS)
def test_employer_diagnosis_valid_on_days_0_to_91_expired_on_day_92(created_on):
    expires_at = rules.expires_on(author_kind=AuthorKind.EMPLOYER, created_on=created_on)
    assert (expires_at - created_on).days == 92
    assert rules.is_valid_on(expires_at, created_on)
    assert rules.is_valid_on(expires_at, created_on + datetime.timedelta(days=91))
    assert not rules.is_valid_on(expires_at, created_on + datetime.timedelta(days=92))


@SETTINGS
@given(created_on=DAYS, author_kind=st.sampled_from([AuthorKind.PRESCRIBER, AuthorKind.EMPLOYER]), geiq=st.booleans())
def test_six_months_exclusive_with_calendar_months(created_on, author_kind, geiq):
    if author_kind == AuthorKind.EMPLOYER and not geiq:
        return  # the 92 days above
    expires_at = rules.expires_on(author_kind=author_kind, created_on=created_on, geiq=geiq)
    # Calendar arithmetic: same day of the month 6 months later, clamped to the month's end.
    month = (created_on.month + 5) % 12 + 1
    year = created_on.year + (created_on.month + 6 > 12)
    last_day_of_month = calendar.monthrange(year, month)[1]
    assert expires_at == datetime.date(year, month, min(created_on.day, last_day_of_month))
    assert 181 <= (expires_at - created_on).days <= 184
    # Valid through the eve of the expiry day, never on it.
    last_valid_day = expires_at - ONE_DAY
    assert rules.is_valid_on(expires_at, last_valid_day)
    assert not rules.is_valid_on(expires_at, expires_at)
    assert rules.is_valid_on(expires_at, created_on)


@SETTINGS
@given(year=st.integers(min_value=2000, max_value=2098))
def test_31_august_is_valid_through_the_eve_of_the_end_of_february(year):
    expires_at = rules.expires_on(author_kind=AuthorKind.PRESCRIBER, created_on=datetime.date(year, 8, 31))
    february_end = 29 if calendar.isleap(year + 1) else 28
    assert expires_at == datetime.date(year + 1, 2, february_end)
    assert expires_at - ONE_DAY == datetime.date(year + 1, 2, february_end - 1)
    assert expires_at == datetime.date(year, 8, 31) + relativedelta(months=6)
