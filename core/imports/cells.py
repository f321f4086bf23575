"""Cells as clerks type them: full-width digits, thousands separators, Japanese dates
(令和8年3月31日) and choice labels; the widgets raise ``ValueError`` with a Japanese message
naming the value.
"""

import copy
import functools
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from import_export import widgets

from core.calendar import ERA_ABBREVIATIONS, ERA_BY_NAME
from core.exports import restore_cell

# --------------------------------------------------------------------------- parsing cells


def normalised(value) -> str:
    """NFKC and trimmed: for codes and numbers only (full-width ０１ → 01); text stays as given."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_INTEGER = re.compile(r"[+-]?\d+(?:\.0*)?")
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def parse_integer(value) -> int | None:
    """An integer from a cell: 1234, "1,234", "１，２３４", 1234.0. Blank gives None.

    Raises ValueError with a Japanese message for anything else.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"「{value}」は数値ではありません。")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if value == int(value):
            return int(value)
        raise ValueError(f"「{value}」は整数ではありません。小数は入力できません。")
    text = normalised(value).replace(",", "")
    if _INTEGER.fullmatch(text):
        return int(Decimal(text))
    if _DECIMAL.fullmatch(text):
        raise ValueError(f"「{value}」は整数ではありません。小数は入力できません。")
    raise ValueError(
        f"「{value}」は数値として読み取れません。数字（半角・全角どちらでも可）で入力してください。"
    )


def parse_decimal(value) -> Decimal | None:
    """A decimal number from a cell (full-width digits accepted). Blank gives None."""
    if is_blank(value):
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    text = normalised(value).replace(",", "")
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"「{value}」は数値として読み取れません。")
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise ValueError(f"「{value}」は数値として読み取れません。") from error


_MIDNIGHT = re.compile(r"[ T]0?0:00(?::00)?$")
_ERA_NAMES = "|".join([*ERA_BY_NAME, *ERA_ABBREVIATIONS])
_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?"),
    re.compile(
        rf"(?P<era>{_ERA_NAMES})\s*(?P<n>元|\d{{1,2}})[年./-](?P<m>\d{{1,2}})[月./-](?P<d>\d{{1,2}})日?",
        re.IGNORECASE,
    ),
)


@functools.lru_cache(maxsize=4096)
def _parse_date_text(text: str) -> date:
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        parts = match.groupdict()
        if parts.get("era"):
            era = ERA_ABBREVIATIONS.get(parts["era"].upper(), parts["era"])
            number = 1 if parts["n"] == "元" else int(parts["n"])
            year = ERA_BY_NAME[era].year + number - 1
        else:
            year = int(parts["y"])
        try:
            return date(year, int(parts["m"]), int(parts["d"]))
        except ValueError:
            raise ValueError("invalid") from None
    raise ValueError("unreadable")


def parse_date(value) -> date | None:
    """A date from a cell: Excel dates, 2026-03-31, 2026/3/31, 20260331, 令和8年3月31日, R8.3.31.

    Blank gives None; raises ValueError with a Japanese message otherwise.
    """
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    # A date typed into a datetime cell comes back as "2026-03-31 00:00:00".
    text = _MIDNIGHT.sub("", normalised(value)).replace(" ", "")
    try:
        return _parse_date_text(text)
    except ValueError as error:
        if str(error) == "invalid":
            raise ValueError(f"「{value}」は存在しない日付です。") from None
    raise ValueError(
        f"「{value}」は日付として読み取れません。2026-03-31、2026/3/31、令和8年3月31日 の"
        "ように入力してください。"
    )


# --------------------------------------------------------------------------- widgets


class TextWidget(widgets.CharWidget):
    """Text kept as given (no normalisation), numbers from Excel turned back into text.

    Only the apostrophe that our own exports put before a formula-like value is removed.
    """

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return restore_cell(str(value))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class CodeWidget(TextWidget):
    """An identifier (district code, staff number): full-width characters and spaces normalised."""

    def clean(self, value, row=None, **kwargs):
        return normalised(super().clean(value, row, **kwargs))


class IntegerWidget(widgets.IntegerWidget):
    """Whole numbers (people, yen); see ``parse_integer``. Exported as numbers, not text."""

    def clean(self, value, row=None, **kwargs):
        return parse_integer(value)

    def render(self, value, obj=None, **kwargs):
        return value


class DecimalWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        return parse_decimal(value)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else str(value)


class DateWidget(widgets.DateWidget):
    """Dates in the forms Japanese offices write; exported as 2026-03-31 (a date in xlsx)."""

    def clean(self, value, row=None, **kwargs):
        return parse_date(value)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else value.isoformat()


class ChoiceWidget(widgets.Widget):
    """A choice by its Japanese label (主担当) or its stored value (main); exported as the label."""

    def __init__(self, choices, **kwargs):
        self.labels = {str(value): str(label) for value, label in choices}
        self.values = {normalised(label): value for value, label in self.labels.items()}
        self.values.update({normalised(value): value for value in self.labels})
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return ""
        try:
            return self.values[normalised(value)]
        except KeyError:
            allowed = "、".join(self.labels.values())
            raise ValueError(
                f"「{value}」は選べません。次のいずれかを入力してください: {allowed}"
            ) from None

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


class BooleanWidget(widgets.BooleanWidget):
    """はい／いいえ (also ○／×, 1／0, TRUE／FALSE); a blank cell gives ``blank``."""

    TRUE = {"はい", "○", "〇", "1", "true", "yes", "有", "あり"}
    FALSE = {"いいえ", "×", "0", "false", "no", "無", "なし"}

    def __init__(self, blank=False, **kwargs):
        self.blank = blank
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return self.blank
        if isinstance(value, bool):
            return value
        text = normalised(value).lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(f"「{value}」は「はい」か「いいえ」で入力してください。")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "はい" if value else "いいえ"


class _LoadedOnce:
    """Every related object loaded once per import, keyed by the widget's field."""

    _cache = None

    def __deepcopy__(self, memo):
        # Each resource instance gets its own cache: objects added since stay visible.
        clone = copy.copy(self)
        clone._cache = None
        return clone

    def _key(self, value) -> str:
        return normalised(value)

    def _objects(self):
        return self.model.objects.all()

    def lookup(self) -> dict:
        if self._cache is None:
            self._cache = {self._key(getattr(obj, self.field)): obj for obj in self._objects()}
        return self._cache


class LookupWidget(_LoadedOnce, widgets.ForeignKeyWidget):
    """A related object by a unique field (地区コード, 名称); all are loaded once per import."""

    def __init__(self, model, field, *, label, normalise=True, **kwargs):
        self.label = label
        self.normalise = normalise
        super().__init__(model, field=field, **kwargs)

    def _key(self, value) -> str:
        text = restore_cell(str(value))
        return normalised(text) if self.normalise else text.strip()

    def _objects(self):
        return self.get_queryset(None, None)

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            return self.lookup()[self._key(value)]
        except KeyError:
            raise ValueError(f"「{value}」に当たる{self.label}が登録されていません。") from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.field))


class LookupListWidget(_LoadedOnce, widgets.ManyToManyWidget):
    """Several related objects in one cell, separated by 、 , ; or spaces."""

    SEPARATORS = re.compile(r"[、,;；\s]+")

    def __init__(self, model, field, *, label, required=False, required_message="", **kwargs):
        self.label = label
        self.required = required
        self.required_message = required_message or f"{label}を1つ以上入力してください。"
        super().__init__(model, field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        names = (
            [] if is_blank(value) else [n for n in self.SEPARATORS.split(normalised(value)) if n]
        )
        if not names:
            if self.required:
                raise ValueError(self.required_message)
            return []
        unknown = [n for n in names if n not in self.lookup()]
        if unknown:
            raise ValueError(f"「{'、'.join(unknown)}」に当たる{self.label}が登録されていません。")
        return [self.lookup()[n] for n in dict.fromkeys(names)]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        objects = value.all() if hasattr(value, "all") else value
        return "、".join(sorted(str(getattr(o, self.field)) for o in objects))
