"""Which city is in force: for a request (its host), a command (``--city``) or a job (its city).

``city_scope(municipality)`` puts one city in force for a block: the city-owned managers filter
to it (django-scopes raises on a query made with no city in force), new rows are filed under it,
and, where ``CITY_DATABASE_ROLE`` is set on PostgreSQL, the connection switches to that
non-superuser role with ``app.municipality`` set, so that the row-level security policies
(``core.rls``) hold even for raw SQL. ``all_cities()`` is the platform operator's view of every
city, entered on purpose and never by default.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django_scopes import scope, scopes_disabled

ALL = "all"

_current: ContextVar = ContextVar("municipality", default=None)  # the Municipality in force
_database_setting: ContextVar[str] = ContextVar("database_city", default="")


def current_municipality() -> "Municipality | None":  # noqa: F821
    return _current.get()


def current_municipality_id() -> int | None:
    """The default of every ``municipality`` column: the city in force, or none."""
    city = _current.get()
    return city.pk if city is not None else None


def _database_role() -> str:
    return getattr(settings, "CITY_DATABASE_ROLE", "") or ""


def _tell_database(connection, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('role', %s, false), set_config('app.municipality', %s, false)",
            [_database_role() if value else "none", value],
        )


def _set_database_city(value: str) -> str:
    """Tell PostgreSQL which city this connection works for; return what it was before."""
    previous = _database_setting.get()
    _database_setting.set(value)  # first: a connection opened now is told by the receiver below
    if _database_role() and connection.vendor == "postgresql":
        _tell_database(connection, value)
    return previous


@receiver(connection_created, dispatch_uid="core.tenancy.new_connection")
def _tell_new_connection(sender, connection, **kwargs):
    """A connection opened inside a scope (the old one was closed or lost) works for the city
    in force too: never as the owner, who passes the row-level security policies."""
    value = _database_setting.get()
    if (
        value
        and _database_role()
        and connection.vendor == "postgresql"
        and connection.alias == DEFAULT_DB_ALIAS
    ):
        _tell_database(connection, value)


@contextmanager
def city_scope(municipality: "Municipality"):  # noqa: F821
    """Everything inside works for ``municipality`` and for no other city."""
    token = _current.set(municipality)
    previous = _set_database_city(str(municipality.pk))
    try:
        with scope(municipality=municipality.pk):
            yield municipality
    finally:
        _current.reset(token)
        _set_database_city(previous)


@contextmanager
def all_cities():
    """The platform operator's view: every city's rows, each labelled with its city."""
    token = _current.set(None)
    previous = _set_database_city(ALL)
    try:
        with scopes_disabled():
            yield
    finally:
        _current.reset(token)
        _set_database_city(previous)
