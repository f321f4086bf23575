"""Progress export and import (django-import-export): one column set for both directions.

A clerk exports a plan's progress to CSV (UTF-8 with BOM, opens in Excel) or xlsx, edits
実施内容 / 開催回数 / 延べ参加人数 / 達成状況, and imports the same file back. Rows are found
by 計画ID + 事業番号 + 期間コード, so a re-import updates instead of duplicating. The other
columns are there to read and are ignored on import. Unchanged rows are skipped, so rows of
accepted (locked) periods may stay in the file; changing one is an error. Any error in the
file imports nothing.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, resources, widgets
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.calendar import CalendarParseError, Period, parse_period
from core.exports import neutralise_cell, restore_cell

from .models import PlanItem, ProgressEntry, ProgressStatus
from .services import OWNER, actor_has_role, check_entry_editable

PLAN_COLUMN = "計画ID"
ITEM_COLUMN = "事業番号"
PERIOD_COLUMN = "期間コード"
# Foreign keys the import sets from its own lookups, or never touches.
LOOKED_UP_FIELDS = ("item", "status", "created_by", "reviewed_by")
# What an import may change on an entry.
BULK_UPDATE_FIELDS = ("done", "meetings", "participants", "status")


class CountWidget(widgets.Widget):
    """A whole number of times or people; blank for none. Accepts 1,234 and full-width digits."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # xlsx hands whole numbers over as floats
        text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
        if text == "":
            return None
        if not text.isdigit():
            raise ValueError(f"「{value}」は0以上の整数で入力してください。")
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class TextWidget(widgets.Widget):
    """Free text. Exported with a leading apostrophe when it would read as a formula, and
    imported without it, so the round trip gives back the same text."""

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).replace("\r\n", "\n")
        return restore_cell(text).strip()

    def render(self, value, obj=None, **kwargs):
        return neutralise_cell(value or "")


class StatusWidget(widgets.Widget):
    """A status by its label, looked up in the vocabulary of the row's plan."""

    def __init__(self, resource):
        super().__init__()
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        label = "" if value is None else str(value).strip()
        if label == "":
            return None
        item = self.resource.item_for_row(row)
        statuses = self.resource.statuses_of(item.plan.vocabulary_id)
        if label not in statuses:
            choices = "、".join(statuses) or "（区分に達成状況がありません）"
            raise ValueError(
                f"「{label}」はこの計画の達成状況にありません（選べるもの: {choices}）。"
            )
        return statuses[label]

    def render(self, value, obj=None, **kwargs):
        return value.label if value else ""


class ProgressEntryResource(resources.ModelResource):
    plan = fields.Field(column_name=PLAN_COLUMN, attribute="item__plan_id", readonly=True)
    plan_title = fields.Field(column_name="計画名", attribute="item__plan__title", readonly=True)
    policy = fields.Field(column_name="基本方針", attribute="item__policy", readonly=True)
    item_number = fields.Field(column_name=ITEM_COLUMN, attribute="item__number", readonly=True)
    item_title = fields.Field(column_name="事業名", attribute="item__title", readonly=True)
    period_code = fields.Field(column_name=PERIOD_COLUMN, readonly=True)
    period_label = fields.Field(column_name="期間", readonly=True)
    done = fields.Field(column_name="実施内容", attribute="done", widget=TextWidget())
    meetings = fields.Field(column_name="開催回数", attribute="meetings", widget=CountWidget())
    participants = fields.Field(
        column_name="延べ参加人数", attribute="participants", widget=CountWidget()
    )
    status = fields.Field(column_name="達成状況", attribute="status")
    state = fields.Field(column_name="審査状況", attribute="get_state_display", readonly=True)
    staff_comment = fields.Field(column_name="所見（市）", attribute="staff_comment", readonly=True)

    class Meta:
        model = ProgressEntry
        fields = (
            "plan",
            "plan_title",
            "policy",
            "item_number",
            "item_title",
            "period_code",
            "period_label",
            "done",
            "meetings",
            "participants",
            "status",
            "state",
            "staff_comment",
        )
        export_order = fields
        import_id_fields = ()
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True
        use_transactions = True
        # Every changed row is written at the end, in one UPDATE and one INSERT (with their
        # history rows): saving row by row cost four queries a row (savepoint, update,
        # history, release), 8,010 for a period of 2,000 items.
        use_bulk = True
        batch_size = None

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.fields["status"].widget = StatusWidget(self)
        self._items: dict[tuple, PlanItem] = {}
        self._entries: dict[tuple, ProgressEntry] = {}
        self._statuses: dict[int, dict[str, ProgressStatus]] = {}
        self._loaded_plans: set[int] = set()
        self._owner: dict[int, bool] = {}
        self._queued: set[int] = set()

    # Export ------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("item__plan", "item__policy", "status")

    def dehydrate_period_code(self, entry):
        return entry.period.code

    def dehydrate_period_label(self, entry):
        return entry.period.label

    def dehydrate_policy(self, entry):
        return str(entry.item.policy) if entry.item.policy_id else ""

    # Import ------------------------------------------------------------------------

    def statuses_of(self, vocabulary_id: int) -> dict[str, ProgressStatus]:
        if vocabulary_id not in self._statuses:
            self._statuses[vocabulary_id] = {
                s.label: s for s in ProgressStatus.objects.filter(vocabulary_id=vocabulary_id)
            }
        return self._statuses[vocabulary_id]

    def _period_for_row(self, row) -> Period:
        text = str(row.get(PERIOD_COLUMN) or "").strip()
        if not text:
            raise ValidationError(
                f"「{PERIOD_COLUMN}」が空です（例: 2012、2012H1、平成24年度上半期）。",
                code="period_missing",
            )
        try:
            return parse_period(text)
        except CalendarParseError as error:
            raise ValidationError(str(error), code="invalid_period") from error

    @staticmethod
    def _plan_id(row) -> int | None:
        text = str(row.get(PLAN_COLUMN) or "").strip()
        if text.endswith(".0"):  # xlsx hands whole numbers over as floats
            text = text[:-2]
        return int(text) if text.isdigit() else None

    def before_import(self, dataset, **kwargs):
        # Load every item and entry of the plans in the file at once: a period of a big
        # plan is thousands of rows, and per-row lookups dominated the import time.
        if PLAN_COLUMN not in (dataset.headers or []):
            return
        plan_ids = {self._plan_id(row) for row in dataset.dict} - {None}
        items = PlanItem.objects.filter(plan_id__in=plan_ids).select_related(
            "plan__vocabulary", "plan__council", "policy"
        )
        by_pk = {}
        for item in items:
            self._items[(item.plan_id, item.number)] = item
            by_pk[item.pk] = item
        for entry in ProgressEntry.objects.filter(item_id__in=by_pk).select_related("status"):
            entry.item = by_pk[entry.item_id]
            self._entries[(entry.item_id, entry.fiscal_year, entry.half)] = entry
        self._loaded_plans = plan_ids

    def item_for_row(self, row) -> PlanItem:
        plan_id = self._plan_id(row)
        number = str(row.get(ITEM_COLUMN) or "").strip()
        if plan_id is None:
            raise ValidationError(
                f"「{PLAN_COLUMN}」を数字で入力してください。", code="plan_missing"
            )
        if not number:
            raise ValidationError(f"「{ITEM_COLUMN}」が空です。", code="item_missing")
        key = (plan_id, number)
        if key not in self._items and plan_id not in self._loaded_plans:
            item = (
                PlanItem.objects.select_related("plan__vocabulary", "plan__council", "policy")
                .filter(plan_id=plan_id, number=number)
                .first()
            )
            if item is not None:
                self._items[key] = item
        if key not in self._items:
            raise ValidationError(
                f"計画ID {plan_id} に事業番号「{number}」の事業がありません。",
                code="item_not_found",
            )
        return self._items[key]

    def get_or_init_instance(self, instance_loader, row):
        item = self.item_for_row(row)
        period = self._period_for_row(row)
        key = (item.pk, period.fiscal_year, period.half)
        if key not in self._entries and item.plan_id not in self._loaded_plans:
            entry = (
                ProgressEntry.objects.select_related("status")
                .filter(item=item, fiscal_year=period.fiscal_year, half=period.half)
                .first()
            )
            if entry is not None:
                entry.item = item
                self._entries[key] = entry
        if key in self._entries:
            return self._entries[key], False
        return (
            ProgressEntry(
                item=item,
                fiscal_year=period.fiscal_year,
                half=period.half,
                created_by=self.user,
            ),
            True,
        )

    def before_save_instance(self, instance, row, **kwargs):
        # bulk_update() leaves auto_now alone; a row saved by itself would set it.
        instance.updated_at = timezone.now()
        instance._history_user = self.user

    def save_instance(self, instance, is_create, row, **kwargs):
        # A later row of the file for the same entry changes the instance already queued.
        if id(instance) in self._queued:
            self.before_save_instance(instance, row, **kwargs)
            self.after_save_instance(instance, row, **kwargs)
            return
        self._queued.add(id(instance))
        super().save_instance(instance, is_create, row, **kwargs)

    def get_bulk_update_fields(self):
        return [*BULK_UPDATE_FIELDS, "updated_at"]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # A dry run writes nothing: every row is validated already, and the confirm step
        # imports the file again.
        if dry_run or not self.create_instances:
            self.create_instances.clear()
            return
        try:
            bulk_create_with_history(self.create_instances, ProgressEntry, default_user=self.user)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if dry_run or not self.update_instances:
            self.update_instances.clear()
            return
        try:
            bulk_update_with_history(
                self.update_instances,
                ProgressEntry,
                self.get_bulk_update_fields(),
                default_user=self.user,
            )
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.update_instances.clear()

    def after_save_instance(self, instance, row, **kwargs):
        # A second row for the same item and period in one file updates this entry.
        self._entries[(instance.item_id, instance.fiscal_year, instance.half)] = instance

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Reached only for rows that change something (unchanged rows are skipped).
        plan_id = instance.item.plan_id
        if plan_id not in self._owner:
            self._owner[plan_id] = actor_has_role(
                plan=instance.item.plan, role=OWNER, actor=self.user
            )
        check_entry_editable(entry=instance, actor=self.user, is_owner=self._owner[plan_id])
        errors = dict(import_validation_errors or {})
        try:
            # Uniqueness is settled by the lookup above (one entry per item and period,
            # later rows of the file update it), the import touches no field of the check
            # constraints, and item and status come from lookups, so their existence
            # queries are skipped: the field rules and clean() run, one query fewer each.
            instance.full_clean(
                exclude={*errors, *LOOKED_UP_FIELDS},
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
