"""The figures of each role's dashboard: "what do I have to do today?".

One query per kind of counter (applications, PASS IAE, prolongation requests, job
descriptions, diagnoses), each a conditional aggregation (`Count(filter=Q(...))`): the
page costs the same number of queries whatever the size of the organization. Every
counter links to the list filtered on exactly what it counts (same conditions as the
list's filter, so the figure and the list agree).

Other features add their cards through `EXTRA_CARDS` (a list of template names per
role, rendered after the counters): see docs/tableau-de-bord.md.
"""

import dataclasses
import datetime
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from itou.approvals.enums import ProlongationRequestStatus
from itou.approvals.models import Approval, ApprovalHire, ProlongationRequest
from itou.approvals.rules import EXPIRES_SOON
from itou.companies.enums import SIAE_KINDS, CompanyKind
from itou.companies.models import Company, JobDescription
from itou.eligibility.models import EligibilityDiagnosis
from itou.exchanges.queries import with_unread
from itou.institutions.enums import DEPARTMENTAL_KINDS, REGIONAL_KINDS
from itou.job_applications.enums import JobApplicationState as State
from itou.job_applications.models import IDLE_REMINDER_AFTER, JobApplication
from itou.job_applications.perms import ViewerRole
from itou.job_applications.workflow import PENDING_STATES

TO_PROCESS = (State.NEW, State.PROCESSING, State.POSTPONED)
# Figures shared with the lists' filters (the list shows what the counter counts).
WAITING_AFTER_DAYS = IDLE_REMINDER_AFTER.days  # 3 weeks
QUIET_JOB_DESCRIPTION_DAYS = 30
SUSPENSION_ENDING_DAYS = 30
PROLONGATION_ANSWERED_DAYS = 30
DIAGNOSIS_EXPIRING_DAYS = 30

# Where later features plug their own dashboard cards: template names per role, each
# rendered with the dashboard's context (`current`, `counters`, `user`).
EXTRA_CARDS: dict[str, list[str]] = {
    "job_seeker": ["applications/includes/messages_card.html", "followup/includes/card.html"],
    "employer": [
        "applications/includes/messages_card.html",
        "followup/includes/card.html",
        "marketplace/includes/dashboard_card.html",
    ],
    "prescriber": ["applications/includes/messages_card.html", "followup/includes/card.html"],
    "labor_inspector": [],
}


@dataclasses.dataclass
class Counter:
    label: str  # what is counted, after the figure: "candidatures à traiter"
    value: int
    url: str = ""
    hint: str = ""  # shown under the figure; when the value is 0, what to do next
    urgent: bool = False  # something waits for this person

    @property
    def is_urgent(self) -> bool:
        return self.urgent and self.value > 0


def _url(name: str, **query) -> str:
    url = reverse(name)
    pairs = [
        (key, item) for key, value in query.items() for item in (value if isinstance(value, list | tuple) else [value])
    ]
    return f"{url}?{urlencode(pairs)}" if pairs else url


def agree(count: int, singular: str, plural_form: str | None = None) -> str:
    """The word that agrees with `count` (0 and 1 are singular in French)."""
    return singular if count <= 1 else (plural_form or singular + "s")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """ "1 candidature", "3 candidatures"."""
    return f"{count} {agree(count, singular, plural_form)}"


def week_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    monday = today - datetime.timedelta(days=today.weekday())
    return monday, monday + datetime.timedelta(days=6)


def waiting_since(today: datetime.date) -> datetime.date:
    """Sent on or before this day: waiting for more than 3 weeks."""
    return today - datetime.timedelta(days=WAITING_AFTER_DAYS)


# --- Employer ---------------------------------------------------------------------------


def employer_counters(
    company, *, today: datetime.date | None = None, user=None, extras: dict | None = None
) -> list[Counter]:
    """Applications (1 query, with the threads `user` has not read), job descriptions (1),
    and for an SIAE its PASS IAE and prolongation requests (1).

    With `user` and `extras`, `extras["unread_threads"]` is set in the same query: the
    messages card reads it instead of counting again (applications/templatetags/exchanges_tags.py)."""
    today = today or timezone.localdate()
    monday, sunday = week_bounds(today)
    since = waiting_since(today)
    is_geiq = company.kind == CompanyKind.GEIQ
    applications = JobApplication.objects.filter(to_company=company, archived_at__isnull=True)
    extra = {}
    if user is not None:
        applications = with_unread(applications.order_by(), user, ViewerRole.EMPLOYER)
        extra["unread_threads"] = Count("pk", filter=Q(unread_messages__gt=0))
    figures = applications.aggregate(
        **extra,
        to_process=Count("pk", filter=Q(state__in=TO_PROCESS)),
        waiting=Count("pk", filter=Q(state__in=TO_PROCESS, created_at__date__lte=since)),
        hires_this_week=Count(
            "pk", filter=Q(state=State.ACCEPTED, hiring_start_at__gte=monday, hiring_start_at__lte=sunday)
        ),
        prior_to_hire=Count("pk", filter=Q(state=State.PRIOR_TO_HIRE)),
    )
    if extras is not None and "unread_threads" in figures:
        extras["unread_threads"] = figures["unread_threads"]
    inbox = "applications:company_list"
    counters = [
        Counter(
            "candidature à traiter" if figures["to_process"] <= 1 else "candidatures à traiter",
            figures["to_process"],
            _url(inbox, states=list(TO_PROCESS)),
            "Nouvelles, à l'étude ou en attente."
            if figures["to_process"]
            else "Aucune candidature à traiter. Vérifiez que vos fiches de poste sont ouvertes.",
            urgent=True,
        ),
        Counter(
            "en attente depuis plus de 3 semaines",
            figures["waiting"],
            _url(inbox, states=list(TO_PROCESS), end_date=since.isoformat()),
            "Le candidat et le prescripteur attendent votre réponse."
            if figures["waiting"]
            else "Aucune candidature n'attend depuis plus de 3 semaines.",
            urgent=True,
        ),
        Counter(
            "embauche cette semaine" if figures["hires_this_week"] <= 1 else "embauches cette semaine",
            figures["hires_this_week"],
            _url(inbox, states=State.ACCEPTED, hiring_from=monday.isoformat(), hiring_to=sunday.isoformat()),
            f"Contrats qui commencent du {monday:%d/%m} au {sunday:%d/%m}.",
        ),
    ]
    if is_geiq:
        counters.append(
            Counter(
                "action préalable en cours" if figures["prior_to_hire"] <= 1 else "actions préalables en cours",
                figures["prior_to_hire"],
                _url(inbox, states=State.PRIOR_TO_HIRE),
                "PMSMP, POE, AFPR… avant l'embauche.",
            )
        )
    if company.kind in SIAE_KINDS:
        counters += _approval_counters(company, today)
    counters.append(_job_description_counter(company, today))
    return counters


def _approval_counters(company, today) -> list[Counter]:
    company_approvals = Approval.objects.for_company(company).not_cancelled()
    suspension_window = Q(
        suspensions__end_at__gte=today, suspensions__end_at__lte=today + datetime.timedelta(days=SUSPENSION_ENDING_DAYS)
    )
    answered_since = timezone.now() - datetime.timedelta(days=PROLONGATION_ANSWERED_DAYS)
    # One query: the PASS IAE of the company, with their suspensions and this company's
    # prolongation requests joined (each figure counts distinct PASS IAE).
    own_request = Q(prolongation_requests__company=company)
    figures = company_approvals.aggregate(
        expiring=Count("pk", distinct=True, filter=Q(end_at__gte=today, end_at__lt=today + EXPIRES_SOON)),
        suspensions_ending=Count("pk", distinct=True, filter=suspension_window),
        pending=Count(
            "pk",
            distinct=True,
            filter=own_request & Q(prolongation_requests__status=ProlongationRequestStatus.PENDING),
        ),
        answered=Count(
            "pk",
            distinct=True,
            filter=own_request
            & Q(prolongation_requests__status__in=[ProlongationRequestStatus.GRANTED, ProlongationRequestStatus.DENIED])
            & Q(prolongation_requests__processed_at__gte=answered_since),
        ),
    )
    requests = figures
    approvals = "approvals:company_list"
    return [
        Counter(
            agree(figures["expiring"], "PASS IAE prend fin", "PASS IAE prennent fin") + " dans les 3 mois",
            figures["expiring"],
            _url(approvals, expires_soon="on"),
            "Pensez à la prolongation ou à la sortie du parcours." if figures["expiring"] else "",
        ),
        Counter(
            "suspension se termine" if figures["suspensions_ending"] <= 1 else "suspensions se terminent",
            figures["suspensions_ending"],
            _url(approvals, suspension_ends_soon="on"),
            f"Dans les {SUSPENSION_ENDING_DAYS} jours : le salarié reprend son parcours.",
        ),
        Counter(
            "demande de prolongation en attente" if requests["pending"] <= 1 else "demandes de prolongation en attente",
            requests["pending"],
            _url(approvals, prolongation="pending"),
            "Le prescripteur habilité n'a pas encore répondu.",
        ),
        Counter(
            "demande de prolongation répondue" if requests["answered"] <= 1 else "demandes de prolongation répondues",
            requests["answered"],
            _url(approvals, prolongation="answered"),
            f"Réponses des {PROLONGATION_ANSWERED_DAYS} derniers jours.",
        ),
    ]


def quiet_job_descriptions_filter(today: datetime.date) -> Q:
    """Open, published for more than 30 days, and no application in the last 30 days."""
    since = today - datetime.timedelta(days=QUIET_JOB_DESCRIPTION_DAYS)
    recent_application = JobApplication.selected_jobs.through.objects.filter(
        jobdescription_id=OuterRef("pk"), jobapplication__created_at__date__gt=since
    )
    return Q(is_open=True, created_at__date__lte=since) & ~Q(Exists(recent_application))


def _job_description_counter(company, today) -> Counter:
    figures = JobDescription.objects.filter(company=company).aggregate(
        open=Count("pk", filter=Q(is_open=True)),
        quiet=Count("pk", filter=quiet_job_descriptions_filter(today)),
    )
    if not figures["open"]:
        return Counter(
            "fiche de poste ouverte",
            0,
            reverse("companies:job_description_create"),
            "Publiez une fiche de poste : les candidats et les prescripteurs vous trouveront.",
            urgent=True,
        )
    return Counter(
        ("fiche de poste ouverte" if figures["quiet"] <= 1 else "fiches de poste ouvertes")
        + f" sans candidature depuis {QUIET_JOB_DESCRIPTION_DAYS} jours",
        figures["quiet"],
        _url("companies:job_description_list", sans_candidature="on"),
        f"Sur {plural(figures['open'], 'fiche ouverte', 'fiches ouvertes')}. Précisez-les ou fermez-les."
        if figures["quiet"]
        else f"{plural(figures['open'], 'fiche ouverte', 'fiches ouvertes')}, toutes avec des candidatures récentes.",
    )


# --- Prescriber -------------------------------------------------------------------------


def prescriber_counters(organization, *, today: datetime.date | None = None) -> list[Counter]:
    """Sent applications (1 query); for an authorized organization, prolongation requests
    (1) and diagnoses about to expire (1)."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    figures = JobApplication.objects.filter(sender_prescriber_organization=organization).aggregate(
        pending=Count("pk", filter=Q(state__in=PENDING_STATES)),
        accepted=Count("pk", filter=Q(state=State.ACCEPTED, processed_at__date__gte=month_start)),
        refused=Count("pk", filter=Q(state=State.REFUSED, processed_at__date__gte=month_start)),
    )
    sent = "applications:prescriber_list"
    month = f"depuis le {month_start:%d/%m}"
    counters = [
        Counter(
            agree(figures["pending"], "candidature") + " en attente de réponse",
            figures["pending"],
            _url(sent, states=sorted(PENDING_STATES)),
            "Les employeurs étudient ces candidatures."
            if figures["pending"]
            else "Aucune candidature en attente. Postulez pour une personne que vous accompagnez.",
        ),
        Counter(
            ("acceptée" if figures["accepted"] <= 1 else "acceptées") + " ce mois-ci",
            figures["accepted"],
            _url(sent, states=State.ACCEPTED, processed_from=month_start.isoformat()),
            f"Embauches {month}.",
        ),
        Counter(
            ("déclinée" if figures["refused"] <= 1 else "déclinées") + " ce mois-ci",
            figures["refused"],
            _url(sent, states=State.REFUSED, processed_from=month_start.isoformat()),
            f"Refus {month} : le motif est sur chaque candidature.",
        ),
    ]
    if organization.is_authorized:
        pending = ProlongationRequest.objects.filter(
            prescriber_organization=organization, status=ProlongationRequestStatus.PENDING
        ).count()
        counters.append(
            Counter(
                "demande de prolongation à traiter" if pending <= 1 else "demandes de prolongation à traiter",
                pending,
                _url("approvals:prescriber_requests"),
                "Les employeurs attendent votre décision." if pending else "Aucune demande en attente.",
                urgent=True,
            )
        )
        expiring = expiring_diagnoses(organization, today=today).count()
        counters.append(
            Counter(
                ("diagnostic expire" if expiring <= 1 else "diagnostics expirent")
                + f" dans les {DIAGNOSIS_EXPIRING_DAYS} jours",
                expiring,
                _url("eligibility:prescriber_diagnoses", expire_bientot="on"),
                "Renouvelez-les si la personne cherche encore un parcours IAE." if expiring else "",
            )
        )
    return counters


def latest_diagnoses(organization):
    """The diagnoses made by `organization`, only the newest one per job seeker (a newer
    diagnosis, by anyone authorized, replaces it)."""
    newer = EligibilityDiagnosis.objects.filter(
        job_seeker_id=OuterRef("job_seeker_id"), author_kind="prescriber", created_at__gt=OuterRef("created_at")
    )
    return EligibilityDiagnosis.objects.filter(author_prescriber_organization=organization).exclude(Exists(newer))


def expiring_diagnoses(organization, *, today: datetime.date):
    return latest_diagnoses(organization).filter(
        expires_at__gte=today, expires_at__lte=today + datetime.timedelta(days=DIAGNOSIS_EXPIRING_DAYS)
    )


# --- Job seeker -------------------------------------------------------------------------


def job_seeker_counters(job_seeker) -> list[Counter]:
    """Their applications by state (1 GROUP BY query)."""
    rows = dict(
        JobApplication.objects.filter(job_seeker=job_seeker)
        .order_by()
        .values("state")
        .annotate(count=Count("pk"))
        .values_list("state", "count")
    )
    url = reverse("applications:job_seeker_list")
    pending = sum(rows.get(state, 0) for state in PENDING_STATES)
    accepted = rows.get(State.ACCEPTED, 0)
    refused = rows.get(State.REFUSED, 0)
    return [
        Counter(
            agree(pending, "candidature") + " en cours",
            pending,
            url,
            "Les employeurs étudient vos candidatures."
            if pending
            else "Aucune candidature en cours : cherchez un employeur solidaire près de chez vous.",
        ),
        Counter(agree(accepted, "candidature acceptée", "candidatures acceptées"), accepted, url),
        Counter(agree(refused, "candidature déclinée", "candidatures déclinées"), refused, url),
    ]


# --- Institution ------------------------------------------------------------------------


def territory_of(institution) -> tuple[str, Q]:
    """The name of the institution's territory and the filter on a company's commune."""
    if institution.kind in DEPARTMENTAL_KINDS:
        return str(institution.department), Q(commune__department_id=institution.department_id)
    if institution.kind in REGIONAL_KINDS:
        return str(institution.region), Q(commune__department__region_id=institution.region_id)
    return "France entière", Q()


def institution_counters(institution, *, today: datetime.date | None = None) -> tuple[str, list[Counter]]:
    """Four headline figures of the territory, four COUNT queries on indexed columns."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    month_start_at = timezone.make_aware(datetime.datetime.combine(month_start, datetime.time.min))
    territory, company_filter = territory_of(institution)
    companies = Company.objects.filter(company_filter)
    siae = companies.siae().active(today=today).count()
    applications = JobApplication.objects.all()
    hires = ApprovalHire.objects.filter(cancelled_at__isnull=True)
    if company_filter:
        applications = applications.filter(to_company__in=companies.values("pk"))
        hires = hires.filter(company__in=companies.values("pk"))
    # Index (created_at); hires: partial index on accepted applications' start date.
    sent = applications.filter(created_at__gte=month_start_at).count()
    hired = applications.filter(
        state=State.ACCEPTED, hiring_start_at__gte=month_start, hiring_start_at__lte=today
    ).count()
    running = Approval.objects.filter(
        cancelled_at__isnull=True, start_at__lte=today, end_at__gte=today, pk__in=hires.values("approval_id")
    ).count()
    month = f"Depuis le {month_start:%d/%m/%Y}."
    return territory, [
        Counter(agree(siae, "SIAE en activité", "SIAE en activité"), siae, hint="Conventionnées ou en délai de grâce."),
        Counter(agree(sent, "candidature envoyée", "candidatures envoyées"), sent, hint=month),
        Counter(agree(hired, "embauche", "embauches"), hired, hint=f"Contrats commencés. {month}"),
        Counter(agree(running, "PASS IAE en cours", "PASS IAE en cours"), running, hint="Valides aujourd'hui."),
    ]
