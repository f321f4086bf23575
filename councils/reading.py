"""How a typed name is matched against a council's name and its reading (よみがな).

Readings are stored as typed in the admin or the import sheet, in hiragana or in katakana;
citizens type either, in full or half width. A search compares every form of the query."""

import unicodedata

import jaconv
from django.db.models import Q


def reading_forms(text: str) -> list[str]:
    """The forms of ``text`` to look for: as typed after NFKC (ﾔﾏﾉﾒ → ヤマノメ, full-width
    letters → ASCII), in hiragana and in katakana; without repeats, in that order."""
    typed = unicodedata.normalize("NFKC", text).strip()
    if not typed:
        return []
    hiragana = jaconv.kata2hira(typed)
    katakana = jaconv.hira2kata(hiragana)
    return list(dict.fromkeys([typed, hiragana, katakana]))


def name_or_reading_matches(text: str, *, name: str = "name", reading: str = "kana") -> Q:
    """A filter for rows whose name or reading contains any form of ``text`` (one query on
    SQLite and PostgreSQL alike: plain ``icontains`` on each form). Empty text matches all."""
    condition = Q()
    for form in reading_forms(text):
        condition |= Q(**{f"{name}__icontains": form}) | Q(**{f"{reading}__icontains": form})
    return condition
