"""Forms of the grant lifecycle shared by the secretary portal and the admin (the
application, its expense lines, uploads checked by content), service errors put back on
them, and the small forms staff fill for each transition."""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from core import calendar
from core.calendar import fiscal_year_label
from core.forms import WarekiDateField, WarekiDateInput
from core.validators import MaxYenValidator

from . import services, settlement
from .models import (
    Application,
    ApplicationAction,
    AttachmentKind,
    ExpenseCategory,
    LineKind,
    SubsidyProgramme,
)
from .services import LineInput

# The first bytes of each file type we accept. Names and browser-sent types are not trusted.
MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def add_errors(form, error: ValidationError, formset=None) -> None:
    """Put a service error next to the field it is about, else at the top of the form."""
    items = error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.error_list)]
    for field, errors in items:
        for item in errors:
            if field in form.fields:
                form.add_error(field, item)
            elif formset is not None and item.code in ("no_lines", "category_not_allowed"):
                formset._non_form_errors = formset.error_class(
                    [*formset.non_form_errors(), *item.messages], renderer=formset.renderer
                )
            else:
                form.add_error(None, item)


def sniff_content_type(upload) -> str | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def validate_upload(upload) -> str:
    """The upload's content type, from its first bytes and then by opening it as that type;
    ValidationError when not allowed.

    Codes: empty_file, file_too_large (limit: settings.SUBSIDY_UPLOAD_MAX_BYTES),
    file_type_not_allowed (only PDF, JPEG and PNG by content), file_not_readable (it starts
    like one but does not open as one: a PDF header followed by HTML), image_too_large (more
    pixels than settings.UPLOAD_IMAGE_MAX_PIXELS).
    """
    limit = settings.SUBSIDY_UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(
            "「%(name)s」は空のファイルです。", code="empty_file", params={"name": upload.name}
        )
    if upload.size > limit:
        raise ValidationError(
            "「%(name)s」は%(size)sで、上限の%(limit)sを超えています。",
            code="file_too_large",
            params={"name": upload.name, "size": _mb(upload.size), "limit": _mb(limit)},
        )
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise ValidationError(
            "「%(name)s」はPDF・JPEG・PNGのいずれでもありません（ファイルの中身で判定しています）。",
            code="file_type_not_allowed",
            params={"name": upload.name},
        )
    if content_type == "application/pdf":
        _check_pdf(upload)
    else:
        _check_image(upload, content_type)
    upload.seek(0)
    return content_type


KIND_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG画像", "image/png": "PNG画像"}


def _not_readable(upload, content_type) -> ValidationError:
    return ValidationError(
        "「%(name)s」は%(kind)sとして開けません。ファイルが壊れているか、%(kind)sではありません。",
        code="file_not_readable",
        params={"name": upload.name, "kind": KIND_NAMES[content_type]},
    )


def _check_pdf(upload) -> None:
    """Open the file with pypdf and read every page's size: a file that merely starts with
    %PDF- does not get through."""
    from pypdf import PdfReader

    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        pages = reader.pages
        if len(pages) == 0:
            raise ValueError("no pages")
        for page in pages:
            _ = page.mediabox
    except Exception as error:  # pypdf raises many kinds of error for a broken file
        raise _not_readable(upload, "application/pdf") from error


def _check_image(upload, content_type) -> None:
    """Open the file with Pillow: its format must be the one its first bytes claim, its size
    within the pixel limit (checked from the header, before anything is decoded), and the
    whole image must decode."""
    from PIL import Image, ImageFile

    limit = settings.UPLOAD_IMAGE_MAX_PIXELS
    too_large = ValidationError(
        "「%(name)s」は画素数が多すぎます（%(limit)s万画素まで）。縮小してから添付してください。",
        code="image_too_large",
        params={"name": upload.name, "limit": f"{limit // 10_000:,}"},
    )
    expected = {"image/jpeg": "JPEG", "image/png": "PNG"}[content_type]
    upload.seek(0)
    # WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES when imported (for every thread);
    # a truncated upload must still fail here.
    load_truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(upload, formats=[expected]) as image:
            width, height = image.size
            if width * height > limit:
                raise too_large
            image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:  # Pillow's own limit, met before ours is checked
        raise too_large from None
    except Exception as error:  # UnidentifiedImageError, OSError (truncated), SyntaxError
        raise _not_readable(upload, content_type) from error
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = load_truncated


def _mb(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f}KB"
    return f"{size / 1024 / 1024:.1f}MB"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadsField(forms.FileField):
    """Several files in one input; each checked by :func:`validate_upload`.

    Cleans to a list of (upload, content_type).
    """

    widget = MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        errors, cleaned = [], []
        for upload in files:
            try:
                cleaned.append((upload, validate_upload(upload)))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return cleaned


class YenFormField(forms.IntegerField):
    """Whole yen as typed by people: accepts 1,000, １０００, 1000円; refuses 1.5, -1 and more
    than ``core.validators.MAX_YEN``."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": "金額は円単位の整数で入力してください。",
        "required": "金額を入力してください。",
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        for validator in self.validators:
            if getattr(validator, "code", "") == "min_value":
                validator.message = "金額は0円以上で入力してください。"
                validator.code = "negative_amount"
        self.validators.append(MaxYenValidator())

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip()
            value = value.replace(",", "").replace("円", "").replace("¥", "").strip()
            if value and not value.lstrip("-").isdigit():
                raise ValidationError(self.error_messages["invalid"], code="non_integer_amount")
        return super().to_python(value)


class DateInput(WarekiDateInput):
    """The portal's date input: typed in 和暦 or Western form, shown in 和暦."""


def fiscal_year_choices(today=None) -> list[tuple[int, str]]:
    """Last year (so a late filing gets a clear message), this year and next."""
    current = calendar.fiscal_year(today or timezone.localdate())
    return [(y, fiscal_year_label(y)) for y in (current + 1, current, current - 1)]


class ApplicationForm(forms.ModelForm):
    """The whole application on one page. With ``rule`` (the programme's rule for the year)
    it asks only what that rule needs: テーマ only when the rule limits applications per
    theme. A new application's project period starts as the whole fiscal year."""

    fiscal_year = forms.TypedChoiceField(label="年度", coerce=int)
    requested_amount = YenFormField(
        label="申請額（円）",
        required=False,
        help_text="空欄のままなら、計算上の交付可能額（下に表示）で申請します。"
        "それを超える額は申請できません。",
    )

    class Meta:
        model = Application
        fields = [
            "programme",
            "fiscal_year",
            "title",
            "theme",
            "purpose",
            "work_starts_on",
            "work_ends_on",
            "requested_amount",
        ]
        widgets = {
            "work_starts_on": DateInput(),
            "work_ends_on": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"work_starts_on": WarekiDateField, "work_ends_on": WarekiDateField}

    def __init__(self, *args, rule=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = SubsidyProgramme.objects.order_by("sort_order", "code")
        self.fields["programme"].empty_label = "選んでください"
        self.fields["fiscal_year"].choices = fiscal_year_choices()
        if rule is not None and not rule.max_applications_per_theme:
            del self.fields["theme"]
        if not self.instance.pk:
            year = self.initial.setdefault(
                "fiscal_year", calendar.fiscal_year(timezone.localdate())
            )
            self.initial.setdefault("work_starts_on", calendar.fiscal_year_start(int(year)))
            self.initial.setdefault("work_ends_on", calendar.fiscal_year_end(int(year)))

    def field_values(self) -> dict:
        """The cleaned model fields except programme and year (passed apart); a theme the
        form did not ask for is kept as it was."""
        names = ["title", "purpose", "work_starts_on", "work_ends_on", "requested_amount"]
        if "theme" in self.fields:
            names.append("theme")
        return {name: self.cleaned_data.get(name) for name in names}


class StartForm(forms.Form):
    """The programme and year of a new application, read from the query string or the
    posted form before the application form is built: they decide its fields and first
    lines (the registered secretariat labour cost when the rule pays labour)."""

    programme = forms.ModelChoiceField(
        label="補助制度", queryset=SubsidyProgramme.objects.none(), empty_label="選んでください"
    )
    fiscal_year = forms.TypedChoiceField(label="年度", coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = SubsidyProgramme.objects.order_by("sort_order", "code")
        self.fields["fiscal_year"].choices = fiscal_year_choices()
        self.initial.setdefault("fiscal_year", calendar.fiscal_year(timezone.localdate()))


class CategoryField(forms.ChoiceField):
    """経費区分: a choice among categories read once for the whole formset.

    A ModelChoiceField asks the database for its choices when each line renders and again
    when each line is checked, so a form of 50 lines would run 100 queries; this field is
    given the list once (``categories``) and looks the chosen one up in it.
    """

    def __init__(self, *, categories=(), empty_label="選んでください", **kwargs):
        self.empty_label = empty_label
        super().__init__(**kwargs)
        self.categories = categories

    @property
    def categories(self) -> list:
        return list(self._by_pk.values())

    @categories.setter
    def categories(self, categories) -> None:
        self._by_pk = {str(category.pk): category for category in categories}
        self.choices = [("", self.empty_label)] + [
            (pk, str(category)) for pk, category in self._by_pk.items()
        ]

    def prepare_value(self, value):
        return str(value.pk) if hasattr(value, "pk") else value

    def to_python(self, value):
        value = self.prepare_value(value)
        return "" if value in self.empty_values else str(value)

    def valid_value(self, value) -> bool:
        return value in self._by_pk

    def clean(self, value):
        value = super().clean(value)
        return self._by_pk.get(value) if value else None

    def has_changed(self, initial, data) -> bool:
        return self.to_python(initial) != self.to_python(data)


def _all_categories() -> list:
    return list(ExpenseCategory.objects.order_by("sort_order", "code"))


class LineForm(forms.Form):
    category = CategoryField(label="経費区分", required=False)
    description = forms.CharField(label="内容", max_length=200, required=False)
    amount = YenFormField(label="金額（円）", required=False)

    def __init__(self, *args, categories=None, narrowed=None, **kwargs):
        """``categories``: the list to choose from (all when None); ``narrowed``: whether it
        is a rule's list, so that another category posted is named as outside the rule
        (by default, whether a list was given)."""
        super().__init__(*args, **kwargs)
        self.fields["category"].categories = _all_categories() if categories is None else categories
        if narrowed if narrowed is not None else categories is not None:
            self.narrow()

    def narrow(self, categories=None) -> None:
        """Offer only a rule's categories (``categories`` when given); another one posted is
        named as such."""
        if categories is not None:
            self.fields["category"].categories = categories
        self.fields["category"].error_messages["invalid_choice"] = (
            "この補助制度の対象外の経費区分です。選び直してください。"
        )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return (
            not data.get("category")
            and not data.get("description")
            and data.get("amount") in (None, "")
        )

    def clean(self):
        cleaned = super().clean()
        if self.is_blank() or cleaned.get("DELETE"):
            return cleaned
        if not cleaned.get("category") and "category" not in self.errors:
            self.add_error(
                "category", ValidationError("経費区分を選んでください。", code="required")
            )
        if cleaned.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", ValidationError("金額を入力してください。", code="required"))
        return cleaned


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self) -> list[LineInput]:
        """The filled, not deleted lines (call after is_valid())."""
        return [
            LineInput(
                form.cleaned_data["category"],
                form.cleaned_data["amount"],
                form.cleaned_data.get("description", ""),
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank()
        ]

    def check_categories(self, allowed_codes) -> bool:
        """Mark lines whose category the rule does not allow; True when all are allowed."""
        ok = True
        for form in self.forms:
            category = form.cleaned_data.get("category") if form.cleaned_data else None
            if category and category.code not in allowed_codes:
                form.add_error(
                    "category",
                    ValidationError(
                        "「%(name)s」はこの補助制度の対象外の経費区分です。",
                        code="category_not_allowed",
                        params={"name": category.name},
                    ),
                )
                ok = False
        return ok

    def require_lines(self) -> bool:
        if self.lines():
            return True
        self._non_form_errors = self.error_class(
            [ValidationError("経費の明細を1行以上入力してください。", code="no_lines")],
            renderer=self.renderer,
        )
        return False


LineFormSet = forms.formset_factory(
    LineForm, formset=BaseLineFormSet, extra=3, can_delete=True, max_num=50, validate_max=True
)


def line_formset(data=None, *, lines=(), prefix="lines", extra=None, categories=None):
    """The expense lines' formset; ``categories`` (a queryset) narrows the choices to a
    rule's eligible categories. The categories are read once for all the lines."""
    initial = [
        {"category": line.category, "description": line.description, "amount": line.amount}
        for line in lines
    ]
    formset = LineFormSet(
        data,
        initial=initial or None,
        prefix=prefix,
        form_kwargs={
            "categories": _all_categories() if categories is None else list(categories),
            "narrowed": categories is not None,
        },
    )
    if extra is not None and data is None:
        formset.extra = extra
    return formset


class AttachmentsForm(forms.Form):
    files = UploadsField(
        label="添付書類",
        help_text="PDF・JPEG・PNG。複数選べます。1ファイルの上限は設定値（既定10MB）です。",
    )

    def __init__(self, *args, kind=AttachmentKind.APPLICATION, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if label:
            self.fields["files"].label = label
        self.fields[
            "files"
        ].help_text = (
            f"PDF・JPEG・PNG。複数選べます。1ファイル{_mb(settings.SUBSIDY_UPLOAD_MAX_BYTES)}まで。"
        )


# The 実績報告 (the secretary's portal page and staff's 窓口代行入力) ------------------------


class ReportForm(forms.Form):
    """実績報告: what was done, when it was completed and the income of the 収支決算書
    (the expenditure is the actual expense lines of the formset beside it)."""

    report_text = forms.CharField(
        label="実施内容",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="実施した内容、開催回数、延べ参加人数など。",
    )
    completed_on = forms.DateField(label="事業の完了日", widget=DateInput())
    confirm_early = forms.BooleanField(
        label="事業は完了しています",
        required=False,
        help_text="事業の完了予定日より前に報告するときは、印を付けてください。",
    )
    grant_income = YenFormField(label="補助金（円）", help_text="交付決定額以内。")
    own_funds = YenFormField(label="自己資金（円）", required=False)
    other_income = YenFormField(label="その他収入（円）", required=False)
    other_income_note = forms.CharField(
        label="その他収入の内容",
        max_length=200,
        required=False,
        help_text="参加費、協賛金など。",
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("own_funds", "other_income"):
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = 0
        return cleaned

    def settlement_errors(self) -> list[str]:
        """The unbalanced-totals message, shown next to the totals."""
        return [
            message
            for error in self.errors.as_data().get(NON_FIELD_ERRORS, [])
            if error.code == "settlement_unbalanced"
            for message in error.messages
        ]


def report_initial(application: Application) -> dict:
    """The report form's first values: what was filed before (a returned report), else
    the decided amount as the grant."""
    grant = application.report_grant_amount
    return {
        "report_text": application.report_text,
        "completed_on": application.work_completed_on,
        "grant_income": application.decided_amount if grant is None else grant,
        "own_funds": application.report_own_funds,
        "other_income": application.report_other_income,
        "other_income_note": application.report_other_income_note,
    }


def report_lines(application: Application) -> list[LineInput]:
    """The report's first actual lines: those filed before, else the plan's."""
    return services.stored_lines(application, LineKind.ACTUAL) or services.stored_lines(
        application, LineKind.PLAN
    )


def report_settlement(application: Application, form, formset):
    """The 収支決算書 of what was typed, for the totals beside the form; None until both
    the form and the lines are valid."""
    data = getattr(form, "cleaned_data", None) or {}
    if any(data.get(name) is None for name in ("grant_income", "own_funds", "other_income")):
        return None
    if not formset.is_bound or any(line.errors for line in formset.forms):
        return None
    statement = settlement.settlement(
        grant=data["grant_income"],
        own_funds=data["own_funds"],
        other_income=data["other_income"],
        other_income_note=data.get("other_income_note", ""),
        planned=services.stored_lines(application, LineKind.PLAN),
        actual=formset.lines(),
    )
    # Other fields kept the report from being checked: tell the totals' mismatch now too.
    unbalanced = settlement.unbalanced_error(statement)
    if unbalanced is not None and not form.settlement_errors():
        form.add_error(None, unbalanced)
    return statement


def take_lines_action(*, application, action, actor, form, formset, uploads) -> bool:
    """Validate a page of expense lines, then take ``action`` with the lines and the form's
    data and save the uploads, all or none. True when done, else the errors are on the
    forms and nothing was saved (change requests, reports, staff's proxy report)."""
    valid = form.is_valid() & formset.is_valid() & uploads.is_valid()
    # "No lines" is told together with the other errors, not after they are fixed.
    has_lines = formset.is_valid() and formset.require_lines()
    if not (valid and has_lines):
        return False
    try:
        services.application_transition_with_files(
            application=application,
            action=action,
            actor=actor,
            lines=formset.lines(),
            uploads=uploads.cleaned_data["files"],
            kind=uploads.kind,
            **form.cleaned_data,
        )
    except ValidationError as error:
        add_errors(form, error, formset)
        return False
    return True


# Staff transition forms (the admin) ---------------------------------------------------


def optional_comment() -> forms.CharField:
    return forms.CharField(
        label="コメント", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def document_number_field() -> forms.IntegerField:
    return forms.IntegerField(
        label="文書番号（番号のみ）",
        required=False,
        min_value=1,
        help_text="空欄なら年度ごとの次の番号を自動で付けます。",
    )


class CommentForm(forms.Form):
    comment = forms.CharField(label="理由・コメント", widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    amount = YenFormField(label="交付決定額（円）")
    decided_on = WarekiDateField(label="交付決定日")
    document_number = document_number_field()
    comment = optional_comment()


class AdvanceForm(forms.Form):
    amount = YenFormField(label="前金払額（円）")
    paid_on = WarekiDateField(label="支払日")
    comment = optional_comment()


class ConfirmForm(forms.Form):
    confirmed_on = WarekiDateField(label="額の確定日")
    document_number = document_number_field()
    refund_due_on = WarekiDateField(
        label="返還の納期限", required=False, help_text="返還がある場合のみ。"
    )
    comment = optional_comment()


class PayForm(forms.Form):
    paid_on = WarekiDateField(label="支払日")
    comment = optional_comment()


class RefundRequestForm(forms.Form):
    refund_due_on = WarekiDateField(label="返還の納期限")
    comment = optional_comment()


class RefundReceiptForm(forms.Form):
    amount = YenFormField(label="受領額（円）")
    received_on = WarekiDateField(label="受領日")
    comment = optional_comment()


class SimpleForm(forms.Form):
    comment = optional_comment()


def _no_initial(application, today) -> dict:
    return {}


@dataclass(frozen=True)
class StaffForm:
    """The admin form of one staff action and its initial values for an application."""

    form_class: type[forms.Form]
    initial: Callable[[Application, date], dict] = _no_initial
    # An admin URL name (taking the application's pk) of the action's own page, for an
    # action whose form has expense lines.
    page: str = ""


A = ApplicationAction
# Which form each staff action of subsidies.services.LIFECYCLE shows in the admin (every
# staff action has one; tests/subsidies/test_transitions checks the two agree).
STAFF_FORMS: dict[str, StaffForm] = {
    A.PROXY_SUBMIT: StaffForm(SimpleForm),
    A.RETURN: StaffForm(CommentForm),
    A.REFUSE: StaffForm(CommentForm),
    A.DECIDE: StaffForm(
        DecisionForm, lambda app, today: {"amount": app.requested_amount, "decided_on": today}
    ),
    A.PAY_ADVANCE: StaffForm(
        AdvanceForm, lambda app, today: {"amount": app.decided_amount, "paid_on": today}
    ),
    A.APPROVE_CHANGE: StaffForm(
        DecisionForm,
        lambda app, today: {"amount": app.change_requested_amount, "decided_on": today},
    ),
    A.REFUSE_CHANGE: StaffForm(CommentForm),
    A.PROXY_SUBMIT_REPORT: StaffForm(ReportForm, page="admin:subsidies_application_proxy_report"),
    A.RETURN_REPORT: StaffForm(CommentForm),
    A.CONFIRM: StaffForm(ConfirmForm, lambda app, today: {"confirmed_on": today}),
    A.PAY: StaffForm(PayForm, lambda app, today: {"paid_on": today}),
    A.REQUEST_REFUND: StaffForm(
        RefundRequestForm, lambda app, today: {"refund_due_on": today + timedelta(days=30)}
    ),
    A.RECEIVE_REFUND: StaffForm(
        RefundReceiptForm,
        lambda app, today: {"amount": app.refund_amount, "received_on": today},
    ),
}
del A
