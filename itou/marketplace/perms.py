"""Who may do what on the marketplace (docs/marche.md, « Qui voit quoi »)."""

from itou.companies.models import CompanyMembership


def is_company_member(user, company) -> bool:
    """An active professional member of the employer (its commercial profile, its needs)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_professional
        and CompanyMembership.objects.active().filter(user=user, company=company).exists()
    )


def buyer_membership(user):
    """The active membership of a buyer (a buyer belongs to one organization), or None."""
    from itou.marketplace.models import BuyerMembership

    if not (user.is_authenticated and user.is_buyer):
        return None
    return (
        BuyerMembership.objects.active()
        .select_related("organization")
        .filter(user=user)
        .order_by("joined_at", "pk")
        .first()
    )
