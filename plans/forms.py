"""Forms of the admin review pages (one review step of a plan or progress entry)."""

from django import forms

from .models import PlanAction, ProgressAction


class WorkflowForm(forms.Form):
    """One review step: the action (from those allowed now) and a comment or reason."""

    action = forms.ChoiceField(label="操作", widget=forms.RadioSelect)
    comment = forms.CharField(
        label="所見・理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "差戻し・再開・所見の記入では必須です。承認・承認して公開の際に入力すると"
            "所見として記録されます。"
        ),
    )

    def __init__(self, *args, actions, labels, help_text=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, labels(a).label) for a in actions]
        if help_text:
            self.fields["comment"].help_text = help_text


def progress_workflow_form(data=None, *, actions):
    return WorkflowForm(data, actions=actions, labels=ProgressAction)


def plan_workflow_form(data=None, *, actions):
    return WorkflowForm(
        data,
        actions=actions,
        labels=PlanAction,
        help_text="差戻しでは必須です。公開時に入力するとコメントとして記録されます。",
    )
