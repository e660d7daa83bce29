"""A small fixed-window counter in the shared cache, for limits outside allauth's forms.

The client's IP comes from allauth's adapter, which honours the trusted proxy settings
(ALLAUTH_TRUSTED_PROXY_COUNT / ALLAUTH_TRUSTED_CLIENT_IP_HEADER, docs/configuration.md):
behind a load balancer, every visitor would otherwise share the balancer's address.
"""

import hashlib
import time

from allauth.account.adapter import get_adapter
from django.core.cache import cache


def client_ip(request) -> str:
    return get_adapter().get_client_ip(request)


def hit(scope: str, key: str, *, limit: int, period: int) -> bool:
    """Count one more hit of `key` in `scope`; False once more than `limit` hits fell in the current window."""
    window = int(time.time() // period)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"throttle:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, period)
        count = 1
    return count <= limit
