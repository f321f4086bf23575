"""実績報告 with its 収支決算書: the balance rule in exact yen, the warning before the planned
end of the work, the secretary's page, staff's 窓口代行入力 and the PDF."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.calendar import wareki_date
from subsidies import services, settlement
from subsidies.exceptions import TransitionError
from subsidies.models import ActorRole, Application, ApplicationLine, LineKind, Status
from subsidies.services import LineInput
from tests.factories import SecretaryFactory

from .http import portal, report_form_data
from .lifecycle import END, application_in, report_data, snapshot, step

pytestmark = pytest.mark.django_db


class Category:
    def __init__(self, name):
        self.name = name


def line(name, amount, description=""):
    return LineInput(Category(name), amount, description)


def statement(grant, own=0, other=0, note="", actual=(100_000,)):
    return settlement.settlement(
        grant=grant,
        own_funds=own,
        other_income=other,
        other_income_note=note,
        planned=[line("需用費", 90_000), line("報償費", 30_000)],
        actual=[line("需用費", amount) for amount in actual],
    )


def codes(error: ValidationError) -> list[str]:
    return [item.code for item in error.error_list]


# The rule, in exact yen ------------------------------------------------------------------


def test_settlement_totals_and_rows_by_category():
    s = settlement.settlement(
        grant=100_000,
        own_funds=25_000,
        other_income=5_000,
        other_income_note="参加費",
        planned=[line("需用費", 90_000, "印刷"), line("報償費", 30_000, "講師")],
        actual=[line("需用費", 80_000, "印刷"), line("報償費", 50_000, "講師謝礼")],
    )
    assert [(i.label, i.amount, i.note) for i in s.income] == [
        ("補助金", 100_000, ""),
        ("自己資金", 25_000, ""),
        ("その他収入", 5_000, "参加費"),
    ]
    assert [(r.category, r.planned, r.actual, r.difference) for r in s.expenses] == [
        ("需用費", 90_000, 80_000, -10_000),
        ("報償費", 30_000, 50_000, 20_000),
    ]
    assert (s.income_total, s.planned_total, s.actual_total) == (130_000, 120_000, 130_000)
    assert s.difference_total == 10_000
    assert s.balanced


def test_balanced_settlement_passes():
    settlement.check_settlement(
        statement(60_000, own=30_000, other=10_000, note="協賛金"), decided=120_000
    )


@pytest.mark.parametrize(
    ("grant", "own", "message"),
    [
        (100_000, 1, "収入の合計（100,001円）と支出の合計（100,000円）が一致しません。"),
        (99_999, 0, "収入の合計（99,999円）と支出の合計（100,000円）が一致しません。"),
    ],
)
def test_one_yen_off_is_unbalanced(grant, own, message):
    with pytest.raises(ValidationError) as refused:
        settlement.check_settlement(statement(grant, own=own), decided=120_000)
    assert codes(refused.value) == ["settlement_unbalanced"]
    assert refused.value.messages == [message]


@pytest.mark.parametrize(
    ("grant", "refused"), [(119_999, False), (120_000, False), (120_001, True)]
)
def test_grant_at_most_the_decided_amount(grant, refused):
    s = statement(grant, actual=(grant,))
    if not refused:
        settlement.check_settlement(s, decided=120_000)
        return
    with pytest.raises(ValidationError) as error:
        settlement.check_settlement(s, decided=120_000)
    assert error.value.error_dict["grant_income"][0].code == "grant_above_decided"
    assert error.value.messages == ["補助金（120,001円）が交付決定額（120,000円）を超えています。"]


def test_other_income_needs_what_it_is():
    with pytest.raises(ValidationError) as error:
        settlement.check_settlement(statement(90_000, other=10_000), decided=120_000)
    assert error.value.error_dict["other_income_note"][0].code == "other_income_note_required"


@pytest.mark.parametrize(
    ("decided", "actual", "expected"),
    [
        (120_000, 100_000, (100_000, 0)),
        (120_000, 120_000, (120_000, 0)),
        (120_000, 150_000, (120_000, 30_000)),
    ],
)
def test_default_income(decided, actual, expected):
    assert settlement.default_income(decided=decided, actual_total=actual) == expected


# Through the service -----------------------------------------------------------------------


class Rollback(Exception):
    pass


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    actual=st.lists(st.integers(min_value=0, max_value=100_000), min_size=1, max_size=4),
    grant=st.integers(min_value=0, max_value=150_000),
    own=st.integers(min_value=0, max_value=200_000),
    other=st.integers(min_value=0, max_value=50_000),
)
def test_a_saved_report_always_balances(world, actual, grant, own, other):
    try:
        with transaction.atomic():
            app = application_in(world, Status.DECIDED)
            before = snapshot(app)
            data = {
                **report_data(world, app, *actual),
                "grant_income": grant,
                "own_funds": own,
                "other_income": other,
                "other_income_note": "参加費",
            }
            try:
                step(app, "submit_report", world.secretary, **data)
            except ValidationError:
                assert snapshot(app) == before
                assert grant > 120_000 or grant + own + other != sum(actual)
            else:
                app.refresh_from_db()
                assert app.status == Status.REPORT_SUBMITTED
                saved = settlement.application_settlement(app)
                assert saved.balanced
                assert saved.income_total == sum(actual) == grant + own + other
                assert app.report_grant_amount <= app.decided_amount
            raise Rollback
    except Rollback:
        pass


def test_report_stores_completion_and_income_in_exact_yen(world):
    app = application_in(world, Status.DECIDED)
    today = END - timedelta(days=10)
    step(
        app,
        "submit_report",
        world.secretary,
        lines=world.lines(80_000, 50_000),
        report_text="実施",
        completed_on=today - timedelta(days=1),
        confirm_early=True,
        grant_income=100_000,
        own_funds=25_000,
        other_income=5_000,
        other_income_note="参加費",
        today=today,
    )
    app.refresh_from_db()
    assert app.work_completed_on == today - timedelta(days=1)
    assert app.report_submitted_on == today
    assert (app.report_grant_amount, app.report_own_funds, app.report_other_income) == (
        100_000,
        25_000,
        5_000,
    )
    assert app.report_other_income_note == "参加費"
    assert not app.report_proxy_entry


@pytest.mark.parametrize(
    ("days_before_end", "confirmed", "code"),
    [
        (1, False, "before_planned_end"),
        (1, True, None),
        (0, False, None),  # filed on the planned end day
    ],
)
def test_report_before_the_planned_end_needs_confirmation(world, days_before_end, confirmed, code):
    app = application_in(world, Status.DECIDED)
    before = snapshot(app)
    today = END - timedelta(days=days_before_end)
    data = {**report_data(world, app, 100_000), "confirm_early": confirmed, "today": today}
    data["completed_on"] = today
    if code is None:
        assert step(app, "submit_report", world.secretary, **data).status == Status.REPORT_SUBMITTED
        return
    with pytest.raises(TransitionError) as refused:
        step(app, "submit_report", world.secretary, **data)
    assert refused.value.code == code
    assert (
        f"事業の完了予定日（{wareki_date(END)}）より前です。完了していますか。"
        in (refused.value.messages[0])
    )
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("completed", "code"),
    [(None, "completed_on_required"), (1, "completed_in_future")],
)
def test_completion_date_is_required_and_not_in_the_future(world, completed, code):
    app = application_in(world, Status.DECIDED)
    before = snapshot(app)
    data = report_data(world, app, 100_000)
    data["completed_on"] = None if completed is None else data["completed_on"] + timedelta(days=1)
    with pytest.raises(TransitionError) as refused:
        step(app, "submit_report", world.secretary, **data)
    assert refused.value.code == code
    assert snapshot(app) == before


# The secretary's page ----------------------------------------------------------------------


@pytest.fixture
def sec(client, world):
    client.force_login(world.secretary)
    return client


def test_secretary_files_the_report_with_its_settlement(sec, world):
    app = application_in(world, Status.DECIDED)
    data = report_form_data(
        [(world.juyohi.pk, "印刷", "80,000"), (world.hoshohi.pk, "講師謝礼", "50000")],
        grant="100,000",
        own="25000",
        other_income="5000",
        other_income_note="参加費",
    )
    response = sec.post(portal("report", app.pk), data)
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.REPORT_SUBMITTED
    assert (app.report_grant_amount, app.report_own_funds, app.report_other_income) == (
        100_000,
        25_000,
        5_000,
    )
    assert list(app.lines.filter(kind=LineKind.ACTUAL).values_list("category__code", "amount")) == [
        ("juyohi", 80_000),
        ("hoshohi", 50_000),
    ]
    event = app.events.order_by("-pk").first()
    assert (event.action, event.actor, event.actor_role) == (
        "submit_report",
        world.secretary,
        ActorRole.SECRETARY,
    )


def test_unbalanced_report_is_refused_next_to_the_totals_and_keeps_the_input(sec, world):
    app = application_in(world, Status.DECIDED)
    before = snapshot(app)
    data = report_form_data(
        [(world.juyohi.pk, "印刷", "80000")], grant="70000", own="9999", text="防災訓練を実施"
    )
    response = sec.post(portal("report", app.pk), data)
    assert response.status_code == 200
    body = response.content.decode()
    message = "収入の合計（79,999円）と支出の合計（80,000円）が一致しません。"
    assert response.context["form"].settlement_errors() == [message]
    totals = body[body.index('id="settlement-totals"') :]
    assert message in totals[: totals.index("</div>")]
    assert 'value="70000"' in body and 'value="9999"' in body and "防災訓練を実施" in body
    assert snapshot(app) == before
    assert not ApplicationLine.objects.filter(kind=LineKind.ACTUAL).exists()


def test_unbalanced_totals_are_told_with_the_other_errors(sec, world):
    app = application_in(world, Status.DECIDED)
    data = report_form_data([(world.juyohi.pk, "印刷", "80000")], grant="70000", text="")
    response = sec.post(portal("report", app.pk), data)
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["report_text"]] == ["required"]
    assert form.settlement_errors() == [
        "収入の合計（70,000円）と支出の合計（80,000円）が一致しません。"
    ]
    assert Application.objects.get(pk=app.pk).status == Status.DECIDED


def test_early_report_page_asks_for_confirmation(sec, world):
    app = application_in(world, Status.DECIDED)
    page = sec.get(portal("report", app.pk)).content.decode()
    assert f"事業の完了予定日は{wareki_date(END)}です" in page
    data = report_form_data([(world.juyohi.pk, "印刷", "100000")], grant="100000")
    del data["confirm_early"]
    response = sec.post(portal("report", app.pk), data)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["confirm_early"]
    assert [e.code for e in errors] == ["before_planned_end"]
    assert f"事業の完了予定日（{wareki_date(END)}）より前です。完了していますか。" in (
        response.content.decode()
    )
    assert Application.objects.get(pk=app.pk).status == Status.DECIDED


def test_report_form_starts_with_the_decided_amount_as_the_grant(sec, world):
    app = application_in(world, Status.DECIDED)
    form = sec.get(portal("report", app.pk)).context["form"]
    assert form.initial["grant_income"] == 120_000


@pytest.mark.parametrize("line_count", [1, 4])
def test_report_page_runs_a_fixed_number_of_queries(
    sec, world, django_assert_num_queries, line_count
):
    app = application_in(world, Status.DECIDED)
    services.replace_lines(app, LineKind.PLAN, world.lines(*[30_000] * line_count))
    url = portal("report", app.pk)
    with django_assert_num_queries(10):
        assert sec.get(url).status_code == 200
    # Refused (unbalanced): the same page again, whatever the number of lines.
    data = report_form_data([(world.juyohi.pk, "印刷", "80000")] * line_count, grant="1")
    # The user comes from the cache after the first request (core.auth.session_user).
    with django_assert_num_queries(22):
        assert sec.post(url, data).status_code == 200


# Staff's 窓口代行入力 ----------------------------------------------------------------------


@pytest.fixture
def staff(world):
    client = Client()
    client.force_login(world.staff)
    return client


def proxy_url(app):
    return reverse("admin:subsidies_application_proxy_report", args=[app.pk])


def test_staff_enter_a_paper_report_for_the_council(staff, world):
    app = application_in(world, Status.DECIDED)
    assert staff.get(proxy_url(app)).status_code == 200
    data = report_form_data(
        [(world.juyohi.pk, "印刷", "130000")], grant="120000", own="10000", text="紙の報告書"
    )
    response = staff.post(proxy_url(app), data)
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.REPORT_SUBMITTED
    assert app.report_proxy_entry
    assert (app.report_grant_amount, app.report_own_funds) == (120_000, 10_000)
    event = app.events.order_by("-pk").first()
    assert (event.action, event.actor, event.actor_role) == (
        "proxy_submit_report",
        world.staff,
        ActorRole.STAFF,
    )
    assert event.action_label == "窓口代行入力による実績報告"


def test_staff_proxy_report_is_checked_like_the_councils(staff, world):
    app = application_in(world, Status.DECIDED)
    before = snapshot(app)
    data = report_form_data([(world.juyohi.pk, "印刷", "130000")], grant="120000")
    response = staff.post(proxy_url(app), data)
    assert response.status_code == 200
    assert "収入の合計（120,000円）と支出の合計（130,000円）が一致しません。" in (
        response.content.decode()
    )
    assert snapshot(app) == before


def test_proxy_report_button_leads_to_the_report_form(staff, world):
    app = application_in(world, Status.DECIDED)
    url = reverse("admin:subsidies_application_transition", args=[app.pk, "proxy_submit_report"])
    assert staff.get(url)["Location"] == proxy_url(app)


def test_proxy_report_is_for_staff_only(client, world):
    app = application_in(world, Status.DECIDED)
    client.force_login(world.viewer)
    assert client.get(proxy_url(app)).status_code == 403
    client.force_login(world.secretary)
    assert client.get(proxy_url(app)).status_code == 302  # to the admin login


# The PDF -----------------------------------------------------------------------------------


def test_settlement_pdf_for_the_own_council_and_staff_only(sec, staff, world):
    app = application_in(world, Status.REPORT_SUBMITTED)
    response = sec.get(portal("settlement", app.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "private" in response["Cache-Control"]
    admin_pdf = staff.get(reverse("admin:subsidies_application_settlement", args=[app.pk]))
    assert admin_pdf.status_code == 200 and admin_pdf.content.startswith(b"%PDF-")
    other = Client()
    other.force_login(world.other_secretary)
    assert other.get(portal("settlement", app.pk)).status_code == 404


def test_no_settlement_pdf_before_a_report(sec, world):
    app = application_in(world, Status.DECIDED)
    assert sec.get(portal("settlement", app.pk)).status_code == 404


def test_settlement_html_in_the_citys_form(world):
    app = application_in(world, Status.DECIDED)
    step(
        app,
        "submit_report",
        world.secretary,
        lines=world.lines(80_000, 50_000),
        report_text="実施",
        completed_on=END - timedelta(days=1),
        confirm_early=True,
        grant_income=120_000,
        own_funds=5_000,
        other_income=5_000,
        other_income_note="参加費",
        today=END - timedelta(days=1),
    )
    html = settlement.settlement_html(app)
    assert "収支決算書" in html and "山目地域協働体" in html
    assert f"事業の完了日</dt><dd>{wareki_date(END - timedelta(days=1))}" in html
    for text in ("補助金", "自己資金", "その他収入", "参加費"):
        assert text in html
    assert "130,000" in html and "120,000" in html


def test_a_second_secretary_of_the_same_council_may_download(world):
    app = application_in(world, Status.REPORT_SUBMITTED)
    second = SecretaryFactory(council=world.council).user
    client = Client()
    client.force_login(second)
    assert client.get(portal("settlement", app.pk)).status_code == 200
