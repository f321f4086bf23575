"""Factories for subsidies, and a bulk helper for tests and benchmarks with many councils."""

from datetime import date
from fractions import Fraction

import factory

from councils.models import Council, CouncilStageChange, District, PopulationRecord, Stage
from subsidies.engine import RuleTerms
from subsidies.models import Budget, ExpenseCategory, ProgrammeRule, SubsidyProgramme

ALL_STAGES = [Stage.PREPARING.value, Stage.ESTABLISHED.value, Stage.PLAN_ADOPTED.value]


class ExpenseCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpenseCategory
        django_get_or_create = ("code",)

    code = "juyohi"
    name = factory.LazyAttribute(
        lambda o: {"juyohi": "需用費", "jinkenhi": "人件費"}.get(o.code, o.code)
    )
    is_labour = factory.LazyAttribute(lambda o: o.code == "jinkenhi")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubsidyProgramme

    code = factory.Sequence(lambda n: f"prog{n}")
    name = factory.Sequence(lambda n: f"補助制度{n}")


class RuleFactory(factory.django.DjangoModelFactory):
    """A 10/10 rule for every stage from 2019 with 需用費 eligible; override as needed."""

    class Meta:
        model = ProgrammeRule
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    valid_from_fiscal_year = 2019
    rate_numerator = 1
    rate_denominator = 1
    eligible_stages = factory.LazyFunction(lambda: list(ALL_STAGES))

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if not create:
            return
        codes = extracted if extracted is not None else ["juyohi"]
        self.eligible_categories.set([ExpenseCategoryFactory(code=code) for code in codes])


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    programme = factory.SubFactory(ProgrammeFactory)
    fiscal_year = 2026
    amount = 1_000_000


def terms(**overrides) -> RuleTerms:
    """Plain rule terms for engine tests: 10/10, every stage, 需用費 and 人件費."""
    values = {
        "rate": Fraction(1),
        "eligible_stages": frozenset(ALL_STAGES),
        "eligible_categories": frozenset({"juyohi", "hoshohi", "jinkenhi"}),
        "labour_categories": frozenset({"jinkenhi"}),
        "category_names": {"juyohi": "需用費", "hoshohi": "報償費", "jinkenhi": "人件費"},
    }
    values.update(overrides)
    return RuleTerms(**values)


def make_councils(
    count: int,
    *,
    stage: str = Stage.PLAN_ADOPTED,
    population: int = 1000,
    as_of: date = date(2026, 3, 31),
    since: date = date(2016, 4, 1),
    prefix: str = "一括",
) -> list[Council]:
    """``count`` councils of one district each, with population and stage history.

    Bulk inserts (a handful of queries), so history models record nothing.
    """
    districts = District.objects.bulk_create(
        District(code=f"{prefix}-{i:05d}", name=f"{prefix}{i}地区") for i in range(count)
    )
    PopulationRecord.objects.bulk_create(
        PopulationRecord(district=d, as_of=as_of, population=population) for d in districts
    )
    councils = Council.objects.bulk_create(
        Council(
            name=f"{prefix}{i}地域協働体",
            kana=f"いっかつ{i:05d}",
            stage=stage,
            stage_since=since,
        )
        for i in range(count)
    )
    Council.districts.through.objects.bulk_create(
        Council.districts.through(council_id=c.pk, district_id=d.pk)
        for c, d in zip(councils, districts, strict=True)
    )
    CouncilStageChange.objects.bulk_create(
        CouncilStageChange(council=c, stage=stage, changed_on=since) for c in councils
    )
    return councils
