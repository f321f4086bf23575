"""Bad input is refused at the model level with a Japanese message, and nothing is saved."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from councils.models import (
    CivicCentre,
    Council,
    CouncilSecretary,
    District,
    Management,
    PopulationRecord,
    Stage,
)
from councils.services import council_create
from tests.factories import CouncilFactory, DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db


def codes(error: ValidationError, field: str) -> list[str]:
    return [e.code for e in error.error_dict[field]]


def test_negative_population_refused():
    record = PopulationRecord(district=DistrictFactory(), as_of=date(2026, 3, 31), population=-1)
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert "人口は0以上" in str(error.value)
    assert PopulationRecord.objects.count() == 0


def test_zero_population_allowed():
    PopulationRecord(district=DistrictFactory(), as_of=date(2026, 3, 31), population=0).full_clean()


def test_district_code_used_twice_refused():
    DistrictFactory(code="03209-001")
    with pytest.raises(ValidationError) as error:
        District(code="03209-001", name="重複地区").full_clean()
    assert codes(error.value, "code") == ["unique"]
    assert "既に使われています" in str(error.value)
    assert District.objects.count() == 1


def test_council_with_no_district_refused():
    with pytest.raises(ValidationError) as error:
        council_create(
            name="区域なし地域協働体",
            districts=[],
            stage=Stage.PREPARING,
            stage_since=date(2026, 4, 1),
        )
    assert codes(error.value, "districts") == ["no_district"]
    assert Council.objects.count() == 0


def test_council_create_records_first_stage():
    council = council_create(
        name="新地域協働体",
        districts=[DistrictFactory()],
        stage=Stage.PREPARING,
        stage_since=date(2026, 4, 1),
    )
    assert list(council.stage_changes.values_list("stage", flat=True)) == [Stage.PREPARING]


def test_designation_ending_before_it_starts_refused():
    council = CouncilFactory()
    centre = CivicCentre(
        name="山目市民センター",
        address="一関市山目",
        council=council,
        management=Management.DESIGNATED,
        managed_since=date(2026, 4, 1),
        designation_ends_on=date(2026, 3, 31),
    )
    with pytest.raises(ValidationError) as error:
        centre.full_clean()
    assert codes(error.value, "designation_ends_on") == ["end_before_start"]


def test_secretary_tenure_ending_before_it_starts_refused():
    tenure = CouncilSecretary(
        council=CouncilFactory(),
        user=UserFactory(),
        started_on=date(2026, 4, 1),
        ended_on=date(2026, 3, 1),
    )
    with pytest.raises(ValidationError) as error:
        tenure.full_clean()
    assert codes(error.value, "ended_on") == ["end_before_start"]


def test_civic_centre_managed_by_council_not_yet_established_refused():
    preparing = CouncilFactory(stage=Stage.PREPARING, stage_since=date(2025, 4, 1))
    centre = CivicCentre(
        name="準備中市民センター",
        address="一関市",
        council=preparing,
        management=Management.DESIGNATED,
        managed_since=date(2026, 4, 1),
    )
    with pytest.raises(ValidationError) as error:
        centre.full_clean()
    assert codes(error.value, "management") == ["council_not_established"]
    assert "設立されていない" in str(error.value)
    assert CivicCentre.objects.count() == 0


def test_designation_judged_on_the_stage_at_its_start_date():
    council = CouncilFactory(stage=Stage.PREPARING, stage_since=date(2015, 4, 1))
    from councils.services import council_change_stage

    council_change_stage(council=council, stage=Stage.ESTABLISHED, changed_on=date(2016, 4, 1))
    before = CivicCentre(
        name="A",
        address="一関市",
        council=council,
        management=Management.DESIGNATED,
        managed_since=date(2016, 3, 31),
    )
    with pytest.raises(ValidationError):
        before.full_clean()
    after = CivicCentre(
        name="B",
        address="一関市",
        council=council,
        management=Management.DESIGNATED,
        managed_since=date(2016, 4, 1),
    )
    after.full_clean()
