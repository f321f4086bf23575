from contextlib import nullcontext

from django.shortcuts import redirect
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """Send a user holding an issued first password to the change form before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {
                reverse("password_change"),
                reverse("password_change_done"),
                reverse("logout"),
                reverse("admin:logout"),
            }
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("password_change")
        return self.get_response(request)


class CityMiddleware:
    """Put the city served at the request's host in force for the whole request.

    A host no city claims is the platform's when it is one of ``PLATFORM_HOSTS`` (it lists the
    cities and lets platform operators in), and a Japanese 404 otherwise. An install with a
    single city serves it at every host. A user of another city counts as logged out here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from core import tenancy
        from core.auth import is_platform_operator
        from core.cities import city_for_host, is_platform_host

        host = request.get_host()
        city = city_for_host(host)
        request.municipality = city
        if city is None:
            request.urlconf = (
                "config.platform_urls" if is_platform_host(host) else "config.unknown_host_urls"
            )
            if _belongs_elsewhere(request, None):
                _treat_as_anonymous(request)
            operator = is_platform_operator(getattr(request, "user", None))
            with tenancy.all_cities() if operator else nullcontext():
                return self.get_response(request)
        if _belongs_elsewhere(request, city):
            _treat_as_anonymous(request)
        with tenancy.city_scope(city):
            return self.get_response(request)


def _belongs_elsewhere(request, city) -> bool:
    from core.auth import belongs_here

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return not belongs_here(user, city)


def _treat_as_anonymous(request):
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
