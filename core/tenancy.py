"""Which city is in force: for a request (its host), a command (``--city``) or a job (its city).

``city_scope(municipality)`` puts one city in force for a block: the city-owned managers filter
to it (django-scopes raises on a query made with no city in force), new rows are filed under it,
and, where ``CITY_DATABASE_ROLE`` is set on PostgreSQL, the connection switches to that
non-superuser role with ``app.municipality`` set, so that the row-level security policies
(``core.rls``) hold even for raw SQL. The switch is sent with the scope's first query, not on
entry: a scope that never reaches the database (a page answered from the cache) costs no round
trip to it. ``all_cities()`` is the platform operator's view of every
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


class _Told:
    """What a connection's session was last told: ``value``, for certain once ``confirmed``
    (told outside a transaction, or the transaction committed). Told inside a transaction, it
    holds only while ``confirm`` waits among the connection's on-commit callbacks: a rollback
    (of the transaction, or of a savepoint it was told in) drops the callback and, in
    PostgreSQL, undoes the setting with it."""

    def __init__(self, value: str, *, confirmed: bool):
        self.value = value
        self.confirmed = confirmed

    def confirm(self) -> None:
        self.confirmed = True

    def holds(self, connection) -> bool:
        return self.confirmed or any(
            func == self.confirm for _sids, func, _robust in connection.run_on_commit
        )


_TOLD = "_kyodo_database_city"
_telling: ContextVar[bool] = ContextVar("telling_database", default=False)


def _tell_lazily(execute, sql, params, many, context):
    """Execute wrapper: before a query, tell the session the city in force if it was told
    otherwise (or not for certain), so that a scope whose work never reaches the database (a
    cached page) costs no round trip, and every query that does run works for its city."""
    connection = context["connection"]
    value = _database_setting.get()
    told = getattr(connection, _TOLD, None)
    if _telling.get() or not _database_role():
        return execute(sql, params, many, context)
    if told is None or told.value != value or not told.holds(connection):
        told = _Told(value, confirmed=False)
        setattr(connection, _TOLD, told)
        token = _telling.set(True)  # the query below passes through this wrapper too
        try:
            _tell_database(connection, value)
        except Exception:
            setattr(connection, _TOLD, None)
            raise
        finally:
            _telling.reset(token)
        if connection.in_atomic_block or connection.get_autocommit():
            connection.on_commit(told.confirm)  # at once outside a transaction
    return execute(sql, params, many, context)


def _watch(connection) -> None:
    """Put ``_tell_lazily`` on the connection for good, outermost (Django's own
    ``execute_wrapper`` blocks take theirs off the end of the list)."""
    if _tell_lazily not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _tell_lazily)


def _set_database_city(value: str) -> str:
    """Put ``value`` in force for the database; return what it was before. PostgreSQL hears of
    it only before the next query (``_tell_lazily``)."""
    previous = _database_setting.get()
    _database_setting.set(value)
    if _database_role() and connection.vendor == "postgresql":
        _watch(connection)
    return previous


@receiver(connection_created, dispatch_uid="core.tenancy.new_connection")
def _tell_new_connection(sender, connection, **kwargs):
    """A new session is the owner with no city: its first query inside a scope tells it the
    city in force, never leaving it as the owner, who passes the row-level security policies."""
    if connection.vendor == "postgresql" and connection.alias == DEFAULT_DB_ALIAS:
        setattr(connection, _TOLD, _Told("", confirmed=True))
        if _database_role():
            _watch(connection)


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
