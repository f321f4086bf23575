"""The selectors the public pages (issue 6) must use: only published plan versions and
accepted + published progress are ever returned."""

import pytest

from core.calendar import Period
from plans.models import PlanStatus, ProgressAction, ReviewState
from plans.selectors import (
    published_periods,
    published_plan,
    published_plan_versions,
    published_plans,
    published_progress,
    published_rollup,
)

from .factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(council):
    old = PlanFactory(community=True, council=council, status=PlanStatus.SUPERSEDED, title="旧版")
    current = PlanFactory(
        community=True, council=council, version=2, revision_of=old, title="現行版"
    )
    draft = PlanFactory(
        community=True,
        council=council,
        version=3,
        revision_of=current,
        status=PlanStatus.DRAFT,
        title="見直し中",
    )
    submitted = PlanFactory(status=PlanStatus.SUBMITTED, title="提出中の市の計画")
    item = PlanItemFactory(policy=PolicyFactory(plan=current))
    old_item = PlanItemFactory(policy=PolicyFactory(plan=old))
    draft_item = PlanItemFactory(policy=PolicyFactory(plan=draft))
    entries = {
        "public": EntryFactory(item=item, fiscal_year=2020, state=ReviewState.ACCEPTED),
        "old_public": EntryFactory(item=old_item, fiscal_year=2019, state=ReviewState.ACCEPTED),
        "accepted_unpublished": EntryFactory(
            item=item, fiscal_year=2021, state=ReviewState.ACCEPTED
        ),
        "submitted": EntryFactory(item=item, fiscal_year=2022, state=ReviewState.SUBMITTED),
        "draft": EntryFactory(item=item, fiscal_year=2023),
        "on_draft_plan": EntryFactory(
            item=draft_item, fiscal_year=2020, state=ReviewState.ACCEPTED
        ),
    }
    for key in ("public", "old_public", "on_draft_plan"):
        entries[key].published_at = entries[key].created_at
        entries[key].save()
    return {
        "old": old,
        "current": current,
        "draft": draft,
        "submitted": submitted,
        "entries": entries,
    }


def test_published_plans_are_the_versions_in_force(world):
    assert list(published_plans()) == [world["current"]]


def test_published_plan_reads_current_and_superseded_versions_only(world):
    assert published_plan(world["current"].pk) == world["current"]
    assert published_plan(world["old"].pk) == world["old"]
    assert published_plan(world["draft"].pk) is None
    assert published_plan(world["submitted"].pk) is None


def test_published_versions_of_a_lineage_skip_drafts(world):
    assert published_plan_versions(world["current"]) == [world["old"], world["current"]]
    assert published_plan_versions(world["old"]) == [world["old"], world["current"]]


def test_published_progress_is_accepted_and_published_on_public_plans(world):
    entries = world["entries"]
    assert set(published_progress()) == {entries["public"], entries["old_public"]}
    assert list(published_progress(world["current"])) == [entries["public"]]
    assert list(published_progress(world["current"], Period(2021))) == []
    assert published_periods(world["current"]) == [Period(2020)]


def test_published_rollup_counts_published_progress_and_hides_drafts(world):
    table = published_rollup(world["current"])
    assert table.total.item_count == 1
    assert table.total.cells[0].count == 1  # the published 2020 entry, not the later ones
    assert published_rollup(world["draft"]) is None


def test_reopened_entry_leaves_the_public_pages(world, editor_user):
    from plans import services

    entry = world["entries"]["public"]
    services.progress_transition(
        action=ProgressAction.REOPEN, entry=entry, actor=editor_user, comment="訂正"
    )
    assert entry not in published_progress()


def test_published_plan_runs_a_fixed_number_of_queries(world, django_assert_num_queries):
    from plans.selectors import indicator_table, plan_sections

    for i in range(10):
        item = PlanItemFactory(policy=world["current"].policies.first(), number=f"追加{i}")
        item.roles.create(actor="city", role="助言")
        item.schedule.create(fiscal_year=2020, text="実施")
    with django_assert_num_queries(7):
        plan = published_plan(world["current"].pk)
        plan_sections(plan)
        indicator_table(plan)
        list(plan.issues.all())
