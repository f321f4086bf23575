import pytest

from core import roles
from tests.factories import CouncilFactory, SecretaryFactory, UserFactory


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
