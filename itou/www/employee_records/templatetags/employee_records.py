from django import template

from itou.employee_records import services

register = template.Library()


@register.inclusion_tag("employee_records/includes/dashboard_card.html")
def employee_records_card(company):
    """The dashboard card: "3 fiches à compléter", "1 fiche rejetée" (nothing without a convention)."""
    return dashboard_card_context(company)


def dashboard_card_context(company) -> dict:
    if not services.has_convention(company):
        return {"show": False}
    counters = services.counters(company)
    to_complete = counters["new"] + counters["to_create"]
    rejected = counters["rejected"]
    plural = lambda n: "s" if n > 1 else ""  # noqa: E731
    return {
        "show": True,
        "to_complete": to_complete,
        "rejected": rejected,
        "to_complete_label": f"{to_complete} fiche{plural(to_complete)} à compléter",
        "rejected_label": f"{rejected} fiche{plural(rejected)} rejetée{plural(rejected)}",
    }
