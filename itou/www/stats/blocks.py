"""The blocks of the steering pages: a figure (number + definition), a table, and a chart
drawn from that very table. The CSV/XLSX exports read the same blocks (one source).

Small-count suppression happens here: with `scope.suppress_small`, a count from 1 to 4
is shown as "< 5", and a delay or a rate computed on fewer than 5 cases is not shown.
"""

import dataclasses

from itou.companies.enums import CompanyKind
from itou.geo.models import Department
from itou.jobs.models import RomeDomain
from itou.stats import figures
from itou.stats.figures import FIGURES, SMALL_COUNT, Filters, Scope
from itou.stats.models import DELAY_METRICS

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
HIDDEN = "< 5"
SECRET = "secret statistique"

SECTIONS = {
    "candidatures": "Candidatures",
    "delais": "Délais",
    "embauches": "Embauches et PASS IAE",
    "employeurs": "Employeurs",
    "prescripteurs": "Prescripteurs",
    "suivi": "Groupes de suivi",
}


@dataclasses.dataclass
class Block:
    key: str
    figure: figures.Figure
    headline: str
    columns: list[str]
    rows: list[list]
    chart_column: int | None = None  # the numeric column the bar chart draws
    caption: str = ""
    svg: str | None = None  # a chart drawn by the builder itself (the map)
    legend: list = dataclasses.field(default_factory=list)
    links: list = dataclasses.field(default_factory=list)  # (label, query, current)

    @property
    def chart(self):
        if self.chart_column is None or not self.rows:
            return None
        return [(row[0], row[self.chart_column]) for row in self.rows]


def month_label(day) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def count(n, scope: Scope):
    n = int(n or 0)
    if scope.suppress_small and 0 < n < SMALL_COUNT:
        return HIDDEN
    return n


def share(part, whole, scope: Scope):
    if not whole or (scope.suppress_small and whole < SMALL_COUNT):
        return SECRET if whole else "—"
    return f"{100 * part / whole:.1f} %".replace(".", ",")


def days(value, n, scope: Scope):
    if value is None:
        return "—"
    if scope.suppress_small and n < SMALL_COUNT:
        return SECRET
    return f"{value} j"


def kind_label(kind):
    return CompanyKind(kind).label if kind in CompanyKind.values else (kind or "Non renseigné")


def department_names() -> dict:
    return dict(Department.objects.values_list("code", "name"))


def department_label(code, names):
    return f"{code} — {names.get(code, '')}" if code else "Sans département"


def applications_blocks(scope: Scope, filters: Filters, *, names) -> list[Block]:
    data = figures.application_figures(scope, filters)
    received = data["received"]
    blocks = [
        Block(
            "received",
            FIGURES["received"],
            f"{count(received, scope)}",
            ["Mois", "Candidatures reçues"],
            [[month_label(r["month"]), count(r["n"], scope)] for r in data["monthly"]],
            chart_column=1,
            caption="Candidatures reçues, mois par mois",
        ),
        Block(
            "by_sender",
            FIGURES["by_sender"],
            f"{count(received, scope)} candidatures",
            ["Origine", "Candidatures", "Part"],
            [
                [
                    figures.sender_label(r["sender_category"], r["prescriber_kind"]),
                    count(r["n"], scope),
                    share(r["n"], received, scope),
                ]
                for r in data["by_sender"]
            ],
            chart_column=1,
        ),
        Block(
            "self_prescription_share",
            FIGURES["self_prescription_share"],
            share(data["self_prescribed"], received, scope),
            ["Auto-prescriptions", "Candidatures reçues", "Part"],
            [
                [
                    count(data["self_prescribed"], scope),
                    count(received, scope),
                    share(data["self_prescribed"], received, scope),
                ]
            ],
        ),
        Block(
            "by_state",
            FIGURES["by_state"],
            f"{count(received, scope)} candidatures",
            ["État aujourd'hui", "Candidatures", "Part"],
            [
                [figures.state_label(r["state"]), count(r["n"], scope), share(r["n"], received, scope)]
                for r in data["by_state"]
            ],
            chart_column=1,
        ),
        Block(
            "by_refusal_reason",
            FIGURES["by_refusal_reason"],
            f"{count(sum(r['n'] for r in data['by_refusal_reason']), scope)} refus",
            ["Motif de refus", "Candidatures"],
            [[figures.refusal_label(r["refusal_reason"]), count(r["n"], scope)] for r in data["by_refusal_reason"]],
            chart_column=1,
        ),
    ]
    waiting = figures.waiting_count(scope, filters)
    blocks.append(
        Block(
            "waiting",
            FIGURES["waiting"],
            f"{count(waiting, scope)}",
            ["Candidatures en attente"],
            [[count(waiting, scope)]],
        )
    )
    if scope.is_territory and (scope.departments is None or len(scope.departments) > 1) and not filters.department:
        rows = figures.grouped(figures.applications(scope, filters, fields=("department",)), "department")
        blocks.append(
            Block(
                "by_department",
                figures.Figure("by_department", "Candidatures reçues par département", FIGURES["received"].definition),
                f"{len(rows)} départements",
                ["Département", "Candidatures reçues"],
                [[department_label(r["department"], names), count(r["n"], scope)] for r in rows],
                chart_column=1,
            )
        )
    return blocks


MAP_FIGURES = {
    "received": ("Candidatures reçues", "received"),
    "self_prescription": ("Part de l'auto-prescription", "self_prescription_share"),
    "delay_answer": ("Délai de réponse (médiane)", "delay_answer"),
}


def map_block(scope: Scope, filters: Filters, *, names, choice: str, query) -> Block:
    from itou.www.stats.charts import department_map, map_legend

    choice = choice if choice in MAP_FIGURES else "received"
    label, figure_key = MAP_FIGURES[choice]
    filters = dataclasses.replace(filters, department="")
    unit = ""
    if choice == "delay_answer":
        (rows,) = figures.delay_breakdowns(scope, filters, "department", metrics=("answer",))
        values = {
            r["department"]: SECRET if scope.suppress_small and r["n"] < SMALL_COUNT else r["median"] for r in rows
        }
        unit = " j"
    else:
        totals, own = {}, {}
        fields = ("department", "sender_category")
        for r in figures.grouped(figures.applications(scope, filters, fields=fields), *fields):
            totals[r["department"]] = totals.get(r["department"], 0) + r["n"]
            if r["sender_category"] == "employer":
                own[r["department"]] = own.get(r["department"], 0) + r["n"]
        if choice == "received":
            values = {d: count(n, scope) for d, n in totals.items()}
        else:
            values = {
                d: SECRET if scope.suppress_small and n < SMALL_COUNT else round(100 * own.get(d, 0) / n, 1)
                for d, n in totals.items()
            }
            unit = " %"
    values.pop("", None)
    if scope.departments is not None:
        for code in scope.departments:
            values.setdefault(code, 0 if choice == "received" else "—")
    links = []
    for key, (text, _figure) in MAP_FIGURES.items():
        params = query.copy()
        params["carte"] = key
        links.append((text, params.urlencode(), key == choice))
    return Block(
        "map",
        figures.Figure("map", f"Carte des départements : {label.lower()}", FIGURES[figure_key].definition),
        "",
        ["Département", label],
        [
            [department_label(code, names), f"{v}{unit}" if isinstance(v, int | float) and unit else v]
            for code, v in sorted(values.items())
        ],
        svg=department_map(values, title=label, unit=unit),
        legend=map_legend(values, unit),
        links=links,
    )


def delay_blocks(scope: Scope, filters: Filters, *, names) -> list[Block]:
    # Overall and month by month: no other column (the narrowest table serves).
    totals = figures.delay_histograms(scope, filters, fields=())
    # The overall delays and their monthly trend in one query (one read of the rows).
    overall_rows, monthly = figures.percentiles_sets(figures.with_month(totals), ("metric",), ("metric", "month"))
    overall = {r["metric"]: r for r in overall_rows}
    blocks = []
    for metric in DELAY_METRICS:
        row = overall.get(metric)
        figure = FIGURES[figures.DELAY_FIGURE[metric]]
        headline = "—"
        if row:
            headline = (
                f"médiane {days(row['median'], row['n'], scope)}, 90e centile {days(row['p90'], row['n'], scope)}"
            )
        blocks.append(
            Block(
                f"delay_{metric}",
                figure,
                headline,
                ["Périmètre", "Cas", "Médiane", "90e centile"],
                [
                    [
                        scope.label,
                        count(row["n"], scope),
                        days(row["median"], row["n"], scope),
                        days(row["p90"], row["n"], scope),
                    ]
                ]
                if row
                else [],
            )
        )
    blocks.append(
        Block(
            "delay_monthly",
            figures.Figure(
                "delay_monthly", "Évolution mois par mois des délais (médiane)", FIGURES["delay_answer"].definition
            ),
            "",
            ["Mois", *[f"{label} (médiane)" for label in ("Réponse", "Embauche", "Première orientation → embauche")]],
            _pivot(monthly, "month", scope, month_label),
        )
    )
    breakdowns = [("sender_category", "Origine", lambda v: figures.sender_label(v))]
    if scope.is_territory:
        breakdowns.insert(0, ("company_kind", "Type d'employeur", kind_label))
        if scope.departments is None or len(scope.departments) > 1:
            breakdowns.insert(0, ("department", "Département", lambda v: department_label(v, names)))
    else:
        breakdowns = (
            [("company_id", "Employeur", None)]
            if scope.company_ids
            else [("company_id", "Employeur destinataire", None)]
        )
    # The stored centiles of a quarter or a year, or those read from the same table
    # (employer kind, sender…) in one query.
    fields = [field for field, _label, _formatter in breakdowns]
    by_field = dict(zip(fields, figures.delay_breakdowns(scope, filters, *fields), strict=True))
    for field, label, formatter in breakdowns:
        rows = by_field[field]
        if formatter is None:
            from itou.companies.models import Company

            companies = dict(Company.objects.filter(pk__in={r[field] for r in rows}).values_list("pk", "name"))
            formatter = lambda v, companies=companies: companies.get(v, str(v))  # noqa: E731
        blocks.append(
            Block(
                f"delay_by_{field}",
                figures.Figure(
                    f"delay_by_{field}", f"Délais (médiane) par {label.lower()}", FIGURES["delay_answer"].definition
                ),
                "",
                [label, "Réponse (médiane)", "Embauche (médiane)", "Première orientation → embauche (médiane)"],
                _pivot(rows, field, scope, formatter),
            )
        )
    return blocks


def _pivot(rows, field, scope, formatter):
    table = {}
    for r in rows:
        table.setdefault(r[field], {})[r["metric"]] = r
    result = []
    for key in sorted(table, key=lambda k: (k is None, str(k))):
        cells = [formatter(key)]
        for metric in DELAY_METRICS:
            r = table[key].get(metric)
            cells.append(days(r["median"], r["n"], scope) if r else "—")
        result.append(cells)
    return result


def hires_blocks(scope: Scope, filters: Filters, *, names) -> list[Block]:
    data = figures.hire_figures(scope, filters)
    blocks = [
        Block(
            "hires", FIGURES["hires"], f"{count(data['hires'], scope)}", ["Embauches"], [[count(data["hires"], scope)]]
        )
    ]
    if scope.is_territory:
        blocks.append(
            Block(
                "hires_by_kind",
                figures.Figure("hires_by_kind", "Embauches par type d'employeur", FIGURES["hires"].definition),
                "",
                ["Type d'employeur", "Embauches"],
                [[kind_label(r["company_kind"]), count(r["n"], scope)] for r in data["by_company_kind"]],
                chart_column=1,
            )
        )
        domains = dict(RomeDomain.objects.values_list("code", "name"))
        blocks.append(
            Block(
                "hires_by_domain",
                FIGURES["hires_by_domain"],
                "",
                ["Grand domaine ROME", "Embauches"],
                [
                    [
                        f"{r['rome_domain']} — {domains.get(r['rome_domain'], '')}"
                        if r["rome_domain"]
                        else "Candidature spontanée",
                        count(r["n"], scope),
                    ]
                    for r in data["by_domain"]
                ],
                chart_column=1,
            )
        )
        approvals = figures.approval_figures(scope, filters)
        for key in ("issued", "in_force", "suspended", "prolonged", "ending_soon"):
            blocks.append(
                Block(
                    f"approvals_{key}",
                    FIGURES[f"approvals_{key}"],
                    f"{count(approvals[key], scope)}",
                    ["PASS IAE"],
                    [[count(approvals[key], scope)]],
                )
            )
        blocks.append(
            Block(
                "approvals_by_kind",
                figures.Figure(
                    "approvals_by_kind",
                    "PASS IAE en cours de validité par type d'employeur",
                    FIGURES["approvals_in_force"].definition,
                ),
                "",
                ["Type d'employeur", "PASS IAE en cours"],
                [[kind_label(r["company_kind"]), count(r["n"], scope)] for r in approvals["by_company_kind"]],
                chart_column=1,
            )
        )
    return blocks


def employers_blocks(scope: Scope, filters: Filters, *, names) -> list[Block]:
    data = figures.employer_figures(scope, filters)
    rate = share(data["hires_30"], data["received_30"], scope) if data["received_30"] else "0 %"
    return [
        Block(
            "employers_active",
            FIGURES["employers_active"],
            f"{count(data['active'], scope)}",
            ["Employeurs"],
            [[count(data["active"], scope)]],
        ),
        Block(
            "employers_open",
            FIGURES["employers_open"],
            f"{count(data['open'], scope)}",
            ["Employeurs"],
            [[count(data["open"], scope)]],
        ),
        Block(
            "employers_tension",
            FIGURES["employers_tension"],
            f"{count(data['tension'], scope)}",
            ["Fiches de poste"],
            [[count(data["tension"], scope)]],
        ),
        Block(
            "conversion_rate",
            FIGURES["conversion_rate"],
            rate,
            ["Embauches (30 jours)", "Candidatures reçues (30 jours)", "Taux"],
            [[count(data["hires_30"], scope), count(data["received_30"], scope), rate]],
        ),
    ]


def prescribers_blocks(scope: Scope, filters: Filters, *, names) -> list[Block]:
    data = figures.orientation_figures(scope, filters)
    labels = {
        "accepted": "Acceptées",
        "refused": "Déclinées",
        "waiting": "En attente d'une décision",
        "other": "Autres (embauche annulée, embauché ailleurs)",
    }
    return [
        Block(
            "orientations",
            FIGURES["orientations"],
            f"{count(data['sent'], scope)}",
            ["Issue", "Orientations", "Part"],
            [[labels[k], count(v, scope), share(v, data["sent"], scope)] for k, v in data["outcome"].items()],
            chart_column=1,
        ),
        Block(
            "orientations_refusals",
            figures.Figure(
                "orientations_refusals", "Motifs de refus des orientations", FIGURES["by_refusal_reason"].definition
            ),
            "",
            ["Motif de refus", "Orientations"],
            [[figures.refusal_label(r["refusal_reason"]), count(r["n"], scope)] for r in data["by_refusal_reason"]],
            chart_column=1,
        ),
    ]


def organization_kind_label(kind):
    from itou.prescribers.enums import PrescriberOrganizationKind

    if kind in CompanyKind.values:
        return f"Employeur — {CompanyKind(kind).label}"
    if kind in PrescriberOrganizationKind.values:
        return f"Prescripteur — {PrescriberOrganizationKind(kind).label}"
    return kind or "Sans organisation"


def followup_blocks(scope: Scope, filters: Filters, *, names) -> list[Block]:
    data = figures.followup_figures(scope, filters)
    rate = share(data["hires_followed"], data["hires"], scope)
    return [
        Block(
            "followed_people",
            FIGURES["followed_people"],
            f"{count(data['followed'], scope)}",
            ["Personnes suivies"],
            [[count(data["followed"], scope)]],
        ),
        Block(
            "followed_by_kind",
            FIGURES["followed_by_kind"],
            "",
            ["Type d'organisation", "Personnes suivies"],
            [[organization_kind_label(r["kind"]), count(r["n"], scope)] for r in data["by_kind"]],
            chart_column=1,
        ),
        Block(
            "hires_followed",
            FIGURES["hires_followed"],
            rate,
            ["Embauches suivies par au moins deux organisations", "Embauches", "Part"],
            [[count(data["hires_followed"], scope), count(data["hires"], scope), rate]],
        ),
    ]


BUILDERS = {
    "candidatures": applications_blocks,
    "delais": delay_blocks,
    "embauches": hires_blocks,
    "employeurs": employers_blocks,
    "prescripteurs": prescribers_blocks,
    "suivi": followup_blocks,
}


def sections_for(scope: Scope) -> dict:
    if scope.prescriber_org_id is not None:
        return {k: v for k, v in SECTIONS.items() if k in ("prescripteurs", "candidatures", "delais", "suivi")}
    if scope.company_ids is not None:
        return {
            k: v for k, v in SECTIONS.items() if k in ("candidatures", "delais", "embauches", "employeurs", "suivi")
        }
    return SECTIONS


def build(section: str, scope: Scope, filters: Filters, *, query=None) -> list[Block]:
    """The blocks of a section; `query` (the request's GET) adds the map to the territory's
    applications, coloured by `?carte=`."""
    names = department_names() if scope.is_territory and section in ("candidatures", "delais") else {}
    blocks = BUILDERS[section](scope, filters, names=names)
    if query is not None and section == "candidatures" and scope.is_territory:
        blocks.append(map_block(scope, filters, names=names, choice=query.get("carte", ""), query=query))
    return blocks
