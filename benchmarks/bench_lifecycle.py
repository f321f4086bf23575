"""Grant lifecycle at scale: 2,000 councils, 10,000 applications.

Review queue (admin changelist, filtered), secretary dashboard and list, ledger CSV and
Excel for a year, public rows, and the cost of one decision (locks, engine, notice).
"""

import time
from datetime import timedelta

from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from .measure import analyze, median_of

COUNCILS = 2000
APPLICATIONS = 10_000
REPEAT = 5


def _timed(label, func, repeat=REPEAT):
    return median_of(label, func, repeat, 40)


def run():
    from core import roles, tenancy
    from core.calendar import fiscal_year, fiscal_year_end, fiscal_year_start
    from core.models import User
    from councils.models import CouncilSecretary
    from subsidies import selectors, services
    from subsidies.exports import ledger_csv, ledger_table, ledger_xlsx
    from subsidies.models import Application, ApplicationLine, Budget, Status
    from tests.subsidies.factories import RuleFactory, make_councils

    year = fiscal_year(timezone.localdate())
    start = time.perf_counter()
    councils = make_councils(COUNCILS)
    rule = RuleFactory(yearly_cap=500_000, advance_payment_allowed=True)
    programme = rule.programme
    Budget.objects.create(
        programme=programme, fiscal_year=year, amount=2_000_000_000
    )  # fits PostgreSQL integer
    statuses = list(Status.values)
    today = timezone.localdate()
    Application.objects.bulk_create(
        Application(
            council=councils[i % COUNCILS],
            programme=programme,
            fiscal_year=year - (i % 3),
            title=f"事業{i}",
            status=statuses[i % len(statuses)],
            requested_amount=100_000,
            decided_amount=100_000 if i % 2 else None,
            report_due_on=today - timedelta(days=i % 5),
            submitted_at=timezone.now(),
        )
        for i in range(APPLICATIONS)
    )
    print(
        f"setup: {COUNCILS} councils, {APPLICATIONS} applications in {time.perf_counter() - start:.1f} s"
    )
    analyze()

    groups = roles.ensure_staff_groups()
    city = tenancy.current_municipality()  # a user of no city counts as logged out here
    staff = User.objects.create(username="bench-editor", is_staff=True, municipality=city)
    staff.groups.add(groups[roles.EDITOR])
    secretary = User.objects.create(username="bench-secretary", municipality=city)
    council = councils[0]
    CouncilSecretary.objects.create(council=council, user=secretary, started_on=today)
    staff_client, secretary_client = Client(), Client()
    staff_client.force_login(staff)
    secretary_client.force_login(secretary)

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    queue = reverse("admin:subsidies_application_changelist")
    with override_settings(STORAGES=storages):
        _timed("review queue (50 of 10,000)", lambda: staff_client.get(queue))
        _timed(
            "review queue filtered",
            lambda: staff_client.get(queue + f"?status=submitted&fiscal_year={year}&overdue=yes"),
        )
        _timed("secretary dashboard /portal/", lambda: secretary_client.get(reverse("portal:home")))
        _timed(
            "secretary list (5 applications)",
            lambda: secretary_client.get(reverse("subsidies_portal:list")),
        )
        ledger = reverse("admin:subsidies_application_ledger")
        _timed(
            "ledger page (one year)", lambda: staff_client.get(ledger + f"?fiscal_year={year}"), 3
        )
    rows = selectors.ledger_applications(year)
    table = _timed("ledger table (one year)", lambda: ledger_table(year, rows), 3)
    print(f"  rows {len(table.rows)}")
    csv_bytes = _timed("ledger CSV", lambda: ledger_csv(ledger_table(year, rows)), 3)
    xlsx_bytes = _timed("ledger Excel", lambda: ledger_xlsx(ledger_table(year, rows)), 3)
    print(f"  CSV {len(csv_bytes) / 1024:.0f} KB, Excel {len(xlsx_bytes) / 1024:.0f} KB")
    public = _timed("public_grants (all years)", lambda: selectors.public_grants(), 3)
    print(f"  rows {len(public)}")

    # One decision end to end: a fresh application per run.
    def decide_one():
        app = Application.objects.create(
            council=councils[1],
            programme=programme,
            fiscal_year=year,
            title="計測",
            status=Status.SUBMITTED,
            requested_amount=10_000,
            work_starts_on=fiscal_year_start(year),
            work_ends_on=fiscal_year_end(year),
        )
        ApplicationLine.objects.create(
            application=app, category=rule.eligible_categories.first(), amount=10_000
        )
        services.application_transition(application=app, action="decide", actor=staff)

    _timed("decide (locks, engine, notice, audit)", decide_one)
