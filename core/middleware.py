import logging
import time
from contextlib import nullcontext
from urllib.parse import urlencode

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with the session's user read through the shared cache
    (``core.auth.session_user``): a page answered from the cache asks no database."""

    def process_request(self, request):
        super().process_request(request)

        def user():
            if not hasattr(request, "_cached_user"):
                from core.auth import session_user

                request._cached_user = session_user(request)
            return request._cached_user

        request.user = SimpleLazyObject(user)


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


# ------------------------------------------------------------------ logins and sessions

# The stamp is rewritten at most this often, so that a session is not saved on every request.
LAST_ACTIVITY_RESOLUTION = 60


def idle_minutes(user, city) -> int:
    """How long ``user``'s session may sit idle at the host of ``city``: the city's
    無操作 time for its own users, the platform's ``SESSION_IDLE_MINUTES`` for operators."""
    if city is not None and user.municipality_id == city.pk:
        return city.session_idle_minutes
    return settings.SESSION_IDLE_MINUTES


class SessionIdleMiddleware:
    """End a session left idle longer than ``idle_minutes``: log out, say so on the login
    page, and come back to the same page after logging in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from core.auth import LAST_ACTIVITY_SESSION_KEY

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = int(time.time())
        last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
        minutes = idle_minutes(user, getattr(request, "municipality", None))
        if isinstance(last, int) and now - last > minutes * 60:
            return self._expired(request, minutes, idle_seconds=now - last)
        if not isinstance(last, int) or now - last >= LAST_ACTIVITY_RESOLUTION:
            request.session[LAST_ACTIVITY_SESSION_KEY] = now
        return self.get_response(request)

    def _expired(self, request, minutes, *, idle_seconds):
        from core.security_log import log_security_event

        log_security_event(request, "session_expired", idle_seconds=idle_seconds)
        logout(request)
        messages.info(
            request,
            f"操作がないまま{minutes}分が過ぎたため、安全のためログアウトしました。"
            "もう一度ログインしてください。",
        )
        name = "admin:login" if request.path.startswith("/admin/") else "login"
        try:
            login_url = reverse(name)
        except NoReverseMatch:
            return self.get_response(request)
        next_url = request.get_full_path() if request.method == "GET" else request.path
        return redirect_to_login(next_url, login_url)


# Pages a user who still owes a second factor may open; the first password is changed
# before the second factor is set up (ForcePasswordChangeMiddleware comes first), and only
# then may the password pages be opened without it.
TWO_FACTOR_OPEN_PAGES = (
    "two_factor_verify",
    "two_factor_setup",
    "two_factor_recovery_codes",
    "logout",
    "admin:logout",
)
FIRST_PASSWORD_PAGES = ("password_change", "password_change_done")


class TwoFactorMiddleware:
    """Send a user who needs a second factor (``core.two_factor.two_factor_required``) and
    has not given one to the code page, or to set up an authenticator app first, before any
    other page: the admin included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from core import two_factor

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith("/static/")
            and not two_factor.two_factor_satisfied(request)
            and request.path not in _open_pages(user)
        ):
            name = "two_factor_verify" if two_factor.has_totp_device(user) else "two_factor_setup"
            try:
                target = reverse(name)
            except NoReverseMatch:  # a host that serves no pages at all
                return self.get_response(request)
            next_url = request.get_full_path() if request.method == "GET" else request.path
            return redirect(f"{target}?{urlencode({'next': next_url})}")
        return self.get_response(request)


def _open_pages(user) -> set[str]:
    names = TWO_FACTOR_OPEN_PAGES
    if user.must_change_password:
        names += FIRST_PASSWORD_PAGES
    pages = set()
    for name in names:
        try:
            pages.add(reverse(name))
        except NoReverseMatch:
            continue
    return pages


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on the admin, the portal and the login pages
    (``NO_STORE_PATH_PREFIXES``): what one user saw is never kept by a browser or a proxy.
    Public pages keep their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(tuple(settings.NO_STORE_PATH_PREFIXES)):
            patch_cache_control(response, no_store=True, private=True)
        return response


class SecurityLogMiddleware:
    """Write to the security log what a logged-in user was refused (403) and what they
    downloaded from the admin (an attachment: an export of rows, a ledger, a file)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        from core.security_log import log_security_event

        if response.status_code == 403:
            log_security_event(
                request, "permission_denied", level=logging.WARNING, status=response.status_code
            )
        elif request.path.startswith("/admin/") and response.get(
            "Content-Disposition", ""
        ).startswith("attachment"):
            log_security_event(
                request,
                "data_exported",
                content_type=response.get("Content-Type", ""),
                disposition=response["Content-Disposition"][:300],
            )
        return response


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
