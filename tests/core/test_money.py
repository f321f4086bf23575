import pytest

from core.money import yen, yen_text


@pytest.mark.parametrize(
    ("amount", "table", "prose"),
    [
        (0, "¥0", "0円"),
        (50_000, "¥50,000", "5万円"),
        (123_456, "¥123,456", "12万3,456円"),
        (100_000_000, "¥100,000,000", "1億円"),
        (123_450_000, "¥123,450,000", "1億2,345万円"),
        (-1_500, "-¥1,500", "-1,500円"),
    ],
)
def test_money_formats(amount, table, prose):
    assert yen(amount) == table
    assert yen_text(amount) == prose
