"""Emails of the invitations and signup paths, built by itou.notifications.emails (one
layout, text and HTML, queued once the current transaction commits)."""

from django.conf import settings
from django.urls import reverse

from itou.notifications import emails as notification_emails
from itou.notifications.emails import Button, build_email, send_emails

# Where messages for the support team go (unknown structures, authorization claims,
# join requests of organizations without admin).
DEFAULT_SUPPORT_EMAIL = "support@inclusion.gouv.fr"


def support_email() -> str:
    return getattr(settings, "SUPPORT_EMAIL", "") or DEFAULT_SUPPORT_EMAIL


def absolute_url(path: str) -> str:
    return notification_emails.absolute_url(path)


def mask_email(email: str) -> str:
    """ "camille.martin@domaine.fr" → "c•••@domaine.fr": enough to recognize one's mailbox."""
    local, _, domain = (email or "").partition("@")
    if not domain:
        return "•••"
    return f"{local[:1]}•••@{domain}"


# The button of each email: (label, the context key holding its URL, a URL name, or a
# function of the context).
BUTTONS = {
    "invitation": ("Accepter l'invitation", "accept_url"),
    "company_signup_link": ("Créer le compte de la structure", "url"),
    "support_request": ("Ouvrir la demande dans le back-office", "admin_url"),
    "authorization_claim_new": ("Vérifier l'habilitation dans le back-office", "admin_url"),
    "join_request_no_admin": (
        "Ouvrir la demande dans le back-office",
        lambda context: reverse("admin:invitations_joinrequest_change", args=[context["join_request"].pk]),
    ),
    "join_request_new": ("Répondre à la demande", "members:index"),
    "invitation_accepted": ("Voir les membres", "members:index"),
    "join_request_decided": ("Ouvrir mon tableau de bord", "dashboard:index"),
    "membership_admin_changed": ("Ouvrir mon tableau de bord", "dashboard:index"),
    "membership_deactivated": ("Ouvrir mon tableau de bord", "dashboard:index"),
    "authorization_decided": ("Ouvrir mon tableau de bord", "dashboard:index"),
}


def button_for(template: str, context: dict) -> Button:
    label, source = BUTTONS[template]
    if callable(source):
        return Button(label, source(context))
    return Button(label, context[source] if source in context else reverse(source))


def build(template: str, *, to: str, context: dict, reply_to: list[str] | None = None):
    """The email `invitations/email/<template>` (subject and body templates), in the common layout."""
    return build_email(
        f"invitations/email/{template}",
        to=to,
        context=context,
        button=button_for(template, context),
        reply_to=reply_to,
    )


def send(template: str, *, to: str, context: dict, reply_to: list[str] | None = None) -> None:
    build(template, to=to, context=context, reply_to=reply_to).send()


def send_to_each(template: str, *, users, context: dict) -> None:
    """One email per user (nobody sees the others' addresses), `user` in each context."""
    send_emails([build(template, to=user.email, context={**context, "user": user}) for user in users if user.email])
