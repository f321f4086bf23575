"""Two cities on one install, over HTTP: a secretary of 一関市 (ichinoseki.test) never reaches
山口市's portal rows (yamaguchi.test), whatever the URL, and is logged out at 山口市's host.

Every URL of the ``portal``, ``subsidies_portal`` and ``plans_portal`` namespaces is read from
the URL configuration, so a page added later is covered (or fails here until it is mapped).
"""

from datetime import date

import pytest
from django.urls import get_resolver, reverse

from core import tenancy
from councils.models import CouncilSecretary
from tests.cities import make_city
from tests.cities.portal_world import build_city_portal

pytestmark = pytest.mark.django_db

A_HOST = "ichinoseki.test"
B_HOST = "yamaguchi.test"
NAMESPACES = ("portal", "subsidies_portal", "plans_portal")
PASSWORD = "test-password-123"
REFUSAL = "この自治体（山口市）のポータルの利用者ではないか、ユーザー名またはパスワードが違います。"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cities(city):
    a = build_city_portal(city, slug="ichinoseki", council_name="山目地域協働体")
    b_city = make_city("yamaguchi")
    with tenancy.city_scope(b_city):
        b = build_city_portal(b_city, slug="yamaguchi", council_name="大殿地域づくり協議会")
    return a, b


def portal_patterns():
    """(namespace, name, route, kwarg names) of every portal URL."""
    found = []
    resolver = get_resolver()
    for namespace in NAMESPACES:
        _prefix, sub = resolver.namespace_dict[namespace]
        for pattern in sub.url_patterns:
            route = str(pattern.pattern)
            found.append((namespace, pattern.name, route, tuple(pattern.pattern.converters)))
    return found


def test_every_portal_namespace_has_pages():
    counts = {ns: sum(1 for p in portal_patterns() if p[0] == ns) for ns in NAMESPACES}
    assert counts == {"portal": 3, "subsidies_portal": 15, "plans_portal": 14}


def kwargs_for(namespace, route, names, side):
    """The URL's arguments filled with ``side``'s object ids; None for a page without ids."""
    if not names:
        return None
    values = {}
    for name in names:
        if name == "period":
            values[name] = "2020"
        elif namespace == "subsidies_portal" and name == "pk":
            values[name] = side.application.pk
        elif namespace == "subsidies_portal" and name == "attachment_pk":
            values[name] = side.attachment.pk
        elif namespace == "subsidies_portal" and name == "notice_pk":
            values[name] = side.notice.pk
        elif namespace == "plans_portal" and name == "pk" and route.startswith("items/"):
            values[name] = side.item.pk
        elif namespace == "plans_portal" and name == "pk":
            values[name] = side.plan.pk
        else:
            raise AssertionError(f"map the argument {name!r} of {namespace}:{route} in this test")
    return values


def urls_with_ids(side):
    urls = []
    for namespace, name, route, names in portal_patterns():
        kwargs = kwargs_for(namespace, route, names, side)
        if kwargs is not None:
            urls.append(reverse(f"{namespace}:{name}", kwargs=kwargs))
    return urls


def all_urls(side):
    return [
        reverse(f"{namespace}:{name}", kwargs=kwargs_for(namespace, route, names, side))
        for namespace, name, route, names in portal_patterns()
    ]


def test_own_city_pages_answer_so_the_404s_below_mean_something(client, cities):
    a, _b = cities
    client.force_login(a.world.secretary)
    for url in [
        reverse("subsidies_portal:detail", args=[a.application.pk]),
        reverse("subsidies_portal:attachment", args=[a.application.pk, a.attachment.pk]),
        reverse("subsidies_portal:notice", args=[a.application.pk, a.notice.pk]),
        reverse("plans_portal:plan", args=[a.plan.pk]),
        reverse("plans_portal:item_edit", args=[a.item.pk]),
        reverse("plans_portal:progress", args=[a.plan.pk, "2020"]),
    ]:
        assert client.get(url, HTTP_HOST=A_HOST).status_code == 200, url


def test_other_citys_ids_answer_404_at_the_own_host(client, cities):
    a, b = cities
    client.force_login(a.world.secretary)
    urls = urls_with_ids(b)
    assert len(urls) == 24
    for url in urls:
        get = client.get(url, HTTP_HOST=A_HOST).status_code
        post = client.post(url, {}, HTTP_HOST=A_HOST).status_code
        assert {get, post} <= {404, 405} and 404 in {get, post}, (url, get, post)
    with tenancy.city_scope(b.city):
        assert b.application.__class__.objects.get(pk=b.application.pk).status == "decided"
        assert b.plan.__class__.objects.get(pk=b.plan.pk).items.count() == 1


def test_pages_without_ids_show_only_the_own_city(client, cities):
    a, b = cities
    client.force_login(a.world.secretary)
    for url in [reverse("portal:home"), reverse("subsidies_portal:list"), "/portal/plans/"]:
        response = client.get(url, HTTP_HOST=A_HOST)
        page = response.content.decode()
        assert response.status_code == 200, url
        assert "山目地域協働体" in page
        assert "大殿地域づくり協議会" not in page and "山口市" not in page, url


@pytest.mark.parametrize("which", ["own ids", "other ids"])
def test_at_the_other_citys_host_the_secretary_is_anonymous(client, cities, which):
    a, b = cities
    client.force_login(a.world.secretary)
    for url in all_urls(a if which == "own ids" else b):
        get = client.get(url, HTTP_HOST=B_HOST)
        post = client.post(url, {}, HTTP_HOST=B_HOST)
        sent_to_login = [r for r in (get, post) if r.status_code == 302]
        assert {get.status_code, post.status_code} <= {302, 405}, url
        assert sent_to_login, url
        for response in sent_to_login:
            assert response["Location"].startswith("/accounts/login/?next="), url
    # Back at the own host the session is still there.
    assert client.get(reverse("portal:home"), HTTP_HOST=A_HOST).status_code == 200


def test_login_at_the_other_citys_host_is_refused_in_japanese(client, cities):
    a, _b = cities
    response = client.post(
        reverse("login"),
        {"username": a.world.secretary.username, "password": PASSWORD},
        HTTP_HOST=B_HOST,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert REFUSAL in page
    assert "他の自治体の事務局・職員の方は、その自治体のポータルからログインしてください。" in page
    assert "_auth_user_id" not in client.session
    # The same message for a wrong password, so the page does not tell which accounts exist.
    wrong = client.post(
        reverse("login"), {"username": "yamaguchi-jimu", "password": "wrong"}, HTTP_HOST=B_HOST
    )
    assert REFUSAL in wrong.content.decode()


def test_login_at_the_own_host_works(client, cities):
    _a, b = cities
    response = client.post(
        reverse("login"),
        {"username": b.world.secretary.username, "password": PASSWORD},
        HTTP_HOST=B_HOST,
    )
    assert response.status_code == 302
    home = client.get(reverse("portal:home"), HTTP_HOST=B_HOST)
    assert home.status_code == 200
    assert "大殿地域づくり協議会" in home.content.decode()
    assert client.get(reverse("portal:home"), HTTP_HOST=A_HOST).status_code == 302


def test_login_page_names_the_city_and_its_words(client, cities):
    page = client.get(reverse("login"), HTTP_HOST=B_HOST).content.decode()
    assert "山口市の地域づくり協議会の事務局の方、山口市の職員の方はログインしてください。" in page
    assert "他の自治体のアカウントでは、この自治体のポータルにはログインできません。" in page


def test_other_citys_secretary_cannot_join_a_council(cities):
    from django.core.exceptions import ValidationError

    from councils.services import secretary_hand_over

    a, b = cities
    tenure = CouncilSecretary(
        council=a.world.council, user=b.world.secretary, started_on=date(2026, 4, 1)
    )
    with pytest.raises(ValidationError) as error:
        tenure.full_clean()
    assert [e.code for e in error.value.error_dict["user"]] == ["secretary_of_other_city"]
    assert error.value.messages == [
        "この利用者は他の自治体（山口市）のアカウントです。"
        "事務局には一関市のアカウントを登録してください。"
    ]
    with pytest.raises(ValidationError) as error:
        secretary_hand_over(
            council=a.world.council, new_user=b.world.secretary, actor=a.world.staff
        )
    assert error.value.code == "secretary_of_other_city"
    assert CouncilSecretary.objects.filter(council=a.world.council).count() == 1
