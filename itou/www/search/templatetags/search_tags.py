import hashlib

from django import template
from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from itou.www.search.forms import KIND_DESCRIPTIONS, PRESCRIBER_KIND_DESCRIPTIONS

register = template.Library()


@register.filter
def distance_label(distance_km) -> str:
    """'à 3,2 km', 'à 12 km', 'à moins de 100 m' (French decimal comma)."""
    if distance_km is None:
        return ""
    if distance_km < 0.1:
        return "à moins de 100 m"
    if distance_km >= 10:
        return f"à {round(distance_km)} km"
    value = f"{distance_km:.1f}".replace(".", ",").removesuffix(",0")
    return f"à {value} km"


@register.filter
def company_kind_description(kind: str) -> str:
    return KIND_DESCRIPTIONS.get(kind, "")


@register.filter
def prescriber_kind_description(kind: str) -> str:
    return PRESCRIBER_KIND_DESCRIPTIONS.get(kind, "")


# Rendered form fields, by what they depend on (see field_group): a few hundred combinations.
FIELD_CACHE_SECONDS = 600


@register.simple_tag
def field_group(field, template: str = "") -> str:
    """`field.as_field_group` (or `template` rendered with `field`), memoized in the
    process's `pages` cache: the markup of a search field is a pure function of its form,
    name, value, errors and choices, and rendering its widget templates costs more than
    the rest of a results page (docs/performance.md)."""
    choices = getattr(field.field, "choices", None)
    signature = (
        type(field.form).__module__,
        type(field.form).__name__,
        field.html_name,
        field.auto_id,
        template,
        field.value(),
        list(field.errors),
        choices,
    )
    key = "field:" + hashlib.sha256(repr(signature).encode()).hexdigest()
    cache = caches["pages"]
    html = cache.get(key)
    if html is None:
        html = str(field.as_field_group()) if not template else render_to_string(template, {"field": field})
        cache.set(key, html, FIELD_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 (Django's own rendering, escaped by its templates)


# --- Result cards ----------------------------------------------------------------------
# A results page shows 20 cards. Rendered by the template language, a card cost about
# 0.35 ms (some thirty variable lookups and filters each): a third of the Python time of
# an uncached search. The same markup is built here in one pass (docs/performance.md,
# "Débit : le rendu en Python des cartes"). Every value goes through format_html's escaping.


def _plural(count) -> str:
    return "" if count == 1 else "s"


def _card(detail_url, title, body) -> str:
    enlarge = " fr-enlarge-link" if detail_url else ""
    heading = format_html('<a href="{}">{}</a>', detail_url, title) if detail_url else conditional_escape(title)
    return format_html(
        '<li class="fr-mb-3w"><div class="fr-card fr-card--sm{}"><div class="fr-card__body">'
        '<div class="fr-card__content"><h3 class="fr-card__title">{}</h3>{}</div></div></div></li>',
        enlarge,
        heading,
        body,
    )


@register.simple_tag
def employer_cards(companies) -> str:
    """The cards of a page of employer search results (`companies_results(…, commune_columns=True)` rows)."""
    cards = []
    for company in companies:
        badge = (
            mark_safe(
                '<li><p class="fr-badge fr-badge--sm fr-badge--success fr-badge--no-icon">Recrute en ce moment</p></li>'
            )
            if company.hiring_now
            else ""
        )
        place = (
            format_html("{} ({}), ", company.commune_name, company.commune_department) if company.commune_name else ""
        )
        count = company.open_job_descriptions_count
        if count:
            jobs = f"{count} fiche{_plural(count)} de poste ouverte{_plural(count)}"
        else:
            jobs = "Aucune fiche de poste ouverte"
        if company.spontaneous_applications_open_since:
            jobs += " · candidatures spontanées acceptées"
        body = format_html(
            '<p class="fr-card__desc"><strong>{}</strong> : {}</p>'
            '<div class="fr-card__start"><ul class="fr-badges-group">{}</ul></div>'
            '<div class="fr-card__end"><p class="fr-card__detail fr-icon-map-pin-2-line">{}{}</p>'
            '<p class="fr-card__detail">{}</p></div>',
            company.get_kind_display(),
            KIND_DESCRIPTIONS.get(company.kind, ""),
            badge,
            place,
            distance_label(company.distance),
            jobs,
        )
        cards.append(_card(getattr(company, "detail_url", ""), company.display_name, body))
    return mark_safe("".join(cards))  # noqa: S308 (each card built by format_html)


@register.simple_tag
def job_description_cards(jobs) -> str:
    """The cards of a page of job description search results (`job_description_details` rows)."""
    cards = []
    for job in jobs:
        company = job.company
        hours = (
            format_html(
                '<li><p class="fr-badge fr-badge--sm fr-badge--no-icon">{} h par semaine</p></li>', job.hours_per_week
            )
            if job.hours_per_week
            else ""
        )
        if job.location:
            place = format_html("{} ({}), ", job.location.name, job.location.department_id)
        elif company.commune:
            place = format_html("{} ({}), ", company.commune.name, company.commune.department_id)
        else:
            place = ""
        positions = job.open_positions
        updated = dateformat.format(timezone.localtime(job.updated_at), "j F Y")
        body = format_html(
            '<p class="fr-card__desc">{} — {}</p>'
            '<div class="fr-card__start"><ul class="fr-badges-group">'
            '<li><p class="fr-badge fr-badge--sm fr-badge--info fr-badge--no-icon">{}</p></li>{}</ul></div>'
            '<div class="fr-card__end"><p class="fr-card__detail fr-icon-map-pin-2-line">{}{}</p>'
            '<p class="fr-card__detail">{} poste{} ouvert{} · mise à jour le {}</p></div>',
            company.display_name,
            company.get_kind_display(),
            job.get_contract_type_display(),
            hours,
            place,
            distance_label(job.distance),
            positions,
            _plural(positions),
            _plural(positions),
            updated,
        )
        cards.append(_card(getattr(job, "detail_url", ""), job.display_name, body))
    return mark_safe("".join(cards))  # noqa: S308 (each card built by format_html)
