"""Named reads of applications, scoped to who is asking (lists, detail, CV, daily jobs)."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404

from itou.companies.models import CompanyMembership, JobDescription
from itou.job_applications.models import JobApplication
from itou.prescribers.models import PrescriberMembership


def _selected_jobs_prefetch():
    return Prefetch("selected_jobs", queryset=JobDescription.objects.select_related("appellation"))


def visible_to(user):
    """Every application `user` is involved in, whatever their current organization.

    The job seeker's own; for a professional, those sent by them, and those received or
    sent by an organization where they have an active membership (subqueries, one query,
    no duplicate rows). Nothing for anyone else (staff use the back-office).
    """
    if not user.is_authenticated:
        return JobApplication.objects.none()
    if user.is_job_seeker:
        return JobApplication.objects.filter(job_seeker=user)
    if not user.is_professional:
        return JobApplication.objects.none()
    company_ids = CompanyMembership.objects.filter(user=user, is_active=True).values("company_id")
    organization_ids = PrescriberMembership.objects.filter(user=user, is_active=True).values("organization_id")
    return JobApplication.objects.filter(
        Q(sender=user)
        | Q(to_company_id__in=company_ids)
        | Q(sender_company_id__in=company_ids)
        | Q(sender_prescriber_organization_id__in=organization_ids)
    )


def get_job_application_for_user_or_404(user, pk) -> JobApplication:
    """The application with everything its page shows in one query, or 404 when the user
    is not involved (or the id does not exist: both look the same)."""
    try:
        return (
            visible_to(user)
            .select_related(
                "job_seeker__jobseeker_profile__commune",
                "to_company__commune",
                "sender",
                "sender_company",
                "sender_prescriber_organization",
                "transferred_from",
                "archived_by",
                "eligibility_diagnosis__author",
                "eligibility_diagnosis__author_prescriber_organization",
                "eligibility_diagnosis__author_company",
                "geiq_eligibility_diagnosis__author",
                "geiq_eligibility_diagnosis__author_prescriber_organization",
                "geiq_eligibility_diagnosis__author_company",
            )
            .get(pk=pk)
        )
    except JobApplication.DoesNotExist:
        raise Http404


# What a card of the employer's inbox shows (itou/www/applications/display.py, `InboxRow`,
# and `company_application_cards`), in `InboxRow`'s order: values, not model instances
# (five instances per row, and every column of five tables named, read and converted by
# the ORM, cost more than the rest of the page's reads together).
COMPANY_INBOX_ROW_FIELDS = (
    "pk",
    "state",
    "created_at",
    "refusal_reason",
    "hiring_start_at",
    "hiring_end_at",
    "prior_action_kind",
    "sender_kind",
    "job_seeker__first_name",
    "job_seeker__last_name",
    "sender_id",
    "sender__first_name",
    "sender__last_name",
    "sender_prescriber_organization_id",
    "sender_prescriber_organization__name",
    "sender_company_id",
    "sender_company__name",
    "sender_company__brand",
    "selected_job_names",
    "unread_messages",
)


def selected_job_names():
    """The names of an application's selected jobs, in their display order, as an array
    (`display_name`: the custom title, else the ROME appellation): a subquery of the row,
    instead of a prefetch query and a model instance per job."""
    names = (
        JobDescription.objects.filter(job_applications=OuterRef("pk"))
        .order_by("ui_rank", "pk")
        .values(name=Coalesce(NullIf("custom_title", Value("")), "appellation__name"))
    )
    return ArraySubquery(names)


def company_inbox(company, *, archived: bool = False):
    """Applications received by `company`, archived or not (index (to_company, -created_at)
    / (to_company, state, -created_at)); a page of cards reads them through `inbox_rows`."""
    return JobApplication.objects.for_company(company).filter(archived_at__isnull=not archived)


def inbox_rows(queryset):
    """`COMPANY_INBOX_ROW_FIELDS` of `queryset` (annotated with `unread_messages`, see
    itou/exchanges/queries.py): one query per page, joins for the job seeker, the sender and
    the sender's organization, an array subquery for the selected jobs."""
    return queryset.annotate(selected_job_names=selected_job_names()).values_list(*COMPANY_INBOX_ROW_FIELDS)


def prescriber_organization_sent(organization):
    """Applications sent by the members of a prescriber organization (index on
    (sender_prescriber_organization, -created_at))."""
    return (
        JobApplication.objects.for_prescriber_organization(organization)
        .select_related("job_seeker", "sender", "to_company__commune")
        .prefetch_related(_selected_jobs_prefetch())
    )


def job_seeker_applications(job_seeker):
    return (
        JobApplication.objects.for_job_seeker(job_seeker)
        .select_related("to_company__commune", "sender", "sender_prescriber_organization")
        .prefetch_related(_selected_jobs_prefetch())
    )


def state_counts(queryset) -> dict[str, int]:
    """How many applications of `queryset` are in each state: one GROUP BY query. COUNT(*),
    not COUNT(id): the partial index (to_company, state) of the live inbox then answers
    alone (index-only scan; with COUNT(id), one heap page per application: 1,798 pages and
    1.5 ms for the busiest employer of the France dataset, against 33 pages and 0.3 ms)."""
    rows = queryset.order_by().values("state").annotate(count=Count("*")).values_list("state", "count")
    return dict(rows)


def filter_by_job_seeker_name(queryset, text: str):
    """Every word of `text` in the job seeker's first or last name (case-insensitive)."""
    for word in text.split():
        queryset = queryset.filter(Q(job_seeker__first_name__icontains=word) | Q(job_seeker__last_name__icontains=word))
    return queryset
