"""The secretary's small forms on an application: withdraw, change request, report."""

from django import forms

from subsidies.forms import YenFormField


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label="取下げの理由", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ChangeRequestForm(forms.Form):
    amount = YenFormField(label="変更後の申請額（円）")
    comment = forms.CharField(label="変更の理由", widget=forms.Textarea(attrs={"rows": 4}))


class ReportForm(forms.Form):
    report_text = forms.CharField(
        label="実施内容",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="実施した内容、開催回数、延べ参加人数など。",
    )
