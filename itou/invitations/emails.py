"""Emails of the invitations and signup paths.

Sent with Django's email API: the queued backend turns each one into a job once the
current transaction commits (nothing is sent when it rolls back).
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string

# Where messages for the support team go (unknown structures, authorization claims,
# join requests of organizations without admin).
DEFAULT_SUPPORT_EMAIL = "support@inclusion.gouv.fr"


def support_email() -> str:
    return getattr(settings, "SUPPORT_EMAIL", "") or DEFAULT_SUPPORT_EMAIL


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def mask_email(email: str) -> str:
    """ "camille.martin@domaine.fr" → "c•••@domaine.fr": enough to recognize one's mailbox."""
    local, _, domain = (email or "").partition("@")
    if not domain:
        return "•••"
    return f"{local[:1]}•••@{domain}"


def build(template: str, *, to: str, context: dict, reply_to: list[str] | None = None) -> EmailMessage:
    """An email from `invitations/email/<template>_subject.txt` and `…_body.txt`."""
    context = {"SITE_URL": settings.SITE_URL, **context}
    subject = render_to_string(f"invitations/email/{template}_subject.txt", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    body = render_to_string(f"invitations/email/{template}_body.txt", context)
    return EmailMessage(subject=subject, body=body, to=[to], reply_to=reply_to or [])


def send(template: str, *, to: str, context: dict, reply_to: list[str] | None = None) -> None:
    build(template, to=to, context=context, reply_to=reply_to).send()


def send_to_each(template: str, *, users, context: dict) -> None:
    """One email per user (nobody sees the others' addresses), `user` in each context."""
    messages = [build(template, to=user.email, context={**context, "user": user}) for user in users if user.email]
    if messages:
        get_connection().send_messages(messages)
