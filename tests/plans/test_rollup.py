"""The roll-up table: exact figures (Yamaguchi), rounding at the edges, and invariants."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.calendar import Period
from plans.models import PlanStatus, ReviewState
from plans.rollup import rollup_counts, share_percent
from plans.selectors import published_rollup, rollup

from .factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory, VocabularyFactory

YAMAGUCHI_COLUMNS = [
    ("done", "実施済"),
    ("ongoing", "継続推進"),
    ("partial", "一部実施"),
    ("study", "検討中"),
]
# (policy, items per status in column order) from the table at the top of seed 001.
YAMAGUCHI = [
    ("I 参加しやすく、活動しやすい環境づくりを進めます", (6, 8, 2, 0)),
    ("II 情報の共有化により、活動の活性化を図ります", (1, 11, 0, 3)),
    ("III 人づくりを通じて、協働の意識醸成を図ります", (0, 4, 0, 0)),
    ("IV 市政への参画と協働の実践を進めます", (1, 5, 0, 0)),
    ("V 協働推進体制を整備するとともに、市職員の意識改革を行います", (0, 5, 0, 1)),
]


def _groups(table):
    keys = [key for key, _ in YAMAGUCHI_COLUMNS]
    return [
        (label, [key for key, n in zip(keys, counts, strict=True) for _ in range(n)])
        for label, counts in table
    ]


def _figures(row):
    return [(cell.count, str(cell.share)) for cell in row.cells]


def test_rollup_reproduces_the_yamaguchi_table_exactly():
    table = rollup_counts(_groups(YAMAGUCHI), YAMAGUCHI_COLUMNS)

    assert table.columns == ("実施済", "継続推進", "一部実施", "検討中")
    assert [r.item_count for r in table.rows] == [16, 15, 4, 6, 6]
    assert _figures(table.rows[0]) == [(6, "37.5"), (8, "50.0"), (2, "12.5"), (0, "0.0")]
    assert _figures(table.rows[1]) == [(1, "6.7"), (11, "73.3"), (0, "0.0"), (3, "20.0")]
    assert _figures(table.rows[2]) == [(0, "0.0"), (4, "100.0"), (0, "0.0"), (0, "0.0")]
    assert _figures(table.rows[3]) == [(1, "16.7"), (5, "83.3"), (0, "0.0"), (0, "0.0")]
    assert _figures(table.rows[4]) == [(0, "0.0"), (5, "83.3"), (0, "0.0"), (1, "16.7")]
    assert table.total.label == "全体計"
    assert table.total.item_count == 47
    assert _figures(table.total) == [(8, "17.0"), (33, "70.2"), (2, "4.3"), (4, "8.5")]
    assert not table.has_missing_entries


@pytest.mark.parametrize(
    ("count", "total", "share"),
    [
        (1, 3, "33.3"),
        (2, 3, "66.7"),
        (1, 16, "6.3"),  # 6.25: half up, not to even
        (3, 16, "18.8"),  # 18.75
        (1, 8, "12.5"),
        (2, 47, "4.3"),
        (0, 5, "0.0"),
        (5, 5, "100.0"),
        (1, 1000, "0.1"),
        (1, 2001, "0.0"),  # 0.04997…
        (1, 1999, "0.1"),  # 0.05002…
    ],
)
def test_share_rounds_half_up_to_one_decimal(count, total, share):
    assert share_percent(count, total) == Decimal(share)


def test_share_of_nothing_is_none():
    assert share_percent(0, 0) is None


def test_shares_of_a_row_may_not_add_to_100():
    table = rollup_counts([("三分割", ["a", "b", "c"])], [("a", "A"), ("b", "B"), ("c", "C")])
    assert [str(c.share) for c in table.rows[0].cells] == ["33.3", "33.3", "33.3"]
    assert sum(c.share for c in table.rows[0].cells) == Decimal("99.9")


def test_empty_policy_has_no_shares_and_a_status_without_items_counts_zero():
    table = rollup_counts([("空の方針", []), ("方針", ["a", "a"])], [("a", "A"), ("b", "B")])
    empty, full = table.rows
    assert empty.item_count == 0
    assert [(c.count, c.share) for c in empty.cells] == [(0, None), (0, None)]
    assert empty.cells[0].share_label == "—"
    assert _figures(full) == [(2, "100.0"), (0, "0.0")]
    assert _figures(table.total) == [(2, "100.0"), (0, "0.0")]


def test_items_without_entry_count_in_their_own_column():
    table = rollup_counts([("方針", ["a", None, None])], [("a", "A")])
    assert table.rows[0].no_entry.count == 2
    assert str(table.rows[0].no_entry.share) == "66.7"
    assert table.has_missing_entries


def test_unknown_status_is_an_error():
    with pytest.raises(ValueError):
        rollup_counts([("方針", ["x"])], [("a", "A")])


@given(st.lists(st.lists(st.one_of(st.none(), st.sampled_from("abc")), max_size=40), max_size=6))
def test_counts_add_up_and_shares_stay_close_to_100(groups):
    columns = [("a", "A"), ("b", "B"), ("c", "C")]
    table = rollup_counts([(str(i), g) for i, g in enumerate(groups)], columns)
    for row in (*table.rows, table.total):
        counts = sum(c.count for c in row.cells) + row.no_entry.count
        assert counts == row.item_count
        if row.item_count:
            shares = [c.share for c in row.cells] + [row.no_entry.share]
            assert all(Decimal(0) <= s <= Decimal(100) for s in shares)
            # Each share is off by at most 0.05, so four of them by at most 0.2 in total.
            assert abs(sum(shares) - 100) <= Decimal("0.2")
    assert table.total.item_count == sum(len(g) for g in groups)


# The same figures through the database, with a plan built like the demo.


def _yamaguchi_plan(state=ReviewState.ACCEPTED, published=True):
    vocabulary = VocabularyFactory(
        name="山口市 推進状況",
        statuses=[
            ("done", "実施済", True),
            ("ongoing", "継続推進", True),
            ("partial", "一部実施", True),
            ("study", "検討中", True),
        ],
    )
    plan = PlanFactory(vocabulary=vocabulary, start_year=2009, end_year=2012)
    statuses = list(vocabulary.statuses.order_by("order"))
    for index, (title, counts) in enumerate(YAMAGUCHI):
        policy = PolicyFactory(plan=plan, order=index, number="", title=title)
        for status, n in zip(statuses, counts, strict=True):
            for _ in range(n):
                entry = EntryFactory(
                    item=PlanItemFactory(policy=policy),
                    fiscal_year=2012,
                    status=status,
                    state=state,
                )
                if published:
                    entry.published_at = entry.created_at
                    entry.save(update_fields=["published_at"])
    return plan


@pytest.mark.django_db
def test_rollup_of_a_plan_gives_the_yamaguchi_table(django_assert_num_queries):
    plan = _yamaguchi_plan()
    with django_assert_num_queries(4):
        table = rollup(plan, Period(2012))
    assert _figures(table.total) == [(8, "17.0"), (33, "70.2"), (2, "4.3"), (4, "8.5")]
    assert _figures(table.rows[1]) == [(1, "6.7"), (11, "73.3"), (0, "0.0"), (3, "20.0")]
    assert rollup(plan).total == table.total  # latest entry = the 平成24年度 one
    assert published_rollup(plan).total == table.total


@pytest.mark.django_db
def test_rollup_counts_only_accepted_entries_and_public_only_published():
    plan = _yamaguchi_plan(state=ReviewState.SUBMITTED, published=False)
    assert rollup(plan).total.no_entry.count == 47
    assert rollup(plan, include_unreviewed=True).total.cells[0].count == 8

    plan.status = PlanStatus.DRAFT
    plan.save()
    assert published_rollup(plan) is None


@pytest.mark.django_db
def test_rollup_takes_each_items_latest_entry_without_a_period():
    vocabulary = VocabularyFactory()
    achieved, in_progress, *_ = vocabulary.statuses.order_by("order")
    item = PlanItemFactory(policy__plan__vocabulary=vocabulary)
    plan = item.plan
    EntryFactory(item=item, fiscal_year=2020, status=in_progress, state=ReviewState.ACCEPTED)
    EntryFactory(
        item=item, fiscal_year=2021, half=2, status=in_progress, state=ReviewState.ACCEPTED
    )
    EntryFactory(item=item, fiscal_year=2021, status=achieved, state=ReviewState.ACCEPTED)

    assert rollup(plan).total.cells[0].count == 1  # the year-long 2021 entry wins
    assert rollup(plan, Period(2021, 2)).total.cells[1].count == 1
    assert rollup(plan, Period(2019)).total.no_entry.count == 1


@pytest.mark.django_db
def test_rollup_query_count_does_not_grow_with_items(django_assert_num_queries):
    small = PlanItemFactory().plan
    EntryFactory(item__policy__plan=small, state=ReviewState.ACCEPTED)
    big = _yamaguchi_plan()
    with django_assert_num_queries(4):
        rollup(small)
    with django_assert_num_queries(4):
        rollup(big)
