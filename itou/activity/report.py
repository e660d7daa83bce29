"""The yearly activity report of an employer, assembled from the platform's data
(docs/rapport-activite.md). One function, `build_report(company, year)`, returns sections of
rows; the page, the PDF and the XLSX all render that same structure, so they always agree.

Small counts: in a breakdown of people, categories of fewer than SMALL_COUNT people are
grouped into one row ("Autres (regroupés)"); if that group is still below SMALL_COUNT it
reads "moins de 5". Totals are exact.
"""

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, Q, prefetch_related_objects
from django.db.models.functions import Cast, ExtractYear

from itou.activity.enums import ContractEndReason, ExitCategory
from itou.activity.models import ContractEnd
from itou.approvals.models import ApprovalHire, Prolongation, Suspension
from itou.eligibility.enums import AdministrativeCriteriaLevel
from itou.eligibility.rules import age_on
from itou.job_applications.enums import JobApplicationState, RefusalReason, SenderKind
from itou.job_applications.models import JobApplication
from itou.users.enums import EducationLevel

SMALL_COUNT = 5
SMALL_LABEL = "moins de 5"
GROUPED_LABEL = "Autres (regroupés, moins de 5 chacun)"
AGE_GROUPS = [("Moins de 26 ans", 0, 25), ("26 à 49 ans", 26, 49), ("50 ans et plus", 50, 200)]
UNKNOWN = "Non renseigné"


@dataclass
class Section:
    key: str
    title: str
    rows: list = field(default_factory=list)  # [(label, value)] value: int, str
    note: str = ""


@dataclass
class Report:
    company: object
    year: int
    sections: list
    hires: int
    employed: int

    @property
    def is_empty(self) -> bool:
        return self.hires == 0 and self.employed == 0

    def section(self, key) -> Section:
        return next(s for s in self.sections if s.key == key)

    def flat(self) -> dict:
        """{"section.label": value}: what the DDETS compares side by side."""
        return {f"{s.key}.{label}": value for s in self.sections for label, value in s.rows}


def shown(n: int):
    return SMALL_LABEL if 0 < n < SMALL_COUNT else n


def grouped(counter: Counter, order=None) -> list:
    """Rows of a breakdown of people, small categories grouped."""
    labels = order or sorted(counter, key=lambda k: (-counter[k], str(k)))
    rows, small = [], 0
    for label in labels:
        n = counter.get(label, 0)
        if not n:
            continue
        if n >= SMALL_COUNT:
            rows.append((label, n))
        else:
            small += n
    if small:
        rows.append((GROUPED_LABEL, shown(small)))
    return rows


def _sex(profile) -> str:
    nir = getattr(profile, "nir", "") or ""
    return {"1": "Homme", "2": "Femme"}.get(nir[:1], UNKNOWN)


def _age_group(profile, day) -> str:
    birthdate = getattr(profile, "birthdate", None)
    if not birthdate:
        return UNKNOWN
    age = age_on(birthdate, day)
    return next(label for label, low, high in AGE_GROUPS if low <= age <= high)


def _criteria_level(diagnosis) -> str:
    if diagnosis is None:
        return "Sans diagnostic rattaché"
    levels = {c.level for c in diagnosis.administrative_criteria.all()}
    if AdministrativeCriteriaLevel.LEVEL_1 in levels:
        return "Au moins un critère de niveau 1"
    if AdministrativeCriteriaLevel.LEVEL_2 in levels:
        return "Critères de niveau 2 uniquement"
    return "Aucun critère (diagnostic d'un prescripteur habilité)"


def _months(start, end) -> float:
    return (end - start).days / 30.4375


DURATION_BUCKETS = [
    ("Moins de 3 mois", 0, 3),
    ("3 à 6 mois", 3, 6),
    ("6 à 12 mois", 6, 12),
    ("12 à 24 mois", 12, 24),
    ("24 mois et plus", 24, 10_000),
]


def build_report(company, year: int) -> Report:
    first = datetime.date(year, 1, 1)
    accepted = JobApplication.objects.filter(to_company=company, state=JobApplicationState.ACCEPTED)
    # Employed during the year: hired by its last day and not gone before its first day. The
    # first bound is on the year of the start, as an integer (with a date bound — which Django
    # makes of a plain year lookup — the planner
    # mixes in the index of all accepted hires by start date, 60 ms at France scale, instead of
    # this employer's ~1 000 accepted applications, 1 ms; bench/results/2026-12-07-control-france.md).
    employed_q = Q(start_year__lte=year) & (
        Q(contract_end__end_date__gte=first)
        | Q(contract_end__isnull=True, hiring_end_at__gte=first)
        | Q(contract_end__isnull=True, hiring_end_at__isnull=True)
    )
    people = list(
        accepted.annotate(start_year=Cast(ExtractYear("hiring_start_at"), IntegerField()))
        .filter(employed_q)
        .select_related("job_seeker__jobseeker_profile", "eligibility_diagnosis", "contract_end")
        .order_by("hiring_start_at", "pk")
    )
    hired = [ja for ja in people if ja.hiring_start_at >= first]
    # Criteria and jobs are read for the hires of the year only.
    prefetch_related_objects(
        hired,
        "eligibility_diagnosis__administrative_criteria",
        "selected_jobs__rome_domain",
        "selected_jobs__appellation",
    )
    employed_ids = {ja.job_seeker_id for ja in people}
    sections = []

    # 1. People.
    summary = Section(
        "effectifs",
        "Personnes embauchées et salariées",
        [
            ("Embauches dans l'année", len(hired)),
            ("Personnes salariées dans l'année", len(employed_ids)),
            ("Personnes embauchées dans l'année", len({ja.job_seeker_id for ja in hired})),
        ],
    )
    sections.append(summary)

    def profile(ja):
        return getattr(ja.job_seeker, "jobseeker_profile", None)  # None: a job seeker without profile

    sections.append(
        Section(
            "age",
            "Embauches par âge (à la date d'embauche)",
            grouped(
                Counter(_age_group(profile(ja), ja.hiring_start_at) for ja in hired),
                order=[g[0] for g in AGE_GROUPS] + [UNKNOWN],
            ),
        )
    )
    sections.append(
        Section(
            "sexe",
            "Embauches par sexe",
            grouped(Counter(_sex(profile(ja)) for ja in hired), order=["Femme", "Homme", UNKNOWN]),
            note="Déduit du numéro de sécurité sociale quand il est connu.",
        )
    )
    education = Counter(
        (EducationLevel(profile(ja).education_level).label if profile(ja) and profile(ja).education_level else UNKNOWN)
        for ja in hired
    )
    sections.append(Section("formation", "Embauches par niveau de formation", grouped(education)))
    sections.append(
        Section(
            "criteres",
            "Embauches par niveau de critères d'éligibilité",
            grouped(Counter(_criteria_level(ja.eligibility_diagnosis) for ja in hired)),
        )
    )
    areas = Counter()
    for ja in hired:
        kinds = (
            {c.kind for c in ja.eligibility_diagnosis.administrative_criteria.all()}
            if ja.eligibility_diagnosis
            else set()
        )
        areas["Résidant en quartier prioritaire (QPV)" if "QPV" in kinds else "QPV non indiqué"] += 1
        if "ZRR" in kinds:
            areas["Résidant en zone de revitalisation rurale (ZRR)"] += 1
    sections.append(
        Section(
            "territoires",
            "Résidence en territoires prioritaires",
            grouped(areas),
            note="Selon les critères QPV et ZRR cochés dans le diagnostic d'éligibilité.",
        )
    )

    # 2. Applications.
    received = JobApplication.objects.filter(to_company=company, created_at__year=year)
    by_sender = dict(received.values_list("sender_kind").annotate(n=Count("pk")))
    sections.append(
        Section(
            "candidatures",
            "Candidatures reçues par origine",
            [
                ("Total", sum(by_sender.values())),
                *[(kind.label, by_sender.get(kind.value, 0)) for kind in SenderKind],
            ],
        )
    )
    refusals = dict(
        received.filter(state=JobApplicationState.REFUSED).values_list("refusal_reason").annotate(n=Count("pk"))
    )
    sections.append(
        Section(
            "refus",
            "Motifs de refus",
            [
                (RefusalReason(reason).label if reason in RefusalReason.values else reason, n)
                for reason, n in sorted(refusals.items(), key=lambda kv: -kv[1])
            ]
            or [("Aucun refus", 0)],
        )
    )
    delays = [
        (processed - created).days
        for created, processed in received.filter(processed_at__isnull=False).values_list("created_at", "processed_at")
    ]
    sections.append(
        Section(
            "delais",
            "Délais de réponse aux candidatures",
            [
                ("Candidatures ayant reçu une réponse", len(delays)),
                ("Délai médian (jours)", round(statistics.median(delays), 1) if delays else "—"),
                ("Délai moyen (jours)", round(statistics.mean(delays), 1) if delays else "—"),
            ],
        )
    )

    # 3. PASS IAE.
    issued = ApprovalHire.objects.filter(
        company=company,
        hiring_start_at__year=year,
        cancelled_at__isnull=True,
        approval__start_at=F("hiring_start_at"),
    ).count()
    sections.append(
        Section(
            "pass",
            "PASS IAE",
            [
                ("PASS IAE délivrés pour une embauche de l'année", issued),
                ("Suspensions déclarées", Suspension.objects.filter(company=company, start_at__year=year).count()),
                ("Prolongations déclarées", Prolongation.objects.filter(company=company, start_at__year=year).count()),
            ],
        )
    )

    # 4. Contracts and exits.
    ends = list(
        ContractEnd.objects.filter(job_application__to_company=company, end_date__year=year).select_related(
            "job_application"
        )
    )
    durations = [_months(e.job_application.hiring_start_at, e.end_date) for e in ends]
    buckets = Counter(next(label for label, low, high in DURATION_BUCKETS if low <= m < high) for m in durations)
    sections.append(
        Section(
            "durees",
            "Durée des contrats terminés dans l'année",
            [
                ("Contrats terminés", len(ends)),
                ("Durée moyenne dans la structure (mois)", round(statistics.mean(durations), 1) if durations else "—"),
                *grouped(buckets, order=[b[0] for b in DURATION_BUCKETS]),
            ],
        )
    )
    sections.append(
        Section(
            "sorties",
            "Sorties par catégorie",
            grouped(Counter(ExitCategory(e.exit_category).label for e in ends), order=[c.label for c in ExitCategory]),
            note="Emploi durable, emploi de transition et sortie positive forment les « sorties dynamiques ».",
        )
    )
    sections.append(
        Section(
            "motifs_fin", "Motifs de fin de contrat", grouped(Counter(ContractEndReason(e.reason).label for e in ends))
        )
    )

    # 5. Jobs.
    jobs = Counter()
    domains = Counter()
    for ja in hired:
        selected = list(ja.selected_jobs.all())
        for job in selected or [None]:
            jobs[job.display_name if job else "Candidature spontanée"] += 1
            domains[str(job.rome_domain) if job and job.rome_domain else "Domaine non renseigné"] += 1
    sections.append(Section("postes", "Embauches par fiche de poste", grouped(jobs)))
    sections.append(Section("domaines", "Embauches par grand domaine ROME", grouped(domains)))
    return Report(company=company, year=year, sections=sections, hires=len(hired), employed=len(employed_ids))
