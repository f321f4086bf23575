"""Writes the sample import files in this folder (run: python tests/imports/make_samples.py).

They are committed; this script documents how they were made and recreates them.
The shapes follow what city systems export: Shift_JIS (CP932) CSV from older systems,
UTF-8 with BOM from Excel's 「CSV UTF-8」, Excel workbooks, and the national standard
自治体標準オープンデータセット「地域・年齢別人口」 for population.
"""

import csv
import io
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent

DISTRICT_HEADERS = ["地区コード", "地区名", "地区名（かな）", "備考"]
DISTRICTS = [
    ["T-001", "本町地区", "ほんちょうちく", "中心市街地"],
    ["T-002", "髙田地区", "たかだちく", ""],
    ["T-003", "川西地区", "かわにしちく", "旧川西村、昭和30年に合併"],
]
AGE_BANDS = [f"{a}-{a + 4}歳" for a in range(0, 85, 5)] + ["85歳以上"]
POPULATION_HEADERS = [
    "全国地方公共団体コード",
    "地方公共団体名",
    "調査年月日",
    "地域コード",
    "地域名",
    "年齢",
    "総数",
    "男性",
    "女性",
    "世帯数",
]
HOUSEHOLDS = {"T-001": 1210, "T-002": 845, "T-003": 402}


def band_counts(code_index: int, band_index: int) -> tuple[int, int]:
    male = 20 + (band_index * 7 + code_index * 3) % 30
    female = 22 + (band_index * 5 + code_index * 11) % 31
    return male, female


def population_rows(as_of: str, *, with_totals: bool = True) -> list[list]:
    rows = []
    for code_index, (code, name, _kana, _notes) in enumerate(DISTRICTS):
        total = 0
        for band_index, band in enumerate(AGE_BANDS):
            male, female = band_counts(code_index, band_index)
            total += male + female
            rows.append(
                [
                    "032093",
                    "一関市",
                    as_of,
                    code,
                    name,
                    band,
                    male + female,
                    male,
                    female,
                    HOUSEHOLDS[code],
                ]
            )
        if with_totals:
            rows.append(
                ["032093", "一関市", as_of, code, name, "総数", total, "", "", HOUSEHOLDS[code]]
            )
    return rows


def district_total(code: str) -> int:
    index = [d[0] for d in DISTRICTS].index(code)
    return sum(sum(band_counts(index, b)) for b in range(len(AGE_BANDS)))


def write_csv(name: str, headers, rows, encoding: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    (HERE / name).write_bytes(buffer.getvalue().encode(encoding))


def write_xlsx(name: str, headers, rows) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "地区"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(HERE / name)


def main() -> None:
    write_csv("districts_utf8.csv", DISTRICT_HEADERS, DISTRICTS, "utf-8")
    write_csv("districts_utf8_bom.csv", DISTRICT_HEADERS, DISTRICTS, "utf-8-sig")
    write_csv("districts_cp932.csv", DISTRICT_HEADERS, DISTRICTS, "cp932")
    write_xlsx("districts.xlsx", DISTRICT_HEADERS, DISTRICTS)
    # Row 3 (the second data row) has no name: the whole file must be refused.
    bad = [DISTRICTS[0], ["T-002", "", "たかだちく", ""], DISTRICTS[2]]
    write_csv("districts_bad_row.csv", DISTRICT_HEADERS, bad, "cp932")
    write_csv(
        "districts_missing_column.csv",
        ["地区コード", "地区名（かな）"],
        [[d[0], d[2]] for d in DISTRICTS],
        "utf-8",
    )
    # Excel's 「Unicode テキスト」: UTF-16 with a BOM, which we do not read.
    text = "\t".join(DISTRICT_HEADERS) + "\r\n" + "\r\n".join("\t".join(d) for d in DISTRICTS)
    (HERE / "districts_utf16.txt").write_bytes(text.encode("utf-16"))

    # Population: one row per district and age band, with a 総数 row, in Shift_JIS.
    rows = population_rows("2026-03-31")
    # Full-width digits, as typed by hand.
    rows[1][6] = str(rows[1][6]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    write_csv("population_national_cp932.csv", POPULATION_HEADERS, rows, "cp932")
    write_csv(
        "population_national_utf8.csv",
        POPULATION_HEADERS,
        population_rows("令和8年3月31日", with_totals=False),
        "utf-8-sig",
    )
    bad_number = population_rows("2026-03-31")
    bad_number[4][6] = "四十"  # row 6 of the file: text where a number belongs
    write_csv("population_bad_number.csv", POPULATION_HEADERS, bad_number, "cp932")
    unknown = population_rows("2026-03-31")
    unknown[20][3] = "T-999"  # row 22: a district code that does not exist
    write_csv("population_unknown_district.csv", POPULATION_HEADERS, unknown, "cp932")
    # The standard's wide layout: one row per district, 総人口 and age-band columns.
    wide_headers = [
        "全国地方公共団体コード",
        "調査年月日",
        "地域コード",
        "地域名",
        "総人口",
        "男性",
        "女性",
        "0-4歳の男性",
        "0-4歳の女性",
        "世帯数",
    ]
    wide = []
    for index, (code, name, _k, _n) in enumerate(DISTRICTS):
        male = sum(band_counts(index, b)[0] for b in range(len(AGE_BANDS)))
        female = sum(band_counts(index, b)[1] for b in range(len(AGE_BANDS)))
        wide.append(
            [
                "032093",
                "2025/03/31",
                code,
                name,
                male + female,
                male,
                female,
                band_counts(index, 0)[0],
                band_counts(index, 0)[1],
                HOUSEHOLDS[code],
            ]
        )
    write_csv("population_wide_cp932.csv", wide_headers, wide, "cp932")

    write_csv(
        "councils.csv",
        [
            "名称",
            "名称（かな）",
            "段階",
            "段階の開始日",
            "区域（地区コード）",
            "代表者の役職",
            "代表者氏名",
            "事務局 電話番号",
            "モデル地区",
            "備考",
        ],
        [
            [
                "本町地域協働体",
                "ほんちょうちいききょうどうたい",
                "設立",
                "2024-04-01",
                "T-001、T-002",
                "会長",
                "佐藤 一郎",
                "0191-21-0001",
                "いいえ",
                "",
            ],
            [
                "川西地域協働体",
                "かわにしちいききょうどうたい",
                "設立準備・合意形成",
                "令和7年6月1日",
                "T-003",
                "会長",
                "𠮷田 花子",
                "",
                "はい",
                '=HYPERLINK("http://example.com")',
            ],
        ],
        "utf-8-sig",
    )
    write_csv(
        "civic_centres.csv",
        [
            "名称",
            "名称（カナ）",
            "住所",
            "電話番号",
            "緯度",
            "経度",
            "拠点とする地域協働体",
            "管理運営",
            "管理運営の開始日",
            "指定期間の終了日",
        ],
        [
            [
                "本町市民センター",
                "ほんちょうしみんせんたー",
                "岩手県一関市本町1番地",
                "0191-21-1000",
                "38.934567",
                "141.126543",
                "本町地域協働体",
                "指定管理（地域協働体）",
                "2025-04-01",
                "2030-03-31",
            ],
            [
                "川西市民センター",
                "かわにししみんせんたー",
                "岩手県一関市川西2番地",
                "",
                "",
                "",
                "川西地域協働体",
                "直営",
                "",
                "",
            ],
        ],
        "cp932",
    )
    write_csv(
        "staff.csv",
        ["職員番号", "氏名", "氏名（かな）", "所属", "電話番号", "メールアドレス", "在職中"],
        [
            [
                "１０００１",
                "佐藤 健太",
                "さとう けんた",
                "まちづくり推進課",
                "0191-21-8341",
                "",
                "はい",
            ],
            ["10002", "阿部 翔", "あべ しょう", "大東支所 地域振興課", "0191-31-2111", "", ""],
            ["10003", "千葉 由美", "ちば ゆみ", "花泉支所 地域振興課", "", "", "○"],
        ],
        "cp932",
    )
    write_csv(
        "liaison_assignments.csv",
        ["地域協働体", "職員番号", "氏名", "担当区分", "開始日", "終了日", "摘要"],
        [
            ["本町地域協働体", "10001", "佐藤 健太", "主担当", "2024-04-01", "2026-03-31", ""],
            ["本町地域協働体", "10002", "阿部 翔", "主担当", "2026-04-01", "", "異動"],
            ["本町地域協働体", "10003", "千葉 由美", "副担当", "2026-04-01", "", ""],
            ["川西地域協働体", "10003", "千葉 由美", "主担当", "2025-06-01", "", ""],
        ],
        "utf-8",
    )


if __name__ == "__main__":
    main()
