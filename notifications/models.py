"""What the city tells a council's secretaries (and its own staff): the addresses they
registered, what they want to receive, and every notice sent, once."""

from django.conf import settings
from django.db import models

from core.models import CityOwned, city_unique


class NoticeKind(models.TextChoices):
    REPORT_DUE = "report_due", "実績報告の期限"
    REPORT_OVERDUE = "report_overdue", "実績報告の期限超過"
    PROGRESS_CLOSE = "progress_close", "進捗入力期間の締切"
    CITY_NOTICE = "city_notice", "市からのお知らせ"
    STAFF_DIGEST = "staff_digest", "職員向けの日次まとめ"


# What a secretary may choose to receive by e-mail (the dashboard shows every notice).
SECRETARY_KINDS = (
    NoticeKind.REPORT_DUE,
    NoticeKind.REPORT_OVERDUE,
    NoticeKind.PROGRESS_CLOSE,
    NoticeKind.CITY_NOTICE,
)

MAX_ADDRESSES = 5


class ContactAddress(CityOwned):
    """An e-mail address a secretary registered for the city's notices (optional)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_addresses",
        verbose_name="利用者",
    )
    email = models.EmailField("メールアドレス")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    # Notices go only to confirmed addresses: a mistyped one never receives the city's mail.
    confirmation_token = models.CharField("確認用トークン", max_length=64, editable=False)
    confirmed_at = models.DateTimeField("確認日時", null=True, blank=True)

    class Meta:
        verbose_name = "通知先メールアドレス"
        verbose_name_plural = "通知先メールアドレス"
        ordering = ["user", "pk"]
        constraints = [
            city_unique(
                "user",
                "email",
                name="notifications_address_once_per_user",
                message="このメールアドレスは既に登録されています。",
            )
        ]

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class NoticePreference(CityOwned):
    """Which kinds of notice a user receives by e-mail; no row means every kind."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notice_preference",
        verbose_name="利用者",
    )
    report_due = models.BooleanField(NoticeKind.REPORT_DUE.label, default=True)
    report_overdue = models.BooleanField(NoticeKind.REPORT_OVERDUE.label, default=True)
    progress_close = models.BooleanField(NoticeKind.PROGRESS_CLOSE.label, default=True)
    city_notice = models.BooleanField(NoticeKind.CITY_NOTICE.label, default=True)

    class Meta:
        verbose_name = "メール受信設定"
        verbose_name_plural = "メール受信設定"

    def __str__(self):
        return str(self.user)

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, kind, True))


class SentNotice(CityOwned):
    """One notice to one recipient (a council or a staff user), recorded before it is sent.

    The unique constraint on (kind, what it is about, offset, recipient) is what makes a
    reminder go out once: the row is inserted first and only the run that inserted it sends.
    """

    kind = models.CharField("種類", max_length=20, choices=NoticeKind.choices)
    subject_key = models.CharField(
        "対象", max_length=100, help_text="例: application:42、plan:7:2026H1、digest:2026-12-01"
    )
    offset_days = models.SmallIntegerField("日数", default=0)
    recipient_key = models.CharField("宛先キー", max_length=40)
    council = models.ForeignKey(
        "councils.Council",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="city_notices",
        verbose_name="地域協働体",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_notices",
        verbose_name="職員",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="送信した職員",
        help_text="管理画面から督促を送ったとき。自動のリマインダーでは空欄です。",
    )
    subject = models.CharField("件名", max_length=200)
    body = models.TextField("本文")
    emailed_to = models.TextField("メール送信先", blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "お知らせ・リマインダー"
        verbose_name_plural = "お知らせ・リマインダー（送信記録）"
        ordering = ["-created_at", "-pk"]
        constraints = [
            city_unique(
                "kind",
                "subject_key",
                "offset_days",
                "recipient_key",
                name="notifications_notice_once",
                message="このお知らせは既に送信されています。",
            )
        ]

    def __str__(self):
        return self.subject

    @property
    def was_emailed(self) -> bool:
        return bool(self.emailed_to)
