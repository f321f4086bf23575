from functools import partial

from django.core.management.base import BaseCommand
from django.db import transaction

from core import roles, tenancy
from demo import areas, certificate, cities, councils, logins, plans, staffing, subsidies

# Each city's parts, each loading after the ones it refers to.
PARTS = {
    "ichinoseki": (
        ("councils", councils.load),
        ("staffing", staffing.load),
        # Before the applications, so that their notices come out signed.
        ("certificate", certificate.load),
        ("subsidies", subsidies.load),
        ("plans", partial(plans.load, city="ichinoseki")),
    ),
    "morioka": (
        ("councils", partial(areas.load, "morioka")),
        ("plans", partial(plans.load, city="morioka")),
    ),
    "yamaguchi": (
        ("councils", partial(areas.load, "yamaguchi")),
        ("plans", partial(plans.load, city="yamaguchi")),
    ),
}
PORT = 8000


class Command(BaseCommand):
    help = (
        "デモの3市（一関市・盛岡市・山口市）のデータを読み込みます"
        "（何度実行しても同じ結果になります）。"
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            groups = roles.ensure_staff_groups()
            for slug in cities.SLUGS:
                city = cities.city(slug)
                self.stdout.write(f"{city.name}（{cities.host(slug)}）:")
                with tenancy.city_scope(city):
                    for name, load in PARTS[slug]:
                        self.stdout.write(f" {name}: 読み込み中")
                        load(stdout=self.stdout)
                    logins.load(slug, groups)
            logins.load_operator()
        self.stdout.write(self.style.SUCCESS("デモデータを読み込みました。"))
        self._print_logins()

    def _print_logins(self):
        write = self.stdout.write
        for slug in cities.SLUGS:
            url = f"http://{cities.host(slug)}:{PORT}/"
            write(f"{cities.SPECS[slug]['municipality']['name']}: {url}")
            for staff in logins.STAFF[slug]:
                write(f"  {staff.group}: {staff.username} / {staff.password}  （{url}admin/）")
            secretary = logins.SECRETARIES[slug]
            write(
                f"  事務局（{secretary.council}）: {secretary.username} / {secretary.password}"
                f"  （{url}accounts/login/）"
            )
        username, password, _name = logins.OPERATOR
        write(f"自治体の一覧: http://localhost:{PORT}/")
        write(
            f"  プラットフォーム運営者: {username} / {password}  （http://localhost:{PORT}/admin/）"
        )
        write(
            "    初回ログインで二要素認証の設定を求めます: 表示されるQRコードか秘密の鍵を"
            "認証アプリに登録し、6桁の確認コードを入力してください（README「Logins and the security log」）。"
        )
        write(
            "ブラウザは *.localhost を 127.0.0.1 に解決します。"
            f"curl などでは Host ヘッダーを付けてください（例: curl -H 'Host: {cities.host('yamaguchi')}'"
            f" http://127.0.0.1:{PORT}/）。"
        )
