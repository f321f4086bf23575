"""The council's subsidy applications (/portal/subsidies/).

Every page is for the secretary's own council only: an application, attachment, notice
or history of another council answers 404, so ids do not leak. Views validate input
with forms and call subsidies.services for every change.
"""

import contextlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import calendar
from core.money import yen
from councils.access import secretary_required
from subsidies import selectors, services
from subsidies.downloads import attachment_response, notice_response, settlement_response
from subsidies.forms import (
    ApplicationForm,
    AttachmentsForm,
    ReportForm,
    StartForm,
    add_errors,
    line_formset,
    report_initial,
    report_lines,
    report_settlement,
    take_lines_action,
)
from subsidies.models import (
    Application,
    ApplicationAction,
    Attachment,
    AttachmentKind,
    LineKind,
    Notice,
)
from subsidies.services import LineInput

from ..forms.subsidies import ChangeRequestForm, PendingUploads, WithdrawForm
from ..steps import next_step


def _application(request, pk) -> Application:
    """The council's own application, or 404 (also for another council's id)."""
    return get_object_or_404(
        Application.objects.select_related("programme", "council", "entered_by"),
        pk=pk,
        council=request.council,
    )


@secretary_required
def application_list(request):
    applications = list(selectors.council_applications(request.council.pk))
    today = timezone.localdate()
    for application in applications:
        application.next_step = next_step(application, today)
        application.overdue = application.is_report_overdue(today)
    year = calendar.fiscal_year(today)
    return render(
        request,
        "portal/subsidies/list.html",
        {
            "applications": applications,
            "council": request.council,
            "fiscal_year": year,
            "open_programmes": services.programmes_open_to(request.council, year),
        },
    )


def _choice(request, application):
    """(programme, fiscal year, rule or None) the form is for: the posted choice, else the
    saved one, else the query string's, else the only programme open to the council."""
    if request.method != "POST" and application is not None:
        programme, year = application.programme, application.fiscal_year
    else:
        data = (request.POST if request.method == "POST" else request.GET).copy()
        if not data.get("fiscal_year"):
            data["fiscal_year"] = str(calendar.fiscal_year(timezone.localdate()))
        start = StartForm(data)
        start.is_valid()
        year = start.cleaned_data.get("fiscal_year") or calendar.fiscal_year(timezone.localdate())
        programme = start.cleaned_data.get("programme")
        if programme is None and request.method != "POST":
            open_programmes = services.programmes_open_to(request.council, year)
            if len(open_programmes) == 1:
                programme = open_programmes[0]
    rule = None
    if programme is not None:
        try:
            rule = selectors.rule_for(programme, year)
        except ValidationError:
            rule = None
    return programme, year, rule


def _categories(rule):
    return rule.eligible_categories.order_by("sort_order", "code") if rule else None


FORM_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _token_key(request, token: str) -> str | None:
    """The cache key that makes one posted form save at most once (a double tap)."""
    if not FORM_TOKEN.match(token or ""):
        return None
    return f"subsidies:application-form:{request.user.pk}:{token}"


def _edit(request, application=None):
    """New and edit share one form: 下書き保存 keeps it, 申請内容を確認する checks everything
    and leads to the one-tap confirmation. A rejected form keeps what was typed and the
    chosen files (as pending uploads)."""
    programme, year, rule = _choice(request, application)
    categories = _categories(rule)
    opening_labour = None
    lines = services.stored_lines(application, LineKind.PLAN) if application else []
    if request.method == "POST":
        token = request.POST.get("form_token", "")
        pending = PendingUploads(request.session, token)
        form = ApplicationForm(request.POST, instance=application, rule=rule)
        # Validated against every category, so that one outside the rule is named as such.
        formset = line_formset(request.POST, lines=lines)
        uploads = AttachmentsForm(request.POST, request.FILES)
        kept = pending.keep_only(request.POST.getlist("kept_uploads"))
        if uploads.is_valid():
            kept += [pending.add(*pair) for pair in uploads.cleaned_data["files"]]
        to_confirm = "confirm" in request.POST
        if _valid(form, formset, uploads, request, application, to_confirm):
            saved = _save_once(request, token, form, formset, pending, kept, application)
            if saved is not None:
                if to_confirm:
                    return redirect("subsidies_portal:confirm", pk=saved.pk)
                messages.success(request, "下書きを保存しました。")
                return redirect("subsidies_portal:detail", pk=saved.pk)
        _offer_rule_categories(formset, categories)
    else:
        token = secrets.token_urlsafe(24)
        pending = PendingUploads(request.session, token)
        initial = {"programme": programme, "fiscal_year": year} if application is None else None
        if application is None and programme is not None:
            lines = services.opening_lines(
                council=request.council, programme=programme, fiscal_year=year
            )
            opening_labour = lines[0].amount if lines else None
        form = ApplicationForm(instance=application, initial=initial, rule=rule)
        formset = line_formset(
            lines=lines,
            extra=(3 if not lines else 2) if application is None else 1,
            categories=categories,
        )
        uploads = AttachmentsForm()
        kept = []
    return render(
        request,
        "portal/subsidies/form.html",
        {
            "form": form,
            "formset": formset,
            "uploads": uploads,
            "application": application,
            "attachments": list(application.attachments.all()) if application else [],
            "pending": pending.listed(kept),
            "form_token": token,
            "opening_labour": opening_labour,
            "errors": _error_links(form, formset, uploads),
        },
    )


def _offer_rule_categories(formset, categories) -> None:
    """Before a rejected page is shown again: offer only the rule's categories, except on
    a line holding another one (kept, so that what was typed stays, and marked)."""
    if categories is None:
        return
    listed = list(categories)
    allowed = {str(category.pk) for category in listed}
    formset.form_kwargs = {"categories": listed, "narrowed": True}
    for line in formset.forms:
        if str(line["category"].value() or "") in allowed | {""}:
            line.narrow(listed)


def _save_once(request, token, form, formset, pending, kept, application):
    """Save the draft with its lines and files, once per posted form: the same form
    posted again (a double tap) leads to what the first post saved. The saved
    application, or None when the save was refused (the errors are on the form) or is
    still being made by the first post (a message says so)."""
    key = _token_key(request, token)
    if key and not cache.add(key, 0, 6 * 3600):
        done = Application.objects.filter(pk=cache.get(key) or 0, council=request.council).first()
        if done is None:
            messages.info(
                request, "送信を受け付けています。しばらくしてから一覧を確認してください。"
            )
        return done
    files = pending.files(kept)
    try:
        saved = services.application_save_draft(
            application=application,
            council=request.council,
            programme=form.cleaned_data["programme"],
            fiscal_year=form.cleaned_data["fiscal_year"],
            actor=request.user,
            lines=formset.lines(),
            uploads=files,
            **form.field_values(),
        )
    except ValidationError as error:
        if key:
            cache.delete(key)
        add_errors(form, error, formset)
        return None
    finally:
        for stored, _content_type in files:
            stored.close()
    pending.discard(kept)
    if key:
        cache.set(key, saved.pk, 6 * 3600)
    return saved


def _error_links(form, formset, uploads) -> list[dict]:
    """Every error of the page, each with the id of the field it is about (for the links
    at the top), in page order; non-field errors have no id."""
    errors = [{"id": None, "label": "", "message": e} for e in form.non_field_errors()]
    for field in form:
        errors += [{"id": field.auto_id, "label": field.label, "message": e} for e in field.errors]
    errors += [
        {"id": "lines", "label": "経費の明細", "message": e} for e in formset.non_form_errors()
    ]
    for number, line in enumerate(formset.forms, start=1):
        for field in line:
            errors += [
                {"id": field.auto_id, "label": f"{number}行目の{field.label}", "message": e}
                for e in field.errors
            ]
    for field in uploads:
        errors += [{"id": field.auto_id, "label": field.label, "message": e} for e in field.errors]
    return errors


def _valid(form, formset, uploads, request, application, to_confirm) -> bool:
    """Field checks always; the rule's categories always; a blank 申請額 becomes the
    engine's 交付可能額; the full submission checks (engine, year closed, overdue reports)
    only on 申請内容を確認する."""
    ok = form.is_valid() & formset.is_valid() & uploads.is_valid()
    if not form.is_valid():
        return False
    programme = form.cleaned_data["programme"]
    year = form.cleaned_data["fiscal_year"]
    try:
        rule = selectors.rule_for(programme, year)
    except ValidationError as error:
        add_errors(form, error)
        return False
    if formset.is_valid() and not formset.check_categories(rule.terms().eligible_categories):
        ok = False
    if not ok:
        return False
    if form.cleaned_data.get("requested_amount") is None:
        # A problem with the lines is named by the submission checks below.
        with contextlib.suppress(ValidationError):
            form.cleaned_data["requested_amount"] = services.default_requested_amount(
                council=request.council,
                programme=programme,
                fiscal_year=year,
                lines=formset.lines(),
                exclude=application.pk if application else None,
            )
    if not to_confirm:
        return True
    if not formset.require_lines():
        return False
    try:
        services.check_submission(
            council=request.council,
            programme=programme,
            fiscal_year=year,
            lines=formset.lines(),
            requested_amount=form.cleaned_data.get("requested_amount"),
            work_starts_on=form.cleaned_data.get("work_starts_on"),
            work_ends_on=form.cleaned_data.get("work_ends_on"),
            exclude=application.pk if application else None,
            theme=form.cleaned_data.get("theme", ""),
        )
    except ValidationError as error:
        add_errors(form, error, formset)
        return False
    return True


@secretary_required
@require_POST
def application_estimate(request):
    """交付可能額 for the lines typed so far (the form's own fields, posted by
    static/js/application-form.js): JSON with the lines' total, the engine's amount and
    its breakdown, for the secretary's own council (``application``: one of its own
    applications being edited, whose own grant is not history; another's answers 404)."""
    application = None
    if request.POST.get("application"):
        if not request.POST["application"].isdigit():
            raise Http404("申請が見つかりません。")
        application = _application(request, int(request.POST["application"]))
    programme, year, rule = _choice(request, None)
    formset = line_formset(request.POST, categories=_categories(rule))
    lines = [
        LineInput(f.cleaned_data["category"], f.cleaned_data["amount"])
        for f in (formset.forms if formset.is_bound and not formset.non_form_errors() else [])
        if f.is_valid()
        and not f.is_blank()
        and not f.cleaned_data.get("DELETE")
        and f.cleaned_data.get("category")
        and f.cleaned_data.get("amount") is not None
    ]
    total = sum(line.amount for line in lines)
    answer = {"total": total, "total_text": yen(total), "amount": None, "lines": []}
    if rule is None:
        answer["message"] = "補助制度と年度を選ぶと、交付可能額を計算します。"
        return JsonResponse(answer)
    try:
        grant = services.engine_grant(
            council=request.council,
            programme=programme,
            fiscal_year=year,
            lines=lines,
            exclude=application.pk if application else None,
        )
    except ValidationError as error:
        answer["message"] = " ".join(error.messages)
        return JsonResponse(answer)
    answer.update(
        amount=grant.amount,
        amount_text=yen(grant.amount),
        eligible=grant.eligible,
        lines=list(grant.lines),
        message="" if grant.eligible else " ".join(r.message for r in grant.reasons),
    )
    return JsonResponse(answer)


@secretary_required
def application_new(request):
    return _edit(request)


@secretary_required
def application_edit(request, pk):
    application = _application(request, pk)
    if not services.action_open(application, ApplicationAction.SUBMIT):
        messages.error(
            request, f"状況が「{application.get_status_display()}」の申請は編集できません。"
        )
        return redirect("subsidies_portal:detail", pk=pk)
    return _edit(request, application)


@secretary_required
def application_confirm(request, pk):
    """確認: the engine's breakdown for the saved draft, and the button that submits it."""
    application = _application(request, pk)
    if not services.action_open(application, ApplicationAction.SUBMIT):
        return redirect("subsidies_portal:detail", pk=pk)
    lines = services.stored_lines(application, LineKind.PLAN)
    errors = []
    if request.method == "POST":
        try:
            services.application_transition(
                application=application, action=ApplicationAction.SUBMIT, actor=request.user
            )
        except ValidationError as error:
            errors = [m for messages_ in services.field_errors(error).values() for m in messages_]
        else:
            messages.success(request, "申請しました。市の審査結果をお待ちください。")
            return redirect("subsidies_portal:detail", pk=pk)
    grant = grant_error = None
    try:
        grant = services.engine_grant(
            council=application.council,
            programme=application.programme,
            fiscal_year=application.fiscal_year,
            lines=lines,
            exclude=application.pk,
        )
    except ValidationError as error:
        grant_error = " ".join(error.messages)
    if not errors and request.method == "GET":
        try:
            services.check_saved_submission(application)
        except ValidationError as error:
            errors = [m for messages_ in services.field_errors(error).values() for m in messages_]
    return render(
        request,
        "portal/subsidies/confirm.html",
        {
            "application": application,
            "lines": lines,
            "lines_total": sum(line.amount for line in lines),
            "labour": selectors.labour_check(
                application.council,
                application.programme,
                application.fiscal_year,
                lines,
                exclude=application.pk,
            ),
            "grant": grant,
            "grant_error": grant_error,
            "errors": errors,
            "attachments": list(application.attachments.all()),
        },
        status=200,
    )


@secretary_required
def application_detail(request, pk):
    application = _application(request, pk)
    context = _detail_context(application)
    context["withdraw_form"] = WithdrawForm()
    return render(request, "portal/subsidies/detail.html", context)


def _detail_context(application) -> dict:
    lines = {kind: [] for kind in LineKind.values}
    for line in application.lines.select_related("category"):
        lines[line.kind].append(line)
    today = timezone.localdate()
    return {
        "application": application,
        "plan_lines": lines[LineKind.PLAN],
        "change_lines": lines[LineKind.CHANGE],
        "actual_lines": lines[LineKind.ACTUAL],
        "plan_total": sum(line.amount for line in lines[LineKind.PLAN]),
        "change_total": sum(line.amount for line in lines[LineKind.CHANGE]),
        "actual_total": sum(line.amount for line in lines[LineKind.ACTUAL]),
        "attachments": list(application.attachments.all()),
        "notices": list(application.notices.all()),
        "events": list(application.events.select_related("actor")),
        "next_step": next_step(application, today),
        "overdue": application.is_report_overdue(today),
        "actions": services.allowed_actions(application, services.SECRETARY),
    }


@secretary_required
def application_history(request, pk):
    application = _application(request, pk)
    return render(
        request,
        "portal/subsidies/history.html",
        {"application": application, "events": list(application.events.select_related("actor"))},
    )


@secretary_required
@require_POST
def application_withdraw(request, pk):
    application = _application(request, pk)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.application_transition(
            application=application,
            action=ApplicationAction.WITHDRAW,
            actor=request.user,
            comment=form.cleaned_data.get("comment", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "申請を取り下げました。")
    return redirect("subsidies_portal:detail", pk=pk)


@secretary_required
@require_POST
def change_withdraw(request, pk):
    application = _application(request, pk)
    try:
        services.application_transition(
            application=application,
            action=ApplicationAction.WITHDRAW_CHANGE,
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "変更承認申請を取り下げました。")
    return redirect("subsidies_portal:detail", pk=pk)


@dataclass(frozen=True)
class _LinesPage:
    """A page of expense lines, a form and attachments that takes one council action."""

    action: str
    closed: str  # the message when the action is not open
    form_class: type
    uploads: dict  # the AttachmentsForm options
    done: str
    template: str
    initial: Callable  # the form's first values, from the application
    lines: Callable  # the lines' first values, from the application
    context: Callable = lambda application, form, formset: {}  # more for the template


_CHANGE_PAGE = _LinesPage(
    ApplicationAction.REQUEST_CHANGE,
    "交付決定後の申請だけが変更承認申請できます。",
    ChangeRequestForm,
    {"kind": AttachmentKind.CHANGE},
    "変更承認申請を提出しました。",
    "portal/subsidies/change.html",
    lambda application: {"amount": application.decided_amount},
    lambda application: services.stored_lines(application, LineKind.PLAN),
)
_REPORT_PAGE = _LinesPage(
    ApplicationAction.SUBMIT_REPORT,
    "実績報告は交付決定後（または差戻し後）に提出できます。",
    ReportForm,
    {"kind": AttachmentKind.REPORT, "label": "領収書など"},
    "実績報告を提出しました。",
    "portal/subsidies/report.html",
    report_initial,
    report_lines,
    lambda application, form, formset: {
        "plan_lines": services.stored_lines(application, LineKind.PLAN),
        "settlement": report_settlement(application, form, formset),
        "today": timezone.localdate(),
    },
)


def _lines_page(request, pk, page: _LinesPage):
    application = _application(request, pk)
    if not services.action_open(application, page.action):
        messages.error(request, page.closed)
        return redirect("subsidies_portal:detail", pk=pk)
    current = page.lines(application)
    if request.method == "POST":
        form = page.form_class(request.POST)
        formset = line_formset(request.POST, lines=current)
        uploads = AttachmentsForm(request.POST, request.FILES, **page.uploads)
        if take_lines_action(
            application=application,
            action=page.action,
            actor=request.user,
            form=form,
            formset=formset,
            uploads=uploads,
        ):
            messages.success(request, page.done)
            return redirect("subsidies_portal:detail", pk=application.pk)
    else:
        form = page.form_class(initial=page.initial(application))
        formset = line_formset(lines=current, extra=1)
        uploads = AttachmentsForm(**page.uploads)
    return render(
        request,
        page.template,
        {
            "application": application,
            "form": form,
            "formset": formset,
            "uploads": uploads,
            **page.context(application, form, formset),
        },
    )


@secretary_required
def change_request(request, pk):
    """変更承認申請: new expense lines and amount, with the reason."""
    return _lines_page(request, pk, _CHANGE_PAGE)


@secretary_required
def report(request, pk):
    """実績報告: the completion date, what was done, the 収支決算書 (actual expense lines
    and income, which must balance) and receipts."""
    return _lines_page(request, pk, _REPORT_PAGE)


@secretary_required
def settlement_download(request, pk):
    """The filed report's 収支決算書 as a PDF (404 before a report is filed)."""
    application = _application(request, pk)
    if application.report_submitted_on is None:
        raise Http404("実績報告がまだ提出されていません。")
    return settlement_response(application)


@secretary_required
def attachment_download(request, pk, attachment_pk):
    application = _application(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    return attachment_response(attachment)


@secretary_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    application = _application(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    try:
        services.attachment_delete(attachment=attachment, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"「{attachment.original_name}」を削除しました。")
    return redirect("subsidies_portal:edit", pk=pk)


@secretary_required
def notice_download(request, pk, notice_pk):
    application = _application(request, pk)
    try:
        notice = application.notices.get(pk=notice_pk)
    except Notice.DoesNotExist:
        raise Http404("通知書が見つかりません。") from None
    return notice_response(notice)
