"""Each city numbers its own notices, and imports only into its own districts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import tenancy
from councils.models import Council, PopulationRecord
from subsidies.models import DocumentCounter, NoticeKind

pytestmark = pytest.mark.django_db

A_HOST = "ichinoseki.test"


def test_each_city_issues_its_first_decision_notice_as_number_1(city_a, city_b):
    a, b = city_a.notice, city_b.notice
    assert (a.kind, b.kind) == (NoticeKind.DECISION, NoticeKind.DECISION)
    assert a.fiscal_year == b.fiscal_year
    assert (a.number, b.number) == (1, 1)
    assert (a.document_number, b.document_number) == ("山目協第1号", "仁保協第1号")
    with tenancy.all_cities():
        counters = DocumentCounter.objects.all_cities().filter(fiscal_year=a.fiscal_year)
        assert sorted((c.municipality.name, c.last_number) for c in counters) == [
            ("一関市", 1),
            ("山口市", 1),
        ]


def upload(client, url, text):
    file = SimpleUploadedFile("import.csv", text.encode("utf-8-sig"))
    return client.post(url, {"import_file": file, "format": "0", "resource": "0"}, HTTP_HOST=A_HOST)


def counts(city):
    with tenancy.city_scope(city):
        return PopulationRecord.objects.count(), Council.objects.count()


def test_population_file_naming_the_other_citys_districts_is_refused_by_row(client, city_a, city_b):
    client.force_login(city_a.staff)
    before = counts(city_a.city), counts(city_b.city)
    text = "調査年月日,地域コード,総数\r\n2026-03-31,A-01,1100\r\n2026-03-31,B-01,1200\r\n"
    response = upload(client, "/admin/councils/populationrecord/import/", text)
    page = response.content.decode()
    assert response.status_code == 200
    assert "地域コード「B-01」の地区が登録されていません" in page
    assert [(p.row, p.column, p.code) for p in response.context["result"].problems] == [
        (3, "地域コード", "unknown_district")
    ]
    assert "process_import" not in page  # no confirm step
    assert (counts(city_a.city), counts(city_b.city)) == before


def test_councils_file_naming_the_other_citys_districts_is_refused_by_row(client, city_a, city_b):
    client.force_login(city_a.staff)
    before = counts(city_a.city), counts(city_b.city)
    text = (
        "名称,名称（かな）,段階,段階の開始日,区域（地区コード）\r\n"
        "本町地域協働体,ほんちょう,設立,2024-04-01,A-01\r\n"
        "仁保の協議会,にほ,設立,2024-04-01,B-01\r\n"
    )
    response = upload(client, "/admin/councils/council/import/", text)
    page = response.content.decode()
    assert response.status_code == 200
    assert "「B-01」に当たる地区（地区コード）が登録されていません" in page
    assert [(p.row, p.column, p.code) for p in response.context["result"].problems] == [
        (3, "区域（地区コード）", "invalid")
    ]
    assert (counts(city_a.city), counts(city_b.city)) == before
