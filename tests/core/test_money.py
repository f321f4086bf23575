import pytest

from core.money import yen, yen_amount, yen_digits, yen_text


@pytest.mark.parametrize(
    ("amount", "table", "prose", "label"),
    [
        (0, "¥0", "0円", "0円"),
        (50_000, "¥50,000", "5万円", "50,000円"),
        (123_456, "¥123,456", "12万3,456円", "123,456円"),
        (100_000_000, "¥100,000,000", "1億円", "100,000,000円"),
        (123_450_000, "¥123,450,000", "1億2,345万円", "123,450,000円"),
        (-1_500, "-¥1,500", "-1,500円", "-1,500円"),
        (None, "—", "—", "—"),
    ],
)
def test_money_formats(amount, table, prose, label):
    assert yen(amount) == table
    assert yen_text(amount) == prose
    assert yen_amount(amount) == label


@pytest.mark.parametrize(
    ("amount", "digits"), [(0, "0"), (999, "999"), (1_000, "1,000"), (-1_500, "-1,500")]
)
def test_yen_digits_leave_the_unit_to_the_sentence(amount, digits):
    assert yen_digits(amount) == digits
