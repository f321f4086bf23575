"""Two staff deciding at the same moment never exceed the budget (PostgreSQL row locks)."""

import threading
import time

import pytest
from django.db import connection

from subsidies import selectors
from subsidies.exceptions import TransitionError
from subsidies.models import Application, Budget, Status

from .lifecycle import YEAR, application_in, step

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def slow_budget_read(monkeypatch):
    """Widen the race: wait after reading what is granted, before writing the decision.

    Without the lock on the Budget row both decisions would read the same total here.
    """
    real = selectors.granted_total

    def slow(*args, **kwargs):
        total = real(*args, **kwargs)
        time.sleep(0.3)
        return total

    monkeypatch.setattr(selectors, "granted_total", slow)


def run_together(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            call()
            results[index] = "ok"
        except TransitionError as error:
            results[index] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_concurrent_decisions_respect_the_budget(world):
    # Budget 150,000: either decision fits alone, both together would not.
    Budget.objects.filter(programme=world.programme, fiscal_year=YEAR).update(amount=150_000)
    first = application_in(world, Status.SUBMITTED, amount=100_000)
    second = application_in(
        world,
        Status.SUBMITTED,
        amount=100_000,
        council=world.other,
        secretary=world.other_secretary,
    )
    results = run_together(
        [lambda: step(first, "decide", world.staff), lambda: step(second, "decide", world.staff)]
    )
    assert sorted(results) == ["budget_exceeded", "ok"]
    assert selectors.granted_total(world.programme, YEAR) == 100_000
    assert Application.objects.filter(status=Status.DECIDED).count() == 1
    assert selectors.budget_left(world.programme, YEAR) == 50_000


def test_concurrent_decision_and_change_approval_respect_the_budget(world):
    Budget.objects.filter(programme=world.programme, fiscal_year=YEAR).update(amount=250_000)
    decided = application_in(world, Status.DECIDED, amount=100_000)
    step(
        decided,
        "request_change",
        world.secretary,
        comment="増額",
        lines=world.lines(200_000),
        amount=200_000,
    )
    other = application_in(
        world,
        Status.SUBMITTED,
        amount=100_000,
        council=world.other,
        secretary=world.other_secretary,
    )
    results = run_together(
        [
            lambda: step(decided, "approve_change", world.staff),
            lambda: step(other, "decide", world.staff),
        ]
    )
    assert "ok" in results
    assert selectors.granted_total(world.programme, YEAR) <= 250_000
