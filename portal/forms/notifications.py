"""The secretary's e-mail settings: addresses for the city's notices and what to receive."""

from django import forms
from django.core.exceptions import ValidationError

from notifications.models import MAX_ADDRESSES, SECRETARY_KINDS
from notifications.services import parse_addresses


class NoticeSettingsForm(forms.Form):
    addresses = forms.CharField(
        label="通知を受け取るメールアドレス（任意）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "email", "inputmode": "email"}),
        help_text=(
            f"1行に1件、{MAX_ADDRESSES}件まで。空欄にするとメールは届かず、"
            "お知らせは事務局トップにだけ表示されます。"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in SECRETARY_KINDS:
            self.fields[kind.value] = forms.BooleanField(
                label=f"{kind.label}をメールで受け取る", required=False
            )

    def clean_addresses(self):
        try:
            return parse_addresses(self.cleaned_data["addresses"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages, code=error.code) from None

    @property
    def wanted(self) -> dict[str, bool]:
        return {kind.value: self.cleaned_data[kind.value] for kind in SECRETARY_KINDS}
