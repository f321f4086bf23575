"""Two staff deciding at the same moment never exceed the budget (PostgreSQL row locks)."""

import contextvars
import threading
import time

import pytest
from django.db import connection

from subsidies import selectors
from subsidies.exceptions import TransitionError
from subsidies.models import Application, Budget, Status

from .factories import BudgetFactory, RuleFactory
from .lifecycle import YEAR, application_in, step
from .test_labour_once_a_year import application, labour_rule  # noqa: F401 (a fixture)

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

    # A thread starts with no city in force: each runs in a copy of this test's context.
    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(run, i, c))
        for i, c in enumerate(calls)
    ]
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


def test_two_concurrent_decisions_pay_a_councils_labour_once(world, labour_rule, monkeypatch):  # noqa: F811
    """Two programmes that pay 事務局人件費, one council: the second decision to take the
    council's row lock sees the first's labour (registered cost 2,492,000円)."""
    real = selectors.labour_decided

    def slow(*args, **kwargs):
        decided = real(*args, **kwargs)
        time.sleep(0.3)
        return decided

    monkeypatch.setattr(selectors, "labour_decided", slow)
    first_rule = labour_rule
    second_rule = RuleFactory(labour_eligible=True, categories=["juyohi", "jinkenhi"])
    BudgetFactory(programme=second_rule.programme, fiscal_year=YEAR, amount=10_000_000)
    first = application(world, first_rule, 2_492_000)
    second = application(world, second_rule, 2_492_000, title="交流会")
    step(first, "submit", world.secretary)
    step(second, "submit", world.secretary)
    results = run_together(
        [lambda: step(first, "decide", world.staff), lambda: step(second, "decide", world.staff)]
    )
    assert sorted(results) == ["above_engine_amount", "ok"]
    assert real(YEAR, [world.council.pk]) == {world.council.pk: 2_492_000}
    assert Application.objects.filter(status=Status.DECIDED).count() == 1
