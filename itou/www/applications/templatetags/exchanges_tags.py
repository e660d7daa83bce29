from django import template

from itou.exchanges.queries import unread_threads_count
from itou.job_applications import queries
from itou.job_applications.perms import ViewerRole

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_threads(context) -> int:
    """How many applications of the dashboard's scope have unread messages (one query):
    the current employer's live inbox, the current prescriber organization's sent ones, the
    job seeker's own."""
    if context.get("unread_threads") is not None:
        return context["unread_threads"]  # counted with the dashboard's figures
    request = context["request"]
    user, current = request.user, request.current_organization
    if user.is_job_seeker:
        return unread_threads_count(queries.job_seeker_applications(user), user, ViewerRole.JOB_SEEKER)
    if current is None:
        return 0
    if current.role == "employer":
        return unread_threads_count(queries.company_inbox(current.organization), user, ViewerRole.EMPLOYER)
    if current.role == "prescriber":
        return unread_threads_count(queries.prescriber_organization_sent(current.organization), user, ViewerRole.SENDER)
    return 0
