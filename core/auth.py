"""Logging in at a city's host: staff and secretaries of that city, and platform operators.

Also the login lockout (django-axes): the handler that measures one client's failures for one
login against ``AXES_FAILURE_LIMIT`` and one address's failures against the higher
``LOGIN_IP_FAILURE_LIMIT``, the Japanese page a locked-out user sees, and lifting a lock.
"""

import copy
import logging
import time
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db.models import Max
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from core import generations, tenancy
from core.security_log import log_security_event


class CityModelBackend(ModelBackend):
    """Django's password login, refused for a user of another city than the host's.

    A platform operator (a superuser with no city) may log in at any host; at the platform
    host only operators may log in. Without a request (a test client's login, a command) the
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
    """True when ``user`` may act at the host of ``city`` (None: the platform host).

    A user with no city is a platform operator only when a superuser; any other user
    without a city (left over, or made by hand) belongs nowhere.
    """
    if user.municipality_id is None:
        return bool(user.is_superuser)
    return city is not None and user.municipality_id == city.pk


def is_platform_operator(user) -> bool:
    """A superuser of no city: registers cities and their hosts, and sees every city."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_superuser
        and user.municipality_id is None
    )


def session_user(request):
    """``django.contrib.auth.get_user(request)``, from the shared cache while the user's row
    is unchanged: what ``core.middleware.AuthenticationMiddleware`` puts in ``request.user``.

    The record (``session-user:<id>``) holds the user as read, without the password hash,
    and the session auth hash (an HMAC of it under ``SECRET_KEY``, which every session of
    the user carries anyway). It is used only while the user's generation is the one read
    before the row was (any save or delete of the user bumps it, ``core.apps``) and only for
    a session whose hash matches it: a changed password, a deactivated user or a rotated
    key go through Django's own check, which logs the session out."""
    session = request.session
    user_id = session.get(auth.SESSION_KEY)
    backend_path = session.get(auth.BACKEND_SESSION_KEY)
    session_hash = session.get(auth.HASH_SESSION_KEY)
    if user_id is None or not session_hash or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    key = f"session-user:{user_id}"
    (generation,), found = generations.read([generations.user_key(user_id)], also=[key])
    record = found.get(key)
    if (
        record is not None
        and record["generation"] == generation
        and record["backend"] == backend_path
        and constant_time_compare(session_hash, record["auth_hash"])
    ):
        return record["user"]
    user = auth.get_user(request)
    if user.is_authenticated and user._meta.pk.value_to_string(user) == str(user_id):
        auth_hash = user.get_session_auth_hash()
        if constant_time_compare(session.get(auth.HASH_SESSION_KEY, ""), auth_hash):
            kept = copy.copy(user)
            kept.__dict__["usable_password"] = user.has_usable_password()
            kept.__dict__.pop("password", None)  # deferred: read from the database if asked
            cache.set(
                key,
                {
                    "generation": generation,
                    "backend": backend_path,
                    "auth_hash": auth_hash,
                    "user": kept,
                },
                settings.DASHBOARD_CACHE_SECONDS,
            )
    return user


def bump_user_generation(sender, instance=None, **kwargs) -> None:
    """Receiver for saves and deletes of users (``core.apps``): retire the cached user."""
    generations.bump_for_change(generations.user_key(instance.pk))


# The time of a session's last request (seconds since the epoch), for
# core.middleware.SessionIdleMiddleware; set at login, so an old stamp never outlives it.
LAST_ACTIVITY_SESSION_KEY = "last_activity"


@receiver(user_logged_in, dispatch_uid="session_activity_starts_at_login")
def _start_activity_clock(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        session[LAST_ACTIVITY_SESSION_KEY] = int(time.time())


def remember_login(session, *, remember: bool) -> None:
    """Keep a new login after the browser closes, or not (「ログインしたままにする」).

    Not remembered: the session cookie ends with the browser. Remembered: it lasts
    ``SESSION_COOKIE_AGE`` from this login at most, however often it is used, and the idle
    limit (``core.middleware.SessionIdleMiddleware``) still ends it sooner.
    """
    if remember:
        session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))
    else:
        session.set_expiry(0)


def remembered_login_days() -> int:
    """The most days a remembered login lasts (``SESSION_COOKIE_AGE``, rounded down)."""
    return max(1, settings.SESSION_COOKIE_AGE // 86400)


# ------------------------------------------------------------------------- lockout


class LoginLockHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for each lockout parameter.

    ``AXES_LOCKOUT_PARAMETERS`` is ``[["username", "ip_address"], "ip_address"]``: one login
    from one address is locked after ``AXES_FAILURE_LIMIT`` failures, one address (whatever
    the logins) after ``LOGIN_IP_FAILURE_LIMIT``. Axes compares a single number with a single
    limit, so the address's count is scaled onto the login's limit:
    ``ip_failures * limit // ip_limit`` reaches ``limit`` exactly when ``ip_failures``
    reaches ``ip_limit``.
    """

    def get_failures(self, request, credentials=None) -> int:
        counts = [_failures(attempts) for attempts in self.get_user_attempts(request, credentials)]
        limit = settings.AXES_FAILURE_LIMIT
        ip_limit = max(getattr(settings, "LOGIN_IP_FAILURE_LIMIT", limit), 1)
        per_login = counts[0] if counts else 0
        per_address = counts[1] if len(counts) > 1 else 0
        return max(per_login, per_address * limit // ip_limit)


def _failures(attempts) -> int:
    return sum(attempts.values_list("failures_since_start", flat=True))


def locked_until(request, credentials=None):
    """When the lock on this request's login and address ends (aware), or None."""
    handler = LoginLockHandler()
    latest = None
    for attempts in handler.get_user_attempts(request, credentials):
        moment = attempts.aggregate(latest=Max("attempt_time"))["latest"]
        if moment is not None and (latest is None or moment > latest):
            latest = moment
    cool_off = get_cool_off(request)
    if latest is None or cool_off is None:
        return None
    return latest + cool_off


def contact_sentence(city) -> str:
    """Whom a locked-out user should call: 「一関市 まちづくり推進部 …にお問い合わせください。」"""
    if city is None:
        return "プラットフォーム運営者にお問い合わせください。"
    if city.department:
        return f"{city.name} {city.department}にお問い合わせください。"
    return f"{city.name}の担当課にお問い合わせください。"


def lockout_response(request, original_response=None, credentials=None):
    """The Japanese page of a refused login while the login or the address is locked."""
    until = locked_until(request, credentials)
    city = getattr(request, "municipality", None)
    context = {
        "locked_until": timezone.localtime(until) if until else None,
        "lockout_minutes": int(get_cool_off(request).total_seconds() // 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "contact": contact_sentence(city),
    }
    # Rendered here: axes returns it from a middleware, after template responses are rendered.
    return render(
        request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )


def lift_login_locks(request, usernames) -> int:
    """Remove the failed attempts of ``usernames`` (all addresses); returns rows removed.

    Also lifts an address's lock as far as these logins' failures made it. Written to the
    security log as ``lock_lifted``.
    """
    usernames = sorted(set(usernames))
    removed, _ = AccessAttempt.objects.filter(username__in=usernames).delete()
    log_security_event(request, "lock_lifted", usernames=usernames, attempts=removed)
    return removed


@receiver(user_locked_out, dispatch_uid="security_log_login_locked")
def _login_locked(sender, request, username, ip_address, **kwargs):
    log_security_event(
        request,
        "login_locked",
        level=logging.WARNING,
        username=str(username or "")[:150],
        locked_until=locked_until(request, getattr(request, "axes_credentials", None)),
    )
