from contextlib import nullcontext

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse
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


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY), with what the admin needs.

    The admin pages (Django's, django-simple-history's, django-import-export's and ours) carry
    <style> blocks and style attributes, so under ``CSP_ADMIN_PATH_PREFIX`` styles may be
    inline. Scripts stay 'self' everywhere: the admin's are static files.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        prefix = getattr(settings, "CSP_ADMIN_PATH_PREFIX", "/admin/")
        if not report_only and request.path_info.startswith(prefix):
            parts.update = {**(parts.update or {}), "style-src": ["'unsafe-inline'"]}
        return parts


class PermissionsPolicyMiddleware:
    """Send a Permissions-Policy header refusing the browser features no page uses
    (settings.PERMISSIONS_POLICY: feature → allowed origins, an empty list for none)."""

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "PERMISSIONS_POLICY", {})
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in policy.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response


class RequestSizeLimitMiddleware:
    """Answer a Japanese 413 page to a request whose body is over ``REQUEST_MAX_BYTES``,
    files included, before anything reads it. (Django's own DATA_UPLOAD_MAX_* limits cover
    the form fields; what they refuse gets the Japanese 400 page.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = getattr(settings, "REQUEST_MAX_BYTES", None)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit and length > limit:
            return request_too_large(request, limit)
        return self.get_response(request)


def request_too_large(request, limit: int):
    from django.template.loader import render_to_string

    megabyte = 1024 * 1024
    size = f"{limit / megabyte:.0f}MB" if limit >= megabyte else f"{-(-limit // 1024)}KB"
    body = render_to_string("413.html", {"limit": size})
    response = HttpResponse(body, status=413)
    # The body was not read: close the connection rather than read on through it.
    response["Connection"] = "close"
    return response
