"""Two-factor login for staff (django-otp): who must use it, setting up an authenticator app,
recovery codes, and checking a code.

Platform operators always need a second factor; a city's staff when the city's 自治体設定
says so (``Municipality.staff_two_factor_required``). Secretaries are not asked. The pages are
in ``core.otp_views``; ``core.middleware.TwoFactorMiddleware`` sends a user who needs it
there before anything else.
"""

import math
import re
from base64 import b32encode
from dataclasses import dataclass

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.models import MAX_THROTTLE_DELAY_SECONDS
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.auth import is_platform_operator

TOTP_NAME = "認証アプリ"
RECOVERY_NAME = "回復コード"


def two_factor_required(user, city) -> bool:
    """True when ``user``, acting at the host of ``city`` (None: platform), needs a second
    factor: a platform operator always, a city's staff when their city asks."""
    if not getattr(settings, "TWO_FACTOR_ENFORCED", True):
        return False
    if user is None or not user.is_authenticated:
        return False
    if is_platform_operator(user):
        return True
    if not user.is_staff or user.municipality_id is None:
        return False
    if city is not None and city.pk == user.municipality_id:
        return bool(city.staff_two_factor_required)
    return bool(user.municipality.staff_two_factor_required)


def is_verified(user) -> bool:
    """True when the session passed a second factor (``django_otp.middleware``)."""
    verified = getattr(user, "is_verified", None)
    return bool(verified()) if callable(verified) else False


def two_factor_satisfied(request) -> bool:
    """True unless the request's user needs a second factor and has not given one."""
    user = getattr(request, "user", None)
    if not two_factor_required(user, getattr(request, "municipality", None)):
        return True
    return is_verified(user)


def totp_device(user, *, confirmed=True):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def has_totp_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed authenticator-app device being set up for ``user`` (made once)."""
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@dataclass(frozen=True)
class SetupSheet:
    """What the setup page shows: the QR code as inline SVG markup and the secret typed by
    hand, in groups of four."""

    qr_svg: str
    secret: str
    config_url: str


def setup_sheet(device: TOTPDevice) -> SetupSheet:
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    url = device.config_url
    # Inline SVG: no script and no style attribute, so it passes a strict CSP.
    svg = segno.make(url, error="m").svg_inline(
        scale=4, title="認証アプリに読み取らせるQRコード", svgclass="qr-code", lineclass=None
    )
    return SetupSheet(qr_svg=svg, secret=grouped, config_url=url)


def normalise_code(code: str) -> str:
    """A code as typed (spaces, hyphens, full-width digits, capitals) in its stored form."""
    code = (code or "").translate(_FULL_WIDTH).strip().lower()
    return re.sub(r"[\s\-ー－]", "", code)


_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def confirm_totp_device(user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm ``device`` with a code from the app; returns fresh recovery codes, or None
    when the code is wrong. Replaces the user's earlier devices."""
    with transaction.atomic():
        if not device.verify_token(normalise_code(code)):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return issue_recovery_codes(user)


def issue_recovery_codes(user) -> list[str]:
    """New recovery codes for ``user`` (the old ones stop working), each usable once."""
    count = getattr(settings, "TWO_FACTOR_RECOVERY_CODES", 10)
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = []
    while len(codes) < count:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def format_recovery_code(code: str) -> str:
    """「abcd-efgh」: eight characters read in two halves."""
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


def check_code(user, code: str):
    """The device that accepts ``code`` (six digits: the app; otherwise a recovery code,
    used up by this), or None. Devices throttle repeated wrong codes themselves."""
    code = normalise_code(code)
    if not code:
        return None
    kind = TOTPDevice if re.fullmatch(r"[0-9]{6}", code) else StaticDevice
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if isinstance(device, kind) and device.verify_token(code):
                return device
    return None


def wait_seconds(user) -> int:
    """Seconds before ``user``'s devices take another code after repeated wrong ones
    (django-otp doubles the wait at each failure: 1, 2, 4, … seconds), 0 when none."""
    waits = [0.0]
    for device in devices_for_user(user):
        allowed, _info = device.verify_is_allowed()
        if allowed or device.throttling_failure_timestamp is None:
            continue
        required = min(
            device.get_throttle_factor() * 2 ** (device.throttling_failure_count - 1),
            MAX_THROTTLE_DELAY_SECONDS,
        )
        elapsed = (timezone.now() - device.throttling_failure_timestamp).total_seconds()
        waits.append(required - elapsed)
    return max(0, math.ceil(max(waits)))


def reset_two_factor(user) -> int:
    """Remove every second-factor device of ``user``: set up again at the next login."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        count, _ = model.objects.filter(user=user).delete()
        removed += count
    return removed
