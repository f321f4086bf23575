"""Ichinoseki's subsidy programmes as the 第2次一関市地域協働推進計画 states them
(``data/programmes.json``), and demo applications in every status (``data/applications.json``).

Caps, rates, stages and the 2-year limit come from the plan (事業1, 7, 8). The plan gives
no amounts for 均等割 and the per-person 地域割 unit, so those are examples and marked
so. Budgets are plausible demo figures. 事業9 (support for the council's own
secretariat employee) has no programme of its own: the plan says its cost support is
事業8's 「事務局人件費」 part. Created with get_or_create: running again changes nothing.
"""

from datetime import date, datetime, time

from django.utils import timezone

from councils.models import Council
from subsidies import services, settlement
from subsidies.models import (
    Application,
    Budget,
    ExpenseCategory,
    ProgrammeRule,
    SubsidyProgramme,
)

from .files import read_json

# The plan's period starts in 平成31年度 (2019).
RULES_FROM = 2019

CATEGORIES = [
    # (code, name, examples, is_labour)
    ("hoshohi", "報償費", "講師謝礼、協力者への謝礼", False),
    ("juyohi", "需用費", "消耗品、印刷製本、会議の茶菓", False),
    ("ekimuhi", "役務費", "郵送料、通信料、広告料、保険料", False),
    ("shiyoryo", "使用料及び賃借料", "会場使用料、機器・車両の借上げ", False),
    ("bihin", "備品購入費", "事業に使う備品", False),
    ("itakuryo", "委託料", "専門業者への委託", False),
    ("jinkenhi", "事務局人件費（給与）", "事務局員の給与・手当", True),
    ("hokenryo", "社会保険料等（事業主負担分）", "健康保険・厚生年金・雇用保険の事業主負担", True),
    ("kenshin", "健康診断料", "事務局員の健康診断", True),
]
CONDITIONS = (
    "補助金は、交付決定の内容及びこれに付した条件に従い、善良な管理者の注意をもって補助事業を"
    "行い、他の用途に使用しないこと。\n"
    "補助事業に係る収入及び支出を明らかにした帳簿を備え、領収書等の証拠書類とともに"
    "補助事業の完了した日の属する年度の終了後5年間保存すること。"
)


def load(stdout=None) -> None:
    categories = {}
    for order, (code, name, examples, is_labour) in enumerate(CATEGORIES, start=1):
        categories[code], _ = ExpenseCategory.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "examples": examples,
                "is_labour": is_labour,
                "sort_order": order,
            },
        )
    for spec in read_json("programmes.json"):
        programme, _ = SubsidyProgramme.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "plan_item": spec["plan_item"],
                "description": spec["description"],
                "notes": spec.get("notes", ""),
                "sort_order": spec["sort_order"],
                "regulation_name": spec["regulation_name"],
                "notice_prefix": "一関ま",
                "notice_conditions": CONDITIONS,
            },
        )
        rule, created = ProgrammeRule.objects.get_or_create(
            programme=programme, valid_from_fiscal_year=RULES_FROM, defaults=spec["rule"]
        )
        if created:
            rule.eligible_categories.set([categories[code] for code in spec["categories"]])
        for year, amount in spec["budgets"].items():
            Budget.objects.get_or_create(
                programme=programme,
                fiscal_year=int(year),
                defaults={"amount": amount, "notes": spec.get("budget_note", "デモ用の金額")},
            )
    applications(stdout)
    if stdout:
        stdout.write(
            f"  補助制度 {SubsidyProgramme.objects.count()}、"
            f"補助規則 {ProgrammeRule.objects.count()}、予算額 {Budget.objects.count()}"
        )


# Applications across the lifecycle, in data/applications.json: council area, programme,
# fiscal year, title, purpose, work period, requested amount, plan lines (and the report's
# actual lines), and steps. The creation and the steps go through the lifecycle services
# as past acts (create_application with at=, record_past_transition): the audit rows name
# the system, not a person.

DEMO_NOTE = "デモデータ"


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def applications(stdout=None) -> None:
    """Demo applications in every status; skipped when one with the same title exists."""
    programmes = {p.code: p for p in SubsidyProgramme.objects.all()}
    categories = {c.code: c for c in ExpenseCategory.objects.all()}
    created = 0
    for spec in read_json("applications.json"):
        council = Council.objects.filter(name=f"{spec['council']}地域協働体").first()
        if council is None:
            continue
        programme = programmes[spec["programme"]]
        if Application.objects.filter(
            council=council, programme=programme, fiscal_year=spec["year"], title=spec["title"]
        ).exists():
            continue
        start, end = (date.fromisoformat(day) for day in spec["period"])
        steps = [_step(step) for step in spec["steps"]]
        first_day = steps[0][1] if steps else date(spec["year"], 4, 1)
        application = services.create_application(
            council=council,
            programme=programme,
            fiscal_year=spec["year"],
            actor=None,
            at=_at(first_day),
            comment=DEMO_NOTE,
            lines=_line_inputs(spec["lines"], categories),
            title=spec["title"],
            purpose=spec["purpose"],
            work_starts_on=start,
            work_ends_on=end,
            requested_amount=spec["requested"],
        )
        for action, day, data in steps:
            comment = data.pop("comment", DEMO_NOTE)
            if action == "submit":
                data["today"] = day
            if action == "submit_report":
                actual = _line_inputs(spec["actual"], categories)
                grant, own = settlement.default_income(
                    decided=application.decided_amount or 0,
                    actual_total=sum(line.amount for line in actual),
                )
                data = {
                    "lines": actual,
                    "report_text": data["report"],
                    "today": day,
                    "completed_on": day,
                    "confirm_early": True,
                    "grant_income": grant,
                    "own_funds": own,
                }
            services.record_past_transition(
                application=application, action=action, at=_at(day), comment=comment, **data
            )
        created += 1
    if stdout:
        stdout.write(f"  交付申請 {Application.objects.count()}（今回追加 {created}）")


def _step(spec: dict) -> tuple[str, date, dict]:
    """(action, day, handler data) of one step; the data's ``*_on`` values are days."""
    data = {
        key: date.fromisoformat(value) if key.endswith("_on") else value
        for key, value in spec.items()
        if key not in ("action", "on")
    }
    return spec["action"], date.fromisoformat(spec["on"]), data


def _line_inputs(specs, categories):
    return [
        services.LineInput(categories[code], amount, description)
        for code, description, amount in specs
    ]
