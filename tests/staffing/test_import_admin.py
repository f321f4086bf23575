"""The import/export pages in the admin: dry run, confirm, errors by row and column, safe exports."""

from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from councils.models import Council, District, PopulationRecord
from councils.resources import CouncilResource, DistrictResource
from tests.factories import CouncilFactory, DistrictFactory, PopulationFactory

from .importing import city, run_import, sample

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = "0", "1"
EXPORT_CSV, EXPORT_SJIS, EXPORT_XLSX = "0", "1", "2"


def upload(client, url, name, data=None, format=CSV_FORMAT):
    file = SimpleUploadedFile(name, sample(name) if data is None else data)
    return client.post(url, {"import_file": file, "format": format, "resource": "0"})


def test_dry_run_shows_the_changes_then_confirm_imports(admin_client_staff, admin_user):
    url = "/admin/councils/district/import/"
    assert admin_client_staff.get(url).status_code == 200
    response = upload(admin_client_staff, url, "districts_cp932.csv")
    page = response.content.decode()
    assert response.status_code == 200
    assert "新規 <strong>3</strong>件" in page
    assert "髙田地区" in page and "取り込みを確定する" in page
    assert District.objects.count() == 0  # nothing saved by the dry run

    confirm = response.context["confirm_form"]
    response = admin_client_staff.post(
        "/admin/councils/district/process_import/", {**confirm.initial, "confirm": "1"}, follow=True
    )
    assert response.status_code == 200
    assert "地区を取り込みました（新規 3件、更新 0件、変更なし 0件）" in response.content.decode()
    assert District.objects.count() == 3
    assert {h.history_user for h in District.history.all()} == {admin_user}


def test_excel_upload_goes_through_the_same_steps(admin_client_staff):
    response = upload(
        admin_client_staff, "/admin/councils/district/import/", "districts.xlsx", format=XLSX_FORMAT
    )
    assert response.context["result"].summary["new"] == 3


def test_errors_are_listed_by_row_and_column_and_there_is_no_confirm_step(admin_client_staff):
    city()
    run_import(DistrictResource, "districts_utf8.csv")
    response = upload(
        admin_client_staff, "/admin/councils/populationrecord/import/", "population_bad_number.csv"
    )
    page = response.content.decode()
    assert "1件も保存されていません" in page
    assert "<td>6行目</td>" in page and "<td>総数</td>" in page and "<td>四十</td>" in page
    assert "confirm_form" not in response.context
    assert PopulationRecord.objects.count() == 0


def test_unknown_encoding_is_a_clear_message_on_the_form(admin_client_staff):
    response = upload(admin_client_staff, "/admin/councils/district/import/", "districts_utf16.txt")
    assert "UTF-16" in response.content.decode()
    assert District.objects.count() == 0


def test_confirm_step_is_all_or_nothing_even_if_data_changed_since_the_dry_run(admin_client_staff):
    city()
    run_import(DistrictResource, "districts_utf8.csv")
    response = upload(
        admin_client_staff,
        "/admin/councils/populationrecord/import/",
        "population_national_cp932.csv",
    )
    confirm = response.context["confirm_form"].initial
    # Between the dry run and the confirm, someone removes a district the file uses.
    District.objects.filter(code="T-003").delete()
    response = admin_client_staff.post(
        "/admin/councils/populationrecord/process_import/", {**confirm, "confirm": "1"}
    )
    page = response.content.decode()
    assert "1件も保存されていません" in page and "T-003" in page
    assert PopulationRecord.objects.count() == 0


def test_viewer_may_export_but_not_import(client, viewer_user):
    client.force_login(viewer_user)
    assert client.get("/admin/councils/district/import/").status_code == 403
    assert client.get("/admin/councils/district/export/").status_code == 200


def export(client, url, resource, format):
    data = {"format": format, "resource": "0"}
    for name in resource().get_export_order():
        data[f"{resource.__name__.lower()}_{name}"] = "on"
    return client.post(url, data)


@pytest.fixture
def dangerous_council():
    return CouncilFactory(
        name="+川西地域協働体",
        representative_name="@佐藤",
        notes='=HYPERLINK("http://example.com","詳しく")',
        contact_phone="-1+2",
    )


def test_csv_export_from_the_admin_is_neutralised(admin_client_staff, dangerous_council):
    response = export(
        admin_client_staff, "/admin/councils/council/export/", CouncilResource, EXPORT_CSV
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    for cell in ["'+川西地域協働体", "'@佐藤", "'=HYPERLINK", "'-1+2"]:
        assert cell in text


def test_xlsx_export_from_the_admin_is_neutralised(admin_client_staff, dangerous_council):
    response = export(
        admin_client_staff, "/admin/councils/council/export/", CouncilResource, EXPORT_XLSX
    )
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    cells = [c.value for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    formula_like = [c for c in cells if c[:1] in "=+-@\t\r"]
    assert formula_like == []
    assert '\'=HYPERLINK("http://example.com","詳しく")' in cells


def test_exported_file_imports_back_with_nothing_changed(admin_client_staff, dangerous_council):
    response = export(
        admin_client_staff, "/admin/councils/council/export/", CouncilResource, EXPORT_CSV
    )
    result = run_import(CouncilResource, "councils.csv", data=response.content)
    assert result.problems == []
    assert result.summary == {"new": 0, "update": 0, "unchanged": 1, "invalid": 0}
    assert Council.objects.get().notes.startswith("=HYPERLINK")


def test_shift_jis_export_refuses_characters_it_cannot_write(admin_client_staff):
    CouncilFactory(representative_name="𠮷田 花子")
    response = export(
        admin_client_staff, "/admin/councils/council/export/", CouncilResource, EXPORT_SJIS
    )
    assert response.status_code == 200
    assert "Shift_JIS で表せない文字「𠮷」" in response.content.decode()


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    ["/admin/councils/populationrecord/", "/admin/councils/district/", "/admin/councils/council/"],
)
def test_changelists_with_import_export_run_a_fixed_number_of_queries(
    admin_client_staff, django_assert_max_num_queries, url
):
    def add(count):
        for _ in range(count):
            council = CouncilFactory()
            PopulationFactory(district=council.districts.get(), as_of="2025-03-31")

    add(3)
    few = count_queries(admin_client_staff, url)
    add(40)
    with django_assert_max_num_queries(few):
        response = admin_client_staff.get(url)
    assert "インポート" in response.content.decode()


@pytest.mark.parametrize("model", ["district", "populationrecord", "council", "civiccentre"])
def test_councils_pages_with_import_export_answer_for_the_administrator_group(
    admin_client_staff, model
):
    council = CouncilFactory()
    PopulationFactory(district=council.districts.get(), as_of="2025-03-31")
    from tests.factories import CivicCentreFactory

    objects = {
        "district": council.districts.get(),
        "populationrecord": council.districts.get().populations.first(),
        "council": council,
        "civiccentre": CivicCentreFactory(council=council),
    }
    base = f"/admin/councils/{model}/"
    for url in [base, f"{base}import/", f"{base}export/", f"{base}{objects[model].pk}/change/"]:
        response = admin_client_staff.get(url)
        assert response.status_code == 200, url
    page = admin_client_staff.get(f"{base}export/").content.decode()
    assert "書き出す列" in page and "This exporter" not in page


def test_export_only_mixin_uses_the_safe_formats(rf, admin_user):
    from django.contrib import admin

    from core.imports.admin_views import ExportAdminMixin

    class LedgerLikeAdmin(ExportAdminMixin, admin.ModelAdmin):
        resource_classes = [DistrictResource]

    DistrictFactory(code="=1+1", name="@危険")
    model_admin = LedgerLikeAdmin(District, admin.AdminSite(name="export-only"))
    assert not hasattr(model_admin, "import_action")
    data = {"format": EXPORT_CSV, "resource": "0"}
    for name in DistrictResource().get_export_order():
        data[f"districtresource_{name}"] = "on"
    request = rf.post("/export/", data)
    request.user = admin_user
    response = model_admin.export_action(request)
    text = response.content.decode("utf-8-sig")
    assert "'=1+1" in text and "'@危険" in text
