"""Anonymous visitors get cached public pages; publishing anything clears them at once.

The cache key carries a generation number; clearing bumps it, so every old entry is
ignored (and expires) without scanning the cache.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.cache import patch_cache_control

GENERATION_KEY = "public-pages:generation"


def _generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def clear_public_cache() -> None:
    """Call after staff publish or change anything citizens see."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def clear_public_cache_on_signal(sender, **kwargs) -> None:
    """Receiver for ``core.signals.public_content_changed`` (sent after commit)."""
    clear_public_cache()


def clear_public_cache_on_commit(sender, **kwargs) -> None:
    """Receiver for saves and deletes of rows the public pages show: clear once they commit,
    so no request caches the old row in between."""
    transaction.on_commit(clear_public_cache)


def cache_public(view):
    """Serve anonymous GET requests of ``view`` from the cache."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"public-pages:{_generation()}:{path}"
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not getattr(response, "streaming", False):
            if hasattr(response, "render"):
                response.render()
            patch_cache_control(response, public=True, max_age=60)
            cache.set(key, response, settings.PUBLIC_CACHE_SECONDS)
        return response

    return wrapper
