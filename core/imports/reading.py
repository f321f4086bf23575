"""Reading uploaded files: the encodings Japanese systems write (UTF-8 with or without
BOM, Shift_JIS/CP932) and the CSV and Excel formats offered for import and export.

Exports pass through ``core.exports.neutralise_cell`` against formula injection.
"""

import csv
import io

import tablib
from import_export.formats import base_formats

from core.exports import neutralise_dataset

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


def read_csv_text(text: str) -> tablib.Dataset:
    """A dataset from CSV text; short rows are padded, blank lines kept so row numbers hold."""
    if not text.strip():
        raise ImportFileError("ファイルが空です。")
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise ImportFileError(f"CSV として読み取れませんでした（{error}）。") from error
    headers = [h.strip() for h in rows[0]]
    width = len(headers)
    padded = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) > width:
            if any(cell.strip() for cell in row[width:]):
                raise ImportFileError(
                    f"{number}行目の列の数（{len(row)}）が見出しの列の数（{width}）より多くなって"
                    'います。値にコンマが含まれる場合は、その値を "" で囲んでください。'
                )
            row = row[:width]
        padded.append(row + [""] * (width - len(row)) if len(row) < width else row)
    # Rows given at once: Dataset.append() checks each row's width again, a third of the
    # time of reading a 100,000-row file.
    dataset = tablib.Dataset(*padded, headers=headers)
    if not len(dataset):
        raise ImportFileError("見出しの行しかありません。2行目から取り込むデータを入れてください。")
    return dataset


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
