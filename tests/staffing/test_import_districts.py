"""Districts from CSV (UTF-8, UTF-8 with BOM, Shift_JIS) and Excel: all or nothing, once."""

import pytest

from councils.models import District
from councils.resources import DistrictResource
from tests.factories import UserFactory

from .importing import problems, run_import, sample

pytestmark = pytest.mark.django_db

EXPECTED = [
    ("T-001", "本町地区", "ほんちょうちく", "中心市街地"),
    ("T-002", "髙田地区", "たかだちく", ""),
    ("T-003", "川西地区", "かわにしちく", "旧川西村、昭和30年に合併"),
]


def districts():
    return list(District.objects.order_by("code").values_list("code", "name", "kana", "notes"))


@pytest.mark.parametrize(
    "name",
    ["districts_utf8.csv", "districts_utf8_bom.csv", "districts_cp932.csv", "districts.xlsx"],
)
def test_each_encoding_and_format_imports_the_same_districts(name):
    result = run_import(DistrictResource, name)
    assert result.problems == []
    assert result.summary["new"] == 3
    assert districts() == EXPECTED


def test_dry_run_saves_nothing_and_previews_each_row():
    result = run_import(DistrictResource, "districts_cp932.csv", dry_run=True)
    assert District.objects.count() == 0
    assert [row.label for row in result.preview_rows] == ["2行目", "3行目", "4行目"]
    column, old, new, changed = result.preview_rows[1].changes[1]
    assert (column, old, new, changed) == ("地区名", "", "髙田地区", True)


def test_reimporting_the_same_file_in_another_encoding_changes_nothing():
    run_import(DistrictResource, "districts_cp932.csv")
    history = District.history.count()
    result = run_import(DistrictResource, "districts_utf8_bom.csv")
    assert result.summary == {"new": 0, "update": 0, "unchanged": 3, "invalid": 0}
    assert districts() == EXPECTED
    assert District.history.count() == history  # not even an empty history row


def test_a_changed_row_updates_in_place_and_shows_old_and_new():
    run_import(DistrictResource, "districts_utf8.csv")
    data = sample("districts_utf8.csv").decode().replace("本町地区", "本町第一地区").encode()
    preview = run_import(DistrictResource, "districts_utf8.csv", data=data, dry_run=True)
    assert preview.summary == {"new": 0, "update": 1, "unchanged": 2, "invalid": 0}
    changed = [c for c in preview.preview_rows[0].changes if c[3]]
    assert changed == [("地区名", "本町地区", "本町第一地区", True)]
    run_import(DistrictResource, "districts_utf8.csv", data=data)
    assert District.objects.get(code="T-001").name == "本町第一地区"
    assert District.objects.count() == 3


def test_bulk_import_history_names_the_user_and_the_file():
    clerk = UserFactory(username="clerk", full_name="取込 太郎")
    run_import(DistrictResource, "districts_cp932.csv", user=clerk)
    rows = District.history.all()
    assert rows.count() == 3
    assert {(h.history_user, h.history_type, h.history_change_reason) for h in rows} == {
        (clerk, "+", "一括取込: districts_cp932.csv")
    }
    data = sample("districts_utf8.csv").decode().replace("本町地区", "本町第一地区").encode()
    run_import(DistrictResource, "districts_utf8.csv", data=data, user=clerk)
    update = District.objects.get(code="T-001").history.first()
    assert (update.history_type, update.history_user, update.name) == ("~", clerk, "本町第一地区")


def test_a_file_with_one_bad_row_imports_nothing():
    result = run_import(DistrictResource, "districts_bad_row.csv")
    assert problems(result) == [(3, "地区名", "blank")]
    assert District.objects.count() == 0
    assert District.history.count() == 0


def test_a_bad_row_leaves_earlier_data_untouched():
    run_import(DistrictResource, "districts_utf8.csv")
    data = sample("districts_utf8.csv").decode().replace("本町地区", "本町第一地区")
    data = data.replace("川西地区", "").encode()
    result = run_import(DistrictResource, "districts_utf8.csv", data=data)
    assert problems(result) == [(4, "地区名", "blank")]
    assert districts() == EXPECTED


def test_missing_column_is_named():
    result = run_import(DistrictResource, "districts_missing_column.csv")
    assert problems(result) == [(1, "地区名", "missing_column")]
    assert "列「地区名」がありません" in result.problems[0].message
    assert District.objects.count() == 0


def test_the_same_code_twice_in_one_file_is_refused():
    data = "地区コード,地区名\r\nT-001,本町地区\r\nＴ－００１,本町二区\r\n".encode()
    result = run_import(DistrictResource, "dup.csv", data=data)
    assert problems(result) == [(3, "地区コード", "duplicate_in_file")]
    assert "2行目と同じ地区コードです" in result.problems[0].message
    assert District.objects.count() == 0


def test_headers_in_half_width_brackets_and_blank_lines_are_accepted():
    data = "地区コード ,地区名,地区名(かな)\r\nT-001,本町地区,ほんちょう\r\n,,\r\n".encode("cp932")
    result = run_import(DistrictResource, "loose.csv", data=data)
    assert result.problems == []
    assert District.objects.get().kana == "ほんちょう"
