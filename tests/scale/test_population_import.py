"""The population import's fast path writes what the general path wrote: the same records,
the same history rows, the same preview, and a file with a problem gets the same errors."""

import csv
import io
from datetime import date

import pytest

from core.imports.reading import read_dataset
from core.imports.resources import JapaneseModelResource
from councils.models import District, PopulationRecord
from councils.resources import PopulationResource
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADERS = ["地域コード", "調査年月日", "総数", "世帯数"]


def csv_bytes(rows, headers=HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("cp932")


@pytest.fixture
def districts():
    return District.objects.bulk_create(
        [District(code="D-01", name="一番地区"), District(code="D-02", name="二番地区")]
    )


def fast(data, *, user=None, dry_run=False):
    dataset = read_dataset(data, "population.csv")
    return PopulationResource().import_data(
        dataset, dry_run=dry_run, user=user, file_name="population.csv"
    )


def general(data, *, user=None, dry_run=False):
    """The way every other resource imports: django-import-export row by row."""
    dataset = read_dataset(data, "population.csv")
    return JapaneseModelResource.import_data(
        PopulationResource(), dataset, dry_run=dry_run, user=user, file_name="population.csv"
    )


def stored():
    return sorted(
        PopulationRecord.objects.values_list(
            "district__code", "as_of", "population", "households", "source"
        )
    )


def history():
    return sorted(
        PopulationRecord.history.values_list(
            "district__code",
            "as_of",
            "population",
            "history_type",
            "history_user__username",
            "history_change_reason",
        )
    )


ROWS = [
    ["D-01", "2026-03-31", "1,200", "500"],
    ["D-02", "令和8年3月31日", "８００", "300"],
    ["D-01", "2025-03-31", "1180", "490"],
]


@pytest.mark.parametrize("path", [fast, general])
def test_both_paths_store_the_same_records_and_history(districts, path):
    user = UserFactory(username="jinko")
    result = path(csv_bytes(ROWS), user=user)
    assert result.problems == []
    assert result.summary == {"new": 3, "update": 0, "unchanged": 0, "invalid": 0}
    assert stored() == [
        ("D-01", date(2025, 3, 31), 1180, 490, "住民基本台帳"),
        ("D-01", date(2026, 3, 31), 1200, 500, "住民基本台帳"),
        ("D-02", date(2026, 3, 31), 800, 300, "住民基本台帳"),
    ]
    reason = "一括取込: population.csv"
    assert history() == [
        ("D-01", date(2025, 3, 31), 1180, "+", "jinko", reason),
        ("D-01", date(2026, 3, 31), 1200, "+", "jinko", reason),
        ("D-02", date(2026, 3, 31), 800, "+", "jinko", reason),
    ]
    if path is fast:  # the admin's log of the import names every record written
        assert all(row.instance.pk == row.object_id for row in result.rows)


def test_a_changed_total_updates_one_record_with_its_history(districts):
    user = UserFactory(username="jinko")
    fast(csv_bytes(ROWS), user=user)
    changed = [ROWS[0], ["D-02", "2026-03-31", "810", "300"], ROWS[2]]
    result = fast(csv_bytes(changed), user=user)
    assert result.summary == {"new": 0, "update": 1, "unchanged": 2, "invalid": 0}
    assert ("D-02", date(2026, 3, 31), 810, 300, "住民基本台帳") in stored()
    updates = [h for h in history() if h[3] == "~"]
    assert updates == [("D-02", date(2026, 3, 31), 810, "~", "jinko", "一括取込: population.csv")]


def test_a_file_without_households_keeps_the_stored_ones(districts):
    fast(csv_bytes(ROWS))
    result = fast(
        csv_bytes([["D-01", "2026-03-31", "1300"]], headers=["地域コード", "調査年月日", "総数"])
    )
    assert result.summary["update"] == 1
    assert ("D-01", date(2026, 3, 31), 1300, 500, "住民基本台帳") in stored()


def test_the_dry_run_preview_is_the_general_paths_and_writes_nothing(districts):
    fast(csv_bytes(ROWS[:1]))
    data = csv_bytes([["D-01", "2026-03-31", "1250", "500"], ROWS[1]])
    preview = fast(data, dry_run=True)
    expected = general(data, dry_run=True)
    assert [(r.label, r.import_type, r.changes) for r in preview.preview_rows] == [
        (r.label, r.import_type, r.changes) for r in expected.preview_rows
    ]
    assert preview.preview_rows[0].label == "2行目"
    assert ("総数", 1200, 1250, True) in preview.preview_rows[0].changes
    assert (
        preview.summary
        == expected.summary
        == {
            "new": 1,
            "update": 1,
            "unchanged": 0,
            "invalid": 0,
        }
    )
    assert stored() == [("D-01", date(2026, 3, 31), 1200, 500, "住民基本台帳")]


def test_a_file_with_a_problem_reports_it_by_row_and_imports_nothing(districts):
    data = csv_bytes([ROWS[0], ["D-09", "2026-03-31", "10", ""], ["D-02", "2026-03-31", "-5", ""]])
    result = fast(data)
    assert [(p.row, p.column, p.code, p.message) for p in result.problems] == [
        (
            3,
            "地域コード",
            "unknown_district",
            "地域コード「D-09」の地区が登録されていません。先に地区を登録してください。",
        ),
        (4, "総数", "invalid", "総数は0以上で入力してください。"),
    ]
    assert result.has_errors()
    assert stored() == []


def test_a_source_longer_than_the_field_gets_the_models_own_error(districts):
    headers = ["地域コード", "調査年月日", "総数", "出典"]
    result = fast(csv_bytes([["D-01", "2026-03-31", "10", "あ" * 101]], headers=headers))
    assert [(p.row, p.column) for p in result.problems] == [(2, "出典")]
    assert "100" in result.problems[0].message
    assert stored() == []


def test_under_row_level_security_the_rows_go_in_without_copy(districts, settings):
    # COPY FROM is refused on tables under row-level security: INSERT … unnest instead.
    settings.CITY_DATABASE_ROLE = "kyodo_app"  # read by the insert only; no scope entered
    user = UserFactory(username="jinko")
    result = fast(csv_bytes(ROWS), user=user)
    assert result.summary["new"] == 3
    assert len(stored()) == 3
    assert [h[3:5] for h in history()] == [("+", "jinko")] * 3
