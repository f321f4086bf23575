from django.core.management.base import BaseCommand

from core import roles


class Command(BaseCommand):
    help = "市職員の権限グループ（管理者・編集者・閲覧者）を作成・更新します。"

    def handle(self, *args, **options):
        for name in roles.ensure_staff_groups():
            self.stdout.write(f"{name}: 更新しました")
