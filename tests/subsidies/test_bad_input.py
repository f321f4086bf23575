"""Bad input in the portal: a clear Japanese message next to the field, the form keeps what
was typed, nothing is saved."""

from datetime import timedelta

import pytest
from django.utils import timezone

from subsidies import services
from subsidies.models import Application, ApplicationEvent, Status

from .http import application_data, lines_data, portal
from .lifecycle import YEAR, application_in, report_data, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def sec(client, world):
    client.force_login(world.secretary)
    return client


def field_codes(form, field):
    return [e.code for e in form.errors.as_data().get(field, [])]


@pytest.mark.parametrize(
    ("amount", "code", "message"),
    [
        ("-1", "negative_amount", "0円以上"),
        ("1.5", "non_integer_amount", "整数"),
        ("12万", "non_integer_amount", "整数"),
        ("120,001", "above_engine_amount", "120,000円"),
        ("0", "amount_not_positive", "1円以上"),
    ],
)
def test_bad_requested_amount(sec, world, amount, code, message):
    response = sec.post(portal("new"), application_data(world, amount=amount, title="入力を残す"))
    assert response.status_code == 200
    form = response.context["form"]
    assert field_codes(form, "requested_amount") == [code]
    assert message in " ".join(form.errors["requested_amount"])
    assert form["title"].value() == "入力を残す"
    assert form["requested_amount"].value() == amount
    assert not Application.objects.exists() and not ApplicationEvent.objects.exists()


def test_amounts_as_people_type_them_are_read(sec, world):
    response = sec.post(portal("new"), application_data(world, amount="１２０，０００円"))
    assert response.status_code == 302
    assert Application.objects.get().requested_amount == 120_000


@pytest.mark.parametrize(
    ("value", "code"), [("-5", "negative_amount"), ("3.2", "non_integer_amount")]
)
def test_bad_line_amount(sec, world, value, code):
    data = application_data(world, lines=[(world.juyohi.pk, "印刷", value)])
    response = sec.post(portal("new"), data)
    assert response.status_code == 200
    line = response.context["formset"].forms[0]
    assert field_codes(line, "amount") == [code]
    assert line["amount"].value() == value
    assert not Application.objects.exists()


def test_line_category_not_in_the_rule(sec, world):
    from .factories import ExpenseCategoryFactory

    bihin = ExpenseCategoryFactory(code="bihin", name="備品購入費")
    data = application_data(world, lines=[(bihin.pk, "テント", "100000")])
    response = sec.post(portal("new"), data)
    assert response.status_code == 200
    assert field_codes(response.context["formset"].forms[0], "category") == ["category_not_allowed"]
    assert not Application.objects.exists()


def test_no_lines_on_confirm(sec, world):
    response = sec.post(portal("new"), application_data(world, lines=[]))
    assert response.status_code == 200
    assert "経費の明細を1行以上" in response.content.decode()
    assert not Application.objects.exists()


def test_submission_after_the_year_closed(sec, world):
    data = application_data(world, fiscal_year=YEAR - 1, title="昨年度の事業")
    data["work_starts_on"] = f"{YEAR - 1}-04-01"
    data["work_ends_on"] = f"{YEAR - 1}-12-01"
    response = sec.post(portal("new"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field_codes(form, "fiscal_year") == ["fiscal_year_closed"]
    message = " ".join(form.errors["fiscal_year"])
    assert "受付は終了しました" in message and f"{YEAR}年3月31日" in message
    assert form["title"].value() == "昨年度の事業"
    assert not Application.objects.exists()


def test_draft_of_a_closed_year_cannot_be_submitted(world):
    app = application_in(world, Status.DRAFT)
    before = snapshot(app)
    later = timezone.localdate().replace(year=YEAR + 1, month=4, day=1)
    with pytest.raises(services.TransitionError) as refused:
        services.application_transition(
            application=app, action="submit", actor=world.secretary, today=later
        )
    assert refused.value.code == "fiscal_year_closed"
    assert snapshot(app) == before


def test_work_period_outside_the_year(sec, world):
    data = application_data(world)
    data["work_ends_on"] = f"{YEAR + 1}-04-30"
    response = sec.post(portal("new"), data)
    assert field_codes(response.context["form"], "work_ends_on") == ["work_period_outside_year"]


def test_report_with_no_lines(sec, world):
    app = application_in(world, Status.DECIDED)
    data = {"report_text": "実施しました。", **lines_data([])}
    response = sec.post(portal("report", app.pk), data)
    assert response.status_code == 200
    assert "経費の明細を1行以上" in response.content.decode()
    assert response.context["form"]["report_text"].value() == "実施しました。"
    app.refresh_from_db()
    assert app.status == Status.DECIDED and not app.lines.filter(kind="actual").exists()


def test_report_with_no_text(sec, world):
    app = application_in(world, Status.DECIDED)
    response = sec.post(portal("report", app.pk), lines_data([(world.juyohi.pk, "印刷", "1000")]))
    assert response.status_code == 200
    assert response.context["form"].errors["report_text"]


def test_staff_decision_with_bad_amounts_keeps_the_form(client, world):
    app = application_in(world, Status.SUBMITTED)
    client.force_login(world.staff)
    before = snapshot(app)
    url = f"/admin/subsidies/application/{app.pk}/transition/decide/"
    for amount, code in [
        ("-1", "negative_amount"),
        ("1.5", "non_integer_amount"),
        ("120001", "above_engine_amount"),
    ]:
        response = client.post(url, {"amount": amount, "decided_on": "2026-05-01"})
        assert response.status_code == 200
        assert [e.code for e in response.context["form"].errors.as_data()["amount"]] == [code]
        assert response.context["form"]["amount"].value() == amount
    assert snapshot(app) == before


def test_overdue_report_flags_both_sides_and_blocks_new_submissions(client, world):
    app = application_in(world, Status.DECIDED)
    Application.objects.filter(pk=app.pk).update(
        report_due_on=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(world.secretary)
    home = client.get("/portal/").content.decode()
    assert "実績報告の期限を過ぎている申請が1件" in home
    response = client.post(portal("new"), application_data(world, amount="10000"))
    assert response.status_code == 200
    assert field_codes(response.context["form"], "programme") == ["overdue_report"]
    # Staff see it in the queue and can filter on it.
    client.force_login(world.staff)
    queue = client.get("/admin/subsidies/application/?overdue=yes").content.decode()
    assert "期限超過" in queue and app.title in queue
    # Filing the report lifts the block.
    services.application_transition(
        application=app,
        action="submit_report",
        actor=world.secretary,
        **report_data(world, app, 100_000),
    )
    assert not services.selectors.overdue_programme_ids(world.council.pk)


def test_duplicate_document_number_is_refused(client, world):
    first = application_in(world, Status.DECIDED, amount=50_000)
    number = first.notices.get().number
    second = application_in(world, Status.SUBMITTED, amount=50_000)
    client.force_login(world.staff)
    url = f"/admin/subsidies/application/{second.pk}/transition/decide/"
    response = client.post(
        url,
        {
            "amount": "50000",
            "decided_on": timezone.localdate().isoformat(),
            "document_number": number,
        },
    )
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["document_number"]] == [
        "duplicate_document_number"
    ]
    second.refresh_from_db()
    assert second.status == Status.SUBMITTED
