"""The roll-up table of a plan's progress, as a pure calculation on plain values.

For each policy: the number of items in each status and its share of the policy's items,
then a total row (the table at the top of Yamaguchi's 協働推進プラン).

Rounding: a share is count × 100 / items, rounded half up to one decimal on the exact
fraction (integer arithmetic, no float): 1 of 16 = 6.25 → 6.3, 1 of 3 = 33.333… → 33.3,
2 of 3 = 66.666… → 66.7. Each share is rounded on its own, so the shares of one row may
add up to 99.9 or 100.1 (three statuses with 1 of 3 each give 33.3 × 3 = 99.9); that is
how the cities print them. A policy without items has no shares (None, shown as —).
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal


def share_percent(count: int, total: int) -> Decimal | None:
    """count / total in percent, one decimal, rounded half up; None when total is 0."""
    if total == 0:
        return None
    if count < 0 or count > total:
        raise ValueError("count must be between 0 and total")
    # round_half_up(count * 1000 / total) in tenths of a percent, exactly.
    tenths = (2 * count * 1000 + total) // (2 * total)
    return Decimal(tenths).scaleb(-1)


@dataclass(frozen=True)
class RollupCell:
    count: int
    share: Decimal | None

    @property
    def share_label(self) -> str:
        return "—" if self.share is None else f"{self.share}%"


@dataclass(frozen=True)
class RollupRow:
    label: str
    item_count: int
    cells: tuple[RollupCell, ...]
    no_entry: RollupCell


@dataclass(frozen=True)
class RollupTable:
    columns: tuple[str, ...]
    rows: tuple[RollupRow, ...]
    total: RollupRow

    @property
    def has_missing_entries(self) -> bool:
        return self.total.no_entry.count > 0

    @property
    def labelled_rows(self) -> tuple[tuple[RollupRow, tuple[tuple[str, RollupCell], ...]], ...]:
        """Each row with its cells paired with their column's label (a phone shows each row
        as a card, every cell beside its label)."""
        return tuple((row, self._labelled(row)) for row in self.rows)

    @property
    def labelled_total(self) -> tuple[tuple[str, RollupCell], ...]:
        """The total row's cells paired with their column's label."""
        return self._labelled(self.total)

    def _labelled(self, row: RollupRow) -> tuple[tuple[str, RollupCell], ...]:
        return tuple(zip(self.columns, row.cells, strict=True))


def _row(label: str, counts: Sequence[int], no_entry: int, items: int) -> RollupRow:
    return RollupRow(
        label=label,
        item_count=items,
        cells=tuple(RollupCell(c, share_percent(c, items)) for c in counts),
        no_entry=RollupCell(no_entry, share_percent(no_entry, items)),
    )


def rollup_counts(
    groups: Sequence[tuple[str, Sequence[Hashable | None]]],
    columns: Sequence[tuple[Hashable, str]],
    *,
    total_label: str = "全体計",
) -> RollupTable:
    """Count each group's items by status and give each count's share of the group.

    ``groups``: (label, one status key per item, None for an item with no entry);
    ``columns``: (status key, label) in the order to show. Raises ValueError for a status
    key that is not a column.
    """
    keys = [key for key, _label in columns]
    index = {key: position for position, key in enumerate(keys)}
    rows = []
    totals = [0] * len(keys)
    total_no_entry = total_items = 0
    for label, statuses in groups:
        counts = [0] * len(keys)
        no_entry = 0
        for status in statuses:
            if status is None:
                no_entry += 1
            elif status in index:
                counts[index[status]] += 1
            else:
                raise ValueError(f"status {status!r} is not one of the columns")
        rows.append(_row(label, counts, no_entry, len(statuses)))
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        total_no_entry += no_entry
        total_items += len(statuses)
    return RollupTable(
        columns=tuple(label for _key, label in columns),
        rows=tuple(rows),
        total=_row(total_label, totals, total_no_entry, total_items),
    )
