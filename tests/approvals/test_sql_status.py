"""`Approval.objects.with_status` (SQL) agrees with `rules.approval_status` and
`rules.expires_soon` (Python) on every status and boundary date: the employer's PASS list
filters in SQL, its badges were computed in Python."""

import datetime

import pytest

from itou.approvals.enums import ApprovalStatus, SuspensionReason
from itou.approvals.models import Approval, Suspension
from itou.approvals.rules import EXPIRES_SOON
from tests.approvals.factories import ApprovalFactory
from tests.companies.factories import CompanyFactory

days = datetime.timedelta


def _cases(today):
    """(start_at, end_at, cancelled, suspensions, expected status) around `today`."""
    soon = today + EXPIRES_SOON
    valid, expired, future = ApprovalStatus.VALID, ApprovalStatus.EXPIRED, ApprovalStatus.FUTURE
    suspended, cancelled = ApprovalStatus.SUSPENDED, ApprovalStatus.CANCELLED
    return [
        (today - days(10), today + days(400), False, [], valid),
        (today, today + days(400), False, [], valid),  # first day
        (today + days(1), today + days(400), False, [], future),
        (today - days(700), today, False, [], valid),  # last day, expires soon
        (today - days(700), today - days(1), False, [], expired),
        (today - days(700), soon - days(1), False, [], valid),  # last day of "expires soon"
        (today - days(700), soon, False, [], valid),  # just after it
        (today - days(700), today + days(1), True, [], cancelled),
        (today + days(5), today + days(400), True, [], cancelled),
        (today - days(700), today - days(3), True, [], cancelled),
        (today - days(10), today + days(400), False, [(today, today + days(5))], suspended),
        (today - days(10), today + days(400), False, [(today - days(5), today)], suspended),
        (today - days(10), today + days(400), False, [(today - days(5), today - days(1))], valid),
        (today - days(10), today + days(400), False, [(today + days(1), today + days(5))], valid),
        (
            today - days(100),
            today + days(400),
            False,
            [(today - days(50), today - days(40)), (today - days(2), today + days(2))],
            suspended,
        ),
        (today - days(10), today - days(1), False, [(today - days(5), today + days(5))], expired),
        (today + days(1), today + days(400), False, [(today - days(5), today + days(5))], future),
        (today - days(10), today + days(400), True, [(today - days(5), today + days(5))], cancelled),
    ]


@pytest.mark.parametrize(
    "today",
    [datetime.date(2026, 11, 30), datetime.date(2027, 1, 31), datetime.date(2028, 2, 29)],
    ids=str,
)
def test_sql_status_agrees_with_python(today):
    company = CompanyFactory()
    expected = {}
    for start_at, end_at, is_cancelled, suspensions, status in _cases(today):
        approval = ApprovalFactory(
            start_at=start_at,
            end_at=end_at,
            cancelled_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC) if is_cancelled else None,
        )
        for s_start, s_end in suspensions:
            Suspension.objects.create(
                approval=approval,
                start_at=s_start,
                end_at=s_end,
                reason=SuspensionReason.choices[0][0],
                company=company,
            )
        expected[approval.pk] = status
    rows = Approval.objects.filter(pk__in=expected).with_status(today).prefetch_related("suspensions")
    seen = set()
    for approval in rows:
        python_status = approval.status(today)
        assert python_status == expected[approval.pk], (approval.start_at, approval.end_at)
        assert approval.sql_status == python_status, (approval.start_at, approval.end_at)
        assert approval.sql_expires_soon == approval.expires_soon(today), approval.end_at
        seen.add(python_status)
    assert len(rows) == len(expected)
    assert seen == set(ApprovalStatus.values)
    soon_count = sum(approval.expires_soon(today) for approval in rows)
    assert soon_count == 2  # ends today, ends on the last day of the window (cancelled: never)
    for status in ApprovalStatus.values:
        in_sql = set(
            Approval.objects.filter(pk__in=expected)
            .with_status(today)
            .filter(sql_status=status)
            .values_list("pk", flat=True)
        )
        assert in_sql == {pk for pk, wanted in expected.items() if wanted == status}
