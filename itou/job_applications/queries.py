"""Named reads of applications, scoped to who is asking (lists, detail, CV, daily jobs)."""

from django.db.models import Count, Prefetch, Q
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


def company_inbox(company, *, archived: bool = False):
    """Applications received by `company`, archived or not, with what a list row shows.

    Rows come with their job seeker, sender and sender's organization (joins) and their
    selected job descriptions (one prefetch query per page): a constant number of queries.
    Uses the index (to_company, -created_at) / (to_company, state, -created_at).
    """
    queryset = JobApplication.objects.for_company(company)
    queryset = queryset.filter(archived_at__isnull=not archived)
    return queryset.select_related(
        "job_seeker", "sender", "sender_prescriber_organization", "sender_company"
    ).prefetch_related(_selected_jobs_prefetch())


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
    """How many applications of `queryset` are in each state: one GROUP BY query."""
    rows = queryset.order_by().values("state").annotate(count=Count("pk")).values_list("state", "count")
    return dict(rows)


def filter_by_job_seeker_name(queryset, text: str):
    """Every word of `text` in the job seeker's first or last name (case-insensitive)."""
    for word in text.split():
        queryset = queryset.filter(Q(job_seeker__first_name__icontains=word) | Q(job_seeker__last_name__icontains=word))
    return queryset
