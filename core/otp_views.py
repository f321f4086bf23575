"""The second-factor pages: the code asked after the password, setting up an authenticator
app, and the recovery codes shown once. The rules are in ``core.two_factor``."""

import logging
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from core import two_factor
from core.security_log import log_security_event

NEW_CODES_SESSION_KEY = "two_factor_new_recovery_codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="確認コード",
        max_length=32,
        help_text="認証アプリに表示されている6桁の数字、または回復コード（例: abcd-efgh）。",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        error_messages={"required": "確認コードを入力してください。"},
    )


class SetupCodeForm(CodeForm):
    code = forms.CharField(
        label="確認コード（6桁の数字）",
        max_length=32,
        help_text="認証アプリに登録したあと、アプリに表示されている6桁の数字を入力してください。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": "確認コードを入力してください。"},
    )


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/admin/"


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """After the password: a code from the authenticator app or a recovery code."""
    user = request.user
    next_url = _next_url(request)
    if not two_factor.two_factor_required(user, request.municipality):
        return HttpResponseRedirect(next_url)
    if two_factor.is_verified(user):
        return HttpResponseRedirect(next_url)
    if not two_factor.has_totp_device(user):
        return redirect(_with_next("two_factor_setup", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.check_code(user, form.cleaned_data["code"])
        if device is None:
            log_security_event(request, "two_factor_failed", level=logging.WARNING)
            form.add_error(
                "code",
                "確認コードが違うか、有効期限（30秒ごとに変わります）が切れています。"
                "認証アプリに表示されている最新の6桁、または未使用の回復コードを入力してください。",
            )
            wait = two_factor.wait_seconds(user)
            if wait:
                form.add_error(
                    "code",
                    f"誤りが続いたため、{wait}秒たつまで確認コードを受け付けません"
                    "（誤るたびに待ち時間が倍になります）。",
                )
        else:
            recovery = isinstance(device, StaticDevice)
            request.session.cycle_key()
            otp_login(request, device)
            log_security_event(
                request, "two_factor_succeeded", method="recovery_code" if recovery else "totp"
            )
            if recovery:
                left = device.token_set.count()
                messages.warning(
                    request,
                    f"回復コードでログインしました（使ったコードは使えなくなりました。残り{left}個）。"
                    "スマートフォンを替えた場合は、認証アプリを設定し直してください。",
                )
            return HttpResponseRedirect(next_url)
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Register an authenticator app: QR code and secret, then one code to confirm."""
    user = request.user
    next_url = _next_url(request)
    if not two_factor.two_factor_required(user, request.municipality):
        return HttpResponseRedirect(next_url)
    if two_factor.has_totp_device(user) and not two_factor.is_verified(user):
        # Replacing the app needs the present one (or a recovery code) first.
        return redirect(_with_next("two_factor_verify", next_url))
    device = two_factor.pending_totp_device(user)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_totp_device(user, device, form.cleaned_data["code"])
        if codes is None:
            log_security_event(request, "two_factor_failed", level=logging.WARNING, step="setup")
            form.add_error(
                "code",
                "確認コードが違います。認証アプリにこの画面のQRコード（または秘密の鍵）を"
                "登録したか確かめ、アプリに表示されている最新の6桁を入力してください。",
            )
        else:
            request.session.cycle_key()
            otp_login(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            log_security_event(request, "two_factor_enabled")
            return redirect(_with_next("two_factor_recovery_codes", next_url))
    context = {"form": form, "sheet": two_factor.setup_sheet(device), "next": next_url}
    return render(request, "registration/two_factor_setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """The recovery codes, shown once right after they are made; POST makes new ones."""
    user = request.user
    next_url = _next_url(request)
    if not two_factor.is_verified(user):
        return redirect(_with_next("two_factor_verify", next_url))
    if request.method == "POST":
        request.session[NEW_CODES_SESSION_KEY] = two_factor.issue_recovery_codes(user)
        log_security_event(request, "recovery_codes_issued")
        return redirect(_with_next("two_factor_recovery_codes", next_url))
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    context = {
        "codes": [two_factor.format_recovery_code(code) for code in codes or []],
        "next": next_url,
    }
    return render(request, "registration/two_factor_recovery_codes.html", context)


urlpatterns = [
    path("", verify, name="two_factor_verify"),
    path("setup/", setup, name="two_factor_setup"),
    path("recovery-codes/", recovery_codes, name="two_factor_recovery_codes"),
]
