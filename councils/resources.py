"""Import/export of districts, population, councils and civic centres (django-import-export).

Population comes in the national standard format 自治体標準オープンデータセット
「地域・年齢別人口」. The columns read (the standard's names, with the aliases cities use):

    全国地方公共団体コード (or 都道府県コード又は市区町村コード)  checked against the city
    地方公共団体名, 地域名, 備考                                   informational, ignored
    調査年月日                                                     required: the as-of date
    地域コード                                                     required: our District.code
    年齢 (or 年齢区分, 年齢階級)                                   optional: one row per age band
    総数 (or 総人口)                                               required
    男性 (or 男), 女性 (or 女)                                     optional: must add up to 総数
    世帯数                                                         optional
    出典                                                           optional (default 住民基本台帳)

With a 年齢 column the file has one row per area and age band and the import sums the
bands into one PopulationRecord per district and date; a 総数/計/合計 row, when present,
must equal that sum. Without it (the standard's wide layout, with 0-4歳の男性 … columns,
or our own export), each row is already a district total.
"""

import itertools
import operator
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from import_export.fields import Field
from import_export.results import RowResult
from simple_history.utils import bulk_update_with_history

from core.imports.cells import (
    BooleanWidget,
    ChoiceWidget,
    CodeWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    LookupListWidget,
    LookupWidget,
    TextWidget,
    is_blank,
    normalised,
    parse_date,
    parse_integer,
)
from core.imports.reading import plain_rows
from core.imports.resources import (
    ImportProblem,
    JapaneseModelResource,
    fewer_collections,
    header_problem,
    insert_with_history,
)
from core.models import Municipality

from . import services
from .models import (
    CONTACT_FIELDS,
    CivicCentre,
    Council,
    CouncilStageChange,
    District,
    Management,
    PopulationRecord,
    Stage,
)

# --------------------------------------------------------------------------- districts


class DistrictResource(JapaneseModelResource):
    code = Field(attribute="code", column_name="地区コード", widget=CodeWidget())
    name = Field(attribute="name", column_name="地区名", widget=TextWidget())
    kana = Field(attribute="kana", column_name="地区名（かな）", widget=TextWidget())
    notes = Field(attribute="notes", column_name="備考", widget=TextWidget())

    required_columns = ("地区コード", "地区名")
    check_constraints_per_row = False  # the code is the natural key: loader + file check

    class Meta:
        model = District
        name = "地区"
        fields = ("code", "name", "kana", "notes")
        import_id_fields = ("code",)


# --------------------------------------------------------------------------- population

DEFAULT_SOURCE = "住民基本台帳"
TOTAL_AGE_LABELS = {"総数", "計", "合計", "総計", "全年齢"}
COLUMN_ALIASES = {
    "全国地方公共団体コード": ("全国地方公共団体コード", "都道府県コード又は市区町村コード"),
    "調査年月日": ("調査年月日",),
    "地域コード": ("地域コード",),
    "年齢": ("年齢", "年齢区分", "年齢階級"),
    "総数": ("総数", "総人口"),
    "男性": ("男性", "男"),
    "女性": ("女性", "女"),
    "世帯数": ("世帯数",),
    "出典": ("出典",),
}
REQUIRED_POPULATION_COLUMNS = ("調査年月日", "地域コード", "総数")
STANDARD_COLUMNS = (
    "全国地方公共団体コード",
    "調査年月日",
    "地域コード",
    "地域名",
    "年齢",
    "総数",
    "男性",
    "女性",
    "世帯数",
    "出典",
)


@dataclass
class DistrictTotal:
    """The population of one district on one date, summed from the file's rows."""

    code: str
    as_of: date
    source: str
    rows: list[int] = field(default_factory=list)
    bands: int = 0
    band_sum: int = 0
    total_row: tuple[int, int] | None = None  # (row, value) of a 総数 row
    households: dict[int, int] = field(default_factory=dict)  # row -> value

    @property
    def population(self) -> int:
        return self.band_sum if self.bands else self.total_row[1]

    @property
    def row_label(self) -> str:
        first, last = min(self.rows), max(self.rows)
        return f"{first}行目" if first == last else f"{first}〜{last}行目"


def _code_text(value) -> str:
    if isinstance(value, float) and value.is_integer():  # Excel's 1001.0
        value = int(value)
    return normalised("" if value is None else value)


def _city_text(value) -> str:
    return normalised(value or "")[:5]


def _source_text(value) -> str:
    return str(value or "").strip() or DEFAULT_SOURCE


def _age_text(value) -> str:
    return normalised(value or "")


def _column(headers, name) -> str | None:
    for alias in COLUMN_ALIASES[name]:
        if alias in headers:
            return alias
    return None


def aggregate_population(
    headers: list[str], rows, *, district_codes: set[str], municipality_code: str = ""
) -> tuple[list[DistrictTotal], list[ImportProblem]]:
    """Sum a 地域・年齢別人口 table into district totals; pure, no database.

    ``rows`` are the data rows (lists, in file order: the first is spreadsheet row 2).
    Returns the totals and every problem found, by row and column.
    """
    problems: list[ImportProblem] = []
    columns = {name: _column(headers, name) for name in COLUMN_ALIASES}
    missing = [n for n in REQUIRED_POPULATION_COLUMNS if columns[n] is None]
    if missing:
        return [], [header_problem(n, headers) for n in missing]
    index = {name: headers.index(col) for name, col in columns.items() if col}
    city_code = normalised(municipality_code)[:5]
    rows = rows if isinstance(rows, list) else list(rows)
    clean = _clean_totals(rows, index, district_codes=district_codes, city_code=city_code)
    if clean is not None:
        return clean, []

    def cell(row, name):
        return row[index[name]] if name in index else None

    def problem(row_number, name, message, value="", code="invalid"):
        problems.append(
            ImportProblem(
                row=row_number,
                column=columns.get(name) or name,
                message=message,
                value="" if value is None else str(value),
                code=code,
                row_label=f"{row_number}行目",
            )
        )

    # Files repeat the same cells (dates, codes, small counts) on thousands of rows: each
    # distinct cell is read once. An outcome is (value, None) or (None, (message, code)).
    read_cells: dict[tuple, tuple] = {}

    def read_integer(name, value, required):
        key = ("integer", name, value, required)
        if key not in read_cells:
            try:
                number = parse_integer(value)
            except ValueError as error:
                read_cells[key] = (None, (str(error), "invalid", True))
            else:
                if number is None and required:
                    outcome = (None, (f"{columns[name]}を入力してください。", "required", False))
                elif number is not None and number < 0:
                    outcome = (
                        None,
                        (f"{columns[name]}は0以上で入力してください。", "invalid", True),
                    )
                else:
                    outcome = (number, None)
                read_cells[key] = outcome
        return read_cells[key]

    def integer(row_number, name, row, required=False):
        value = cell(row, name)
        number, error = read_integer(name, value, required)
        if error is not None:
            message, code, with_value = error
            problem(row_number, name, message, value if with_value else "", code=code)
        return number

    def read_date(value):
        key = ("date", value)
        if key not in read_cells:
            try:
                read_cells[key] = (parse_date(value), None)
            except ValueError as error:
                read_cells[key] = (None, str(error))
        return read_cells[key]

    def text(reading, value) -> str:
        key = (reading, value)
        if key not in read_cells:
            read_cells[key] = reading(value)
        return read_cells[key]

    totals: dict[tuple, DistrictTotal] = {}
    seen: dict[tuple, int] = {}
    for offset, row in enumerate(rows):
        number = offset + 2
        if all(is_blank(v) for v in row):
            continue
        ok = True
        code = text(_code_text, cell(row, "地域コード"))
        if not code:
            problem(number, "地域コード", "地域コードを入力してください。", code="required")
            ok = False
        elif code not in district_codes:
            problem(
                number,
                "地域コード",
                f"地域コード「{code}」の地区が登録されていません。先に地区を登録してください。",
                code,
                code="unknown_district",
            )
            ok = False
        raw_date = cell(row, "調査年月日")
        as_of, date_error = read_date(raw_date)
        if date_error is not None:
            problem(number, "調査年月日", date_error, raw_date)
            as_of, ok = None, False
        else:
            if as_of is None:
                problem(number, "調査年月日", "調査年月日を入力してください。", code="required")
                ok = False
        total = integer(number, "総数", row, required=True)
        male = integer(number, "男性", row)
        female = integer(number, "女性", row)
        households = integer(number, "世帯数", row)
        ok = ok and total is not None
        if ok and male is not None and female is not None and male + female != total:
            problem(
                number,
                "総数",
                f"総数（{total}）が男性（{male}）と女性（{female}）の合計（{male + female}）と"
                "合いません。",
                total,
                code="sex_sum_mismatch",
            )
            ok = False
        given_city = text(_city_text, cell(row, "全国地方公共団体コード"))
        if city_code and given_city and given_city != city_code:
            problem(
                number,
                "全国地方公共団体コード",
                f"全国地方公共団体コード「{given_city}」はこの市のコード（{city_code}）では"
                "ありません。",
                given_city,
                code="other_municipality",
            )
            ok = False
        source = text(_source_text, cell(row, "出典"))
        age = text(_age_text, cell(row, "年齢")) if "年齢" in index else ""
        if "年齢" in index and not age:
            problem(number, "年齢", "年齢を入力してください。", code="required")
            ok = False
        if not ok:
            continue
        key = (code, as_of, source, age)
        if key in seen:
            problem(
                number,
                "年齢" if age else "地域コード",
                f"{seen[key]}行目と同じ地域コード・調査年月日{'・年齢' if age else ''}の行です。",
                age or code,
                code="duplicate_in_file",
            )
            continue
        seen[key] = number
        entry = totals.setdefault((code, as_of, source), DistrictTotal(code, as_of, source))
        entry.rows.append(number)
        if households is not None:
            entry.households[number] = households
        if "年齢" in index and age not in TOTAL_AGE_LABELS:
            entry.bands += 1
            entry.band_sum += total
        else:
            entry.total_row = (number, total)

    if problems:
        # Sums over rows that could not be read would only repeat the same errors.
        problems.sort(key=lambda p: p.row or 0)
        return [], problems
    records = []
    for entry in totals.values():
        if entry.bands and entry.total_row and entry.total_row[1] != entry.band_sum:
            row_number, value = entry.total_row
            problem(
                row_number,
                "総数",
                f"総数の行（{value}人）が年齢別の合計（{entry.band_sum}人）と合いません。",
                value,
                code="band_sum_mismatch",
            )
            continue
        if len(set(entry.households.values())) > 1:
            row_number = max(entry.households)
            problem(
                row_number,
                "世帯数",
                "同じ地域・調査年月日の行で世帯数が異なります。",
                entry.households[row_number],
                code="households_mismatch",
            )
            continue
        records.append(entry)
    records.sort(key=lambda e: (e.code, e.as_of, e.source))
    problems.sort(key=lambda p: p.row or 0)
    return records, problems


def _readings(cells, reading) -> dict | None:
    """``{cell: value}`` for each distinct cell, or None if any fails to read."""
    read = {}
    for cell in set(cells):
        try:
            read[cell] = reading(cell)
        except ValueError:
            return None
    return read


def _count(value) -> int | None:
    number = parse_integer(value)
    if number is not None and number < 0:
        raise ValueError(value)
    return number


def _clean_totals(rows, index, *, district_codes, city_code) -> list[DistrictTotal] | None:
    """The totals of a file without any problem, checked a column at a time.

    None as soon as anything is not plainly right (a blank or unknown code, a cell that
    does not read, a repeated row, sums that disagree, two spellings of one code):
    ``aggregate_population`` then goes through the file row by row, which reports every
    problem where it is. Each column is read through its distinct cells, the checks are
    list and set operations, and rows are grouped by their cells as written (each
    spelling reading to a value of its own), so a clean file of 100,000 age-band rows is
    summed in a small part of the time of the row-by-row pass.
    """
    count = len(rows)
    if not count or len(set(map(len, rows))) != 1:
        return None

    def column(name):
        return list(map(operator.itemgetter(index[name]), rows)) if name in index else None

    def key_readings(name, reading):
        read = _readings(map(operator.itemgetter(index[name]), rows), reading)
        if read is None or len(set(read.values())) != len(read):
            return None  # one value written two ways: grouped by the row-by-row pass
        return read

    codes = key_readings("地域コード", _code_text)
    if codes is None or not set(codes.values()) <= district_codes - {""}:
        return None  # also: no blank code, so no blank row
    dates = key_readings("調査年月日", parse_date)
    if dates is None or None in dates.values():
        return None
    sources = key_readings("出典", _source_text) if "出典" in index else None
    with_age = "年齢" in index
    ages = key_readings("年齢", _age_text) if with_age else None
    if with_age and (ages is None or "" in ages.values()):
        return None
    if sources is None and "出典" in index:
        return None
    cities = set(column("全国地方公共団体コード") or ())
    if city_code and not {_city_text(c) for c in cities} <= {city_code, ""}:
        return None

    def counts(name):  # the column's numbers, or None if any cell does not read
        cells = column(name)
        if cells is None:
            return [None] * count
        read = _readings(cells, _count)
        return None if read is None else list(map(read.__getitem__, cells))

    totals, males, females = counts("総数"), counts("男性"), counts("女性")
    households = counts("世帯数")
    if totals is None or None in totals or males is None or females is None:
        return None
    if households is None:
        return None
    if None not in males and None not in females:
        if list(map(operator.add, males, females)) != totals:
            return None
    elif any(
        m is not None and f is not None and m + f != t
        for t, m, f in zip(totals, males, females, strict=True)
    ):
        return None

    key_columns = [index[n] for n in ("地域コード", "調査年月日", "出典") if n in index]
    keys = list(map(operator.itemgetter(*key_columns), rows))
    with_row_key = key_columns + ([index["年齢"]] if with_age else [])
    if len(set(map(operator.itemgetter(*with_row_key), rows))) != count:
        return None  # a row repeated in the file
    groups = _positions_by_key(keys)
    is_total = [ages[cell] in TOTAL_AGE_LABELS for cell in column("年齢")] if with_age else None
    plain_bands = with_age and not any(is_total) and "世帯数" not in index
    entries = []
    for key, positions in groups.items():
        source = sources[key[2]] if sources is not None else DEFAULT_SOURCE
        entry = DistrictTotal(codes[key[0]], dates[key[1]], source, rows=[p + 2 for p in positions])
        if plain_bands:  # the usual age-band file: every row a band, no 世帯数
            entry.bands = len(positions)
            entry.band_sum = sum(map(totals.__getitem__, positions))
        else:
            for p in positions:
                if is_total is not None and not is_total[p]:
                    entry.bands += 1
                    entry.band_sum += totals[p]
                elif entry.total_row is None:
                    entry.total_row = (p + 2, totals[p])
                else:
                    return None  # two 総数 rows (総数 and 計) for one district and date
                if households[p] is not None:
                    entry.households[p + 2] = households[p]
            if entry.bands and entry.total_row and entry.total_row[1] != entry.band_sum:
                return None
            if len(set(entry.households.values())) > 1:
                return None
        entries.append(entry)
    entries.sort(key=lambda e: (e.code, e.as_of, e.source))
    return entries


def _positions_by_key(keys: list) -> dict:
    """``{key: positions}`` in order of first appearance; runs of one key (files list a
    district's rows together) are found by ``groupby`` without a step for each row."""
    runs, start = {}, 0
    for key, run in itertools.groupby(keys):
        end = start + len(list(run))
        if key in runs:  # the key's rows are not all together: group them one by one
            groups: dict = {}
            for position, each in enumerate(keys):
                groups.setdefault(each, []).append(position)
            return groups
        runs[key] = range(start, end)
        start = end
    return runs


# The model's own limits (field validators and the database's integer range): a total
# within them passes full_clean(), so the fast path below needs no instance checked.
_INTEGER_MAX = 2_147_483_647
_SOURCE_MAX = PopulationRecord._meta.get_field("source").max_length


def _storable(entry: DistrictTotal) -> bool:
    households = next(iter(entry.households.values()), None)
    return (
        0 <= entry.population <= _INTEGER_MAX
        and (households is None or 0 <= households <= _INTEGER_MAX)
        and 0 < len(entry.source) <= _SOURCE_MAX
    )


# PopulationRecord's columns in the order its instances are made by position below.
RECORD_FIELDS = (
    "id",
    "municipality_id",
    "district_id",
    "as_of",
    "population",
    "households",
    "source",
)


def _existing_records(dates) -> dict[tuple, tuple]:
    """``{(district_id, as_of, source): (pk, population, households)}`` on ``dates``."""
    found = {}
    dates = sorted(dates)
    for start in range(0, len(dates), 500):
        rows = PopulationRecord.objects.filter(as_of__in=dates[start : start + 500]).values_list(
            "pk", "district_id", "as_of", "source", "population", "households"
        )
        for pk, district_id, as_of, source, population, households in rows:
            found[(district_id, as_of, source)] = (pk, population, households)
    return found


class PopulationResource(JapaneseModelResource):
    """One PopulationRecord per district and date, from a 地域・年齢別人口 file."""

    municipality_code = Field(column_name="全国地方公共団体コード", readonly=True)
    district = Field(
        attribute="district",
        column_name="地域コード",
        widget=LookupWidget(District, "code", label="地区（地域コード）"),
    )
    district_name = Field(attribute="district__name", column_name="地域名", readonly=True)
    as_of = Field(attribute="as_of", column_name="調査年月日", widget=DateWidget())
    population = Field(attribute="population", column_name="総数", widget=IntegerWidget())
    households = Field(attribute="households", column_name="世帯数", widget=IntegerWidget())
    source = Field(attribute="source", column_name="出典", widget=TextWidget())

    # Uniqueness is the natural key; the check constraints repeat the field validators.
    check_constraints_per_row = False

    class Meta:
        model = PopulationRecord
        name = "地域・年齢別人口（自治体標準オープンデータセット）"
        fields = (
            "municipality_code",
            "district",
            "district_name",
            "as_of",
            "population",
            "households",
            "source",
        )
        import_id_fields = ("district", "as_of", "source")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._row_labels = {}
        self._row_numbers = {}
        self._city_code = None

    def get_queryset(self):
        return super().get_queryset().select_related("district")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("district")

    def dehydrate_municipality_code(self, record):
        if self._city_code is None:
            self._city_code = Municipality.current().local_government_code
        return self._city_code

    def get_required_columns(self):
        return []  # checked with the standard's aliases in before_import

    def known_columns(self):
        return [alias for aliases in COLUMN_ALIASES.values() for alias in aliases]

    def get_user_visible_fields(self):
        # The import page lists the columns of the standard this resource reads.
        return [Field(column_name=name) for name in STANDARD_COLUMNS]

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        headers = list(dataset.headers)
        records, problems = aggregate_population(
            headers,
            plain_rows(dataset),
            district_codes=set(District.objects.values_list("code", flat=True)),
            municipality_code=Municipality.current().local_government_code,
        )
        if problems:
            self.refuse(dataset, problems)
        with_households = _column(headers, "世帯数") is not None
        new_headers = ["地域コード", "調査年月日", "出典", "総数"]
        if with_households:
            new_headers.append("世帯数")
        dataset.wipe()
        dataset.headers = new_headers
        self._row_labels, self._row_numbers = {}, {}
        for number, entry in enumerate(records, start=1):
            values = [entry.code, entry.as_of.isoformat(), entry.source, entry.population]
            if with_households:
                values.append(next(iter(entry.households.values()), None))
            dataset.append(values)
            self._row_labels[number] = entry.row_label
            self._row_numbers[number] = min(entry.rows)

    # ---- the fast path: a file without problems, in a fixed number of queries

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """Import the file; the same result as ``JapaneseModelResource.import_data``.

        A file with no problem is checked and written here, without django-import-export's
        work for each row (11–37 times a plain bulk_create). A file with any problem goes
        the general way, which reports every error by row and column.
        """
        with fewer_collections():
            result = self._import_checked(dataset, dry_run=dry_run, **kwargs)
        if result is not None:
            return result
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    def _import_checked(self, dataset, *, dry_run, **kwargs):
        """The result of importing ``dataset``, or None when any row has a problem."""
        user = kwargs.get("user")
        self.import_user = user if user is not None and user.is_authenticated else None
        self.file_name = kwargs.get("file_name") or ""
        self.dry_run = dry_run
        self._previewed = 0
        headers = self.match_headers(dataset.headers or [])
        # (pk, name) by code: 5,000 District instances cost more than summing the file.
        districts = {
            code: (pk, name)
            for pk, code, name in District.objects.values_list("pk", "code", "name")
        }
        entries, problems = aggregate_population(
            headers,
            plain_rows(dataset),
            district_codes=set(districts),
            municipality_code=Municipality.current().local_government_code,
        )
        if problems or not all(_storable(entry) for entry in entries):
            return None
        with_households = _column(headers, "世帯数") is not None
        existing = _existing_records({entry.as_of for entry in entries})
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        result.total_rows = len(entries)
        new, changed = [], []
        # Made by position (RECORD_FIELDS' order): by keyword, 5,000 records took longer
        # than summing the file.
        municipality_id = PopulationRecord._meta.get_field("municipality").get_default()
        for number, entry in enumerate(entries, start=1):
            district_id = districts[entry.code][0]
            households = next(iter(entry.households.values()), None)
            row_result = self.get_row_result_class()()
            row_result.number = number
            before = existing.get((district_id, entry.as_of, entry.source))
            if before is None:
                row_result.import_type = RowResult.IMPORT_TYPE_NEW
                record = PopulationRecord(
                    None,
                    municipality_id,
                    district_id,
                    entry.as_of,
                    entry.population,
                    households if with_households else None,
                    entry.source,
                )
                new.append(record)
            else:
                record = PopulationRecord(
                    before[0],
                    municipality_id,
                    district_id,
                    entry.as_of,
                    entry.population,
                    households if with_households else before[2],
                    entry.source,
                )
                if (record.population, record.households) == before[1:]:
                    row_result.import_type = RowResult.IMPORT_TYPE_SKIP
                else:
                    row_result.import_type = RowResult.IMPORT_TYPE_UPDATE
                    changed.append(record)
            row_result.instance = record
            if dry_run and self._previewed < self.preview_limit:
                pk, name = districts[entry.code]
                record.district = District(pk=pk, code=entry.code, name=name)
                self._preview(row_result, record, before, entry)
            result.append_row_result(row_result)
            result.increment_row_result_total(row_result)
        if not dry_run:
            try:
                with transaction.atomic():
                    self._write(new, changed)
            except Exception as error:  # reported like the general path's write errors
                result.append_base_error(self.get_error_result_class()(error))
        for row_result in result.rows:
            if row_result.instance is not None and row_result.instance.pk:
                row_result.object_id = row_result.instance.pk
        result.problems = self.describe_problems(result)
        result.summary = self.summarise(result)
        result.preview_rows = [r for r in result.rows if getattr(r, "changes", None)]
        return result

    def _preview(self, row_result, record, before, entry):
        """What the dry run shows for a row: each column before and after."""
        columns = [f.column_name for f in self.snapshot_fields()]
        if before is None:
            old = ("",) * len(columns)
        else:
            old = self.snapshot(
                PopulationRecord(
                    pk=before[0],
                    district=record.district,
                    as_of=record.as_of,
                    population=before[1],
                    households=before[2],
                    source=record.source,
                )
            )
        self._previewed += 1
        row_result.label = entry.row_label
        row_result.changes = [
            (column, was, now, was != now)
            for column, was, now in zip(columns, old, self.snapshot(record), strict=False)
        ]

    def _write(self, new, changed):
        insert_with_history(
            PopulationRecord,
            new,
            key_fields=("district", "as_of", "source"),
            user=self.import_user,
            change_reason=self.change_reason,
        )
        if changed:
            bulk_update_with_history(
                changed,
                PopulationRecord,
                ["population", "households"],
                batch_size=1000,
                default_user=self.import_user,
                default_change_reason=self.change_reason,
            )

    def file_row(self, number: int) -> int:
        return self._row_numbers.get(number, number + 1)

    def row_label(self, number: int) -> str:
        return self._row_labels.get(number) or super().row_label(number)


# --------------------------------------------------------------------------- councils


class CouncilResource(JapaneseModelResource):
    """Councils by name; a new council gets its first stage recorded, a stage move its history."""

    name = Field(attribute="name", column_name="名称", widget=TextWidget())
    kana = Field(attribute="kana", column_name="名称（かな）", widget=TextWidget())
    stage = Field(attribute="stage", column_name="段階", widget=ChoiceWidget(Stage.choices))
    stage_since = Field(attribute="stage_since", column_name="段階の開始日", widget=DateWidget())
    districts = Field(
        attribute="districts",
        column_name="区域（地区コード）",
        widget=LookupListWidget(
            District,
            "code",
            label="地区（地区コード）",
            required=True,
            required_message="区域となる地区の地区コードを1つ以上入力してください（複数は「、」で区切ります）。",
        ),
    )
    representative_title = Field(
        attribute="representative_title", column_name="代表者の役職", widget=TextWidget()
    )
    representative_name = Field(
        attribute="representative_name", column_name="代表者氏名", widget=TextWidget()
    )
    contact_name = Field(attribute="contact_name", column_name="事務局 担当者", widget=TextWidget())
    contact_phone = Field(
        attribute="contact_phone", column_name="事務局 電話番号", widget=TextWidget()
    )
    contact_email = Field(
        attribute="contact_email", column_name="事務局 メールアドレス", widget=TextWidget()
    )
    contact_address = Field(
        attribute="contact_address", column_name="事務局 所在地", widget=TextWidget()
    )
    is_model_district = Field(
        attribute="is_model_district", column_name="モデル地区", widget=BooleanWidget()
    )
    notes = Field(attribute="notes", column_name="備考", widget=TextWidget())

    required_columns = ("名称", "区域（地区コード）")
    check_constraints_per_row = False  # the name is the natural key

    class Meta:
        model = Council
        name = "地域協働体"
        # Many-to-many districts and the stage history are written row by row.
        use_bulk = False
        fields = (
            "name",
            "kana",
            "stage",
            "stage_since",
            "districts",
            *CONTACT_FIELDS,
            "is_model_district",
            "notes",
        )
        import_id_fields = ("name",)

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("districts")

    def after_init_instance(self, instance, new, row, **kwargs):
        self._stage_before = None if new else (instance.stage, instance.stage_since)
        super().after_init_instance(instance, new, row, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        before = self._stage_before
        if before and "stage" not in errors and "stage_since" not in errors:
            if instance.stage == before[0] and instance.stage_since != before[1]:
                errors["stage_since"] = [
                    ValidationError(
                        "段階を変えずに日付だけを変更することはできません。"
                        "段階の履歴を直す場合は地域協働体の編集画面で行ってください。",
                        code="stage_date_only",
                    )
                ]
            elif instance.stage != before[0] and instance.stage and instance.stage_since:
                try:
                    services.check_stage_change(
                        council=instance, stage=instance.stage, changed_on=instance.stage_since
                    )
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
        super().validate_instance(instance, errors)

    def after_save_instance(self, instance, row, **kwargs):
        before = self._stage_before
        if before is None or before[0] != instance.stage:
            CouncilStageChange.objects.create(
                council=instance,
                stage=instance.stage,
                changed_on=instance.stage_since,
                note=self.change_reason,
                recorded_by=self.import_user,
            )


# --------------------------------------------------------------------------- civic centres


class CivicCentreResource(JapaneseModelResource):
    name = Field(attribute="name", column_name="名称", widget=TextWidget())
    kana = Field(attribute="kana", column_name="名称（カナ）", widget=TextWidget())
    address = Field(attribute="address", column_name="住所", widget=TextWidget())
    phone = Field(attribute="phone", column_name="電話番号", widget=TextWidget())
    latitude = Field(attribute="latitude", column_name="緯度", widget=DecimalWidget())
    longitude = Field(attribute="longitude", column_name="経度", widget=DecimalWidget())
    council = Field(
        attribute="council",
        column_name="拠点とする地域協働体",
        widget=LookupWidget(Council, "name", label="地域協働体", normalise=False),
    )
    management = Field(
        attribute="management", column_name="管理運営", widget=ChoiceWidget(Management.choices)
    )
    managed_since = Field(
        attribute="managed_since", column_name="管理運営の開始日", widget=DateWidget()
    )
    designation_ends_on = Field(
        attribute="designation_ends_on", column_name="指定期間の終了日", widget=DateWidget()
    )

    required_columns = ("名称",)
    check_constraints_per_row = False  # the name is the natural key

    class Meta:
        model = CivicCentre
        name = "市民センター"
        fields = (
            "name",
            "kana",
            "address",
            "phone",
            "latitude",
            "longitude",
            "council",
            "management",
            "managed_since",
            "designation_ends_on",
        )
        import_id_fields = ("name",)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("council")
