"""factory_boy factories for core and councils; other apps keep theirs in tests/<app>/."""

from datetime import date

import factory

from core import tenancy
from core.models import User
from councils.models import (
    CivicCentre,
    Council,
    CouncilSecretary,
    CouncilStageChange,
    District,
    MemberOrganisation,
    OrganisationKind,
    PopulationRecord,
    Stage,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"利用者{n}")
    password = factory.django.Password("test-password-123")
    is_superuser = False
    # Staff and secretaries belong to the city in force, as accounts made in the admin do;
    # a superuser is a platform operator, with no city.
    municipality = factory.LazyAttribute(
        lambda user: None if user.is_superuser else tenancy.current_municipality()
    )


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    code = factory.Sequence(lambda n: f"D{n:05d}")
    name = factory.Sequence(lambda n: f"第{n}地区")
    kana = "ちく"


class PopulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PopulationRecord

    district = factory.SubFactory(DistrictFactory)
    as_of = date(2026, 3, 31)
    population = 1000
    households = 400


class CouncilFactory(factory.django.DjangoModelFactory):
    """A council at the plan-adopted stage since 2016, covering one district of 1,000 people.

    Pass ``stage`` and ``stage_since`` for another stage; the history gets one row.
    """

    class Meta:
        model = Council
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"第{n}地域協働体")
    kana = factory.Sequence(lambda n: f"だい{n}ちいききょうどうたい")
    stage = Stage.PLAN_ADOPTED
    stage_since = date(2016, 4, 1)
    representative_name = "髙橋 一郎"

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            district = DistrictFactory()
            PopulationFactory(district=district)
            extracted = [district]
        self.districts.set(extracted)

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create:
            CouncilStageChange.objects.create(
                council=self, stage=self.stage, changed_on=self.stage_since
            )


class CivicCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CivicCentre

    name = factory.Sequence(lambda n: f"第{n}市民センター")
    address = "岩手県一関市竹山町7番2号"
    council = factory.SubFactory(CouncilFactory)


class SecretaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilSecretary

    council = factory.SubFactory(CouncilFactory)
    # A secretary's account belongs to the council's city (it logs in at that city's host).
    user = factory.SubFactory(
        UserFactory, municipality=factory.SelfAttribute("..council.municipality")
    )
    started_on = date(2026, 4, 1)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberOrganisation

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"第{n}自治会")
    kind = OrganisationKind.NEIGHBOURHOOD
