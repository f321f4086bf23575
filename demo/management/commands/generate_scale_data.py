import time

from django.core.management.base import BaseCommand, CommandError

from demo import scale as scale_data


class Command(BaseCommand):
    help = (
        "計測用の全国規模データ（300自治体、地域協働体7,200、事業72,000、進捗300,000、"
        "交付申請50,000、人口1,000,000行）を作成します。--scale 0.01 で100分の1。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="全体に掛ける倍率（既定 1 = 全国規模）"
        )
        parser.add_argument(
            "--reset", action="store_true", help="作成済みの計測用データを削除してから作成します"
        )

    def handle(self, *args, scale: float, reset: bool, **options):
        if not 0 < scale <= 1:
            raise CommandError("--scale は 0 より大きく 1 以下で指定してください。")
        started = time.perf_counter()
        if reset:
            scale_data.reset(stdout=self.stdout)
        elif scale_data.scale_cities().exists():
            raise CommandError(
                "計測用データは既にあります。作り直すときは --reset を付けてください。"
            )
        counts = scale_data.totals(scale)
        self.stdout.write(f"{counts['municipalities']}市を作成します。")
        scale_data.generate(scale, stdout=self.stdout)
        scale_data.describe(self.stdout)
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"計測用データを作成しました（{seconds:.0f}秒）。"))
