"""The words a city uses on its public pages: its name for a community council
(``council_term``: 地域協働体, 地域づくり協議会 …), for a civic centre (``centre_term``:
市民センター, 地域交流センター …) and how it writes fiscal years (``era_display``).

Each function reads the city in force (``core.tenancy``); outside any city the words are
the defaults the code was written with.
"""

from core import calendar, tenancy

COUNCIL_TERM = "地域協働体"
CENTRE_TERM = "市民センター"


def council_term() -> str:
    city = tenancy.current_municipality()
    return (city.council_term if city is not None else "") or COUNCIL_TERM


def centre_term() -> str:
    city = tenancy.current_municipality()
    return (city.centre_term if city is not None else "") or CENTRE_TERM


def in_city_words(text: str) -> str:
    """A fixed label written with the default words (a choice label such as 「地域協働体」)
    in the words of the city in force. Never for text a person typed."""
    if not text:
        return text
    return text.replace(COUNCIL_TERM, council_term()).replace(CENTRE_TERM, centre_term())


def fiscal_year(year: int) -> str:
    """2024 → 令和6年度, or 令和6年度（2024年度） for a city that writes both."""
    city = tenancy.current_municipality()
    return calendar.fiscal_year_display(int(year), city.era_display if city is not None else "")


def actor_label(role) -> str:
    """Who does a part of a plan (``plans.RoleAllocation``): the name typed, or the kind of
    actor in the city's words (地域協働体 → 地域づくり協議会)."""
    return role.actor_name or in_city_words(role.get_actor_display())
