from django import template
from django.utils.html import format_html

from itou.www.applications import display

register = template.Library()


@register.filter
def state_badge_class(job_application) -> str:
    return display.STATE_BADGE_CLASSES.get(job_application.state, "")


@register.filter
def job_seeker_status(job_application) -> str:
    return display.job_seeker_status(job_application)


@register.filter
def professional_status(job_application) -> str:
    return display.professional_status(job_application)


@register.filter
def sender_label(job_application) -> str:
    return display.sender_label(job_application)


@register.filter
def de(name) -> str:
    """{{ name|de }}: "de Léa MARTIN", "d'Aïcha TRAORÉ"."""
    return display.de(str(name))


# The cards of the application lists: one function call per card rather than three template
# includes (a page of 20 cards rendered 60 templates; docs/performance.md). The same
# markup as applications/includes/jobs.html, state_badge.html and unread_badge.html.


@register.simple_tag
def application_jobs(job_application) -> str:
    """The selected jobs' names, or « Candidature spontanée » (prefetched selected_jobs)."""
    jobs = job_application.selected_jobs.all()
    if not jobs:
        return "Candidature spontanée"
    return ", ".join(job.display_name for job in jobs)


@register.simple_tag
def application_badges(job_application) -> str:
    """The state badge, then the unread messages badge when there are some."""
    html = format_html(
        '<p class="fr-badge fr-badge--sm {}">{}</p>',
        display.STATE_BADGE_CLASSES.get(job_application.state, ""),
        job_application.get_state_display(),
    )
    unread = getattr(job_application, "unread_messages", 0)
    if unread:
        plural = "s" if unread > 1 else ""
        html += format_html(
            '<p class="fr-badge fr-badge--sm fr-badge--new fr-ml-1w">{} message{} non lu{}</p>', unread, plural, plural
        )
    return html
