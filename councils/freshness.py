"""Generations of what a council's secretary sees: bumped whenever a row behind it changes, so
that what is cached from those rows (the secretary's access, ``councils.access``; the
dashboard's sections, ``portal.panels``) is never served after the change.

Four generations in the shared cache (``core.generations``):

- every city's (a change made with no city in force, by a platform operator);
- a city's (a row the city owns that names no council, the city itself, an import);
- a council's (a row that names the council, the council itself);
- a user's (the user's own row, and any tenure of the user).

Every row a city owns that is saved or deleted bumps its council's generation when it names a
council, its city's otherwise (``ready()`` of this app connects the receivers). A user's save
bumps the user's generation, and the city's too unless only ``last_login`` changed (names of
secretaries show on their colleagues' pages). Bulk writes send no row signal: an import sends
``post_import``, which bumps the city's; any other bulk write must call
:func:`clear_council_rows` itself.
"""

from core import generations, tenancy

SHARED_KEY = "council-rows:generation"


def city_key(municipality_id: int) -> str:
    return f"council-rows:city-{municipality_id}:generation"


def council_key(council_id: int) -> str:
    return f"council-rows:council-{council_id}:generation"


user_key = generations.user_key  # the user's row (core.apps) and the user's tenures


def clear_council_rows(*, municipality_id: int | None = None, council_id: int | None = None):
    """Forget what is cached from the rows of council ``council_id``, else of every council of
    city ``municipality_id`` (by default the city in force), else of every city's councils:
    at once and again when the current transaction commits (``generations.bump_for_change``)."""
    if council_id is not None:
        key = council_key(council_id)
    else:
        if municipality_id is None:
            municipality_id = tenancy.current_municipality_id()
        key = SHARED_KEY if municipality_id is None else city_key(municipality_id)
    generations.bump_for_change(key)


# ------------------------------------------------------------------ receivers (councils.apps)


def _council_of(instance) -> int | None:
    from .models import Council

    if isinstance(instance, Council):
        return instance.pk
    return getattr(instance, "council_id", None)


def on_row_change(sender, instance=None, update_fields=None, **kwargs) -> None:
    from core.models import CityOwned, Municipality, User

    from .models import CouncilSecretary

    if isinstance(instance, Municipality):
        clear_council_rows(municipality_id=instance.pk)
    elif isinstance(instance, User):  # the user's own generation moves in core.apps
        login_only = update_fields is not None and set(update_fields) <= {"last_login"}
        if instance.municipality_id is not None and not login_only:
            clear_council_rows(municipality_id=instance.municipality_id)
    elif isinstance(instance, CityOwned):
        if isinstance(instance, CouncilSecretary):
            generations.bump_for_change(user_key(instance.user_id))
        council_id = _council_of(instance)
        if council_id is not None:
            clear_council_rows(council_id=council_id)
        else:
            clear_council_rows(municipality_id=instance.municipality_id)


def on_m2m_change(sender, instance=None, action="", **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        on_row_change(sender, instance=instance)


def on_bulk_change(sender, **kwargs) -> None:
    clear_council_rows()
