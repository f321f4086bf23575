"""Anonymous visitors get cached public pages; publishing anything clears them at once.

Pages are cached per city: the key carries the city and that city's generation number, so a
page of one city is never served at another city's host, and publishing in one city clears
that city's pages only. Clearing bumps the generation, so every old entry is ignored (and
expires) without scanning the cache. A change made with no city in force (a platform
operator's edit) bumps the shared generation, which clears every city's pages.

The generations live in the shared cache (``core.generations``): with several web servers a
bump reaches every server at its next request.

A page found in the cache is served before anything asks the database, so cached pages keep
answering while the database is away: the views are exempt from ``ATOMIC_REQUESTS`` and open
the request's transaction only when the page is rendered.
"""

import hashlib
from contextlib import nullcontext
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.cache import patch_cache_control

from core import generations, tenancy

SHARED_GENERATION_KEY = "public-pages:generation"


def generation_key(municipality_id: int) -> str:
    return f"public-pages:city-{municipality_id}:generation"


def clear_public_cache(municipality_id: int | None = None) -> None:
    """Call after staff publish or change anything citizens see: clears the pages of the
    city ``municipality_id`` (by default the city in force), or of every city when no city
    is named or in force."""
    if municipality_id is None:
        municipality_id = tenancy.current_municipality_id()
    generations.bump(
        SHARED_GENERATION_KEY if municipality_id is None else generation_key(municipality_id)
    )


def clear_public_cache_on_signal(sender, **kwargs) -> None:
    """Receiver for ``core.signals.public_content_changed`` (sent after commit)."""
    clear_public_cache()


def clear_public_cache_on_commit(sender, instance=None, **kwargs) -> None:
    """Receiver for saves and deletes of rows the public pages show: clear the row's city once
    they commit, so no request caches the old row in between."""
    city_id = getattr(instance, "municipality_id", None) or tenancy.current_municipality_id()
    transaction.on_commit(lambda: clear_public_cache(city_id))


def normalised_query(request, parameters) -> str:
    """``request``'s query string reduced to the ``parameters`` its page reads, each once
    (the value the page uses), sorted: other parameters do not make another page."""
    pairs = sorted(
        (name, request.GET.get(name)) for name in parameters if request.GET.get(name, "") != ""
    )
    return urlencode(pairs)


def page_key(request, parameters=None) -> str:
    """The cache key of ``request``'s page: its city, both generations and its path with
    its query string (only ``parameters`` of it when given)."""
    city = getattr(request, "municipality", None)
    city_id = city.pk if city is not None else tenancy.current_municipality_id()
    if parameters is None:
        full_path = request.get_full_path()
    else:
        full_path = f"{request.path}?{normalised_query(request, parameters)}"
    path = hashlib.sha256(full_path.encode()).hexdigest()
    if city_id is None:
        (shared,), own = generations.current(SHARED_GENERATION_KEY), 0
    else:
        shared, own = generations.current(SHARED_GENERATION_KEY, generation_key(city_id))
    return f"public-pages:{shared}:city-{city_id}:{own}:{path}"


def city_generations(municipality_id: int) -> tuple[int, int]:
    """The shared generation and that of the city ``municipality_id`` (one round trip), for
    what is cached outside the page keys (``reports.pdf_files``)."""
    shared, own = generations.current(SHARED_GENERATION_KEY, generation_key(municipality_id))
    return shared, own


def cache_public(view):
    """Serve anonymous GET requests of ``view`` from the cache of the request's city."""

    parameters = getattr(getattr(view, "view_class", None), "query_parameters", None)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            with _request_transaction():
                return view(request, *args, **kwargs)
        key = page_key(request, parameters)
        cached = cache.get(key)
        if cached is not None:
            return cached
        with _request_transaction():
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not getattr(response, "streaming", False):
                if hasattr(response, "render"):
                    response.render()
                patch_cache_control(response, public=True, max_age=60)
                cache.set(key, response, settings.PUBLIC_CACHE_SECONDS)
        return response

    return transaction.non_atomic_requests(wrapper)


def _request_transaction():
    """The transaction ``ATOMIC_REQUESTS`` would have opened around the view."""
    if connections[DEFAULT_DB_ALIAS].settings_dict.get("ATOMIC_REQUESTS"):
        return transaction.atomic(using=DEFAULT_DB_ALIAS)
    return nullcontext()
