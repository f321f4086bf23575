"""Importing the files Japanese city systems actually write, with django-import-export.

Reusable by every app (see ``councils/resources.py`` and ``staffing/resources.py``):

- formats ``CSV`` (reads UTF-8 with or without BOM and Shift_JIS/CP932, writes UTF-8 with a
  BOM so that Excel opens it), ``ShiftJISCSV`` (export for older systems) and ``XLSX``; all
  exports pass through ``core.exports.neutralise_cell`` against formula injection;
- widgets that accept full-width digits, thousands separators, Japanese dates (令和8年3月31日)
  and choice labels, and raise ``ValueError`` with a Japanese message naming the value;
- ``JapaneseModelResource``: all-or-nothing imports in one transaction, natural keys loaded
  in one query, rows repeated in the file refused, unchanged rows skipped (a re-import
  changes nothing), bulk writes that still record who imported what in the
  django-simple-history tables, and ``result.problems``: every error by row and column;
- ``ImportExportAdminMixin`` for a ModelAdmin: those formats, Japanese import/export pages
  with a dry run and a confirm step; ``ExportAdminMixin`` for export-only models.
"""

import copy
import csv
import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import tablib
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.template.response import TemplateResponse
from import_export import widgets
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm
from import_export.instance_loaders import BaseInstanceLoader
from import_export.resources import ModelResource
from import_export.results import RowResult
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import (
    bulk_create_with_history,
    bulk_update_with_history,
    get_history_manager_for_model,
)

from core.calendar import ERA_ABBREVIATIONS, ERA_BY_NAME
from core.exports import neutralise_dataset, restore_cell

# --------------------------------------------------------------------------- errors


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, not a table, empty)."""


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an import file, where a clerk can find it."""

    row: int | None  # the spreadsheet row number, the header being row 1
    column: str
    message: str
    value: str = ""
    code: str = "invalid"
    row_label: str = ""

    @property
    def where(self) -> str:
        row = self.row_label or (f"{self.row}行目" if self.row else "ファイル全体")
        return f"{row}・列「{self.column}」" if self.column else row


class ImportProblems(Exception):
    """Raised from ``before_import`` to refuse the whole file with problems by row and column."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.where}: {p.message}" for p in self.problems))


def header_problem(column: str, headers, code: str = "missing_column") -> ImportProblem:
    found = "、".join(h for h in headers if h) or "（なし）"
    return ImportProblem(
        row=1,
        column=column,
        message=(
            f"列「{column}」がありません。1行目の見出しに「{column}」の列を入れてください"
            f"（このファイルの見出し: {found}）。"
        ),
        code=code,
        row_label="1行目（見出し）",
    )


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
    dataset = tablib.Dataset(headers=headers)
    width = len(headers)
    for number, row in enumerate(rows[1:], start=2):
        if len(row) > width:
            if any(cell.strip() for cell in row[width:]):
                raise ImportFileError(
                    f"{number}行目の列の数（{len(row)}）が見出しの列の数（{width}）より多くなって"
                    'います。値にコンマが含まれる場合は、その値を "" で囲んでください。'
                )
            row = row[:width]
        dataset.append(row + [""] * (width - len(row)))
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


# --------------------------------------------------------------------------- parsing cells


def normalised(value) -> str:
    """NFKC and trimmed: for codes and numbers only (full-width ０１ → 01); text stays as given."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_INTEGER = re.compile(r"[+-]?\d+(?:\.0*)?")
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def parse_integer(value) -> int | None:
    """An integer from a cell: 1234, "1,234", "１，２３４", 1234.0. Blank gives None.

    Raises ValueError with a Japanese message for anything else.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"「{value}」は数値ではありません。")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if value == int(value):
            return int(value)
        raise ValueError(f"「{value}」は整数ではありません。小数は入力できません。")
    text = normalised(value).replace(",", "")
    if _INTEGER.fullmatch(text):
        return int(Decimal(text))
    if _DECIMAL.fullmatch(text):
        raise ValueError(f"「{value}」は整数ではありません。小数は入力できません。")
    raise ValueError(
        f"「{value}」は数値として読み取れません。数字（半角・全角どちらでも可）で入力してください。"
    )


def parse_decimal(value) -> Decimal | None:
    """A decimal number from a cell (full-width digits accepted). Blank gives None."""
    if is_blank(value):
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    text = normalised(value).replace(",", "")
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"「{value}」は数値として読み取れません。")
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise ValueError(f"「{value}」は数値として読み取れません。") from error


_MIDNIGHT = re.compile(r"[ T]0?0:00(?::00)?$")
_ERA_NAMES = "|".join([*ERA_BY_NAME, *ERA_ABBREVIATIONS])
_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?"),
    re.compile(
        rf"(?P<era>{_ERA_NAMES})\s*(?P<n>元|\d{{1,2}})[年./-](?P<m>\d{{1,2}})[月./-](?P<d>\d{{1,2}})日?",
        re.IGNORECASE,
    ),
)


@functools.lru_cache(maxsize=4096)
def _parse_date_text(text: str) -> date:
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        parts = match.groupdict()
        if parts.get("era"):
            era = ERA_ABBREVIATIONS.get(parts["era"].upper(), parts["era"])
            number = 1 if parts["n"] == "元" else int(parts["n"])
            year = ERA_BY_NAME[era].year + number - 1
        else:
            year = int(parts["y"])
        try:
            return date(year, int(parts["m"]), int(parts["d"]))
        except ValueError:
            raise ValueError("invalid") from None
    raise ValueError("unreadable")


def parse_date(value) -> date | None:
    """A date from a cell: Excel dates, 2026-03-31, 2026/3/31, 20260331, 令和8年3月31日, R8.3.31.

    Blank gives None; raises ValueError with a Japanese message otherwise.
    """
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    # A date typed into a datetime cell comes back as "2026-03-31 00:00:00".
    text = _MIDNIGHT.sub("", normalised(value)).replace(" ", "")
    try:
        return _parse_date_text(text)
    except ValueError as error:
        if str(error) == "invalid":
            raise ValueError(f"「{value}」は存在しない日付です。") from None
    raise ValueError(
        f"「{value}」は日付として読み取れません。2026-03-31、2026/3/31、令和8年3月31日 の"
        "ように入力してください。"
    )


# --------------------------------------------------------------------------- widgets


class TextWidget(widgets.CharWidget):
    """Text kept as given (no normalisation), numbers from Excel turned back into text.

    Only the apostrophe that our own exports put before a formula-like value is removed.
    """

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return restore_cell(str(value))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class CodeWidget(TextWidget):
    """An identifier (district code, staff number): full-width characters and spaces normalised."""

    def clean(self, value, row=None, **kwargs):
        return normalised(super().clean(value, row, **kwargs))


class IntegerWidget(widgets.IntegerWidget):
    """Whole numbers (people, yen); see ``parse_integer``. Exported as numbers, not text."""

    def clean(self, value, row=None, **kwargs):
        return parse_integer(value)

    def render(self, value, obj=None, **kwargs):
        return value


class DecimalWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        return parse_decimal(value)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else str(value)


class DateWidget(widgets.DateWidget):
    """Dates in the forms Japanese offices write; exported as 2026-03-31 (a date in xlsx)."""

    def clean(self, value, row=None, **kwargs):
        return parse_date(value)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else value.isoformat()


class ChoiceWidget(widgets.Widget):
    """A choice by its Japanese label (主担当) or its stored value (main); exported as the label."""

    def __init__(self, choices, **kwargs):
        self.labels = {str(value): str(label) for value, label in choices}
        self.values = {normalised(label): value for value, label in self.labels.items()}
        self.values.update({normalised(value): value for value in self.labels})
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return ""
        try:
            return self.values[normalised(value)]
        except KeyError:
            allowed = "、".join(self.labels.values())
            raise ValueError(
                f"「{value}」は選べません。次のいずれかを入力してください: {allowed}"
            ) from None

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


class BooleanWidget(widgets.BooleanWidget):
    """はい／いいえ (also ○／×, 1／0, TRUE／FALSE); a blank cell gives ``blank``."""

    TRUE = {"はい", "○", "〇", "1", "true", "yes", "有", "あり"}
    FALSE = {"いいえ", "×", "0", "false", "no", "無", "なし"}

    def __init__(self, blank=False, **kwargs):
        self.blank = blank
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return self.blank
        if isinstance(value, bool):
            return value
        text = normalised(value).lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(f"「{value}」は「はい」か「いいえ」で入力してください。")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "はい" if value else "いいえ"


class LookupWidget(widgets.ForeignKeyWidget):
    """A related object by a unique field (地区コード, 名称); all are loaded once per import."""

    def __init__(self, model, field, *, label, normalise=True, **kwargs):
        self.label = label
        self.normalise = normalise
        self._cache = None
        super().__init__(model, field=field, **kwargs)

    def __deepcopy__(self, memo):
        # Each resource instance gets its own cache: objects added since stay visible.
        clone = copy.copy(self)
        clone._cache = None
        return clone

    def _key(self, value) -> str:
        text = restore_cell(str(value))
        return normalised(text) if self.normalise else text.strip()

    def lookup(self) -> dict:
        if self._cache is None:
            self._cache = {
                self._key(getattr(obj, self.field)): obj for obj in self.get_queryset(None, None)
            }
        return self._cache

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            return self.lookup()[self._key(value)]
        except KeyError:
            raise ValueError(f"「{value}」に当たる{self.label}が登録されていません。") from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.field))


class LookupListWidget(widgets.ManyToManyWidget):
    """Several related objects in one cell, separated by 、 , ; or spaces."""

    SEPARATORS = re.compile(r"[、,;；\s]+")

    def __init__(self, model, field, *, label, required=False, required_message="", **kwargs):
        self.label = label
        self.required = required
        self.required_message = required_message or f"{label}を1つ以上入力してください。"
        self._cache = None
        super().__init__(model, field=field, **kwargs)

    def __deepcopy__(self, memo):
        clone = copy.copy(self)
        clone._cache = None
        return clone

    def lookup(self) -> dict:
        if self._cache is None:
            self._cache = {
                normalised(getattr(obj, self.field)): obj for obj in self.model.objects.all()
            }
        return self._cache

    def clean(self, value, row=None, **kwargs):
        names = (
            [] if is_blank(value) else [n for n in self.SEPARATORS.split(normalised(value)) if n]
        )
        if not names:
            if self.required:
                raise ValueError(self.required_message)
            return []
        unknown = [n for n in names if n not in self.lookup()]
        if unknown:
            raise ValueError(f"「{'、'.join(unknown)}」に当たる{self.label}が登録されていません。")
        return [self.lookup()[n] for n in dict.fromkeys(names)]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        objects = value.all() if hasattr(value, "all") else value
        return "、".join(sorted(str(getattr(o, self.field)) for o in objects))


# --------------------------------------------------------------------------- resources


class NaturalKeyInstanceLoader(BaseInstanceLoader):
    """Existing rows for the whole file in a few queries, keyed by the import_id_fields.

    Works for composite keys (district + date + source), unlike django-import-export's
    CachedInstanceLoader. A row whose key cannot be read counts as new; its error is
    reported when the row is imported.
    """

    CHUNK = 500

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.key_fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        self.instances = {}
        headers = dataset.headers if dataset is not None else None
        if not headers or any(f.column_name not in headers for f in self.key_fields):
            return
        first = self.key_fields[0]
        values = set()
        for row in dataset.dict:
            try:
                value = first.clean(row)
            except (ValueError, ValidationError):
                continue
            if value not in (None, ""):
                values.add(value)
        related = resource.related_fields_to_select()
        values = list(values)
        for start in range(0, len(values), self.CHUNK):
            chunk = values[start : start + self.CHUNK]
            queryset = resource.get_queryset().filter(**{f"{first.attribute}__in": chunk})
            for obj in queryset.select_related(*related):
                key = self.key(getattr(obj, f.attribute) for f in self.key_fields)
                self.instances[key] = obj

    @staticmethod
    def key(values) -> tuple:
        return tuple(v.pk if isinstance(v, models.Model) else v for v in values)

    def get_instance(self, row):
        try:
            key = self.key(f.clean(row) for f in self.key_fields)
        except (ValueError, ValidationError):
            self.resource._row_key = None
            return None
        # The resource checks the same key for repeats in the file; spare it the work.
        self.resource._row_key = key
        return self.instances.get(key)


class JapaneseModelResource(ModelResource):
    """A ModelResource for city data: all-or-nothing, attributable, errors by row and column.

    Subclasses declare their fields with the widgets above, ``import_id_fields`` with the
    natural key, and may list ``required_columns`` (the key columns by default). Set
    ``Meta.use_bulk = False`` when a row's validation must see the rows before it (overlap
    rules); bulk writes go through simple-history's ``bulk_*_with_history`` so the
    history names the importing user and the file either way.
    """

    required_columns: tuple[str, ...] = ()
    # Unique and check constraints are re-checked row by row unless the natural key and
    # field validators already cover them (saves up to three queries a row).
    check_constraints_per_row = True
    preview_limit = 300

    class Meta:
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        skip_diff = True
        use_bulk = True
        batch_size = 1000
        instance_loader_class = NaturalKeyInstanceLoader

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.import_user = None
        self.file_name = ""
        self.dry_run = False
        self._seen_keys = {}
        self._current = None
        self._previewed = 0
        self._row_key = None
        self._import_fields = None
        self._snapshot_fields = None

    def get_import_fields(self):
        # Asked for on every row (several times); the answer does not change mid-import.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def snapshot_fields(self):
        if self._snapshot_fields is None:
            self._snapshot_fields = [
                f for f in self.get_import_fields() if not f.readonly and f.attribute
            ]
        return self._snapshot_fields

    # ---- what the file must contain

    def get_required_columns(self) -> list[str]:
        names = self.required_columns or [
            self.fields[name].column_name for name in self.get_import_id_fields()
        ]
        return list(names)

    def related_fields_to_select(self) -> list[str]:
        names = []
        for field in self.get_import_fields():
            attribute = (field.attribute or "").split("__")[0]
            try:
                model_field = self._meta.model._meta.get_field(attribute)
            except FieldDoesNotExist:
                continue
            if model_field.many_to_one or model_field.one_to_one:
                names.append(attribute)
        return list(dict.fromkeys(names))

    @property
    def change_reason(self) -> str:
        return f"一括取込: {self.file_name}" if self.file_name else "一括取込"

    def file_row(self, number: int) -> int:
        """The spreadsheet row of data row ``number`` (1-based): the header is row 1."""
        return number + 1

    def row_label(self, number: int) -> str:
        return f"{self.file_row(number)}行目"

    # ---- the import run

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """Import all rows or none: any error or invalid row rolls the whole file back."""
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        self.dry_run = dry_run
        result = super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)
        result.problems = self.describe_problems(result)
        result.summary = self.summarise(result)
        result.preview_rows = [r for r in result.rows if getattr(r, "changes", None)]
        return result

    def before_import(self, dataset, **kwargs):
        self.import_user = kwargs.get("user")
        if self.import_user is not None and not self.import_user.is_authenticated:
            self.import_user = None
        self.file_name = kwargs.get("file_name") or ""
        self._seen_keys = {}
        self._previewed = 0
        dataset.headers = self.match_headers(dataset.headers or [])
        missing = [c for c in self.get_required_columns() if c not in dataset.headers]
        if missing:
            self.refuse(dataset, [header_problem(c, dataset.headers) for c in missing])

    def known_columns(self) -> list[str]:
        return [f.column_name for f in self.fields.values()]

    def match_headers(self, headers) -> list[str]:
        """Headers with spaces trimmed, and renamed to our column names when they differ
        only in full-width/half-width forms (地区名(かな) for 地区名（かな）)."""
        known = {normalised(name): name for name in self.known_columns()}
        matched = []
        for header in headers:
            text = "" if header is None else str(header).strip()
            matched.append(known.get(normalised(text), text))
        return matched

    @staticmethod
    def refuse(dataset, problems):
        """Refuse the whole file: no row is processed, every problem is reported."""
        del dataset[:]
        raise ImportProblems(problems)

    def import_row(self, row, instance_loader, **kwargs):
        if all(is_blank(v) for v in row.values()):
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            row_result.blank = True
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    def after_init_instance(self, instance, new, row, **kwargs):
        number = kwargs.get("row_number")
        self._current = (None if new else self.snapshot(instance), instance)
        key, self._row_key = self._row_key, None
        if key is None:
            try:
                key = NaturalKeyInstanceLoader.key(
                    self.fields[name].clean(row) for name in self.get_import_id_fields()
                )
            except (ValueError, ValidationError):
                return
        if None in key or "" in key:
            return
        first = self._seen_keys.setdefault(key, number)
        if first != number:
            field = self.fields[self.get_import_id_fields()[0]]
            columns = "・".join(self.fields[n].column_name for n in self.get_import_id_fields())
            raise ValidationError(
                {
                    field.attribute: ValidationError(
                        "%(row)s行目と同じ%(columns)sです。1つのファイルに同じものは1行だけ"
                        "書いてください。",
                        code="duplicate_in_file",
                        params={"row": self.file_row(first), "columns": columns},
                    )
                }
            )

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Many-to-many cells are saved after the row; read them now so a bad one is
        # reported with the row instead of failing after the save.
        for field in self.get_import_fields():
            if (
                isinstance(field.widget, widgets.ManyToManyWidget)
                and not field.readonly
                and field.column_name in row
            ):
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = ValidationError(str(error), code="invalid")
        if errors:
            raise ValidationError(errors)

    def looked_up_foreign_keys(self, instance) -> list[str]:
        """Foreign keys set from a LookupWidget: the object was read from the database, so
        Django's per-row existence query in full_clean() would only repeat that."""
        names = []
        for field in self.get_import_fields():
            if isinstance(field.widget, LookupWidget) and not field.readonly:
                model_field = self._meta.model._meta.get_field(field.attribute)
                if getattr(instance, model_field.attname) is not None:
                    names.append(field.attribute)
        return names

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors, *self.looked_up_foreign_keys(instance)],
                validate_unique=self.check_constraints_per_row,
                validate_constraints=self.check_constraints_per_row,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def snapshot(self, instance, row=None) -> tuple:
        """What the row shows for ``instance``: the import columns as exported."""
        values = []
        for field in self.snapshot_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget):
                if row is not None and field.column_name in row:
                    values.append(field.widget.render(field.clean(row)))
                elif instance.pk:
                    values.append(field.export(instance))
                else:
                    values.append("")
                continue
            values.append(field.export(instance))
        return tuple("" if v is None else v for v in values)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        before = self._current[0] if self._current else None
        return before is not None and before == self.snapshot(instance, row)

    def after_import_row(self, row, row_result, **kwargs):
        row_result.number = kwargs.get("row_number")
        if self._previewed >= self.preview_limit:
            return
        if not self.dry_run or row_result.import_type not in (
            RowResult.IMPORT_TYPE_NEW,
            RowResult.IMPORT_TYPE_UPDATE,
            RowResult.IMPORT_TYPE_SKIP,
        ):
            return
        before, instance = self._current or (None, None)
        after = self.snapshot(instance, row) if instance is not None else before
        columns = [f.column_name for f in self.snapshot_fields()]
        before = before or ("",) * len(columns)
        self._previewed += 1
        row_result.label = self.row_label(row_result.number)
        row_result.changes = [
            (column, old, new, old != new)
            for column, old, new in zip(columns, before, after, strict=False)
        ]

    def before_save_instance(self, instance, row, **kwargs):
        # simple-history reads these on save() and in bulk_history_create().
        if self.import_user is not None:
            instance._history_user = self.import_user
        instance._change_reason = self.change_reason

    # ---- bulk writes that keep the audit history

    def _has_history(self) -> bool:
        try:
            get_history_manager_for_model(self._meta.model)
        except NotHistoricalModelError:
            return False
        return True

    def get_bulk_update_fields(self):
        names = []
        for field in self.get_import_fields():
            if field.readonly or not field.attribute or "__" in field.attribute:
                continue
            if isinstance(field.widget, widgets.ManyToManyWidget):
                continue
            if field.attribute in (self.fields[n].attribute for n in self.get_import_id_fields()):
                continue
            names.append(field.attribute)
        return names

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # A dry run of a bulk import writes nothing: every row has been validated already
        # and the confirm step runs again in one transaction, so inserting only to roll
        # back would double the cost of the preview.
        if dry_run:
            self.create_instances.clear()
        if not self.create_instances:
            return
        try:
            if self._has_history():
                bulk_create_with_history(
                    self.create_instances,
                    self._meta.model,
                    batch_size=batch_size,
                    default_user=self.import_user,
                    default_change_reason=self.change_reason,
                )
            else:
                self._meta.model.objects.bulk_create(self.create_instances, batch_size=batch_size)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if dry_run:
            self.update_instances.clear()
        if not self.update_instances:
            return
        try:
            if self._has_history():
                bulk_update_with_history(
                    self.update_instances,
                    self._meta.model,
                    self.get_bulk_update_fields(),
                    batch_size=batch_size,
                    default_user=self.import_user,
                    default_change_reason=self.change_reason,
                )
            else:
                self._meta.model.objects.bulk_update(
                    self.update_instances, self.get_bulk_update_fields(), batch_size=batch_size
                )
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.update_instances.clear()

    # ---- reporting

    def column_for(self, key: str) -> str:
        if key == NON_FIELD_ERRORS:
            return ""
        for field in self.fields.values():
            if field.attribute and (
                field.attribute == key or field.attribute.split("__")[0] == key
            ):
                return field.column_name
        try:
            return str(self._meta.model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            return key

    def describe_problems(self, result) -> list[ImportProblem]:
        """Every error of ``result`` as an ImportProblem, in file order."""
        problems = []
        for error in result.base_errors:
            if isinstance(error.error, ImportProblems):
                problems.extend(error.error.problems)
            else:
                problems.append(
                    ImportProblem(
                        row=None,
                        column="",
                        message=f"取り込み中にエラーが起きました: {error.error}",
                        code="error",
                    )
                )
        for row_result in result.rows:
            for error in row_result.errors:
                number = error.number or 0
                problems.append(
                    ImportProblem(
                        row=self.file_row(number),
                        column="",
                        message=f"この行を取り込めませんでした: {error.error}",
                        code="error",
                        row_label=self.row_label(number),
                    )
                )
        headers = list(result.diff_headers)
        for invalid in result.invalid_rows:
            error = invalid.error
            error_dict = (
                error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: [error]}
            )
            for key, field_errors in error_dict.items():
                column = self.column_for(key)
                value = ""
                if column in headers and headers.index(column) < len(invalid.values):
                    value = invalid.values[headers.index(column)]
                for field_error in field_errors:
                    for message in field_error.messages:
                        problems.append(
                            ImportProblem(
                                row=self.file_row(invalid.number),
                                column=column,
                                message=message,
                                value="" if value in (None, "---") else str(value),
                                code=field_error.code or "invalid",
                                row_label=self.row_label(invalid.number),
                            )
                        )
        return sorted(problems, key=lambda p: p.row or 0)

    @staticmethod
    def summarise(result) -> dict[str, int]:
        counts = {"new": 0, "update": 0, "unchanged": 0, "invalid": 0}
        for row in result.rows:
            if getattr(row, "blank", False):
                continue
            if row.import_type == RowResult.IMPORT_TYPE_NEW:
                counts["new"] += 1
            elif row.import_type == RowResult.IMPORT_TYPE_UPDATE:
                counts["update"] += 1
            elif row.import_type == RowResult.IMPORT_TYPE_SKIP:
                counts["unchanged"] += 1
            else:
                counts["invalid"] += 1
        return counts


# --------------------------------------------------------------------------- admin


class ExportForm(SelectableFieldsExportForm):
    """The export form with the columns' Japanese names as checkbox labels."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return field.column_name if field else field_name


class ImportExportAdminMixin(ImportExportMixin):
    """Import/export buttons for a ModelAdmin with the formats and pages above.

    Import is a dry run that lists every change or every error by row and column, then a
    confirm step; a file with any error imports nothing. Permissions follow
    IMPORT_EXPORT_IMPORT_PERMISSION_CODE ("add") and ..._EXPORT_PERMISSION_CODE ("view").
    """

    import_formats = IMPORT_FORMATS
    export_formats = EXPORT_FORMATS
    import_template_name = "admin/imports/import.html"
    export_template_name = "admin/imports/export.html"
    export_form_class = ExportForm

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["import_help"] = getattr(self, "import_help", "")
        return context

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            message = str(e)
        else:
            message = (
                "ファイルを読み取れませんでした。形式（csv／xlsx）の選択とファイルの中身を"
                "確認してください。"
            )
        form.add_error("import_file", message)

    def process_result(self, result, request):
        """After the confirm step; if the data changed since the dry run and the file no
        longer imports, show the problems instead of a success message (nothing was saved)."""
        if result.has_errors() or result.has_validation_errors():
            form = self.get_import_form_class(request)(
                self.get_import_formats(), self.get_import_resource_classes(request)
            )
            context = {
                **self.get_import_context_data(),
                **self.admin_site.each_context(request),
                "title": "インポート",
                "form": form,
                "opts": self.model._meta,
                "media": self.media + form.media,
                "result": result,
                "fields_list": [],
                "import_error_display": self.import_error_display,
            }
            request.current_app = self.admin_site.name
            return TemplateResponse(request, [self.import_template_name], context)
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        summary = getattr(result, "summary", None) or JapaneseModelResource.summarise(result)
        messages.success(
            request,
            f"{self.model._meta.verbose_name_plural}を取り込みました"
            f"（新規 {summary['new']}件、更新 {summary['update']}件、"
            f"変更なし {summary['unchanged']}件）。",
        )


class ExportAdminMixin(ExportMixin):
    """Export only (a ledger, a history): the safe formats and the Japanese export page."""

    export_formats = EXPORT_FORMATS
    export_template_name = "admin/imports/export.html"
    export_form_class = ExportForm
