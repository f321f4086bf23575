"""How amounts of money are written: ¥123,456 in tables, 12万3,456円 in prose, 123,456円 in
labels and summaries. Every amount shown anywhere goes through one of these."""


def yen(amount: int | None) -> str:
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(int(amount)):,}"


def yen_text(amount: int | None) -> str:
    """12万3,456円; 50,000 → 5万円; 1億2,000万円 for large amounts."""
    if amount is None:
        return "—"
    amount = int(amount)
    sign = "-" if amount < 0 else ""
    rest = abs(amount)
    oku, rest = divmod(rest, 100_000_000)
    man, rest = divmod(rest, 10_000)
    parts = []
    if oku:
        parts.append(f"{oku:,}億")
    if man:
        parts.append(f"{man:,}万")
    if rest or not parts:
        parts.append(f"{rest:,}")
    return f"{sign}{''.join(parts)}円"


def yen_digits(amount: int) -> str:
    """123,456: an amount whose 円 the sentence or the column header already writes."""
    return f"{int(amount):,}"


def yen_amount(amount: int | None) -> str:
    """123,456円: an amount in labels, summaries and messages; — when there is none."""
    if amount is None:
        return "—"
    return f"{int(amount):,}円"
