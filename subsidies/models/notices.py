"""Official notices (通知書) and the yearly document-number counter."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.calendar import fiscal_year_label
from core.models import CityOwned, city_unique
from core.storage import private_storage

from .applications import Application


class NoticeKind(models.TextChoices):
    DECISION = "decision", "交付決定通知書"
    CHANGE = "change", "変更交付決定通知書"
    REFUSAL = "refusal", "不交付決定通知書"
    CONFIRMATION = "confirmation", "補助金の額の確定通知書"


class Notice(CityOwned):
    """An official notice (通知書) with its document number and the PDF as issued.

    ``content`` keeps the amounts and wording as issued. The PDF is rendered from it once,
    signed when the city has a signing certificate, and kept with its SHA-256: every
    download serves that very file, and anyone holding it can check it against the hash
    (reports.verify).
    """

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="notices", verbose_name="交付申請"
    )
    kind = models.CharField("種類", max_length=20, choices=NoticeKind.choices)
    fiscal_year = models.PositiveSmallIntegerField("文書番号の年度")
    number = models.PositiveIntegerField("番号")
    document_number = models.CharField("文書番号", max_length=40)
    issued_on = models.DateField("日付")
    content = models.JSONField("記載内容", default=dict)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="発行者",
    )
    created_at = models.DateTimeField("作成日時", default=timezone.now)
    pdf = models.FileField(
        "発行したPDF", storage=private_storage, blank=True, editable=False, max_length=200
    )
    pdf_sha256 = models.CharField("PDFのSHA-256", max_length=64, blank=True, editable=False)
    signed = models.BooleanField("電子署名付き", default=False, editable=False)

    class Meta:
        verbose_name = "通知書"
        verbose_name_plural = "通知書"
        ordering = ["application", "issued_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "fiscal_year", "number"],
                name="notice_number_unique_per_year",
                violation_error_message="この文書番号はこの年度で既に使われています。",
                violation_error_code="duplicate_document_number",
            ),
        ]
        indexes = [
            # The public verification page looks notices up by the number printed on them.
            models.Index(fields=["municipality", "document_number"], name="notice_document_number"),
        ]

    def __str__(self):
        return f"{self.document_number} {self.get_kind_display()}"


class DocumentCounter(CityOwned):
    """The last document number used in a fiscal year; locked while a number is taken."""

    fiscal_year = models.PositiveSmallIntegerField("年度（西暦）")
    last_number = models.PositiveIntegerField("最後の番号", default=0)

    class Meta:
        constraints = [
            city_unique(
                "fiscal_year",
                name="documentcounter_fiscal_year_unique_per_city",
                message="この年度の文書番号台帳は既にあります。",
            ),
        ]
        verbose_name = "文書番号の採番"
        verbose_name_plural = "文書番号の採番"
        ordering = ["-fiscal_year"]

    def __str__(self):
        return f"{fiscal_year_label(self.fiscal_year)} 第{self.last_number}号まで"
