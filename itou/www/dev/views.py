from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from itou.notifications.models import SentEmail

MAILBOX_PAGE_SIZE = 50


def _ensure_enabled():
    # Only with DEBUG on: in production these emails hold personal data and links.
    if not settings.DEV_MAILBOX_ENABLED:
        raise Http404


def mailbox(request):
    _ensure_enabled()
    emails = SentEmail.objects.only("pk", "sent_at", "to", "subject")[:MAILBOX_PAGE_SIZE]
    return render(request, "dev/mailbox.html", {"emails": emails})


def email_detail(request, pk):
    _ensure_enabled()
    email = get_object_or_404(SentEmail, pk=pk)
    return render(request, "dev/email_detail.html", {"email": email})
