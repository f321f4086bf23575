"""The secretary's e-mail settings (/portal/notifications/): their own addresses and choices,
and the confirmation of a new address by the link sent to it."""

from django.contrib import messages
from django.shortcuts import redirect, render

from core.tenancy import current_municipality
from councils.access import secretary_required
from notifications.models import SECRETARY_KINDS, ContactAddress, NoticePreference
from notifications.services import contact_address_confirm, contact_settings_save

from ..forms.notifications import NoticeSettingsForm


def _initial(user, addresses) -> dict:
    preference = NoticePreference.objects.filter(user=user).first() or NoticePreference()
    return {
        "addresses": "\n".join(a.email for a in addresses),
        **{kind.value: preference.wants(kind.value) for kind in SECRETARY_KINDS},
    }


@secretary_required
def notice_settings(request):
    addresses = list(ContactAddress.objects.filter(user=request.user).order_by("pk"))
    form = NoticeSettingsForm(request.POST or None, initial=_initial(request.user, addresses))
    if request.method == "POST" and form.is_valid():
        added = contact_settings_save(
            user=request.user,
            city=current_municipality(),
            addresses=form.cleaned_data["addresses"],
            wanted=form.wanted,
        )
        text = "メールの受信設定を保存しました。"
        if added:
            text += "新しく登録したアドレスに確認のメールを送りました。メールのリンクから確認すると、お知らせが届くようになります。"
        messages.success(request, text)
        return redirect("portal:notice_settings")
    return render(
        request, "portal/notifications/settings.html", {"form": form, "addresses": addresses}
    )


@secretary_required
def notice_confirm(request):
    """GET shows the address to confirm (a link opened by a mail scanner confirms nothing);
    POST confirms it."""
    token = request.POST.get("token") or request.GET.get("token") or ""
    address = ContactAddress.objects.filter(user=request.user, confirmation_token=token).first()
    if request.method == "POST" and address is not None:
        contact_address_confirm(user=request.user, token=token)
        messages.success(
            request, f"{address.email} を確認しました。お知らせがこのアドレスにも届きます。"
        )
        return redirect("portal:notice_settings")
    return render(
        request, "portal/notifications/confirm.html", {"address": address, "token": token}
    )
