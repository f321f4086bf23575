"""A rule's number of applications per theme (Morioka: up to 3 on one theme)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from subsidies import services
from subsidies.models import Application, Status

from .lifecycle import END, START, YEAR, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(world):
    world.rule.max_applications_per_theme = 3
    world.rule.yearly_cap = None
    world.rule.save()
    return world


def new(world, theme, amount=10_000):
    return services.create_application(
        council=world.council,
        programme=world.programme,
        fiscal_year=YEAR,
        actor=world.secretary,
        lines=world.lines(amount),
        title="子ども見守り",
        purpose="登下校の見守り",
        work_starts_on=START,
        work_ends_on=END,
        requested_amount=amount,
        theme=theme,
    )


def test_fourth_application_on_one_theme_is_refused_and_changes_nothing(limited):
    for _ in range(3):
        step(new(limited, "見守り"), "submit", limited.secretary)
    fourth = new(limited, "見守り")
    with pytest.raises(ValidationError) as refused:
        step(fourth, "submit", limited.secretary)
    assert refused.value.code == "theme_limit_reached"
    fourth.refresh_from_db()
    assert fourth.status == Status.DRAFT
    # Another theme is still open.
    step(new(limited, "防災"), "submit", limited.secretary)


def test_withdrawn_applications_do_not_use_up_the_theme(limited):
    submitted = [new(limited, "見守り") for _ in range(3)]
    for app in submitted:
        step(app, "submit", limited.secretary)
    step(submitted[0], "withdraw", limited.secretary)
    submitted[0].refresh_from_db()
    assert submitted[0].status == Status.WITHDRAWN
    fourth = new(limited, "見守り")
    step(fourth, "submit", limited.secretary)
    fourth.refresh_from_db()
    assert fourth.status == Status.SUBMITTED
    assert fourth.submitted_at is not None
    statuses = Application.objects.filter(theme="見守り").values_list("status", flat=True)
    assert sorted(statuses) == ["submitted", "submitted", "submitted", "withdrawn"]
    # The withdrawn one freed exactly one place: a fifth is refused again.
    fifth = new(limited, "見守り")
    with pytest.raises(ValidationError) as refused:
        step(fifth, "submit", limited.secretary)
    assert refused.value.code == "theme_limit_reached"


def test_theme_required_when_the_rule_limits_it(limited):
    with pytest.raises(ValidationError) as refused:
        step(new(limited, ""), "submit", limited.secretary)
    assert refused.value.code == "theme_required"


def test_no_limit_no_theme_needed(world):
    step(new(world, ""), "submit", world.secretary)


def test_portal_form_says_so_next_to_the_field_and_keeps_input(client, limited):
    for _ in range(3):
        step(new(limited, "見守り"), "submit", limited.secretary)
    client.force_login(limited.secretary)
    juyohi = limited.juyohi
    data = {
        "programme": limited.programme.pk,
        "fiscal_year": YEAR,
        "title": "四回目の見守り",
        "theme": "見守り",
        "purpose": "",
        "work_starts_on": START.isoformat(),
        "work_ends_on": END.isoformat(),
        "requested_amount": "10000",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-category": juyohi.pk,
        "lines-0-description": "腕章",
        "lines-0-amount": "10000",
        "confirm": "1",
    }
    before = Application.objects.count()
    response = client.post(reverse("subsidies_portal:new"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "上限の3件に達しています" in body
    assert 'value="四回目の見守り"' in body
    assert Application.objects.count() == before
