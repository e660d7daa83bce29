import hashlib

from django import template
from django.core.cache import caches
from django.template.loader import render_to_string
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
    signature = (type(field.form).__name__, field.name, template, field.value(), list(field.errors), choices)
    key = "field:" + hashlib.sha256(repr(signature).encode()).hexdigest()
    cache = caches["pages"]
    html = cache.get(key)
    if html is None:
        html = str(field.as_field_group()) if not template else render_to_string(template, {"field": field})
        cache.set(key, html, FIELD_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 (Django's own rendering, escaped by its templates)
