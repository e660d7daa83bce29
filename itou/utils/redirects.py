"""The one way to redirect to a target taken from the request (`next`, a form field…).

A target is used only when it is a path of this site ("/candidatures/?page=2") or an
absolute URL of the request's own host (Django's `url_has_allowed_host_and_scheme`);
anything else (another site, "//evil.example", "javascript:…", "NaN", control
characters, an overlong value, a malformed URL) falls back to the view's default page.
Never through `django.shortcuts.redirect`, which would try to reverse a bare word such
as "NaN" as a URL name and fail with a 500.
"""

from urllib.parse import urlsplit

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

MAX_LENGTH = 2000


def is_safe_redirect_target(request, url) -> bool:
    if not isinstance(url, str) or not url or len(url) > MAX_LENGTH:
        return False
    if any(ord(char) < 32 or ord(char) == 127 for char in url) or "\\" in url:
        return False
    try:
        parts = urlsplit(url)
        host = request.get_host()
    except ValueError:
        return False
    if not parts.scheme and not parts.netloc and not url.startswith("/"):
        return False  # "NaN", "../x": not a path of this site
    return url_has_allowed_host_and_scheme(url, allowed_hosts={host}, require_https=request.is_secure())


def safe_redirect_target(request, url, default: str) -> str:
    """`url` when it is a safe target on this site, else `default`."""
    return url if is_safe_redirect_target(request, url) else default


def safe_redirect(request, url, default: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_redirect_target(request, url, default))
