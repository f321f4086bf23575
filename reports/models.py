from django.conf import settings
from django.db import models

from core.models import CityOwned


class ReportJob(CityOwned):
    """A whole-city report rendered in the background, with its progress for staff."""

    class Status(models.TextChoices):
        QUEUED = "queued", "待機中"
        RUNNING = "running", "作成中"
        DONE = "done", "完了"
        FAILED = "failed", "失敗"

    title = models.CharField("帳票名", max_length=100, default="全地域協働体の状況（一括PDF）")
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField("作成済み", default=0)
    progress_total = models.PositiveIntegerField("全体", default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="依頼者",
    )
    requested_at = models.DateTimeField("依頼日時", auto_now_add=True)
    finished_at = models.DateTimeField("完了日時", null=True, blank=True)
    # Stored under MEDIA_ROOT, outside the static root; served by a view that checks status.
    file = models.FileField("ファイル", upload_to="reports/", blank=True)
    error = models.TextField("エラー内容", blank=True)

    class Meta:
        verbose_name = "一括帳票の作成"
        verbose_name_plural = "一括帳票の作成"
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == self.Status.DONE else 0
        return self.progress_done * 100 // self.progress_total
