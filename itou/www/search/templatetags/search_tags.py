import html

from django import template
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe

from itou.companies.enums import CompanyKind, ContractType
from itou.utils.memo import ProcessMemo
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
_fields = ProcessMemo(max_entries=2000)


@register.simple_tag
def field_group(field, template: str = "") -> str:
    """`field.as_field_group` (or `template` rendered with `field`), memoized in the
    process (itou.utils.memo): the markup of a search field is a pure function of its form,
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
    key = repr(signature)
    markup = _fields.get(key)
    if markup is None:
        markup = str(field.as_field_group()) if not template else render_to_string(template, {"field": field})
        _fields.set(key, markup)
    return mark_safe(markup)  # noqa: S308 (Django's own rendering, escaped by its templates)


# --- Result cards ----------------------------------------------------------------------
# A results page shows 20 cards. Rendered by the template language, a card cost about
# 0.35 ms (some thirty variable lookups and filters each): a third of the Python time of
# an uncached search. The same markup is built here in one pass (docs/performance.md,
# "Débit : le rendu en Python des cartes"), every value through `_e` (html.escape, what
# Django's escape does: the same text as format_html, without its per-call overhead).


def _e(value) -> str:
    return html.escape(str(value))


def _plural(count) -> str:
    return "" if count == 1 else "s"


def _card(detail_url, title, body: str) -> str:
    if detail_url:
        enlarge, heading = " fr-enlarge-link", f'<a href="{_e(detail_url)}">{_e(title)}</a>'
    else:
        enlarge, heading = "", _e(title)
    return (
        f'<li class="fr-mb-3w"><div class="fr-card fr-card--sm{enlarge}"><div class="fr-card__body">'
        f'<div class="fr-card__content"><h3 class="fr-card__title">{heading}</h3>{body}</div></div></div></li>'
    )


_HIRING_BADGE = '<li><p class="fr-badge fr-badge--sm fr-badge--success fr-badge--no-icon">Recrute en ce moment</p></li>'
_KIND_DESCRIPTIONS_HTML = {kind: _e(text) for kind, text in KIND_DESCRIPTIONS.items()}


@register.simple_tag
def employer_cards(companies) -> str:
    """The cards of a page of employer search results (EmployerRow, or `companies_results(…,
    commune_columns=True)` rows)."""
    cards = []
    for company in companies:
        place = f"{_e(company.commune_name)} ({_e(company.commune_department)}), " if company.commune_name else ""
        count = company.open_job_descriptions_count
        if count:
            jobs = f"{count} fiche{_plural(count)} de poste ouverte{_plural(count)}"
        else:
            jobs = "Aucune fiche de poste ouverte"
        if company.spontaneous_applications_open_since:
            jobs += " · candidatures spontanées acceptées"
        body = (
            f'<p class="fr-card__desc"><strong>{_e(company.get_kind_display())}</strong> : '
            f"{_KIND_DESCRIPTIONS_HTML.get(company.kind, '')}</p>"
            f'<div class="fr-card__start"><ul class="fr-badges-group">{_HIRING_BADGE if company.hiring_now else ""}'
            "</ul></div>"
            f'<div class="fr-card__end"><p class="fr-card__detail fr-icon-map-pin-2-line">{place}'
            f"{_e(distance_label(company.distance))}</p>"
            f'<p class="fr-card__detail">{_e(jobs)}</p></div>'
        )
        cards.append(_card(getattr(company, "detail_url", ""), company.display_name, body))
    return mark_safe("".join(cards))  # noqa: S308 (every value escaped by _e)


def _updated_on(moment) -> str:
    """'7 décembre 2026' (local date), memoized by date: 20 dates formatted per page."""
    day = timezone.localtime(moment).date()
    text = _UPDATED_ON.get(day)
    if text is None:
        text = _UPDATED_ON[day] = dateformat.format(day, "j F Y")
        if len(_UPDATED_ON) > 5000:
            _UPDATED_ON.clear()
    return text


_UPDATED_ON: dict = {}
# What get_kind_display / get_contract_type_display give (the value itself when unknown),
# without their per-call normalization of the choices.
_KIND_LABELS = dict(CompanyKind.choices)
_CONTRACT_LABELS = dict(ContractType.choices)


@register.simple_tag
def job_description_cards(jobs) -> str:
    """The cards of a page of job description search results (`job_description_details` rows)."""
    cards = []
    for job in jobs:
        company = job.company
        hours = (
            f'<li><p class="fr-badge fr-badge--sm fr-badge--no-icon">{_e(job.hours_per_week)} h par semaine</p></li>'
            if job.hours_per_week
            else ""
        )
        if job.location:
            place = f"{_e(job.location.name)} ({_e(job.location.department_id)}), "
        elif company.commune:
            place = f"{_e(company.commune.name)} ({_e(company.commune.department_id)}), "
        else:
            place = ""
        positions = job.open_positions
        body = (
            f'<p class="fr-card__desc">{_e(company.display_name)} — {_e(_KIND_LABELS.get(company.kind, company.kind))}</p>'
            '<div class="fr-card__start"><ul class="fr-badges-group">'
            '<li><p class="fr-badge fr-badge--sm fr-badge--info fr-badge--no-icon">'
            f"{_e(_CONTRACT_LABELS.get(job.contract_type, job.contract_type))}</p></li>{hours}</ul></div>"
            f'<div class="fr-card__end"><p class="fr-card__detail fr-icon-map-pin-2-line">{place}'
            f"{_e(distance_label(job.distance))}</p>"
            f'<p class="fr-card__detail">{_e(positions)} poste{_plural(positions)} ouvert{_plural(positions)}'
            f" · mise à jour le {_e(_updated_on(job.updated_at))}</p></div>"
        )
        cards.append(_card(getattr(job, "detail_url", ""), job.display_name, body))
    return mark_safe("".join(cards))  # noqa: S308 (every value escaped by _e)


# --- Pagination and department filter ------------------------------------------------------
# Built in Python like the cards: as templates, their loops (a dozen links, a dozen
# departments, each with several conditions and localized numbers) cost more than the cards.

_DISABLED_LINKS = {
    "first": '<a class="fr-pagination__link fr-pagination__link--first" aria-disabled="true" role="link">Première page</a>',
    "prev": '<a class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" aria-disabled="true"'
    ' role="link">Page précédente</a>',
    "next": '<a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" aria-disabled="true"'
    ' role="link">Page suivante</a>',
    "last": '<a class="fr-pagination__link fr-pagination__link--last" aria-disabled="true" role="link">Dernière page</a>',
}


@register.simple_tag
def search_pagination(page, page_range, query: str, path: str) -> str:
    """DSFR pagination of a search: `page_range` elided, `query` the canonical GET parameters
    without `page`. With htmx the links load the results fragment only."""
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return ""
    base = _e(f"{path}?{query}")

    def href(number: int) -> str:
        return base if number == 1 else f"{base}&amp;page={number}"

    if page.has_previous():
        first = f'<a class="fr-pagination__link fr-pagination__link--first" href="{base}">Première page</a>'
        previous = (
            '<a class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label"'
            f' href="{href(page.number - 1)}">Page précédente</a>'
        )
    else:
        first, previous = _DISABLED_LINKS["first"], _DISABLED_LINKS["prev"]
    items = [first, previous]
    for number in page_range:
        if number == paginator.ELLIPSIS:
            items.append(f'<span class="fr-pagination__link fr-hidden fr-unhidden-lg">{_e(number)}</span>')
        elif number == page.number:
            items.append(f'<a class="fr-pagination__link" aria-current="page" title="Page {number}">{number}</a>')
        else:
            items.append(f'<a class="fr-pagination__link" href="{href(number)}" title="Page {number}">{number}</a>')
    if page.has_next():
        items.append(
            '<a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label"'
            f' href="{base}&amp;page={page.number + 1}">Page suivante</a>'
        )
        items.append(
            '<a class="fr-pagination__link fr-pagination__link--last"'
            f' href="{base}&amp;page={paginator.num_pages}">Dernière page</a>'
        )
    else:
        items += [_DISABLED_LINKS["next"], _DISABLED_LINKS["last"]]
    links = "".join(f"<li>{item}</li>" for item in items)
    return mark_safe(  # noqa: S308 (every value escaped by _e or an integer)
        '<nav role="navigation" class="fr-pagination fr-mt-4w" aria-label="Pagination des résultats"'
        ' hx-boost="true" hx-target="#search-results" hx-swap="outerHTML" data-search-focus-results>'
        f'<ul class="fr-pagination__list">{links}</ul></nav>'
    )


@register.simple_tag
def department_filter(department_choices, oob: bool = False) -> str:
    """The department filter: only the departments that the radius reaches, with their number
    of results. Re-rendered out of band (oob) with the results of an htmx search."""
    boxes = "".join(
        '<div class="fr-fieldset__element"><div class="fr-checkbox-group">'
        f'<input type="checkbox" name="departments" value="{_e(d["code"])}" id="id_departments_{_e(d["code"])}"'
        f"{' checked' if d['checked'] else ''}>"
        f'<label class="fr-label" for="id_departments_{_e(d["code"])}">{_e(d["label"])} · {_e(d["count"])}</label>'
        "</div></div>"
        for d in department_choices
    )
    fieldset = (
        '<fieldset class="fr-fieldset" id="search-departments-fieldset">'
        '<legend class="fr-fieldset__legend fr-text--regular">Département'
        ' <span class="fr-hint-text">Les départements dans le rayon choisi, avec leur nombre d\'employeurs.</span>'
        f"</legend>{boxes}</fieldset>"
        if department_choices
        else ""
    )
    swap = ' hx-swap-oob="true"' if oob else ""
    return mark_safe(f'<div id="search-departments"{swap}>{fieldset}</div>')  # noqa: S308 (escaped by _e)
