"""Logging in at a city's host: staff and secretaries of that city, and platform operators."""

from django.contrib.auth.backends import ModelBackend

from core import tenancy


class CityModelBackend(ModelBackend):
    """Django's password login, refused for a user of another city than the host's.

    A platform operator (a user with no city) may log in at any host; at the platform host
    only operators may log in. Without a request (a test client's login, a command) the
    city in force decides. Once logged in, the session is checked by
    ``core.middleware.CityMiddleware``, which treats a user of another city as anonymous.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            return None
        if request is not None and hasattr(request, "municipality"):
            city = request.municipality
        else:
            city = tenancy.current_municipality()
        return user if belongs_here(user, city) else None


def belongs_here(user, city) -> bool:
    """True when ``user`` may act at the host of ``city`` (None: the platform host)."""
    if user.municipality_id is None:
        return True
    return city is not None and user.municipality_id == city.pk


def is_platform_operator(user) -> bool:
    """A superuser of no city: registers cities and their hosts, and sees every city."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_superuser
        and user.municipality_id is None
    )
