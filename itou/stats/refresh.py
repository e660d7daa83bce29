"""Fill the aggregate tables from the raw tables (docs/statistiques.md, « Fraîcheur »).

One SQL text per aggregate, the same for the incremental refresh (a few days of
application creation, read from the change log) and for the full rebuild: the figures
cannot differ between the two ways. A day is recomputed whole (DELETE then INSERT …
SELECT … GROUP BY), so running it twice changes nothing (idempotent).
"""

import datetime

from django.db import connection, transaction
from django.utils import timezone

# A lock number of our own: two refreshes never run at once (worker + command).
ADVISORY_LOCK = 7_310_011

PARIS_DAY = "(({ts}) AT TIME ZONE 'Europe/Paris')::date"

# One row per application, with what every aggregate groups by. `{where}` restricts it
# to the days refreshed (on created_at, so that the index serves) or is TRUE.
APPLICATIONS = f"""
SELECT
    ja.id,
    {PARIS_DAY.format(ts="ja.created_at")} AS day,
    ja.created_at,
    ja.job_seeker_id,
    ja.state,
    ja.refusal_reason,
    ja.to_company_id AS company_id,
    CASE WHEN ja.sender_kind = 'prescriber' THEN ja.sender_prescriber_organization_id END AS prescriber_org_id,
    coalesce(com.department_id, '') AS department,
    c.kind AS company_kind,
    CASE
        WHEN ja.sender_kind <> 'prescriber' THEN ja.sender_kind
        WHEN po.authorization_status = 'VALIDATED' THEN 'authorized'
        ELSE 'orienteur'
    END AS sender_category,
    CASE WHEN ja.sender_kind = 'prescriber' THEN coalesce(po.kind, '') ELSE '' END AS prescriber_kind
FROM job_applications_jobapplication ja
JOIN companies_company c ON c.id = ja.to_company_id
LEFT JOIN geo_commune com ON com.code = c.commune_id
LEFT JOIN prescribers_prescriberorganization po ON po.id = ja.sender_prescriber_organization_id
WHERE {{where}}
"""

# The delays of each application: (metric, start, end). `answer`: creation → first
# transition to accepted or refused; `hire`: creation → last transition to accepted, for
# an application accepted now; `journey`: the job seeker's first application → that hire.
EVENTS = """
SELECT a.*, ev.metric, ev.end_at, ev.start_at
FROM ({applications}) a
CROSS JOIN LATERAL (
    SELECT 'answer' AS metric, min(l.timestamp) AS end_at, a.created_at AS start_at
    FROM job_applications_jobapplicationtransitionlog l
    WHERE l.job_application_id = a.id AND l.to_state IN ('accepted', 'refused')
    UNION ALL
    SELECT 'hire', max(l.timestamp), a.created_at
    FROM job_applications_jobapplicationtransitionlog l
    WHERE a.state = 'accepted' AND l.job_application_id = a.id AND l.to_state = 'accepted'
    UNION ALL
    SELECT 'journey', max(l.timestamp), (
        SELECT min(o.created_at) FROM job_applications_jobapplication o WHERE o.job_seeker_id = a.job_seeker_id
    )
    FROM job_applications_jobapplicationtransitionlog l
    WHERE a.state = 'accepted' AND l.job_application_id = a.id AND l.to_state = 'accepted'
) ev
WHERE ev.end_at IS NOT NULL
"""

# The same delays for every application at once (full rebuild): one pass over the
# transitions and one over the applications (hash joins), no index needed. Equivalent to
# EVENTS (tests/stats/test_figures.py compares the incremental refresh with the rebuild).
EVENTS_BULK = """
SELECT a.*, ev.metric, ev.end_at, ev.start_at
FROM ({applications}) a
JOIN (
    SELECT job_application_id,
        min(timestamp) FILTER (WHERE to_state IN ('accepted', 'refused')) AS answered_at,
        max(timestamp) FILTER (WHERE to_state = 'accepted') AS accepted_at
    FROM job_applications_jobapplicationtransitionlog
    GROUP BY job_application_id
) l ON l.job_application_id = a.id
JOIN (
    SELECT job_seeker_id, min(created_at) AS first_at FROM job_applications_jobapplication GROUP BY job_seeker_id
) f ON f.job_seeker_id = a.job_seeker_id
CROSS JOIN LATERAL (
    VALUES
        ('answer', l.answered_at, a.created_at),
        ('hire', CASE WHEN a.state = 'accepted' THEN l.accepted_at END, a.created_at),
        ('journey', CASE WHEN a.state = 'accepted' THEN l.accepted_at END, f.first_at)
) ev (metric, end_at, start_at)
WHERE ev.end_at IS NOT NULL
"""

DAYS = "greatest(0, floor(extract(epoch FROM (e.end_at - e.start_at)) / 86400))::int"

STATEMENTS = {
    "stats_applicationday": (
        "day",
        """
        INSERT INTO stats_applicationday
            (day, department, company_kind, sender_category, prescriber_kind, state, refusal_reason, count)
        SELECT day, department, company_kind, sender_category, prescriber_kind, state, refusal_reason, count(*)
        FROM ({applications}) a
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        """,
    ),
    "stats_applicationorgday": (
        "day",
        """
        INSERT INTO stats_applicationorgday
            (day, company_id, prescriber_org_id, sender_category, prescriber_kind, state, refusal_reason, count)
        SELECT day, company_id, prescriber_org_id, sender_category, prescriber_kind, state, refusal_reason, count(*)
        FROM ({applications}) a
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        """,
    ),
    "stats_delayday": (
        "created_day",
        f"""
        INSERT INTO stats_delayday
            (created_day, event_day, metric, department, company_kind, sender_category, prescriber_kind, days, count)
        SELECT e.day, {PARIS_DAY.format(ts="e.end_at")}, e.metric, e.department, e.company_kind,
            e.sender_category, e.prescriber_kind, {DAYS}, count(*)
        FROM ({{events}}) e
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
        """,
    ),
    "stats_delayorg": (
        "created_day",
        f"""
        INSERT INTO stats_delayorg (created_day, event_day, metric, company_id, prescriber_org_id, days, count)
        SELECT e.day, {PARIS_DAY.format(ts="e.end_at")}, e.metric, e.company_id, e.prescriber_org_id, {DAYS}, count(*)
        FROM ({{events}}) e
        GROUP BY 1, 2, 3, 4, 5, 6
        """,
    ),
    "stats_hiredomainday": (
        "created_day",
        f"""
        INSERT INTO stats_hiredomainday (created_day, event_day, department, company_kind, rome_domain, count)
        SELECT day, event_day, department, company_kind, rome_domain, count(*)
        FROM (
            SELECT DISTINCT e.id, e.day, {PARIS_DAY.format(ts="e.end_at")} AS event_day, e.department,
                e.company_kind, coalesce(jd.rome_domain_id, '') AS rome_domain
            FROM ({{events}}) e
            LEFT JOIN job_applications_jobapplication_selected_jobs sj ON sj.jobapplication_id = e.id
            LEFT JOIN companies_jobdescription jd ON jd.id = sj.jobdescription_id
            WHERE e.metric = 'hire'
        ) h
        GROUP BY 1, 2, 3, 4, 5
        """,
    ),
}

# Hires whose job seeker is followed today by at least two organizations (active members
# of their follow-up group). `{several}`: SEVERAL (one job seeker, by the index) or
# SEVERAL_BULK (every job seeker at once, hash join: the full rebuild).
HIRES_FOLLOWED = f"""
INSERT INTO stats_hirefollowedday (created_day, event_day, department, company_kind, count)
SELECT e.day, {PARIS_DAY.format(ts="e.end_at")}, e.department, e.company_kind, count(*)
FROM ({{events}}) e
WHERE e.metric = 'hire' AND {{several}}
GROUP BY 1, 2, 3, 4
"""
ORGANIZATIONS = "count(DISTINCT coalesce(m.company_id, -m.prescriber_organization_id))"
SEVERAL = f"""(
    SELECT {ORGANIZATIONS} FROM followup_followupmembership m WHERE m.job_seeker_id = e.job_seeker_id AND m.is_active
) >= 2"""
SEVERAL_BULK = f"""e.job_seeker_id IN (
    SELECT m.job_seeker_id FROM followup_followupmembership m WHERE m.is_active
    GROUP BY m.job_seeker_id HAVING {ORGANIZATIONS} >= 2
)"""
STATEMENTS["stats_hirefollowedday"] = ("created_day", HIRES_FOLLOWED.replace("{several}", SEVERAL))

# The per-month tables, summed from the per-day ones (never from the raw tables: they are
# exactly the per-day figures, grouped). `{where}` restricts to some months or is TRUE.
MONTH_STATEMENTS = {
    "stats_applicationmonth": (
        "day",
        """
        INSERT INTO stats_applicationmonth
            (day, department, company_kind, sender_category, prescriber_kind, state, refusal_reason, count)
        SELECT date_trunc('month', day)::date, department, company_kind, sender_category, prescriber_kind, state,
            refusal_reason, sum(count)
        FROM stats_applicationday
        WHERE {where}
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        """,
    ),
    "stats_delaymonth": (
        "event_day",
        """
        INSERT INTO stats_delaymonth
            (event_day, metric, department, company_kind, sender_category, prescriber_kind, days, count)
        SELECT date_trunc('month', event_day)::date, metric, department, company_kind, sender_category,
            prescriber_kind, days, sum(count)
        FROM stats_delayday
        WHERE {where}
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        """,
    ),
    "stats_hiredomainmonth": (
        "event_day",
        """
        INSERT INTO stats_hiredomainmonth (event_day, department, company_kind, rome_domain, count)
        SELECT date_trunc('month', event_day)::date, department, company_kind, rome_domain, sum(count)
        FROM stats_hiredomainday
        WHERE {where}
        GROUP BY 1, 2, 3, 4
        """,
    ),
}

# The national and per-department tables, summed from the per-month ones (one table per
# shape of national query: the per-month tables keep every dimension and a national page
# would sum 500 000 to 900 000 of their rows). Source table → [(table, SQL)]; `{where}`
# restricts to some months or is TRUE.
ROLLUP_STATEMENTS = {
    "stats_applicationmonth": [
        (
            "stats_applicationnationmonth",
            """
            INSERT INTO stats_applicationnationmonth
                (day, company_kind, sender_category, prescriber_kind, state, refusal_reason, count)
            SELECT day, company_kind, sender_category, prescriber_kind, state, refusal_reason, sum(count)
            FROM stats_applicationmonth
            WHERE {where}
            GROUP BY 1, 2, 3, 4, 5, 6
            """,
        ),
        (
            "stats_applicationnationstatemonth",
            """
            INSERT INTO stats_applicationnationstatemonth (day, company_kind, sender_category, state, count)
            SELECT day, company_kind, sender_category, state, sum(count)
            FROM stats_applicationmonth
            WHERE {where}
            GROUP BY 1, 2, 3, 4
            """,
        ),
        (
            "stats_applicationnationsendermonth",
            """
            INSERT INTO stats_applicationnationsendermonth (day, company_kind, sender_category, prescriber_kind, count)
            SELECT day, company_kind, sender_category, prescriber_kind, sum(count)
            FROM stats_applicationmonth
            WHERE {where}
            GROUP BY 1, 2, 3, 4
            """,
        ),
        (
            "stats_applicationnationreasonmonth",
            """
            INSERT INTO stats_applicationnationreasonmonth
                (day, company_kind, sender_category, state, refusal_reason, count)
            SELECT day, company_kind, sender_category, state, refusal_reason, sum(count)
            FROM stats_applicationmonth
            WHERE {where}
            GROUP BY 1, 2, 3, 4, 5
            """,
        ),
        (
            "stats_applicationdepartmentmonth",
            """
            INSERT INTO stats_applicationdepartmentmonth (day, department, company_kind, sender_category, count)
            SELECT day, department, company_kind, sender_category, sum(count)
            FROM stats_applicationmonth
            WHERE {where}
            GROUP BY 1, 2, 3, 4
            """,
        ),
    ],
    "stats_delaymonth": [
        (
            "stats_delaynationmonth",
            """
            INSERT INTO stats_delaynationmonth (event_day, metric, company_kind, sender_category, days, count)
            SELECT event_day, metric, company_kind, sender_category, days, sum(count)
            FROM stats_delaymonth
            WHERE {where}
            GROUP BY 1, 2, 3, 4, 5
            """,
        ),
        (
            "stats_delaydepartmentmonth",
            """
            INSERT INTO stats_delaydepartmentmonth
                (event_day, metric, department, company_kind, sender_category, days, count)
            SELECT event_day, metric, department, company_kind, sender_category, days, sum(count)
            FROM stats_delaymonth
            WHERE {where}
            GROUP BY 1, 2, 3, 4, 5, 6
            """,
        ),
        (  # after stats_delaynationmonth, which it sums
            "stats_delaynationallmonth",
            """
            INSERT INTO stats_delaynationallmonth (event_day, metric, days, count)
            SELECT event_day, metric, days, sum(count)
            FROM stats_delaynationmonth
            WHERE {where}
            GROUP BY 1, 2, 3
            """,
        ),
        (  # after the previous one, which it sums
            "stats_delaydepartmentallmonth",
            """
            INSERT INTO stats_delaydepartmentallmonth (event_day, metric, department, days, count)
            SELECT event_day, metric, department, days, sum(count)
            FROM stats_delaydepartmentmonth
            WHERE {where}
            GROUP BY 1, 2, 3, 4
            """,
        ),
    ],
    "stats_hiredomainmonth": [
        (
            "stats_hiredomainnationmonth",
            """
            INSERT INTO stats_hiredomainnationmonth (event_day, company_kind, rome_domain, count)
            SELECT event_day, company_kind, rome_domain, sum(count)
            FROM stats_hiredomainmonth
            WHERE {where}
            GROUP BY 1, 2, 3
            """,
        ),
    ],
}
# The same for the per-day table: national totals per day (summed from stats_applicationday,
# day by day, just after it).
DAY_ROLLUP_STATEMENTS = {
    "stats_applicationnationstateday": """
        INSERT INTO stats_applicationnationstateday (day, company_kind, sender_category, state, count)
        SELECT day, company_kind, sender_category, state, sum(count)
        FROM stats_applicationday
        WHERE {where}
        GROUP BY 1, 2, 3, 4
        """,
}
ROLLUP_TABLES = [
    *(table for rollups in ROLLUP_STATEMENTS.values() for table, _sql in rollups),
    *DAY_ROLLUP_STATEMENTS,
]

# The median and 90th centile of the delays per calendar quarter and year, per metric and
# breakdown (stats_delaypercentile), from the per-month histograms: what
# `figures.percentiles` computes (percentile_disc: the smallest number of days reached by
# at least half, nine tenths, of the cases), once per change instead of at each display.
# `{unit}`: "quarter" or "year"; `{where}` restricts to some periods or is TRUE.
PERCENTILE_UNITS = {"quarter": "3 months", "year": "1 year"}
PERCENTILE_BREAKDOWNS = {
    # breakdown: (histogram table, its column)
    "department": ("stats_delaydepartmentallmonth", "department"),
    "company_kind": ("stats_delaynationmonth", "company_kind"),
    "sender_category": ("stats_delaynationmonth", "sender_category"),
}
PERCENTILES = """
INSERT INTO stats_delaypercentile (period_start, period_end, metric, breakdown, value, count, median, p90)
SELECT w.period_start, (w.period_start + interval '{length}')::date - 1, w.metric, '{breakdown}', w.value,
    max(w.total), min(w.days) FILTER (WHERE w.cum * 2 >= w.total), min(w.days) FILTER (WHERE w.cum * 10 >= w.total * 9)
FROM (
    SELECT h.*, sum(h.c) OVER (PARTITION BY h.period_start, h.metric, h.value ORDER BY h.days) AS cum,
        sum(h.c) OVER (PARTITION BY h.period_start, h.metric, h.value) AS total
    FROM (
        SELECT date_trunc('{unit}', event_day)::date AS period_start, metric, {column} AS value, days,
            sum(count)::integer AS c
        FROM {table}
        WHERE {where}
        GROUP BY 1, 2, 3, 4
    ) h
) w
GROUP BY w.period_start, w.metric, w.value
"""


def percentile_statements(where: str = "TRUE", units=tuple(PERCENTILE_UNITS)) -> list[str]:
    """The INSERTs of stats_delaypercentile: every breakdown of these units (`where`: see PERCENTILES)."""
    return [
        PERCENTILES.format(
            unit=unit, length=PERCENTILE_UNITS[unit], breakdown=breakdown, table=table, column=column, where=where
        )
        for unit in units
        for breakdown, (table, column) in PERCENTILE_BREAKDOWNS.items()
    ]


def percentile_periods(months) -> set:
    """The quarters and years (start, end inclusive) of these months."""
    periods = set()
    for month in months:
        quarter = month.replace(month=month.month - (month.month - 1) % 3)
        quarter_end = (quarter + datetime.timedelta(days=93)).replace(day=1) - datetime.timedelta(days=1)
        periods.add((quarter, quarter_end))
        periods.add((month.replace(month=1), month.replace(month=12, day=31)))
    return periods


APPROVALS = f"""
INSERT INTO stats_approvalaggregate (department, company_kind, issued_day, start_at, end_at, prolonged, count)
SELECT coalesce(com.department_id, ''), coalesce(c.kind, ''), {PARIS_DAY.format(ts="a.created_at")},
    a.start_at, a.end_at, p.approval_id IS NOT NULL, count(*)
FROM approvals_approval a
LEFT JOIN (
    SELECT DISTINCT ON (approval_id) approval_id, company_id FROM approvals_approvalhire
    ORDER BY approval_id, cancelled_at IS NOT NULL, created_at, id
) h ON h.approval_id = a.id
LEFT JOIN companies_company c ON c.id = h.company_id
LEFT JOIN geo_commune com ON com.code = c.commune_id
LEFT JOIN (SELECT DISTINCT approval_id FROM approvals_prolongation) p ON p.approval_id = a.id
WHERE a.cancelled_at IS NULL
GROUP BY 1, 2, 3, 4, 5, 6
"""

# The PASS IAE of one day (`{day}`, a date literal; `{ending}`: 3 months later), from the
# aggregate: in force, prolonged, ending soon per territory × employer kind (one row per
# pair that has PASS IAE, in force or not: the rows of a day say it was computed).
APPROVALS_TODAY = """
INSERT INTO stats_approvaltoday (day, department, company_kind, in_force, prolonged, ending_soon)
SELECT {day}, department, company_kind,
    coalesce(sum(count) FILTER (WHERE start_at <= {day} AND end_at >= {day}), 0),
    coalesce(sum(count) FILTER (WHERE start_at <= {day} AND end_at >= {day} AND prolonged), 0),
    coalesce(sum(count) FILTER (WHERE start_at <= {day} AND end_at >= {day} AND end_at < {ending}), 0)
FROM stats_approvalaggregate
GROUP BY department, company_kind
ORDER BY department, company_kind
"""
# The PASS IAE suspended that day, once per territory × kind of the employers that suspended
# them (an employer without commune or a suspension without employer: department "").
SUSPENDED_TODAY = """
INSERT INTO stats_suspendedtoday (day, approval_id, department, company_kind)
SELECT DISTINCT {day}, s.approval_id, coalesce(com.department_id, ''), coalesce(c.kind, '')
FROM approvals_suspension s
JOIN approvals_approval a ON a.id = s.approval_id
LEFT JOIN companies_company c ON c.id = s.company_id
LEFT JOIN geo_commune com ON com.code = c.commune_id
WHERE a.cancelled_at IS NULL AND s.start_at <= {day} AND s.end_at >= {day}
"""
TODAY_TABLES = ["stats_approvaltoday", "stats_suspendedtoday"]


def approvals_today_statements(today: datetime.date) -> list[str]:
    """Compute the tables of one day again (after `stats_approvalaggregate`)."""
    from itou.stats.figures import ENDING_SOON_MONTHS, _add_months

    day = f"DATE '{today.isoformat()}'"
    ending = f"DATE '{_add_months(today, ENDING_SOON_MONTHS).isoformat()}'"
    return [
        *(f"DELETE FROM {table}" for table in TODAY_TABLES),
        APPROVALS_TODAY.format(day=day, ending=ending),
        SUSPENDED_TODAY.format(day=day),
    ]


# The last application of each job description (« fiches de poste en difficulté »).
# `{where}`: some job descriptions (`sj.jobdescription_id = ANY(%(jobs)s)`) or TRUE.
JOB_ACTIVITY = f"""
INSERT INTO stats_jobdescriptionactivity (jobdescription_id, last_applied_at, last_day)
SELECT sj.jobdescription_id, max(ja.created_at), {PARIS_DAY.format(ts="max(ja.created_at)")}
FROM job_applications_jobapplication_selected_jobs sj
JOIN job_applications_jobapplication ja ON ja.id = sj.jobapplication_id
WHERE {{where}}
GROUP BY 1
"""

# The people followed today per organization's department and kind (`{where}`: some job
# seekers, `m.job_seeker_id = ANY(%(people)s)`, or TRUE). An organization without
# commune has no department (France only). Employers and prescriber organizations apart:
# a membership naming both counts for both, as the live figures did.
FOLLOWED_PEOPLE = """
INSERT INTO stats_followedperson (job_seeker_id, department, region, org_type, org_kind)
SELECT m.job_seeker_id, coalesce(com.department_id, ''), coalesce(d.region_id, ''), 'company', c.kind
FROM followup_followupmembership m
JOIN companies_company c ON c.id = m.company_id
LEFT JOIN geo_commune com ON com.code = c.commune_id
LEFT JOIN geo_department d ON d.code = com.department_id
WHERE m.is_active AND {where}
UNION
SELECT m.job_seeker_id, coalesce(com.department_id, ''), coalesce(d.region_id, ''), 'prescriber', po.kind
FROM followup_followupmembership m
JOIN prescribers_prescriberorganization po ON po.id = m.prescriber_organization_id
LEFT JOIN geo_commune com ON com.code = po.commune_id
LEFT JOIN geo_department d ON d.code = com.department_id
WHERE m.is_active AND {where}
"""
# Each person once per territory (France, region, department) and organization kind
# (any: "" and ""), then counted per key. `{where}`: some people (`p.job_seeker_id = ANY(…)`)
# or TRUE; `{sign}`: "" or "-" (the refresh removes a person's old keys, adds the new).
FOLLOWED_COUNTS = """
INSERT INTO stats_followedcount (level, code, org_type, org_kind, count)
SELECT level, code, org_type, org_kind, {sign}count(*)
FROM (
    SELECT DISTINCT p.job_seeker_id, k.level, k.code, k.org_type, k.org_kind
    FROM stats_followedperson p
    CROSS JOIN LATERAL (
        VALUES ('N', '', '', ''), ('N', '', p.org_type, p.org_kind),
            ('R', p.region, '', ''), ('R', p.region, p.org_type, p.org_kind),
            ('D', p.department, '', ''), ('D', p.department, p.org_type, p.org_kind)
    ) k (level, code, org_type, org_kind)
    WHERE (k.level = 'N' OR k.code <> '') AND {where}
) x
GROUP BY 1, 2, 3, 4
"""
ADD_COUNTS = (
    " ON CONFLICT ON CONSTRAINT stats_followedcount_key"
    " DO UPDATE SET count = stats_followedcount.count + EXCLUDED.count"
)


def _sql(template: str, where: str) -> str:
    applications = APPLICATIONS.format(where=where)
    return template.format(applications=applications, events=EVENTS.format(applications=applications))


def _paris_day_range(day: datetime.date) -> tuple[str, str]:
    return (
        f"{day.isoformat()} 00:00:00 Europe/Paris",
        f"{(day + datetime.timedelta(days=1)).isoformat()} 00:00:00 Europe/Paris",
    )


def _event_months(cursor, days) -> set:
    """The months of the delay events of these days of application creation."""
    cursor.execute(
        "SELECT DISTINCT date_trunc('month', event_day)::date FROM stats_delayday WHERE created_day = ANY(%s)",
        [days],
    )
    return {row[0] for row in cursor.fetchall()}


def refresh_days(days) -> None:
    """Recompute every per-day aggregate of these days of application creation, then the
    months they fall in (applications: the months of these days; delays: the months of
    their events, before and after the change), then the last application of the job
    descriptions concerned."""
    days = sorted(set(days))
    if not days:
        return
    with connection.cursor() as cursor:
        event_months = _event_months(cursor, days)
        # The job descriptions whose last application was created on one of these days
        # (it may be gone), and below those chosen by the applications of these days.
        cursor.execute("SELECT jobdescription_id FROM stats_jobdescriptionactivity WHERE last_day = ANY(%s)", [days])
        jobs = {row[0] for row in cursor.fetchall()}
        for day in days:
            start, end = _paris_day_range(day)
            where = "ja.created_at >= %(start)s::timestamptz AND ja.created_at < %(end)s::timestamptz"
            for table, (day_column, template) in STATEMENTS.items():
                cursor.execute(f"DELETE FROM {table} WHERE {day_column} = %(day)s", {"day": day})
                cursor.execute(_sql(template, where), {"start": start, "end": end})
            cursor.execute(
                """SELECT DISTINCT sj.jobdescription_id FROM job_applications_jobapplication_selected_jobs sj
                JOIN job_applications_jobapplication ja ON ja.id = sj.jobapplication_id WHERE """
                + where,
                {"start": start, "end": end},
            )
            jobs |= {row[0] for row in cursor.fetchall()}
            for table, template in DAY_ROLLUP_STATEMENTS.items():
                cursor.execute(f"DELETE FROM {table} WHERE day = %(day)s", {"day": day})
                cursor.execute(template.format(where="day = %(day)s"), {"day": day})
        event_months |= _event_months(cursor, days)
        jobs = sorted(jobs)
        cursor.execute(
            "DELETE FROM stats_jobdescriptionactivity WHERE jobdescription_id = ANY(%(jobs)s)", {"jobs": jobs}
        )
        cursor.execute(JOB_ACTIVITY.format(where="sj.jobdescription_id = ANY(%(jobs)s)"), {"jobs": jobs})
    refresh_months(
        stats_applicationmonth={day.replace(day=1) for day in days},
        stats_delaymonth=event_months,
        stats_hiredomainmonth=event_months,  # the hires are delay events of metric "hire"
    )


def refresh_months(**months) -> None:
    """Sum the per-day tables again for these months (table name → first days of months),
    then the national and per-department tables of the same months, then the centiles of
    the quarters and years of the delay months (stats_delaypercentile)."""
    with connection.cursor() as cursor:
        for table, (day_column, template) in MONTH_STATEMENTS.items():
            for month in sorted(months.get(table, ())):
                after = (month + datetime.timedelta(days=32)).replace(day=1)
                params = {"month": month, "after": after}
                cursor.execute(f"DELETE FROM {table} WHERE {day_column} = %(month)s", params)
                where = f"{day_column} >= %(month)s AND {day_column} < %(after)s"
                if table == "stats_delaymonth":
                    where = f"metric IN ('answer', 'hire', 'journey') AND {where}"  # the (metric, day) index serves
                cursor.execute(template.format(where=where), params)
                for rollup, rollup_template in ROLLUP_STATEMENTS[table]:
                    cursor.execute(f"DELETE FROM {rollup} WHERE {day_column} = %(month)s", params)
                    cursor.execute(rollup_template.format(where=f"{day_column} = %(month)s"), params)
        # Then the centiles of the quarters and years of the delay months (their histograms
        # are summed above): each period recomputed whole, from the per-month tables.
        for start, end in sorted(percentile_periods(months.get("stats_delaymonth", ()))):
            params = {"start": start, "end": end}
            cursor.execute(
                "DELETE FROM stats_delaypercentile WHERE period_start = %(start)s AND period_end = %(end)s", params
            )
            unit = "year" if start.month == 1 and end.month == 12 else "quarter"
            where = "metric IN ('answer', 'hire', 'journey') AND event_day >= %(start)s AND event_day <= %(end)s"
            for statement in percentile_statements(where, units=(unit,)):
                cursor.execute(statement, params)


def refresh_hires_followed(days) -> None:
    """Only `stats_hirefollowedday` for these days of application creation (the days of the
    applications of people whose follow-up group changed: nothing else moved)."""
    day_column, template = STATEMENTS["stats_hirefollowedday"]
    with connection.cursor() as cursor:
        for day in sorted(days):
            start, end = _paris_day_range(day)
            where = "ja.created_at >= %(start)s::timestamptz AND ja.created_at < %(end)s::timestamptz"
            cursor.execute(f"DELETE FROM stats_hirefollowedday WHERE {day_column} = %(day)s", {"day": day})
            cursor.execute(_sql(template, where), {"start": start, "end": end})


def refresh_people(people) -> None:
    """Recompute the follow-up rows of these job seekers and move the counts by the
    difference: their old keys out, their new keys in (exact: the counts stay the number
    of people of `stats_followedperson` per key, what a rebuild computes)."""
    people = sorted(set(people))
    if not people:
        return
    params = {"people": people}
    mine = "p.job_seeker_id = ANY(%(people)s)"
    with connection.cursor() as cursor:
        cursor.execute(FOLLOWED_COUNTS.format(sign="-", where=mine) + ADD_COUNTS, params)
        cursor.execute("DELETE FROM stats_followedperson WHERE job_seeker_id = ANY(%(people)s)", params)
        cursor.execute(FOLLOWED_PEOPLE.format(where="m.job_seeker_id = ANY(%(people)s)"), params)
        cursor.execute(FOLLOWED_COUNTS.format(sign="", where=mine) + ADD_COUNTS, params)
        cursor.execute("DELETE FROM stats_followedcount WHERE count = 0")


def refresh_approvals() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM stats_approvalaggregate")
        cursor.execute(APPROVALS)


def refresh_approvals_today(today: datetime.date) -> None:
    with connection.cursor() as cursor:
        for statement in approvals_today_statements(today):
            cursor.execute(statement)


def approvals_today_computed(today: datetime.date) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM stats_approvaltoday WHERE day = %s)", [today])
        return cursor.fetchone()[0]


@transaction.atomic
def refresh_pending() -> dict:
    """The refresh job: the days and flags of the change log, then nothing left in it.

    DELETE … RETURNING takes the log rows this transaction sees; a change committed after
    that stays in the log for the next run (never lost, at worst computed twice)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        cursor.execute("DELETE FROM stats_dirtyday RETURNING day")
        days = {row[0] for row in cursor.fetchall()}
        cursor.execute("DELETE FROM stats_dirtyflag RETURNING name")
        flags = {row[0] for row in cursor.fetchall()}
        cursor.execute("DELETE FROM stats_dirtyperson RETURNING job_seeker_id")
        people = {row[0] for row in cursor.fetchall()}
        followed_days = set()
        if people:
            # Their hires may be followed by two organizations now, or not any more.
            cursor.execute(
                f"""SELECT DISTINCT {PARIS_DAY.format(ts="created_at")} FROM job_applications_jobapplication
                WHERE job_seeker_id = ANY(%s)""",
                [sorted(people)],
            )
            followed_days = {row[0] for row in cursor.fetchall()} - days
    refresh_days(days)
    refresh_hires_followed(followed_days)
    refresh_people(people)
    if "approvals" in flags:
        refresh_approvals()
    # The figures of today: after a change of the PASS IAE or of their suspensions, and at
    # the first run of the day (in force, ending soon and suspended move with the date).
    today = timezone.localdate()
    if flags & {"approvals", "suspensions"} or not approvals_today_computed(today):
        refresh_approvals_today(today)
    return {
        "days": len(days),
        "followed_days": len(followed_days),
        "people": len(people),
        "approvals": "approvals" in flags,
    }


FOLLOWUP_TABLES = ["stats_followedperson", "stats_followedcount"]
AGGREGATE_TABLES = [
    *STATEMENTS,
    *MONTH_STATEMENTS,
    *ROLLUP_TABLES,
    "stats_delaypercentile",
    "stats_approvalaggregate",
    *TODAY_TABLES,
    "stats_jobdescriptionactivity",
    *FOLLOWUP_TABLES,
]
LOG_TABLES = ["stats_dirtyday", "stats_dirtyflag", "stats_dirtyperson"]


# The physical order of the territory tables after a rebuild (department first, as their
# indexes): a department's rows fill a few consecutive pages instead of one row per page.
REBUILD_ORDER = {
    "stats_applicationday": " ORDER BY 2, 1",  # department, day
    "stats_delayday": " ORDER BY 4, 3, 2",  # department, metric, event_day
    "stats_applicationmonth": " ORDER BY 2, 1",
    "stats_delaymonth": " ORDER BY 3, 2, 1",  # department, metric, event_day
    "stats_hiredomainmonth": " ORDER BY 2, 1",  # department, event_day
    "stats_applicationdepartmentmonth": " ORDER BY 2, 1",  # department, day
    "stats_delaydepartmentmonth": " ORDER BY 3, 2, 1",  # department, metric, event_day
    "stats_delaydepartmentallmonth": " ORDER BY 2, 1",  # metric, event_day
    "stats_delaynationallmonth": " ORDER BY 2, 1",  # metric, event_day
}


def rebuild_statements() -> list[str]:
    """The SQL of a full rebuild, for any cursor (Django's, or the France-scale dataset
    generator's psycopg connection, bench/dataset.py). To run in one transaction."""
    applications = APPLICATIONS.format(where="TRUE")
    statements = [
        f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})",
        f"TRUNCATE {', '.join(AGGREGATE_TABLES + LOG_TABLES)}",
        # The delays of every application, computed once for the three tables that need them.
        f"CREATE TEMPORARY TABLE stats_events ON COMMIT DROP AS {EVENTS_BULK.format(applications=applications)}",
        # Autovacuum never analyzes a temporary table: without statistics the planner guesses.
        "ANALYZE stats_events",
    ]
    for table, (_day_column, template) in STATEMENTS.items():
        if table == "stats_hirefollowedday":
            continue  # below, with the follow-up tables
        statement = template.format(applications=applications, events="SELECT * FROM stats_events")
        # Rows of a department side by side on disk: a department page reads a few pages.
        statement += REBUILD_ORDER.get(table, "")
        statements.append(statement)
    statements += followup_statements("SELECT * FROM stats_events")
    statements += job_activity_statements()
    statements.append(APPROVALS)
    statements += approvals_today_statements(timezone.localdate())
    statements.append("DROP TABLE stats_events")
    statements += [
        f"ANALYZE {table}"
        for table in AGGREGATE_TABLES
        if table not in MONTH_STATEMENTS and table not in ROLLUP_TABLES and table not in FOLLOWUP_TABLES
    ]
    statements += [
        template.format(where="TRUE") + REBUILD_ORDER[table] for table, (_column, template) in MONTH_STATEMENTS.items()
    ]
    statements += [f"ANALYZE {table}" for table in MONTH_STATEMENTS]
    statements += rollup_statements()
    return statements


def rollup_statements() -> list[str]:
    """Fill the national and per-department tables from the per-month (and per-day) ones:
    the last step of a rebuild; alone, on a database whose other tables are already right."""
    statements = [f"TRUNCATE {', '.join(ROLLUP_TABLES)}"]
    for rollups in ROLLUP_STATEMENTS.values():
        for table, template in rollups:
            statements.append(template.format(where="TRUE") + REBUILD_ORDER.get(table, ""))
    for template in DAY_ROLLUP_STATEMENTS.values():
        statements.append(template.format(where="TRUE") + " ORDER BY 1")
    statements += [f"ANALYZE {table}" for table in ROLLUP_TABLES]
    # The centiles last: they read stats_delaydepartmentallmonth and stats_delaynationmonth.
    statements += ["TRUNCATE stats_delaypercentile", *percentile_statements(), "ANALYZE stats_delaypercentile"]
    return statements


def followup_statements(events: str | None = None) -> list[str]:
    """Fill the follow-up tables from scratch (people followed, their counts, the hires
    followed by two organizations) and empty their change log. `events`: the delays of
    every application (the rebuild's temporary table); None: computed for the accepted
    applications (`stats_rebuild --rollups`, the dataset's follow-up step)."""
    if events is None:
        events = EVENTS_BULK.format(applications=APPLICATIONS.format(where="ja.state = 'accepted'"))
    return [
        "TRUNCATE stats_dirtyperson, stats_followedperson, stats_followedcount, stats_hirefollowedday",
        # Statistics of the groups first: just written in bulk (the dataset generator, in the
        # same transaction and before any autovacuum), the planner would take them for a few
        # rows and nest the loop over every hire for each group: hours at France scale.
        "ANALYZE followup_followupmembership",
        FOLLOWED_PEOPLE.format(where="TRUE") + " ORDER BY 2, 1",
        "ANALYZE stats_followedperson",
        FOLLOWED_COUNTS.format(sign="", where="TRUE"),
        "ANALYZE stats_followedcount",
        HIRES_FOLLOWED.format(events=events, several=SEVERAL_BULK) + " ORDER BY 3, 2",
        "ANALYZE stats_hirefollowedday",
    ]


def job_activity_statements() -> list[str]:
    return [
        "TRUNCATE stats_jobdescriptionactivity",
        JOB_ACTIVITY.format(where="TRUE"),
        "ANALYZE stats_jobdescriptionactivity",
    ]


def derived_statements() -> list[str]:
    """`stats_rebuild --rollups`: the national and per-department tables from the per-month
    ones, the follow-up tables, the last application of each job description and the PASS
    IAE figures of the day — every table whose rebuild does not need the per-day ones again."""
    return (
        rollup_statements()
        + followup_statements()
        + job_activity_statements()
        + approvals_today_statements(timezone.localdate())
    )


@transaction.atomic
def rebuild() -> None:
    """Everything from scratch (idempotent): empty the aggregates and the change log, then
    one INSERT … SELECT per table over all the raw rows."""
    with connection.cursor() as cursor:
        for statement in rebuild_statements():
            cursor.execute(statement)
