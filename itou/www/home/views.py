"""Public pages: home, the footer's legal pages, and the error pages.

Their text lives in the templates; `docs/pages-publiques.md` says where it comes from.
"""

import datetime
import logging
import sys

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_safe

from itou.utils.private_files import STORE_ERRORS, StorageUnavailable

logger = logging.getLogger(__name__)

# Placeholder addresses until the operator confirms its real mailboxes.
ACCESSIBILITY_CONTACT_EMAIL = "accessibilite@inclusion.gouv.fr"
PRIVACY_CONTACT_EMAIL = "donnees-personnelles@inclusion.gouv.fr"
# Update it whenever the accessibility statement changes (after the audit, for instance).
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 11, 27)

# Served if even the 500 template cannot be rendered: no template, no static file.
FALLBACK_SERVER_ERROR_HTML = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Erreur inattendue — Les emplois de l'inclusion</title></head>
<body><main><h1>Erreur inattendue</h1>
<p>Désolés, le service rencontre un problème. Nous y travaillons. Essayez de nouveau dans quelques minutes.</p>
<p><a href="/">Retourner à la page d'accueil</a></p></main></body></html>
"""
FALLBACK_UNAVAILABLE_HTML = FALLBACK_SERVER_ERROR_HTML.replace(
    "Erreur inattendue", "Service momentanément indisponible"
)
# Outages rather than bugs: the database (restart, failover) or the file store is unreachable.
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, StorageUnavailable, *STORE_ERRORS)


@require_safe
def index(request):
    return render(request, "home/index.html")


@require_safe
def accessibility(request):
    context = {
        "contact_email": ACCESSIBILITY_CONTACT_EMAIL,
        "statement_date": ACCESSIBILITY_STATEMENT_DATE,
        "site_url": settings.SITE_URL,
    }
    return render(request, "home/accessibility.html", context)


@require_safe
def legal_notice(request):
    return render(request, "home/legal_notice.html")


def _duration_label(seconds: int) -> str:
    """A cookie lifetime in plain French: "14 jours", "1 an"."""
    days = seconds // (60 * 60 * 24)
    if days >= 360:
        years = round(days / 365)
        return f"{years} an" if years == 1 else f"{years} ans"
    return f"{days} jour" if days == 1 else f"{days} jours"


@require_safe
def privacy(request):
    # Cookie names and lifetimes are read from the settings so that the page stays true.
    # The default message storage keeps short messages in a cookie, the rest in the session.
    messages_in_cookie = settings.MESSAGE_STORAGE.endswith(("FallbackStorage", "CookieStorage"))
    context = {
        "contact_email": PRIVACY_CONTACT_EMAIL,
        "session_cookie_name": settings.SESSION_COOKIE_NAME,
        "session_cookie_duration": _duration_label(settings.SESSION_COOKIE_AGE),
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "csrf_cookie_duration": _duration_label(settings.CSRF_COOKIE_AGE),
        "messages_cookie_name": CookieStorage.cookie_name if messages_in_cookie else None,
    }
    return render(request, "home/privacy.html", context)


@require_safe
def sitemap(request):
    return render(request, "home/sitemap.html")


def page_not_found(request, exception=None):
    return render(request, "home/404.html", status=404)


def permission_denied(request, exception=None):
    """403: the user may know the object exists; say why (the PermissionDenied message,
    written in French for the user) and where to go."""
    reason = str(exception) if exception is not None and exception.args else ""
    return render(request, "home/403.html", {"reason": reason}, status=403)


def bad_request(request, exception=None):
    return render(request, "home/400.html", status=400)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: Django's own page has inline styles (blocked by the CSP)."""
    reason = "Le formulaire a expiré ou a été envoyé depuis une autre page. Rechargez la page, puis réessayez."
    return render(request, "home/403.html", {"reason": reason}, status=403)


def server_error(request):
    """Render without the request's context.

    The database, the session or a context processor may be what failed, so the page
    uses none of them, and a plain HTML fallback covers a failure of the template itself.
    The database or the file store being unreachable is an outage, not a bug: a French 503.
    """
    if isinstance(sys.exc_info()[1], UNAVAILABLE_ERRORS):
        # 503 + Retry-After: the load balancer and the browser know it is temporary.
        try:
            html = loader.get_template("home/503.html").render()
        except Exception:
            logger.exception("The 503 page could not be rendered")
            html = FALLBACK_UNAVAILABLE_HTML
        return HttpResponse(html, status=503, headers={"Retry-After": "10"})
    try:
        html = loader.get_template("home/500.html").render()
    except Exception:
        logger.exception("The 500 page could not be rendered")
        html = FALLBACK_SERVER_ERROR_HTML
    return HttpResponseServerError(html)
