"""Progress export → edit → import: the same columns both ways, identified by
計画ID + 事業番号 + 期間コード; any error imports nothing; re-import does not duplicate."""

import io

import pytest
import tablib
from django.urls import reverse

from plans.models import ProgressEntry, ReviewState
from plans.resources import ProgressEntryResource

from .factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory

pytestmark = pytest.mark.django_db

COLUMNS = [
    "計画ID",
    "計画名",
    "基本方針",
    "事業番号",
    "事業名",
    "期間コード",
    "期間",
    "実施内容",
    "開催回数",
    "延べ参加人数",
    "達成状況",
    "審査状況",
    "所見（市）",
]


@pytest.fixture
def city_plan():
    """A published city plan: 事業1 accepted for 2020, 事業2 a draft for 2020H1."""
    plan = PlanFactory(title="第2次一関市地域協働推進計画")
    policy = PolicyFactory(plan=plan, number="⑴", title="地域協働の仕組みと組織づくり")
    first = PlanItemFactory(policy=policy, number="事業1", title="合意形成の支援")
    second = PlanItemFactory(policy=policy, number="事業2", title="計画策定の支援")
    EntryFactory(
        item=first,
        fiscal_year=2020,
        state=ReviewState.ACCEPTED,
        done="5地区を支援した。",
        meetings=5,
    )
    EntryFactory(item=second, fiscal_year=2020, half=1, done="要請に応じて職員を派遣した。")
    return plan


def _export(user, plan):
    return ProgressEntryResource(user=user).export(
        queryset=ProgressEntry.objects.filter(item__plan=plan).order_by("item__order")
    )


def _import(user, dataset, dry_run=False):
    return ProgressEntryResource(user=user).import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )


def _state():
    return sorted(
        ProgressEntry.objects.values_list(
            "item__number",
            "fiscal_year",
            "half",
            "done",
            "meetings",
            "participants",
            "status__label",
            "state",
        )
    )


def _errors(result):
    messages = [str(e.error) for row in result.row_errors() for e in row[1]]
    for invalid in result.invalid_rows:
        messages += [m for ms in invalid.error_dict.values() for m in ms]
    return messages


def test_export_columns_are_the_import_columns(city_plan, editor_user):
    dataset = _export(editor_user, city_plan)
    assert dataset.headers == COLUMNS
    assert dataset.dict[0]["計画ID"] == str(city_plan.pk)
    assert dataset.dict[0]["期間コード"] == "2020"
    assert dataset.dict[0]["期間"] == "令和2年度"
    assert dataset.dict[1]["期間コード"] == "2020H1"
    assert dataset.dict[1]["期間"] == "令和2年度上半期"
    assert dataset.dict[0]["達成状況"] == "達成済"
    assert dataset.dict[0]["審査状況"] == "承認済"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_round_trip_updates_drafts_adds_rows_and_reimport_does_not_duplicate(
    city_plan, editor_user, file_format
):
    exported = _export(editor_user, city_plan)
    content = exported.export(file_format)
    dataset = tablib.Dataset().load(
        content if file_format == "csv" else io.BytesIO(content), format=file_format
    )
    rows = dataset.dict
    rows[1]["実施内容"] = "要請に応じて職員を3回派遣した。"
    rows[1]["開催回数"] = "3"
    rows[1]["達成状況"] = "実施進行中・調査検討中"
    new_row = dict(
        rows[1],
        **{
            "期間コード": "令和3年度下半期",
            "実施内容": "下半期も派遣した。",
            "開催回数": "",
            "審査状況": "",
        },
    )
    rows.append(new_row)
    edited = tablib.Dataset(*[[r[c] for c in COLUMNS] for r in rows], headers=COLUMNS)

    result = _import(editor_user, edited)

    assert _errors(result) == []
    assert (result.totals["update"], result.totals["new"], result.totals["skip"]) == (1, 1, 1)
    assert _state() == [
        ("事業1", 2020, None, "5地区を支援した。", 5, None, "達成済", ReviewState.ACCEPTED),
        (
            "事業2",
            2020,
            1,
            "要請に応じて職員を3回派遣した。",
            3,
            None,
            "実施進行中・調査検討中",
            ReviewState.DRAFT,
        ),
        (
            "事業2",
            2021,
            2,
            "下半期も派遣した。",
            None,
            None,
            "実施進行中・調査検討中",
            ReviewState.DRAFT,
        ),
    ]
    created = ProgressEntry.objects.get(fiscal_year=2021)
    assert created.created_by == editor_user
    assert created.history.count() == 1  # bulk writes keep the history too

    before = _state()
    again = _import(editor_user, edited)
    assert _errors(again) == []
    assert again.totals["skip"] == 3
    assert _state() == before
    assert ProgressEntry.objects.count() == 3


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("達成状況", "完了", "この計画の達成状況にありません"),
        ("事業番号", "事業99", "事業番号「事業99」の事業がありません"),
        ("期間コード", "来年度", "年度として読み取れません"),
        ("期間コード", "2030", "計画期間"),
        ("開催回数", "-3", "0以上の整数"),
        ("延べ参加人数", "たくさん", "0以上の整数"),
        ("計画ID", "", "計画ID"),
    ],
)
def test_a_file_with_any_error_imports_nothing(city_plan, editor_user, column, value, message):
    rows = _export(editor_user, city_plan).dict
    rows[1]["実施内容"] = "この変更は取り込まれない"  # a valid change in the same file
    bad = dict(rows[1], **{"期間コード": "2021", column: value})
    if column != "期間コード":
        bad["期間コード"] = "2021"
    rows.append(bad)
    dataset = tablib.Dataset(*[[r[c] for c in COLUMNS] for r in rows], headers=COLUMNS)
    before = _state()

    result = _import(editor_user, dataset)

    assert result.has_errors() or result.has_validation_errors()
    assert any(message in text for text in _errors(result)), _errors(result)
    assert _state() == before


def test_changing_an_accepted_row_is_an_error_and_imports_nothing(city_plan, editor_user):
    rows = _export(editor_user, city_plan).dict
    rows[0]["実施内容"] = "承認後の書き換え"
    rows[1]["実施内容"] = "下書きの書き換え"
    dataset = tablib.Dataset(*[[r[c] for c in COLUMNS] for r in rows], headers=COLUMNS)
    before = _state()

    result = _import(editor_user, dataset)

    assert any("承認済みのため変更できません" in text for text in _errors(result))
    assert _state() == before


def test_a_secretary_cannot_import_into_a_city_plan(city_plan, secretary, editor_user):
    rows = _export(editor_user, city_plan).dict
    rows[1]["実施内容"] = "書き換え"
    dataset = tablib.Dataset(*[[r[c] for c in COLUMNS] for r in rows], headers=COLUMNS)
    result = _import(secretary, dataset)
    assert any("権限がありません" in text for text in _errors(result))


def test_text_that_looks_like_a_formula_survives_the_round_trip(city_plan, editor_user):
    entry = ProgressEntry.objects.get(half=1)
    entry.done = '=HYPERLINK("http://example.com")'
    entry.save()
    exported = _export(editor_user, city_plan)
    assert exported.dict[1]["実施内容"] == '\'=HYPERLINK("http://example.com")'
    result = _import(editor_user, tablib.Dataset().load(exported.export("csv"), format="csv"))
    assert _errors(result) == []
    assert result.totals["skip"] == 2
    entry.refresh_from_db()
    assert entry.done == '=HYPERLINK("http://example.com")'


# Through the admin, as a clerk would.


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # The confirm step keeps the upload in MEDIA_ROOT (shared by every web server).
    settings.MEDIA_ROOT = tmp_path


def test_admin_export_is_utf8_csv_with_bom(admin_client_staff, city_plan):
    url = reverse("admin:plans_progressentry_export")
    assert admin_client_staff.get(url).status_code == 200
    response = admin_client_staff.post(url, {"format": "0"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith("\ufeff".encode())
    assert "計画ID,計画名" in body.decode("utf-8-sig").splitlines()[0]


def test_admin_import_confirms_then_imports(admin_client_staff, city_plan, admin_user):
    rows = _export(admin_user, city_plan).dict
    rows[1]["実施内容"] = "管理画面から更新"
    dataset = tablib.Dataset(*[[r[c] for c in COLUMNS] for r in rows], headers=COLUMNS)
    upload = io.BytesIO(dataset.export("csv").encode("utf-8-sig"))
    upload.name = "progress.csv"
    url = reverse("admin:plans_progressentry_import")

    response = admin_client_staff.post(url, {"import_file": upload, "format": "0"})
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    assert confirm is not None
    assert ProgressEntry.objects.get(half=1).done == "要請に応じて職員を派遣した。"  # dry run only

    response = admin_client_staff.post(
        reverse("admin:plans_progressentry_process_import"), confirm.initial
    )
    assert response.status_code == 302
    assert ProgressEntry.objects.get(half=1).done == "管理画面から更新"


def test_admin_import_with_errors_offers_no_confirmation(admin_client_staff, city_plan, admin_user):
    rows = _export(admin_user, city_plan).dict
    rows[1]["達成状況"] = "完了"
    dataset = tablib.Dataset(*[[r[c] for c in COLUMNS] for r in rows], headers=COLUMNS)
    upload = io.BytesIO(dataset.export("csv").encode("utf-8"))
    upload.name = "progress.csv"

    response = admin_client_staff.post(
        reverse("admin:plans_progressentry_import"), {"import_file": upload, "format": "0"}
    )

    assert response.status_code == 200
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert "この計画の達成状況にありません" in response.content.decode()
