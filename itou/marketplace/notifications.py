"""The marketplace's emails (itou/notifications/emails.py), sent after commit."""

from django.urls import reverse

from itou.companies.models import CompanyMembership
from itou.marketplace.enums import NeedOutcome
from itou.notifications.emails import Button, send_to_user


def _company_members(company_ids):
    return (
        CompanyMembership.objects.active()
        .filter(company_id__in=company_ids, user__is_active=True)
        .select_related("user", "company")
        .order_by("company_id", "user_id")
    )


def need_published(need, *, company_ids) -> None:
    """Each active member of the employers that want it at once."""
    if not company_ids:
        return
    button = Button("Voir le besoin et répondre", reverse("marketplace:employer_need", args=[need.pk]))
    for membership in _company_members(company_ids):
        send_to_user(
            "marketplace/emails/need_published",
            to_user=membership.user,
            context={"need": need, "company": membership.company},
            button=button,
        )


def digest(company, needs) -> None:
    button = Button("Voir les besoins", reverse("marketplace:employer_needs"))
    for membership in _company_members([company.pk]):
        send_to_user(
            "marketplace/emails/digest",
            to_user=membership.user,
            context={"needs": needs, "company": company},
            button=button,
        )


def need_held(need) -> None:
    send_to_user(
        "marketplace/emails/need_held",
        to_user=need.created_by,
        context={"need": need},
        button=Button("Voir mon besoin", reverse("marketplace:buyer_need", args=[need.pk])),
    )


def need_reviewed(need, *, approved: bool) -> None:
    send_to_user(
        "marketplace/emails/need_reviewed",
        to_user=need.created_by,
        context={"need": need, "approved": approved},
        button=Button("Voir mon besoin", reverse("marketplace:buyer_need", args=[need.pk])),
    )


def need_answered(recipient) -> None:
    need = recipient.need
    send_to_user(
        "marketplace/emails/need_answered",
        to_user=need.created_by,
        context={"need": need, "company": recipient.company, "recipient": recipient},
        button=Button("Voir les réponses", reverse("marketplace:buyer_need", args=[need.pk])),
    )


def need_closed(need) -> None:
    """The winner is told it won."""
    if need.outcome != NeedOutcome.WON or need.winner_id is None:
        return
    button = Button("Voir le besoin", reverse("marketplace:employer_need", args=[need.pk]))
    for membership in _company_members([need.winner_id]):
        send_to_user("marketplace/emails/need_won", to_user=membership.user, context={"need": need}, button=button)


def _buyer_admins(organization):
    from itou.marketplace.models import BuyerMembership

    return (
        BuyerMembership.objects.active()
        .filter(organization=organization, is_admin=True, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )


def member_pending(membership) -> None:
    """The organization's admins: a new account asks to join (they accept or refuse it)."""
    button = Button("Accepter ou refuser", reverse("marketplace:buyer_members"))
    for admin in _buyer_admins(membership.organization):
        send_to_user(
            "marketplace/emails/member_pending",
            to_user=admin.user,
            context={"member": membership.user, "organization": membership.organization},
            button=button,
        )


def member_decided(membership, *, accepted: bool) -> None:
    button = Button("Voir les besoins", reverse("marketplace:buyer_home")) if accepted else None
    send_to_user(
        "marketplace/emails/member_decided",
        to_user=membership.user,
        context={"organization": membership.organization, "accepted": accepted},
        button=button,
    )
