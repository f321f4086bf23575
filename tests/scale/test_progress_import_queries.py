"""A progress import runs the same number of queries for 200 rows as for 400, keeps a
history row naming the importer for every change, and still refuses a locked row."""

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import roles
from plans.models import ProgressEntry, ReviewState
from plans.resources import ProgressEntryResource
from tests.factories import UserFactory
from tests.plans.factories import PlanFactory, PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(staff_groups):
    user = UserFactory(username="progress-editor", is_staff=True)
    user.groups.add(staff_groups[roles.EDITOR])
    return user


def plan_with_drafts(items: int, title: str):
    from plans.models import PlanItem

    plan = PlanFactory(title=title)
    policy = PolicyFactory(plan=plan)
    made = PlanItem.objects.bulk_create(
        PlanItem(plan=plan, policy=policy, order=i, number=f"事業{i}", title=f"事業名{i}")
        for i in range(items)
    )
    status = plan.vocabulary.statuses.first()
    ProgressEntry.objects.bulk_create(
        ProgressEntry(item=item, fiscal_year=2022, done="実施した。", status=status)
        for item in made
    )
    return plan


def edited_export(editor, plan) -> tablib.Dataset:
    exported = ProgressEntryResource(user=editor).export(
        queryset=ProgressEntry.objects.filter(item__plan=plan).order_by("item__order")
    )
    done = exported.headers.index("実施内容")
    edited = tablib.Dataset(headers=exported.headers)
    for row in exported:
        row = list(row)
        row[done] += "（修正）"
        edited.append(row)
    return edited


def import_queries(editor, dataset) -> tuple[int, object]:
    editor = type(editor).objects.get(pk=editor.pk)  # permissions not cached yet, as in a request
    with CaptureQueriesContext(connection) as captured:
        result = ProgressEntryResource(user=editor).import_data(
            dataset, use_transactions=True, rollback_on_validation_errors=True
        )
    assert not result.has_errors() and not result.has_validation_errors()
    return len(captured), result


def test_progress_import_runs_the_same_queries_for_200_and_400_rows(editor):
    small = plan_with_drafts(200, "計画200")
    large = plan_with_drafts(400, "計画400")
    few, result = import_queries(editor, edited_export(editor, small))
    assert result.totals["update"] == 200
    many, result = import_queries(editor, edited_export(editor, large))
    assert result.totals["update"] == 400
    if connection.vendor == "postgresql":
        assert many == few
    else:
        # SQLite binds at most 999 values a statement, so Django splits the UPDATE and
        # the history INSERT into batches: a few more queries, never one a row.
        assert many <= few + 12
    assert few <= 20
    assert ProgressEntry.objects.filter(item__plan=large, done="実施した。（修正）").count() == 400


def test_bulk_progress_import_keeps_a_history_row_for_each_change(editor):
    plan = plan_with_drafts(3, "計画3")
    entry = ProgressEntry.objects.get(item__plan=plan, item__number="事業1")
    before = entry.updated_at
    import_queries(editor, edited_export(editor, plan))
    entry.refresh_from_db()
    assert entry.done == "実施した。（修正）"
    assert entry.updated_at > before
    (record,) = entry.history.all()
    assert record.history_user == editor
    assert record.history_type == "~"
    assert record.done == "実施した。（修正）"


def test_a_row_repeated_in_the_file_is_written_once_with_its_last_values(editor):
    plan = plan_with_drafts(2, "計画2")
    dataset = edited_export(editor, plan)
    again = list(dataset[0])
    again[dataset.headers.index("実施内容")] = "2行目で書き直した。"
    dataset.append(again)
    import_queries(editor, dataset)
    entry = ProgressEntry.objects.get(item__plan=plan, item__number="事業0")
    assert entry.done == "2行目で書き直した。"
    assert entry.history.count() == 1


def test_a_locked_row_still_refuses_the_whole_file(editor):
    plan = plan_with_drafts(3, "計画3")
    ProgressEntry.objects.filter(item__plan=plan, item__number="事業2").update(
        state=ReviewState.ACCEPTED
    )
    result = ProgressEntryResource(user=editor).import_data(
        edited_export(editor, plan), use_transactions=True, rollback_on_validation_errors=True
    )
    assert result.has_validation_errors() or result.has_errors()
    assert not ProgressEntry.objects.filter(done="実施した。（修正）").exists()
