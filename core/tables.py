"""Tables as open data: CSV (UTF-8 with BOM, for Excel in Japan) and JSON."""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple
from urllib.parse import quote

from django.http import HttpResponse

from core.calendar import wareki_date
from core.exports import neutralise_cell
from core.terms import fiscal_year

# A date, fiscal year or period in the Japanese era (令和6年度, 令和8年3月31日,
# 平成24年度上半期, 令和6年度（2024年度）): short, and unreadable when broken inside.
ERA_TEXT = re.compile(r"^(令和|平成|昭和|大正|明治)[元\d]{1,2}年\S{0,14}$")


class Cell(NamedTuple):
    """One cell as the HTML page shows it."""

    text: str
    is_number: bool
    label: str  # its column's header, written beside the value when rows stack on a phone
    nowrap: bool  # a number or an era date: kept on one line


# An empty cell on a page: a number or a text nobody has given.
EMPTY = "—"


@dataclass
class Table:
    """One table of a public page: what the page shows, the CSV and the JSON give."""

    slug: str
    caption: str
    columns: list[str]  # headers as shown (Japanese)
    keys: list[str]  # field names in JSON
    rows: list[list] = field(default_factory=list)
    year_keys: tuple[str, ...] = ()  # columns holding a fiscal year, shown as 令和8年度
    # What an empty cell says, per key, where 「—」 (not given) would mislead, e.g. 未確定.
    empty_texts: dict[str, str] = field(default_factory=dict)

    def display_rows(self) -> list[list[tuple[str, bool]]]:
        """Rows as shown in HTML and PDF: (text, is_number); numbers with separators and
        dates in the Japanese era (fiscal years as the city in force writes them), while CSV
        and JSON keep the plain values."""
        years = {self.keys.index(key) for key in self.year_keys}
        empty = [self.empty_texts.get(key, EMPTY) for key in self.keys]

        def cell(index, value):
            if value is None:
                return empty[index], False
            if index in years and isinstance(value, int):
                return fiscal_year(value), False
            return _display(value)

        return [[cell(i, v) for i, v in enumerate(row)] for row in self.rows]

    def cells(self) -> list[list[Cell]]:
        """``display_rows`` with each cell's column header and whether it may wrap."""
        return [
            [
                Cell(text, is_number, label, is_number or bool(ERA_TEXT.match(text)))
                for (text, is_number), label in zip(row, self.columns, strict=True)
            ]
            for row in self.display_rows()
        ]

    def records(self) -> list[dict]:
        return [dict(zip(self.keys, row, strict=True)) for row in self.rows]


def _display(value) -> tuple[str, bool]:
    if isinstance(value, bool):
        return ("はい" if value else "いいえ"), False
    if isinstance(value, int):
        return f"{value:,}", True
    if isinstance(value, Decimal):
        return str(value), True
    if isinstance(value, date):
        return wareki_date(value), False
    return str(value), False


def _plain(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def csv_response(table: Table, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if v is None else neutralise_cell(_plain(v)) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote_filename(filename)}.csv"
    return response


def json_response(data, filename: str) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, indent=1, default=_plain)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote_filename(filename)}.json"
    return response


def quote_filename(name: str) -> str:
    """A Japanese file name for Content-Disposition (RFC 5987)."""
    return quote(name)
