"""収支決算書: the income and expenditure a performance report (実績報告) states, the rule
that it balances, and its PDF in the city's form (様式).

Income is the grant (補助金, at most the decided amount), the council's own funds (自己資金)
and other income (その他収入, with what it is). Expenditure is the actual expense lines,
set against the planned lines by expense category. :func:`settlement` is plain
arithmetic on whole yen; :func:`check_settlement` refuses a statement whose income and
expenditure totals differ.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from core.calendar import wareki_date
from core.models import Municipality
from core.money import yen_digits


@dataclass(frozen=True)
class IncomeLine:
    label: str
    amount: int
    note: str = ""


@dataclass(frozen=True)
class ExpenseRow:
    """One expense category: what the plan said, what was spent, and the difference."""

    category: str
    planned: int
    actual: int
    descriptions: tuple[str, ...] = ()

    @property
    def difference(self) -> int:
        return self.actual - self.planned


@dataclass(frozen=True)
class Settlement:
    income: tuple[IncomeLine, ...]
    expenses: tuple[ExpenseRow, ...]

    @property
    def income_total(self) -> int:
        return sum(line.amount for line in self.income)

    @property
    def planned_total(self) -> int:
        return sum(row.planned for row in self.expenses)

    @property
    def actual_total(self) -> int:
        return sum(row.actual for row in self.expenses)

    @property
    def difference_total(self) -> int:
        return self.actual_total - self.planned_total

    @property
    def balanced(self) -> bool:
        return self.income_total == self.actual_total


def settlement(
    *,
    grant: int,
    own_funds: int,
    other_income: int,
    other_income_note: str = "",
    planned: Sequence = (),
    actual: Sequence = (),
) -> Settlement:
    """The 収支決算書 of a report: three income lines and one expense row per category.

    ``planned`` and ``actual`` are expense lines (``category.name``, ``amount``,
    ``description``), the application's plan and the report's actual costs. Categories
    come in the order they first appear in the plan, then in the actual lines.
    """
    rows: dict[str, dict] = {}
    for kind, lines in (("planned", planned), ("actual", actual)):
        for line in lines:
            row = rows.setdefault(
                line.category.name, {"planned": 0, "actual": 0, "descriptions": []}
            )
            row[kind] += line.amount
            if kind == "actual" and line.description:
                row["descriptions"].append(line.description)
    return Settlement(
        income=(
            IncomeLine("補助金", grant),
            IncomeLine("自己資金", own_funds),
            IncomeLine("その他収入", other_income, other_income_note),
        ),
        expenses=tuple(
            ExpenseRow(name, row["planned"], row["actual"], tuple(row["descriptions"]))
            for name, row in rows.items()
        ),
    )


def default_income(*, decided: int, actual_total: int) -> tuple[int, int]:
    """(grant, own funds) of a report that states no other income: the grant up to the
    decided amount, the rest paid by the council."""
    grant = min(decided, actual_total)
    return grant, actual_total - grant


def check_settlement(statement: Settlement, *, decided: int) -> None:
    """Refuse a 収支決算書 that does not balance or claims more grant than was decided.

    Raises ValidationError with codes grant_above_decided (on ``grant_income``),
    other_income_note_required (on ``other_income_note``) and settlement_unbalanced.
    """
    grant, _own, other = statement.income
    if grant.amount > decided:
        raise ValidationError(
            {
                "grant_income": ValidationError(
                    "補助金（%(grant)s円）が交付決定額（%(decided)s円）を超えています。",
                    code="grant_above_decided",
                    params={"grant": yen_digits(grant.amount), "decided": yen_digits(decided)},
                )
            }
        )
    if other.amount and not other.note.strip():
        raise ValidationError(
            {
                "other_income_note": ValidationError(
                    "その他収入の内容を入力してください。", code="other_income_note_required"
                )
            }
        )
    unbalanced = unbalanced_error(statement)
    if unbalanced is not None:
        raise unbalanced


def unbalanced_error(statement: Settlement) -> ValidationError | None:
    """The error (code settlement_unbalanced) of a statement whose totals differ, else None."""
    if statement.balanced:
        return None
    return ValidationError(
        "収入の合計（%(income)s円）と支出の合計（%(expense)s円）が一致しません。",
        code="settlement_unbalanced",
        params={
            "income": yen_digits(statement.income_total),
            "expense": yen_digits(statement.actual_total),
        },
    )


def application_settlement(application) -> Settlement:
    """The 収支決算書 of a filed report, from the application's stored lines and income."""
    lines = {"plan": [], "actual": []}
    for line in application.lines.select_related("category"):
        if line.kind in lines:
            lines[line.kind].append(line)
    return settlement(
        grant=application.report_grant_amount or 0,
        own_funds=application.report_own_funds,
        other_income=application.report_other_income,
        other_income_note=application.report_other_income_note,
        planned=lines["plan"],
        actual=lines["actual"],
    )


def settlement_html(application) -> str:
    from core.pdf import font_family

    app = application
    city = Municipality.current()
    council = app.council
    return render_to_string(
        "subsidies/settlement_pdf.html",
        {
            "application": app,
            "s": application_settlement(app),
            "city": city,
            "council": council,
            "representative": (
                f"{council.representative_title} {council.representative_name}".strip()
            ),
            "submitted_on": wareki_date(app.report_submitted_on),
            "completed_on": wareki_date(app.work_completed_on) if app.work_completed_on else "",
            "pdf_font_family": font_family(),
        },
    )


def settlement_pdf(application) -> bytes:
    """The 収支決算書 as an A4 PDF (cached by content by the renderer)."""
    from core.pdf import pdf_from_html

    return pdf_from_html(settlement_html(application))


def settlement_filename(application) -> str:
    return f"収支決算書_{application.reference}.pdf"
