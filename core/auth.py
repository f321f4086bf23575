"""Logging in at a city's host: staff and secretaries of that city, and platform operators."""

from django.contrib.auth.backends import ModelBackend


class CityModelBackend(ModelBackend):
    """Django's password login, refused for a user of another city than the host's.

    A platform operator (a user with no city) may log in at any host; at the platform host
    only operators may log in.
    """

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        return belongs_here(user, getattr(self, "_request_city", None))

    def authenticate(self, request, username=None, password=None, **kwargs):
        self._request_city = getattr(request, "municipality", None) if request else None
        try:
            return super().authenticate(request, username, password, **kwargs)
        finally:
            self._request_city = None


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
