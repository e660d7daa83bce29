"""The figures of the aggregate tables equal a direct count on the raw tables."""

import datetime
import math

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Min
from django.utils import timezone

from itou.approvals.models import Approval, Suspension
from itou.job_applications import services
from itou.job_applications.enums import JobApplicationState, SenderKind
from itou.job_applications.models import JobApplication, JobApplicationTransitionLog
from itou.job_applications.workflow import PENDING_STATES
from itou.prescribers.enums import PrescriberAuthorizationStatus
from itou.stats import figures, refresh
from itou.stats.figures import Filters, Scope
from itou.stats.models import (
    DELAY_METRICS,
    ApplicationDay,
    ApplicationDepartmentMonth,
    ApplicationNationMonth,
    ApplicationNationStateDay,
    ApplicationNationStateMonth,
    ApprovalToday,
    DelayDay,
    DelayDepartmentAllMonth,
    DelayDepartmentMonth,
    DelayNationAllMonth,
    DelayNationMonth,
    DelayPercentile,
    DirtyDay,
    DirtyFlag,
    DirtyPerson,
)
from tests.job_applications.factories import JobApplicationFactory, employer_of, make_job_description
from tests.stats.dataset import NOW, make_world

AGGREGATE_TABLES = [
    "stats_applicationday",
    "stats_applicationorgday",
    "stats_delayday",
    "stats_delayorg",
    "stats_hiredomainday",
    "stats_applicationmonth",
    "stats_delaymonth",
    "stats_applicationnationmonth",
    "stats_applicationdepartmentmonth",
    "stats_applicationnationstatemonth",
    "stats_applicationnationsendermonth",
    "stats_applicationnationreasonmonth",
    "stats_applicationnationstateday",
    "stats_delaynationmonth",
    "stats_delaydepartmentmonth",
    "stats_delaydepartmentallmonth",
    "stats_delaynationallmonth",
    "stats_delaypercentile",
    "stats_approvalaggregate",
    "stats_approvaltoday",
    "stats_suspendedtoday",
    "stats_hiredomainmonth",
    "stats_hiredomainnationmonth",
    "stats_hirefollowedday",
    "stats_jobdescriptionactivity",
    "stats_followedperson",
    "stats_followedcount",
]


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        yield make_world()


def snapshot():
    result = {}
    with connection.cursor() as cursor:
        for table in AGGREGATE_TABLES:
            cursor.execute(f"SELECT * FROM {table}")
            result[table] = sorted((tuple(row[1:]) for row in cursor.fetchall()), key=repr)  # without the id
    return result


def paris_day(ts):
    return timezone.localtime(ts).date()


def department_of(company):
    return company.commune.department_id if company.commune_id else ""


def sender_category(ja):
    if ja.sender_kind != SenderKind.PRESCRIBER:
        return ja.sender_kind
    org = ja.sender_prescriber_organization
    return "authorized" if org.authorization_status == PrescriberAuthorizationStatus.VALIDATED else "orienteur"


def raw_applications(start, end, department=None):
    qs = JobApplication.objects.select_related("to_company__commune", "sender_prescriber_organization")
    return [
        ja
        for ja in qs
        if start <= paris_day(ja.created_at) <= end
        and (department is None or department_of(ja.to_company) == department)
    ]


def percentile_disc(values, p):
    values = sorted(values)
    return values[math.ceil(p * len(values)) - 1]


def raw_delays(metric, start, end, department=None, company_kind=None):
    """Delays in whole days computed straight from the transition log."""
    return [days for _ja, days in raw_delay_rows(metric, start, end, department, company_kind)]


def raw_delay_rows(metric, start, end, department=None, company_kind=None):
    """(application, delay in whole days) straight from the transition log."""
    first_application = dict(
        JobApplication.objects.values("job_seeker_id").annotate(m=Min("created_at")).values_list("job_seeker_id", "m")
    )
    result = []
    for ja in raw_applications(datetime.date.min, datetime.date.max, department):
        logs = list(JobApplicationTransitionLog.objects.filter(job_application=ja))
        if metric == "answer":
            ends = [log.timestamp for log in logs if log.to_state in ("accepted", "refused")]
            end_at, start_at = (min(ends) if ends else None), ja.created_at
        else:
            ends = [log.timestamp for log in logs if log.to_state == "accepted"]
            end_at = max(ends) if ends and ja.state == JobApplicationState.ACCEPTED else None
            start_at = ja.created_at if metric == "hire" else first_application[ja.job_seeker_id]
        if end_at is None or not (start <= paris_day(end_at) <= end):
            continue
        if company_kind is not None and ja.to_company.kind != company_kind:
            continue
        result.append((ja, max(0, math.floor((end_at - start_at).total_seconds() / 86400))))
    return result


@pytest.mark.parametrize("department", [None, "69", "59"])
@pytest.mark.parametrize("end", [datetime.date(2026, 5, 30), datetime.date(2026, 5, 31)])  # per day, per month
def test_application_figures_equal_raw_counts(world, department, end):
    with time_machine.travel(NOW, tick=False):
        refresh.rebuild()
        start = datetime.date(2026, 3, 1)
        scope = Scope("test", departments=None if department is None else (department,))
        data = figures.application_figures(scope, Filters(start, end))
        raw = raw_applications(start, end, department)
        assert data["received"] == len(raw) > 10
        assert {r["state"]: r["n"] for r in data["by_state"]} == {
            s: sum(1 for ja in raw if ja.state == s) for s in {ja.state for ja in raw}
        }
        by_sender = {}
        for ja in raw:
            key = (
                sender_category(ja),
                ja.sender_prescriber_organization.kind if ja.sender_kind == "prescriber" else "",
            )
            by_sender[key] = by_sender.get(key, 0) + 1
        assert {(r["sender_category"], r["prescriber_kind"]): r["n"] for r in data["by_sender"]} == by_sender
        refused = [ja for ja in raw if ja.state == "refused"]
        assert sum(r["n"] for r in data["by_refusal_reason"]) == len(refused)
        assert data["self_prescribed"] == sum(1 for ja in raw if ja.sender_kind == "employer")
        waiting = [
            ja
            for ja in raw_applications(datetime.date.min, datetime.date.max, department)
            if ja.state in PENDING_STATES
            and paris_day(ja.created_at) < timezone.localdate() - datetime.timedelta(days=30)
        ]
        assert figures.waiting_count(scope, Filters(start, end)) == len(waiting)
        # The breakdown by department (table and map), from the per-department table for
        # whole months; and an employer kind filter on the national table.
        fields = ("department", "sender_category")
        qs = figures.applications(scope, Filters(start, end), fields=fields)
        assert (qs.model is ApplicationDepartmentMonth) == (end.day == 31)
        by_department = {}
        for ja in raw:
            key = (department_of(ja.to_company), sender_category(ja))
            by_department[key] = by_department.get(key, 0) + 1
        assert {(r["department"], r["sender_category"]): r["n"] for r in figures.grouped(qs, *fields)} == by_department
        by_state_model = figures.applications(scope, Filters(start, end), fields=("state",)).model
        if department is None:  # the national figures above came from the national tables
            assert by_state_model is (ApplicationNationStateMonth if end.day == 31 else ApplicationNationStateDay)
            assert (figures.applications(scope, Filters(start, end)).model is ApplicationNationMonth) == (end.day == 31)
        aci = figures.application_figures(scope, Filters(start, end, company_kind="ACI"))
        assert aci["received"] == sum(1 for ja in raw if ja.to_company.kind == "ACI")
        assert aci["received"] > 0 or department == "59"


@pytest.mark.parametrize("metric", ["answer", "hire", "journey"])
@pytest.mark.parametrize("department", [None, "69"])
@pytest.mark.parametrize("end", [datetime.date(2026, 6, 15), datetime.date(2026, 6, 30)])  # per day, per month
def test_delay_percentiles_equal_raw(world, metric, department, end):
    with time_machine.travel(NOW, tick=False):
        refresh.rebuild()
        start = datetime.date(2026, 2, 1)
        assert figures.whole_months(Filters(start, end)) == (end.day == 30)
        scope = Scope("test", departments=None if department is None else (department,))
        data = figures.delay_figures(scope, Filters(start, end), metric, "company_kind")
        raw = raw_delays(metric, start, end, department)
        assert len(raw) >= 5
        assert data["overall"]["n"] == len(raw)
        assert data["overall"]["median"] == percentile_disc(raw, 0.5)
        assert data["overall"]["p90"] == percentile_disc(raw, 0.9)
        assert sum(row["n"] for row in data["company_kind"]) == len(raw)
        national_month = department is None and end.day == 30
        assert (figures.delays_qs(scope, Filters(start, end), metric).model is DelayNationMonth) == national_month
        # Without any other column (overall, month by month of the page): the narrowest tables.
        totals = figures.delays_qs(scope, Filters(start, end), metric, fields=())
        expected = {(True, True): DelayNationAllMonth, (False, True): DelayDepartmentAllMonth}
        assert totals.model is expected.get((department is None, end.day == 30), DelayDay)
        (row,) = figures.percentiles(totals)
        assert (row["n"], row["median"], row["p90"]) == (len(raw), percentile_disc(raw, 0.5), percentile_disc(raw, 0.9))
        by_department_qs = figures.delays_qs_all(scope, Filters(start, end), fields=("department",))
        assert (by_department_qs.model is DelayDepartmentAllMonth) == (end.day == 30)
        with_kind = figures.delays_qs_all(scope, Filters(start, end, company_kind="ACI"), fields=("department",))
        assert (with_kind.model is DelayDepartmentMonth) == (end.day == 30)
        raw_aci = raw_delays(metric, start, end, department, company_kind="ACI")
        assert sum(r["n"] for r in figures.percentiles(with_kind.filter(metric=metric), "department")) == len(raw_aci)
        by_department = figures.percentiles(by_department_qs.filter(metric=metric), "department")
        assert sum(row["n"] for row in by_department) == len(raw)
        if national_month:  # each department's histogram (stats_delaydepartmentmonth), exact
            for row in by_department:
                if row["department"]:
                    raw_department = raw_delays(metric, start, end, row["department"])
                    assert (row["n"], row["median"]) == (len(raw_department), percentile_disc(raw_department, 0.5))
        employer_kind = figures.delay_figures(scope, Filters(start, end, company_kind="ACI"), metric)
        raw_aci = raw_delays(metric, start, end, department, company_kind="ACI")
        assert (employer_kind["overall"] or {}).get("n", 0) == len(raw_aci)
        if raw_aci:
            assert employer_kind["overall"]["median"] == percentile_disc(raw_aci, 0.5)


@pytest.mark.parametrize("end", [datetime.date(2026, 6, 15), datetime.date(2026, 6, 30)])  # per day, per month
def test_percentiles_sets_equal_separate_queries(world, end):
    """One query for several breakdowns (GROUPING SETS) gives, row for row, what one
    query per breakdown gives; a grouping asked twice is not counted twice."""
    with time_machine.travel(NOW, tick=False):
        refresh.rebuild()
        filters = Filters(datetime.date(2026, 2, 1), end)
        qs = figures.with_month(figures.delays_qs_all(Scope("test"), filters))
        groupings = [
            (),
            ("metric",),
            ("metric", "month"),
            ("metric", "company_kind"),
            ("metric", "sender_category"),
            ("metric",),
        ]
        separate = [figures.percentiles(qs, *grouping) for grouping in groupings]
        assert figures.percentiles_sets(qs, *groupings) == separate
        assert sum(row["n"] for row in separate[0]) == sum(row["n"] for row in separate[3]) > 0
        by_department = figures.delays_qs_all(Scope("test"), filters, fields=("department",))
        assert figures.percentiles_sets(by_department, ("metric", "department"), ("department",)) == [
            figures.percentiles(by_department, "metric", "department"),
            figures.percentiles(by_department, "department"),
        ]


def raw_percentiles(start, end):
    """{field: {(metric, value of the field): (n, median, 90th centile)}} straight from the
    raw tables, per department, employer kind and sender category."""
    keys = {
        "department": lambda ja: department_of(ja.to_company),
        "company_kind": lambda ja: ja.to_company.kind,
        "sender_category": sender_category,
    }
    groups = {field: {} for field in keys}
    for metric in DELAY_METRICS:
        for ja, days in raw_delay_rows(metric, start, end):
            for field, key in keys.items():
                groups[field].setdefault((metric, key(ja)), []).append(days)
    return {
        field: {key: (len(v), percentile_disc(v, 0.5), percentile_disc(v, 0.9)) for key, v in rows.items()}
        for field, rows in groups.items()
    }


def stored_rows(rows, field):
    return {(r["metric"], r[field]): (r["n"], r["median"], r["p90"]) for r in rows}


@pytest.mark.parametrize(
    "start,end",
    [(datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)), (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))],
)
def test_stored_percentiles_equal_raw(world, start, end, django_assert_num_queries):
    """The centiles of a quarter or a year (stats_delaypercentile) equal those computed on
    the raw rows, after a rebuild and after changes refreshed by the job; the same rows as
    the histograms give (percentiles_sets), so the pages show the same figures either way."""
    fields = ("department", "company_kind", "sender_category")
    with time_machine.travel(NOW, tick=False):
        refresh.rebuild()
        filters = Filters(start, end)
        assert figures.calendar_period(filters)
        assert not figures.calendar_period(Filters(datetime.date(2026, 2, 1), datetime.date(2026, 4, 30)))
        assert not figures.calendar_period(Filters(datetime.date(2026, 4, 1), datetime.date(2026, 6, 29)))
        for step in ("rebuild", "refresh"):
            if step == "refresh":  # answers and a hire today, a new application: the job refreshes them
                pending = JobApplication.objects.filter(state__in=["new", "processing"], to_company__commune=world.lyon)
                for ja in pending[:3]:
                    services.job_application_refuse(
                        acting_user=employer_of(ja),
                        job_application=ja,
                        refusal_reason="lacking_skills",
                        share_reason_with_job_seeker=True,
                        answer="Désolé.",
                    )
                JobApplicationTransitionLog.objects.filter(
                    job_application__state="accepted", job_application__to_company=world.aci
                ).update(timestamp=NOW)
                JobApplicationFactory(to_company=world.companies[3], sent_by_prescriber=True)
                assert refresh.refresh_pending()["days"] > 0
            with django_assert_num_queries(1):
                stored = figures.delay_breakdowns(Scope("fr"), filters, *fields)
            raw = raw_percentiles(start, end)
            for field, rows in zip(fields, stored, strict=True):
                assert stored_rows(rows, field) == raw[field], (step, field)
                assert rows == figures.percentiles(
                    figures.delays_qs_all(Scope("fr"), filters, fields=(field,)), "metric", field
                )
            assert {r["department"] for r in stored[0]} >= {"69", "59"}
            # A region: its departments only; the other breakdowns from the histograms.
            region = Scope("ara", departments=("69",))
            by_department, by_kind = figures.delay_breakdowns(region, filters, "department", "company_kind")
            assert by_department == [r for r in stored[0] if r["department"] == "69"]
            kind_qs = figures.delays_qs_all(region, filters, fields=("company_kind",))
            assert by_kind == figures.percentiles(kind_qs, "metric", "company_kind")
            # With an employer kind filter, or a period that is not a quarter nor a year: the histograms.
            aci = Filters(start, end, company_kind="ACI")
            (with_kind,) = figures.delay_breakdowns(Scope("fr"), aci, "department")
            assert with_kind == figures.percentiles(
                figures.delays_qs_all(Scope("fr"), aci, fields=("department",)), "metric", "department"
            )
        assert DelayPercentile.objects.filter(period_start=start, period_end=end).exists()


def test_org_scope_equals_raw(world):
    with time_machine.travel(NOW, tick=False):
        refresh.rebuild()
        start, end = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
        ids = (world.aci.pk, world.antenne.pk)
        data = figures.application_figures(Scope("aci", company_ids=ids, suppress_small=False), Filters(start, end))
        assert data["received"] == JobApplication.objects.filter(to_company_id__in=ids).count()
        sent = figures.orientation_figures(Scope("ft", prescriber_org_id=world.ft.pk), Filters(start, end))
        mine = JobApplication.objects.filter(sender_prescriber_organization=world.ft)
        assert sent["sent"] == mine.count()
        assert sent["outcome"]["accepted"] == mine.filter(state="accepted").count()
        assert sent["outcome"]["waiting"] == mine.filter(state__in=PENDING_STATES).count()
        delays = figures.delay_figures(Scope("aci", company_ids=ids), Filters(start, end), "answer")
        answered = (
            JobApplicationTransitionLog.objects.filter(
                job_application__to_company_id__in=ids, to_state__in=["accepted", "refused"]
            )
            .values("job_application")
            .distinct()
            .count()
        )
        assert (delays["overall"] or {"n": 0})["n"] == answered


def raw_approvals(today, department=None, company_kind=None):
    """In force, prolonged, ending soon and suspended PASS IAE on `today`, from the raw
    tables (territory: the employer of the first live hire; suspended: of the suspension)."""
    live = Approval.objects.filter(cancelled_at__isnull=True)
    in_force = []
    for approval in live.filter(start_at__lte=today, end_at__gte=today):
        hires = sorted(approval.hires.all(), key=lambda h: (h.cancelled_at is not None, h.created_at, h.pk))
        company = hires[0].company if hires else None
        if department is not None and (company is None or department_of(company) != department):
            continue
        if company_kind is not None and (company is None or company.kind != company_kind):
            continue
        in_force.append(approval)
    suspended = Suspension.objects.filter(start_at__lte=today, end_at__gte=today, approval__cancelled_at=None)
    if department is not None:
        suspended = suspended.filter(company__commune__department_id=department)
    if company_kind is not None:
        suspended = suspended.filter(company__kind=company_kind)
    return {
        "in_force": len(in_force),
        "prolonged": sum(1 for a in in_force if a.prolongations.exists()),
        "ending_soon": sum(1 for a in in_force if a.end_at < figures._add_months(today, 3)),
        "suspended": suspended.values("approval").distinct().count(),
    }


def raw_hires_by_domain(start, end, department=None):
    result = {}
    for ja, _days in raw_delay_rows("hire", start, end, department):
        for domain in {jd.rome_domain_id or "" for jd in ja.selected_jobs.all()} or {""}:
            result[domain] = result.get(domain, 0) + 1
    return result


@pytest.mark.parametrize("department", [None, "69"])
def test_hires_and_approvals_equal_raw(world, department):
    with time_machine.travel(NOW, tick=False):
        refresh.rebuild()
        today = timezone.localdate()
        scope = Scope("test", departments=None if department is None else (department,))
        start, end = datetime.date(2026, 1, 1), today
        hires = figures.hire_figures(scope, Filters(start, end))
        assert hires["hires"] == len(raw_delays("hire", start, end, department)) > 0
        assert sum(r["n"] for r in hires["by_company_kind"]) == hires["hires"]
        # By ROME domain: per day (a period ending today) and per month (whole months, the
        # per-month tables: national or per department).
        for period_end in (end, datetime.date(today.year, 12, 31)):
            by_domain = figures.hire_figures(scope, Filters(start, period_end))["by_domain"]
            raw = raw_hires_by_domain(start, period_end, department)
            assert {r["rome_domain"]: r["n"] for r in by_domain} == raw and len(raw) > 1

        # The PASS IAE of today (tables of the day, computed by the rebuild) and of other days
        # (summed from the aggregate): the same as the raw tables, with or without a kind.
        assert ApprovalToday.objects.filter(day=today).exists()
        for day in (today, today - datetime.timedelta(days=400), today + datetime.timedelta(days=10)):
            for kind in (None, "EI"):
                filters = Filters(start, end, company_kind=kind or "")
                data = figures.approval_figures(scope, filters, today=day)
                raw = raw_approvals(day, department, kind)
                assert {key: data[key] for key in raw} == raw
                assert sum(r["n"] for r in data["by_company_kind"]) == data["in_force"]
                assert all(r["n"] > 0 for r in data["by_company_kind"])
        data = figures.approval_figures(scope, Filters(start, end))
        assert data["in_force"] > 0
        live = Approval.objects.filter(cancelled_at__isnull=True)
        if department is None:  # (the dataset's suspensions and prolongations: elsewhere)
            assert data["suspended"] > 0 and data["prolonged"] > 0
            assert data["issued"] == sum(1 for a in live if start <= paris_day(a.created_at) <= end)


def test_triggers_log_changes_and_refresh_equals_rebuild(world):
    with time_machine.travel(NOW, tick=False):
        refresh.rebuild()
        assert not DirtyDay.objects.exists()
        # Changes through the services, and others straight in the tables.
        ja = JobApplication.objects.filter(state="new", to_company__kind="EI").first() or JobApplicationFactory(
            to_company=world.companies[2]
        )
        services.job_application_refuse(
            acting_user=employer_of(ja),
            job_application=ja,
            refusal_reason="lacking_skills",
            share_reason_with_job_seeker=True,
            answer="Désolé.",
        )
        new = JobApplicationFactory(to_company=world.aci, sent_by_prescriber=True)
        assert DirtyDay.objects.filter(day=paris_day(new.created_at)).exists()
        world.prescribers[2].authorization_status = PrescriberAuthorizationStatus.VALIDATED
        world.prescribers[2].save()
        world.companies[5].commune = world.lille
        world.companies[5].save()
        Approval.objects.filter(pk=Approval.objects.first().pk).update(cancelled_at=NOW)
        assert DirtyFlag.objects.filter(name="approvals").exists()
        Suspension.objects.filter(pk=Suspension.objects.order_by("pk").last().pk).delete()
        assert DirtyFlag.objects.filter(name="suspensions").exists()
        JobApplication.objects.filter(pk=world.applications[0].pk).delete()

        result = refresh.refresh_pending()
        assert result["days"] > 3 and result["approvals"]
        assert not DirtyDay.objects.exists()
        incremental = snapshot()
        refresh.rebuild()
        assert snapshot() == incremental
        refresh.rebuild()  # idempotent
        assert snapshot() == incremental
        call_command("stats_rebuild", "--rollups")  # the national tables alone, from the month ones
        assert snapshot() == incremental
        assert ApplicationNationMonth.objects.exists() and DelayNationMonth.objects.exists()
        assert ApplicationDay.objects.exists()

    # The next day, the first run of the job computes the PASS IAE of that day, nothing else.
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        tomorrow = timezone.localdate()
        assert not ApprovalToday.objects.filter(day=tomorrow).exists()
        refresh.refresh_pending()
        assert set(ApprovalToday.objects.values_list("day", flat=True)) == {tomorrow}
        data = figures.approval_figures(Scope("test"), Filters(tomorrow, tomorrow))
        assert {key: data[key] for key in ("in_force", "suspended")} == {
            key: value for key, value in raw_approvals(tomorrow).items() if key in ("in_force", "suspended")
        }


def test_refresh_task_is_periodic():
    from procrastinate.contrib.django import app

    assert "stats_refresh" in app.tasks
    assert any(p.task.name == "stats_refresh" for p in app.periodic_registry.periodic_tasks.values())


def test_docs_define_every_figure():
    from pathlib import Path

    text = Path(__file__).resolve().parents[2].joinpath("docs", "statistiques.md").read_text()
    for figure in figures.FIGURES.values():
        assert f"| **{figure.label}** (`{figure.key}`) | {figure.definition} |" in text, figure.key


def raw_followed(departments=None, company_kind=""):
    """People followed today by an organization of these departments (None: anywhere) — of
    this employer kind — and per organization kind, straight from the memberships."""
    from itou.followup.models import FollowUpMembership

    people, by_kind = set(), {}
    memberships = FollowUpMembership.objects.filter(is_active=True).select_related(
        "company__commune", "prescriber_organization__commune"
    )
    for m in memberships:
        for org, is_company in ((m.company, True), (m.prescriber_organization, False)):
            if org is None or (company_kind and (not is_company or org.kind != company_kind)):
                continue
            if departments is not None and (org.commune.department_id if org.commune_id else "") not in departments:
                continue
            people.add(m.job_seeker_id)
            by_kind.setdefault(org.kind, set()).add(m.job_seeker_id)
    return len(people), {kind: len(p) for kind, p in by_kind.items()}


def raw_hires_followed(start, end, departments=None, company_kind=""):
    """Hires of the period in these departments, and those of people followed today by at
    least two organizations."""
    from itou.followup.models import FollowUpMembership

    hires = [
        ja
        for ja in JobApplication.objects.filter(state="accepted").select_related("to_company__commune")
        if start <= paris_day(ja.logs.filter(to_state="accepted").latest("timestamp").timestamp) <= end
        and (departments is None or department_of(ja.to_company) in departments)
        and (not company_kind or ja.to_company.kind == company_kind)
    ]
    organizations = {}
    for m in FollowUpMembership.objects.filter(is_active=True):
        if m.company_id or m.prescriber_organization_id:
            organizations.setdefault(m.job_seeker_id, set()).add((m.company_id, m.prescriber_organization_id))
    return len(hires), sum(1 for ja in hires if len(organizations.get(ja.job_seeker_id, ())) >= 2)


def assert_followup_figures_equal_raw(start, end):
    from itou.geo.models import Department

    region_84 = tuple(Department.objects.filter(region_id="84").values_list("code", flat=True))
    assert len(region_84) == 2  # a region of two departments: its row in stats_followedcount
    for departments, company_kind in [
        (None, ""),
        (None, "ACI"),
        (("69",), ""),
        (("69",), "ACI"),
        (region_84, ""),
        (("59", "69"), ""),  # not a region: counted from stats_followedperson
        (("59",), ""),
    ]:
        scope = Scope("test", departments=departments)
        data = figures.followup_figures(scope, Filters(start, end, company_kind=company_kind))
        followed, by_kind = raw_followed(departments, company_kind)
        assert (data["followed"], {r["kind"]: r["n"] for r in data["by_kind"]}) == (followed, by_kind), departments
        assert (data["hires"], data["hires_followed"]) == raw_hires_followed(start, end, departments, company_kind)


def test_followup_figures_equal_raw(world):
    from itou.followup.models import FollowUpMembership
    from itou.geo.models import Department

    with time_machine.travel(NOW, tick=False):
        Department.objects.get_or_create(code="01", defaults={"name": "Ain", "region_id": "84"})
        refresh.rebuild()
        hired = (
            JobApplication.objects.filter(state="accepted", to_company__commune=world.lyon, logs__timestamp__year=2026)
            .select_related("to_company")
            .distinct()[:3]
        )
        ft_member = world.ft.memberships.first().user
        ml = world.prescribers[1]  # a mission locale of Lille
        for ja in hired:
            FollowUpMembership.objects.get_or_create(
                job_seeker=ja.job_seeker, member=ft_member, is_active=True,
                defaults={"prescriber_organization": world.ft, "role": "referent"},
            )  # fmt: skip
            FollowUpMembership.objects.get_or_create(
                job_seeker=ja.job_seeker, member=ja.to_company.memberships.first().user, is_active=True,
                defaults={"company": ja.to_company, "role": "employer"},
            )  # fmt: skip
        FollowUpMembership.objects.create(
            job_seeker=hired[0].job_seeker, member=ml.memberships.first().user, prescriber_organization=ml,
            role="social",
        )  # fmt: skip
        assert DirtyPerson.objects.exists()
        # The refresh job: the counts of the people logged, and their hires' days.
        assert refresh.refresh_pending()["people"] == len(hired)
        start, end = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
        assert_followup_figures_equal_raw(start, end)
        data = figures.followup_figures(Scope("69", departments=("69",)), Filters(start, end))
        assert data["followed"] >= len(hired) > 0 and data["hires"] > 0 and data["hires_followed"] > 0
        mine = figures.followup_figures(Scope("ft", prescriber_org_id=world.ft.pk), Filters(start, end))
        ft_followed = FollowUpMembership.objects.filter(is_active=True, prescriber_organization=world.ft)
        assert mine["followed"] == ft_followed.order_by().values("job_seeker").distinct().count() >= len(hired)

        # A member leaves, an organization moves to another department, a company changes
        # kind: the triggers log the people, the job moves the counts, as a rebuild would.
        FollowUpMembership.objects.filter(job_seeker=hired[1].job_seeker, prescriber_organization=world.ft).update(
            is_active=False
        )
        ml.commune = world.lyon
        ml.save()
        hired[2].to_company.kind = "EI"
        hired[2].to_company.save()
        refresh.refresh_pending()
        assert not DirtyPerson.objects.exists()
        assert_followup_figures_equal_raw(start, end)
        incremental = snapshot()
        refresh.rebuild()
        assert snapshot() == incremental


@pytest.mark.parametrize("department", [None, "69"])
def test_employer_tension_equals_raw(world, department):
    from itou.companies.models import Company, JobDescription

    with time_machine.travel(NOW, tick=False):
        since = NOW - datetime.timedelta(days=figures.TENSION_DAYS)
        for company in Company.objects.filter(is_active=True, memberships__is_active=True).distinct()[:6]:
            make_job_description(company, title="Jardinier / Jardinière", code="11988")  # never chosen
        JobDescription.objects.update(created_at=NOW - datetime.timedelta(days=90), is_open=True)
        refresh.rebuild()
        scope = Scope("test", departments=None if department is None else (department,))
        data = figures.employer_figures(scope, Filters(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)))
        companies = [
            c
            for c in Company.objects.filter(is_active=True, memberships__is_active=True).distinct()
            if department is None or department_of(c) == department
        ]
        recent = {
            jd.pk
            for ja in JobApplication.objects.filter(created_at__gte=since).prefetch_related("selected_jobs")
            for jd in ja.selected_jobs.all()
        }
        tension = [jd for jd in JobDescription.objects.filter(company__in=companies) if jd.pk not in recent]
        assert data["active"] == len(companies)
        assert data["tension"] == len(tension)
        assert 0 < len(tension) < JobDescription.objects.filter(company__in=companies).count()

        # An application today to a job in difficulty (through the change log and the job),
        # then its removal: the job description is in difficulty again.
        job = tension[0]
        new = JobApplicationFactory(to_company=job.company, selected_jobs=[job])
        refresh.refresh_pending()
        assert figures.employer_figures(scope, Filters(NOW.date(), NOW.date()))["tension"] == len(tension) - 1
        new.delete()
        refresh.refresh_pending()
        assert figures.employer_figures(scope, Filters(NOW.date(), NOW.date()))["tension"] == len(tension)
        incremental = snapshot()
        refresh.rebuild()
        assert snapshot() == incremental


@pytest.mark.parametrize(
    "start,end",
    [
        (datetime.date(2026, 2, 15), datetime.date(2026, 6, 20)),  # days, whole months, days
        (datetime.date(2026, 3, 1), datetime.date(2026, 5, 10)),  # whole months, then days
        (datetime.date(2026, 4, 3), datetime.date(2026, 4, 25)),  # within a month: days only
    ],
)
@pytest.mark.parametrize("department", [None, "69"])
def test_custom_period_percentiles_equal_raw(world, start, end, department):
    """A « période libre »: its whole months read from a per-month table, its edge days
    from the per-day one, summed as one histogram: the same centiles as the raw rows."""
    with time_machine.travel(NOW, tick=False):
        refresh.rebuild()
        scope = Scope("test", departments=None if department is None else (department,))
        filters = Filters(start, end)
        parts = figures.delay_histograms(scope, filters, fields=())
        assert len(parts) == (1 if start.month == end.month else 2)
        assert parts[-1].model is DelayDay
        overall = {r["metric"]: r for r in figures.percentiles_sets(parts, ("metric",))[0]}
        checked = 0
        for metric in DELAY_METRICS:
            raw = raw_delays(metric, start, end, department)
            row = overall.get(metric)
            got = (row["n"], row["median"], row["p90"]) if row else None
            want = (len(raw), percentile_disc(raw, 0.5), percentile_disc(raw, 0.9)) if raw else None
            assert got == want
            checked += len(raw)
        assert checked > 0
        if department is None:
            expected = raw_percentiles(start, end)
            fields = ("department", "company_kind", "sender_category")
            for field, rows in zip(fields, figures.delay_breakdowns(scope, filters, *fields), strict=True):
                assert stored_rows(rows, field) == expected[field]
