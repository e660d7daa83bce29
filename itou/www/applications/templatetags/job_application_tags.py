from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
    """The selected jobs' names, or « Candidature spontanée » (the `selected_job_names`
    annotation of itou/job_applications/queries.py, else prefetched selected_jobs)."""
    names = getattr(job_application, "selected_job_names", None)
    if names is None:
        names = [job.display_name for job in job_application.selected_jobs.all()]
    if not names:
        return "Candidature spontanée"
    return ", ".join(names)


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


@register.simple_tag
def company_application_cards(job_applications) -> str:
    """The cards of the employer's received applications (applications/company_list.html):
    built in one pass (a card rendered by the template language cost ~0.5 ms: some forty
    lookups, filters and a `{% url %}` each; docs/performance.md). The detail URL is
    reversed once and the identifier put in its place."""
    marker = "00000000-0000-4000-8000-000000000000"
    before, after = reverse("applications:detail", args=[marker]).split(marker)
    cards = []
    for job_application in job_applications:
        pk = job_application.pk
        name = job_application.job_seeker.get_full_name()
        status = display.professional_status(job_application)
        created = dateformat.format(timezone.localtime(job_application.created_at), "j F Y")
        cards.append(
            format_html(
                '<li class="fr-mb-2w"><div class="fr-card fr-card--sm fr-card--no-arrow"><div class="fr-card__body">'
                '<div class="fr-card__content"><h3 class="fr-card__title"><a href="{}{}{}">{}</a></h3>'
                '<div class="fr-card__desc">{}<p class="fr-mb-1v">Envoyée le {} par {}</p>'
                '<p class="fr-mb-0">{}</p></div><div class="fr-card__start">{}</div>'
                '<div class="fr-card__end"><div class="fr-checkbox-group fr-checkbox-group--sm itou-checkbox-only">'
                '<input type="checkbox" id="select-{}" name="ids" value="{}">'
                '<label class="fr-label" for="select-{}"><span class="fr-sr-only">Cocher la candidature {}</span></label>'
                "</div></div></div></div></div></li>",
                before,
                pk,
                after,
                name,
                format_html('<p class="fr-mb-1v">{}</p>', status) if status else "",
                created,
                display.sender_label(job_application),
                application_jobs(job_application),
                application_badges(job_application),
                pk,
                pk,
                pk,
                display.de(str(name)),
            )
        )
    return mark_safe("".join(cards))  # noqa: S308 (each card built by format_html)
