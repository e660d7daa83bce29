from django import template

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
