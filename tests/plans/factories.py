"""factory_boy factories for plans."""

import factory

from plans.models import (
    Plan,
    PlanItem,
    PlanKind,
    PlanStatus,
    Policy,
    ProgressEntry,
    ProgressStatus,
    StatusVocabulary,
)
from tests.factories import CouncilFactory


class VocabularyFactory(factory.django.DjangoModelFactory):
    """Morioka's four statuses: 達成済 / 実施進行中・調査検討中 / 未達成 / 「-」."""

    class Meta:
        model = StatusVocabulary
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"達成状況{n}")

    @factory.post_generation
    def statuses(self, create, extracted, **kwargs):
        if not create or self.statuses.exists():
            return
        rows = extracted or [
            ("achieved", "達成済", True),
            ("in_progress", "実施進行中・調査検討中", True),
            ("not_achieved", "未達成", True),
            ("not_assessed", "-", False),
        ]
        for order, (code, label, assessed) in enumerate(rows, 1):
            ProgressStatus.objects.create(
                vocabulary=self, code=code, label=label, order=order, is_assessed=assessed
            )


class PlanFactory(factory.django.DjangoModelFactory):
    """A published city plan over 2019–2023 (平成31年度〜令和5年度)."""

    class Meta:
        model = Plan

    kind = PlanKind.CITY
    council = None
    title = factory.Sequence(lambda n: f"協働推進計画{n}")
    start_year = 2019
    end_year = 2023
    vocabulary = factory.SubFactory(VocabularyFactory)
    status = PlanStatus.PUBLISHED

    class Params:
        community = factory.Trait(
            kind=PlanKind.COMMUNITY, council=factory.SubFactory(CouncilFactory)
        )


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(int)
    number = factory.Sequence(lambda n: f"⑴{n}")
    title = factory.Sequence(lambda n: f"基本方針{n}")


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    policy = factory.SubFactory(PolicyFactory)
    plan = factory.LazyAttribute(lambda o: o.policy.plan)
    order = factory.Sequence(int)
    number = factory.Sequence(lambda n: f"事業{n}")
    title = factory.Sequence(lambda n: f"事業名{n}")
    content = "内容"


class EntryFactory(factory.django.DjangoModelFactory):
    """A draft entry for 令和2年度 with text and the first status of the plan's vocabulary."""

    class Meta:
        model = ProgressEntry

    item = factory.SubFactory(PlanItemFactory)
    fiscal_year = 2020
    half = None
    done = "研修会を開催した。"
    status = factory.LazyAttribute(lambda o: o.item.plan.vocabulary.statuses.first())
