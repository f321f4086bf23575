"""Logging in at a city's host: staff and secretaries of that city, and platform operators."""

from django.contrib.auth.backends import ModelBackend


class CityModelBackend(ModelBackend):
    """Django's password login, refused for a user of another city than the host's.

    A platform operator (a user with no city) may log in at any host; at the platform host
    only operators may log in. Only the login is checked here: a session already open is
    kept (``get_user``), and ``core.middleware.CityMiddleware`` treats its user as logged
    out at another city's host.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            return None
        city = getattr(request, "municipality", None) if request else None
        return user if belongs_here(user, city) else None


def belongs_here(user, city) -> bool:
    """True when ``user`` may act at the host of ``city`` (None: the platform host)."""
    if user.municipality_id is None:
        return True
    return city is not None and user.municipality_id == city.pk
