"""Reading what city systems write, and writing what spreadsheets cannot run."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
import tablib

from core.exports import neutralise_cell, restore_cell
from core.imports.cells import parse_date, parse_decimal, parse_integer
from core.imports.reading import CSV, XLSX, ImportFileError, ShiftJISCSV, decode_text, read_dataset

SAMPLE = "地区コード,地区名\r\nT-001,髙田地区\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_text_is_read_in_each_encoding_cities_use(encoding):
    assert decode_text(SAMPLE.encode(encoding)) == SAMPLE


def test_utf16_is_refused_with_advice():
    with pytest.raises(ImportFileError, match="UTF-16"):
        decode_text(SAMPLE.encode("utf-16"))


def test_bytes_in_no_known_encoding_are_refused():
    with pytest.raises(ImportFileError, match="文字コードを判別できませんでした"):
        decode_text(b"\x81\xfd\xfe\xff\x80abc")


def test_ragged_csv_rows_are_padded_and_long_rows_named():
    dataset = CSV().create_dataset(b"a,b,c\r\n1,2\r\n\r\n3,4,5,\r\n")
    assert dataset.headers == ["a", "b", "c"]
    assert list(dataset) == [("1", "2", ""), ("", "", ""), ("3", "4", "5")]
    with pytest.raises(ImportFileError, match="3行目の列の数"):
        CSV().create_dataset(b"a,b\r\n1,2\r\n3,4,5\r\n")


def test_empty_file_and_header_only_file_are_refused():
    with pytest.raises(ImportFileError, match="ファイルが空です"):
        read_dataset(b"", "empty.csv")
    with pytest.raises(ImportFileError, match="見出しの行しかありません"):
        read_dataset("地区コード,地区名\r\n".encode(), "header.csv")


def test_a_non_excel_file_chosen_as_xlsx_is_refused():
    with pytest.raises(ImportFileError, match="Excel"):
        XLSX().create_dataset(b"not a workbook")


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("1234", 1234),
        ("１２３４", 1234),
        ("1,234", 1234),
        ("１，２３４", 1234),
        (" 42 ", 42),
        (1234.0, 1234),
        (Decimal("7"), 7),
        ("12.0", 12),
        ("-5", -5),
        ("", None),
        (None, None),
    ],
)
def test_integers_as_clerks_type_them(cell, number):
    assert parse_integer(cell) == number


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("四十", "数値として読み取れません"),
        ("12.5", "整数ではありません"),
        (1.5, "整数ではありません"),
        ("1万", "数値として読み取れません"),
    ],
)
def test_text_where_a_number_belongs_is_refused_in_japanese(cell, message):
    with pytest.raises(ValueError, match=message):
        parse_integer(cell)


def test_decimals_accept_full_width_digits():
    assert parse_decimal("３８.９３４５６７") == Decimal("38.934567")
    with pytest.raises(ValueError):
        parse_decimal("北緯38度")


@pytest.mark.parametrize(
    "cell",
    [
        "2026-03-31",
        "2026/3/31",
        "2026.03.31",
        "20260331",
        "2026年3月31日",
        "令和8年3月31日",
        "R8.3.31",
        "r8/3/31",
        "２０２６－０３－３１",
        "2026-03-31 00:00:00",
        datetime(2026, 3, 31, 0, 0),
        date(2026, 3, 31),
    ],
)
def test_dates_in_the_forms_offices_write(cell):
    assert parse_date(cell) == date(2026, 3, 31)


def test_first_year_of_an_era_and_heisei_dates():
    assert parse_date("令和元年5月1日") == date(2019, 5, 1)
    assert parse_date("平成31年4月30日") == date(2019, 4, 30)


@pytest.mark.parametrize(
    ("cell", "message"), [("2026-02-30", "存在しない日付"), ("来年度", "日付として読み取れません")]
)
def test_bad_dates_are_refused_in_japanese(cell, message):
    with pytest.raises(ValueError, match=message):
        parse_date(cell)


# ---- formula injection


@pytest.mark.parametrize("text", ["=1+1", "+81-90", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_formula_like_text_is_neutralised_and_restored(text):
    assert neutralise_cell(text) == "'" + text
    assert restore_cell(neutralise_cell(text)) == text


@pytest.mark.parametrize("value", ["本町地区", "0191-21-8341", "'quoted", 120, -120, None])
def test_other_cells_are_left_alone(value):
    assert neutralise_cell(value) == value


def dangerous_dataset():
    return tablib.Dataset(
        ['=HYPERLINK("http://x")', "+1", "-1+1", "@A1", "\tTab", "\rCR", "普通", -5],
        headers=["a", "b", "c", "d", "e", "f", "g", "h"],
    )


def test_csv_export_is_utf8_with_bom_and_neutralised():
    data = CSV().export_data(dangerous_dataset())
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    for cell in ["'=HYPERLINK", "'+1", "'-1+1", "'@A1", "'\tTab", "'\rCR"]:
        assert cell in text
    assert text.rstrip().endswith("普通,-5")  # numbers stay numbers


def test_xlsx_export_is_neutralised():
    book = openpyxl.load_workbook(BytesIO(XLSX().export_data(dangerous_dataset())))
    values = [cell.value for cell in book.active[2]]
    # (tablib 3.10 keeps the carriage return as written; 3.9 stored a line feed)
    assert values[:6] == ['\'=HYPERLINK("http://x")', "'+1", "'-1+1", "'@A1", "'\tTab", "'\rCR"]
    assert values[6:] == ["普通", -5]


def test_shift_jis_export_writes_cp932_and_names_a_character_it_cannot_write():
    data = ShiftJISCSV().export_data(tablib.Dataset(["髙田地区"], headers=["地区名"]))
    assert data.decode("cp932") == "地区名\r\n髙田地区\r\n"
    with pytest.raises(ValueError, match="「𠮷」"):
        ShiftJISCSV().export_data(tablib.Dataset(["𠮷田 花子"], headers=["代表者氏名"]))
