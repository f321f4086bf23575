"""The 和暦 date field and input (core.forms) and the portal's forms that use them."""

from datetime import date

import pytest
from django import forms

from core.forms import WarekiDateField, WarekiDateInput
from subsidies.forms import ApplicationForm, ConfirmForm, DecisionForm


class OneDate(forms.Form):
    on = WarekiDateField(label="日付")
    until = WarekiDateField(label="期限", required=False)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("令和8年4月1日", date(2026, 4, 1)),
        ("令和８年４月１日", date(2026, 4, 1)),
        ("R8.4.1", date(2026, 4, 1)),
        ("R8/4/1", date(2026, 4, 1)),
        ("r8.4.1", date(2026, 4, 1)),
        ("令8.4.1", date(2026, 4, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("2026-04-01", date(2026, 4, 1)),
        ("2026/4/1", date(2026, 4, 1)),
        ("2026年4月1日", date(2026, 4, 1)),
    ],
)
def test_the_field_reads_every_way_of_writing_a_date(typed, day):
    form = OneDate({"on": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"on": day, "until": None}


@pytest.mark.parametrize(
    ("typed", "code", "message"),
    [
        (
            "令和元年4月30日",
            "outside_era",
            "令和元年4月30日はありません（令和は2019年5月1日から）。",
        ),
        ("令和8年2月30日", "no_such_day", "2月30日はありません。"),
        ("平成32年1月1日", "outside_era", "平成32年はありません（平成は2019年4月30日まで）。"),
        ("そのうち", "invalid_date", None),
    ],
)
def test_the_field_names_what_is_wrong(typed, code, message):
    form = OneDate({"on": typed})
    assert not form.is_valid()
    error = form.errors.as_data()["on"][0]
    assert error.code == code
    if message:
        assert error.message == message


def test_an_empty_required_date_is_asked_for():
    form = OneDate({"on": ""})
    assert not form.is_valid()
    assert form.errors["on"] == ["日付を入力してください。"]


def test_the_input_shows_the_value_in_wareki_as_text():
    html = WarekiDateInput().render("on", date(2019, 5, 1))
    assert 'type="text"' in html
    assert 'value="令和元年5月1日"' in html
    assert 'placeholder="例: 令和8年4月1日"' in html


def test_an_unchanged_date_is_not_a_change():
    form = OneDate({"on": "令和8年4月1日"}, initial={"on": date(2026, 4, 1)})
    assert not form.has_changed()


@pytest.mark.django_db
def test_the_application_form_takes_dates_in_wareki():
    form = ApplicationForm({"work_starts_on": "R8.4.1", "work_ends_on": "令和9年3月31日"})
    form.is_valid()
    assert form.cleaned_data["work_starts_on"] == date(2026, 4, 1)
    assert form.cleaned_data["work_ends_on"] == date(2027, 3, 31)
    html = str(ApplicationForm(initial={"work_starts_on": date(2026, 4, 1)})["work_starts_on"])
    assert 'value="令和8年4月1日"' in html
    assert 'type="date"' not in html


@pytest.mark.django_db
def test_the_application_form_refuses_a_day_that_does_not_exist():
    form = ApplicationForm({"work_starts_on": "令和8年2月30日"})
    assert not form.is_valid()
    assert form.errors["work_starts_on"] == ["2月30日はありません。"]


def test_decision_forms_take_dates_in_wareki():
    decision = DecisionForm({"amount": "120,000", "decided_on": "令和8年5月1日"})
    assert decision.is_valid(), decision.errors
    assert decision.cleaned_data["decided_on"] == date(2026, 5, 1)
    confirm = ConfirmForm({"confirmed_on": "R9.3.31", "refund_due_on": "令和元年4月30日"})
    assert not confirm.is_valid()
    assert confirm.errors["refund_due_on"] == [
        "令和元年4月30日はありません（令和は2019年5月1日から）。"
    ]
