from datetime import date

import pytest

from councils.selectors import (
    city_populations_on,
    council_households_on,
    council_populations_on,
)
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


def test_the_citys_populations_read_set_wise_follow_the_same_rules(city):
    """city_populations_on (the 試算's set-wise read) against hand-counted figures."""
    east, west, north = DistrictFactory(), DistrictFactory(), DistrictFactory()
    PopulationFactory(district=east, as_of=date(2025, 3, 31), population=1200)
    PopulationFactory(district=east, as_of=date(2026, 3, 31), population=1150)
    PopulationFactory(district=east, as_of=date(2026, 4, 30), population=9999)  # after the day
    PopulationFactory(district=west, as_of=date(2025, 3, 31), population=800)
    # Two sources on the same day: the later row counts, as in council_populations_on.
    PopulationFactory(district=north, as_of=date(2026, 3, 31), population=300, source="推計")
    PopulationFactory(district=north, as_of=date(2026, 3, 31), population=310, source="国勢調査")
    both = CouncilFactory(districts=[east, west])
    single = CouncilFactory(districts=[north])
    empty = CouncilFactory(districts=[DistrictFactory()])  # no record: left out

    found = city_populations_on(city.pk, date(2026, 3, 31))
    assert found[both.pk] == 1950
    assert found[single.pk] == 310
    assert empty.pk not in found
    assert council_populations_on([single.pk], date(2026, 3, 31))[single.pk] == 310
    assert city_populations_on(city.pk, date(2025, 3, 30)) == {}


def test_the_citys_populations_leave_other_cities_out(city):
    from core import tenancy
    from tests.cities import make_city

    council = CouncilFactory()  # 1,000 on 令和8年3月31日
    other = make_city("morioka")
    with tenancy.city_scope(other):
        CouncilFactory()
    assert city_populations_on(city.pk, date(2026, 4, 1)) == {council.pk: 1000}
    assert len(city_populations_on(other.pk, date(2026, 4, 1))) == 1
