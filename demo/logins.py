"""The demo's logins: staff and a council secretary in each city, and one platform operator.

A login is created only when missing (with its group, city and secretary tenure); an
existing 一関市 login of the one-city demo that has no city yet is given 一関市. Nothing
else about an existing login is changed, so a password changed since stays changed.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from core import roles
from core.models import Municipality
from councils.models import Council, CouncilSecretary

SECRETARY_PASSWORD = "kyodo-jimukyoku-2026"


@dataclass(frozen=True)
class Staff:
    username: str
    password: str
    full_name: str
    group: str


@dataclass(frozen=True)
class Secretary:
    username: str
    password: str
    full_name: str
    council: str


STAFF = {
    "ichinoseki": [
        Staff("admin", "kyodo-admin-2026", "市職員 管理者（デモ）", roles.ADMINISTRATOR),
        Staff("editor", "kyodo-editor-2026", "市職員 編集者（デモ）", roles.EDITOR),
        Staff("viewer", "kyodo-viewer-2026", "市職員 閲覧者（デモ）", roles.VIEWER),
    ],
    "morioka": [
        Staff(
            "morioka-admin", "kyodo-admin-2026", "盛岡市職員 管理者（デモ）", roles.ADMINISTRATOR
        ),
    ],
    "yamaguchi": [
        Staff(
            "yamaguchi-admin", "kyodo-admin-2026", "山口市職員 管理者（デモ）", roles.ADMINISTRATOR
        ),
    ],
}
SECRETARIES = {
    "ichinoseki": Secretary("yamanome", SECRETARY_PASSWORD, "山目 花子", "山目地域協働体"),
    "morioka": Secretary("morioka-ota", SECRETARY_PASSWORD, "太田 道子", "太田地区地域づくり組織"),
    "yamaguchi": Secretary(
        "yamaguchi-ohdono", SECRETARY_PASSWORD, "大殿 恵美", "大殿地域づくり協議会"
    ),
}
OPERATOR = ("operator", "kyodo-operator-2026", "プラットフォーム運営者（デモ）")


def load(slug: str, groups) -> None:
    """The logins of the demo city ``slug``, which is in force."""
    city = Municipality.current()
    for staff in STAFF[slug]:
        user, created = _user(staff.username, staff.password, staff.full_name, city, is_staff=True)
        if created:
            user.groups.add(groups[staff.group])
    secretary = SECRETARIES[slug]
    user, created = _user(secretary.username, secretary.password, secretary.full_name, city)
    if created:
        CouncilSecretary.objects.create(
            council=Council.objects.get(name=secretary.council),
            user=user,
            started_on=user.date_joined.date(),
        )


def load_operator() -> None:
    """The platform operator: no city, superuser, lists and administers every city."""
    username, password, full_name = OPERATOR
    _user(username, password, full_name, None, is_staff=True, is_superuser=True)


def _user(username, password, full_name, city, **flags):
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"full_name": full_name, "municipality": city, **flags}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    elif city is not None and user.municipality_id is None and not user.is_superuser:
        user.municipality = city
        user.save(update_fields=["municipality"])
    return user, created
