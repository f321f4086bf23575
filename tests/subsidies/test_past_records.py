"""Past records (paper-era grants, demo data): a creation and the moves after it go through
the lifecycle's services, dated ``at`` and named as the system; the table's checks still
apply, and a live call without an actor is still refused."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from core.signals import public_content_changed
from subsidies import services
from subsidies.exceptions import TransitionError
from subsidies.models import Application, ApplicationEvent

from .lifecycle import END, START, YEAR, draft, snapshot

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


def _create(world, **past):
    return services.create_application(
        council=world.council,
        programme=world.programme,
        fiscal_year=YEAR,
        lines=world.lines(80_000, 40_000),
        title="防災マップの作成",
        work_starts_on=START,
        work_ends_on=END,
        requested_amount=120_000,
        **past,
    )


def test_past_creation_is_dated_and_names_the_system(world):
    at = datetime(YEAR, 4, 10, 10, tzinfo=TOKYO)
    application = _create(world, actor=None, at=at, comment="紙の申請書から登録")

    application.refresh_from_db()
    assert (application.created_at, application.entered_by, application.status) == (
        at,
        None,
        "draft",
    )
    assert list(application.lines.values_list("amount", flat=True)) == [80_000, 40_000]
    assert list(
        application.events.values_list("action", "actor", "actor_role", "at", "comment", "changes")
    ) == [
        ("create", None, "system", at, "紙の申請書から登録", {"requested_amount": [None, 120_000]})
    ]


def test_creation_without_an_actor_is_refused_unless_it_is_a_past_one(world):
    with pytest.raises(TransitionError) as refused:
        _create(world, actor=None)
    assert refused.value.code == "role_not_allowed"
    assert (Application.objects.count(), ApplicationEvent.objects.count()) == (0, 0)


def test_past_move_is_dated_names_the_system_sends_no_mail_and_clears_public_pages(
    world, django_capture_on_commit_callbacks
):
    application = draft(world)
    mail.outbox.clear()
    announced = []

    def listen(sender, **kwargs):
        announced.append(sender)

    public_content_changed.connect(listen, dispatch_uid="test_past_move")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.record_past_transition(
                application=application,
                action="submit",
                at=datetime(YEAR, 4, 20, 10, tzinfo=TOKYO),
                today=date(YEAR, 4, 20),
            )
            services.record_past_transition(
                application=application,
                action="decide",
                at=datetime(YEAR, 5, 1, 10, tzinfo=TOKYO),
                decided_on=date(YEAR, 5, 1),
            )
    finally:
        public_content_changed.disconnect(dispatch_uid="test_past_move")

    application.refresh_from_db()
    assert (application.status, application.decided_on, application.submitted_at) == (
        "decided",
        date(YEAR, 5, 1),
        datetime(YEAR, 4, 20, 10, tzinfo=TOKYO),
    )
    assert list(
        application.events.exclude(action="create").values_list(
            "action", "actor", "actor_role", "at"
        )
    ) == [
        ("submit", None, "system", datetime(YEAR, 4, 20, 10, tzinfo=TOKYO)),
        ("decide", None, "system", datetime(YEAR, 5, 1, 10, tzinfo=TOKYO)),
    ]
    assert mail.outbox == []
    assert announced == [Application]  # decide changes public figures, submit does not


@pytest.mark.parametrize(
    ("action", "code"),
    [
        ("decide", "transition_not_allowed"),
        ("pay", "transition_not_allowed"),
        ("grant", "unknown_action"),
    ],
)
def test_past_move_the_table_refuses_is_refused(world, action, code):
    application = draft(world)
    before = snapshot(application)
    with pytest.raises(TransitionError) as refused:
        services.record_past_transition(
            application=application, action=action, at=datetime(YEAR, 5, 1, 10, tzinfo=TOKYO)
        )
    assert refused.value.code == code
    assert snapshot(application) == before


def test_past_move_is_checked_against_the_saved_status_not_the_callers_copy(world):
    stale = draft(world)
    fresh = Application.objects.get(pk=stale.pk)
    at = datetime(YEAR, 4, 20, 10, tzinfo=TOKYO)
    services.record_past_transition(application=fresh, action="submit", at=at, today=at.date())
    before = snapshot(stale)

    with pytest.raises(TransitionError) as refused:
        services.record_past_transition(application=stale, action="submit", at=at, today=at.date())
    assert refused.value.code == "transition_not_allowed"
    assert snapshot(stale) == before


def test_past_move_without_a_time_is_a_live_move_and_needs_an_actor(world):
    application = draft(world)
    before = snapshot(application)
    with pytest.raises(TransitionError) as refused:
        services.record_past_transition(
            application=application, action="submit", at=None, today=date(YEAR, 4, 20)
        )
    assert refused.value.code == "role_not_allowed"
    assert snapshot(application) == before
