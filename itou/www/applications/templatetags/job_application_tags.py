from django import template

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
