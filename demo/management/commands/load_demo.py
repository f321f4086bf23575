from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from core import roles
from councils.models import Council, CouncilSecretary
from demo import councils, plans, staffing, subsidies

# Each part loads after the ones it refers to.
PARTS = (
    ("councils", councils.load),
    ("staffing", staffing.load),
    ("subsidies", subsidies.load),
    ("plans", plans.load),
)

DEMO_LOGINS = [
    # (username, password, full name, group, is_staff)
    ("admin", "kyodo-admin-2026", "市職員 管理者（デモ）", roles.ADMINISTRATOR, True),
    ("editor", "kyodo-editor-2026", "市職員 編集者（デモ）", roles.EDITOR, True),
    ("viewer", "kyodo-viewer-2026", "市職員 閲覧者（デモ）", roles.VIEWER, True),
]
DEMO_SECRETARY = ("yamanome", "kyodo-jimukyoku-2026", "山目 花子", "山目地域協働体")


class Command(BaseCommand):
    help = "一関市をモデルにしたデモデータを読み込みます（何度実行しても同じ結果になります）。"

    def handle(self, *args, **options):
        with transaction.atomic():
            groups = roles.ensure_staff_groups()
            for name, load in PARTS:
                self.stdout.write(f"{name}: 読み込み中")
                load(self.stdout)
            self._users(groups)
        self.stdout.write(self.style.SUCCESS("デモデータを読み込みました。"))
        self.stdout.write(
            "ログイン（http://127.0.0.1:8000/admin/ ・ http://127.0.0.1:8000/accounts/login/）:"
        )
        for username, password, _name, group, _ in DEMO_LOGINS:
            self.stdout.write(f"  {group}: {username} / {password}")
        username, password, _name, council = DEMO_SECRETARY
        self.stdout.write(f"  事務局（{council}）: {username} / {password}")

    def _users(self, groups):
        User = get_user_model()
        for username, password, full_name, group, is_staff in DEMO_LOGINS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"full_name": full_name, "is_staff": is_staff}
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
                user.groups.add(groups[group])
        username, password, full_name, council_name = DEMO_SECRETARY
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name}
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            CouncilSecretary.objects.create(
                council=Council.objects.get(name=council_name),
                user=user,
                started_on=user.date_joined.date(),
            )
