"""Steering pages ("pilotage") of institutions, employers and prescribers, and the public
"Statistiques" page. Figures come from itou.stats.figures (aggregate tables), their
scope from scopes.py (who sees what), the filters from the URL (forms.py)."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from itou.geo.models import Department
from itou.organizations.current import Role
from itou.stats import figures
from itou.stats.figures import FIGURES, Filters
from itou.utils.replica import figures_from_replica
from itou.www.stats import blocks as stats_blocks
from itou.www.stats import exports, scopes
from itou.www.stats.charts import bar_chart
from itou.www.stats.forms import StatsFilterForm

PUBLIC_MONTHS = 12


def _filters(request, scope):
    if scope.is_territory:
        if scope.departments is None:
            departments = list(Department.objects.order_by("code"))
        else:
            departments = list(Department.objects.filter(code__in=scope.departments).order_by("code"))
    else:
        departments = []
    form = StatsFilterForm(request.GET or None, departments=departments, territory=scope.is_territory)
    return form, form.filters()


def _steering(request, section):
    scope = scopes.scope_for_request(request)
    sections = stats_blocks.sections_for(scope)
    if section not in sections:
        raise Http404
    form, filters = _filters(request, scope)
    return scope, sections, form, filters


@login_required
@figures_from_replica
def steering(request, section="candidatures"):
    scope, sections, form, filters = _steering(request, section)
    blocks = stats_blocks.build(section, scope, filters, query=request.GET)
    query = request.GET.urlencode()
    for block in blocks:
        if block.chart:
            block.svg = bar_chart(block.chart, title=block.figure.label)
    return render(
        request,
        "stats/steering.html",
        {
            "scope": scope,
            "section": section,
            "sections": [
                (key, label, reverse("stats:steering", args=[key]) + (f"?{query}" if query else ""))
                for key, label in sections.items()
            ],
            "section_label": sections[section],
            "form": form,
            "filters": filters,
            "blocks": blocks,
            "query": query,
            "can_export_applications": request.current_organization.role == Role.LABOR_INSPECTOR,
        },
    )


@login_required
@figures_from_replica
def steering_export(request, section, key, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    scope, _sections, _form, filters = _steering(request, section)
    block = next((b for b in stats_blocks.build(section, scope, filters, query=request.GET) if b.key == key), None)
    if block is None:
        raise Http404
    return exports.table_response(fmt, f"{section}-{key}-{filters.start}-{filters.end}", block.columns, block.rows)


@login_required
@figures_from_replica
def applications_export(request, fmt):
    """The raw applications of an institution's territory (no personal data of the job seeker)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    scope = scopes.scope_for_request(request)
    if request.current_organization.role != Role.LABOR_INSPECTOR:
        raise PermissionDenied("Cet export est réservé aux services de l'État.")
    _form, filters = _filters(request, scope)
    departments = (filters.department,) if filters.department else scope.departments
    rows = exports.application_rows(departments, start=filters.start, end=filters.end)
    return exports.table_response(fmt, f"candidatures-{filters.start}-{filters.end}", exports.APPLICATION_COLUMNS, rows)


# --- Public page ------------------------------------------------------------------------------


def _public_data(department_code):
    scope = scopes.NATIONAL
    if department_code:
        scope = scopes.department_scope(department_code)
        if scope is None:
            raise Http404
    today = timezone.localdate()
    first = today.replace(day=1)
    for _ in range(PUBLIC_MONTHS - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    # Whole months (to the end of the current one): the per-month tables serve.
    filters = Filters(
        first, (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    )
    received = {
        r["month"]: r["n"]
        for r in figures.grouped(figures.with_day_month(figures.applications(scope, filters, fields=())), "month")
    }
    delays = figures.delays_qs_all(scope, filters)
    hires = {r["month"]: r["n"] for r in figures.grouped(figures.with_month(delays.filter(metric="hire")), "month")}
    answer = {r["month"]: r for r in figures.percentiles(figures.with_month(delays.filter(metric="answer")), "month")}
    issued = {r["month"]: r["n"] for r in figures.approvals_issued_monthly(scope, filters)}
    rows, month = [], first
    while month <= today:
        a = answer.get(month)
        rows.append(
            [
                stats_blocks.month_label(month),
                stats_blocks.count(received.get(month, 0), scope),
                stats_blocks.count(hires.get(month, 0), scope),
                stats_blocks.days(a["median"], a["n"], scope) if a else "—",
                stats_blocks.count(issued.get(month, 0), scope),
            ]
        )
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return scope, rows


PUBLIC_COLUMNS = [
    "Mois",
    FIGURES["received"].label,
    FIGURES["hires"].label,
    f"{FIGURES['delay_answer'].label} (médiane)",
    FIGURES["approvals_issued"].label,
]


@figures_from_replica
def public(request):
    department = request.GET.get("departement", "")
    scope, rows = _public_data(department)
    departments = list(Department.objects.order_by("code"))
    return render(
        request,
        "stats/public.html",
        {
            "scope": scope,
            "rows": rows,
            "columns": PUBLIC_COLUMNS,
            "departments": departments,
            "department": department,
            "definitions": [FIGURES[k] for k in ("received", "hires", "delay_answer", "approvals_issued")],
            "svg": bar_chart([(r[0], r[1]) for r in rows], title=f"{FIGURES['received'].label}, mois par mois"),
        },
    )


@figures_from_replica
def public_csv(request):
    department = request.GET.get("departement", "")
    scope, rows = _public_data(department)
    return exports.csv_response(f"statistiques-{department or 'france'}", PUBLIC_COLUMNS, rows)
