"""Admin pages: every changelist and change page answers 200 for the administrator group,
changelists run a fixed number of queries, and the review pages drive the workflow."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import services
from plans.models import (
    Indicator,
    IndicatorValue,
    PlanAction,
    PlanStatus,
    PlanTransition,
    ProgressAction,
    ProgressEntry,
    ReviewState,
)

from .factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(council, secretary):
    plan = PlanFactory(community=True, council=council)
    item = PlanItemFactory(policy=PolicyFactory(plan=plan))
    item.roles.create(actor="council", role="企画")
    item.schedule.create(fiscal_year=2020, text="実施")
    plan.issues.create(title="高齢者対策")
    indicator = Indicator.objects.create(
        plan=plan, name="参加率", unit="%", baseline_year=2018, baseline_value="37.5"
    )
    IndicatorValue.objects.create(indicator=indicator, fiscal_year=2023, kind="target", value="50")
    entry = EntryFactory(item=item)
    services.progress_transition(action=ProgressAction.SUBMIT, entry=entry, actor=secretary)
    PlanTransition.objects.create(
        plan=plan, action="publish", from_status="draft", to_status="published", at=entry.created_at
    )
    return plan, entry


def _models():
    return [
        m
        for m in apps.get_app_config("plans").get_models()
        if not m.__name__.startswith("Historical")
    ]


def test_every_changelist_and_change_page_answers_200(admin_client_staff, content):
    for model in _models():
        info = (model._meta.app_label, model._meta.model_name)
        response = admin_client_staff.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert response.status_code == 200, model
        obj = model._default_manager.first()
        assert obj is not None, model
        response = admin_client_staff.get(
            reverse("admin:{}_{}_change".format(*info), args=[obj.pk]), follow=True
        )
        assert response.status_code == 200, model


def test_add_pages_and_tool_pages_answer_200(admin_client_staff, content):
    plan, entry = content
    for name in ("plan", "planitem", "indicator", "statusvocabulary", "progressentry"):
        assert admin_client_staff.get(reverse(f"admin:plans_{name}_add")).status_code == 200
    assert (
        admin_client_staff.get(
            reverse("admin:plans_progressentry_review", args=[entry.pk])
        ).status_code
        == 200
    )
    assert (
        admin_client_staff.get(reverse("admin:plans_plan_workflow", args=[plan.pk])).status_code
        == 200
    )
    assert admin_client_staff.get(reverse("admin:plans_progressentry_import")).status_code == 200
    assert admin_client_staff.get(reverse("admin:plans_progressentry_export")).status_code == 200
    assert (
        admin_client_staff.get(
            reverse("admin:plans_progressentry_history", args=[entry.pk])
        ).status_code
        == 200
    )


def test_review_queue_lists_submitted_entries_only(admin_client_staff, content):
    plan, entry = content
    EntryFactory(item=entry.item, fiscal_year=2021)  # a draft
    response = admin_client_staff.get(reverse("admin:plans_submittedprogress_changelist"))
    assert list(response.context["cl"].result_list) == [entry]


def test_review_page_returns_with_a_reason_then_accepts_and_publishes(client, editor_user, content):
    plan, entry = content
    client.force_login(editor_user)
    url = reverse("admin:plans_progressentry_review", args=[entry.pk])

    response = client.post(url, {"action": ProgressAction.RETURN, "comment": ""})
    assert response.status_code == 200
    assert "理由を入力してください" in response.content.decode()
    entry.refresh_from_db()
    assert entry.state == ReviewState.SUBMITTED

    client.post(url, {"action": ProgressAction.RETURN, "comment": "回数を記入してください。"})
    entry.refresh_from_db()
    assert (entry.state, entry.return_reason) == (ReviewState.RETURNED, "回数を記入してください。")

    entry.state = ReviewState.SUBMITTED
    entry.save()
    client.post(url, {"action": ProgressAction.ACCEPT, "comment": "確認しました。"})
    client.post(url, {"action": ProgressAction.PUBLISH, "comment": ""})
    entry.refresh_from_db()
    assert (entry.state, entry.staff_comment, entry.is_published) == (
        ReviewState.ACCEPTED,
        "確認しました。",
        True,
    )
    assert entry.transitions.filter(actor=editor_user).count() == 3


def test_viewer_can_look_but_not_review(client, viewer_user, content):
    plan, entry = content
    client.force_login(viewer_user)
    url = reverse("admin:plans_progressentry_review", args=[entry.pk])
    assert "いまこの画面から行える操作はありません" in client.get(url).content.decode()
    client.post(url, {"action": ProgressAction.ACCEPT, "comment": ""})
    entry.refresh_from_db()
    assert entry.state == ReviewState.SUBMITTED


def test_changelist_action_accepts_and_publishes(admin_client_staff, content):
    plan, entry = content
    changelist = reverse("admin:plans_progressentry_changelist")
    admin_client_staff.post(
        changelist, {"action": "accept_selected", "_selected_action": [entry.pk]}
    )
    admin_client_staff.post(
        changelist, {"action": "publish_selected", "_selected_action": [entry.pk]}
    )
    entry.refresh_from_db()
    assert entry.state == ReviewState.ACCEPTED and entry.is_published


def test_accepted_entry_content_is_read_only_in_the_admin(admin_client_staff, editor_user):
    entry = EntryFactory(state=ReviewState.ACCEPTED)  # city plan: staff own it
    url = reverse("admin:plans_progressentry_change", args=[entry.pk])
    form = admin_client_staff.get(url).context["adminform"].form
    assert "done" not in form.fields
    draft = EntryFactory(item=entry.item, fiscal_year=2021)
    form = (
        admin_client_staff.get(reverse("admin:plans_progressentry_change", args=[draft.pk]))
        .context["adminform"]
        .form
    )
    assert "done" in form.fields


def test_admin_add_refuses_progress_on_a_draft_plan(admin_client_staff):
    item = PlanItemFactory(policy__plan=PlanFactory(status=PlanStatus.DRAFT))
    response = admin_client_staff.post(
        reverse("admin:plans_progressentry_add"),
        {
            "item": item.pk,
            "fiscal_year": "2020",
            "half": "",
            "done": "x",
            "status": "",
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "公開された計画の事業にだけ進捗を記録できます。" in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_plan_workflow_page_publishes_and_supersedes(client, editor_user, secretary, council):
    old = PlanFactory(community=True, council=council)
    PlanItemFactory(policy__plan=old)
    new = services.plan_revise(plan=old, actor=secretary)
    services.plan_transition(action=PlanAction.SUBMIT, plan=new, actor=secretary)
    client.force_login(editor_user)
    response = client.post(
        reverse("admin:plans_plan_workflow", args=[new.pk]), {"action": "publish", "comment": ""}
    )
    assert response.status_code == 302
    new.refresh_from_db()
    old.refresh_from_db()
    assert (new.status, old.status) == (PlanStatus.PUBLISHED, PlanStatus.SUPERSEDED)


@pytest.mark.parametrize(
    "name", ["progressentry", "submittedprogress", "plan", "planitem", "progresstransition"]
)
def test_changelists_run_a_fixed_number_of_queries(
    admin_client_staff, content, name, django_assert_max_num_queries
):
    plan, entry = content
    url = reverse(f"admin:plans_{name}_changelist")

    def grow(n, start):
        for i in range(start, start + n):
            item = PlanItemFactory(policy=plan.policies.first(), number=f"件{i}")
            e = EntryFactory(item=item)
            ProgressEntry.objects.filter(pk=e.pk).update(state=ReviewState.SUBMITTED)
            e.transitions.create(
                action="submit", from_state="draft", to_state="submitted", at=e.created_at
            )

    grow(2, 0)
    with CaptureQueriesContext(connection) as small:
        assert admin_client_staff.get(url).status_code == 200
    grow(40, 2)
    with django_assert_max_num_queries(len(small)):
        assert admin_client_staff.get(url).status_code == 200
