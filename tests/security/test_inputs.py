"""Input that used to give a 500: amounts beyond 32 bits, control characters, a NUL in the
public search, oversized requests. Each is refused in Japanese and changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.validators import (
    MAX_YEN,
    MaxCountValidator,
    MaxYenValidator,
    strip_control_characters,
    validate_no_control_characters,
    yen_words,
)
from subsidies.models import Application, ApplicationEvent, ApplicationLine, Status
from tests.subsidies.http import application_data, lines_data, portal, report_form_data
from tests.subsidies.lifecycle import application_in, snapshot

pytestmark = pytest.mark.django_db

TOO_MUCH = "金額は999億9999万9999円以下で入力してください。"
BEYOND_32_BITS = "2147483648"
TOO_LARGE = "100,000,000,000"


@pytest.fixture
def sec(client, world):
    client.force_login(world.secretary)
    return client


def codes(form, field):
    return [e.code for e in form.errors.as_data().get(field, [])]


def test_the_yen_limit_in_words():
    assert yen_words(MAX_YEN) == "999億9999万9999円"
    assert yen_words(120_000) == "12万円"
    assert yen_words(0) == "0円"
    assert MaxYenValidator().message == TOO_MUCH


@pytest.mark.parametrize(
    ("value", "refused"), [(MAX_YEN - 1, False), (MAX_YEN, False), (MAX_YEN + 1, True)]
)
def test_the_yen_limit_at_its_boundary(value, refused):
    validator = MaxYenValidator()
    if refused:
        with pytest.raises(ValidationError) as error:
            validator(value)
        assert error.value.code == "amount_too_large"
    else:
        validator(value)


def test_the_count_limit_names_what_it_counts():
    validator = MaxCountValidator("人口")
    validator(99_999_999)
    with pytest.raises(ValidationError) as error:
        validator(100_000_000)
    assert error.value.code == "count_too_large"
    assert error.value.messages == ["人口は99,999,999以下で入力してください。"]


def test_amounts_beyond_32_bits_on_the_new_and_edit_forms(sec, world):
    # 2,147,483,648 (once a 500): refused in Japanese by the programme's cap, nothing saved.
    app = application_in(world, Status.DRAFT)
    before = snapshot(app)
    data = application_data(
        world, amount=BEYOND_32_BITS, lines=[(world.juyohi.pk, "印刷", BEYOND_32_BITS)]
    )
    response = sec.post(portal("edit", app.pk), data)
    assert response.status_code == 200
    assert codes(response.context["form"], "requested_amount") == ["above_engine_amount"]
    assert snapshot(app) == before
    # Above the largest amount: the limit, next to each field.
    data = application_data(world, amount=TOO_LARGE, lines=[(world.juyohi.pk, "印刷", TOO_LARGE)])
    for url in (portal("new"), portal("edit", app.pk)):
        response = sec.post(url, data)
        assert response.status_code == 200
        assert codes(response.context["form"], "requested_amount") == ["amount_too_large"]
        assert codes(response.context["formset"].forms[0], "amount") == ["amount_too_large"]
        assert TOO_MUCH in response.content.decode()
    assert snapshot(app) == before
    assert Application.objects.count() == 1 and ApplicationEvent.objects.count() == 1


def test_amounts_beyond_32_bits_on_the_change_form(sec, world):
    app = application_in(world, Status.DECIDED)
    before = snapshot(app)
    for amount, line, field_code, line_code in [
        (BEYOND_32_BITS, BEYOND_32_BITS, "above_engine_amount", None),
        (TOO_LARGE, TOO_LARGE, "amount_too_large", "amount_too_large"),
    ]:
        data = {
            "amount": amount,
            "comment": "参加者が増えたため。",
            **lines_data([(world.juyohi.pk, "印刷", line)]),
        }
        response = sec.post(portal("change", app.pk), data)
        assert response.status_code == 200
        assert codes(response.context["form"], "amount") == [field_code]
        if line_code:
            assert codes(response.context["formset"].forms[0], "amount") == [line_code]
            assert TOO_MUCH in response.content.decode()
        assert snapshot(app) == before


def test_an_amount_above_the_limit_on_the_report_form(sec, world):
    app = application_in(world, Status.DECIDED)
    before = snapshot(app)
    data = report_form_data([(world.juyohi.pk, "印刷", TOO_LARGE)], grant="120000")
    response = sec.post(portal("report", app.pk), data)
    assert response.status_code == 200
    assert codes(response.context["formset"].forms[0], "amount") == ["amount_too_large"]
    assert TOO_MUCH in response.content.decode()
    assert snapshot(app) == before
    assert not ApplicationLine.objects.filter(kind="actual").exists()


def test_an_actual_cost_beyond_32_bits_is_reported_in_full(sec, world):
    app = application_in(world, Status.DECIDED)
    # The grant is the decided 120,000円; the council paid the rest.
    data = report_form_data(
        [(world.juyohi.pk, "印刷", BEYOND_32_BITS)], grant="120000", own="2147363648"
    )
    response = sec.post(portal("report", app.pk), data)
    assert response.status_code == 302
    line = ApplicationLine.objects.get(application=app, kind="actual")
    assert line.amount == 2_147_483_648


def test_the_largest_amount_is_stored_in_full(world):
    app = application_in(world, Status.DRAFT)
    Application.objects.filter(pk=app.pk).update(requested_amount=MAX_YEN)
    assert Application.objects.get(pk=app.pk).requested_amount == 99_999_999_999


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85"])
def test_control_characters_are_refused(char):
    with pytest.raises(ValidationError) as error:
        validate_no_control_characters(f"防災{char}マップ")
    assert error.value.code == "control_character"
    assert "3文字目" in error.value.messages[0]


@pytest.mark.parametrize("text", ["一行目\n二行目", "一行目\r\n二行目", "列1\t列2", "𠮷野家🍙"])
def test_newlines_tabs_and_any_script_are_kept(text):
    validate_no_control_characters(text)
    assert strip_control_characters(text) == text


def test_stripping_leaves_the_text_around():
    assert strip_control_characters("防\x00災\x1bマ\x7fップ\n") == "防災マップ\n"
    assert strip_control_characters(12) == 12


def test_a_title_with_control_characters_is_refused_next_to_the_field(sec, world):
    response = sec.post(portal("new"), application_data(world, title="防災\x1bマップ"))
    assert response.status_code == 200
    assert codes(response.context["form"], "title") == ["control_character"]
    assert "使用できない制御文字（U+001B）が3文字目に含まれています。" in response.content.decode()
    assert not Application.objects.exists()


def test_a_line_description_with_control_characters_is_refused(sec, world):
    data = application_data(world, lines=[(world.juyohi.pk, "印刷\x1b代", "1000")])
    response = sec.post(portal("new"), data)
    assert response.status_code == 200
    assert codes(response.context["formset"].forms[0], "description") == ["control_character"]
    assert not Application.objects.exists()


def test_models_refuse_control_characters_without_a_form(world):
    from councils.models import Council

    council = Council.objects.get(pk=world.council.pk)
    council.name = "山目\x07地域協働体"
    with pytest.raises(ValidationError) as error:
        council.full_clean()
    assert [e.code for e in error.value.error_dict["name"]] == ["control_character"]


def test_the_admin_search_with_a_nul_answers(client, world, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:councils_council_changelist")
    assert client.get(url, {"q": "山目\x00"}).status_code == 200


def test_every_form_field_refuses_control_characters():
    from django import forms

    class AnyForm(forms.Form):
        name = forms.CharField()
        email = forms.EmailField(required=False)

    form = AnyForm({"name": "山目\x1b", "email": ""})
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["name"]] == ["control_character"]
    assert AnyForm({"name": "山目\n地域\t協働体"}).is_valid()


@pytest.mark.parametrize("query", ["\x00", "山目\x00", "\x00" * 60, "山目\x1b"])
def test_the_public_search_ignores_nul(client, world, query):
    response = client.get(reverse("public:council_list"), {"q": query})
    assert response.status_code == 200
    pdf = client.get(reverse("public:council_list_pdf"), {"q": query})
    assert pdf.status_code == 200


def test_the_public_search_still_finds_with_nul_around(client, world):
    page = client.get(reverse("public:council_list"), {"q": "山目\x00"}).content.decode()
    assert "山目地域協働体" in page and "藤沢地域協働体" not in page


def test_a_request_over_the_total_size_limit_gets_a_japanese_413(client, world, settings):
    settings.REQUEST_MAX_BYTES = 1000
    client.force_login(world.secretary)
    response = client.post(portal("new"), {"title": "x" * 2000}, HTTP_HOST="testserver")
    assert response.status_code == 413
    assert "一度に送信できるのは合計1KBまでです" in response.content.decode()
    assert "送信された内容が大きすぎます" in response.content.decode()
    assert not Application.objects.exists()


def test_too_many_fields_gets_a_japanese_400(sec, world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    data = application_data(world)
    data.update({f"extra-{i}": "x" for i in range(60)})
    response = sec.post(portal("new"), data)
    assert response.status_code == 400
    assert "送信された内容を受け付けられません" in response.content.decode()
    assert not Application.objects.exists()


def test_too_large_fields_get_a_japanese_400(sec, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = sec.post(portal("new"), application_data(world, purpose="あ" * 2000))
    assert response.status_code == 400
    assert "送信された内容を受け付けられません" in response.content.decode()
    assert not Application.objects.exists()


def test_the_ledger_exports_a_title_stored_with_control_characters(client, world):
    """A row stored before titles were checked: the Excel and CSV ledger drop the characters
    instead of failing for everyone."""
    import csv
    import io

    from openpyxl import load_workbook

    app = application_in(world, Status.DECIDED, amount=50_000)
    Application.objects.filter(pk=app.pk).update(title="防災\x01マップ\x1b作成\x0b")
    client.force_login(world.viewer)
    url = reverse("admin:subsidies_application_ledger")
    assert client.get(url, {"fiscal_year": app.fiscal_year}).status_code == 200
    xlsx = client.get(url, {"fiscal_year": app.fiscal_year, "format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "防災マップ作成" in values
    body = client.get(url, {"fiscal_year": app.fiscal_year, "format": "csv"}).content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert any("防災マップ作成" in row for row in rows)


def test_an_import_with_control_characters_is_refused_whole_in_japanese(world):
    from councils.models import District
    from councils.resources import DistrictResource
    from tests.staffing.importing import run_import

    data = "地区コード,地区名,地区名（かな）,備考\nT-001,本町地区,ほんちょうちく,\nT-002,髙田\x1b地区,たかだちく,\n"
    before = list(District.objects.order_by("pk").values())
    result = run_import(DistrictResource, "districts.csv", data=data.encode("utf-8"))
    assert [(p.row_label, p.column, p.code) for p in result.problems] == [
        ("3行目", "地区名", "control_character")
    ]
    assert "使用できない制御文字（U+001B）が3文字目に含まれています。" in result.problems[0].message
    assert list(District.objects.order_by("pk").values()) == before
    assert not District.objects.filter(code__in=["T-001", "T-002"]).exists()
