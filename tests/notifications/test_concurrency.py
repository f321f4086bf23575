"""Two workers running the reminder job at once still send each reminder once (PostgreSQL)."""

import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from core import tenancy
from notifications.models import ContactAddress, SentNotice
from reminders.models import ReminderEvent, ReminderTiming
from reminders.services import send_due_reminders

from .conftest import TODAY

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PG"
)
def test_two_workers_at_once_send_once(application, secretary):
    ContactAddress.objects.create(
        user=secretary, email="yamanome@example.jp", confirmed_at=timezone.now()
    )
    for days in (14, 13):
        ReminderTiming.objects.create(
            event=ReminderEvent.REPORT_DUE, programme=application.programme, days=days
        )
    barrier = threading.Barrier(4)
    outcomes, errors = [], []

    def worker():
        try:
            barrier.wait()
            outcomes.append(send_due_reminders(TODAY))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(outcomes) == ["0 reminders sent"] * 3 + ["1 reminders sent"]
    assert len(mail.outbox) == 1
    with tenancy.city_scope(application.municipality):
        assert SentNotice.objects.count() == 1
