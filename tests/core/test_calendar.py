from datetime import date

import pytest
from django.template import Context, Template

from core.calendar import (
    CalendarParseError,
    Period,
    fiscal_year,
    fiscal_year_label,
    half_of,
    parse_period,
    wareki_date,
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
