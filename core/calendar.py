"""The calendar officials use: fiscal years (年度), half-years, the Japanese era (和暦).

Western years stay in the data; these functions turn them into what a city writes, and
parse what old plans contain, including planning years that never happened in the
calendar (平成35年度 in a plan written in 2018 means 2023年度).
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# (name, first day). Meiji is counted from 1868-01-25 for the Gregorian calendar; the
# exact first day matters only for dates, fiscal years use the calendar year.
ERAS = (
    ("令和", date(2019, 5, 1)),
    ("平成", date(1989, 1, 8)),
    ("昭和", date(1926, 12, 25)),
    ("大正", date(1912, 7, 30)),
    ("明治", date(1868, 1, 25)),
)
ERA_BY_NAME = dict(ERAS)
ERA_ABBREVIATIONS = {"R": "令和", "H": "平成", "S": "昭和", "T": "大正", "M": "明治"}

FIRST_HALF = 1
SECOND_HALF = 2
HALF_LABELS = {FIRST_HALF: "上半期", SECOND_HALF: "下半期"}


class CalendarParseError(ValueError):
    """Text that names no fiscal year or period."""

    code = "invalid_period"


def fiscal_year(day: date) -> int:
    """The fiscal year (April to March) a day falls in, as a Western year."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_start(year: int) -> date:
    return date(year, 4, 1)


def fiscal_year_end(year: int) -> date:
    return date(year + 1, 3, 31)


def half_of(day: date) -> int:
    """上半期 (April–September) is 1, 下半期 (October–March) is 2."""
    return FIRST_HALF if 4 <= day.month <= 9 else SECOND_HALF


def _era_for_year(year: int) -> tuple[str, int]:
    for name, start in ERAS:
        if year >= start.year:
            return name, year - start.year + 1
    raise ValueError(f"{year} is before the Meiji era")


def _era_number(number: int) -> str:
    return "元" if number == 1 else str(number)


def era_year(year: int) -> str:
    """A calendar or fiscal year as officials write it: 2019 → 令和元年, 2018 → 平成30年.

    A year in which an era began takes the new era (2019年度 is 令和元年度), as
    Japanese governments label fiscal years.
    """
    name, number = _era_for_year(year)
    return f"{name}{_era_number(number)}年"


def fiscal_year_label(year: int) -> str:
    """2026 → 令和8年度, 2019 → 令和元年度, 2018 → 平成30年度."""
    return f"{era_year(year)}度"


WAREKI_WESTERN = "wareki_western"  # core.models.EraDisplay.WAREKI_WESTERN


def fiscal_year_display(year: int, era_display: str = "") -> str:
    """A fiscal year as a city shows it: 令和6年度, or 令和6年度（2024年度） when the city
    writes the Western year beside the era (``Municipality.era_display``)."""
    label = fiscal_year_label(year)
    return f"{label}（{year}年度）" if era_display == WAREKI_WESTERN else label


def wareki_date(day: date) -> str:
    """A date in the era in force that day: 2019-04-30 → 平成31年4月30日."""
    for name, start in ERAS:
        if day >= start:
            return f"{name}{_era_number(day.year - start.year + 1)}年{day.month}月{day.day}日"
    raise ValueError(f"{day} is before the Meiji era")


@dataclass(frozen=True, order=True)
class Period:
    """A fiscal year, or one half of it when ``half`` is 1 or 2."""

    fiscal_year: int
    half: int | None = None

    def __post_init__(self):
        if self.half not in (None, FIRST_HALF, SECOND_HALF):
            raise ValueError("half must be None, 1 or 2")

    @property
    def start(self) -> date:
        if self.half == SECOND_HALF:
            return date(self.fiscal_year, 10, 1)
        return fiscal_year_start(self.fiscal_year)

    @property
    def end(self) -> date:
        if self.half == FIRST_HALF:
            return date(self.fiscal_year, 9, 30)
        return fiscal_year_end(self.fiscal_year)

    @property
    def label(self) -> str:
        """令和8年度, 平成24年度上半期."""
        return fiscal_year_label(self.fiscal_year) + HALF_LABELS.get(self.half, "")

    @property
    def code(self) -> str:
        """A stable text key: 2012, 2012H1, 2012H2."""
        return f"{self.fiscal_year}" + (f"H{self.half}" if self.half else "")

    def __str__(self) -> str:
        return self.label


_YEAR_PATTERN = re.compile(
    r"^(?:(?P<era>令和|平成|昭和|大正|明治|[RHSTM])\s*(?P<num>元|\d{1,2})"
    r"|(?P<western>\d{4}))\s*年?度?\s*(?P<half>上半期|下半期|上期|下期|H1|H2)?$",
    re.IGNORECASE,
)
_CODE_PATTERN = re.compile(r"^(?P<year>\d{4})(?:H(?P<half>[12]))?$")


def parse_period(text: str) -> Period:
    """Parse 平成24年度上半期, 令和元年度, H35, R8年度, 2026年度, ２０２６ or 2012H1.

    Era years past the era's end are kept as the plan meant them: 平成35年度 → 2023.
    Raises CalendarParseError for anything else.
    """
    normal = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    code = _CODE_PATTERN.match(normal)
    if code:
        half = int(code["half"]) if code["half"] else None
        return Period(int(code["year"]), half)
    match = _YEAR_PATTERN.match(normal)
    if not match:
        raise CalendarParseError(f"「{text}」は年度として読み取れません。")
    if match["western"]:
        year = int(match["western"])
    else:
        era = ERA_ABBREVIATIONS.get(match["era"].upper(), match["era"])
        number = 1 if match["num"] == "元" else int(match["num"])
        if number < 1:
            raise CalendarParseError(f"「{text}」は年度として読み取れません。")
        year = ERA_BY_NAME[era].year + number - 1
    half = None
    if match["half"]:
        half = FIRST_HALF if match["half"].upper() in ("上半期", "上期", "H1") else SECOND_HALF
    return Period(year, half)


# ------------------------------------------------------------------------- dates typed in


class WarekiDateError(ValueError):
    """A typed date that is unreadable, or names a day that does not exist.

    ``code`` says which (``invalid_date``, ``no_such_day``, ``outside_era``); ``message`` is
    the sentence shown next to the field.
    """

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


# The era names and their short forms as people type them (after NFKC, which also
# turns ㋿ and ㍻ into 令和 and 平成): 令和, 令, R or r.
_ERA_SPELLINGS = {
    **{name: name for name, _ in ERAS},
    **{name[0]: name for name, _ in ERAS},
    **ERA_ABBREVIATIONS,
}
_ERA_DATE = re.compile(
    r"^(?P<era>令和|平成|昭和|大正|明治|[令平昭大明RHSTM])(?P<num>元|\d{1,3})(?:年|[./\-])"
    r"(?P<month>\d{1,2})(?:月|[./\-])(?P<day>\d{1,2})日?$",
    re.IGNORECASE,
)
_WESTERN_DATE = re.compile(
    r"^(?:西暦)?(?P<year>\d{4})(?:年|[./\-])(?P<month>\d{1,2})(?:月|[./\-])(?P<day>\d{1,2})日?$"
)
_COMPACT_DATE = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$")


def era_end(name: str) -> date | None:
    """The last day of an era (None for the era in force)."""
    names = [era for era, _ in ERAS]
    index = names.index(name)
    if index == 0:
        return None
    return date.fromordinal(ERAS[index - 1][1].toordinal() - 1)


def _western(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _day_of(year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise WarekiDateError(f"{month}月はありません。", "no_such_day")
    try:
        return date(year, month, day)
    except ValueError:
        raise WarekiDateError(f"{month}月{day}日はありません。", "no_such_day") from None


def parse_wareki_date(text: str) -> date:
    """Parse a date as people type it: 令和8年4月1日, 令和８年４月１日, R8.4.1, R8/4/1, 令8.4.1,
    令和元年5月1日, 2026-04-01, 2026/4/1, 2026年4月1日 or 20260401.

    An era date must fall within its era: 令和元年4月30日 and 平成31年5月1日 do not exist.
    Raises WarekiDateError (``invalid_date``, ``no_such_day`` or ``outside_era``).
    """
    normal = unicodedata.normalize("NFKC", str(text)).strip()
    normal = re.sub(r"\s+", "", normal)
    western = _WESTERN_DATE.match(normal) or _COMPACT_DATE.match(normal)
    if western:
        year = int(western["year"])
        if year < 1:
            raise WarekiDateError(f"{year}年はありません。", "no_such_day")
        return _day_of(year, int(western["month"]), int(western["day"]))
    match = _ERA_DATE.match(normal)
    if not match:
        raise WarekiDateError(
            f"「{text}」は日付として読み取れません。令和8年4月1日、R8.4.1、2026-04-01 "
            "のように入力してください。",
            "invalid_date",
        )
    era = _ERA_SPELLINGS[match["era"].upper() if match["era"].isascii() else match["era"]]
    number = 1 if match["num"] == "元" else int(match["num"])
    era_label = f"{era}{_era_number(number)}年"
    start, end = ERA_BY_NAME[era], era_end(era)
    if number < 1:
        raise WarekiDateError(f"{era}{number}年はありません。", "outside_era")
    year = start.year + number - 1
    if end is not None and year > end.year:
        raise WarekiDateError(
            f"{era_label}はありません（{era}は{_western(end)}まで）。", "outside_era"
        )
    day = _day_of(year, int(match["month"]), int(match["day"]))
    written = f"{era_label}{day.month}月{day.day}日"
    if day < start:
        raise WarekiDateError(
            f"{written}はありません（{era}は{_western(start)}から）。", "outside_era"
        )
    if end is not None and day > end:
        raise WarekiDateError(
            f"{written}はありません（{era}は{_western(end)}まで）。", "outside_era"
        )
    return day


def wareki_datetime(moment) -> str:
    """A date and time as officials write it: 令和8年4月1日 13:05 (in the time zone given)."""
    return f"{wareki_date(moment.date())} {moment:%H:%M}"
