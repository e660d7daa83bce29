from django import template

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """ "0478701234" -> "04 78 70 12 34"; other numbers as stored."""
    value = value or ""
    if len(value) == 10 and value.isdigit():
        return " ".join(value[i : i + 2] for i in range(0, 10, 2))
    return value


@register.filter
def tel_href(value: str) -> str:
    """The tel: link of a stored number: "0478701234" -> "tel:+33478701234"."""
    value = value or ""
    if len(value) == 10 and value.startswith("0") and value.isdigit():
        return "tel:+33" + value[1:]
    return "tel:" + value


@register.filter
def siret(value: str) -> str:
    """ "81245730100012" -> "812 457 301 00012" (SIREN in groups of three, then the establishment number)."""
    value = value or ""
    if len(value) == 14:
        return f"{value[:3]} {value[3:6]} {value[6:9]} {value[9:]}"
    return value
