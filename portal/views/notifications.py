"""The secretary's e-mail settings (/portal/notifications/): their own addresses and choices."""

from django.contrib import messages
from django.shortcuts import redirect, render

from councils.access import secretary_required
from notifications.models import SECRETARY_KINDS, ContactAddress, NoticePreference
from notifications.services import contact_settings_save

from ..forms.notifications import NoticeSettingsForm


def _initial(user) -> dict:
    preference = NoticePreference.objects.filter(user=user).first() or NoticePreference()
    addresses = ContactAddress.objects.filter(user=user).order_by("pk")
    return {
        "addresses": "\n".join(a.email for a in addresses),
        **{kind.value: preference.wants(kind.value) for kind in SECRETARY_KINDS},
    }


@secretary_required
def notice_settings(request):
    form = NoticeSettingsForm(request.POST or None, initial=_initial(request.user))
    if request.method == "POST" and form.is_valid():
        contact_settings_save(
            user=request.user, addresses=form.cleaned_data["addresses"], wanted=form.wanted
        )
        messages.success(request, "メールの受信設定を保存しました。")
        return redirect("portal:notice_settings")
    return render(request, "portal/notifications/settings.html", {"form": form})
