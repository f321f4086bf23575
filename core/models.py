from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who logs in: city staff (is_staff, in a staff group) or a council secretary."""

    full_name = models.CharField("氏名", max_length=100, blank=True)
    must_change_password = models.BooleanField(
        "初回ログイン時にパスワード変更",
        default=False,
        help_text="発行した初期パスワードのまま利用できないようにします。",
    )

    class Meta:
        verbose_name = "利用者"
        verbose_name_plural = "利用者"

    def __str__(self):
        return self.full_name or self.get_full_name() or self.username


class Municipality(models.Model):
    """The city running the portal: its name and the words it uses. One row."""

    name = models.CharField("自治体名", max_length=50)
    name_kana = models.CharField("自治体名（カナ）", max_length=100, blank=True)
    local_government_code = models.CharField(
        "全国地方公共団体コード", max_length=6, blank=True, help_text="例: 032093（一関市）"
    )
    department = models.CharField("担当部署", max_length=100, blank=True)
    council_term = models.CharField(
        "地域組織の呼び方",
        max_length=30,
        default="地域協働体",
        help_text="例: 地域協働体（一関市）、地域づくり組織（盛岡市）、地域づくり協議会（山口市）",
    )

    class Meta:
        verbose_name = "自治体設定"
        verbose_name_plural = "自治体設定"

    def __str__(self):
        return self.name

    @classmethod
    def current(cls):
        """The configured city, or an unsaved default when none is set up yet."""
        return cls.objects.order_by("pk").first() or cls(name="（自治体名未設定）")


class TransitionRecord(models.Model):
    """What every audit row of a lifecycle holds: who acted, when, and why.

    A concrete record adds the object it belongs to, the action and the states before
    and after (each lifecycle has its own vocabulary).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="操作者",
    )
    at = models.DateTimeField("日時")
    comment = models.TextField("コメント・理由", blank=True)

    class Meta:
        abstract = True
