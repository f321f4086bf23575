from datetime import date

import factory

from staffing.models import (
    Employer,
    LiaisonAssignment,
    LiaisonRole,
    SecretariatEmployee,
    StaffMember,
)
from tests.factories import CouncilFactory


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    staff_number = factory.Sequence(lambda n: f"{30000 + n}")
    name = factory.Sequence(lambda n: f"職員 {n}郎")
    kana = "しょくいん"
    department = "まちづくり推進課"
    phone = "0191-21-8341"


class LiaisonAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonAssignment

    staff = factory.SubFactory(StaffMemberFactory)
    council = factory.SubFactory(CouncilFactory)
    role = LiaisonRole.MAIN
    started_on = date(2026, 4, 1)


class SecretariatEmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecretariatEmployee

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"事務局 {n}子")
    employer = Employer.COUNCIL
    started_on = date(2026, 4, 1)
    monthly_salary = 150_000
    monthly_insurance = 22_500
    yearly_health_check = 8_800
