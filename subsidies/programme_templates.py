"""Starting a programme from another city's programme, shared as a template.

A city may open its programmes to other cities (``SubsidyProgramme.shared_as_template``, on by
default). Another city then copies the terms, the rule versions with their rate, caps, formula,
labour settings and eligible expense categories, and edits the amounts afterwards. What is the
source city's own is not copied: budgets, the plan item, the regulation's name, the notice
prefix and conditions, the contact address and internal notes.

The source is read under ``core.tenancy.all_cities()`` and turned into plain values there; the
copy is written afterwards inside the city in force, so nothing of the source city is written
and nothing of the copy is filed under it.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from core import tenancy
from core.calendar import fiscal_year, fiscal_year_label
from core.money import yen_amount

from .engine import rate_label
from .models import ExpenseCategory, ProgrammeRule, SubsidyProgramme

# The terms of a rule version copied as they are (the amounts are then the city's to edit).
RULE_TERMS = (
    "valid_from_fiscal_year",
    "rate_numerator",
    "rate_denominator",
    "rounding_unit",
    "yearly_cap",
    "lifetime_cap",
    "max_fiscal_years",
    "flat_amount",
    "per_capita_unit",
    "population_reference_date",
    "labour_eligible",
    "labour_cap",
    "eligible_stages",
    "advance_payment_allowed",
    "report_due_days",
    "report_days_after_year_end",
    "max_applications_per_theme",
    "amounts_are_examples",
    "example_note",
)
CATEGORY_TERMS = ("code", "name", "examples", "is_labour", "sort_order")
NOT_SHARED = "指定された制度は、ひな形として公開されている他の自治体の制度ではありません。"


@dataclass(frozen=True)
class TemplateRule:
    terms: dict
    categories: tuple[dict, ...]

    @property
    def rate_display(self) -> str:
        return rate_label(f"{self.terms['rate_numerator']}/{self.terms['rate_denominator']}")

    @property
    def yearly_cap_display(self) -> str:
        return yen_amount(self.terms["yearly_cap"])

    @property
    def lifetime_cap_display(self) -> str:
        return yen_amount(self.terms["lifetime_cap"])


@dataclass(frozen=True)
class SharedProgramme:
    """Another city's programme as plain values, read once under ``all_cities()``."""

    pk: int
    city_name: str
    code: str
    name: str
    description: str
    rules: tuple[TemplateRule, ...] = field(default=())

    def rule_for(self, year: int) -> TemplateRule | None:
        """The version in force in ``year``, else the first version to come."""
        rules = sorted(self.rules, key=lambda r: r.terms["valid_from_fiscal_year"])
        past = [r for r in rules if r.terms["valid_from_fiscal_year"] <= year]
        return past[-1] if past else (rules[0] if rules else None)

    @property
    def current_rule(self) -> TemplateRule | None:
        return self.rule_for(fiscal_year(timezone.localdate()))

    @property
    def current_label(self) -> str:
        rule = self.current_rule
        if rule is None:
            return "規則なし"
        return f"{fiscal_year_label(rule.terms['valid_from_fiscal_year'])}からの版"


def _target_city():
    city = tenancy.current_municipality()
    if city is None or city.pk is None:
        raise ValidationError(
            "ひな形から制度を作る自治体が決まっていません。自治体の画面から操作してください。",
            code="no_city",
        )
    return city


def _shared_programmes(city, source_id: int | None = None) -> list[SharedProgramme]:
    """Other cities' shared programmes (one when ``source_id``), read as plain values."""
    with tenancy.all_cities():
        programmes = (
            SubsidyProgramme.objects.all_cities()
            .filter(shared_as_template=True)
            .exclude(municipality_id=city.pk)
            .select_related("municipality")
            .prefetch_related(
                Prefetch(
                    "rules",
                    queryset=ProgrammeRule.objects.all_cities()
                    .order_by("valid_from_fiscal_year")
                    .prefetch_related(
                        Prefetch(
                            "eligible_categories",
                            queryset=ExpenseCategory.objects.all_cities().order_by(
                                "sort_order", "code"
                            ),
                        )
                    ),
                )
            )
            .order_by("municipality__local_government_code", "municipality_id", "sort_order")
        )
        if source_id is not None:
            programmes = programmes.filter(pk=source_id)
        return [
            SharedProgramme(
                pk=p.pk,
                city_name=p.municipality.name,
                code=p.code,
                name=p.name,
                description=p.description,
                rules=tuple(
                    TemplateRule(
                        terms={name: getattr(rule, name) for name in RULE_TERMS},
                        categories=tuple(
                            {name: getattr(c, name) for name in CATEGORY_TERMS}
                            for c in rule.eligible_categories.all()
                        ),
                    )
                    for rule in p.rules.all()
                ),
            )
            for p in programmes
        ]


def shared_programmes() -> list[SharedProgramme]:
    """What the city in force may start a programme from: other cities' shared programmes."""
    return _shared_programmes(_target_city())


def _source(source_id, city) -> SharedProgramme:
    try:
        source_id = int(source_id)
    except (TypeError, ValueError):
        raise ValidationError({"source": NOT_SHARED}, code="not_shared") from None
    if SubsidyProgramme.objects.filter(pk=source_id).exists():  # scoped to the city in force
        raise ValidationError(
            {"source": "この自治体の制度はひな形にできません。他の自治体の制度を選んでください。"},
            code="own_city",
        )
    found = _shared_programmes(city, source_id)
    if not found:
        raise ValidationError({"source": NOT_SHARED}, code="not_shared")
    return found[0]


def _category(terms: dict, cache: dict[str, ExpenseCategory]) -> ExpenseCategory:
    """The city's category with the source's code, made when the city has none."""
    code = terms["code"]
    if code in cache:
        return cache[code]
    category = ExpenseCategory.objects.filter(code=code).first()
    if category is None:
        clash = ExpenseCategory.objects.filter(name=terms["name"]).first()
        if clash is not None:
            raise ValidationError(
                {
                    "source": f"経費区分「{terms['name']}」は、この自治体ではコード「{clash.code}」"
                    f"で登録されています（ひな形のコードは「{code}」）。どちらかのコードを揃えてから"
                    "もう一度作成してください。"
                },
                code="category_name_clash",
            )
        category = ExpenseCategory(**terms)
        category.full_clean()
        category.save()
    cache[code] = category
    return category


def programme_from_template(source_id, *, code: str, name: str, actor=None) -> SubsidyProgramme:
    """A new programme of the city in force, copied from another city's shared programme.

    Rule versions (rate, caps, formula, labour settings, stages, report deadlines) are copied
    exactly, and their expense categories mapped by code to the city's own, creating the
    missing ones. Budgets are not copied. Raises ``ValidationError`` (fields ``source``,
    ``code``, ``name``) and saves nothing when the source is not another city's shared
    programme or the new code or name is not valid here.
    """
    city = _target_city()
    source = _source(source_id, city)
    programme = SubsidyProgramme(
        code=(code or "").strip(),
        name=(name or "").strip(),
        description=source.description,
        notes=f"{source.city_name}の「{source.name}」をひな形に作成"
        f"（{timezone.localdate():%Y-%m-%d}）。",
    )
    programme.full_clean()
    programme._history_user = actor
    with transaction.atomic():
        programme.save()
        categories: dict[str, ExpenseCategory] = {}
        for template in source.rules:
            rule = ProgrammeRule(
                programme=programme,
                notes=f"{source.city_name}の「{source.name}」"
                f"{fiscal_year_label(template.terms['valid_from_fiscal_year'])}からの版を写しました。",
                **template.terms,
            )
            rule.full_clean()
            rule._history_user = actor
            rule.save()
            rule.eligible_categories.set([_category(c, categories) for c in template.categories])
    return programme
