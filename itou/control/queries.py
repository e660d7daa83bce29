"""Which hires are in scope, and querysets limited to what a user may see."""

import datetime

from django.conf import settings
from django.db.models import Case, F, Prefetch, Q, When
from django.db.models.functions import Coalesce, Substr

from itou.control.enums import CONTROLLED_KINDS, SanctionKind
from itou.control.models import ControlledCriterion, ControlledHire, ControlledSiae, Sanction
from itou.eligibility.enums import AuthorKind
from itou.job_applications.enums import JobApplicationState
from itou.job_applications.models import JobApplication


def company_department_expression(prefix: str = "to_company__"):
    """The department code of a company: its commune's, else from its postal code."""
    post_code = F(f"{prefix}post_code")
    return Coalesce(
        F(f"{prefix}commune__department_id"),
        Case(
            When(**{f"{prefix}post_code__startswith": "97"}, then=Substr(post_code, 1, 3)),
            default=Substr(post_code, 1, 2),
        ),
    )


def in_scope_hires(period_start: datetime.date, period_end: datetime.date):
    """The self-prescribed hires of CONTROL.md §1: accepted, with a PASS IAE of the platform
    created by this hire (PASS start = hiring start), a diagnosis made by the hiring SIAE
    itself, hiring start within the period (inclusive), in a controlled SIAE kind."""
    return JobApplication.objects.filter(
        state=JobApplicationState.ACCEPTED,
        hiring_start_at__gte=period_start,
        hiring_start_at__lte=period_end,
        to_company__kind__in=CONTROLLED_KINDS,
        eligibility_diagnosis__author_kind=AuthorKind.EMPLOYER,
        eligibility_diagnosis__author_company=F("to_company"),
        approval_hire__cancelled_at__isnull=True,
        approval_hire__approval__number__startswith=settings.APPROVAL_NUMBER_PREFIX,
        approval_hire__approval__start_at=F("hiring_start_at"),
        approval_hire__approval__cancelled_at__isnull=True,
    )


def with_states_only(siae_queryset):
    """Prefetch only what the computed states read (the hires' criteria): the lists of
    SIAE (the DDETS campaign page, the export). Three queries whatever the size."""
    return siae_queryset.select_related("company").prefetch_related(
        Prefetch(
            "hires",
            queryset=ControlledHire.objects.only("pk", "controlled_siae_id", "fully_certified")
            .order_by()
            .prefetch_related(
                Prefetch(
                    "criteria",
                    queryset=ControlledCriterion.objects.only(
                        "pk", "hire_id", "proof", "submitted_at", "review_state", "reviewed_at", "certified"
                    ).order_by(),
                )
            ),
        )
    )


def with_states(siae_queryset):
    """Prefetch what the computed states read: a constant number of queries per list."""
    return siae_queryset.select_related("campaign__institution", "company").prefetch_related(
        Prefetch(
            "hires",
            queryset=ControlledHire.objects.select_related("job_application__job_seeker").prefetch_related(
                Prefetch("criteria", queryset=ControlledCriterion.objects.select_related("administrative_criteria"))
            ),
        )
    )


def siaes_for_institution(institution):
    return ControlledSiae.objects.filter(campaign__institution=institution)


def siaes_for_company(company):
    return ControlledSiae.objects.filter(company=company)


def criteria_visible_to(request):
    """Criteria whose proof the current organization may read: the controlled SIAE's
    members, the DDETS running the campaign."""
    current = request.current_organization
    if not current:
        return ControlledCriterion.objects.none()
    if current.company:
        return ControlledCriterion.objects.filter(hire__controlled_siae__company=current.company)
    if current.institution:
        return ControlledCriterion.objects.filter(hire__controlled_siae__campaign__institution=current.institution)
    return ControlledCriterion.objects.none()


SUSPENSION_MESSAGE = (
    "Vous ne pouvez pas déclarer d'embauche suite aux mesures prises dans le cadre du contrôle a posteriori."
)


def active_suspension(company, day: datetime.date | None = None):
    """The sanction that withdraws the self-prescription of `company` on `day` (today by
    default), or None: a permanent withdrawal from its start, a temporary one from its
    start to its end, both days included (CONTROL.md §7). One query."""
    from django.utils import timezone

    day = day or timezone.localdate()
    return active_suspensions(day).filter(controlled_siae__company=company).order_by("suspension_start", "pk").first()


def active_suspensions(day: datetime.date):
    """The sanctions that withdraw self-prescription on `day` (both ends included)."""
    return Sanction.objects.filter(suspension_start__lte=day).filter(
        Q(kinds__contains=[SanctionKind.PERMANENT_SUSPENSION])
        | Q(kinds__contains=[SanctionKind.TEMPORARY_SUSPENSION], suspension_end__gte=day)
    )


def suspension_message(sanction) -> str:
    """What the SIAE reads (accept screens, diagnosis, dashboard) during a withdrawal."""
    if SanctionKind.PERMANENT_SUSPENSION in sanction.kinds:
        detail = (
            "Votre capacité d'auto-prescription fait l'objet d'un retrait définitif "
            f"depuis le {sanction.suspension_start:%d/%m/%Y}."
        )
    else:
        detail = (
            "Votre capacité d'auto-prescription fait l'objet d'un retrait temporaire "
            f"depuis le {sanction.suspension_start:%d/%m/%Y} et le sera jusqu'au {sanction.suspension_end:%d/%m/%Y} "
            "inclus."
        )
    return (
        f"{SUSPENSION_MESSAGE} {detail} Une embauche reste possible avec un PASS IAE en cours "
        "ou sur le diagnostic d'un prescripteur habilité."
    )


def self_prescription_blocker(company, day: datetime.date | None = None) -> str:
    """The French message when `company` may not self-prescribe on `day`, else ""."""
    sanction = active_suspension(company, day)
    return suspension_message(sanction) if sanction else ""


def visible_campaigns(queryset=None):
    """Campaigns stay viewable 3 years after closing (CONTROL.md §1)."""
    from django.utils import timezone

    from itou.control.enums import VISIBLE_YEARS
    from itou.control.models import Campaign

    queryset = Campaign.objects.all() if queryset is None else queryset
    limit = timezone.now() - datetime.timedelta(days=365 * VISIBLE_YEARS + 1)
    return queryset.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=limit))
