from datetime import date, datetime

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from core.calendar import (
    CalendarParseError,
    Period,
    WarekiDateError,
    era_end,
    fiscal_year,
    fiscal_year_label,
    half_of,
    parse_period,
    parse_wareki_date,
    wareki_date,
    wareki_datetime,
)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2026, 3, 31), 2025),
        (date(2026, 4, 1), 2026),
        (date(2027, 1, 1), 2026),
        (date(2019, 4, 30), 2019),
        (date(2019, 5, 1), 2019),
    ],
)
def test_fiscal_year_turns_on_first_of_april(day, year):
    assert fiscal_year(day) == year


@pytest.mark.parametrize(
    ("day", "half"),
    [(date(2026, 4, 1), 1), (date(2026, 9, 30), 1), (date(2026, 10, 1), 2), (date(2027, 3, 31), 2)],
)
def test_half_year_boundaries(day, half):
    assert half_of(day) == half


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (2026, "令和8年度"),
        (2020, "令和2年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
    ],
)
def test_fiscal_year_label_in_japanese_era(year, label):
    assert fiscal_year_label(year) == label


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2026, 11, 23), "令和8年11月23日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
    ],
)
def test_wareki_date_uses_era_in_force_that_day(day, text):
    assert wareki_date(day) == text


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("平成35年度", Period(2023)),  # a planning year that never happened
        ("平成31年度", Period(2019)),
        ("令和元年度", Period(2019)),
        ("令和8年度", Period(2026)),
        ("平成２４年度上半期", Period(2012, 1)),
        ("平成24年度下半期", Period(2012, 2)),
        ("H24", Period(2012)),
        ("R8年度", Period(2026)),
        ("2026年度", Period(2026)),
        ("２０２６", Period(2026)),
        ("2012H1", Period(2012, 1)),
        (" 平成 22 年度 ", Period(2010)),
    ],
)
def test_parse_period(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize("text", ["", "来年度", "令和0年度", "天平5年度", "2026年度第3四半期"])
def test_parse_period_refuses_what_is_not_a_year(text):
    with pytest.raises(CalendarParseError) as error:
        parse_period(text)
    assert error.value.code == "invalid_period"


def test_parse_period_reads_a_heisei_year_past_the_era():
    assert parse_period("平成35年度") == Period(2023)


def test_period_dates_and_labels():
    first = Period(2012, 1)
    assert (first.start, first.end) == (date(2012, 4, 1), date(2012, 9, 30))
    second = Period(2012, 2)
    assert (second.start, second.end) == (date(2012, 10, 1), date(2013, 3, 31))
    whole = Period(2019)
    assert (whole.start, whole.end) == (date(2019, 4, 1), date(2020, 3, 31))
    assert first.label == "平成24年度上半期"
    assert whole.label == "令和元年度"
    assert first.code == "2012H1"
    assert sorted([second, whole, first]) == [first, second, whole]


def test_template_filters():
    template = Template(
        "{% load wareki %}{{ year|nendo }} {{ day|wareki }} {{ code|period_label }} "
        "{{ day|fiscal_year_of|nendo }} {{ amount|yen }} {{ amount|yen_text }}"
    )
    rendered = template.render(
        Context({"year": 2019, "day": date(2026, 3, 31), "code": "2012H2", "amount": 123456})
    )
    assert rendered == ("令和元年度 令和8年3月31日 平成24年度下半期 令和7年度 ¥123,456 12万3,456円")


# ------------------------------------------------------------------- dates typed in


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("令和8年4月1日", date(2026, 4, 1)),
        ("令和８年４月１日", date(2026, 4, 1)),  # full-width digits
        ("令和 8年 4月 1日", date(2026, 4, 1)),
        ("R8.4.1", date(2026, 4, 1)),
        ("R8/4/1", date(2026, 4, 1)),
        ("R8-4-1", date(2026, 4, 1)),
        ("r8.4.1", date(2026, 4, 1)),
        ("Ｒ８．４．１", date(2026, 4, 1)),
        ("R08.04.01", date(2026, 4, 1)),
        ("令8.4.1", date(2026, 4, 1)),
        ("令和8.4.1", date(2026, 4, 1)),
        ("令和8年4月1", date(2026, 4, 1)),
        ("㋿8年4月1日", date(2026, 4, 1)),  # the one-character era sign
        ("平成31年4月30日", date(2019, 4, 30)),
        ("H31.4.30", date(2019, 4, 30)),
        ("平31.4.30", date(2019, 4, 30)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("R1.5.1", date(2019, 5, 1)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("S64.1.7", date(1989, 1, 7)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("明治45年7月29日", date(1912, 7, 29)),
        ("令和100年1月1日", date(2118, 1, 1)),  # the era in force has no end
        ("2026-04-01", date(2026, 4, 1)),
        ("2026/4/1", date(2026, 4, 1)),
        ("2026.4.1", date(2026, 4, 1)),
        ("2026年4月1日", date(2026, 4, 1)),
        ("２０２６年４月１日", date(2026, 4, 1)),
        ("西暦2026年4月1日", date(2026, 4, 1)),
        ("20260401", date(2026, 4, 1)),
        (" 2026-04-01 ", date(2026, 4, 1)),
        ("令和6年2月29日", date(2024, 2, 29)),  # a leap year
        ("2024-02-29", date(2024, 2, 29)),
    ],
)
def test_parse_wareki_date_reads_what_people_type(text, day):
    assert parse_wareki_date(text) == day


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        (
            "令和元年4月30日",
            "outside_era",
            "令和元年4月30日はありません（令和は2019年5月1日から）。",
        ),
        (
            "R1.4.30",
            "outside_era",
            "令和元年4月30日はありません（令和は2019年5月1日から）。",
        ),
        (
            "平成31年5月1日",
            "outside_era",
            "平成31年5月1日はありません（平成は2019年4月30日まで）。",
        ),
        ("平成32年1月1日", "outside_era", "平成32年はありません（平成は2019年4月30日まで）。"),
        ("H35.4.1", "outside_era", "平成35年はありません（平成は2019年4月30日まで）。"),
        (
            "昭和64年1月8日",
            "outside_era",
            "昭和64年1月8日はありません（昭和は1989年1月7日まで）。",
        ),
        (
            "平成元年1月7日",
            "outside_era",
            "平成元年1月7日はありません（平成は1989年1月8日から）。",
        ),
        (
            "明治元年1月1日",
            "outside_era",
            "明治元年1月1日はありません（明治は1868年1月25日から）。",
        ),
        ("令和0年4月1日", "outside_era", "令和0年はありません。"),
        ("令和8年2月30日", "no_such_day", "2月30日はありません。"),
        ("令和8年2月29日", "no_such_day", "2月29日はありません。"),
        ("R8.4.31", "no_such_day", "4月31日はありません。"),
        ("R8.13.1", "no_such_day", "13月はありません。"),
        ("R8.0.1", "no_such_day", "0月はありません。"),
        ("2026-02-30", "no_such_day", "2月30日はありません。"),
        ("2026-04-00", "no_such_day", "4月0日はありません。"),
        ("0000-01-01", "no_such_day", "0年はありません。"),
    ],
)
def test_a_day_that_does_not_exist_is_named(text, code, message):
    with pytest.raises(WarekiDateError) as raised:
        parse_wareki_date(text)
    assert raised.value.code == code
    assert raised.value.message == message


@pytest.mark.parametrize(
    "text", ["", "あした", "令和", "令和8年", "令和8年4月", "R8.4", "2026-04", "X8.4.1", "8.4.1"]
)
def test_text_that_is_no_date_is_refused(text):
    with pytest.raises(WarekiDateError) as raised:
        parse_wareki_date(text)
    assert raised.value.code == "invalid_date"
    assert "日付として読み取れません" in raised.value.message


@pytest.mark.parametrize(
    ("era", "last_day"),
    [("令和", None), ("平成", date(2019, 4, 30)), ("昭和", date(1989, 1, 7))],
)
def test_era_end_is_the_day_before_the_next_era(era, last_day):
    assert era_end(era) == last_day


@given(st.dates(min_value=date(1989, 1, 8), max_value=date(2099, 12, 31)))
def test_every_date_written_in_wareki_reads_back(day):
    assert parse_wareki_date(wareki_date(day)) == day


def test_wareki_datetime_writes_the_time_in_24_hours():
    assert wareki_datetime(datetime(2026, 4, 1, 9, 5)) == "令和8年4月1日 09:05"
    assert wareki_datetime(datetime(2019, 4, 30, 23, 59)) == "平成31年4月30日 23:59"
