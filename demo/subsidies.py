"""Ichinoseki's subsidy programmes as the 第2次一関市地域協働推進計画 states them.

Caps, rates, stages and the 2-year limit come from the plan (事業1, 7, 8). The plan gives
no amounts for 均等割 and the per-person 地域割 unit, so those are examples and marked
so. Budgets are plausible demo figures. 事業9 (support for the council's own
secretariat employee) has no programme of its own: the plan says its cost support is
事業8's 「事務局人件費」 part. Created with get_or_create: running again changes nothing.
"""

from datetime import date, datetime, time

from django.utils import timezone

from councils.models import Council, Stage
from subsidies import services
from subsidies.models import (
    ActorRole,
    Application,
    ApplicationEvent,
    Budget,
    ExpenseCategory,
    ProgrammeRule,
    Status,
    SubsidyProgramme,
)

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
PREPARATION = ["hoshohi", "juyohi", "ekimuhi", "shiyoryo"]
ACTIVITIES = ["hoshohi", "juyohi", "ekimuhi", "shiyoryo", "bihin", "itakuryo"]
LABOUR = ["jinkenhi", "hokenryo", "kenshin"]

PROGRAMMES = [
    {
        "code": "jigyo1",
        "name": "合意形成支援事業",
        "plan_item": "第2次一関市地域協働推進計画 事業1",
        "sort_order": 1,
        "description": "地域協働体の設立に向け、地域の合意形成を図るために行う会議、啓発その他の"
        "準備費用を支援します。1組織5万円まで（2箇年度までとし総額5万円）、補助率100%。"
        "単年度精算で、前金払いができます。",
        "rule": {
            "rate_numerator": 1,
            "rate_denominator": 1,
            "lifetime_cap": 50_000,
            "max_fiscal_years": 2,
            "eligible_stages": [Stage.PREPARING.value],
            "advance_payment_allowed": True,
            "notes": "計画の記載: 限度額 1組織5万円（2箇年までとし、総額5万円、単年度精算、"
            "前金払い可）、補助率 100%。",
        },
        "categories": PREPARATION,
        "budgets": {2025: 100_000, 2026: 100_000},
        "regulation_name": "一関市合意形成支援事業補助金交付要綱",
    },
    {
        "code": "jigyo7",
        "name": "地域協働体支援事業補助金",
        "plan_item": "第2次一関市地域協働推進計画 事業7",
        "sort_order": 7,
        "description": "地域づくり計画を策定するまでの間の地域協働体の活動を支援します。"
        "1地域協働体 単年度10万円まで、補助率2/3。",
        "rule": {
            "rate_numerator": 2,
            "rate_denominator": 3,
            "yearly_cap": 100_000,
            "eligible_stages": [Stage.PREPARING.value, Stage.ESTABLISHED.value],
            "notes": "計画の記載: 地域づくり計画を策定するまでの間の活動に係る支援。"
            "限度額 1地域協働体 単年度10万円、補助率 2/3。端数処理は計画に定めがないため1円単位。",
        },
        "categories": ACTIVITIES,
        "budgets": {2025: 300_000, 2026: 300_000},
        "regulation_name": "一関市地域協働体支援事業補助金交付要綱",
    },
    {
        "code": "jigyo8",
        "name": "地域協働体活動費補助金（ひと・まち応援金）",
        "plan_item": "第2次一関市地域協働推進計画 事業8・事業9",
        "sort_order": 8,
        "description": "地域協働体が地域課題の解決や地域の特性を活かした地域づくり活動に自主的に"
        "取り組むための経費を支援します。事業に要する経費は均等割＋地域割が限度額、"
        "事務局人件費（給与、保険料等の事業主負担額、健康診断料など）は実費。補助率100%。"
        "補助金の対象経費は必要に応じて見直します。",
        "notes": "事業9（地域協働体が雇用する事務局員に対する支援）の市雇用相当分の費用は、"
        "計画の注記のとおり本補助金の「事務局人件費」として交付します。",
        "rule": {
            "rate_numerator": 1,
            "rate_denominator": 1,
            "flat_amount": 300_000,
            "per_capita_unit": 100,
            "labour_eligible": True,
            "eligible_stages": [Stage.PLAN_ADOPTED.value],
            "amounts_are_examples": True,
            "example_note": "計画に金額の定めがないため、均等割 30万円・地域割 1人100円は例示です。"
            "交付要綱の額に合わせて修正してください。",
            "notes": "計画の記載: 限度額 事業に要する経費…均等割＋地域割、事務局人件費…給与、"
            "保険料等の事業主負担額、健康診断料など。補助率 100%。"
            "均等割＝各地域一律で算定した金額、地域割＝地域内の人口に応じて算定した金額。",
        },
        "categories": ACTIVITIES + LABOUR,
        "regulation_name": "一関市地域協働体活動費補助金交付要綱",
        # Project ceilings (about 20.3 million yen for 30 councils) plus the registered
        # secretariat labour (about 68 million); 2026 is set just below the sum so that the
        # 試算 shows its over-budget warning.
        "budgets": {2025: 90_000_000, 2026: 86_000_000},
        "budget_note": "デモ用の金額（事業費分と事務局人件費の合計）",
    },
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
    for spec in PROGRAMMES:
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
                fiscal_year=year,
                defaults={"amount": amount, "notes": spec.get("budget_note", "デモ用の金額")},
            )
    applications(stdout)
    if stdout:
        stdout.write(
            f"  補助制度 {SubsidyProgramme.objects.count()}、"
            f"補助規則 {ProgrammeRule.objects.count()}、予算額 {Budget.objects.count()}"
        )


# Applications across the lifecycle ------------------------------------------------------
# (council area, programme, fiscal year, title, purpose, work period, requested,
#  plan lines, steps). Steps replay the real transition handlers as past records
# (services.record_past_transition): the audit rows name the system, not a person.

DEMO_NOTE = "デモデータ"


def _lines(*specs):
    return list(specs)


DEMO_APPLICATIONS = [
    {
        "council": "山目",
        "programme": "jigyo8",
        "year": 2025,
        "title": "地域の見守り活動と世代間交流事業",
        "purpose": "高齢者の見守り訪問と、小学生と高齢者の交流会（年6回）を行う。事務局員1名の人件費を含む。",
        "period": (date(2025, 4, 1), date(2026, 3, 15)),
        "requested": 2_620_000,
        "lines": _lines(
            ("hoshohi", "交流会の講師謝礼", 120_000),
            ("juyohi", "消耗品・広報紙の印刷", 380_000),
            ("shiyoryo", "会場使用料", 60_000),
            ("jinkenhi", "事務局員の給与", 1_800_000),
            ("hokenryo", "社会保険料（事業主負担）", 260_000),
        ),
        "actual": _lines(
            ("hoshohi", "交流会の講師謝礼", 110_000),
            ("juyohi", "消耗品・広報紙の印刷", 365_400),
            ("shiyoryo", "会場使用料", 60_000),
            ("jinkenhi", "事務局員の給与", 1_800_000),
            ("hokenryo", "社会保険料（事業主負担）", 258_300),
        ),
        "steps": [
            ("submit", date(2025, 4, 18), {}),
            ("decide", date(2025, 5, 20), {"decided_on": date(2025, 5, 20)}),
            (
                "submit_report",
                date(2026, 4, 8),
                {"report": "見守り訪問 延べ312件、交流会6回（延べ参加184人）を実施した。"},
            ),
            ("confirm", date(2026, 4, 24), {"confirmed_on": date(2026, 4, 24)}),
            ("pay", date(2026, 5, 15), {"paid_on": date(2026, 5, 15)}),
        ],
    },
    {
        "council": "山目",
        "programme": "jigyo8",
        "year": 2026,
        "title": "地域防災マップの作成と防災訓練",
        "purpose": "地区ごとの危険箇所を住民と歩いて確認し、防災マップを全戸配布する。",
        "period": (date(2026, 6, 1), date(2027, 2, 28)),
        "requested": 300_000,
        "lines": _lines(
            ("juyohi", "防災マップの印刷（2,500部）", 250_000),
            ("hoshohi", "防災士の講師謝礼", 50_000),
        ),
        "steps": [],
    },
    {
        "council": "山目",
        "programme": "jigyo8",
        "year": 2026,
        "title": "高齢者サロン運営事業",
        "purpose": "月2回の高齢者サロンを運営する。",
        "period": (date(2026, 5, 1), date(2027, 3, 20)),
        "requested": 180_000,
        "lines": _lines(
            ("juyohi", "サロンの消耗品・茶菓", 120_000),
            ("hoshohi", "体操講師の謝礼", 60_000),
        ),
        "steps": [
            ("submit", date(2026, 5, 8), {}),
            (
                "return",
                date(2026, 5, 19),
                {
                    "comment": "需用費に茶菓代が含まれています。対象経費の範囲を確認し、"
                    "明細を修正して再申請してください。"
                },
            ),
        ],
    },
    {
        "council": "山目",
        "programme": "jigyo8",
        "year": 2026,
        "title": "地域の見守り活動と事務局運営",
        "purpose": "高齢者の見守り訪問を続け、事務局員1名を雇用して地域の相談窓口を開く。",
        "period": (date(2026, 4, 1), date(2027, 3, 15)),
        "requested": 2_480_000,
        "lines": _lines(
            ("hoshohi", "見守り協力員への謝礼", 150_000),
            ("juyohi", "広報紙の印刷", 240_000),
            ("jinkenhi", "事務局員の給与", 1_840_000),
            ("hokenryo", "社会保険料（事業主負担）", 250_000),
        ),
        "steps": [
            ("submit", date(2026, 4, 10), {}),
            ("decide", date(2026, 5, 8), {"decided_on": date(2026, 5, 8)}),
        ],
    },
    {
        "council": "山目",
        "programme": "jigyo8",
        "year": 2026,
        "title": "山目ふれあい運動会",
        "purpose": "多世代が参加する地区運動会を開催する。",
        "period": (date(2026, 9, 1), date(2026, 12, 20)),
        "requested": 90_000,
        "lines": _lines(("shiyoryo", "テントの借上げ", 60_000), ("juyohi", "賞品・消耗品", 30_000)),
        "steps": [("submit", date(2026, 8, 3), {})],
    },
    {
        "council": "藤沢",
        "programme": "jigyo8",
        "year": 2026,
        "title": "藤沢ふるさと祭り開催事業",
        "purpose": "地域の伝統芸能の発表と物産展を開催する。",
        "period": (date(2026, 8, 1), date(2026, 10, 31)),
        "requested": 850_000,
        "lines": _lines(
            ("shiyoryo", "テント・音響機器の借上げ", 420_000),
            ("juyohi", "ポスター・チラシ印刷", 180_000),
            ("ekimuhi", "イベント保険料", 50_000),
            ("hoshohi", "出演団体への謝礼", 200_000),
        ),
        "steps": [("submit", date(2026, 6, 2), {})],
    },
    {
        "council": "磐清水",
        "programme": "jigyo1",
        "year": 2025,
        "title": "地域協働体設立に向けた住民懇談会",
        "purpose": "設立準備委員会による住民懇談会（4回）と先進地視察を行う。",
        "period": (date(2025, 6, 1), date(2026, 2, 28)),
        "requested": 30_000,
        "lines": _lines(("juyohi", "資料の印刷", 18_000), ("ekimuhi", "案内の郵送料", 12_000)),
        "actual": _lines(("juyohi", "資料の印刷", 16_500), ("ekimuhi", "案内の郵送料", 12_000)),
        "steps": [
            ("submit", date(2025, 5, 12), {}),
            ("decide", date(2025, 5, 26), {"decided_on": date(2025, 5, 26)}),
            ("pay_advance", date(2025, 6, 10), {"amount": 30_000, "paid_on": date(2025, 6, 10)}),
            (
                "submit_report",
                date(2026, 3, 20),
                {"report": "住民懇談会を4回（延べ参加96人）開催した。"},
            ),
            (
                "confirm",
                date(2026, 4, 3),
                {"confirmed_on": date(2026, 4, 3), "refund_due_on": date(2026, 4, 30)},
            ),
            ("request_refund", date(2026, 4, 3), {"refund_due_on": date(2026, 4, 30)}),
            (
                "receive_refund",
                date(2026, 4, 21),
                {"amount": 1_500, "received_on": date(2026, 4, 21)},
            ),
        ],
    },
    {
        "council": "磐清水",
        "programme": "jigyo1",
        "year": 2026,
        "title": "地域づくりアンケートと設立準備会",
        "purpose": "全世帯アンケートを行い、結果を設立準備会で共有する（2年目）。",
        "period": (date(2026, 5, 1), date(2027, 2, 26)),
        "requested": 21_500,
        "lines": _lines(
            ("juyohi", "アンケート用紙の印刷", 14_000), ("ekimuhi", "返信用郵送料", 9_000)
        ),
        "steps": [
            ("submit", date(2026, 4, 20), {}),
            ("decide", date(2026, 5, 1), {"decided_on": date(2026, 5, 1)}),
            ("pay_advance", date(2026, 5, 15), {"amount": 21_500, "paid_on": date(2026, 5, 15)}),
        ],
    },
    {
        "council": "田河津",
        "programme": "jigyo7",
        "year": 2026,
        "title": "地域づくり計画策定のためのワークショップ",
        "purpose": "地域づくり計画の策定に向けたワークショップ（5回）を行う。",
        "period": (date(2026, 5, 1), date(2026, 9, 30)),
        "requested": 100_000,
        "lines": _lines(
            ("hoshohi", "ファシリテーター謝礼", 100_000), ("juyohi", "模造紙・付箋・印刷", 50_000)
        ),
        "steps": [
            ("submit", date(2026, 4, 24), {}),
            ("decide", date(2026, 5, 12), {"decided_on": date(2026, 5, 12)}),
        ],
    },
    {
        "council": "京津畑",
        "programme": "jigyo7",
        "year": 2026,
        "title": "地域交流バスツアー",
        "purpose": "住民の親睦を深めるため、県内の観光地を巡るバスツアーを行う。",
        "period": (date(2026, 9, 1), date(2026, 10, 31)),
        "requested": 90_000,
        "lines": _lines(("shiyoryo", "バスの借上げ", 135_000)),
        "steps": [
            ("submit", date(2026, 7, 1), {}),
            (
                "refuse",
                date(2026, 7, 21),
                {
                    "issued_on": date(2026, 7, 21),
                    "comment": "親睦・観光を主な目的とする事業であり、地域課題の解決に向けた"
                    "活動とは認められないため。",
                },
            ),
        ],
    },
    {
        "council": "花泉",
        "programme": "jigyo8",
        "year": 2026,
        "title": "花と緑のまちづくり事業",
        "purpose": "沿道の花壇整備と、子どもたちとの植栽活動を行う。",
        "period": (date(2026, 4, 15), date(2026, 10, 20)),
        "requested": 420_000,
        "lines": _lines(
            ("juyohi", "花苗・肥料", 300_000), ("bihin", "散水用ホース・道具", 120_000)
        ),
        "actual": _lines(
            ("juyohi", "花苗・肥料", 296_800), ("bihin", "散水用ホース・道具", 118_000)
        ),
        "steps": [
            ("submit", date(2026, 4, 10), {}),
            ("decide", date(2026, 4, 28), {"decided_on": date(2026, 4, 28)}),
            (
                "submit_report",
                date(2026, 11, 2),
                {"report": "花壇12か所を整備し、植栽活動を3回（延べ参加140人）行った。"},
            ),
        ],
    },
]


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def applications(stdout=None) -> None:
    """Demo applications in every status; skipped when one with the same title exists."""
    programmes = {p.code: p for p in SubsidyProgramme.objects.all()}
    categories = {c.code: c for c in ExpenseCategory.objects.all()}
    created = 0
    for spec in DEMO_APPLICATIONS:
        council = Council.objects.filter(name=f"{spec['council']}地域協働体").first()
        if council is None:
            continue
        programme = programmes[spec["programme"]]
        if Application.objects.filter(
            council=council, programme=programme, fiscal_year=spec["year"], title=spec["title"]
        ).exists():
            continue
        start, end = spec["period"]
        first_day = spec["steps"][0][1] if spec["steps"] else date(spec["year"], 4, 1)
        application = Application.objects.create(
            council=council,
            programme=programme,
            fiscal_year=spec["year"],
            title=spec["title"],
            purpose=spec["purpose"],
            work_starts_on=start,
            work_ends_on=end,
            requested_amount=spec["requested"],
            created_at=_at(first_day),
        )
        services.replace_lines(application, "plan", _line_inputs(spec["lines"], categories))
        ApplicationEvent.objects.create(
            application=application,
            action="create",
            from_status=Status.DRAFT,
            to_status=Status.DRAFT,
            actor_role=ActorRole.SYSTEM,
            at=_at(first_day),
            comment=DEMO_NOTE,
            changes={"requested_amount": [None, spec["requested"]]},
        )
        for action, day, data in spec["steps"]:
            data = dict(data)
            comment = data.pop("comment", DEMO_NOTE)
            if action == "submit":
                data["today"] = day
            if action == "submit_report":
                data = {
                    "lines": _line_inputs(spec["actual"], categories),
                    "report_text": data["report"],
                    "today": day,
                }
            services.record_past_transition(
                application=application, action=action, at=_at(day), comment=comment, **data
            )
        created += 1
    if stdout:
        stdout.write(f"  交付申請 {Application.objects.count()}（今回追加 {created}）")


def _line_inputs(specs, categories):
    return [
        services.LineInput(categories[code], amount, description)
        for code, description, amount in specs
    ]
