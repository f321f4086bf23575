"""Past acts (paper-era records, demo data) go through the same lifecycle tables and
guarded step as live ones: dated ``at``, taken in a named role with no login, and refused
exactly as the table refuses; a live call without an actor is still refused."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.forms.models import model_to_dict

from plans import services
from plans.models import PlanAction, PlanStatus, PlanTransition, ProgressAction, ReviewState
from plans.services import OWNER, PUBLISHER, REVIEWER, TransitionRefused

from .factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
OCT_2012 = datetime(2012, 10, 1, 10, tzinfo=TOKYO)
APR_2013 = datetime(2013, 4, 1, 10, tzinfo=TOKYO)


@pytest.fixture
def entry(council):
    plan = PlanFactory(community=True, council=council)
    return EntryFactory(item=PlanItemFactory(policy=PolicyFactory(plan=plan)))


def _entry_snapshot(entry):
    entry.refresh_from_db()
    return model_to_dict(entry), entry.updated_at, entry.transitions.count()


def _plan_snapshot(plan):
    plan.refresh_from_db()
    return model_to_dict(plan), PlanTransition.objects.count()


def test_past_submit_and_accept_are_dated_and_name_no_actor(entry):
    submitted = services.progress_transition(
        entry=entry, action=ProgressAction.SUBMIT, actor=None, role=OWNER, at=OCT_2012
    )
    accepted = services.progress_transition(
        entry=entry,
        action=ProgressAction.ACCEPT,
        actor=None,
        role=REVIEWER,
        at=APR_2013,
        comment="順調です。",
    )

    entry.refresh_from_db()
    assert (entry.state, entry.submitted_at, entry.reviewed_at) == (
        "accepted",
        datetime(2012, 10, 1, 1, tzinfo=ZoneInfo("UTC")),
        datetime(2013, 4, 1, 1, tzinfo=ZoneInfo("UTC")),
    )
    assert (entry.staff_comment, entry.reviewed_by) == ("順調です。", None)
    # The edit history is dated like the acts, not when they were recorded.
    assert [h.history_date for h in entry.history.order_by("history_id")][-2:] == [
        datetime(2012, 10, 1, 1, tzinfo=ZoneInfo("UTC")),
        datetime(2013, 4, 1, 1, tzinfo=ZoneInfo("UTC")),
    ]
    assert [
        (r.action, r.from_state, r.to_state, r.at, r.actor, r.comment)
        for r in (submitted, accepted)
    ] == [
        ("submit", "draft", "submitted", OCT_2012, None, ""),
        ("accept", "submitted", "accepted", APR_2013, None, "順調です。"),
    ]
    assert list(entry.transitions.values_list("at", "actor")) == [
        (OCT_2012, None),
        (APR_2013, None),
    ]


def test_past_publication_of_a_revision_supersedes_the_old_version_at_that_time():
    old = PlanFactory(status=PlanStatus.PUBLISHED, version=1)
    new = PlanFactory(status=PlanStatus.DRAFT, version=2, title=old.title, revision_of=old)
    PlanItemFactory(policy__plan=new)

    record = services.plan_transition(
        plan=new, action=PlanAction.PUBLISH, actor=None, role=PUBLISHER, at=APR_2013
    )

    new.refresh_from_db()
    old.refresh_from_db()
    assert (new.status, new.published_at) == ("published", APR_2013)
    assert old.status == "superseded"
    assert (record.action, record.from_status, record.at, record.actor) == (
        "publish",
        "draft",
        APR_2013,
        None,
    )
    assert list(old.transitions.values_list("action", "at", "actor", "comment")) == [
        ("supersede", APR_2013, None, "第2版の公開による"),
    ]


@pytest.mark.parametrize(
    "past",
    [
        {},  # a live call
        {"at": OCT_2012},  # a past act without the role it was taken in
    ],
)
def test_an_act_without_actor_or_role_is_refused_and_writes_nothing(entry, past):
    before = _entry_snapshot(entry)
    with pytest.raises(TransitionRefused) as refused:
        services.progress_transition(entry=entry, action=ProgressAction.SUBMIT, actor=None, **past)
    assert refused.value.code == "actor_not_allowed"
    assert _entry_snapshot(entry) == before


@pytest.mark.parametrize(
    "arguments",
    [
        {"actor": None, "role": OWNER},  # role without at: a live act cannot name a role
        {"actor": "secretary", "role": OWNER, "at": OCT_2012},  # a login holds its own role
        {"actor": None, "role": OWNER, "at": datetime(2999, 4, 1, tzinfo=TOKYO)},  # future
    ],
)
def test_misused_past_act_arguments_are_a_programming_error(entry, secretary, arguments):
    if arguments["actor"] == "secretary":
        arguments["actor"] = secretary
    before = _entry_snapshot(entry)
    with pytest.raises(ValueError):
        services.progress_transition(entry=entry, action=ProgressAction.SUBMIT, **arguments)
    with pytest.raises(ValueError):
        services.plan_transition(plan=entry.item.plan, action=PlanAction.PUBLISH, **arguments)
    assert _entry_snapshot(entry) == before


# (state, action, role the past act names, comment, refusal code)
REFUSED_PAST_ACTS = [
    (ReviewState.DRAFT, ProgressAction.SUBMIT, REVIEWER, "", "actor_not_allowed"),
    (ReviewState.DRAFT, ProgressAction.SUBMIT, "city", "", "actor_not_allowed"),
    (ReviewState.DRAFT, ProgressAction.ACCEPT, REVIEWER, "", "transition_not_allowed"),
    (ReviewState.SUBMITTED, ProgressAction.RETURN, REVIEWER, "", "comment_required"),
    (ReviewState.SUBMITTED, ProgressAction.PUBLISH, PUBLISHER, "", "transition_not_allowed"),
]


@pytest.mark.parametrize(("state", "action", "role", "comment", "code"), REFUSED_PAST_ACTS)
def test_past_progress_act_the_table_refuses_is_refused(entry, state, action, role, comment, code):
    entry.state = state
    entry.save()
    before = _entry_snapshot(entry)
    with pytest.raises(TransitionRefused) as refused:
        services.progress_transition(
            entry=entry, action=action, actor=None, role=role, at=OCT_2012, comment=comment
        )
    assert refused.value.code == code
    assert _entry_snapshot(entry) == before


def test_past_publication_the_table_refuses_is_refused(council):
    submitted_first = PlanFactory(community=True, council=council, status=PlanStatus.DRAFT)
    PlanItemFactory(policy__plan=submitted_first)
    empty = PlanFactory(status=PlanStatus.DRAFT)
    for plan, code in ((submitted_first, "transition_not_allowed"), (empty, "plan_empty")):
        before = _plan_snapshot(plan)
        with pytest.raises(TransitionRefused) as refused:
            services.plan_transition(
                plan=plan, action=PlanAction.PUBLISH, actor=None, role=PUBLISHER, at=APR_2013
            )
        assert refused.value.code == code
        assert _plan_snapshot(plan) == before
