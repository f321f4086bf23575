"""Ichinoseki's subsidy programmes as the 第2次一関市地域協働推進計画 states them.

Caps, rates, stages and the 2-year limit come from the plan (事業1, 7, 8). The plan gives
no amounts for 均等割 and the per-person 地域割 unit, so those are examples and marked
so. Budgets are plausible demo figures. 事業9 (support for the council's own
secretariat employee) has no programme of its own: the plan says its cost support is
事業8's 「事務局人件費」 part. Created with get_or_create: running again changes nothing.
"""

from councils.models import Stage

from .models import Budget, ExpenseCategory, ProgrammeRule, SubsidyProgramme

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
        # Project part only (labour is budgeted apart). 30 councils with a plan come to
        # about 19.6 million yen of ceilings; 2026 is set below that to show the warning.
        "budgets": {2025: 21_000_000, 2026: 19_000_000},
        "budget_note": "デモ用の金額（事業費分。事務局人件費は別枠）",
    },
]


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
    if stdout:
        stdout.write(
            f"  補助制度 {SubsidyProgramme.objects.count()}、"
            f"補助規則 {ProgrammeRule.objects.count()}、予算額 {Budget.objects.count()}"
        )
