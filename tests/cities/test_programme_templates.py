"""A city starts a programme from another city's shared programme, then edits the amounts."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import tenancy
from subsidies import services
from subsidies.models import Budget, ExpenseCategory, ProgrammeRule, SubsidyProgramme
from tests.cities import make_city
from tests.subsidies.factories import (
    ALL_STAGES,
    BudgetFactory,
    ExpenseCategoryFactory,
    ProgrammeFactory,
    RuleFactory,
)

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "ichinoseki.test"}


@pytest.fixture(autouse=True)
def city_hosts(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test"]


@pytest.fixture
def yamaguchi(city):
    return make_city("yamaguchi")


@pytest.fixture
def source(yamaguchi):
    """山口市's 地域づくり交付金: two rule versions, three categories, budgets of its own."""
    with tenancy.city_scope(yamaguchi):
        ExpenseCategoryFactory(code="juyohi", name="需用費", examples="消耗品・印刷")
        ExpenseCategoryFactory(code="hoshohi", name="報償費", sort_order=2)
        ExpenseCategoryFactory(code="jinkenhi", name="人件費", is_labour=True, sort_order=9)
        programme = ProgrammeFactory(
            code="kofukin",
            name="地域づくり交付金",
            description="地域づくり協議会の活動に交付します。",
            regulation_name="山口市地域づくり交付金交付要綱",
            notice_prefix="山地",
            contact_email="kyodo@city.yamaguchi.example.jp",
            notes="山口市の内部メモ",
        )
        RuleFactory(
            programme=programme,
            valid_from_fiscal_year=2019,
            rate_numerator=2,
            rate_denominator=3,
            rounding_unit=1000,
            yearly_cap=1_234_567,
            lifetime_cap=9_876_543,
            max_fiscal_years=3,
            categories=["juyohi", "hoshohi"],
        )
        RuleFactory(
            programme=programme,
            valid_from_fiscal_year=2024,
            rate_numerator=9,
            rate_denominator=10,
            yearly_cap=2_000_001,
            flat_amount=300_000,
            per_capita_unit=123,
            population_reference_date=date(2023, 10, 1),
            labour_eligible=True,
            labour_cap=1_800_000,
            eligible_stages=[ALL_STAGES[2]],
            advance_payment_allowed=True,
            report_due_days=45,
            report_days_after_year_end=20,
            max_applications_per_theme=2,
            categories=["juyohi", "jinkenhi"],
        )
        BudgetFactory(programme=programme, fiscal_year=2026, amount=55_000_000)
    return programme


def copy(source_id, code="chiiki", name="地域づくり交付金（一関市）"):
    return services.programme_from_template(source_id, code=code, name=name, actor=None)


def test_rates_caps_and_categories_are_copied_exactly_and_budgets_are_not(city, yamaguchi, source):
    ExpenseCategoryFactory(code="juyohi", name="需用費")  # 一関市 has this one already
    programme = copy(source.pk)

    assert (programme.municipality_id, programme.code, programme.name) == (
        city.pk,
        "chiiki",
        "地域づくり交付金（一関市）",
    )
    assert programme.description == "地域づくり協議会の活動に交付します。"
    assert (programme.regulation_name, programme.notice_prefix, programme.contact_email) == (
        "",
        "",
        "",
    )
    assert programme.shared_as_template is True
    rules = list(
        ProgrammeRule.objects.filter(programme=programme).order_by("valid_from_fiscal_year")
    )
    assert [
        (
            r.valid_from_fiscal_year,
            r.rate_numerator,
            r.rate_denominator,
            r.rounding_unit,
            r.yearly_cap,
            r.lifetime_cap,
            r.max_fiscal_years,
            r.flat_amount,
            r.per_capita_unit,
            r.population_reference_date,
            r.labour_eligible,
            r.labour_cap,
            r.eligible_stages,
            r.advance_payment_allowed,
            r.report_due_days,
            r.report_days_after_year_end,
            r.max_applications_per_theme,
            r.municipality_id,
        )
        for r in rules
    ] == [
        (2019, 2, 3, 1000, 1_234_567, 9_876_543, 3, None, None, None, False, None,
         ALL_STAGES, False, 30, 10, None, city.pk),
        (2024, 9, 10, 1, 2_000_001, None, None, 300_000, 123, date(2023, 10, 1), True, 1_800_000,
         [ALL_STAGES[2]], True, 45, 20, 2, city.pk),
    ]  # fmt: skip
    assert [sorted(c.code for c in r.eligible_categories.all()) for r in rules] == [
        ["hoshohi", "juyohi"],
        ["jinkenhi", "juyohi"],
    ]
    # Categories are 一関市's own: the existing 需用費 reused, the missing ones made here.
    categories = {c.code: c for c in ExpenseCategory.objects.all()}
    assert sorted(categories) == ["hoshohi", "jinkenhi", "juyohi"]
    assert {c.municipality_id for c in categories.values()} == {city.pk}
    assert (categories["jinkenhi"].name, categories["jinkenhi"].is_labour) == ("人件費", True)
    assert (categories["hoshohi"].name, categories["hoshohi"].is_labour) == ("報償費", False)
    assert {c.pk for r in rules for c in r.eligible_categories.all()} == {
        c.pk for c in categories.values()
    }
    assert list(Budget.objects.filter(programme=programme)) == []
    # The engine calculates with the copy's own terms.
    assert rules[1].terms().yearly_cap == 2_000_001 and rules[1].terms().labour_cap == 1_800_000

    # 山口市 is untouched: one programme, its own categories, its own budget.
    with tenancy.city_scope(yamaguchi):
        assert list(SubsidyProgramme.objects.values_list("code", flat=True)) == ["kofukin"]
        assert ExpenseCategory.objects.count() == 3
        assert list(Budget.objects.values_list("amount", flat=True)) == [55_000_000]
        assert ProgrammeRule.objects.count() == 2


def test_the_copy_is_edited_without_changing_the_source(city, yamaguchi, source):
    programme = copy(source.pk)
    ProgrammeRule.objects.filter(programme=programme).update(yearly_cap=500_000)
    with tenancy.city_scope(yamaguchi):
        assert sorted(
            ProgrammeRule.objects.filter(programme=source).values_list("yearly_cap", flat=True)
        ) == [1_234_567, 2_000_001]


def test_code_already_used_in_this_city_is_refused(city, yamaguchi, source):
    ProgrammeFactory(code="chiiki", name="既存の制度")
    with pytest.raises(ValidationError) as error:
        copy(source.pk)
    assert error.value.message_dict == {"code": ["この制度コードは既に使われています。"]}
    assert list(SubsidyProgramme.objects.values_list("name", flat=True)) == ["既存の制度"]
    assert not ProgrammeRule.objects.exists() and not ExpenseCategory.objects.exists()


def test_the_same_code_in_another_city_is_no_clash(city, yamaguchi, source):
    programme = copy(source.pk, code="kofukin")
    assert programme.code == "kofukin"


def test_a_programme_not_shared_is_refused(city, yamaguchi, source):
    with tenancy.city_scope(yamaguchi):
        SubsidyProgramme.objects.filter(pk=source.pk).update(shared_as_template=False)
    with pytest.raises(ValidationError) as error:
        copy(source.pk)
    assert error.value.message_dict == {
        "source": ["指定された制度は、ひな形として公開されている他の自治体の制度ではありません。"]
    }
    assert not SubsidyProgramme.objects.exists() and not ExpenseCategory.objects.exists()


def test_a_programme_of_this_city_or_none_at_all_is_refused(city, yamaguchi, source):
    own = RuleFactory(programme__code="katsudo").programme
    with pytest.raises(ValidationError) as error:
        copy(own.pk)
    assert error.value.message_dict == {
        "source": ["この自治体の制度はひな形にできません。他の自治体の制度を選んでください。"]
    }
    for missing in (source.pk + 1000, "abc", None):
        with pytest.raises(ValidationError) as error:
            copy(missing)
        assert error.value.message_dict == {
            "source": [
                "指定された制度は、ひな形として公開されている他の自治体の制度ではありません。"
            ]
        }
    assert list(SubsidyProgramme.objects.values_list("code", flat=True)) == ["katsudo"]


def test_bad_code_or_name_is_refused_and_nothing_saved(city, yamaguchi, source):
    with pytest.raises(ValidationError) as error:
        copy(source.pk, code="新しい制度", name="")
    assert sorted(error.value.message_dict) == ["code", "name"]
    assert not SubsidyProgramme.objects.exists()


def test_a_category_name_used_under_another_code_stops_the_copy(city, yamaguchi, source):
    ExpenseCategoryFactory(code="reward", name="報償費")
    with pytest.raises(ValidationError) as error:
        copy(source.pk)
    assert error.value.message_dict == {
        "source": [
            "経費区分「報償費」は、この自治体ではコード「reward」で登録されています"
            "（ひな形のコードは「hoshohi」）。どちらかのコードを揃えてからもう一度作成してください。"
        ]
    }
    assert not SubsidyProgramme.objects.exists() and not ProgrammeRule.objects.exists()
    assert list(ExpenseCategory.objects.values_list("code", flat=True)) == ["reward"]


def test_no_city_in_force_is_refused(yamaguchi, source):
    with tenancy.all_cities(), pytest.raises(ValidationError, match="自治体が決まっていません"):
        copy(source.pk)


@pytest.fixture
def city_admin(admin_client_staff):
    """Staff with the administrator group, at 一関市's host (the city in force is the host's)."""
    return admin_client_staff


def test_the_admin_lists_other_cities_shared_programmes_and_creates_a_copy(
    city, yamaguchi, source, city_admin
):
    ProgrammeFactory(code="mine", name="一関市の自前の制度")
    with tenancy.city_scope(make_city("morioka")):
        RuleFactory(programme__code="hidden", programme__name="盛岡市の非公開制度",
                    programme__shared_as_template=False)  # fmt: skip
    url = reverse("admin:subsidies_subsidyprogramme_templates")
    listing = city_admin.get(reverse("admin:subsidies_subsidyprogramme_changelist"), **HOST)
    assert url in listing.content.decode() and "他の自治体の制度をひな形に作成" in (
        listing.content.decode()
    )

    page = city_admin.get(url, **HOST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "山口市" in html and "地域づくり交付金" in html
    assert "9/10" in html and "2,000,001円" in html and "この制度をひな形に作成" in html
    assert "盛岡市の非公開制度" not in html and "一関市の自前の制度" not in html

    response = city_admin.post(
        url, {"source": source.pk, "code": "chiiki", "name": "地域づくり交付金（一関市）"}, **HOST
    )
    programme = SubsidyProgramme.objects.get(code="chiiki")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:subsidies_subsidyprogramme_change", args=[programme.pk]
    )
    assert programme.municipality_id == city.pk
    assert sorted(programme.rules.values_list("yearly_cap", flat=True)) == [1_234_567, 2_000_001]
    assert programme.history.get().history_user_id is not None


def test_the_admin_shows_bad_input_in_japanese_and_saves_nothing(
    city, yamaguchi, source, city_admin
):
    ProgrammeFactory(code="chiiki", name="既存の制度")
    url = reverse("admin:subsidies_subsidyprogramme_templates")
    response = city_admin.post(url, {"source": source.pk, "code": "chiiki", "name": "新"}, **HOST)
    assert response.status_code == 200
    assert "制度コード: この制度コードは既に使われています。" in response.content.decode()

    with tenancy.city_scope(yamaguchi):
        SubsidyProgramme.objects.filter(pk=source.pk).update(shared_as_template=False)
    response = city_admin.post(url, {"source": source.pk, "code": "other", "name": "新"}, **HOST)
    assert "ひな形として公開されている他の自治体の制度ではありません。" in (
        response.content.decode()
    )
    assert list(SubsidyProgramme.objects.values_list("code", flat=True)) == ["chiiki"]


def test_viewers_cannot_create_from_a_template(city, yamaguchi, source, client, viewer_user):
    client.force_login(viewer_user)
    url = reverse("admin:subsidies_subsidyprogramme_templates")
    assert client.get(url, **HOST).status_code == 403
    response = client.post(url, {"source": source.pk, "code": "x", "name": "x"}, **HOST)
    assert response.status_code == 403
    assert not SubsidyProgramme.objects.exists()
