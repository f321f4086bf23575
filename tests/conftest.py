import pytest
from django.core.cache import cache

from core import roles, tenancy
from tests.factories import CouncilFactory, SecretaryFactory, UserFactory


def _database_fixture(request) -> str | None:
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if "transactional_db" in names or "live_server" in names:
        return "transactional_db"
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return "transactional_db"
    if marker is not None or "db" in names:
        return "db"
    return None


@pytest.fixture(autouse=True)
def test_hosts(settings):
    """Each test city is served at ``<slug>.test`` (tests.cities.make_city)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Uploads and the PDF cache (kept in the default storage) go to a folder of the test's
    own, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def two_factor_off(settings):
    """Most tests log staff and operators in with force_login; the tests of the second factor
    (tests/security) turn it back on."""
    settings.TWO_FACTOR_ENFORCED = False


@pytest.fixture(autouse=True)
def pdf_render_limit(settings):
    """Tests crawl every PDF of a city as one anonymous client; tests/reports/test_pdf_limits.py
    tests the limit itself."""
    settings.PDF_RENDERS_PER_MINUTE = 10_000


@pytest.fixture(autouse=True)
def city(request):
    """Every test with a database runs for one city, 一関市, as a request at its host would.

    Tests of several cities make more with ``tests.cities.make_city`` and switch with
    ``core.tenancy.city_scope``.
    """
    fixture = _database_fixture(request)
    if fixture is None:
        yield None
        return
    request.getfixturevalue(fixture)
    from core.cities import city_for_host
    from tests.cities import make_city

    cache.clear()  # pages and host look-ups are cached across tests in the local-memory cache
    municipality = make_city("ichinoseki")
    city_for_host("testserver")  # a request pays no query to find its city, as in production
    with tenancy.city_scope(municipality):
        yield municipality


@pytest.fixture
def staff_groups(db):
    return roles.ensure_staff_groups()


@pytest.fixture
def admin_user(staff_groups):
    """A city-staff administrator (not a superuser: permissions come from the group)."""
    user = UserFactory(username="staff-admin", is_staff=True)
    user.groups.add(staff_groups[roles.ADMINISTRATOR])
    return user


@pytest.fixture
def editor_user(staff_groups):
    user = UserFactory(username="staff-editor", is_staff=True)
    user.groups.add(staff_groups[roles.EDITOR])
    return user


@pytest.fixture
def viewer_user(staff_groups):
    user = UserFactory(username="staff-viewer", is_staff=True)
    user.groups.add(staff_groups[roles.VIEWER])
    return user


@pytest.fixture
def council(db):
    return CouncilFactory()


@pytest.fixture
def secretary(council):
    """A user who is the current secretary of ``council``."""
    return SecretaryFactory(council=council).user


@pytest.fixture
def secretary_client(client, secretary):
    client.force_login(secretary)
    return client


@pytest.fixture
def admin_client_staff(client, admin_user):
    client.force_login(admin_user)
    return client
