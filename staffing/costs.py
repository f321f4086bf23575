"""Secretariat labour cost (事務局人件費) as pure calculations: plain values in, whole yen out.

The rule the activity subsidy uses (第2次地域協働推進計画 事業8・事業9): salary and the
employer's social-insurance share for each month employed in the fiscal year, plus the
yearly health check. A month counts in full when the employee is employed on at least
one of its days; the health check counts once in a fiscal year with any day employed.
"""

from dataclasses import dataclass
from datetime import date

from core.calendar import fiscal_year_end, fiscal_year_start


@dataclass(frozen=True)
class EmploymentCost:
    """What one employee costs in one fiscal year, with its parts."""

    months: int
    salary: int
    insurance: int
    health_check: int

    @property
    def total(self) -> int:
        return self.salary + self.insurance + self.health_check


def months_employed(started_on: date, ended_on: date | None, year: int) -> int:
    """Calendar months of fiscal ``year`` with at least one day inside the employment period."""
    first = max(started_on, fiscal_year_start(year))
    last = min(ended_on or fiscal_year_end(year), fiscal_year_end(year))
    if first > last:
        return 0
    return (last.year - first.year) * 12 + (last.month - first.month) + 1


def employment_cost(
    *,
    started_on: date,
    ended_on: date | None,
    monthly_salary: int,
    monthly_insurance: int,
    yearly_health_check: int,
    fiscal_year: int,
) -> EmploymentCost:
    """The cost of one employment period in ``fiscal_year``, in whole yen."""
    months = months_employed(started_on, ended_on, fiscal_year)
    return EmploymentCost(
        months=months,
        salary=months * monthly_salary,
        insurance=months * monthly_insurance,
        health_check=yearly_health_check if months else 0,
    )
