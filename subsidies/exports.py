"""The 試算 (allocation) as a table, and that table as CSV or Excel.

The table is built once from an Allocation; the admin screen, the CSV and the workbook
all show the same columns and figures.
"""

import csv
import io
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.calendar import fiscal_year_label, wareki_date
from core.exports import neutralise_cell as safe_cell
from core.money import yen_amount

from .engine import unit_label
from .selectors import Allocation

# Characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.


@dataclass
class Column:
    header: str
    kind: str  # "text", "yen" or "people"


@dataclass
class AllocationTable:
    title: str
    conditions: list[str]
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    totals: list = field(default_factory=list)
    summary: list[tuple[str, int | None]] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


def rule_conditions(allocation: Allocation) -> list[str]:
    """The rule's terms as short Japanese sentences, shown above the table."""
    rule = allocation.rule
    example = "（例示）" if rule.amounts_are_examples else ""
    lines = [
        f"適用する規則: {fiscal_year_label(rule.valid_from_fiscal_year)}からの版",
        f"補助率 {rule.rate_display}、{unit_label(rule.rounding_unit)}",
    ]
    if rule.has_formula:
        lines.append(
            f"限度額 = 均等割 {yen_amount(rule.flat_amount or 0)}{example} ＋ 地域割 1人 "
            f"{yen_amount(rule.per_capita_unit or 0)}{example} × 人口"
            f"（{wareki_date(allocation.population_date)}現在）"
        )
    if rule.yearly_cap is not None:
        lines.append(f"年度上限 {yen_amount(rule.yearly_cap)}")
    if rule.lifetime_cap is not None:
        years = f"、{rule.max_fiscal_years}箇年度まで" if rule.max_fiscal_years else ""
        lines.append(f"通算上限 {yen_amount(rule.lifetime_cap)}{years}")
    elif rule.max_fiscal_years:
        lines.append(f"{rule.max_fiscal_years}箇年度まで")
    if rule.labour_eligible:
        cap = f"（上限 {yen_amount(rule.labour_cap)}）" if rule.labour_cap is not None else ""
        lines.append(f"事務局人件費は実費{cap}")
    lines.append(f"対象となる段階は{wareki_date(allocation.stage_date)}時点で判定")
    return lines


def allocation_table(allocation: Allocation) -> AllocationTable:
    """Columns follow the rule: formula columns for 均等割 + 地域割, cap columns for caps."""
    rule = allocation.rule
    columns = [Column("地域協働体", "text"), Column("段階", "text")]
    getters = [lambda row: row.council_name, lambda row: row.stage_label]
    totals = ["合計", f"{len(allocation.rows)}団体"]
    if rule.has_formula:
        columns += [
            Column(f"人口（{wareki_date(allocation.population_date)}現在）", "people"),
            Column("均等割（円）", "yen"),
            Column("地域割（円）", "yen"),
            Column("限度額 均等割＋地域割（円）", "yen"),
        ]
        getters += [
            lambda row: row.population,
            lambda row: row.ceiling.flat_amount,
            lambda row: row.ceiling.regional_amount,
            lambda row: row.ceiling.formula_ceiling,
        ]
        totals += [
            allocation.total_population,
            allocation.total_flat,
            allocation.total_regional,
            sum(row.ceiling.formula_ceiling or 0 for row in allocation.rows),
        ]
    if rule.yearly_cap is not None:
        columns.append(Column("年度上限の残り（円）", "yen"))
        getters.append(lambda row: row.ceiling.yearly_left)
        totals.append(None)
    if rule.lifetime_cap is not None:
        columns.append(Column("通算上限の残り（円）", "yen"))
        getters.append(lambda row: row.ceiling.lifetime_left)
        totals.append(None)
    if rule.labour_eligible and rule.labour_cap is not None:
        columns.append(Column("事務局人件費の上限（円）", "yen"))
        getters.append(lambda row: row.ceiling.labour_cap)
        totals.append(sum(row.ceiling.labour_cap or 0 for row in allocation.rows))
    if allocation.labour_included:
        columns.append(Column("事務局人件費（登録額）（円）", "yen"))
        getters.append(lambda row: row.labour_registered)
        totals.append(allocation.total_labour_registered)
    columns.append(Column("試算額（円）", "yen"))
    getters.append(lambda row: row.ceiling.amount)
    totals.append(allocation.total)

    title = f"{allocation.programme.name} {fiscal_year_label(allocation.fiscal_year)} 配分試算"
    return AllocationTable(
        title=title,
        conditions=rule_conditions(allocation),
        columns=columns,
        rows=[[get(row) for get in getters] for row in allocation.rows],
        totals=totals,
        summary=[
            ("試算額の合計（円）", allocation.total),
            *(
                [("うち事務局人件費（登録額）（円）", allocation.total_labour_counted)]
                if allocation.labour_included
                else []
            ),
            ("予算額（円）", allocation.budget),
            ("予算残（予算額 − 試算額の合計）（円）", allocation.remainder),
        ],
    )


def allocation_notes(allocation: Allocation, *, include_example: bool = True) -> list[str]:
    """What the reader must know to read the totals right."""
    notes = []
    if allocation.labour_included:
        cap = allocation.rule.labour_cap
        notes.append(
            "事務局人件費は、職員配置に登録された地域協働体雇用の事務局員の年額（登録額）を"
            "試算額に含めています"
            + (f"（上限 {yen_amount(cap)}まで）。" if cap is not None else "。")
        )
    if allocation.has_unlimited:
        notes.append(
            "上限のない地域協働体は事業費分を0円として合計しています。"
            if allocation.labour_included
            else "上限のない地域協働体は試算額を0円として合計しています。"
        )
    if include_example and allocation.rule.amounts_are_examples:
        notes.append(f"金額は例示です。{allocation.rule.example_note}")
    return notes


def allocation_csv(allocation: Allocation) -> bytes:
    """UTF-8 with a BOM so Excel opens the Japanese text correctly."""
    table = allocation_table(allocation)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([_csv_value(v) for v in row])
    writer.writerow([_csv_value(v) for v in table.totals])
    for label, value in table.summary:
        writer.writerow([safe_cell(label), _csv_value(value)])
    for line in [*table.conditions, *allocation_notes(allocation)]:
        writer.writerow([safe_cell(line)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_value(value):
    if value is None:
        return ""
    return safe_cell(value)


def allocation_xlsx(allocation: Allocation) -> bytes:
    """One sheet: title, conditions, the table with totals, the budget comparison."""
    table = allocation_table(allocation)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "配分試算"
    bold = Font(bold=True)
    sheet.append([safe_cell(table.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in [*table.conditions, *allocation_notes(allocation)]:
        sheet.append([safe_cell(line)])
    sheet.append([])
    header_row = _table_with_totals(sheet, table)
    sheet.append([])
    for label, value in table.summary:
        sheet.append([safe_cell(label), value])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        amount = sheet.cell(row=sheet.max_row, column=2)
        amount.number_format = "#,##0"
        if value is not None and value < 0:
            amount.font = Font(bold=True, color="C00000")
    return _finished_workbook(
        workbook, sheet, table.columns, header_row, widths=(22, 16), numbers=("yen", "people")
    )


def _table_with_totals(sheet, table) -> int:
    """The header row (bold, shaded), the rows and the bold totals row; the header's row number."""
    header_row = sheet.max_row + 1
    sheet.append([safe_cell(h) for h in table.headers])
    fill = PatternFill("solid", fgColor="E8EDF3")
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in [*table.rows, table.totals]:
        sheet.append([safe_cell(v) for v in row])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    return header_row


def _finished_workbook(workbook, sheet, columns, header_row, *, widths, numbers) -> bytes:
    """Column widths (text, numbers), #,##0 on the ``numbers`` kinds, frozen header; the file."""
    text_width, number_width = widths
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = (
            text_width if column.kind == "text" else number_width
        )
        if column.kind in numbers:
            for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
                cell.number_format = "#,##0"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# 補助金交付台帳 (the ledger) ---------------------------------------------------------


LEDGER_COLUMNS = [
    Column("受付番号", "text"),
    Column("補助制度", "text"),
    Column("地域協働体", "text"),
    Column("事業名", "text"),
    Column("状況", "text"),
    Column("申請日", "text"),
    Column("申請額（円）", "yen"),
    Column("交付決定日", "text"),
    Column("交付決定額（円）", "yen"),
    Column("前金払額（円）", "yen"),
    Column("支払済額（円）", "yen"),
    Column("額の確定日", "text"),
    Column("確定額（円）", "yen"),
    Column("返還請求額（円）", "yen"),
    Column("返還済額（円）", "yen"),
    Column("受付方法", "text"),
]


@dataclass
class LedgerTable:
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    totals: list = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


def _date(value) -> str:
    return wareki_date(value) if value else ""


def ledger_table(fiscal_year: int, applications) -> LedgerTable:
    """One row per application of the year (drafts excluded), with totals of each amount."""
    rows = []
    for a in applications:
        submitted = a.submitted_at.date() if a.submitted_at else None
        rows.append(
            [
                a.reference,
                a.programme.name,
                a.council.name,
                a.title,
                a.get_status_display(),
                _date(submitted),
                a.requested_amount,
                _date(a.decided_on),
                a.decided_amount,
                a.advance_amount,
                a.net_paid_amount,
                _date(a.confirmed_on),
                a.confirmed_amount,
                a.refund_amount,
                a.refunded_amount,
                "窓口代行入力" if a.proxy_entry else "ポータル",
            ]
        )
    totals = ["合計", f"{len(rows)}件", "", "", "", ""]
    for index in range(6, len(LEDGER_COLUMNS) - 1):
        if LEDGER_COLUMNS[index].kind == "yen":
            totals.append(sum(row[index] or 0 for row in rows))
        else:
            totals.append("")
    totals.append("")
    return LedgerTable(
        title=f"補助金交付台帳 {fiscal_year_label(fiscal_year)}",
        columns=LEDGER_COLUMNS,
        rows=rows,
        totals=totals,
    )


def ledger_csv(table: LedgerTable) -> bytes:
    """UTF-8 with a BOM; every text cell through safe_cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(table.title)])
    writer.writerow([safe_cell(header) for header in table.headers])
    for row in [*table.rows, table.totals]:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def ledger_xlsx(table: LedgerTable) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "交付台帳"
    sheet.append([safe_cell(table.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    header_row = _table_with_totals(sheet, table)
    return _finished_workbook(
        workbook, sheet, table.columns, header_row, widths=(24, 15), numbers=("yen",)
    )
