"""Staff roles as Django groups with matching permissions; run again whenever models change."""

from django.contrib.auth.models import Group, Permission

ADMINISTRATOR = "市職員（管理者）"
EDITOR = "市職員（編集者）"
VIEWER = "市職員（閲覧者）"

DOMAIN_APPS = (
    "councils",
    "plans",
    "subsidies",
    "staffing",
    "reports",
    "notifications",
    "reminders",
)
ADMINISTRATION_APPS = ("core", "auth", "simple_history", "django_tasks_database")


def ensure_staff_groups() -> dict[str, Group]:
    """Create or refresh the three staff groups; idempotent.

    administrator: every permission of the domain apps plus user management;
    editor: add, change and view in the domain apps (no delete, no users);
    viewer: view only.
    """
    domain = Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS)
    administration = Permission.objects.filter(
        content_type__app_label__in=ADMINISTRATION_APPS
    ).exclude(codename__in=["delete_permission", "add_permission", "change_permission"])
    wanted = {
        ADMINISTRATOR: list(domain) + list(administration),
        EDITOR: [p for p in domain if not p.codename.startswith("delete_")],
        VIEWER: [p for p in domain if p.codename.startswith("view_")],
    }
    groups = {}
    for name, permissions in wanted.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
        groups[name] = group
    return groups
