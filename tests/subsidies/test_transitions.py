"""The lifecycle table against the moves written out by hand below: every expected move
works for its role and is audited, and is the only set of moves allowed; every other move,
and every move by the wrong role, is refused with a code and changes nothing."""

import pytest

from subsidies import services
from subsidies.exceptions import TransitionError
from subsidies.forms import STAFF_FORMS
from subsidies.models import ActorRole, ApplicationEvent, Status
from subsidies.services import LIFECYCLE

from .lifecycle import application_in, report_data, snapshot, step

SECRETARY, STAFF = "secretary", "staff"

# Who may do what from which status, and where it leads: the city's procedure (申請、差戻し、
# 交付決定、変更承認、実績報告、額の確定、精算・返還), written out by hand.
EXPECTED_MOVES = [
    # (who, from status, action, to status)
    (SECRETARY, "draft", "submit", "submitted"),
    (SECRETARY, "returned", "submit", "submitted"),
    (STAFF, "draft", "proxy_submit", "submitted"),
    (SECRETARY, "draft", "withdraw", "withdrawn"),
    (SECRETARY, "submitted", "withdraw", "withdrawn"),
    (SECRETARY, "returned", "withdraw", "withdrawn"),
    (STAFF, "submitted", "return", "returned"),
    (STAFF, "submitted", "decide", "decided"),
    (STAFF, "submitted", "refuse", "refused"),
    (STAFF, "decided", "pay_advance", "decided"),
    (SECRETARY, "decided", "request_change", "change_requested"),
    (SECRETARY, "change_requested", "withdraw_change", "decided"),
    (STAFF, "change_requested", "approve_change", "decided"),
    (STAFF, "change_requested", "refuse_change", "decided"),
    (SECRETARY, "decided", "submit_report", "report_submitted"),
    (SECRETARY, "report_returned", "submit_report", "report_submitted"),
    (STAFF, "decided", "proxy_submit_report", "report_submitted"),
    (STAFF, "report_returned", "proxy_submit_report", "report_submitted"),
    (STAFF, "report_submitted", "return_report", "report_returned"),
    (STAFF, "report_submitted", "confirm", "confirmed"),
    (STAFF, "confirmed", "pay", "completed"),
    (STAFF, "confirmed", "request_refund", "refund_requested"),
    (STAFF, "refund_requested", "receive_refund", "completed"),
]
STATUSES = [
    "draft",
    "submitted",
    "returned",
    "decided",
    "refused",
    "withdrawn",
    "change_requested",
    "report_submitted",
    "report_returned",
    "confirmed",
    "refund_requested",
    "completed",
]
ACTIONS = sorted({action for _who, _from, action, _to in EXPECTED_MOVES})
ROLE_OF = {action: who for who, _from, action, _to in EXPECTED_MOVES}
# After these, citizens' pages show different figures.
PUBLIC = {"decide", "pay_advance", "approve_change", "confirm", "pay", "receive_refund"}
ALLOWED = {(status, action) for _who, status, action, _to in EXPECTED_MOVES}
NOT_ALLOWED = [
    (status, action) for status in STATUSES for action in ACTIONS if (status, action) not in ALLOWED
]


def table_moves():
    return {
        (row.role, status, row.action, row.target) for row in LIFECYCLE for status in row.sources
    }


# The table itself (plain values, no database) ---------------------------------------------


def test_the_table_has_exactly_the_expected_moves():
    assert table_moves() == set(EXPECTED_MOVES)
    assert len(EXPECTED_MOVES) == 23 == len(set(EXPECTED_MOVES))


def test_every_status_is_covered():
    assert sorted(Status.values) == sorted(STATUSES)


def test_each_action_has_one_row():
    assert sorted(row.action for row in LIFECYCLE) == ACTIONS


def test_public_actions():
    assert {row.action for row in LIFECYCLE if row.public} == PUBLIC


def test_every_staff_action_has_its_admin_form_and_no_other_action_has_one():
    assert set(STAFF_FORMS) == {action for action, who in ROLE_OF.items() if who == STAFF}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", [SECRETARY, STAFF])
def test_allowed_actions_are_exactly_the_expected_ones(status, role):
    app = type("Probe", (), {"status": status})()
    expected = {a for who, s, a, _to in EXPECTED_MOVES if who == role and s == status}
    assert set(services.allowed_actions(app, role)) == expected


# The moves, through the real services ---------------------------------------------------


def data_for(world, action, application):
    data = dict(VALID_DATA.get(action, {}))
    if action == "request_change":
        data.update(comment="講師を増やすため", lines=world.lines(150_000), amount=150_000)
    if action in ("submit_report", "proxy_submit_report"):
        data.update(report_data(world, application, 100_000))
    if action == "receive_refund":
        data.update(amount=application.refund_amount)
    return data


# What each action needs to succeed (beyond the status and role).
VALID_DATA = {
    "return": {"comment": "明細を直してください。"},
    "refuse": {"comment": "対象外です。"},
    "refuse_change": {"comment": "変更は認められません。"},
    "return_report": {"comment": "領収書が足りません。"},
    "pay_advance": {"amount": 50_000},
}


def actor_for(world, role):
    return world.staff if role == STAFF else world.secretary


MOVE_IDS = [f"{who}-{s}-{a}" for who, s, a, _to in EXPECTED_MOVES]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status", "action", "to_status"), EXPECTED_MOVES, ids=MOVE_IDS)
def test_expected_move_works_and_is_audited(world, role, status, action, to_status):
    needs_refund = action in ("request_refund", "receive_refund")
    app = application_in(world, status, refund=needs_refund)
    if action == "proxy_submit":
        app.proxy_entry = True
        app.save(update_fields=["proxy_entry"])
    events = app.events.count()
    moved = step(app, action, actor_for(world, role), **data_for(world, action, app))
    assert moved.status == to_status
    moved.refresh_from_db()
    assert moved.status == to_status
    assert app.events.count() == events + 1
    event = app.events.order_by("-pk").first()
    assert (event.action, event.from_status, event.to_status, event.actor_role) == (
        action,
        status,
        to_status,
        role,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status", "action", "to_status"), EXPECTED_MOVES, ids=MOVE_IDS)
def test_wrong_role_is_refused_and_changes_nothing(world, role, status, action, to_status):
    app = application_in(world, status, refund=action in ("request_refund", "receive_refund"))
    wrong = world.secretary if role == STAFF else world.staff
    for actor in (wrong, world.viewer, world.other_secretary):
        before = snapshot(app)
        with pytest.raises(TransitionError) as refused:
            step(app, action, actor, **data_for(world, action, app))
        assert refused.value.code == "role_not_allowed"
        assert snapshot(app) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "action"), NOT_ALLOWED, ids=[f"{s}-{a}" for s, a in NOT_ALLOWED]
)
def test_any_other_move_is_refused_and_changes_nothing(world, status, action):
    app = application_in(world, status)
    before = snapshot(app)
    for actor in (world.staff, world.secretary):
        with pytest.raises(TransitionError) as refused:
            step(app, action, actor, **data_for(world, action, app))
        assert refused.value.code == "transition_not_allowed"
    assert snapshot(app) == before


@pytest.mark.django_db
def test_unknown_action_is_refused(world):
    app = application_in(world, Status.DRAFT)
    before = snapshot(app)
    with pytest.raises(TransitionError) as refused:
        step(app, "approve_everything", world.staff)
    assert refused.value.code == "unknown_action"
    assert snapshot(app) == before


@pytest.mark.django_db
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
@pytest.mark.django_db
def test_guarded_move_is_refused_with_its_code_and_changes_nothing(
    world, status, action, data, code
):
    app = application_in(world, status)
    before = snapshot(app)
    role = ROLE_OF[action]
    with pytest.raises(TransitionError) as refused:
        step(app, action, world.staff if role == ActorRole.STAFF else world.secretary, **data)
    assert refused.value.code == code
    assert snapshot(app) == before


@pytest.mark.django_db
def test_decision_above_the_request_is_refused(world):
    app = application_in(world, Status.SUBMITTED, amount=100_000)
    # The engine allows 100,000 too, so raise the lines first to isolate the request cap.
    app.lines.update(amount=150_000)
    with pytest.raises(TransitionError) as refused:
        step(app, "decide", world.staff, amount=100_001)
    assert refused.value.code == "above_requested"


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_every_amount_change_is_in_the_history(world):
    app = application_in(world, Status.COMPLETED, refund=True)
    changes = [e.changes for e in ApplicationEvent.objects.filter(application=app).order_by("pk")]
    seen = {name for change in changes for name in change}
    assert {"requested_amount", "decided_amount", "advance_amount", "paid_amount"} <= seen
    assert {"confirmed_amount", "refund_amount", "refunded_amount"} <= seen
    decided = next(c for c in changes if "decided_amount" in c)
    assert decided["decided_amount"] == [None, 120_000]


@pytest.mark.django_db
def test_allowed_actions_are_offered_in_table_order(world):
    app = application_in(world, Status.SUBMITTED)
    assert services.allowed_actions(app, ActorRole.STAFF) == ["return", "decide", "refuse"]
    assert services.allowed_actions(app, ActorRole.SECRETARY) == ["withdraw"]
