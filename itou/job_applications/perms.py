"""Who may see and act on an application (used by services, views and templates alike).

- The receiving employer's active members process it (every transition, internal comments).
- Everyone involved sees it: the job seeker, the sender, the active members of the
  sender's organization (prescriber organization or employer) and of the receiving employer.
- Nobody else: views answer 404 (a 403 would tell that the application exists).
"""

from itou.companies.models import CompanyMembership
from itou.prescribers.models import PrescriberMembership


class ViewerRole:
    """How someone involved sees an application (what the timeline shows them)."""

    EMPLOYER = "employer"  # a member of the receiving employer
    SENDER = "sender"  # the sender, or a member of the sender's organization
    JOB_SEEKER = "job_seeker"


def active_company_ids(user) -> set[int]:
    if not (user.is_authenticated and user.is_professional):
        return set()
    return set(CompanyMembership.objects.filter(user=user, is_active=True).values_list("company_id", flat=True))


def active_prescriber_organization_ids(user) -> set[int]:
    if not (user.is_authenticated and user.is_professional):
        return set()
    return set(PrescriberMembership.objects.filter(user=user, is_active=True).values_list("organization_id", flat=True))


def is_company_member(user, company_id: int) -> bool:
    """An active member of this employer (one query)."""
    return (
        user.is_authenticated
        and user.is_professional
        and CompanyMembership.objects.filter(user=user, company_id=company_id, is_active=True).exists()
    )


def can_process(user, job_application) -> bool:
    """Fire transitions, archive, comment: the receiving employer's active members."""
    return is_company_member(user, job_application.to_company_id)


def can_transfer_to(user, company) -> bool:
    """A transfer goes to another usable employer of which the user is also an active member."""
    return company.is_active and is_company_member(user, company.pk)


def viewer_role(user, job_application, *, company_ids=None, prescriber_organization_ids=None) -> str | None:
    """The role under which `user` sees the application, or None when they are not involved.

    Pass the user's active company and prescriber organization ids when already known
    (the current organization middleware loads them): no query then.
    """
    if not user.is_authenticated:
        return None
    if user.is_job_seeker:
        return ViewerRole.JOB_SEEKER if job_application.job_seeker_id == user.pk else None
    if not user.is_professional:
        return None
    if company_ids is None:
        company_ids = active_company_ids(user)
    if job_application.to_company_id in company_ids:
        return ViewerRole.EMPLOYER
    if job_application.sender_id == user.pk:
        return ViewerRole.SENDER
    if job_application.sender_company_id and job_application.sender_company_id in company_ids:
        return ViewerRole.SENDER
    if job_application.sender_prescriber_organization_id:
        if prescriber_organization_ids is None:
            prescriber_organization_ids = active_prescriber_organization_ids(user)
        if job_application.sender_prescriber_organization_id in prescriber_organization_ids:
            return ViewerRole.SENDER
    return None


def can_view(user, job_application) -> bool:
    return viewer_role(user, job_application) is not None


def can_download_resume(user, job_application) -> bool:
    """The CV is personal data: only those involved (DOMAIN.md, Personal data)."""
    return can_view(user, job_application)


def can_read_internal_comments(user, job_application) -> bool:
    return can_process(user, job_application)
