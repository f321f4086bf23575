"""Reading uploaded files: the encodings Japanese systems write (UTF-8 with or without
BOM, Shift_JIS/CP932) and the CSV and Excel formats offered for import and export.

Exports pass through ``core.exports.neutralise_cell`` against formula injection.
"""

import csv
import io

import tablib
from import_export.formats import base_formats
from tablib.core import Row

from core.exports import neutralise_dataset

from .resources import fewer_collections

# --------------------------------------------------------------------------- errors


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, not a table, empty)."""


# --------------------------------------------------------------------------- reading text

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_text(data: bytes) -> str:
    """Text of a file written in UTF-8 (BOM or not) or Shift_JIS/CP932.

    UTF-8 is tried first: CP932 bytes are almost never valid UTF-8, while UTF-8 text often
    decodes as (wrong) CP932. Raises ImportFileError for anything else.
    """
    if data.startswith(UTF16_BOMS):
        raise ImportFileError(
            "UTF-16 のファイル（Excel の「Unicode テキスト」など）には対応していません。"
            "Excel で「CSV UTF-8（コンマ区切り）」または「CSV（コンマ区切り）」として"
            "保存し直してください。"
        )
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise ImportFileError(
        "ファイルの文字コードを判別できませんでした。UTF-8 または Shift_JIS（CP932）で"
        "保存した CSV か、Excel（xlsx）ファイルを選んでください。"
    )


class CsvDataset(tablib.Dataset):
    """A tablib Dataset whose rows stay the csv module's lists until tablib needs them.

    Making tablib's ``Row`` for each of 100,000 rows took longer than reading the CSV;
    a resource that reads ``plain_rows()`` (the population import) never makes them,
    and everything else (``dataset.dict``, indexing, export) works as on any Dataset.
    """

    def __init__(self, rows: list[list[str]], headers: list[str]):
        super().__init__(headers=headers)
        self._plain = rows

    @property
    def _data(self):
        if self._plain is not None:
            self._made = [Row(row) for row in self._plain]
            self._plain = None
        return self._made

    @_data.setter
    def _data(self, rows):
        self._plain, self._made = None, rows

    @property
    def height(self):
        return len(self._plain) if self._plain is not None else len(self._made)

    def plain_rows(self) -> list[list]:
        """The data rows as lists (the file's own, not copies: do not change them)."""
        if self._plain is not None:
            return self._plain
        return [list(row) for row in self._made]


def plain_rows(dataset: tablib.Dataset) -> list:
    """The data rows of any dataset as sequences, without making tablib rows for a CSV."""
    if isinstance(dataset, CsvDataset):
        return dataset.plain_rows()
    return list(dataset)


def read_csv_text(text: str) -> tablib.Dataset:
    """A dataset from CSV text; short rows are padded, blank lines kept so row numbers hold."""
    if not text.strip():
        raise ImportFileError("ファイルが空です。")
    try:
        with fewer_collections():
            rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise ImportFileError(f"CSV として読み取れませんでした（{error}）。") from error
    headers = [h.strip() for h in rows[0]]
    width = len(headers)
    rows = rows[1:]
    if set(map(len, rows)) - {width}:  # most files: every row as wide as the header
        rows = _padded(rows, width)
    if not rows:
        raise ImportFileError("見出しの行しかありません。2行目から取り込むデータを入れてください。")
    return CsvDataset(rows, headers)


def _padded(rows: list[list[str]], width: int) -> list[list[str]]:
    padded = []
    for number, row in enumerate(rows, start=2):
        if len(row) > width:
            if any(cell.strip() for cell in row[width:]):
                raise ImportFileError(
                    f"{number}行目の列の数（{len(row)}）が見出しの列の数（{width}）より多くなって"
                    'います。値にコンマが含まれる場合は、その値を "" で囲んでください。'
                )
            row = row[:width]
        padded.append(row + [""] * (width - len(row)) if len(row) < width else row)
    return padded


def read_dataset(data: bytes, file_name: str) -> tablib.Dataset:
    """A dataset from an uploaded file's bytes, choosing the format by the file's extension."""
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        return XLSX().create_dataset(data)
    return CSV().create_dataset(data)


# --------------------------------------------------------------------------- formats


class CSV(base_formats.CSV):
    """CSV: reads UTF-8 (with or without BOM) and Shift_JIS/CP932; writes UTF-8 with BOM."""

    def get_title(self):
        return "csv"

    def is_binary(self):
        # Read bytes so the encoding can be detected here instead of assumed upstream.
        return True

    def get_read_mode(self):
        return "rb"

    def get_content_type(self):
        return "text/csv; charset=utf-8"

    def create_dataset(self, in_stream, **kwargs):
        text = in_stream if isinstance(in_stream, str) else decode_text(in_stream)
        return read_csv_text(text)

    def export_text(self, dataset) -> str:
        return neutralise_dataset(dataset).export("csv")

    def export_data(self, dataset, **kwargs):
        # The BOM makes Excel read the file as UTF-8 instead of Shift_JIS.
        return ("\ufeff" + self.export_text(dataset)).encode("utf-8")


class ShiftJISCSV(CSV):
    """CSV in Shift_JIS (CP932) for systems that cannot read UTF-8."""

    def get_title(self):
        return "csv (Shift_JIS)"

    def get_content_type(self):
        return "text/csv; charset=shift_jis"

    def export_data(self, dataset, **kwargs):
        text = self.export_text(dataset)
        try:
            return text.encode("cp932")
        except UnicodeEncodeError as error:
            character = error.object[error.start : error.end]
            raise ValueError(
                f"Shift_JIS で表せない文字「{character}」が含まれているため書き出せません。"
                "「csv」（UTF-8）か「xlsx」を選んでください。"
            ) from error


class XLSX(base_formats.XLSX):
    """Excel workbook: the first sheet, first row as headers."""

    def get_title(self):
        return "xlsx"

    def create_dataset(self, in_stream):
        try:
            dataset = super().create_dataset(in_stream)
        except Exception as error:
            raise ImportFileError(
                "Excel（xlsx）ファイルとして読み取れませんでした。ファイルが壊れていないか、"
                "形式の選択が正しいか確認してください。"
            ) from error
        dataset.headers = ["" if h is None else str(h).strip() for h in dataset.headers or []]
        if not len(dataset):
            raise ImportFileError(
                "見出しの行しかありません。2行目から取り込むデータを入れてください。"
            )
        return dataset

    def export_data(self, dataset, **kwargs):
        return super().export_data(neutralise_dataset(dataset), **kwargs)


IMPORT_FORMATS = [CSV, XLSX]
EXPORT_FORMATS = [CSV, ShiftJISCSV, XLSX]
