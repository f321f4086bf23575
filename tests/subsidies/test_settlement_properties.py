"""Property: whatever the decided amount, advance and actual costs, settlement ends with the
city having paid exactly the confirmed amount, and the budget is never exceeded."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subsidies import selectors
from subsidies.models import Budget, Status

from .lifecycle import YEAR, application_in, draft, report_data, step

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    decided=st.integers(min_value=1, max_value=200_000),
    advance_share=st.fractions(min_value=0, max_value=1),
    actual=st.integers(min_value=0, max_value=300_000),
)
def test_settlement_pays_exactly_the_confirmed_amount(world, decided, advance_share, actual):
    try:
        with transaction.atomic():
            app = application_in(world, Status.SUBMITTED, amount=decided)
            step(app, "decide", world.staff, amount=decided)
            advance = int(decided * advance_share)
            if advance:
                step(app, "pay_advance", world.staff, amount=advance)
            step(app, "submit_report", world.secretary, **report_data(world, app, actual))
            step(app, "confirm", world.staff)
            assert app.confirmed_amount == min(decided, actual)
            if app.net_paid_amount > app.confirmed_amount:
                step(app, "request_refund", world.staff)
                assert app.refund_amount == advance - app.confirmed_amount
                step(app, "receive_refund", world.staff, amount=app.refund_amount)
            else:
                step(app, "pay", world.staff)
            assert app.status == Status.COMPLETED
            assert app.net_paid_amount == app.confirmed_amount
            assert 0 <= app.confirmed_amount <= decided
            raise Rollback
    except Rollback:
        pass


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    budget=st.integers(min_value=0, max_value=400_000),
    requests=st.lists(st.integers(min_value=1, max_value=200_000), min_size=1, max_size=5),
)
def test_decisions_never_exceed_the_budget(world, budget, requests):
    from subsidies.exceptions import TransitionError

    try:
        with transaction.atomic():
            Budget.objects.filter(programme=world.programme, fiscal_year=YEAR).update(amount=budget)
            for index, amount in enumerate(requests):
                council, secretary = (
                    (world.council, world.secretary)
                    if index % 2
                    else (world.other, world.other_secretary)
                )
                app = draft(world, amount=amount, council=council, secretary=secretary)
                try:
                    step(app, "submit", secretary)
                    step(app, "decide", world.staff, amount=amount)
                except TransitionError as error:
                    assert error.code in ("above_engine_amount", "budget_exceeded", "not_eligible")
                assert selectors.granted_total(world.programme, YEAR) <= budget
            raise Rollback
    except Rollback:
        pass
