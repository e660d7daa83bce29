"""Response-time figures of the support for the staff (docs/echanges.md, « Délais du
support »): over the requests received in a period, how long users waited for a first
answer and for their request to be closed, overall and by category. Computed on the raw
table (a few thousand requests a month): one query."""

import dataclasses
import datetime

from django.db import connection
from django.utils import timezone

from itou.support.models import Category, Status

QUERY = """
SELECT category,
    count(*),
    count(first_response_at),
    percentile_disc(0.5) WITHIN GROUP (ORDER BY first_response_at - created_at),
    percentile_disc(0.9) WITHIN GROUP (ORDER BY first_response_at - created_at),
    count(*) FILTER (WHERE first_response_at IS NULL AND status <> %(closed)s),
    count(*) FILTER (WHERE status = %(closed)s),
    percentile_disc(0.5) WITHIN GROUP (ORDER BY closed_at - created_at) FILTER (WHERE status = %(closed)s),
    percentile_disc(0.9) WITHIN GROUP (ORDER BY closed_at - created_at) FILTER (WHERE status = %(closed)s)
FROM support_supportrequest
WHERE created_at >= %(start)s AND created_at < %(end)s
GROUP BY ROLLUP (category)
ORDER BY category NULLS FIRST
"""


@dataclasses.dataclass
class ResponseTimes:
    label: str
    received: int
    answered: int
    answer_median: datetime.timedelta | None  # percentile_disc, like the steering delays
    answer_p90: datetime.timedelta | None
    unanswered: int  # no first answer yet and not closed
    closed: int
    close_median: datetime.timedelta | None
    close_p90: datetime.timedelta | None


def response_times(start: datetime.date, end: datetime.date) -> list[ResponseTimes]:
    """All requests received from `start` to `end` (inclusive, Paris time) first, then one row
    per category that has requests."""
    params = {
        "closed": Status.CLOSED,
        "start": timezone.make_aware(datetime.datetime.combine(start, datetime.time())),
        "end": timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time())),
    }
    with connection.cursor() as cursor:
        cursor.execute(QUERY, params)
        rows = cursor.fetchall()
    result = []
    for category, *values in rows:
        label = "Toutes les demandes" if category is None else Category(category).label
        result.append(ResponseTimes(label, *values))
    return result or [ResponseTimes("Toutes les demandes", 0, 0, None, None, 0, 0, None, None)]


def duration_label(delay: datetime.timedelta | None) -> str:
    if delay is None:
        return "—"
    minutes = int(delay.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 24:
        return f"{hours // 24} j {hours % 24} h"
    return f"{hours} h {minutes:02d} min"
