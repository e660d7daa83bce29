"""Every steering figure, defined once: its name, its definition in French (shown on the
pages under « Comment ce chiffre est calculé », and in docs/statistiques.md) and its
computation from the aggregate tables (itou/stats/models.py).

A `Scope` says whose figures (a territory, employers, a prescriber organization), a
`Filters` which ones (period, employer kind, sender, ROME domain, department).
"""

import dataclasses
import datetime

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from itou.job_applications.enums import JobApplicationState, RefusalReason
from itou.job_applications.workflow import PENDING_STATES
from itou.stats.models import (
    DELAY_METRICS,
    SENDER_CATEGORIES,
    ApplicationDay,
    ApplicationDepartmentMonth,
    ApplicationMonth,
    ApplicationNationMonth,
    ApplicationNationReasonMonth,
    ApplicationNationSenderMonth,
    ApplicationNationStateDay,
    ApplicationNationStateMonth,
    ApplicationOrgDay,
    ApprovalAggregate,
    ApprovalToday,
    DelayDay,
    DelayDepartmentAllMonth,
    DelayDepartmentMonth,
    DelayMonth,
    DelayNationAllMonth,
    DelayNationMonth,
    DelayOrg,
    DelayPercentile,
    FollowedCount,
    FollowedPerson,
    HireDomainDay,
    HireDomainMonth,
    HireDomainNationMonth,
    HireFollowedDay,
    JobDescriptionActivity,
    SuspendedToday,
)

SMALL_COUNT = 5  # below this many, a figure is not shown outside its organization
WAITING_DAYS = 30
ENDING_SOON_MONTHS = 3
TENSION_DAYS = 30
CONVERSION_DAYS = 30


@dataclasses.dataclass(frozen=True)
class Figure:
    key: str
    label: str
    definition: str


FIGURES = {
    f.key: f
    for f in [
        Figure(
            "received",
            "Candidatures reçues",
            "Nombre de candidatures envoyées pendant la période (date d'envoi, heure de Paris), quel que soit "
            "leur état aujourd'hui, aux employeurs du périmètre.",
        ),
        Figure(
            "by_sender",
            "Candidatures par origine",
            "Candidatures reçues réparties selon leur émetteur : le candidat lui-même, un prescripteur habilité "
            "(organisation dont l'habilitation est validée aujourd'hui, avec son type), un orienteur "
            "(organisation non habilitée) ou l'employeur lui-même (auto-prescription).",
        ),
        Figure(
            "by_state",
            "Candidatures par état",
            "Candidatures reçues pendant la période, réparties selon leur état aujourd'hui.",
        ),
        Figure(
            "by_refusal_reason",
            "Motifs de refus",
            "Candidatures reçues pendant la période et déclinées aujourd'hui, réparties selon le motif de refus "
            "choisi par l'employeur (ou « refus automatique » après 60 jours sans réponse).",
        ),
        Figure(
            "self_prescription_share",
            "Part de l'auto-prescription",
            "Candidatures émises par l'employeur destinataire lui-même divisées par l'ensemble des candidatures "
            "reçues pendant la période.",
        ),
        Figure(
            "waiting",
            f"Candidatures en attente depuis plus de {WAITING_DAYS} jours",
            f"Candidatures envoyées il y a plus de {WAITING_DAYS} jours et toujours sans décision aujourd'hui "
            "(nouvelle, à l'étude, en attente, dans le vivier ou en action préalable à l'embauche). "
            "Ne dépend pas de la période choisie.",
        ),
        Figure(
            "delay_answer",
            "Délai de réponse",
            "Nombre de jours entiers entre l'envoi de la candidature et la première décision d'acceptation ou de "
            "refus. Médiane (la moitié des candidatures a attendu moins) et 90e centile (9 sur 10 ont attendu "
            "moins), sur les réponses données pendant la période.",
        ),
        Figure(
            "delay_hire",
            "Délai d'embauche",
            "Nombre de jours entiers entre l'envoi de la candidature et la décision d'embauche, pour les "
            "candidatures acceptées aujourd'hui dont l'embauche a été décidée pendant la période.",
        ),
        Figure(
            "delay_journey",
            "Délai entre la première orientation et l'embauche",
            "Nombre de jours entiers entre la toute première candidature de la personne (chez n'importe quel "
            "employeur, par n'importe quel émetteur) et la décision d'embauche, pour les embauches décidées "
            "pendant la période : le temps que la personne a attendu en tout.",
        ),
        Figure(
            "hires",
            "Embauches",
            "Candidatures acceptées aujourd'hui dont l'embauche a été décidée pendant la période (une embauche "
            "annulée ensuite n'est pas comptée).",
        ),
        Figure(
            "hires_by_domain",
            "Embauches par grand domaine ROME",
            "Embauches de la période réparties selon le grand domaine ROME des fiches de poste choisies dans la "
            "candidature (une candidature à deux fiches de domaines différents compte dans les deux ; "
            "« candidature spontanée » quand aucune fiche n'a été choisie).",
        ),
        Figure(
            "approvals_issued",
            "PASS IAE délivrés",
            "PASS IAE délivrés pendant la période et non retirés depuis. Territoire et type : ceux de l'employeur "
            "de la première embauche couverte par le PASS.",
        ),
        Figure(
            "approvals_in_force",
            "PASS IAE en cours de validité",
            "PASS IAE non retirés dont la date de début est passée et la date de fin pas encore, aujourd'hui "
            "(suspendus compris).",
        ),
        Figure(
            "approvals_suspended",
            "PASS IAE suspendus",
            "PASS IAE non retirés ayant une suspension en cours aujourd'hui (territoire de l'employeur qui a "
            "suspendu).",
        ),
        Figure(
            "approvals_prolonged",
            "PASS IAE prolongés",
            "PASS IAE en cours de validité aujourd'hui ayant au moins une prolongation.",
        ),
        Figure(
            "approvals_ending_soon",
            f"PASS IAE arrivant à échéance dans les {ENDING_SOON_MONTHS} mois",
            f"PASS IAE en cours de validité dont la date de fin tombe dans les {ENDING_SOON_MONTHS} prochains mois.",
        ),
        Figure(
            "employers_active",
            "Employeurs actifs",
            "Employeurs du périmètre actifs sur la plateforme (convention ou inscription en cours) et ayant au "
            "moins un membre. Aujourd'hui, sans tenir compte de la période.",
        ),
        Figure(
            "employers_open",
            "Employeurs ayant au moins une fiche de poste ouverte",
            "Employeurs actifs ayant au moins une fiche de poste dont le recrutement est ouvert aujourd'hui.",
        ),
        Figure(
            "employers_tension",
            "Fiches de poste en difficulté de recrutement",
            f"Fiches de poste ouvertes aujourd'hui, publiées depuis plus de {TENSION_DAYS} jours, n'ayant reçu "
            f"aucune candidature depuis {TENSION_DAYS} jours.",
        ),
        Figure(
            "conversion_rate",
            f"Taux de transformation sur {CONVERSION_DAYS} jours",
            f"Embauches décidées ces {CONVERSION_DAYS} derniers jours divisées par les candidatures reçues ces "
            f"{CONVERSION_DAYS} derniers jours (0 sans candidature).",
        ),
        Figure(
            "orientations",
            "Orientations des prescripteurs",
            "Candidatures envoyées pendant la période par les prescripteurs habilités et les orienteurs, et leur "
            "issue aujourd'hui : acceptée, déclinée (avec son motif), en attente d'une décision, autre.",
        ),
        Figure(
            "followed_people",
            "Personnes suivies",
            "Personnes ayant aujourd'hui au moins un membre actif dans leur groupe de suivi (« qui accompagne "
            "cette personne ? ») appartenant à une organisation du périmètre (employeur ou organisation "
            "prescriptrice ; territoire : commune de l'organisation).",
        ),
        Figure(
            "followed_by_kind",
            "Personnes suivies par type d'organisation",
            "Personnes suivies aujourd'hui, réparties selon le type de l'organisation de chaque membre actif de "
            "leur groupe (une personne suivie par une mission locale et une ACI compte dans les deux).",
        ),
        Figure(
            "hires_followed",
            "Embauches suivies par au moins deux organisations",
            "Embauches de la période (comme « Embauches ») dont le groupe de suivi de la personne compte "
            "aujourd'hui des membres actifs d'au moins deux organisations différentes, divisées par l'ensemble "
            "de ces embauches.",
        ),
    ]
}

DELAY_FIGURE = {"answer": "delay_answer", "hire": "delay_hire", "journey": "delay_journey"}


# --- Scope and filters ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Scope:
    """Whose figures. Territory: `departments` (None: all France). Organization: the
    employers `company_ids` or the prescriber organization `prescriber_org_id`.
    `suppress_small`: hide counts under SMALL_COUNT (anyone outside the organization)."""

    label: str
    departments: tuple | None = None
    company_ids: tuple | None = None
    prescriber_org_id: int | None = None
    suppress_small: bool = True

    @property
    def is_territory(self) -> bool:
        return self.company_ids is None and self.prescriber_org_id is None


@dataclasses.dataclass(frozen=True)
class Filters:
    start: datetime.date
    end: datetime.date  # inclusive
    company_kind: str = ""
    sender_category: str = ""
    rome_domain: str = ""
    department: str = ""


def _territory_q(scope: Scope, filters: Filters, *, kind=True, sender=True) -> Q:
    q = Q()
    if filters.department:
        q &= Q(department=filters.department)
    elif scope.departments is not None:
        q &= Q(department__in=scope.departments)
    if kind and filters.company_kind:
        q &= Q(company_kind=filters.company_kind)
    if sender and filters.sender_category:
        q &= Q(sender_category=filters.sender_category)
    return q


def _org_q(scope: Scope, filters: Filters, *, sender=True) -> Q:
    q = Q()
    if scope.company_ids is not None:
        q &= Q(company_id__in=scope.company_ids)
    if scope.prescriber_org_id is not None:
        q &= Q(prescriber_org_id=scope.prescriber_org_id)
    if sender and filters.sender_category:
        q &= Q(sender_category=filters.sender_category)
    return q


def whole_months(filters: Filters) -> bool:
    """The period is made of whole months: the per-month tables give the same figures."""
    return filters.start.day == 1 and (filters.end + datetime.timedelta(days=1)).day == 1


def _national(scope: Scope, filters: Filters) -> bool:
    return scope.departments is None and not filters.department


# The columns of the narrower tables (itou/stats/refresh.py, ROLLUP_STATEMENTS), besides
# the day and the count.
DEPARTMENT_MONTH_FIELDS = {"department", "company_kind", "sender_category"}
NATION_STATE_FIELDS = {"company_kind", "sender_category", "state"}
# The national per-month tables, narrowest first, with their columns.
NATION_MONTH_MODELS = [
    (ApplicationNationStateMonth, NATION_STATE_FIELDS),
    (ApplicationNationSenderMonth, {"company_kind", "sender_category", "prescriber_kind"}),
    (ApplicationNationReasonMonth, {"company_kind", "sender_category", "state", "refusal_reason"}),
]


def _month_model(scope: Scope, filters: Filters, fields):
    """The narrowest per-month table that has the columns the caller groups or filters by
    (`fields`; None: any column but the department)."""
    if fields is not None and "department" in fields and set(fields) <= DEPARTMENT_MONTH_FIELDS:
        return ApplicationDepartmentMonth
    if _national(scope, filters):
        for model, columns in NATION_MONTH_MODELS:
            if fields is not None and set(fields) <= columns:
                return model
        if fields is None or "department" not in fields:
            return ApplicationNationMonth
    return ApplicationMonth


def _day_model(scope: Scope, filters: Filters, fields):
    if _national(scope, filters) and fields is not None and set(fields) <= NATION_STATE_FIELDS:
        return ApplicationNationStateDay
    return ApplicationDay


def applications(scope: Scope, filters: Filters, *, period=True, fields=None):
    """The application aggregate rows of the scope (territory or organization table; for a
    territory and a period of whole months, a per-month table with the columns `fields`
    that the caller groups or filters by — None: any but the department)."""
    if scope.is_territory:
        if period and whole_months(filters):
            model = _month_model(scope, filters, fields)
        else:
            model = _day_model(scope, filters, fields)
        qs = model.objects.filter(_territory_q(scope, filters))
    else:
        qs = ApplicationOrgDay.objects.filter(_org_q(scope, filters))
    if period:
        qs = qs.filter(day__gte=filters.start, day__lte=filters.end)
    return qs


def _delay_model(scope: Scope, filters: Filters, fields):
    if not whole_months(filters):
        return DelayDay
    if fields is not None and "prescriber_kind" in fields:
        return DelayMonth
    # Without employer kind nor sender (filters or columns): the tables summed over them.
    every_kind = fields is not None and set(fields) <= {"department"}
    every_kind = every_kind and not filters.company_kind and not filters.sender_category
    if _national(scope, filters) and (fields is None or "department" not in fields):
        return DelayNationAllMonth if every_kind else DelayNationMonth
    return DelayDepartmentAllMonth if every_kind else DelayDepartmentMonth


def delays_qs(scope: Scope, filters: Filters, metric: str, *, fields=None):
    """The delay histogram rows of a metric; `fields`: the columns the caller groups or
    filters by (None: any but the department and the prescriber kind)."""
    if scope.is_territory:
        qs = _delay_model(scope, filters, fields).objects.filter(_territory_q(scope, filters))
    else:
        q = _org_q(scope, filters, sender=False)
        qs = DelayOrg.objects.filter(q)
    return qs.filter(metric=metric, event_day__gte=filters.start, event_day__lte=filters.end)


def delays_qs_all(scope: Scope, filters: Filters, *, fields=None):
    """The delay histogram rows of every metric (group by "metric"); `fields` as in
    `delays_qs` (`()`: grouped by metric, month or day only)."""
    if scope.is_territory:
        qs = _delay_model(scope, filters, fields).objects.filter(_territory_q(scope, filters))
    else:
        qs = DelayOrg.objects.filter(_org_q(scope, filters, sender=False))
    # Every metric, named: the (metric, event_day) index then serves the period (a bitmap
    # scan of the period's rows instead of reading the whole table; 2/3 fewer rows read
    # for the DGEFP's breakdown by department).
    return qs.filter(metric__in=list(DELAY_METRICS), event_day__gte=filters.start, event_day__lte=filters.end)


def delay_histograms(scope: Scope, filters: Filters, *, fields=None) -> list:
    """The rows of `delays_qs_all`, as a list of querysets for `percentiles_sets`: for a
    territory and a period that is not made of whole months (« période libre »), its whole
    months from a per-month table and only the days at its edges from the per-day one. The
    histogram is the same (the per-month tables are the per-day rows summed), the rows read
    are ten to thirty times fewer."""
    if not scope.is_territory or whole_months(filters):
        return [delays_qs_all(scope, filters, fields=fields)]
    first = (
        filters.start
        if filters.start.day == 1
        else (filters.start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    )
    after = filters.end + datetime.timedelta(days=1)
    last = filters.end if after.day == 1 else after.replace(day=1) - datetime.timedelta(days=1)
    if first > last:
        return [delays_qs_all(scope, filters, fields=fields)]
    months = delays_qs_all(scope, dataclasses.replace(filters, start=first, end=last), fields=fields)
    edges = DelayDay.objects.filter(_territory_q(scope, filters), metric__in=list(DELAY_METRICS)).filter(
        Q(event_day__gte=filters.start, event_day__lt=first) | Q(event_day__gt=last, event_day__lte=filters.end)
    )
    return [months, edges]


def with_month(qs):
    if isinstance(qs, (list, tuple)):
        return [with_month(part) for part in qs]
    return qs.annotate(month=TruncMonth("event_day"))


def with_day_month(qs):
    return qs.annotate(month=TruncMonth("day"))


def approvals_issued_monthly(scope: Scope, filters: Filters) -> list[dict]:
    qs = ApprovalAggregate.objects.filter(
        _territory_q(scope, filters, sender=False), issued_day__gte=filters.start, issued_day__lte=filters.end
    )
    return grouped(qs.annotate(month=TruncMonth("issued_day")), "month")


def grouped(qs, *fields) -> list[dict]:
    return list(qs.values(*fields).annotate(n=Sum("count")).order_by(*fields))


def total(qs) -> int:
    return qs.aggregate(n=Sum("count"))["n"] or 0


def percentiles(qs, *group) -> list[dict]:
    """Median and 90th centile of the histogram rows of `qs` (days, count), per `group`:
    percentile_disc semantics (the smallest number of days reached by at least half,
    nine tenths, of the cases), exact, in one query."""
    return percentiles_sets(qs, group)[0]


def percentiles_sets(qs, *groupings) -> list[list[dict]]:
    """`[percentiles(qs, *g) for g in groupings]`, equal row for row, in one query: the
    histogram rows are read once and summed per grouping (GROUPING SETS) before the
    windows, partitioned by grouping. The counts are summed as integers (a bigint sum would
    make the windows sum numerics, a fifth slower). Each grouping's rows are ordered by its
    fields in the order they first appear in `groupings`."""
    groupings = [tuple(g) for g in groupings]
    unique = list(dict.fromkeys(groupings))  # a grouping set twice would count its rows twice
    fields = list(dict.fromkeys(f for g in unique for f in g))
    # Several querysets (delay_histograms: whole months from a month table, the days at the
    # edges from the day table): their rows together, as one histogram.
    parts, params = [], []
    for part in qs if isinstance(qs, (list, tuple)) else [qs]:
        part_sql, part_params = part.values(*fields, "days", "count").order_by().query.sql_with_params()
        parts.append(f"({part_sql})")
        params.extend(part_params)
    sql = " UNION ALL ".join(parts)
    columns = [f'r."{f}"' for f in fields]
    if len(unique) == 1:
        keys = ["0", *columns]
        group_by = ", ".join([*columns, "r.days"])
    else:
        # GROUPING(...): one bit per field, set when the field is not in the grouping.
        keys = [f"GROUPING({', '.join(columns)})", *columns]
        sets = ", ".join("(" + ", ".join([*(f'r."{f}"' for f in grouping), "r.days"]) + ")" for grouping in unique)
        group_by = f"GROUPING SETS ({sets})"
    names = ["g", *(f'"{f}"' for f in fields)]
    inner = ", ".join(f"{key} AS {name}" for key, name in zip(keys, names, strict=True))
    partition = ", ".join(f"h.{name}" for name in names)
    outer = ", ".join(f"w.{name}" for name in names)
    query = f"""
        SELECT {outer}, max(w.total), min(w.days) FILTER (WHERE w.cum * 2 >= w.total),
            min(w.days) FILTER (WHERE w.cum * 10 >= w.total * 9)
        FROM (
            SELECT h.*, sum(h.c) OVER (PARTITION BY {partition} ORDER BY h.days) AS cum,
                sum(h.c) OVER (PARTITION BY {partition}) AS total
            FROM (SELECT {inner}, r.days, SUM(r."count")::integer AS c FROM ({sql}) r GROUP BY {group_by}) h
        ) w
        GROUP BY {outer} ORDER BY {outer}
    """
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    index = {}
    for position, grouping in enumerate(groupings):
        mask = sum(1 << (len(fields) - 1 - i) for i, f in enumerate(fields) if f not in grouping)
        index.setdefault(mask if len(unique) > 1 else 0, []).append(position)
    results = [[] for _ in groupings]
    for row in rows:
        total_count, median, p90 = row[len(fields) + 1 :]
        if not total_count:
            continue
        values = dict(zip(fields, row[1 : len(fields) + 1], strict=True))
        for position in index[row[0]]:
            result = {f: values[f] for f in groupings[position]}
            results[position].append({**result, "n": int(total_count), "median": median, "p90": p90})
    return results


def calendar_period(filters: Filters) -> bool:
    """The period is a calendar quarter or year: its centiles are stored (DelayPercentile)."""
    start, end = filters.start, filters.end
    if start.day != 1 or (start.month - 1) % 3 or (end + datetime.timedelta(days=1)).day != 1:
        return False
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return months == 3 or (months == 12 and start.month == 1)


def _stored_breakdown(scope: Scope, filters: Filters, field: str) -> bool:
    """The centiles per metric and `field` of this scope are in DelayPercentile: a calendar
    quarter or year, no employer kind nor sender filter (the stored histograms are summed
    over them); per department for any territory, per employer kind or sender for France."""
    if not scope.is_territory or filters.company_kind or filters.sender_category or not calendar_period(filters):
        return False
    return field == "department" or (field in ("company_kind", "sender_category") and _national(scope, filters))


def delay_breakdowns(scope: Scope, filters: Filters, *fields: str, metrics=tuple(DELAY_METRICS)) -> list[list[dict]]:
    """`[percentiles(qs.filter(metric__in=metrics), "metric", field) for field in fields]`
    over the scope's delay histograms, equal row for row: from DelayPercentile when stored
    (one query for them all), else the breakdowns of one table in one query
    (`percentiles_sets`)."""
    results = {}
    stored = [f for f in fields if _stored_breakdown(scope, filters, f)]
    if stored:
        qs = DelayPercentile.objects.filter(
            period_start=filters.start, period_end=filters.end, breakdown__in=stored, metric__in=list(metrics)
        )
        departments = (filters.department,) if filters.department else scope.departments
        if departments is not None:
            qs = qs.exclude(Q(breakdown="department") & ~Q(value__in=departments))
        for field in stored:
            results[field] = []
        for row in qs.order_by("breakdown", "metric", "value").values_list(
            "breakdown", "metric", "value", "count", "median", "p90"
        ):
            breakdown, metric, value, n, median, p90 = row
            results[breakdown].append({"metric": metric, breakdown: value, "n": n, "median": median, "p90": p90})
    # The others: those of one table together (department apart: its own table).
    rest = [f for f in fields if f not in results]
    for group in ([f for f in rest if f != "department"], [f for f in rest if f == "department"]):
        if group:
            qs = delay_histograms(scope, filters, fields=tuple(group))
            if set(metrics) != set(DELAY_METRICS):
                qs = [part.filter(metric__in=list(metrics)) for part in qs]
            results.update(zip(group, percentiles_sets(qs, *(("metric", f) for f in group)), strict=True))
    return [results[f] for f in fields]


# --- The figures ---------------------------------------------------------------------------


def waiting_count(scope: Scope, filters: Filters, *, today=None) -> int:
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=WAITING_DAYS)
    qs = applications(scope, filters, period=False, fields=("state",)).filter(state__in=PENDING_STATES, day__lt=limit)
    if not scope.is_territory:
        return total(qs)
    # The whole months before the limit from the per-month table, the rest day by day.
    month = limit.replace(day=1)
    model = ApplicationNationStateMonth if _national(scope, filters) else ApplicationMonth
    months = model.objects.filter(_territory_q(scope, filters), state__in=PENDING_STATES, day__lt=month)
    return total(months) + total(qs.filter(day__gte=month))


def application_figures(scope: Scope, filters: Filters) -> dict:
    refusals = applications(scope, filters, fields=("state", "refusal_reason"))
    by_state_qs = applications(scope, filters, fields=("state",))
    by_state_rows = grouped(by_state_qs, "state")
    received = sum(r["n"] for r in by_state_rows)
    by_sender = grouped(applications(scope, filters, fields=("prescriber_kind",)), "sender_category", "prescriber_kind")
    self_prescribed = sum(r["n"] for r in by_sender if r["sender_category"] == "employer")
    return {
        "received": received,
        "by_state": by_state_rows,
        "by_sender": by_sender,
        "by_refusal_reason": grouped(refusals.filter(state=JobApplicationState.REFUSED), "refusal_reason"),
        "self_prescribed": self_prescribed,
        "self_prescription_share": (self_prescribed / received) if received else None,
        "monthly": grouped(by_state_qs.annotate(month=TruncMonth("day")), "month"),
    }


def delay_figures(scope: Scope, filters: Filters, metric: str, *breakdowns: str) -> dict:
    qs = delays_qs(scope, filters, metric).annotate(month=TruncMonth("event_day"))
    overall, monthly, *by_breakdown = percentiles_sets(qs, (), ("month",), *((b,) for b in breakdowns))
    result = {"overall": overall[0] if overall else None, "monthly": monthly}
    result.update(zip(breakdowns, by_breakdown, strict=True))
    return result


def hire_figures(scope: Scope, filters: Filters) -> dict:
    qs = delays_qs(scope, filters, "hire")
    result = {"hires": total(qs)}
    if scope.is_territory:
        result["by_company_kind"] = grouped(qs, "company_kind")
        if not whole_months(filters):
            model = HireDomainDay
        elif _national(scope, filters):
            model = HireDomainNationMonth
        else:
            model = HireDomainMonth
        domains = model.objects.filter(
            _territory_q(scope, filters, sender=False), event_day__gte=filters.start, event_day__lte=filters.end
        )
        if filters.rome_domain:
            domains = domains.filter(rome_domain=filters.rome_domain)
        result["by_domain"] = grouped(domains, "rome_domain")
    return result


def approval_figures(scope: Scope, filters: Filters, *, today=None) -> dict:
    """The PASS IAE figures: issued over the period; in force, prolonged, ending soon and
    suspended on `today`, from the tables of the day (`stats_approvaltoday`,
    `stats_suspendedtoday`) when the refresh job computed them for `today`, else summed
    from the aggregate and counted on the suspensions (the same figures, slower)."""
    today = today or timezone.localdate()
    territory = _territory_q(scope, filters, sender=False)
    qs = ApprovalAggregate.objects.filter(territory)
    result = {"issued": total(qs.filter(issued_day__gte=filters.start, issued_day__lte=filters.end))}
    # Every employer kind of the day (one row per kind: the day was computed if any), its
    # figures summed over the rows of the scope.
    kinds = list(
        ApprovalToday.objects.filter(day=today)
        .values("company_kind")
        .annotate(
            in_force=Coalesce(Sum("in_force", filter=territory), 0),
            prolonged=Coalesce(Sum("prolonged", filter=territory), 0),
            ending_soon=Coalesce(Sum("ending_soon", filter=territory), 0),
        )
        .order_by("company_kind")
    )
    if kinds:
        for key in ("in_force", "prolonged", "ending_soon"):
            result[key] = sum(row[key] for row in kinds)
        suspended = SuspendedToday.objects.filter(territory, day=today)
        result["suspended"] = suspended.values("approval_id").distinct().count()
        result["by_company_kind"] = [
            {"company_kind": row["company_kind"], "n": row["in_force"]} for row in kinds if row["in_force"]
        ]
        return result
    return result | live_approval_figures(scope, filters, today)


def live_approval_figures(scope: Scope, filters: Filters, today) -> dict:
    """In force, prolonged, ending soon (summed from `stats_approvalaggregate`) and
    suspended (from the suspensions) on `today`."""
    from itou.approvals.models import Suspension

    qs = ApprovalAggregate.objects.filter(_territory_q(scope, filters, sender=False))
    in_force = qs.filter(start_at__lte=today, end_at__gte=today)
    ending_limit = _add_months(today, ENDING_SOON_MONTHS)
    suspensions = Suspension.objects.filter(start_at__lte=today, end_at__gte=today, approval__cancelled_at__isnull=True)
    if filters.department:
        suspensions = suspensions.filter(company__commune__department_id=filters.department)
    elif scope.departments is not None:
        suspensions = suspensions.filter(company__commune__department_id__in=scope.departments)
    if filters.company_kind:
        suspensions = suspensions.filter(company__kind=filters.company_kind)
    aggregate = in_force.aggregate(
        in_force=Sum("count"),
        prolonged=Sum("count", filter=Q(prolonged=True)),
        ending_soon=Sum("count", filter=Q(end_at__lt=ending_limit)),
    )
    return {
        "in_force": aggregate["in_force"] or 0,
        "prolonged": aggregate["prolonged"] or 0,
        "ending_soon": aggregate["ending_soon"] or 0,
        "suspended": suspensions.values("approval_id").distinct().count(),
        "by_company_kind": grouped(in_force, "company_kind"),
    }


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    import calendar

    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def employer_figures(scope: Scope, filters: Filters, *, now=None) -> dict:
    """Employers and job descriptions live from the raw tables (small tables); the last
    application of each job description from `stats_jobdescriptionactivity`."""
    from itou.companies.models import Company, JobDescription

    now = now or timezone.now()
    companies = Company.objects.filter(is_active=True).filter(
        Exists(Company.memberships.rel.related_model.objects.filter(company=OuterRef("pk"), is_active=True))
    )
    if scope.company_ids is not None:
        companies = companies.filter(pk__in=scope.company_ids)
    if filters.department:
        companies = companies.filter(commune__department_id=filters.department)
    elif scope.departments is not None:
        companies = companies.filter(commune__department_id__in=scope.departments)
    if filters.company_kind:
        companies = companies.filter(kind=filters.company_kind)
    since = now - datetime.timedelta(days=TENSION_DAYS)
    open_jobs = JobDescription.objects.filter(is_open=True, company__in=companies)
    # The last application of each job description is kept by the refresh job
    # (`stats_jobdescriptionactivity`): one index probe per old open job description
    # instead of the applications of the last 30 days (240 000 in France).
    recent = JobDescriptionActivity.objects.filter(jobdescription_id=OuterRef("pk"), last_applied_at__gte=since)
    tension = open_jobs.filter(created_at__lt=since).exclude(Exists(recent))
    counts = companies.aggregate(
        active=Count("pk"),
        open=Count("pk", filter=Q(Exists(JobDescription.objects.filter(company=OuterRef("pk"), is_open=True)))),
    )
    conversion_filters = dataclasses.replace(
        filters,
        start=timezone.localdate(now) - datetime.timedelta(days=CONVERSION_DAYS - 1),
        end=timezone.localdate(now),
    )
    received_30 = total(applications(scope, conversion_filters, fields=()))
    hires_30 = total(delays_qs(scope, conversion_filters, "hire"))
    return {
        "active": counts["active"],
        "open": counts["open"],
        "tension": tension.count(),
        "received_30": received_30,
        "hires_30": hires_30,
        "conversion_rate": (hires_30 / received_30) if received_30 else 0,
    }


def orientation_figures(scope: Scope, filters: Filters) -> dict:
    qs = applications(scope, filters, fields=("state", "refusal_reason"))
    states = applications(scope, filters, fields=("sender_category", "state"))
    if scope.prescriber_org_id is None:
        qs = qs.filter(sender_category__in=["authorized", "orienteur"])
        states = states.filter(sender_category__in=["authorized", "orienteur"])
    rows = grouped(states, "state")
    outcome = {"accepted": 0, "refused": 0, "waiting": 0, "other": 0}
    for row in rows:
        if row["state"] == JobApplicationState.ACCEPTED:
            outcome["accepted"] += row["n"]
        elif row["state"] == JobApplicationState.REFUSED:
            outcome["refused"] += row["n"]
        elif row["state"] in PENDING_STATES:
            outcome["waiting"] += row["n"]
        else:
            outcome["other"] += row["n"]
    return {
        "sent": sum(outcome.values()),
        "outcome": outcome,
        "by_refusal_reason": grouped(qs.filter(state=JobApplicationState.REFUSED), "refusal_reason"),
    }


def _memberships(scope: Scope, filters: Filters):
    """Active memberships of the organizations of the scope: (of employers, of prescriber
    organizations), two querysets, each served by its foreign key's index (an OR across
    both would scan every membership)."""
    from itou.companies.models import Company
    from itou.followup.models import FollowUpMembership
    from itou.prescribers.models import PrescriberOrganization

    active = FollowUpMembership.objects.filter(is_active=True).order_by()
    none = active.none()
    if scope.company_ids is not None:
        return active.filter(company_id__in=scope.company_ids), none
    if scope.prescriber_org_id is not None:
        return none, active.filter(prescriber_organization_id=scope.prescriber_org_id)
    departments = (filters.department,) if filters.department else scope.departments
    companies = Company.objects.all()
    organizations = PrescriberOrganization.objects.all()
    if departments is not None:
        companies = companies.filter(commune__department_id__in=departments)
        organizations = organizations.filter(commune__department_id__in=departments)
    if filters.company_kind:
        companies = companies.filter(kind=filters.company_kind)
        organizations = organizations.none()
    if departments is None and not filters.company_kind:
        return active.filter(company_id__isnull=False), active.filter(prescriber_organization_id__isnull=False)
    return (
        active.filter(company_id__in=companies.values("pk")),
        active.filter(prescriber_organization_id__in=organizations.values("pk")),
    )


def _followed_key(scope: Scope, filters: Filters):
    """The territory's key in `stats_followedcount` (level, code): France, a department or
    a whole region; None for other sets of departments (counted from `stats_followedperson`)."""
    from itou.geo.models import Department

    departments = (filters.department,) if filters.department else scope.departments
    if departments is None:
        return ("N", "")
    if len(departments) == 1:
        return ("D", departments[0])
    regions = set(Department.objects.filter(code__in=departments).values_list("region_id", flat=True))
    if len(regions) == 1:
        region = regions.pop()
        if set(Department.objects.filter(region_id=region).values_list("code", flat=True)) == set(departments):
            return ("R", region)
    return None


def _territory_followup_figures(scope: Scope, filters: Filters) -> dict:
    """The follow-up figures of a territory, from the tables the refresh job keeps
    (`stats_followedcount`, `stats_hirefollowedday`; docs/statistiques.md)."""
    kind = filters.company_kind
    key = _followed_key(scope, filters)
    if key is not None:
        rows = FollowedCount.objects.filter(level=key[0], code=key[1])
        rows = rows.filter(org_type="company", org_kind=kind) if kind else rows
        rows = list(rows.values("org_type", "org_kind", "count"))
        by_kind = [{"kind": r["org_kind"], "n": r["count"]} for r in rows if r["org_type"]]
        # With an employer kind, the people followed are those of that kind's row.
        followed = sum(r["count"] for r in rows if bool(r["org_type"]) == bool(kind))
    else:
        departments = (filters.department,) if filters.department else scope.departments
        people = FollowedPerson.objects.filter(department__in=departments)
        people = people.filter(org_type="company", org_kind=kind) if kind else people
        followed = people.values("job_seeker_id").distinct().count()
        by_kind = list(
            people.values("org_type", kind=F("org_kind")).annotate(n=Count("job_seeker_id", distinct=True)).order_by()
        )
    # Hires as in « Embauches » (the sender filter does not apply to this tab).
    every_sender = dataclasses.replace(filters, sender_category="")
    hires_followed = HireFollowedDay.objects.filter(
        _territory_q(scope, filters, sender=False), event_day__gte=filters.start, event_day__lte=filters.end
    )
    return {
        "followed": followed,
        "by_kind": sorted(({"kind": r["kind"], "n": r["n"]} for r in by_kind), key=lambda r: r["kind"] or ""),
        "hires": total(delays_qs(scope, every_sender, "hire")),
        "hires_followed": total(hires_followed),
    }


def followup_figures(scope: Scope, filters: Filters) -> dict:
    """A territory: from the aggregate tables. An employer or a prescriber organization:
    live from the raw follow-up memberships (a few rows; docs/echanges.md)."""
    from itou.followup.models import FollowUpMembership
    from itou.job_applications.models import JobApplicationTransitionLog

    if scope.is_territory:
        return _territory_followup_figures(scope, filters)
    of_companies, of_prescribers = _memberships(scope, filters)
    # UNION: a person followed by both kinds of organizations counts once.
    followed = of_companies.values("job_seeker_id").union(of_prescribers.values("job_seeker_id")).count()
    by_kind = sorted(
        [
            *of_companies.values(kind=F("company__kind")).annotate(n=Count("job_seeker_id", distinct=True)),
            *of_prescribers.values(kind=F("prescriber_organization__kind")).annotate(
                n=Count("job_seeker_id", distinct=True)
            ),
        ],
        key=lambda r: r["kind"] or "",
    )
    # Hires of the period in the scope (as in `hires`: the last transition to accepted of an
    # application accepted today, in the period; territory of the employer).
    hires = JobApplicationTransitionLog.objects.filter(
        to_state=JobApplicationState.ACCEPTED,
        job_application__state=JobApplicationState.ACCEPTED,
        timestamp__gte=_paris_midnight(filters.start),
        timestamp__lt=_paris_midnight(filters.end + datetime.timedelta(days=1)),
    ).exclude(
        Exists(
            JobApplicationTransitionLog.objects.filter(
                job_application_id=OuterRef("job_application_id"),
                to_state=JobApplicationState.ACCEPTED,
                timestamp__gt=OuterRef("timestamp"),
            )
        )
    )
    if scope.company_ids is not None:
        hires = hires.filter(job_application__to_company_id__in=scope.company_ids)
    elif scope.prescriber_org_id is not None:
        hires = hires.filter(job_application__sender_prescriber_organization_id=scope.prescriber_org_id)
    else:
        if filters.department:
            hires = hires.filter(job_application__to_company__commune__department_id=filters.department)
        elif scope.departments is not None:
            hires = hires.filter(job_application__to_company__commune__department_id__in=scope.departments)
        if filters.company_kind:
            hires = hires.filter(job_application__to_company__kind=filters.company_kind)
    several = (
        FollowUpMembership.objects.filter(job_seeker_id=OuterRef("job_application__job_seeker_id"), is_active=True)
        .order_by()
        .values("job_seeker_id")
        .annotate(orgs=Count(Coalesce("company_id", -F("prescriber_organization_id")), distinct=True))
        .filter(orgs__gte=2)
    )
    counts = hires.aggregate(
        hires=Count("job_application_id", distinct=True),
        followed=Count("job_application_id", distinct=True, filter=Q(Exists(several))),
    )
    return {
        "followed": followed,
        "by_kind": by_kind,
        "hires": counts["hires"],
        "hires_followed": counts["followed"],
    }


def _paris_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


# --- Labels -------------------------------------------------------------------------------


def sender_label(category: str, prescriber_kind: str = "") -> str:
    from itou.prescribers.enums import PrescriberOrganizationKind

    label = SENDER_CATEGORIES.get(category, category)
    if prescriber_kind:
        label += (
            f" — {PrescriberOrganizationKind(prescriber_kind).label}"
            if prescriber_kind in PrescriberOrganizationKind.values
            else f" — {prescriber_kind}"
        )
    return label


def state_label(state: str) -> str:
    return JobApplicationState(state).label if state in JobApplicationState.values else state


def refusal_label(reason: str) -> str:
    return RefusalReason(reason).label if reason in RefusalReason.values else (reason or "Non renseigné")


__all__ = ["DELAY_METRICS", "FIGURES", "Filters", "Scope"]
