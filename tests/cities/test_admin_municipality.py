"""The municipality and users admin: operators register cities and hosts; a city's
administrators keep their own city's words, department and mayor, and their own users."""

import pytest

from core import roles, tenancy
from core.models import Municipality, MunicipalityHost, User
from tests.cities import CITIES, make_city
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

A_HOST = "ichinoseki.test"


def form_data(city=None, hosts=(), **overrides):
    fields = dict(CITIES["morioka"], slug="morioka", era_display="wareki", session_idle_minutes=60)
    if city is not None:
        names = (*CITIES["morioka"], "slug", "era_display", "session_idle_minutes")
        fields = {name: getattr(city, name) for name in names}
    fields.update(overrides)
    existing = list(city.hosts.all()) if city is not None else []
    data = {
        **{k: v for k, v in fields.items() if v is not None},
        "hosts-TOTAL_FORMS": str(len(existing) + len(hosts)),
        "hosts-INITIAL_FORMS": str(len(existing)),
        "hosts-MIN_NUM_FORMS": "0",
        "hosts-MAX_NUM_FORMS": "1000",
    }
    for i, host in enumerate(existing):
        data[f"hosts-{i}-id"] = str(host.pk)
        data[f"hosts-{i}-municipality"] = str(city.pk)
        data[f"hosts-{i}-host"] = host.host
    for i, host in enumerate(hosts, start=len(existing)):
        data[f"hosts-{i}-host"] = host
    return data


@pytest.fixture
def operator_client(client, db):
    client.force_login(UserFactory(username="operator", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def city_admin(city, staff_groups):
    user = UserFactory(username="ichinoseki-admin", is_staff=True, municipality=city)
    user.groups.add(staff_groups[roles.ADMINISTRATOR])
    return user


def add(client, data):
    make_city("yamaguchi")  # two cities: testserver is the platform host
    return client.post("/admin/core/municipality/add/", data, HTTP_HOST="testserver")


def errors(response):
    form = response.context["adminform"].form
    hosts = response.context["inline_admin_formsets"][0].formset
    return form.errors, [f.errors for f in hosts.forms], hosts.non_form_errors()


def test_operator_registers_a_city_with_its_hosts_in_lowercase(operator_client):
    response = add(operator_client, form_data(hosts=["Morioka.Example.JP", "morioka.localhost"]))
    assert response.status_code == 302, errors(response)
    with tenancy.all_cities():
        city = Municipality.objects.get(slug="morioka")
    assert sorted(h.host for h in city.hosts.all()) == ["morioka.example.jp", "morioka.localhost"]


@pytest.mark.parametrize(
    "overrides, hosts, field_errors, host_errors",
    [
        (
            {"local_government_code": "032019"},
            [],
            {
                "local_government_code": [
                    "全国地方公共団体コードの検査数字（6桁目）が正しくありません。"
                ]
            },
            [],
        ),
        (
            {"local_government_code": "032093"},
            [],
            {
                "local_government_code": [
                    "この全国地方公共団体コードは既に他の自治体（一関市）に登録されています。"
                ]
            },
            [],
        ),
        ({}, ["ichinoseki.test"], {}, [{"host": ["このホスト名は既に他の自治体が使っています。"]}]),
        (
            {},
            ["morioka.example.jp", "MORIOKA.example.jp"],
            {},
            [{}, {"host": ["同じホスト名がこのフォームに2回入力されています。"]}],
        ),
        (
            {},
            ["morioka.example.jp:8000"],
            {},
            [
                {
                    "host": [
                        "ホスト名にはポート番号（「:8000」など）やスラッシュを入れないでください。"
                        "例: ichinoseki.example.jp"
                    ]
                }
            ],
        ),
    ],
)
def test_a_wrong_city_is_refused_next_to_the_field_and_nothing_saved(
    operator_client, overrides, hosts, field_errors, host_errors
):
    response = add(operator_client, form_data(hosts=hosts, **overrides))
    assert response.status_code == 200
    form_errors, forms_errors, non_form = errors(response)
    assert form_errors == field_errors
    assert forms_errors == host_errors
    assert list(non_form) == []
    with tenancy.all_cities():
        assert not Municipality.objects.filter(slug="morioka").exists()
        assert MunicipalityHost.objects.count() == 2


def test_city_administrator_edits_words_and_mayor_not_code_slug_or_hosts(client, city, city_admin):
    other = make_city("yamaguchi")
    client.force_login(city_admin)
    listing = client.get("/admin/core/municipality/", HTTP_HOST=A_HOST).content.decode()
    assert "一関市" in listing and "山口市" not in listing
    url = f"/admin/core/municipality/{city.pk}/change/"
    page = client.get(url, HTTP_HOST=A_HOST)
    assert page.context["inline_admin_formsets"] == []
    assert set(page.context["adminform"].form.fields) == {
        "department",
        "mayor_title",
        "mayor_name",
        "council_term",
        "centre_term",
        "era_display",
        "staff_two_factor_required",
        "session_idle_minutes",
        "notice_form_decision",
        "notice_form_refusal",
        "notice_form_change",
        "notice_form_confirmation",
        "notice_seal_text",
        "certificate_file",
        "certificate_password",
        "certificate_remove",
        "notice_tsa_url",
    }
    data = {
        "department": "市民協働課",
        "mayor_title": "一関市長",
        "mayor_name": "新しい 市長",
        "council_term": "地域づくり組織",
        "centre_term": "市民センター",
        "era_display": "wareki_western",
        "staff_two_factor_required": "on",
        "session_idle_minutes": "30",
        "local_government_code": "352039",
        "slug": "renamed",
    }
    response = client.post(url, data, HTTP_HOST=A_HOST)
    assert response.status_code == 302
    city.refresh_from_db()
    assert (city.mayor_name, city.council_term, city.local_government_code, city.slug) == (
        "新しい 市長",
        "地域づくり組織",
        "032093",
        "ichinoseki",
    )
    assert (city.staff_two_factor_required, city.session_idle_minutes) == (True, 30)
    assert (
        client.get(f"/admin/core/municipality/{other.pk}/change/", HTTP_HOST=A_HOST).status_code
        == 404
    )
    assert client.get("/admin/core/municipality/add/", HTTP_HOST=A_HOST).status_code == 403


def test_city_staff_see_and_create_only_their_citys_users(client, city, city_admin):
    other = make_city("yamaguchi")
    UserFactory(username="ichinoseki-clerk", municipality=city)
    UserFactory(username="yamaguchi-clerk", municipality=other)
    UserFactory(username="platform-operator", is_superuser=True)
    client.force_login(city_admin)
    page = client.get("/admin/core/user/", HTTP_HOST=A_HOST).content.decode()
    assert "ichinoseki-clerk" in page
    assert "yamaguchi-clerk" not in page and "platform-operator" not in page
    form = client.get("/admin/core/user/add/", HTTP_HOST=A_HOST).context["adminform"].form
    assert "municipality" not in form.fields
    response = client.post(
        "/admin/core/user/add/",
        {
            "username": "new-clerk",
            "usable_password": "true",
            "password1": "kyodo-secret-2026",
            "password2": "kyodo-secret-2026",
        },
        HTTP_HOST=A_HOST,
    )
    assert response.status_code == 302
    assert User.objects.get(username="new-clerk").municipality == city
    change = client.get(
        f"/admin/core/user/{User.objects.get(username='new-clerk').pk}/change/", HTTP_HOST=A_HOST
    )
    assert "municipality" not in change.context["adminform"].form.fields
    assert "is_superuser" not in change.context["adminform"].form.fields


def test_operator_sets_a_users_city_at_the_platform_host(operator_client, city):
    make_city("yamaguchi")
    form = (
        operator_client.get("/admin/core/user/add/", HTTP_HOST="testserver")
        .context["adminform"]
        .form
    )
    assert "municipality" in form.fields
    page = operator_client.get("/admin/core/user/", HTTP_HOST="testserver").content.decode()
    assert "自治体" in page
