"""The secretary's small forms on an application: withdraw, change request. The report's
form is subsidies.forms.ReportForm, shared with staff's 窓口代行入力."""

from django import forms

from subsidies.forms import YenFormField


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label="取下げの理由", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ChangeRequestForm(forms.Form):
    amount = YenFormField(label="変更後の申請額（円）")
    comment = forms.CharField(label="変更の理由", widget=forms.Textarea(attrs={"rows": 4}))
