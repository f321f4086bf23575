"""Template filters for the official calendar and for money."""

from datetime import date, datetime

from django import template
from django.utils import timezone

from core import calendar, money

register = template.Library()


@register.filter
def nendo(year):
    """{{ 2026|nendo }} → 令和8年度."""
    if year in (None, ""):
        return ""
    return calendar.fiscal_year_label(int(year))


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
def yen(amount):
    """{{ 123456|yen }} → ¥123,456."""
    return money.yen(amount)


@register.filter
def yen_text(amount):
    """{{ 123456|yen_text }} → 12万3,456円."""
    return money.yen_text(amount)
