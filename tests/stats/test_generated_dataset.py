"""On the generated world of bench/dataset.py (its `stats` step computes the aggregates with
the SQL of `stats_rebuild`): the figures equal direct counts on the raw tables."""

import datetime

import pytest
from django.db import connection

from itou.stats import figures
from itou.stats.figures import Filters, Scope
from itou.stats.models import DirtyDay
from tests.bench.conftest import TODAY, generate, reference_data  # noqa: F401 (fixture)


def rows(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


@pytest.mark.parametrize("scale", ["demo", "department"])
def test_generated_world_figures_equal_raw_counts(reference_data, scale):  # noqa: F811
    generate(scale=scale)
    assert not DirtyDay.objects.exists()  # the step emptied what the triggers logged
    direct = rows(
        """SELECT coalesce(com.department_id, ''), c.kind, ja.state, count(*)
           FROM job_applications_jobapplication ja JOIN companies_company c ON c.id = ja.to_company_id
           LEFT JOIN geo_commune com ON com.code = c.commune_id GROUP BY 1, 2, 3"""
    )
    aggregated = rows("SELECT department, company_kind, state, sum(count) FROM stats_applicationday GROUP BY 1, 2, 3")
    assert sorted(direct) == sorted(aggregated)
    assert sum(r[3] for r in direct) > 100

    start, end = datetime.date(2020, 1, 1), TODAY
    data = figures.delay_figures(Scope("69", departments=("69",)), Filters(start, end), "answer")
    ((n, median, p90),) = rows(
        """SELECT count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY d), percentile_disc(0.9) WITHIN GROUP (ORDER BY d)
           FROM (SELECT floor(extract(epoch FROM min(l.timestamp) - ja.created_at) / 86400)::int AS d
                 FROM job_applications_jobapplication ja
                 JOIN companies_company c ON c.id = ja.to_company_id
                 JOIN geo_commune com ON com.code = c.commune_id AND com.department_id = '69'
                 JOIN job_applications_jobapplicationtransitionlog l
                   ON l.job_application_id = ja.id AND l.to_state IN ('accepted', 'refused')
                 GROUP BY ja.id) x"""
    )
    assert (data["overall"]["n"], data["overall"]["median"], data["overall"]["p90"]) == (n, median, p90)
    received = figures.application_figures(Scope("69", departments=("69",)), Filters(start, end))["received"]
    assert (
        received
        == rows(
            """SELECT count(*) FROM job_applications_jobapplication ja JOIN companies_company c ON c.id = ja.to_company_id
           JOIN geo_commune com ON com.code = c.commune_id WHERE com.department_id = '69'"""
        )[0][0]
    )
    # The per-month tables are the per-day ones summed by month.
    for day_table, month_table, columns in [
        ("stats_applicationday", "stats_applicationmonth", "department, company_kind, sender_category, state"),
        ("stats_delayday", "stats_delaymonth", "metric, department, days"),
    ]:
        column = "day" if day_table == "stats_applicationday" else "event_day"
        by_month = f"SELECT date_trunc('month', {column})::date, {columns}, sum(count) FROM {{}} GROUP BY 1, {columns}"
        assert sorted(rows(by_month.format(day_table))) == sorted(rows(by_month.format(month_table)))

    # The exchanges step (bench/dataset_exchanges.py): groups, threads and support requests.
    ((followed,),) = rows("SELECT count(DISTINCT job_seeker_id) FROM followup_followupmembership WHERE is_active")
    followup = figures.followup_figures(Scope("fr"), Filters(start, end))
    assert followup["followed"] == followed > 0  # stats_followedcount, filled after the groups
    ((hires_followed,),) = rows(
        """SELECT count(*) FROM job_applications_jobapplication ja
           WHERE ja.state = 'accepted'
             AND EXISTS (SELECT 1 FROM job_applications_jobapplicationtransitionlog l
                         WHERE l.job_application_id = ja.id AND l.to_state = 'accepted')
             AND (SELECT count(DISTINCT coalesce(m.company_id, -m.prescriber_organization_id))
                  FROM followup_followupmembership m WHERE m.job_seeker_id = ja.job_seeker_id AND m.is_active) >= 2"""
    )
    assert followup["hires_followed"] == hires_followed > 0
    assert not rows("SELECT 1 FROM stats_dirtyperson")
    assert rows("SELECT count(*) FROM exchanges_applicationmessage")[0][0] > 0
    assert rows("SELECT count(*) FROM support_supportrequest")[0][0] > 0
