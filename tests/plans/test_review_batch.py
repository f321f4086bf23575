"""Progress review in one submit (所見, 承認 and 公開), the next waiting entry after it, and
the batch 「承認して公開」: one audit and one history row per entry, a message per refused
entry with nothing changed for it, no batch for viewers, a fixed number of queries."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from plans.models import (
    PlanStatus,
    ProgressAction,
    ProgressEntry,
    ProgressTransition,
    ReviewState,
)

from .factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:plans_progressentry_changelist"


def submitted(item, year, days_ago=1, half=None):
    return EntryFactory(
        item=item,
        fiscal_year=year,
        half=half,
        state=ReviewState.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def item():
    return PlanItemFactory()  # a published city plan, 2019–2023


def snapshot(entry):
    entry = ProgressEntry.objects.get(pk=entry.pk)
    return (
        entry.state,
        entry.published_at,
        entry.reviewed_at,
        entry.staff_comment,
        entry.updated_at,
        entry.transitions.count(),
        entry.history.count(),
    )


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_review_form_comments_accepts_and_publishes_in_one_submit(client, editor_user, item):
    entry = submitted(item, 2020, days_ago=5)
    following = submitted(item, 2021, days_ago=2)
    client.force_login(editor_user)
    url = reverse("admin:plans_progressentry_review", args=[entry.pk])
    page = client.get(url).content.decode()
    assert "承認して公開" in page

    response = client.post(
        url, {"action": ProgressAction.ACCEPT_PUBLISH, "comment": "地域の参加が増えました。"}
    )

    entry.refresh_from_db()
    assert (entry.state, entry.staff_comment, entry.is_published) == (
        ReviewState.ACCEPTED,
        "地域の参加が増えました。",
        True,
    )
    assert entry.reviewed_by == editor_user
    assert list(entry.transitions.values_list("action", "from_state", "to_state")) == [
        (ProgressAction.ACCEPT_PUBLISH, ReviewState.SUBMITTED, ReviewState.ACCEPTED)
    ]
    # On to the next entry waiting, not to the queue the reviewed one has left.
    assert response.url == reverse("admin:plans_progressentry_review", args=[following.pk])
    assert "次の審査待ちの進捗を表示しています。" in texts(response)


def test_after_the_last_waiting_entry_the_reviewer_stays_on_it(client, editor_user, item):
    entry = submitted(item, 2020)
    client.force_login(editor_user)
    url = reverse("admin:plans_progressentry_review", args=[entry.pk])
    response = client.post(url, {"action": ProgressAction.ACCEPT, "comment": ""})
    assert response.url == url
    assert "審査待ちの進捗はこれで全部です。" in texts(response)


def test_accept_and_publish_is_not_offered_for_a_plan_not_public(client, editor_user):
    draft_item = PlanItemFactory(policy=PolicyFactory(plan=PlanFactory(status=PlanStatus.DRAFT)))
    entry = submitted(draft_item, 2020)
    client.force_login(editor_user)
    url = reverse("admin:plans_progressentry_review", args=[entry.pk])
    form = client.get(url).context["form"]
    assert ProgressAction.ACCEPT_PUBLISH not in dict(form.fields["action"].choices)
    before = snapshot(entry)
    client.post(url, {"action": ProgressAction.ACCEPT_PUBLISH, "comment": ""})
    assert snapshot(entry) == before


def test_batch_accepts_and_publishes_with_one_audit_and_history_row_each(
    admin_client_staff, admin_user, item
):
    entries = [submitted(item, 2019), submitted(item, 2020), submitted(item, 2021)]
    history_before = {e.pk: e.history.count() for e in entries}

    response = admin_client_staff.post(
        reverse(CHANGELIST),
        {"action": "accept_publish_selected", "_selected_action": [e.pk for e in entries]},
    )

    assert response.status_code == 302
    assert texts(response) == ["3件を承認して公開しました。"]
    for entry in entries:
        entry.refresh_from_db()
        assert entry.state == ReviewState.ACCEPTED and entry.is_published
        assert entry.reviewed_by == admin_user
        assert list(entry.transitions.values_list("action", "actor")) == [
            (ProgressAction.ACCEPT_PUBLISH, admin_user.pk)
        ]
        assert entry.history.count() == history_before[entry.pk] + 1
        assert entry.history.first().history_user == admin_user
    # One act: every entry was accepted and published at the same time.
    moved = ProgressTransition.objects.filter(action=ProgressAction.ACCEPT_PUBLISH)
    assert len(set(moved.values_list("at", flat=True))) == 1


def test_batch_refuses_entries_that_cannot_move_and_changes_nothing_for_them(
    admin_client_staff, item
):
    ready = submitted(item, 2019)
    draft = EntryFactory(item=item, fiscal_year=2020)
    accepted = EntryFactory(
        item=item, fiscal_year=2021, state=ReviewState.ACCEPTED, reviewed_at=timezone.now()
    )
    draft_item = PlanItemFactory(policy=PolicyFactory(plan=PlanFactory(status=PlanStatus.DRAFT)))
    plan_not_public = submitted(draft_item, 2022)
    refused = [draft, accepted, plan_not_public]
    before = {e.pk: snapshot(e) for e in refused}

    response = admin_client_staff.post(
        reverse(CHANGELIST),
        {
            "action": "accept_publish_selected",
            "_selected_action": [e.pk for e in [ready, *refused]],
        },
    )

    assert {e.pk: snapshot(e) for e in refused} == before
    ready.refresh_from_db()
    assert ready.state == ReviewState.ACCEPTED and ready.is_published
    assert texts(response) == [
        f"{draft}: 「下書き」の進捗には「承認して公開」を行えません。（変更していません）",
        f"{accepted}: 「承認済」の進捗には「承認して公開」を行えません。（変更していません）",
        f"{plan_not_public}: 計画「{draft_item.plan}」が公開されていないため、進捗を公開できません。"
        "（変更していません）",
        "1件を承認して公開しました。",
    ]


def test_batch_from_the_review_queue(admin_client_staff, item):
    entry = submitted(item, 2020)
    admin_client_staff.post(
        reverse("admin:plans_submittedprogress_changelist"),
        {"action": "accept_publish_selected", "_selected_action": [entry.pk]},
    )
    entry.refresh_from_db()
    assert entry.state == ReviewState.ACCEPTED and entry.is_published


def test_viewer_cannot_run_batch_actions(client, viewer_user, item):
    entry = submitted(item, 2020)
    client.force_login(viewer_user)
    page = client.get(reverse(CHANGELIST))
    assert page.status_code == 200
    offered = dict(page.context["action_form"].fields["action"].choices)
    assert "accept_publish_selected" not in offered
    assert "accept_selected" not in offered
    before = snapshot(entry)
    for action in ("accept_publish_selected", "accept_selected", "publish_selected"):
        client.post(reverse(CHANGELIST), {"action": action, "_selected_action": [entry.pk]})
    assert snapshot(entry) == before
    assert (
        not ProgressTransition.objects.filter(entry=entry)
        .exclude(action=ProgressAction.SUBMIT)
        .exists()
    )


def _many(count):
    plan = PlanFactory(start_year=2000, end_year=2040)
    item = PlanItemFactory(policy=PolicyFactory(plan=plan))
    return [submitted(item, 2000 + n) for n in range(count)]


@pytest.mark.parametrize("count", [3, 30])
def test_batch_queries_do_not_grow_with_the_selection(
    admin_client_staff, count, django_assert_max_num_queries
):
    entries = _many(count)
    admin_client_staff.get(reverse(CHANGELIST))  # session, permissions cache
    with django_assert_max_num_queries(17):
        admin_client_staff.post(
            reverse(CHANGELIST),
            {"action": "accept_publish_selected", "_selected_action": [e.pk for e in entries]},
        )
    assert ProgressEntry.objects.filter(state=ReviewState.ACCEPTED).count() == count


def test_export_of_the_selection_only_in_japanese(admin_client_staff, item):
    chosen = [submitted(item, 2019), submitted(item, 2021)]
    submitted(item, 2020)  # not selected
    changelist = admin_client_staff.get(reverse(CHANGELIST))
    offered = dict(changelist.context["action_form"].fields["action"].choices)
    assert offered["export_admin_action"] == "選んだ進捗を書き出す（CSV・Excel）"

    form_page = admin_client_staff.post(
        reverse(CHANGELIST),
        {"action": "export_admin_action", "_selected_action": [e.pk for e in chosen]},
    )
    assert form_page.status_code == 200
    assert "エクスポート" in form_page.content.decode()

    response = admin_client_staff.post(
        reverse("admin:plans_progressentry_export"),
        {"format": "0", "export_items": [e.pk for e in chosen]},
    )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row["期間"] for row in rows] == ["令和元年度", "令和3年度"]


def test_the_list_keeps_its_import_and_export_buttons(admin_client_staff):
    page = admin_client_staff.get(reverse(CHANGELIST)).content.decode()
    assert reverse("admin:plans_progressentry_import") in page
    assert reverse("admin:plans_progressentry_export") in page
