"""Plans: roll-up and plan page cost by plan size, and a whole-period progress import.

Prints time and query counts for plans of 50, 500 and 2,000 items (the roll-up and the plan
page must stay at a fixed number of queries), then imports 2,000 progress rows from CSV the
way the admin does (row by row, so django-simple-history records every change).
"""

import tablib
from django.db import connection

from core.calendar import Period

from .fixtures import city_plan
from .measure import measured


def _plan(items: int, suffix: str):
    plan = city_plan(items, title=f"ベンチマーク計画{suffix}", fiscal_years=(2020, 2021, 2022))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh bulk-loaded tables: give the planner stats
    return plan


def _timed(label, function):
    seconds, queries, result = measured(function)
    print(f"  {label}: {seconds * 1000:8.1f} ms, {queries} queries")
    return result


def run() -> None:
    from plans.models import ProgressEntry
    from plans.resources import ProgressEntryResource
    from plans.selectors import indicator_table, plan_sections, plan_with_content, rollup

    for size in (50, 500, 2000):
        plan = _plan(size, str(size))
        print(f"plan with {size} items, {size * 3} entries")
        _timed("rollup (latest)", lambda plan=plan: rollup(plan))
        _timed("rollup (2021)", lambda plan=plan: rollup(plan, Period(2021)))

        def page(plan=plan):
            loaded = plan_with_content().get(pk=plan.pk)
            return plan_sections(loaded), indicator_table(loaded), list(loaded.issues.all())

        _timed("plan page content", page)

    from django.contrib.auth import get_user_model

    from core import roles

    groups = roles.ensure_staff_groups()
    user = get_user_model().objects.create(username="bench-editor", is_staff=True)
    user.groups.add(groups[roles.EDITOR])
    plan = _plan(2000, "import")
    resource = ProgressEntryResource(user=user)
    queryset = ProgressEntry.objects.filter(item__plan=plan, fiscal_year=2022)
    ProgressEntry.objects.filter(pk__in=queryset.values("pk")).update(state="draft")
    exported = _timed("export 2,000 rows", lambda: resource.export(queryset=queryset))
    csv = exported.export("csv")
    rows = tablib.Dataset().load(csv, format="csv")
    done = rows.headers.index("実施内容")
    edited = tablib.Dataset(headers=rows.headers)
    for row in rows:
        row = list(row)
        row[done] = row[done] + "（修正）"
        edited.append(row)
    result = _timed(
        "import 2,000 changed rows",
        lambda: ProgressEntryResource(user=user).import_data(
            edited, use_transactions=True, rollback_on_validation_errors=True
        ),
    )
    print(f"    totals {dict(result.totals)}; errors {len(result.row_errors())}")
    again = _timed(
        "re-import the same file (all unchanged)",
        lambda: ProgressEntryResource(user=user).import_data(
            edited, use_transactions=True, rollback_on_validation_errors=True
        ),
    )
    print(f"    totals {dict(again.totals)}")
