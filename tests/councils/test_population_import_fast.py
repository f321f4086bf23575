"""The population import's column-at-a-time path for clean files (``_clean_totals``) and its
fall-back to the row-by-row pass, with sums worked out by hand."""

from datetime import date

import pytest
import tablib

from core.imports.reading import CsvDataset, plain_rows, read_dataset
from councils import resources
from councils.models import PopulationRecord
from councils.resources import RECORD_FIELDS, PopulationResource, aggregate_population
from tests.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADERS = "全国地方公共団体コード,調査年月日,地域コード,地域名,年齢,総数,男性,女性,世帯数"
# Two districts, three bands each (the city's code on every row).
CLEAN = [
    "032093,2026-03-31,H-001,東,0-4歳,30,14,16,120",
    "032093,2026-03-31,H-001,東,5-9歳,41,20,21,120",
    "032093,2026-03-31,H-001,東,10-14歳,52,27,25,120",
    "032093,2026-03-31,H-002,西,0-4歳,7,3,4,40",
    "032093,2026-03-31,H-002,西,5-9歳,9,5,4,40",
    "032093,2026-03-31,H-002,西,10-14歳,11,6,5,40",
]
# By hand: 東 30 + 41 + 52 = 123, 西 7 + 9 + 11 = 27.


def _file(lines, headers=HEADERS) -> bytes:
    return ("\r\n".join([headers, *lines]) + "\r\n").encode("cp932")


def _import(data, *, user=None, dry_run=False):
    dataset = read_dataset(data, "人口.csv")
    return PopulationResource().import_data(
        dataset, dry_run=dry_run, user=user, file_name="人口.csv"
    )


def _records():
    return {
        (r.district.code, r.as_of): (r.population, r.households, r.source)
        for r in PopulationRecord.objects.select_related("district")
    }


@pytest.fixture
def districts():
    return [DistrictFactory(code="H-001", name="東"), DistrictFactory(code="H-002", name="西")]


def _row_by_row(monkeypatch, headers, rows, **kwargs):
    """What the row-by-row pass alone makes of the rows."""
    with monkeypatch.context() as patched:
        patched.setattr(resources, "_clean_totals", lambda *a, **k: None)
        return aggregate_population(headers, rows, **kwargs)


def test_clean_age_band_file_is_summed_a_column_at_a_time(districts, monkeypatch):
    dataset = read_dataset(_file(CLEAN), "人口.csv")
    headers, rows = list(dataset.headers), plain_rows(dataset)
    index = {
        n: headers.index(c)
        for n in resources.COLUMN_ALIASES
        if (c := resources._column(headers, n))
    }
    fast = resources._clean_totals(
        rows, index, district_codes={"H-001", "H-002"}, city_code="03209"
    )
    assert [(e.code, e.population, e.rows, e.households) for e in fast] == [
        ("H-001", 123, [2, 3, 4], {2: 120, 3: 120, 4: 120}),
        ("H-002", 27, [5, 6, 7], {5: 40, 6: 40, 7: 40}),
    ]
    # The same totals, rows and households as the row-by-row pass.
    slow, found = _row_by_row(
        monkeypatch, headers, rows, district_codes={"H-001", "H-002"}, municipality_code="032093"
    )
    assert found == []
    assert fast == slow


def test_clean_file_imports_its_sums_with_one_history_row_each(districts):
    user = UserFactory()
    result = _import(_file(CLEAN), user=user)
    assert result.problems == []
    assert result.summary["new"] == 2
    assert _records() == {
        ("H-001", date(2026, 3, 31)): (123, 120, "住民基本台帳"),
        ("H-002", date(2026, 3, 31)): (27, 40, "住民基本台帳"),
    }
    history = PopulationRecord.history.order_by("population")
    assert [(h.population, h.households, h.history_type) for h in history] == [
        (27, 40, "+"),
        (123, 120, "+"),
    ]
    assert {(h.history_user, h.history_change_reason) for h in history} == {
        (user, "一括取込: 人口.csv")
    }
    assert {h.id for h in history} == set(PopulationRecord.objects.values_list("pk", flat=True))


def test_one_bad_band_imports_nothing_and_says_where(districts):
    lines = [*CLEAN]
    lines[4] = "032093,2026-03-31,H-002,西,5-9歳,-9,5,4,40"  # spreadsheet row 6
    result = _import(_file(lines))
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (6, "総数", "総数は0以上で入力してください。")
    ]
    assert result.problems[0].where == "6行目・列「総数」"
    assert PopulationRecord.objects.count() == 0
    assert PopulationRecord.history.count() == 0


def test_band_sums_that_miss_a_sex_imports_nothing(districts):
    lines = [*CLEAN]
    lines[1] = "032093,2026-03-31,H-001,東,5-9歳,41,20,20,120"  # 20 + 20 is not 41
    result = _import(_file(lines))
    assert [(p.row, p.column, p.code) for p in result.problems] == [(3, "総数", "sex_sum_mismatch")]
    assert PopulationRecord.objects.count() == 0


def test_rows_of_a_district_apart_and_a_code_written_two_ways_still_sum(districts, monkeypatch):
    # 西's rows around 東's, and 東 once in full-width letters: the column path declines
    # both and the row-by-row pass sums them as one district each.
    lines = [
        "032093,2026-03-31,H-002,西,0-4歳,7,3,4,",
        "032093,2026-03-31,H-001,東,0-4歳,30,14,16,",
        "032093,2026-03-31,Ｈ-001,東,5-9歳,41,20,21,",
        "032093,2026-03-31,H-002,西,5-9歳,9,5,4,",
    ]
    dataset = read_dataset(_file(lines), "人口.csv")
    headers, rows = list(dataset.headers), plain_rows(dataset)
    index = {
        n: headers.index(c)
        for n in resources.COLUMN_ALIASES
        if (c := resources._column(headers, n))
    }
    assert (
        resources._clean_totals(rows, index, district_codes={"H-001", "H-002"}, city_code="")
        is None
    )
    result = _import(_file(lines))
    assert result.problems == []
    # 東 30 + 41 = 71 (rows 3–4), 西 7 + 9 = 16 (rows 2 and 5).
    assert _records() == {
        ("H-001", date(2026, 3, 31)): (71, None, "住民基本台帳"),
        ("H-002", date(2026, 3, 31)): (16, None, "住民基本台帳"),
    }


def test_rows_apart_are_grouped_by_the_column_path_too():
    # Not contiguous, one spelling each: grouped one by one, same result.
    groups = resources._positions_by_key([("B",), ("A",), ("B",), ("C",), ("A",)])
    assert {key: list(positions) for key, positions in groups.items()} == {
        ("B",): [0, 2],
        ("A",): [1, 4],
        ("C",): [3],
    }
    runs = resources._positions_by_key([("A",), ("A",), ("B",)])
    assert {key: list(positions) for key, positions in runs.items()} == {
        ("A",): [0, 1],
        ("B",): [2],
    }


def test_records_are_made_by_position_in_the_models_field_order():
    assert tuple(f.attname for f in PopulationRecord._meta.concrete_fields) == RECORD_FIELDS


def test_csv_dataset_is_a_tablib_dataset_made_lazily():
    dataset = CsvDataset([["1", "a"], ["2", "b"]], ["番号", "名前"])
    assert isinstance(dataset, tablib.Dataset)
    assert len(dataset) == 2
    assert dataset.plain_rows() == [["1", "a"], ["2", "b"]]
    assert dataset.dict == [{"番号": "1", "名前": "a"}, {"番号": "2", "名前": "b"}]
    assert dataset[1] == ("2", "b")
    dataset.append(["3", "c"])
    assert plain_rows(dataset) == [["1", "a"], ["2", "b"], ["3", "c"]]
    dataset.wipe()
    assert len(dataset) == 0


def test_bands_without_households_are_summed_by_runs(districts):
    headers = HEADERS.removesuffix(",世帯数")
    lines = [line.rsplit(",", 1)[0] for line in CLEAN]
    dataset = read_dataset(_file(lines, headers), "人口.csv")
    index = {
        n: dataset.headers.index(c)
        for n in resources.COLUMN_ALIASES
        if (c := resources._column(dataset.headers, n))
    }
    fast = resources._clean_totals(
        plain_rows(dataset), index, district_codes={"H-001", "H-002"}, city_code="03209"
    )
    assert [(e.code, e.bands, e.population, e.row_label) for e in fast] == [
        ("H-001", 3, 123, "2〜4行目"),
        ("H-002", 3, 27, "5〜7行目"),
    ]
    assert _import(_file(lines, headers)).problems == []
    assert _records() == {
        ("H-001", date(2026, 3, 31)): (123, None, "住民基本台帳"),
        ("H-002", date(2026, 3, 31)): (27, None, "住民基本台帳"),
    }
