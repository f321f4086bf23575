"""``JapaneseModelResource``: all-or-nothing imports in one transaction, natural keys loaded
in one query, rows repeated in the file refused, unchanged rows skipped (a re-import changes
nothing), bulk writes that still record who imported what in the django-simple-history
tables, and ``result.problems``: every error by row and column.
"""

import gc
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone
from import_export import widgets
from import_export.instance_loaders import BaseInstanceLoader
from import_export.resources import ModelResource
from import_export.results import RowResult
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import (
    bulk_create_with_history,
    bulk_update_with_history,
    get_history_manager_for_model,
)

from core.validators import strip_control_characters, validate_no_control_characters

from .cells import LookupWidget, is_blank, normalised

# --------------------------------------------------------------------------- problems


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
        # Before any row is looked up: PostgreSQL cannot even compare text holding a NUL.
        controls = self.control_character_problems(dataset)
        if controls:
            self.refuse(dataset, controls)

    def control_character_problems(self, dataset) -> list[ImportProblem]:
        """A problem for every cell holding a control character other than tab and newline."""
        problems = []
        for number, row in enumerate(dataset, start=1):
            for column, value in zip(dataset.headers, row, strict=False):
                if not isinstance(value, str):
                    continue
                try:
                    validate_no_control_characters(value)
                except ValidationError as error:
                    problems.append(
                        ImportProblem(
                            row=self.file_row(number),
                            column=column or "",
                            message=error.messages[0],
                            value=strip_control_characters(value)[:50],
                            code=error.code,
                            row_label=self.row_label(number),
                        )
                    )
        return problems

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


# --------------------------------------------------------------------------- fast inserts


def insert_with_history(model, objects, *, key_fields, user=None, change_reason=""):
    """Insert ``objects`` (unsaved, of ``model``) and one simple-history row for each,
    naming ``user`` and ``change_reason``; set each object's primary key.

    On PostgreSQL: three statements whatever the number of rows, the new keys taken from
    the table's sequence, then COPY of the rows and of their history; with
    ``CITY_DATABASE_ROLE`` (row-level security refuses COPY FROM), two INSERT … SELECT FROM
    unnest(…), one array a column, the keys coming back by ``key_fields``, the natural
    key. Elsewhere: simple-history's ``bulk_create_with_history``.
    """
    if not objects:
        return
    if connection.vendor != "postgresql":
        bulk_create_with_history(
            objects,
            model,
            batch_size=1000,
            default_user=user,
            default_change_reason=change_reason or None,
        )
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for obj in objects:
        for field in fields:
            field.pre_save(obj, True)  # defaults such as auto_now_add, as save() would
    copying = not getattr(settings, "CITY_DATABASE_ROLE", "")
    pk_field = model._meta.pk
    if copying:
        # COPY cannot return the new keys: take them from the table's sequence first.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk_field.column, len(objects)],
            )
            for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
                obj.pk = pk
        values = _columns([pk_field, *fields], objects)
        _copy_insert(model, [pk_field, *fields], values)
        # A history row repeats its record's columns: each is read once, for both.
        columns = dict(zip([f.attname for f in [pk_field, *fields]], values, strict=True))
    else:
        keys = [model._meta.get_field(name) for name in key_fields]
        values = _columns(fields, objects)
        returned = _unnest_insert(model, fields, values, returning=[pk_field, *keys])
        pks = {tuple(row[1:]): row[0] for row in returned}
        for obj in objects:
            obj.pk = pks[tuple(getattr(obj, f.attname) for f in keys)]
        columns = dict(zip([f.attname for f in fields], values, strict=True))
        columns[pk_field.attname] = [obj.pk for obj in objects]
    for obj in objects:
        obj._state.adding = False
    history = get_history_manager_for_model(model).model
    extra = {
        "history_date": timezone.now(),
        "history_change_reason": change_reason or None,
        "history_type": "+",
        "history_user_id": getattr(user, "pk", None),
    }
    history_fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    history_columns = [
        [_prepared(f, extra[f.attname])] * len(objects)
        if f.attname in extra
        else columns[f.attname]
        for f in history_fields
    ]
    if copying:
        _copy_insert(history, history_fields, history_columns)
    else:
        _unnest_insert(history, history_fields, history_columns)


def _copy_insert(model, fields, columns):
    """COPY ``columns`` (one list of values a field) into ``model``'s table."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in zip(*columns, strict=True):
            copy.write_row(row)


def _unnest_insert(model, fields, columns, returning=()):
    """INSERT … SELECT FROM unnest(…) of ``columns`` (one list of values a field)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) SELECT * FROM unnest({arrays})"
    if returning:
        sql += " RETURNING " + ", ".join(quote(f.column) for f in returning)
    with connection.cursor() as cursor:
        cursor.execute(sql, columns)
        return cursor.fetchall() if returning else []


# Fields whose Python values psycopg sends as they are: get_db_prep_save() on 100,000
# rows cost more than the insert itself.
_PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def _column_values(field, objects) -> list:
    attname = field.attname
    if field.get_internal_type() in _PLAIN_TYPES:
        return [getattr(obj, attname) for obj in objects]
    real = connections[DEFAULT_DB_ALIAS]  # not the proxy: a lookup per call adds up
    return [field.get_db_prep_save(getattr(obj, attname), real) for obj in objects]


def _columns(fields, objects) -> list[list]:
    return [_column_values(f, objects) for f in fields]


def _prepared(field, value):
    if field.get_internal_type() in _PLAIN_TYPES:
        return value
    return field.get_db_prep_save(value, connections[DEFAULT_DB_ALIAS])


@contextmanager
def fewer_collections():
    """Pause the cyclic garbage collector while a large file is read and checked.

    Reading 100,000 rows makes millions of small objects, none of them cyclic; the
    collector's passes over them took more time than the reading itself.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
