"""Who sees which email in the demo mailbox (/dev/emails/).

The mailbox shows login codes and password-reset links: a visitor sees only the emails
sent to the demo accounts (whose password is public anyway) and to the addresses of
accounts created from their own browser (signups, job seekers created in the apply
journey, people invited from it). Those addresses are kept in a signed cookie, not in
the session: they must survive a logout (to log in again by code, for instance), and a
visitor cannot forge it to read someone else's emails.
"""

import json

from django.conf import settings
from django.core import signing

COOKIE_NAME = "demo_mailbox"
COOKIE_SALT = "itou.www.dev.visibility"
COOKIE_MAX_AGE = 60 * 60 * 24 * 14
MAX_ADDRESSES = 50


def _normalize(email: str) -> str:
    return (email or "").strip().lower()


def remember_address(request, email: str) -> None:
    """An account for `email` was created from this browser: show its emails here."""
    email = _normalize(email)
    if not settings.DEV_MAILBOX_ENABLED or not email or request is None:
        return
    addresses = own_addresses(request)
    if email not in addresses:
        request._demo_mailbox_addresses = [*addresses, email][-MAX_ADDRESSES:]


def remember_address_without_account(request, email: str) -> None:
    """An email went, at this visitor's request, to an address that has no account (an
    invitation, a structure's signup link): show it here too. Never an existing
    account's address, whose login codes and reset links belong to someone else."""
    if not settings.DEV_MAILBOX_ENABLED or not email:
        return
    from itou.users.models import User

    if not User.objects.filter(email__iexact=_normalize(email)).exists():
        remember_address(request, email)


def own_addresses(request) -> list[str]:
    if not hasattr(request, "_demo_mailbox_addresses"):
        try:
            value = request.get_signed_cookie(COOKIE_NAME, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
            addresses = json.loads(value) if value else []
        except (KeyError, signing.BadSignature, ValueError):
            addresses = []
        if not isinstance(addresses, list):
            addresses = []
        request._demo_mailbox_addresses = [a for a in addresses if isinstance(a, str)][:MAX_ADDRESSES]
        request._demo_mailbox_read = list(request._demo_mailbox_addresses)
    return request._demo_mailbox_addresses


def visible_addresses(request) -> list[str]:
    from itou.demo import world as demo

    return sorted({_normalize(account["email"]) for account in demo.demo_accounts()} | set(own_addresses(request)))


class DemoMailboxMiddleware:
    """Write the cookie back when a view remembered a new address (demo only)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        addresses = getattr(request, "_demo_mailbox_addresses", None)
        if (
            settings.DEV_MAILBOX_ENABLED
            and addresses is not None
            and addresses != getattr(request, "_demo_mailbox_read", None)
        ):
            response.set_signed_cookie(
                COOKIE_NAME,
                json.dumps(addresses),
                salt=COOKIE_SALT,
                max_age=COOKIE_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
