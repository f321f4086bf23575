"""Helpers for the lifecycle tests: walk an application to any status through the real
services, and read back everything a refused move must leave alone."""

from dataclasses import dataclass

from django.utils import timezone

from core.calendar import fiscal_year, fiscal_year_end, fiscal_year_start
from subsidies import services, settlement
from subsidies.models import Application, ApplicationLine, Notice, Status
from subsidies.services import LineInput

YEAR = fiscal_year(timezone.localdate())
START = fiscal_year_start(YEAR)
END = fiscal_year_end(YEAR)


@dataclass
class World:
    programme: object
    rule: object
    juyohi: object
    hoshohi: object
    council: object
    other: object
    secretary: object
    other_secretary: object
    staff: object
    viewer: object
    preparing_stage: str

    def lines(self, *amounts):
        return [LineInput(self.juyohi, amount, f"消耗品{i}") for i, amount in enumerate(amounts, 1)]


def draft(
    world,
    *,
    amount=120_000,
    council=None,
    secretary=None,
    year=YEAR,
    programme=None,
    lines=None,
    title="防災マップの作成",
):
    return services.create_application(
        council=council or world.council,
        programme=programme or world.programme,
        fiscal_year=year,
        actor=secretary or world.secretary,
        lines=lines if lines is not None else world.lines(amount),
        title=title,
        purpose="地区の危険箇所を確認し、防災マップを配布する。",
        work_starts_on=fiscal_year_start(year),
        work_ends_on=fiscal_year_end(year),
        requested_amount=amount,
    )


def report_data(world, application, *amounts, report_text="実施しました。"):
    """What a balanced 実績報告 of actual costs ``amounts`` sends, filed today (before the
    planned end, confirmed): the grant up to the decided amount, the rest own funds."""
    grant, own = settlement.default_income(
        decided=application.decided_amount or 0, actual_total=sum(amounts)
    )
    return {
        "lines": world.lines(*amounts),
        "report_text": report_text,
        "completed_on": timezone.localdate(),
        "confirm_early": True,
        "grant_income": grant,
        "own_funds": own,
    }


def step(application, action, actor, **data):
    return services.application_transition(
        application=application, action=action, actor=actor, **data
    )


def application_in(world, status, *, refund=False, amount=120_000, council=None, secretary=None):
    """An application brought to ``status`` by real transitions.

    ``refund``: pay the whole decided amount in advance and report lower actual costs, so
    the confirmed amount is below what was paid.
    """
    sec, staff = secretary or world.secretary, world.staff
    refund = refund or status == Status.REFUND_REQUESTED
    app = draft(world, amount=amount, council=council, secretary=sec)
    if status == Status.DRAFT:
        return app
    step(app, "submit", sec)
    if status == Status.SUBMITTED:
        return app
    if status == Status.RETURNED:
        return step(app, "return", staff, comment="明細を直してください。")
    if status == Status.REFUSED:
        return step(app, "refuse", staff, comment="対象外の事業です。")
    if status == Status.WITHDRAWN:
        return step(app, "withdraw", sec)
    step(app, "decide", staff)
    if refund:
        step(app, "pay_advance", staff, amount=amount)
    if status == Status.DECIDED:
        return app
    if status == Status.CHANGE_REQUESTED:
        return step(
            app,
            "request_change",
            sec,
            comment="講師を増やすため",
            lines=world.lines(150_000),
            amount=150_000,
        )
    actual = amount - 30_000 if refund else amount
    step(
        app,
        "submit_report",
        sec,
        **report_data(world, app, actual, report_text="防災マップを2,500部配布した。"),
    )
    if status == Status.REPORT_SUBMITTED:
        return app
    if status == Status.REPORT_RETURNED:
        return step(app, "return_report", staff, comment="領収書が足りません。")
    step(app, "confirm", staff)
    if status == Status.CONFIRMED:
        return app
    if status == Status.REFUND_REQUESTED:
        return step(app, "request_refund", staff)
    if status == Status.COMPLETED:
        if refund:
            step(app, "request_refund", staff)
            return step(app, "receive_refund", staff, amount=app.refund_amount)
        return step(app, "pay", staff)
    raise AssertionError(status)


def snapshot(application):
    """Everything a refused move must not change."""
    row = Application.objects.values().get(pk=application.pk)
    row.pop("updated_at")
    return (
        row,
        list(
            ApplicationLine.objects.filter(application=application).values_list(
                "kind", "category_id", "amount"
            )
        ),
        application.events.count(),
        Notice.objects.count(),
    )
