"""Who may use the secretary portal: a user with an active tenure, for their council only.

The decision is cached in the shared cache, in two records, each valid only under the
generations it was read under (``councils.freshness``), which every change behind it bumps:

- the user's council (``secretary-access:<user>``), under every city's, the user's city's
  and the user's own generation: the user's row and tenures bump the last;
- the council with its current secretaries (``secretary-council:<council>``), under every
  city's, the city's and the council's generation: the council's row and tenures bump the
  last, the secretaries' rows the city's.

Each record is written only under generations read before the rows were, so a change that
commits meanwhile (and bumps again after its commit) is never hidden behind it. No password
hash is cached. A user who is no secretary is never cached: every such request asks the
database.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from core import generations

from . import freshness
from .selectors import active_secretary_tenures


def secretary_required(view):
    """Let through only a council's current secretary; set ``request.council`` to it,
    ``request.council_secretaries`` to its current secretaries' tenures and
    ``request.council_generations`` to the generations they were checked under.

    Anonymous users go to the login page; a logged-in user with no active tenure gets 403.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        # The council's current secretaries come with it: the dashboard lists them.
        tenures, council_generations = secretary_tenures(request.user)
        council = next((t.council for t in tenures if t.user_id == request.user.pk), None)
        if council is None:
            raise PermissionDenied("事務局アカウントではありません。")
        request.council = council
        request.council_secretaries = tenures
        request.council_generations = council_generations
        return view(request, *args, **kwargs)

    return wrapper


def _own(tenures, user) -> int | None:
    return next((t.council_id for t in tenures if t.user_id == user.pk), None)


def secretary_tenures(user) -> tuple[list, tuple | None]:
    """``active_secretary_tenures(user)`` from the cache while nothing behind it changed,
    with the (every city's, city's, council's) generations it holds under (None when they
    were not read)."""
    if user.municipality_id is None:  # no city: no tenure, nothing to cache
        return active_secretary_tenures(user), None
    access_key = f"secretary-access:{user.pk}"
    (shared, city, own), found = generations.read(
        [
            freshness.SHARED_KEY,
            freshness.city_key(user.municipality_id),
            freshness.user_key(user.pk),
        ],
        also=[access_key],
    )
    access = found.get(access_key)
    if access is None or access["generations"] != (shared, city, own):
        tenures = active_secretary_tenures(user)
        council_id = _own(tenures, user)
        if council_id is not None:
            cache.set(
                access_key,
                {"generations": (shared, city, own), "council_id": council_id},
                settings.DASHBOARD_CACHE_SECONDS,
            )
        return tenures, None
    council_key = f"secretary-council:{access['council_id']}"
    (council,), found = generations.read(
        [freshness.council_key(access["council_id"])], also=[council_key]
    )
    record = found.get(council_key)
    if (
        record is not None
        and record["generations"] == (shared, city, council)
        and _own(record["tenures"], user) == access["council_id"]
    ):
        return record["tenures"], (shared, city, council)
    tenures = active_secretary_tenures(user)
    if _own(tenures, user) != access["council_id"]:  # moved meanwhile: the record is stale
        return tenures, None
    cache.set(
        council_key,
        {"generations": (shared, city, council), "tenures": tenures},
        settings.DASHBOARD_CACHE_SECONDS,
    )
    return tenures, (shared, city, council)
