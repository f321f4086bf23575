from django.core.management.base import CommandError

from core.management.city_command import CityCommand
from core.models import User

from ...models import ReportJob
from ...tasks import request_city_report


class Command(CityCommand):
    help = (
        "自治体の全地域組織の状況を1つのPDF（一括帳票）にまとめます。"
        "職員画面の「一括PDFを作成」と同じ帳票です。"
    )
    allow_all_cities = True

    def add_city_arguments(self, parser):
        parser.add_argument(
            "--user",
            help="依頼者として記録する利用者のログイン名（その自治体の職員）。省略時は記録しません。",
        )

    def handle_city(self, city, *args, **options):
        actor = None
        if options.get("user"):
            actor = User.objects.filter(username=options["user"], municipality=city).first()
            if actor is None:
                raise CommandError(f"{city.name}の利用者「{options['user']}」は見つかりません。")
        job = request_city_report(actor=actor, city=city)
        if job.status == ReportJob.Status.FAILED:
            raise CommandError(f"{city.name}: 「{job.title}」の作成に失敗しました: {job.error}")
        where = f": {job.file.name}" if job.file else ""
        self.stdout.write(
            f"{city.name}: 「{job.title}」を受け付けました（{job.get_status_display()}）{where}"
        )
