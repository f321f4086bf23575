"""The council's own community plan and its progress (/portal/plans/).

Every lookup is filtered by ``request.council`` (set by ``secretary_required``), so another
council's plan answers 404 whatever its id. Every change goes through plans.services.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.calendar import CalendarParseError, parse_period
from councils.access import secretary_required
from plans import selectors, services
from plans.models import Plan, PlanAction, PlanItem, PlanStatus, ProgressAction, ProgressEntry

from ..forms.plans import (
    LocalIssueFormSet,
    PeriodChoiceForm,
    PlanBasicsForm,
    PlanItemForm,
    PolicyFormSet,
    ProgressEntryForm,
    RoleAllocationFormSet,
    schedule_formset,
)
from ..panels import plan_versions


def _own_plan(request, pk, queryset=None) -> Plan:
    queryset = Plan.objects.select_related("vocabulary") if queryset is None else queryset
    return get_object_or_404(queryset, pk=pk, council=request.council)


def _own_item(request, pk) -> PlanItem:
    return get_object_or_404(
        PlanItem.objects.select_related("plan__vocabulary", "policy"),
        pk=pk,
        plan__council=request.council,
    )


def _period(code):
    try:
        return parse_period(code)
    except CalendarParseError as error:
        raise Http404("期間が正しくありません。") from error


def _refused(request, error: ValidationError):
    messages.error(request, " ".join(error.messages))


def _attempt(request, run, success: str) -> bool:
    """Call ``run``; show ``success`` when it is done (True), else why it was refused."""
    try:
        run()
    except ValidationError as error:
        _refused(request, error)
        return False
    messages.success(request, success)
    return True


def _editable_or_redirect(request, plan):
    try:
        services.check_plan_editable(plan=plan, actor=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect("plans_portal:plan", plan.pk)
    return None


def _editable(lookup):
    """A view that changes a plan's content gets ``lookup(request, pk)`` (the council's own
    plan or item) instead of ``pk``; when the plan cannot be edited, the secretary is sent
    back to the plan with the reason and the view is not called."""

    def decorate(view):
        @wraps(view)
        def guarded(request, pk):
            row = lookup(request, pk)
            plan = row.plan if isinstance(row, PlanItem) else row
            return _editable_or_redirect(request, plan) or view(request, row)

        return guarded

    return decorate


@secretary_required
def index(request):
    council = request.council
    versions = selectors.council_plans(council)
    in_force, open_version = plan_versions(versions)
    context = {
        "council": council,
        "versions": versions,
        "in_force": in_force,
        "open_version": open_version,
    }
    if in_force is not None:
        context["period_summary"] = selectors.plan_period_summary(in_force)
        context["rollup"] = selectors.rollup(in_force)
        context["period_form"] = PeriodChoiceForm(plan=in_force, today=timezone.localdate())
    return render(request, "portal/plans/index.html", context)


@secretary_required
def plan_create(request):
    form = PlanBasicsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create_community(
                council=request.council, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "計画を作成しました。基本方針・地域課題・事業を登録してください。"
            )
            return redirect("plans_portal:plan", plan.pk)
    return render(request, "portal/plans/plan_form.html", {"form": form, "plan": None})


@secretary_required
def plan_detail(request, pk):
    plan = _own_plan(request, pk, selectors.plan_with_content())
    return render(
        request,
        "portal/plans/plan_detail.html",
        {
            "plan": plan,
            "sections": selectors.plan_sections(plan),
            "indicators": selectors.indicator_table(plan),
            "transitions": list(plan.transitions.select_related("actor")),
            "can_edit": plan.is_editable,
            "can_submit": "submit" in services.plan_allowed_actions(plan=plan, actor=request.user),
            "can_revise": plan.status == PlanStatus.PUBLISHED
            and not plan.revisions.filter(
                status__in=[PlanStatus.DRAFT, PlanStatus.SUBMITTED]
            ).exists(),
        },
    )


@secretary_required
@_editable(_own_plan)
def plan_edit(request, plan):
    form = PlanBasicsForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "計画の基本情報を保存しました。")
            return redirect("plans_portal:plan", plan.pk)
    return render(request, "portal/plans/plan_form.html", {"form": form, "plan": plan})


def _formset_page(request, plan, formset_class, title, help_text):
    formset = formset_class(request.POST or None, instance=plan)
    if request.method == "POST" and formset.is_valid():
        saved = _attempt(
            request,
            lambda: services.plan_rows_save(plan=plan, formset=formset, actor=request.user),
            f"{title}を保存しました。",
        )
        if saved:
            return redirect("plans_portal:plan", plan.pk)
    return render(
        request,
        "portal/plans/formset.html",
        {"plan": plan, "formset": formset, "title": title, "help_text": help_text},
    )


@secretary_required
@_editable(_own_plan)
def plan_issues(request, plan):
    return _formset_page(
        request,
        plan,
        LocalIssueFormSet,
        "地域課題",
        "地域の課題を、優先する順に登録します。削除する行は「削除」にチェックを入れます。",
    )


@secretary_required
@_editable(_own_plan)
def plan_policies(request, plan):
    return _formset_page(
        request,
        plan,
        PolicyFormSet,
        "基本方針",
        "事業をまとめる方針（例: ⑴ 安心・安全な地域づくり）を登録します。事業が登録された方針は削除できません。",
    )


def _item_page(request, plan, item):
    form = PlanItemForm(request.POST or None, instance=item, plan=plan)
    roles = RoleAllocationFormSet(request.POST or None, instance=item, prefix="roles")
    schedule = schedule_formset(plan)(
        request.POST or None,
        instance=item,
        prefix="schedule",
        form_kwargs={"plan": plan},
    )
    if request.method == "POST" and form.is_valid() and roles.is_valid():
        # The schedule rows check their year against the plan through the saved item.
        try:
            saved = services.plan_item_save(
                form=form, roles=roles, schedule=schedule, actor=request.user
            )
        except ValidationError as error:
            if getattr(error, "code", None) != "invalid_schedule":
                form.add_error(None, error)
        else:
            messages.success(request, f"{saved.number} {saved.title} を保存しました。")
            return redirect("plans_portal:plan", plan.pk)
    return render(
        request,
        "portal/plans/item_form.html",
        {"plan": plan, "item": item, "form": form, "roles": roles, "schedule": schedule},
    )


@secretary_required
@_editable(_own_plan)
def item_create(request, plan):
    return _item_page(request, plan, PlanItem(plan=plan))


@secretary_required
@_editable(_own_item)
def item_edit(request, item):
    return _item_page(request, item.plan, item)


@require_POST
@secretary_required
def item_delete(request, pk):
    item = _own_item(request, pk)
    _attempt(
        request,
        lambda: services.plan_item_delete(item=item, actor=request.user),
        f"{item.number} {item.title} を削除しました。",
    )
    return redirect("plans_portal:plan", item.plan_id)


@require_POST
@secretary_required
def plan_submit(request, pk):
    plan = _own_plan(request, pk)
    _attempt(
        request,
        lambda: services.plan_transition(plan=plan, action=PlanAction.SUBMIT, actor=request.user),
        "計画を市に提出しました。市の確認後に公開されます。",
    )
    return redirect("plans_portal:plan", plan.pk)


@require_POST
@secretary_required
def plan_revise(request, pk):
    plan = _own_plan(request, pk)
    try:
        new = services.plan_revise(
            plan=plan, actor=request.user, note=request.POST.get("note", "").strip()
        )
    except ValidationError as error:
        _refused(request, error)
        return redirect("plans_portal:plan", plan.pk)
    messages.success(
        request,
        f"見直し版（第{new.version}版）を作成しました。現在の計画は新しい版の公開まで有効です。",
    )
    return redirect("plans_portal:plan", new.pk)


@secretary_required
def progress_period(request, pk, period=None):
    plan = _own_plan(request, pk)
    if period is None:
        form = PeriodChoiceForm(request.GET, plan=plan)
        if not form.is_valid():
            raise Http404("期間が正しくありません。")
        return redirect("plans_portal:progress", plan.pk, form.cleaned_data["period"].code)
    chosen = _period(period)
    if not plan.covers(chosen):
        raise Http404("計画期間外の期間です。")
    return render(
        request,
        "portal/plans/progress_period.html",
        {
            "plan": plan,
            "period": chosen,
            "rows": selectors.progress_rows(plan, chosen),
            "period_form": PeriodChoiceForm(plan=plan, initial={"period": chosen.code}),
            "rollup": selectors.rollup(plan, chosen, include_unreviewed=True),
        },
    )


@secretary_required
def entry_edit(request, pk, period):
    item = _own_item(request, pk)
    plan = item.plan
    chosen = _period(period)
    entry = (
        ProgressEntry.objects.select_related("status")
        .filter(item=item, fiscal_year=chosen.fiscal_year, half=chosen.half)
        .first()
    )
    editable = entry is None or entry.is_editable
    form = ProgressEntryForm(request.POST or None, instance=entry, plan=plan)
    if request.method == "POST" and editable and form.is_valid():
        values = {field: form.cleaned_data[field] for field in form.Meta.fields}
        try:
            with transaction.atomic():
                saved = services.progress_save(
                    item=item, period=chosen, actor=request.user, entry=entry, **values
                )
                if "submit" in request.POST:
                    services.progress_transition(
                        entry=saved, action=ProgressAction.SUBMIT, actor=request.user
                    )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            if "submit" in request.POST:
                messages.success(request, f"{item.title}（{chosen.label}）の進捗を提出しました。")
            else:
                messages.success(
                    request, f"{item.title}（{chosen.label}）の進捗を下書き保存しました。"
                )
            return redirect("plans_portal:progress", plan.pk, chosen.code)
    return render(
        request,
        "portal/plans/entry_form.html",
        {
            "plan": plan,
            "item": item,
            "period": chosen,
            "entry": entry,
            "form": form,
            "editable": editable,
            "history": selectors.entry_history(entry) if entry else [],
            "back_url": reverse("plans_portal:progress", args=[plan.pk, chosen.code]),
        },
    )
