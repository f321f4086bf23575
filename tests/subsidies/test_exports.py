"""Spreadsheet formula injection is neutralised in exported text cells."""

import pytest

from subsidies.exports import safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+81-191", "'+81-191"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("山目地域協働体", "山目地域協働体"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (1_620_000, 1_620_000),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
