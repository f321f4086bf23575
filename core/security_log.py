"""The security log: who did what that matters for access, when, from where, in which city.

Every record goes to the logger ``security`` with its fields in ``record.security`` (a flat
dict of strings and numbers), which ``JsonFormatter`` writes as one JSON object a line. The
events: ``login_succeeded``, ``login_failed``, ``login_locked``, ``lock_lifted``,
``two_factor_failed``, ``two_factor_succeeded``, ``two_factor_enabled``,
``two_factor_reset``, ``session_expired``, ``permission_denied``, ``secretary_account_issued``,
``data_exported``. A password is never a field.
"""

import ipaddress
import json
import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

logger = logging.getLogger("security")


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT`` proxies the
    X-Forwarded-For entry that many places from its right end (each proxy appends the
    address it received the request from, so entries further left are the client's word).

    With no proxy setting the header is ignored, as anyone can send it. An entry that is not
    an IP address falls back to REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def log_security_event(request, event: str, *, user=None, level=logging.INFO, **fields) -> dict:
    """Write one security record for ``event`` and return its fields.

    ``user`` defaults to the request's logged-in user; ``fields`` add what the event needs
    (``username`` tried, ``council``, ``model``, ...). ``request`` may be None (a command).
    """
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    city = getattr(request, "municipality", None) if request is not None else None
    record = {
        "event": event,
        "at": timezone.now().isoformat(),
        "user": user.get_username() if user is not None else "",
        "user_id": user.pk if user is not None else None,
        "ip": client_ip(request) if request is not None else None,
        "city": (city.slug or city.name) if city is not None else "",
        "path": request.path if request is not None and hasattr(request, "path") else "",
        "method": getattr(request, "method", "") or "",
    }
    record.update({key: _plain(value) for key, value in fields.items()})
    logger.log(level, "%s", event, extra={"security": record})
    return record


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_plain(item) for item in value]
    return str(value)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: the record's time and level, then its security fields."""

    def format(self, record):
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
        }
        data.update(getattr(record, "security", None) or {"message": record.getMessage()})
        return json.dumps(data, ensure_ascii=False, default=str)


@receiver(user_logged_in, dispatch_uid="security_log_login_succeeded")
def _login_succeeded(sender, request, user, **kwargs):
    if request is None or not getattr(request, "method", None):
        return  # a test client's force_login, not a login over HTTP
    log_security_event(request, "login_succeeded", user=user)


@receiver(user_login_failed, dispatch_uid="security_log_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    log_security_event(
        request,
        "login_failed",
        level=logging.WARNING,
        username=str(credentials.get("username", ""))[:150],
        locked=bool(getattr(request, "axes_locked_out", False)),
    )
