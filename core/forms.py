from datetime import date, datetime

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError

from .calendar import WarekiDateError, parse_wareki_date, wareki_date

WAREKI_PLACEHOLDER = "例: 令和8年4月1日"


class WarekiDateInput(forms.TextInput):
    """A date typed as text and shown in 和暦 (令和8年4月1日).

    Not ``type=date``: a phone's date picker is Gregorian only and would hide the era.
    """

    def __init__(self, attrs=None):
        attrs = {"placeholder": WAREKI_PLACEHOLDER, "autocomplete": "off", **(attrs or {})}
        super().__init__(attrs)

    def format_value(self, value):
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return wareki_date(value)
        return super().format_value(value)


class AdminWarekiDateInput(WarekiDateInput):
    """The admin's 和暦 date input, sized like the admin's own date fields."""

    def __init__(self, attrs=None):
        super().__init__({"class": "vDateField wareki-date", "size": "16", **(attrs or {})})


class WarekiDateField(forms.DateField):
    """A date typed in 和暦 or Western form (see ``core.calendar.parse_wareki_date``); a day
    that does not exist gets its own sentence (令和元年4月30日はありません…)."""

    widget = WarekiDateInput
    default_error_messages = {"required": "日付を入力してください。"}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return parse_wareki_date(value)
        except WarekiDateError as error:
            raise ValidationError(error.message, code=error.code) from None


class AdminWarekiSplitDateTime(forms.SplitDateTimeWidget):
    """The admin's date and time: the date typed and shown in 和暦, the time as 13:05."""

    def __init__(self, attrs=None):
        widgets = (
            AdminWarekiDateInput(attrs),
            forms.TimeInput(
                {"class": "vTimeField", "size": "8", "placeholder": "例: 13:05", **(attrs or {})},
                "%H:%M",
            ),
        )
        forms.MultiWidget.__init__(self, widgets, attrs)


class WarekiSplitDateTimeField(forms.SplitDateTimeField):
    """A date (in 和暦 or Western form, see ``WarekiDateField``) and a time."""

    widget = AdminWarekiSplitDateTime

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        date_field = WarekiDateField(localize=self.localize)
        date_field.required = False  # as SplitDateTimeField's own: compress() asks for it
        self.fields = (date_field, self.fields[1])


class FirstPasswordChangeForm(PasswordChangeForm):
    """Password change that also clears the issued-password flag."""

    def save(self, commit=True):
        user = super().save(commit=False)
        user.must_change_password = False
        if commit:
            user.save(update_fields=["password", "must_change_password"])
        return user
