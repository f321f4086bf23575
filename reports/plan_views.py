"""Public pages of published plans: content, progress (Morioka's form), roll-up
(Yamaguchi's form) and indicators. Only plans.selectors.published_* are used here."""

from django.http import Http404
from django.urls import reverse

from core import terms
from core.calendar import CalendarParseError, parse_period
from core.tables import Table
from core.templatetags.numbers import status_heading
from plans import selectors
from plans.public import progress_table

from .charts import Series, line_chart
from .pages import Page, PublicPage


def _plan_or_404(pk, *, with_content=True):
    plan = selectors.published_plan(pk, with_content=with_content)
    if plan is None:
        raise Http404("公開されている計画が見つかりません。")
    return plan


def _plan_links(plan) -> list[dict]:
    return [
        {"label": "計画の内容", "url": reverse("public:plan", args=[plan.pk])},
        {"label": "進捗状況", "url": reverse("public:plan_progress", args=[plan.pk])},
        {"label": "達成状況の集計", "url": reverse("public:plan_rollup", args=[plan.pk])},
        {"label": "数値目標", "url": reverse("public:plan_indicators", args=[plan.pk])},
    ]


class PlanListPage(PublicPage):
    def get_page(self, request, **kwargs):
        plans = list(selectors.published_plans())
        table = Table(
            "plans",
            "公開中の計画",
            ["計画名", "策定主体", "計画期間（開始）", "計画期間（終了）", "版"],
            ["title", "owner", "start_year", "end_year", "version"],
            [
                [
                    p.title,
                    p.council.name if p.council else p.issued_by or "市",
                    p.start_year,
                    p.end_year,
                    p.version,
                ]
                for p in plans
            ],
        )
        return Page(
            title="計画と進捗",
            body_template="reports/plan_list_body.html",
            context={"plans": plans},
            tables=[table],
            filename="plans",
        )


class PlanPage(PublicPage):
    def get_page(self, request, pk=None, **kwargs):
        plan = _plan_or_404(pk)
        return Page(
            title=plan.title,
            body_template="reports/plan_body.html",
            context={
                "plan": plan,
                "sections": selectors.plan_sections(plan),
                "indicators": selectors.indicator_table(plan),
                "versions": selectors.published_plan_versions(plan),
                "links": _plan_links(plan),
            },
            tables=[_items_table(plan)],
            filename=f"plan-{plan.pk}",
        )


def _items_table(plan) -> Table:
    rows = []
    for section in selectors.plan_sections(plan):
        policy = f"{section.policy.number} {section.policy.title}" if section.policy else ""
        for item in section.items:
            roles = "／".join(f"{terms.actor_label(r)}: {r.role}" for r in item.roles.all())
            schedule = "／".join(f"{s.fiscal_year}: {s.text}" for s in item.schedule.all())
            rows.append([policy, item.number, item.title, item.content, roles, schedule])
    return Table(
        "items",
        "基本方針と事業",
        ["基本方針", "番号", "事業名", "内容", "役割分担", "年度別計画"],
        ["policy", "number", "title", "content", "roles", "schedule"],
        rows,
    )


class PlanProgressPage(PublicPage):
    def get_page(self, request, pk=None, period=None, **kwargs):
        plan = _plan_or_404(pk, with_content=False)
        chosen = None
        if period is not None:
            try:
                chosen = parse_period(period)
            except CalendarParseError:
                raise Http404("期間が見つかりません。") from None
        periods = selectors.published_periods(plan)
        if chosen is not None and chosen not in periods:
            raise Http404("この期間の進捗は公開されていません。")
        entries = list(selectors.published_progress(plan, chosen))
        groups = []
        for entry in entries:
            if not groups or groups[-1]["item"].pk != entry.item_id:
                groups.append({"item": entry.item, "entries": []})
            groups[-1]["entries"].append(entry)
        title = f"{plan.title} 進捗状況" + (f"（{chosen.label}）" if chosen else "")
        return Page(
            title=title,
            body_template="reports/plan_progress_body.html",
            context={
                "plan": plan,
                "groups": groups,
                "periods": periods,
                "chosen": chosen,
                "links": _plan_links(plan),
            },
            tables=[progress_table(plan, entries)],
            filename=f"plan-{plan.pk}-progress" + (f"-{chosen.code}" if chosen else ""),
        )


class PlanRollupPage(PublicPage):
    def get_page(self, request, pk=None, **kwargs):
        plan = _plan_or_404(pk, with_content=False)
        table = selectors.published_rollup(plan)
        columns = ["基本方針", "項目数"]
        keys = ["policy", "items"]
        for index, label in enumerate(table.columns):
            column = status_heading(label)
            columns += [column, f"{column}（%）"]
            keys += [f"status{index + 1}", f"status{index + 1}_percent"]
        if table.has_missing_entries:
            columns += ["未入力", "未入力（%）"]
            keys += ["no_entry", "no_entry_percent"]
        rows = []
        for row in [*table.rows, table.total]:
            cells = []
            shown = [*row.cells, row.no_entry] if table.has_missing_entries else row.cells
            for cell in shown:
                cells += [cell.count, None if cell.share is None else str(cell.share)]
            rows.append([row.label, row.item_count, *cells])
        return Page(
            title=f"{plan.title} 達成状況の集計",
            body_template="reports/plan_rollup_body.html",
            context={"plan": plan, "rollup": table, "links": _plan_links(plan)},
            tables=[Table("rollup", "基本方針別の達成状況", columns, keys, rows)],
            filename=f"plan-{plan.pk}-rollup",
        )


class PlanIndicatorsPage(PublicPage):
    def get_page(self, request, pk=None, **kwargs):
        plan = _plan_or_404(pk)
        indicators = []
        rows = []
        for row in selectors.indicator_table(plan):
            indicator = row.indicator
            actual = [(indicator.baseline_year, indicator.baseline_value)]
            target = []
            for value in indicator.values.all():
                (target if value.kind == "target" else actual).append(
                    (value.fiscal_year, value.value)
                )
            chart = line_chart(
                [Series("実績（基準値を含む）", actual), Series("目標", target, dashed=True)]
            )
            description = "、".join(
                [
                    f"基準値 {terms.fiscal_year(indicator.baseline_year)} "
                    f"{row.baseline}{indicator.unit}"
                ]
                + [
                    f"{terms.fiscal_year(c.fiscal_year)} 実績 {c.actual}{indicator.unit}"
                    for c in row.cells
                    if c.actual
                ]
                + [
                    f"{terms.fiscal_year(c.fiscal_year)} 目標 {c.target}{indicator.unit}"
                    for c in row.cells
                    if c.target
                ]
            )
            indicators.append({"row": row, "chart": chart, "description": description})
            for cell in row.cells:
                rows.append(
                    [
                        indicator.name,
                        indicator.unit,
                        indicator.baseline_year,
                        row.baseline,
                        cell.fiscal_year,
                        cell.actual,
                        cell.target,
                    ]
                )
        table = Table(
            "indicators",
            "数値目標（基準値・実績・目標）",
            ["指標", "単位", "基準年度", "基準値", "年度", "実績", "目標"],
            ["indicator", "unit", "baseline_year", "baseline", "fiscal_year", "actual", "target"],
            rows,
            year_keys=("baseline_year", "fiscal_year"),
        )
        return Page(
            title=f"{plan.title} 数値目標",
            body_template="reports/plan_indicators_body.html",
            context={"plan": plan, "indicators": indicators, "links": _plan_links(plan)},
            tables=[table],
            filename=f"plan-{plan.pk}-indicators",
        )
