"""Limits every input shares: the largest yen amount and count a column holds, and text free of
control characters.

Yen amounts are stored in 64-bit columns but refused above ``MAX_YEN`` (99,999,999,999 円, far
above any city's budget) so that sums of many amounts stay far from the column's limit too.
Counts (people, households, meetings) are refused above ``MAX_COUNT``.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator

MAX_YEN = 99_999_999_999
MAX_COUNT = 99_999_999

# C0 and C1 control characters and DEL, except tab, line feed and carriage return (a browser
# sends a textarea's newlines as CR LF). openpyxl refuses the same characters in a cell.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def yen_words(amount: int) -> str:
    """99999999999 → 999億9999万9999円, as a message names a limit."""
    parts = []
    for unit, size in (("兆", 10**12), ("億", 10**8), ("万", 10**4)):
        if amount >= size:
            parts.append(f"{amount // size}{unit}")
            amount %= size
    if amount or not parts:
        parts.append(str(amount))
    return "".join(parts) + "円"


class MaxYenValidator(MaxValueValidator):
    message = f"金額は{yen_words(MAX_YEN)}以下で入力してください。"
    code = "amount_too_large"

    def __init__(self, limit_value=MAX_YEN, message=None):
        super().__init__(limit_value, message)


class MaxCountValidator(MaxValueValidator):
    code = "count_too_large"

    def __init__(self, label: str = "数", limit_value=MAX_COUNT):
        super().__init__(limit_value, f"{label}は{limit_value:,}以下で入力してください。")


def validate_no_control_characters(value) -> None:
    """Refuse text holding a control character other than tab and newline.

    Code: control_character (params: position, 1-based, and the character's code point).
    """
    if not isinstance(value, str):
        return
    found = CONTROL_CHARACTERS.search(value)
    if found:
        raise ValidationError(
            "使用できない制御文字（%(codepoint)s）が%(position)s文字目に含まれています。"
            "削除してから入力してください。",
            code="control_character",
            params={"position": found.start() + 1, "codepoint": f"U+{ord(found.group()):04X}"},
        )


def strip_control_characters(value):
    """``value`` without the control characters :func:`validate_no_control_characters`
    refuses (for output of rows stored before it existed); other values unchanged."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value)
    return value


def strip_nul(value: str) -> str:
    """Text without NUL characters, which PostgreSQL cannot store or compare."""
    return value.replace("\x00", "")
