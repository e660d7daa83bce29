from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from itou.notifications.models import SentEmail
from itou.www.dev.visibility import visible_addresses

MAILBOX_PAGE_SIZE = 50


def _ensure_enabled():
    # Only in the demo (DEMO_MODE): in production these emails hold personal data and links.
    if not settings.DEV_MAILBOX_ENABLED:
        raise Http404


def _visible_emails(request):
    """Emails to the demo accounts and to the accounts created from this browser only."""
    return SentEmail.objects.filter(to__has_any_keys=visible_addresses(request))


def mailbox(request):
    _ensure_enabled()
    emails = _visible_emails(request).only("pk", "sent_at", "to", "subject")[:MAILBOX_PAGE_SIZE]
    return render(request, "dev/mailbox.html", {"emails": emails})


def email_detail(request, pk):
    _ensure_enabled()
    email = get_object_or_404(_visible_emails(request), pk=pk)
    return render(request, "dev/email_detail.html", {"email": email})
