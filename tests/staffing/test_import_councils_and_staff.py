"""Councils, civic centres, city staff, liaison assignments and secretariat employees by file."""

from datetime import date

import pytest

from councils.models import CivicCentre, Council, CouncilStageChange, Management, Stage
from councils.resources import CivicCentreResource, CouncilResource, DistrictResource
from councils.selectors import council_stage_on
from staffing.models import LiaisonAssignment, LiaisonRole, SecretariatEmployee, StaffMember
from staffing.resources import (
    LiaisonAssignmentResource,
    SecretariatEmployeeResource,
    StaffMemberResource,
)
from tests.factories import UserFactory

from .importing import problems, run_import, sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return UserFactory(username="clerk")


@pytest.fixture
def councils(clerk):
    run_import(DistrictResource, "districts_utf8.csv")
    result = run_import(CouncilResource, "councils.csv", user=clerk)
    assert result.problems == []
    return result


def test_councils_are_created_with_districts_and_first_stage(councils, clerk):
    honcho = Council.objects.get(name="本町地域協働体")
    assert sorted(honcho.districts.values_list("code", flat=True)) == ["T-001", "T-002"]
    assert (honcho.stage, honcho.stage_since) == (Stage.ESTABLISHED, date(2024, 4, 1))
    change = CouncilStageChange.objects.get(council=honcho)
    assert (change.stage, change.changed_on, change.recorded_by) == (
        Stage.ESTABLISHED,
        date(2024, 4, 1),
        clerk,
    )
    kawanishi = Council.objects.get(name="川西地域協働体")
    assert (kawanishi.stage, kawanishi.is_model_district) == (Stage.PREPARING, True)
    assert kawanishi.representative_name == "𠮷田 花子"
    assert kawanishi.history.first().history_user == clerk


def test_reimporting_councils_changes_nothing(councils):
    again = run_import(CouncilResource, "councils.csv")
    assert again.summary == {"new": 0, "update": 0, "unchanged": 2, "invalid": 0}
    assert CouncilStageChange.objects.count() == 2


def test_a_stage_move_by_file_is_recorded_in_the_stage_history(councils, clerk):
    text = sample("councils.csv").decode("utf-8-sig")
    text = text.replace("設立準備・合意形成,令和7年6月1日", "設立,2026-04-01")
    result = run_import(CouncilResource, "councils.csv", data=text.encode(), user=clerk)
    assert result.problems == []
    kawanishi = Council.objects.get(name="川西地域協働体")
    assert council_stage_on(kawanishi, date(2026, 4, 1)) == Stage.ESTABLISHED
    assert kawanishi.stage_changes.last().note == "一括取込: councils.csv"


def test_stage_date_only_change_and_backdated_move_are_refused(councils):
    text = sample("councils.csv").decode("utf-8-sig").replace("2024-04-01", "2024-05-01")
    result = run_import(CouncilResource, "councils.csv", data=text.encode())
    assert problems(result) == [(2, "段階の開始日", "stage_date_only")]
    text = sample("councils.csv").decode("utf-8-sig")
    text = text.replace("設立準備・合意形成,令和7年6月1日", "設立,2020-04-01")
    result = run_import(CouncilResource, "councils.csv", data=text.encode())
    assert problems(result) == [(3, "段階の開始日", "stage_date_before_last")]
    assert Council.objects.get(name="川西地域協働体").stage == Stage.PREPARING


def test_unknown_district_and_bad_stage_are_named_and_nothing_is_imported(councils):
    text = sample("councils.csv").decode("utf-8-sig")
    text = text.replace("T-001、T-002", "T-001、T-404").replace("設立準備・合意形成", "準備中")
    result = run_import(CouncilResource, "councils.csv", data=text.encode())
    assert problems(result) == [(2, "区域（地区コード）", "invalid"), (3, "段階", "invalid")]
    assert "「T-404」に当たる地区（地区コード）が登録されていません" in result.problems[0].message
    assert Council.objects.get(name="本町地域協働体").districts.count() == 2


def test_civic_centres_import_with_council_names_and_management_labels(councils):
    result = run_import(CivicCentreResource, "civic_centres.csv")
    assert result.problems == []
    honcho = CivicCentre.objects.get(name="本町市民センター")
    assert honcho.council.name == "本町地域協働体"
    assert (honcho.management, honcho.managed_since) == (Management.DESIGNATED, date(2025, 4, 1))
    assert str(honcho.latitude) == "38.934567"


def test_designated_management_by_a_council_not_yet_established_is_refused(councils):
    text = sample("civic_centres.csv").decode("cp932")
    text = text.replace(
        "川西地域協働体,直営,,", "川西地域協働体,指定管理（地域協働体）,2025-07-01,"
    )
    result = run_import(CivicCentreResource, "civic_centres.csv", data=text.encode("cp932"))
    assert problems(result) == [(3, "管理運営", "council_not_established")]
    assert CivicCentre.objects.count() == 0


def test_staff_and_liaisons_import_with_full_width_staff_numbers(councils, clerk):
    assert run_import(StaffMemberResource, "staff.csv").problems == []
    assert StaffMember.objects.get(staff_number="10001").name == "佐藤 健太"
    assert StaffMember.objects.get(staff_number="10002").is_active is True
    result = run_import(LiaisonAssignmentResource, "liaison_assignments.csv", user=clerk)
    assert result.problems == []
    honcho = Council.objects.get(name="本町地域協働体")
    mains = honcho.liaison_assignments.filter(role=LiaisonRole.MAIN).order_by("started_on")
    assert [(a.staff.name, a.ended_on) for a in mains] == [
        ("佐藤 健太", date(2026, 3, 31)),
        ("阿部 翔", None),
    ]
    assert mains[0].history.first().history_user == clerk
    assert (
        run_import(LiaisonAssignmentResource, "liaison_assignments.csv").summary["unchanged"] == 4
    )


def test_overlapping_main_assignments_in_a_file_are_refused_whole(councils):
    run_import(StaffMemberResource, "staff.csv")
    text = sample("liaison_assignments.csv").decode().replace("2026-03-31", "")
    result = run_import(LiaisonAssignmentResource, "liaison_assignments.csv", data=text.encode())
    assert problems(result) == [(3, "開始日", "main_liaison_overlap")]
    assert LiaisonAssignment.objects.count() == 0


def test_assignment_ending_before_it_starts_and_unknown_staff_are_named(councils):
    run_import(StaffMemberResource, "staff.csv")
    text = sample("liaison_assignments.csv").decode()
    text = text.replace("2024-04-01,2026-03-31", "2024-04-01,2024-03-31").replace(
        "10003,千葉 由美,主担当", "99999,誰か,主担当"
    )
    result = run_import(LiaisonAssignmentResource, "liaison_assignments.csv", data=text.encode())
    assert problems(result) == [(2, "終了日", "end_before_start"), (5, "職員番号", "invalid")]
    assert LiaisonAssignment.objects.count() == 0


def test_secretariat_employee_of_the_council_in_its_first_year_is_refused_by_file(councils):
    header = (
        "地域協働体,氏名,雇用主,雇用開始日,給与（月額・円）,社会保険料の事業主負担（月額・円）\r\n"
    )
    rows = "本町地域協働体,小岩 恵子,地域協働体,2024-06-01,150000,22500\r\n"
    result = run_import(SecretariatEmployeeResource, "e.csv", data=(header + rows).encode())
    assert problems(result) == [(2, "雇用主", "council_employer_in_first_year")]
    rows = "本町地域協働体,小岩 恵子,市,2024-06-01,１５０，０００,\r\n"
    result = run_import(SecretariatEmployeeResource, "e.csv", data=(header + rows).encode())
    assert result.problems == []
    employee = SecretariatEmployee.objects.get()
    assert (employee.monthly_salary, employee.monthly_insurance) == (150_000, 0)
