"""City-scoped managers: every query of a city-owned model is filtered to the city in force.

Built on django-scopes' state (``scope``, ``scopes_disabled``, ``ScopeError``). Its own manager
refuses even to *build* a queryset with no scope in force, which breaks Django's class-level
querysets (a ModelForm's foreign-key choices are built at import time, then copied for each
form). Here a queryset built with no city in force is only a plan: it takes the city in force
when it is copied or run, and running it with no city in force raises ``ScopeError``. So an
unscoped query is still an error, never a leak, and a form defined at import shows the choices
of the city of the request that renders it.
"""

from __future__ import annotations

from django.db import models
from django_scopes import ScopeError
from django_scopes.state import get_scope

DIMENSION = "municipality"


def _scope_state() -> tuple[bool, object]:
    """(enabled, city id or None when no city is in force)."""
    state = get_scope()
    if not state.get("_enabled", True):
        return False, None
    return True, state.get(DIMENSION)


class CityScopedQuerySet(models.QuerySet):
    """A queryset that knows whether the city filter still has to be added."""

    _city_path = DIMENSION

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._needs_city = False

    def _take_city(self) -> bool:
        """Add the city in force to a queryset built without one; False while none is."""
        if not self._needs_city:
            return True
        enabled, city = _scope_state()
        if enabled and city is None:
            return False
        if enabled:
            self._query.add_q(models.Q(**{self._city_path: city}))
        self._needs_city = False
        return True

    def _require_city(self):
        if not self._take_city():
            raise ScopeError(
                f"{self.model._meta.label} は自治体ごとのデータです: 自治体を指定せずに"
                "問い合わせることはできません（A scope on dimension municipality needs to be "
                "active for this query）。"
            )

    @property
    def query(self):
        self._take_city()
        return super().query

    @query.setter
    def query(self, value):
        self._query = value
        self._needs_city = False

    def _clone(self):
        needs = self._needs_city
        self._needs_city = False  # copy the plan, not this queryset's resolution
        try:
            clone = super()._clone()
        finally:
            self._needs_city = needs
        clone._needs_city = needs
        clone._city_path = self._city_path
        clone._take_city()
        return clone

    def _fetch_all(self):
        if self._result_cache is None:
            self._require_city()
        super()._fetch_all()


def _guarded(name):
    original = getattr(models.QuerySet, name)

    def method(self, *args, **kwargs):
        self._require_city()
        return original(self, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = original.__doc__
    return method


for _name in (
    "count",
    "exists",
    "aggregate",
    "update",
    "_update",
    "delete",
    "_raw_delete",
    "iterator",
    "_iterator",
    "explain",
    "contains",
    "in_bulk",
    "resolve_expression",
):
    setattr(CityScopedQuerySet, _name, _guarded(_name))


class CityScopedManager(models.Manager.from_queryset(CityScopedQuerySet)):
    """The default manager of a city-owned model (see the module docstring)."""

    city_path = DIMENSION

    def __init__(self, city_path: str = DIMENSION):
        super().__init__()
        self.city_path = city_path

    def get_queryset(self):
        queryset = super().get_queryset()
        queryset._city_path = self.city_path
        enabled, city = _scope_state()
        if not enabled:
            return queryset
        if city is None:
            queryset._needs_city = True
            return queryset
        return queryset.filter(**{self.city_path: city})

    def all_cities(self):
        """Every city's rows, for platform operators' views that label each row's city."""
        queryset = super().get_queryset()
        queryset._city_path = self.city_path
        return queryset
