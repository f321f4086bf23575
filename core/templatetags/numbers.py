"""Template filters for counts and amounts on the public pages, written one way everywhere:
digits in groups of three, the unit after them, and 「—」 for a number nobody has given."""

import unicodedata

from django import template

from core import money

register = template.Library()

UNKNOWN = "—"


@register.filter
def count(value, unit=""):
    """{{ 1230|count:"人" }} → 1,230人; {{ None|count:"人" }} → —."""
    if value in (None, ""):
        return UNKNOWN
    return f"{int(value):,}{unit}"


@register.filter
def yen_amount(amount, unknown=UNKNOWN):
    """{{ 123456|yen_amount }} → 123,456円; {{ None|yen_amount:"未確定" }} → 未確定."""
    if amount in (None, ""):
        return unknown
    return money.yen_amount(amount)


def status_heading(label: str) -> str:
    """A status written in words: a label of marks only, such as the 「-」 a city files for
    an item not yet assessed mid-year, becomes 未評価（-）; any other label is kept."""
    if any(unicodedata.category(ch)[0] in "LN" for ch in label):
        return label
    return f"未評価（{label}）"


register.filter("status_heading", status_heading)
