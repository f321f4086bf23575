"""Population in the national standard format 地域・年齢別人口: age bands summed per district."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from councils.models import PopulationRecord
from councils.resources import DistrictResource, PopulationResource, aggregate_population
from tests.factories import UserFactory

from .importing import city, problems, run_import, sample

pytestmark = pytest.mark.django_db

AGE_BANDS = [f"{a}-{a + 4}歳" for a in range(0, 85, 5)] + ["85歳以上"]
# What tests/imports/make_samples.py put in the files.
TOTALS = {"T-001": 1286, "T-002": 1292, "T-003": 1267}
HOUSEHOLDS = {"T-001": 1210, "T-002": 845, "T-003": 402}


@pytest.fixture
def districts():
    city()
    run_import(DistrictResource, "districts_utf8.csv")


def records():
    return {
        (r.district.code, r.as_of): (r.population, r.households, r.source)
        for r in PopulationRecord.objects.select_related("district")
    }


def test_shift_jis_file_with_age_bands_and_total_rows_gives_one_record_per_district(districts):
    result = run_import(PopulationResource, "population_national_cp932.csv")
    assert result.problems == []
    assert result.summary["new"] == 3
    assert records() == {
        (code, date(2026, 3, 31)): (TOTALS[code], HOUSEHOLDS[code], "住民基本台帳")
        for code in TOTALS
    }


def test_preview_names_the_file_rows_each_total_comes_from(districts):
    result = run_import(PopulationResource, "population_national_cp932.csv", dry_run=True)
    assert [row.label for row in result.preview_rows] == ["2〜20行目", "21〜39行目", "40〜58行目"]
    assert PopulationRecord.objects.count() == 0


def test_utf8_file_with_japanese_dates_and_no_total_rows(districts):
    result = run_import(PopulationResource, "population_national_utf8.csv")
    assert result.problems == []
    assert records()[("T-002", date(2026, 3, 31))][0] == TOTALS["T-002"]


def test_reimport_duplicates_nothing_and_writes_no_history(districts):
    run_import(PopulationResource, "population_national_cp932.csv")
    history = PopulationRecord.history.count()
    again = run_import(PopulationResource, "population_national_utf8.csv")
    assert again.summary == {"new": 0, "update": 0, "unchanged": 3, "invalid": 0}
    assert PopulationRecord.objects.count() == 3
    assert PopulationRecord.history.count() == history


def test_wide_layout_of_the_standard_is_read_row_by_row(districts):
    result = run_import(PopulationResource, "population_wide_cp932.csv")
    assert result.problems == []
    assert records()[("T-003", date(2025, 3, 31))] == (TOTALS["T-003"], 402, "住民基本台帳")


def test_our_own_export_imports_back_unchanged(districts):
    run_import(PopulationResource, "population_national_cp932.csv")
    exported = PopulationResource().export()
    assert exported.headers == [
        "全国地方公共団体コード",
        "地域コード",
        "地域名",
        "調査年月日",
        "総数",
        "世帯数",
        "出典",
    ]
    assert exported[0] == ("032093", "T-001", "本町地区", "2026-03-31", 1286, 1210, "住民基本台帳")
    from core.imports.reading import CSV

    again = run_import(PopulationResource, "export.csv", data=CSV().export_data(exported))
    assert again.summary["unchanged"] == 3


def test_history_of_bulk_population_import_names_the_user(districts):
    clerk = UserFactory(username="clerk")
    run_import(PopulationResource, "population_national_cp932.csv", user=clerk)
    assert {(h.history_user, h.history_change_reason) for h in PopulationRecord.history.all()} == {
        (clerk, "一括取込: population_national_cp932.csv")
    }


def test_text_where_a_number_belongs_is_named_by_row_and_column(districts):
    result = run_import(PopulationResource, "population_bad_number.csv")
    assert problems(result) == [(6, "総数", "invalid")]
    assert result.problems[0].value == "四十"
    assert "数値として読み取れません" in result.problems[0].message
    assert PopulationRecord.objects.count() == 0


def test_unknown_district_code_is_named_and_nothing_is_imported(districts):
    result = run_import(PopulationResource, "population_unknown_district.csv")
    assert problems(result) == [(22, "地域コード", "unknown_district")]
    assert "地域コード「T-999」の地区が登録されていません" in result.problems[0].message
    assert PopulationRecord.objects.count() == 0


def test_missing_columns_are_named(districts):
    data = "地域コード,年齢,男性\r\nT-001,0-4歳,3\r\n".encode("cp932")
    result = run_import(PopulationResource, "x.csv", data=data)
    assert problems(result) == [(1, "調査年月日", "missing_column"), (1, "総数", "missing_column")]


def test_another_citys_file_is_refused(districts):
    data = sample("population_national_cp932.csv").decode("cp932").replace("032093", "032018", 1)
    result = run_import(PopulationResource, "x.csv", data=data.encode("cp932"))
    assert problems(result) == [(2, "全国地方公共団体コード", "other_municipality")]


def test_total_must_equal_men_plus_women(districts):
    lines = sample("population_national_cp932.csv").decode("cp932").splitlines()
    cells = lines[1].split(",")
    cells[7] = str(int(cells[7]) + 1)
    lines[1] = ",".join(cells)
    result = run_import(PopulationResource, "x.csv", data="\r\n".join(lines).encode("cp932"))
    assert problems(result) == [(2, "総数", "sex_sum_mismatch")]


def test_total_row_must_equal_the_sum_of_the_bands(districts):
    text = sample("population_national_cp932.csv").decode("cp932")
    text = text.replace(",総数,1286,", ",総数,1300,")
    result = run_import(PopulationResource, "x.csv", data=text.encode("cp932"))
    assert problems(result) == [(20, "総数", "band_sum_mismatch")]
    assert "年齢別の合計（1286人）" in result.problems[0].message


def test_the_same_age_band_twice_is_refused(districts):
    lines = sample("population_national_cp932.csv").decode("cp932").splitlines()
    lines.insert(3, lines[2])
    result = run_import(PopulationResource, "x.csv", data="\r\n".join(lines).encode("cp932"))
    assert problems(result) == [(4, "年齢", "duplicate_in_file")]


# ---- the pure summation


@given(
    bands=st.lists(
        st.tuples(st.integers(0, 5000), st.integers(0, 5000)), min_size=1, max_size=len(AGE_BANDS)
    ),
    with_total=st.booleans(),
)
def test_district_total_is_the_sum_of_its_bands(bands, with_total):
    headers = ["調査年月日", "地域コード", "年齢", "総数", "男性", "女性"]
    rows = [["2026-03-31", "T-001", AGE_BANDS[i], m + f, m, f] for i, (m, f) in enumerate(bands)]
    expected = sum(m + f for m, f in bands)
    if with_total:
        rows.append(["2026-03-31", "T-001", "総数", expected, "", ""])
    records_, found = aggregate_population(headers, rows, district_codes={"T-001"})
    assert found == []
    assert [(r.code, r.as_of, r.population) for r in records_] == [
        ("T-001", date(2026, 3, 31), expected)
    ]
