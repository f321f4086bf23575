"""Queries about who supports each council: liaisons, secretariat employees, labour cost."""

from datetime import date

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from core.calendar import fiscal_year_end, fiscal_year_start
from councils.models import Council

from .costs import EmploymentCost, employment_cost
from .models import Employer, LiaisonAssignment, LiaisonRole, SecretariatEmployee, overlapping

# Main before deputy (the stored values sort the other way round).
ROLE_ORDER = Case(When(role=LiaisonRole.MAIN, then=Value(0)), default=Value(1))


def _current(queryset, day: date):
    return queryset.filter(started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    )


def current_liaisons(council: Council, day: date | None = None) -> list[LiaisonAssignment]:
    """The council's liaison assignments in force on ``day`` (today by default), main first."""
    day = day or timezone.localdate()
    return list(
        _current(council.liaison_assignments.all(), day)
        .select_related("staff")
        .order_by(ROLE_ORDER, "started_on", "pk")
    )


def liaison_user_ids(council_id: int, day: date | None = None) -> set[int]:
    """Login ids of the council's current liaisons (main and deputy) who have one."""
    day = day or timezone.localdate()
    return set(
        _current(LiaisonAssignment.objects.filter(council_id=council_id), day)
        .exclude(staff__user__isnull=True)
        .values_list("staff__user_id", flat=True)
    )


def public_liaison_department(council: Council, day: date | None = None) -> str | None:
    """Only the department of the council's main liaison, for public pages (no name, no contact)."""
    day = day or timezone.localdate()
    return (
        _current(council.liaison_assignments.filter(role=LiaisonRole.MAIN), day)
        .values_list("staff__department", flat=True)
        .first()
    )


def councils_with_staffing(queryset: QuerySet, day: date) -> QuerySet:
    """Councils with ``current_liaisons``, ``current_employees`` and ``has_main_liaison`` for ``day``.

    Three queries however many councils: the councils, their liaisons, their employees.
    """
    liaisons = _current(LiaisonAssignment.objects.all(), day).select_related("staff")
    employees = _current(SecretariatEmployee.objects.all(), day)
    main = _current(
        LiaisonAssignment.objects.filter(council=OuterRef("pk"), role=LiaisonRole.MAIN), day
    )
    return queryset.annotate(has_main_liaison=Exists(main)).prefetch_related(
        Prefetch(
            "liaison_assignments",
            queryset=liaisons.order_by(ROLE_ORDER, "started_on", "pk"),
            to_attr="current_liaisons",
        ),
        Prefetch(
            "secretariat_employees",
            queryset=employees.order_by("started_on", "pk"),
            to_attr="current_employees",
        ),
    )


def staff_current_assignments(day: date):
    """A Prefetch of each staff member's assignments in force on ``day`` (``current_assignments``)."""
    return Prefetch(
        "assignments",
        queryset=_current(LiaisonAssignment.objects.all(), day)
        .select_related("council")
        .order_by("council__kana", ROLE_ORDER),
        to_attr="current_assignments",
    )


def employee_cost(employee: SecretariatEmployee, year: int) -> EmploymentCost:
    return employment_cost(
        started_on=employee.started_on,
        ended_on=employee.ended_on,
        monthly_salary=employee.monthly_salary,
        monthly_insurance=employee.monthly_insurance,
        yearly_health_check=employee.yearly_health_check,
        fiscal_year=year,
    )


def secretariat_employees_in(council_ids, year: int) -> QuerySet:
    """Employees of the given councils (every council when None) employed on any day of
    fiscal ``year``."""
    employees = SecretariatEmployee.objects.all()
    if council_ids is not None:
        employees = employees.filter(council_id__in=list(council_ids))
    return overlapping(
        employees,
        fiscal_year_start(year),
        fiscal_year_end(year),
    ).order_by("council_id", "started_on", "pk")


def secretariat_labour_costs(council_ids, year: int) -> dict[int, int]:
    """事務局人件費 of each council for fiscal ``year`` in whole yen; one query. Every
    council with an employee when ``council_ids`` is None (no list of ids to send).

    Only employment by the council counts: in year 1 the city employs the secretariat
    on its own payroll, so there is nothing for the council to claim.
    """
    council_ids = None if council_ids is None else list(council_ids)
    totals = dict.fromkeys(council_ids or (), 0)
    for employee in secretariat_employees_in(council_ids, year).filter(employer=Employer.COUNCIL):
        totals[employee.council_id] = (
            totals.get(employee.council_id, 0) + employee_cost(employee, year).total
        )
    return totals


def secretariat_labour_cost(council: Council, fiscal_year: int) -> int:
    """事務局人件費 of one council for ``fiscal_year`` (the activity subsidy's labour part)."""
    return secretariat_labour_costs([council.pk], fiscal_year)[council.pk]
