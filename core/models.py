import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from core.scoping import CityScopedManager
from core.storage import private_storage
from core.tenancy import current_municipality_id
from core.validators import validate_no_control_characters


class User(AbstractUser):
    """A person who logs in: city staff (is_staff, in a staff group) or a council secretary."""

    full_name = models.CharField("氏名", max_length=100, blank=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="所属自治体",
        help_text="空欄はプラットフォーム運営者（すべての自治体を扱えます）。",
    )
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

    def has_usable_password(self):
        # The user cached for a session (core.auth.session_user) carries no password hash,
        # only whether it is usable (the admin asks on every page); anything else that needs
        # the hash reads it from the database.
        if "password" not in self.__dict__ and "usable_password" in self.__dict__:
            return self.__dict__["usable_password"]
        return super().has_usable_password()


PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)  # fmt: skip


def local_government_check_digit(first_five: str) -> int:
    """The 6th digit of a 全国地方公共団体コード: 11 − ((6a+5b+4c+3d+2e) mod 11), last digit."""
    total = sum(
        weight * int(digit) for weight, digit in zip((6, 5, 4, 3, 2), first_five, strict=True)
    )
    return (11 - total % 11) % 10


def validate_local_government_code(value: str) -> None:
    if not re.fullmatch(r"[0-9]{6}", value or ""):
        raise ValidationError(
            "全国地方公共団体コードは6桁の数字で入力してください（例: 032093）。",
            code="invalid_code",
        )
    if local_government_check_digit(value[:5]) != int(value[5]):
        raise ValidationError(
            "全国地方公共団体コードの検査数字（6桁目）が正しくありません。",
            code="check_digit",
        )


class EraDisplay(models.TextChoices):
    WAREKI = "wareki", "和暦（令和6年度）"
    WAREKI_WESTERN = "wareki_western", "和暦に西暦を併記（令和6年度（2024年度））"


class Municipality(models.Model):
    """A city served by this install: its identity, the words it uses, who signs its notices.

    Every city-owned row points here; the row in force comes from the request's host, a
    command's ``--city`` or a job's stored city (``core.tenancy``).
    """

    name = models.CharField("自治体名", max_length=50)
    name_kana = models.CharField("自治体名（かな）", max_length=100, blank=True)
    prefecture = models.CharField(
        "都道府県",
        max_length=4,
        blank=True,
        choices=[(name, name) for name in PREFECTURES],
    )
    local_government_code = models.CharField(
        "全国地方公共団体コード",
        max_length=6,
        validators=[validate_local_government_code],
        help_text="6桁（5桁＋検査数字）。例: 032093（一関市）",
    )
    slug = models.SlugField(
        "識別名（英小文字）",
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text="ホスト名の先頭に使う名前。例: ichinoseki",
        error_messages={"unique": "この識別名は既に他の自治体が使っています。"},
    )
    department = models.CharField("担当部署", max_length=100, blank=True)
    mayor_title = models.CharField(
        "首長の職名", max_length=30, blank=True, help_text="通知書の差出人。例: 一関市長"
    )
    mayor_name = models.CharField("首長の氏名", max_length=50, blank=True)
    council_term = models.CharField(
        "地域組織の呼び方",
        max_length=30,
        default="地域協働体",
        help_text="例: 地域協働体（一関市）、地域づくり組織（盛岡市）、地域づくり協議会（山口市）",
    )
    centre_term = models.CharField(
        "拠点施設の呼び方",
        max_length=30,
        default="市民センター",
        help_text="例: 市民センター（一関市）、地域交流センター（山口市）",
    )
    era_display = models.CharField(
        "年度の表示", max_length=20, choices=EraDisplay.choices, default=EraDisplay.WAREKI
    )
    staff_two_factor_required = models.BooleanField(
        "職員に二要素認証を求める",
        default=False,
        help_text="オンにすると、この自治体の職員は管理画面に入るとき、パスワードに加えて"
        "認証アプリの確認コードが必要になります（初回ログイン時に設定します）。",
    )
    session_idle_minutes = models.PositiveSmallIntegerField(
        "無操作でログアウトするまでの時間（分）",
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(720)],
        help_text="職員・事務局が操作しないまま、この時間が過ぎるとログアウトします（5〜720分）。",
    )

    # How its notices (通知書) are headed and signed. Each kind of notice has the 様式 number
    # of the city's 交付規則 or 要綱; the defaults follow the usual order of its forms.
    notice_form_decision = models.CharField(
        "交付決定通知書の様式番号", max_length=40, blank=True, default="様式第2号"
    )
    notice_form_refusal = models.CharField(
        "不交付決定通知書の様式番号", max_length=40, blank=True, default="様式第3号"
    )
    notice_form_change = models.CharField(
        "変更交付決定通知書の様式番号", max_length=40, blank=True, default="様式第5号"
    )
    notice_form_confirmation = models.CharField(
        "額の確定通知書の様式番号",
        max_length=40,
        blank=True,
        default="様式第7号",
        help_text="通知書の左上に記載します。例: 様式第7号（第12条関係）。空欄にすると記載しません。",
    )
    notice_seal_text = models.CharField(
        "公印の表示",
        max_length=20,
        blank=True,
        help_text="空欄なら差出人の下に「公印省略」と記載します。公印を押す場合は、"
        "押す位置に記載する文字（例: （公印）、印）を入力してください。",
    )
    notice_certificate = models.FileField(
        "通知書の署名用証明書",
        storage=private_storage,
        blank=True,
        editable=False,
        max_length=200,
    )
    notice_certificate_subject = models.CharField(
        "署名用証明書の名義", max_length=300, blank=True, editable=False
    )
    notice_certificate_expires_at = models.DateTimeField(
        "署名用証明書の有効期限", null=True, blank=True, editable=False
    )
    notice_tsa_url = models.URLField(
        "タイムスタンプ局のURL",
        blank=True,
        help_text="電子署名にタイムスタンプを付ける場合、契約しているタイムスタンプ局"
        "（RFC 3161）のURL。例: https://tsa.example.jp/tsa",
    )

    class Meta:
        verbose_name = "自治体"
        verbose_name_plural = "自治体"
        ordering = ["local_government_code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_government_code"],
                condition=~models.Q(local_government_code=""),
                name="municipality_code_unique",
                violation_error_message="この全国地方公共団体コードは既に登録されています。",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def sender(self) -> str:
        """Who signs a notice: 「一関市長 佐藤 善仁」, or 「一関市長」 when no name is set."""
        title = self.mayor_title or f"{self.name}長"
        return f"{title} {self.mayor_name}".strip()

    @property
    def notice_seal(self) -> str:
        """What is printed where the seal goes: the city's wording, or 「公印省略」."""
        return self.notice_seal_text or "公印省略"

    def notice_form_number(self, kind: str) -> str:
        """The 様式 number the city gives notices of ``kind`` (decision, change, …)."""
        return getattr(self, f"notice_form_{kind}", "")

    @classmethod
    def current(cls):
        """The city in force (``core.tenancy``), or an unsaved default outside any city."""
        from core import tenancy

        return tenancy.current_municipality() or cls(name="（自治体名未設定）")


class MunicipalityHost(models.Model):
    """A host name a city is served at (ichinoseki.example.jp, ichinoseki.localhost)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="hosts", verbose_name="自治体"
    )
    host = models.CharField(
        "ホスト名",
        max_length=253,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$",
                "ホスト名は英小文字・数字・ハイフン・ドットで入力してください（ポート番号は不要）。",
            )
        ],
        error_messages={"unique": "このホスト名は既に他の自治体が使っています。"},
    )

    class Meta:
        verbose_name = "ホスト名"
        verbose_name_plural = "ホスト名"
        ordering = ["host"]

    def __str__(self):
        return self.host

    def clean(self):
        self.host = (self.host or "").strip().lower()


class CityOwned(models.Model):
    """A row that belongs to one city.

    ``municipality`` is filled from the city in force when the row is made, and every query
    through ``objects`` is filtered to that city: a query made with no city in force raises
    ``django_scopes.ScopeError`` instead of returning every city's rows. On PostgreSQL a
    row-level security policy on the table is the second wall (``core.rls``).
    """

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="自治体",
        editable=False,
        default=current_municipality_id,
    )

    objects = CityScopedManager()

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        # The city comes from the city in force, never from a form: checking that it exists
        # would cost a query for every row validated (an import of 2,000 rows, 2,000 queries).
        exclude = {*(exclude or ()), "municipality"}
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Every text a user sends (forms, admin, imports) is free of control characters:
        # they break the Excel exports and some cannot be stored by PostgreSQL.
        for field in self._meta.concrete_fields:
            if field.name in exclude or field.name in errors:
                continue
            if isinstance(field, models.CharField | models.TextField):
                try:
                    validate_no_control_characters(getattr(self, field.attname))
                except ValidationError as error:
                    errors[field.name] = error.error_list
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # The city is never a form field but is always set, so constraints that start with it
        # are checked, and a clash on (city, field) reads as that field's error.
        exclude = set(exclude or ()) - {"municipality"}
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise ValidationError(_errors_on_fields(error.error_dict)) from None


def _errors_on_fields(error_dict):
    moved = {}
    for key, errors in error_dict.items():
        for error in errors:
            if key == NON_FIELD_ERRORS and (error.code or "").startswith("unique:"):
                field = error.code.removeprefix("unique:")
                error = ValidationError(error.message, code="unique", params=error.params)
                moved.setdefault(field, []).append(error)
            else:
                moved.setdefault(key, []).append(error)
    return moved


def city_unique(*fields, name, message, condition=None):
    """A unique constraint that starts with the city, whose clash names the last field."""
    return models.UniqueConstraint(
        fields=["municipality", *fields],
        name=name,
        condition=condition,
        violation_error_message=message,
        violation_error_code=f"unique:{fields[-1]}",
    )


class TransitionRecord(CityOwned):
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
    at = models.DateTimeField("日時", default=timezone.now)
    comment = models.TextField("コメント・理由", blank=True)

    class Meta:
        abstract = True


def import_upload_path(instance, filename: str) -> str:
    """Uploads are kept under a random name, never the one sent, and outside public media."""
    import secrets

    return f"private/imports/{secrets.token_hex(16)}"


class ImportJob(CityOwned):
    """One admin import: the stored upload, its check (dry run) and the import itself.

    The confirm step names the upload by ``key``, a random token bound to ``user``, never by
    a path. With a queue backend the check of a large file and every confirmed import run
    as jobs (core.imports.jobs); staff follow their progress on the job's page.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", "確認中"
        CHECKED = "checked", "確定待ち"
        REFUSED = "refused", "誤りあり"
        QUEUED = "queued", "取込待ち"
        RUNNING = "running", "取込中"
        DONE = "done", "完了"
        FAILED = "failed", "失敗"

    FINISHED = (Status.CHECKED, Status.REFUSED, Status.DONE, Status.FAILED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="取り込んだ人",
    )
    model_label = models.CharField("取込先", max_length=100)
    resource_path = models.CharField("取込の定義", max_length=200)
    format_path = models.CharField("ファイル形式", max_length=200)
    file_name = models.CharField("ファイル名", max_length=255)
    key = models.CharField("確定用の鍵", max_length=64, unique=True, editable=False)
    upload = models.FileField("ファイル", upload_to=import_upload_path, blank=True, max_length=200)
    status = models.CharField(
        "状態", max_length=10, choices=Status.choices, default=Status.CHECKING
    )
    rows_total = models.PositiveIntegerField("行数", default=0)
    rows_done = models.PositiveIntegerField("処理済みの行", default=0)
    summary = models.JSONField("結果", default=dict, blank=True)
    problems = models.JSONField("誤り", default=list, blank=True)
    problem_count = models.PositiveIntegerField("誤りの数", default=0)
    error = models.TextField("エラー内容", blank=True)
    attempts = models.PositiveSmallIntegerField("実行回数", default=0)
    created_at = models.DateTimeField("受付日時", default=timezone.now)
    started_at = models.DateTimeField("開始日時", null=True, blank=True)
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)

    class Meta:
        verbose_name = "インポートの実行"
        verbose_name_plural = "インポートの実行"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="core_importjob_status")]

    def __str__(self):
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.is_finished else 0
        return min(100, self.rows_done * 100 // self.rows_total)
