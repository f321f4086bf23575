"""The transition table: every allowed move works for its role; every other move, and every
move by the wrong role, is refused with a code and changes nothing."""

import pytest

from subsidies import services
from subsidies.models import ActorRole, ApplicationEvent, Status
from subsidies.services import ACTIONS, TRANSITIONS, TransitionError

from .lifecycle import application_in, snapshot, step

pytestmark = pytest.mark.django_db

# What each action needs to succeed (beyond the status and role).
VALID_DATA = {
    "return": {"comment": "明細を直してください。"},
    "refuse": {"comment": "対象外です。"},
    "refuse_change": {"comment": "変更は認められません。"},
    "return_report": {"comment": "領収書が足りません。"},
    "pay_advance": {"amount": 50_000},
}


def data_for(world, action, application):
    data = dict(VALID_DATA.get(action, {}))
    if action == "request_change":
        data.update(comment="講師を増やすため", lines=world.lines(150_000), amount=150_000)
    if action == "submit_report":
        data.update(lines=world.lines(100_000), report_text="実施しました。")
    if action == "receive_refund":
        data.update(amount=application.refund_amount)
    return data


def actor_for(world, role):
    return world.staff if role == ActorRole.STAFF else world.secretary


@pytest.mark.parametrize(
    ("status", "action", "to_status", "role"),
    [(s, a, t, r) for (s, a), (t, r) in TRANSITIONS.items()],
    ids=[f"{s}-{a}" for (s, a) in TRANSITIONS],
)
def test_allowed_transition_moves_and_is_audited(world, status, action, to_status, role):
    needs_refund = action in ("request_refund", "receive_refund")
    app = application_in(world, status, refund=needs_refund)
    if action == "proxy_submit":
        app.proxy_entry = True
        app.save(update_fields=["proxy_entry"])
    events = app.events.count()
    moved = step(app, action, actor_for(world, role), **data_for(world, action, app))
    assert moved.status == to_status
    assert app.events.count() == events + 1
    event = app.events.order_by("-pk").first()
    assert (event.action, event.from_status, event.to_status, event.actor_role) == (
        action,
        status,
        to_status,
        role,
    )


@pytest.mark.parametrize(
    ("status", "action", "to_status", "role"),
    [(s, a, t, r) for (s, a), (t, r) in TRANSITIONS.items()],
    ids=[f"{s}-{a}" for (s, a) in TRANSITIONS],
)
def test_wrong_role_is_refused_and_changes_nothing(world, status, action, to_status, role):
    app = application_in(world, status, refund=action in ("request_refund", "receive_refund"))
    wrong = world.secretary if role == ActorRole.STAFF else world.staff
    for actor in (wrong, world.viewer, world.other_secretary):
        before = snapshot(app)
        with pytest.raises(TransitionError) as refused:
            step(app, action, actor, **data_for(world, action, app))
        assert refused.value.code == "role_not_allowed"
        assert snapshot(app) == before


NOT_ALLOWED = [
    (status, action)
    for status in Status.values
    for action in sorted(ACTIONS)
    if (status, action) not in TRANSITIONS
]


@pytest.mark.parametrize(
    ("status", "action"), NOT_ALLOWED, ids=[f"{s}-{a}" for s, a in NOT_ALLOWED]
)
def test_move_not_in_the_table_is_refused_and_changes_nothing(world, status, action):
    app = application_in(world, status)
    before = snapshot(app)
    for actor in (world.staff, world.secretary):
        with pytest.raises(TransitionError) as refused:
            step(app, action, actor, **data_for(world, action, app))
        assert refused.value.code == "transition_not_allowed"
    assert snapshot(app) == before


def test_unknown_action_is_refused(world):
    app = application_in(world, Status.DRAFT)
    with pytest.raises(TransitionError) as refused:
        step(app, "approve_everything", world.staff)
    assert refused.value.code == "unknown_action"


@pytest.mark.parametrize(
    ("status", "action", "data", "code"),
    [
        (Status.SUBMITTED, "return", {}, "comment_required"),
        (Status.SUBMITTED, "refuse", {"comment": "  "}, "comment_required"),
        (Status.SUBMITTED, "decide", {"amount": 0}, "amount_not_positive"),
        (Status.SUBMITTED, "decide", {"amount": -1}, "amount_not_positive"),
        (Status.SUBMITTED, "decide", {"amount": 1.5}, "non_integer_amount"),
        (Status.SUBMITTED, "decide", {"amount": 120_001}, "above_engine_amount"),
        (Status.DECIDED, "pay_advance", {"amount": 120_001}, "advance_above_decided"),
        (
            Status.DECIDED,
            "request_change",
            {"comment": "増額", "lines": [], "amount": 1},
            "no_lines",
        ),
        (Status.DECIDED, "submit_report", {"lines": [], "report_text": "実施"}, "no_lines"),
        (Status.CONFIRMED, "request_refund", {}, "no_refund_due"),
    ],
)
def test_guarded_move_is_refused_with_its_code_and_changes_nothing(
    world, status, action, data, code
):
    app = application_in(world, status)
    before = snapshot(app)
    role = TRANSITIONS[(status, action)][1]
    with pytest.raises(TransitionError) as refused:
        step(app, action, world.staff if role == ActorRole.STAFF else world.secretary, **data)
    assert refused.value.code == code
    assert snapshot(app) == before


def test_decision_above_the_request_is_refused(world):
    app = application_in(world, Status.SUBMITTED, amount=100_000)
    # The engine allows 100,000 too, so raise the lines first to isolate the request cap.
    app.lines.update(amount=150_000)
    with pytest.raises(TransitionError) as refused:
        step(app, "decide", world.staff, amount=100_001)
    assert refused.value.code == "above_requested"


def test_advance_only_once_and_only_where_the_programme_allows(world):
    app = application_in(world, Status.DECIDED)
    step(app, "pay_advance", world.staff, amount=10_000)
    with pytest.raises(TransitionError) as refused:
        step(app, "pay_advance", world.staff, amount=10_000)
    assert refused.value.code == "advance_already_paid"
    world.rule.advance_payment_allowed = False
    world.rule.save()
    other = application_in(world, Status.DECIDED, amount=50_000)
    with pytest.raises(TransitionError) as refused:
        step(other, "pay_advance", world.staff, amount=10_000)
    assert refused.value.code == "advance_not_allowed"


def test_every_amount_change_is_in_the_history(world):
    app = application_in(world, Status.COMPLETED, refund=True)
    changes = [e.changes for e in ApplicationEvent.objects.filter(application=app).order_by("pk")]
    seen = {name for change in changes for name in change}
    assert {"requested_amount", "decided_amount", "advance_amount", "paid_amount"} <= seen
    assert {"confirmed_amount", "refund_amount", "refunded_amount"} <= seen
    decided = next(c for c in changes if "decided_amount" in c)
    assert decided["decided_amount"] == [None, 120_000]


def test_allowed_actions_follow_the_table(world):
    app = application_in(world, Status.SUBMITTED)
    assert services.allowed_actions(app, ActorRole.STAFF) == ["return", "decide", "refuse"]
    assert services.allowed_actions(app, ActorRole.SECRETARY) == ["withdraw"]
