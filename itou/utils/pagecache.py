"""A cache of whole anonymous pages, invalidated by a version counter (see docs/performance.md).

`anonymous_page_cache(namespace)` decorates a GET view whose page depends only on its URL
for a visitor without a session (the public searches). Such a page is kept for
settings.PAGE_CACHE_SECONDS (0: no cache) in the `pages` cache under a key made of:

- the namespace's **version**, a counter kept in the shared `default` cache (the
  database by default, Redis in production: every web process sees it) and bumped by
  `bump_version(namespace)` whenever the data shown changes (signals of the models, see
  itou/companies/apps.py): a change makes every cached page of the namespace unreachable
  at once, the short lifetime is only a safety net;
- the normalized query (parameters sorted, empty ones dropped), the path and whether
  it is an htmx request (a fragment, not the whole page).

Each process reads the version at most every VERSION_CHECK_SECONDS (a bump in the same
process is seen at once; in another one within that delay). The stored page is kept as
sent (gzip-compressed once, when the client accepts it) with an ETag: a client that
sends it back gets a 304 without body. Responses say `Cache-Control: public, max-age=…`
and `Vary: Cookie, HX-Request, Accept-Encoding`, so that a browser or a CDN can reuse
them, and never serve the anonymous page to a visitor who has logged in since.

A request with a session cookie, or a response that sets a cookie or is not a 200 is
never cached: a logged-in user always gets their own page (`Cache-Control: private`).
"""

import functools
import gzip
import hashlib
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers

VERSION_CHECK_SECONDS = 1.0
VERSION_KEY = "pagecache:version:{}"

_versions: dict[str, tuple[float, int]] = {}
_lock = threading.Lock()


def _shared_cache():
    return caches[getattr(settings, "PAGE_CACHE_VERSION_ALIAS", "default")]


def current_version(namespace: str) -> int:
    now = time.monotonic()
    known = _versions.get(namespace)
    if known is not None and now - known[0] < VERSION_CHECK_SECONDS:
        return known[1]
    version = _shared_cache().get(VERSION_KEY.format(namespace))
    if version is None:
        version = 0
    with _lock:
        _versions[namespace] = (now, version)
    return version


def forget_versions() -> None:
    """Read the versions from the shared cache again (tests: a rollback undid a bump)."""
    with _lock:
        _versions.clear()


def bump_version(namespace: str) -> None:
    """Make every cached page of `namespace` stale, in every process (the shared cache)."""
    cache, key = _shared_cache(), VERSION_KEY.format(namespace)
    try:
        version = cache.incr(key)
    except ValueError:  # no counter yet (or evicted): start from a value no page used
        version = time.time_ns()
        cache.set(key, version, None)
    with _lock:
        _versions[namespace] = (time.monotonic(), version)


def _personal_cookies() -> tuple[str, str]:
    # A session (a logged-in user, a journey in progress) or messages waiting to be shown.
    return settings.SESSION_COOKIE_NAME, "messages"


def normalized_query(request) -> str:
    pairs = sorted(
        (key, value.strip()) for key, values in request.GET.lists() for value in values if value and value.strip()
    )
    return "&".join(f"{key}={value}" for key, value in pairs)


def _accepts_gzip(request) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "")


def _public(response, etag: str) -> None:
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_SECONDS)
    patch_vary_headers(response, ["Cookie", "HX-Request", "Accept-Encoding"])


def _answer(request, entry: dict):
    etag = entry["etag"]
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        gzipped = _accepts_gzip(request)
        response = HttpResponse(entry["gzip"] if gzipped else entry["body"], content_type=entry["content_type"])
        if gzipped:
            response["Content-Encoding"] = "gzip"
    _public(response, etag)
    return response


def anonymous_page_cache(namespace: str):
    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not settings.PAGE_CACHE_SECONDS:
                return view(request, *args, **kwargs)
            if request.method != "GET" or any(name in request.COOKIES for name in _personal_cookies()):
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True)
                patch_vary_headers(response, ["Cookie"])
                return response
            fragment = "1" if request.headers.get("HX-Request") == "true" else "0"
            restore = "1" if request.headers.get("HX-History-Restore-Request") == "true" else "0"
            raw = f"{current_version(namespace)}|{fragment}{restore}|{request.path}?{normalized_query(request)}"
            key = f"page:{namespace}:{hashlib.sha256(raw.encode()).hexdigest()}"
            pages = caches["pages"]
            entry = pages.get(key)
            if entry is not None:
                return _answer(request, entry)
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.cookies or response.streaming:
                return response
            body = response.content
            entry = {
                "body": body,
                "gzip": gzip.compress(body, compresslevel=6, mtime=0),
                "content_type": response["Content-Type"],
                "etag": f'"{hashlib.sha256(body).hexdigest()[:32]}"',
            }
            pages.set(key, entry, settings.PAGE_CACHE_SECONDS)
            return _answer(request, entry)

        return wrapper

    return decorator
