"""Fixtures for the grant lifecycle tests: a programme, two councils with secretaries,
staff users, and uploads/PDF caches kept in a temporary directory."""

import pytest

from councils.models import Stage
from tests.factories import CouncilFactory, SecretaryFactory, UserFactory

from .factories import BudgetFactory, ExpenseCategoryFactory, RuleFactory
from .lifecycle import YEAR, World


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MANAGERS = [("補助金担当", "hojokin@city.example.jp")]
    return settings.MEDIA_ROOT


@pytest.fixture
def world(db, staff_groups, editor_user, viewer_user):
    """A 10/10 programme (advance allowed, yearly cap 200,000, budget 1,000,000 this year)
    and two councils, each with its own secretary."""
    juyohi = ExpenseCategoryFactory(code="juyohi")
    hoshohi = ExpenseCategoryFactory(code="hoshohi", name="報償費")
    ExpenseCategoryFactory(code="jinkenhi")
    rule = RuleFactory(
        programme__code="katsudo",
        programme__name="活動費補助金",
        programme__notice_prefix="一関ま",
        programme__contact_email="",
        yearly_cap=200_000,
        advance_payment_allowed=True,
        categories=["juyohi", "hoshohi"],
    )
    BudgetFactory(programme=rule.programme, fiscal_year=YEAR, amount=1_000_000)
    BudgetFactory(programme=rule.programme, fiscal_year=YEAR - 1, amount=1_000_000)
    council = CouncilFactory(name="山目地域協働体")
    other = CouncilFactory(name="藤沢地域協働体")
    secretary = SecretaryFactory(
        council=council, user=UserFactory(username="yamanome", email="yamanome@example.jp")
    ).user
    other_secretary = SecretaryFactory(
        council=other, user=UserFactory(username="fujisawa", email="fujisawa@example.jp")
    ).user
    editor_user.email = "editor@city.example.jp"
    editor_user.save()
    return World(
        programme=rule.programme,
        rule=rule,
        juyohi=juyohi,
        hoshohi=hoshohi,
        council=council,
        other=other,
        secretary=secretary,
        other_secretary=other_secretary,
        staff=editor_user,
        viewer=viewer_user,
        preparing_stage=Stage.PREPARING,
    )
