"""Template filters for the official calendar and for money."""

import re
from datetime import date, datetime

from django import template
from django.utils import timezone

from core import calendar, money, terms

register = template.Library()


@register.filter
def nendo(year):
    """{{ 2026|nendo }} → 令和8年度, or 令和8年度（2026年度） where the city in force writes
    the Western year beside the era (``Municipality.era_display``)."""
    if year in (None, ""):
        return ""
    return terms.fiscal_year(int(year))


@register.filter
def wareki(value):
    """{{ some_date|wareki }} → 令和8年11月23日."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, date):
        return value
    return calendar.wareki_date(value)


@register.filter
def period_label(value):
    """A Period, or its code such as 2012H1 → 平成24年度上半期."""
    if not value:
        return ""
    if isinstance(value, calendar.Period):
        return value.label
    return calendar.parse_period(str(value)).label


@register.filter
def fiscal_year_of(value):
    """{{ some_date|fiscal_year_of|nendo }}."""
    if not value:
        return ""
    return calendar.fiscal_year(value)


@register.filter
def city_words(text):
    """A fixed label in the words of the city in force: {{ role.get_actor_display|city_words }}
    turns 地域協働体 into 地域づくり協議会 in 山口市."""
    return terms.in_city_words(text)


@register.filter
def actor_label(role):
    """{{ role|actor_label }}: a plan role's actor, in the words of the city in force."""
    return terms.actor_label(role)


@register.filter
def yen(amount):
    """{{ 123456|yen }} → ¥123,456."""
    return money.yen(amount)


@register.filter
def yen_text(amount):
    """{{ 123456|yen_text }} → 12万3,456円."""
    return money.yen_text(amount)


@register.filter
def wareki_datetime(value):
    """{{ some_datetime|wareki_datetime }} → 令和8年11月23日 14:05 (local time); a date alone
    → 令和8年11月23日."""
    if not value:
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return calendar.wareki_datetime(value)
    return wareki(value)


@register.filter
def wareki_if_date(value):
    """Dates and timestamps in 和暦, any other value as it is (0 and False included): for
    columns that hold values of every kind, such as a history's old and new values."""
    if isinstance(value, date):
        return wareki_datetime(value)
    return value


_YEAR_MONTH = re.compile(r"^(?P<year>\d{4})(?:年(?P<month>\d{1,2})月)?$")


@register.filter
def wareki_year_month(title):
    """A Western year or year and month as the admin's date hierarchy writes them, in 和暦:
    2026 → 令和8年, 2019年4月 → 平成31年4月 (anything else as it is)."""
    match = _YEAR_MONTH.match(str(title))
    if not match:
        return title
    year = int(match["year"])
    if not match["month"]:
        return calendar.era_year(year)
    first = calendar.wareki_date(date(year, int(match["month"]), 1))
    return first.removesuffix("1日")
