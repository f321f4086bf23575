from datetime import date

import pytest

from councils.selectors import council_households_on, council_populations_on
from tests.factories import CouncilFactory, DistrictFactory, PopulationFactory

pytestmark = pytest.mark.django_db


def test_council_population_is_sum_of_each_districts_latest_record_on_the_date():
    east, west = DistrictFactory(), DistrictFactory()
    PopulationFactory(district=east, as_of=date(2025, 3, 31), population=1200, households=500)
    PopulationFactory(district=east, as_of=date(2026, 3, 31), population=1150, households=490)
    PopulationFactory(district=west, as_of=date(2025, 3, 31), population=800, households=300)
    council = CouncilFactory(districts=[east, west])

    assert council_populations_on([council.pk], date(2025, 3, 30))[council.pk] == 0
    assert council_populations_on([council.pk], date(2025, 3, 31))[council.pk] == 2000
    assert council_populations_on([council.pk], date(2026, 3, 30))[council.pk] == 2000
    # West has no newer record: its 2025 figure still counts.
    assert council_populations_on([council.pk], date(2026, 3, 31))[council.pk] == 1950
    assert council_households_on([council.pk], date(2026, 4, 1)) == {council.pk: 790}


def test_populations_for_many_councils_in_one_query(django_assert_num_queries):
    councils = [CouncilFactory() for _ in range(20)]
    with django_assert_num_queries(1):
        totals = council_populations_on([c.pk for c in councils], date(2026, 4, 1))
    assert set(totals.values()) == {1000}


def test_council_without_records_counts_zero():
    council = CouncilFactory(districts=[DistrictFactory()])
    assert council_populations_on([council.pk], date(2026, 4, 1)) == {council.pk: 0}
