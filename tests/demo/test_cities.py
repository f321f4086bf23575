"""load_demo builds the three cities of the source documents, each with its own rows, host and
logins, idempotent on a fresh database and on one holding the one-city demo."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command

from core import roles, tenancy
from core.models import Municipality, MunicipalityHost
from councils.models import CivicCentre, Council, CouncilSecretary, District
from demo import councils as demo_councils
from demo import logins as demo_logins
from demo import plans as demo_plans
from demo import staffing as demo_staffing
from demo import subsidies as demo_subsidies
from plans.models import Indicator, Plan, ProgressEntry, StatusVocabulary

pytestmark = pytest.mark.django_db

ICHINOSEKI_PLANS = {
    "第2次一関市地域協働推進計画",
    "山目地域協働体 地域づくり計画",
    "藤沢地域協働体 地域づくり計画",
    "田河津地域協働体 地域づくり計画",
}
MORIOKA_PLANS = {"協働のまちづくりの推進（盛岡市 実施計画 平成22〜24年度）"}
YAMAGUCHI_PLANS = {"山口市協働推進プラン"}
YAMAGUCHI_AREAS = [
    "大殿",
    "白石",
    "湯田",
    "仁保",
    "小鯖",
    "大内",
    "宮野",
    "吉敷",
    "平川",
    "大歳",
    "陶",
    "鋳銭司",
    "名田島",
    "秋穂二島",
    "嘉川",
    "佐山",
    "小郡",
    "秋穂",
    "阿知須",
    "徳地",
    "阿東",
]


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def city(slug: str) -> Municipality:
    return Municipality.objects.get(slug=slug)


def city_rows() -> dict[tuple[str, str], int]:
    """Rows per city-owned model and city, and rows of every other model."""
    counts = {}
    cities = list(Municipality.objects.all())
    with tenancy.all_cities():
        for model in apps.get_models():
            if not model._meta.managed:
                continue  # no table of its own (django_rq's admin entry)
            manager = model._default_manager
            if hasattr(manager, "all_cities"):
                for municipality in cities:
                    rows = manager.all_cities().filter(municipality=municipality)
                    counts[(model._meta.label, municipality.name)] = rows.count()
            else:
                counts[(model._meta.label, "")] = manager.count()
    return counts


def summary(slug: str) -> dict[str, int]:
    with tenancy.city_scope(city(slug)):
        return {
            "districts": District.objects.count(),
            "councils": Council.objects.count(),
            "centres": CivicCentre.objects.count(),
            "plans": Plan.objects.count(),
            "progress": ProgressEntry.objects.count(),
            "indicators": Indicator.objects.count(),
        }


@pytest.fixture
def demo():
    return load_demo()


def test_three_cities_with_their_fields_and_hosts(demo):
    rows = Municipality.objects.order_by("local_government_code").values_list(
        "local_government_code",
        "name",
        "name_kana",
        "prefecture",
        "slug",
        "mayor_title",
        "mayor_name",
        "council_term",
        "centre_term",
    )
    assert list(rows) == [
        (
            "032018",
            "盛岡市",
            "もりおかし",
            "岩手県",
            "morioka",
            "盛岡市長",
            "内舘 茂",
            "地域づくり組織",
            "地区活動センター",
        ),
        (
            "032093",
            "一関市",
            "いちのせきし",
            "岩手県",
            "ichinoseki",
            "一関市長",
            "佐藤 善仁",
            "地域協働体",
            "市民センター",
        ),
        (
            "352039",
            "山口市",
            "やまぐちし",
            "山口県",
            "yamaguchi",
            "山口市長",
            "伊藤 和貴",
            "地域づくり協議会",
            "地域交流センター",
        ),
    ]
    assert all(m.department for m in Municipality.objects.all())
    for slug in ("ichinoseki", "morioka", "yamaguchi"):
        assert MunicipalityHost.objects.filter(host=f"{slug}.localhost").get().municipality == (
            city(slug)
        )


def test_each_city_has_its_own_rows(demo):
    assert summary("ichinoseki") == {
        "districts": 48,
        "councils": 33,
        "centres": 34,
        "plans": 5,
        "progress": 23,
        "indicators": 0,
    }
    assert summary("morioka") == {
        "districts": 6,
        "councils": 6,
        "centres": 6,
        "plans": 1,
        "progress": 21,
        "indicators": 0,
    }
    assert summary("yamaguchi") == {
        "districts": 21,
        "councils": 21,
        "centres": 21,
        "plans": 2,
        "progress": 47,
        "indicators": 5,
    }


def test_morioka_has_its_model_areas_and_new_areas(demo):
    with tenancy.city_scope(city("morioka")):
        councils = Council.objects.order_by("pk")
        assert [(c.name, c.is_model_district, c.stage) for c in councils] == [
            ("太田地区地域づくり組織", True, "plan_adopted"),
            ("永井地区地域づくり組織", True, "plan_adopted"),
            ("米内地区地域づくり組織", True, "plan_adopted"),
            ("渋民地区地域づくり組織", False, "preparing"),
            ("飯岡地区地域づくり組織", False, "preparing"),
            ("仙北地区地域づくり組織", False, "preparing"),
        ]
        ota = Council.objects.get(name="太田地区地域づくり組織")
        assert list(ota.stage_changes.order_by("changed_on").values_list("stage", "note")) == [
            ("preparing", "モデル地区・実施地区の指定"),
            ("established", "地域づくり組織設立"),
            ("plan_adopted", "地域づくり計画策定"),
        ]
        assert ota.civic_centres.get().name == "太田地区活動センター"
        assert set(Plan.objects.values_list("title", flat=True)) == MORIOKA_PLANS
        assert list(StatusVocabulary.objects.values_list("name", "is_default")) == [
            ("盛岡市 達成状況", True)
        ]


def test_yamaguchi_has_21_councils_each_with_a_centre(demo):
    with tenancy.city_scope(city("yamaguchi")):
        councils = Council.objects.order_by("pk")
        assert [c.name for c in councils] == [f"{area}地域づくり協議会" for area in YAMAGUCHI_AREAS]
        assert [c.civic_centres.get().name for c in councils] == [
            f"{area}地域交流センター" for area in YAMAGUCHI_AREAS
        ]
        assert set(Plan.objects.values_list("title", flat=True)) == YAMAGUCHI_PLANS
        for model in (District, Council, CivicCentre):
            for obj in model.objects.all():
                obj.full_clean()


def test_ichinoseki_keeps_only_its_own_plans(demo):
    assert set(Plan.objects.values_list("title", flat=True)) == ICHINOSEKI_PLANS
    assert list(StatusVocabulary.objects.values_list("name", flat=True)) == ["一関市 達成状況"]


@pytest.mark.parametrize(
    "slug, own, others",
    [
        ("ichinoseki", ICHINOSEKI_PLANS, MORIOKA_PLANS | YAMAGUCHI_PLANS),
        ("morioka", MORIOKA_PLANS, ICHINOSEKI_PLANS | YAMAGUCHI_PLANS),
        ("yamaguchi", YAMAGUCHI_PLANS, ICHINOSEKI_PLANS | MORIOKA_PLANS),
    ],
)
def test_each_host_shows_its_own_plans_only(demo, client, slug, own, others):
    published = {"田河津地域協働体 地域づくり計画"}  # a draft: never on public pages
    for path in ("/", "/plans/"):
        cache.clear()  # render each host's page afresh
        response = client.get(path, HTTP_HOST=f"{slug}.localhost")
        assert response.status_code == 200, path
        page = response.content.decode()
        for title in others:
            assert title not in page, (path, title)
        assert Municipality.objects.get(slug=slug).name in page
    for title in own - published:
        assert title in page, title


def test_the_platform_host_lists_the_three_cities(demo, client):
    cache.clear()
    page = client.get("/", HTTP_HOST="localhost").content.decode()
    for name in ("一関市", "盛岡市", "山口市"):
        assert name in page


def test_load_demo_twice_changes_nothing_in_any_city(demo):
    before = city_rows()
    assert load_demo() == demo.replace("（今回追加 11）", "（今回追加 0）")
    assert city_rows() == before


def test_logins_belong_to_their_city(demo):
    User = get_user_model()
    users = {
        u.username: (u.municipality.slug if u.municipality else None, u.is_staff, u.is_superuser)
        for u in User.objects.select_related("municipality")
    }
    assert users == {
        "admin": ("ichinoseki", True, False),
        "editor": ("ichinoseki", True, False),
        "viewer": ("ichinoseki", True, False),
        "yamanome": ("ichinoseki", False, False),
        "morioka-admin": ("morioka", True, False),
        "morioka-ota": ("morioka", False, False),
        "yamaguchi-admin": ("yamaguchi", True, False),
        "yamaguchi-ohdono": ("yamaguchi", False, False),
        "operator": (None, True, True),
    }
    assert User.objects.get(username="operator").check_password("kyodo-operator-2026")
    for username in ("admin", "morioka-admin", "yamaguchi-admin"):
        user = User.objects.get(username=username)
        assert user.check_password("kyodo-admin-2026")
        assert list(user.groups.values_list("name", flat=True)) == [roles.ADMINISTRATOR]
    for username, slug, council in (
        ("yamanome", "ichinoseki", "山目地域協働体"),
        ("morioka-ota", "morioka", "太田地区地域づくり組織"),
        ("yamaguchi-ohdono", "yamaguchi", "大殿地域づくり協議会"),
    ):
        with tenancy.city_scope(city(slug)):
            tenure = CouncilSecretary.objects.get(user__username=username)
            assert tenure.council.name == council
            assert tenure.ended_on is None


def test_a_city_login_works_at_its_own_host_only(demo, client):
    form = {"username": "morioka-admin", "password": "kyodo-admin-2026"}
    refused = client.post("/accounts/login/", form, HTTP_HOST="yamaguchi.localhost")
    assert refused.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client.session
    accepted = client.post("/accounts/login/", form, HTTP_HOST="morioka.localhost")
    assert accepted.status_code == 302
    assert client.session["_auth_user_id"] == str(
        get_user_model().objects.get(username="morioka-admin").pk
    )


def test_the_command_prints_each_citys_url_and_logins(demo):
    for line in (
        "http://ichinoseki.localhost:8000/",
        "http://morioka.localhost:8000/",
        "http://yamaguchi.localhost:8000/",
        "自治体の一覧: http://localhost:8000/",
        "admin / kyodo-admin-2026",
        "yamanome / kyodo-jimukyoku-2026",
        "morioka-admin / kyodo-admin-2026",
        "morioka-ota / kyodo-jimukyoku-2026",
        "yamaguchi-admin / kyodo-admin-2026",
        "yamaguchi-ohdono / kyodo-jimukyoku-2026",
        "operator / kyodo-operator-2026",
    ):
        assert line in demo, line


def one_city_demo(ichinoseki: Municipality) -> None:
    """The database the one-city demo left after the many-city migrations: one city 一関市
    without slug, hosts, prefecture or mayor, holding 盛岡市's and 山口市's plans too (under
    a shared 「盛岡市 達成状況」 vocabulary), its logins filed under it."""
    Municipality.objects.filter(pk=ichinoseki.pk).update(
        slug=None, prefecture="", mayor_title="", mayor_name=""
    )
    MunicipalityHost.objects.filter(municipality=ichinoseki).delete()
    demo_councils.load()
    demo_staffing.load()
    demo_subsidies.load()
    demo_plans.load(city="ichinoseki")
    StatusVocabulary.objects.filter(name="一関市 達成状況").update(name="盛岡市 達成状況")
    demo_plans._vocabulary(
        {
            "name": "山口市 推進状況",
            "description": "山口市協働推進プランの推進状況。",
            "is_default": False,
            "statuses": [
                ["done", "実施済", True],
                ["ongoing", "継続推進", True],
                ["partial", "一部実施", True],
                ["study", "検討中", True],
            ],
        }
    )
    for name in ("morioka.json", "yamaguchi.json"):
        previous = None
        for spec in demo_plans.read_json(f"plans/{name}"):
            previous = demo_plans._plan(spec, revision_of=previous)
    demo_logins.load("ichinoseki", {g.name: g for g in roles.ensure_staff_groups().values()})


def test_load_demo_completes_a_one_city_demo_database(city):
    one_city_demo(city)
    assert Municipality.objects.count() == 1
    assert Plan.objects.count() == 8
    before = set(Plan.objects.values_list("pk", flat=True))

    load_demo()

    ichinoseki = Municipality.objects.get(local_government_code="032093")
    assert ichinoseki.pk == city.pk
    assert (ichinoseki.slug, ichinoseki.prefecture, ichinoseki.sender) == (
        "ichinoseki",
        "岩手県",
        "一関市長 佐藤 善仁",
    )
    assert list(ichinoseki.hosts.values_list("host", flat=True)) == ["ichinoseki.localhost"]
    assert Municipality.objects.count() == 3
    # 一関市 keeps its own plans (the same rows) and loses the other cities' copies.
    assert set(Plan.objects.values_list("title", flat=True)) == ICHINOSEKI_PLANS
    assert set(Plan.objects.values_list("pk", flat=True)) < before
    assert list(StatusVocabulary.objects.values_list("name", "is_default")) == [
        ("一関市 達成状況", True)
    ]
    assert summary("ichinoseki")["plans"] == 5
    assert summary("morioka") == {
        "districts": 6,
        "councils": 6,
        "centres": 6,
        "plans": 1,
        "progress": 21,
        "indicators": 0,
    }
    assert summary("yamaguchi")["plans"] == 2
    assert summary("yamaguchi")["indicators"] == 5
    assert get_user_model().objects.get(username="admin").municipality == ichinoseki

    after_first = city_rows()
    load_demo()
    assert city_rows() == after_first
