"""The secretary portal through real HTTP requests: own council only, drafts never leak,
the plan and progress workflows, and fixed query counts."""

import pytest
from django.urls import reverse

from plans import services
from plans.models import Plan, PlanItem, PlanStatus, ProgressAction, ProgressEntry, ReviewState
from tests.factories import CouncilFactory
from tests.plans.factories import (
    EntryFactory,
    PlanFactory,
    PlanItemFactory,
    PolicyFactory,
    VocabularyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def vocabulary():
    return VocabularyFactory(is_default=True)


@pytest.fixture
def own_plan(council, vocabulary):
    plan = PlanFactory(community=True, council=council, vocabulary=vocabulary, title="山目の計画")
    policy = PolicyFactory(plan=plan, number="⑴", title="安心・安全")
    item = PlanItemFactory(policy=policy, number="事業1", title="見守り活動")
    item.roles.create(actor="council", role="名簿の整備")
    item.schedule.create(fiscal_year=2020, text="実施")
    return plan


@pytest.fixture
def other_plan(vocabulary):
    """Another council's plan in force, a draft revision, and a draft entry."""
    council = CouncilFactory(name="藤沢地域協働体")
    plan = PlanFactory(community=True, council=council, vocabulary=vocabulary, title="藤沢の計画")
    item = PlanItemFactory(policy=PolicyFactory(plan=plan), number="事業1", title="特産品開発")
    EntryFactory(item=item, fiscal_year=2020, done="藤沢の下書きの実施内容")
    draft = PlanFactory(
        community=True,
        council=council,
        vocabulary=vocabulary,
        title="藤沢の見直し案",
        status=PlanStatus.DRAFT,
        version=2,
        revision_of=plan,
        vision="藤沢の非公開の将来像",
    )
    return plan, draft, item


def _urls(plan, item):
    return [
        ("get", reverse("plans_portal:plan", args=[plan.pk])),
        ("get", reverse("plans_portal:plan_edit", args=[plan.pk])),
        ("get", reverse("plans_portal:plan_issues", args=[plan.pk])),
        ("get", reverse("plans_portal:plan_policies", args=[plan.pk])),
        ("get", reverse("plans_portal:item_create", args=[plan.pk])),
        ("get", reverse("plans_portal:progress", args=[plan.pk, "2020"])),
        ("get", reverse("plans_portal:item_edit", args=[item.pk])),
        ("get", reverse("plans_portal:entry", args=[item.pk, "2020"])),
        ("post", reverse("plans_portal:plan_submit", args=[plan.pk])),
        ("post", reverse("plans_portal:plan_revise", args=[plan.pk])),
        ("post", reverse("plans_portal:item_delete", args=[item.pk])),
        ("post", reverse("plans_portal:entry", args=[item.pk, "2020"])),
    ]


def test_anonymous_is_sent_to_login(client, own_plan):
    item = own_plan.items.get()
    for method, url in [("get", reverse("plans_portal:index")), *_urls(own_plan, item)]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_staff_without_a_tenure_gets_403(client, editor_user, own_plan):
    client.force_login(editor_user)
    assert client.get(reverse("plans_portal:index")).status_code == 403
    assert client.get(reverse("plans_portal:plan", args=[own_plan.pk])).status_code == 403


def test_another_councils_plan_answers_404_and_changes_nothing(
    secretary_client, own_plan, other_plan
):
    plan, draft, item = other_plan
    before = (
        list(Plan.objects.values_list("pk", "status", "version")),
        list(ProgressEntry.objects.values_list("pk", "done", "state")),
        PlanItem.objects.count(),
    )
    for target in (plan, draft):
        for method, url in _urls(target, item):
            data = {"done": "上書き", "submit": "1"} if method == "post" else None
            response = getattr(secretary_client, method)(url, data)
            assert response.status_code == 404, url
    after = (
        list(Plan.objects.values_list("pk", "status", "version")),
        list(ProgressEntry.objects.values_list("pk", "done", "state")),
        PlanItem.objects.count(),
    )
    assert after == before


def test_own_pages_never_show_another_councils_drafts(secretary_client, own_plan, other_plan):
    item = own_plan.items.get()
    for url in [reverse("plans_portal:index"), reverse("portal:home")] + [
        url for method, url in _urls(own_plan, item) if method == "get"
    ]:
        body = secretary_client.get(url).content.decode()
        assert "藤沢" not in body, url


def test_plan_pages_show_the_plan(secretary_client, own_plan):
    body = secretary_client.get(reverse("plans_portal:plan", args=[own_plan.pk])).content.decode()
    for text in (
        "山目の計画",
        "⑴ 安心・安全",
        "事業1 見守り活動",
        "名簿の整備",
        "令和2年度",
        "見直し版を作成する",
    ):
        assert text in body


def test_secretary_drafts_and_submits_a_new_plan(secretary_client, council, vocabulary):
    response = secretary_client.post(
        reverse("plans_portal:plan_create"),
        {
            "title": "地域づくり計画",
            "start_year": "2026",
            "end_year": "2030",
            "vision": "支え合う地域",
        },
    )
    plan = Plan.objects.get(council=council)
    assert response.status_code == 302
    assert (plan.status, plan.vocabulary, plan.kind) == (PlanStatus.DRAFT, vocabulary, "community")

    response = secretary_client.post(
        reverse("plans_portal:plan_policies", args=[plan.pk]),
        {
            "policies-TOTAL_FORMS": "1",
            "policies-INITIAL_FORMS": "0",
            "policies-0-order": "1",
            "policies-0-number": "⑴",
            "policies-0-title": "安心・安全",
            "policies-0-description": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    policy = plan.policies.get()

    response = secretary_client.post(
        reverse("plans_portal:item_create", args=[plan.pk]),
        {
            "policy": policy.pk,
            "order": "1",
            "number": "事業1",
            "title": "見守り",
            "content": "訪問する",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-0-order": "1",
            "roles-0-actor": "jichikai",
            "roles-0-actor_name": "",
            "roles-0-role": "声かけ",
            "schedule-TOTAL_FORMS": "2",
            "schedule-INITIAL_FORMS": "0",
            "schedule-0-fiscal_year": "2026",
            "schedule-0-text": "実施",
            "schedule-1-fiscal_year": "",
            "schedule-1-text": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    item = plan.items.get()
    assert list(item.roles.values_list("actor", "role")) == [("jichikai", "声かけ")]
    assert list(item.schedule.values_list("fiscal_year", "text")) == [(2026, "実施")]

    secretary_client.post(reverse("plans_portal:plan_submit", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    # A submitted plan is no longer editable.
    response = secretary_client.post(
        reverse("plans_portal:plan_edit", args=[plan.pk]),
        {"title": "変更", "start_year": "2026", "end_year": "2030"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "地域づくり計画"


def test_duplicate_item_number_is_a_form_error(secretary_client, council, vocabulary):
    plan = PlanFactory(
        community=True, council=council, vocabulary=vocabulary, status=PlanStatus.DRAFT
    )
    PlanItemFactory(policy__plan=plan, number="事業1")
    response = secretary_client.post(
        reverse("plans_portal:item_create", args=[plan.pk]),
        {
            "number": "事業1",
            "title": "重複",
            "order": "2",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
            "schedule-TOTAL_FORMS": "0",
            "schedule-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "この計画に同じ番号の事業があります。" in response.content.decode()
    assert plan.items.count() == 1


def test_plan_period_reversed_is_a_form_error(secretary_client, council, vocabulary):
    response = secretary_client.post(
        reverse("plans_portal:plan_create"),
        {"title": "計画", "start_year": "2030", "end_year": "2026"},
    )
    assert response.status_code == 200
    assert "終了年度が開始年度より前" in response.content.decode()
    assert not Plan.objects.exists()


def test_secretary_files_progress_draft_then_submits(secretary_client, own_plan, editor_user):
    item = own_plan.items.get()
    status = own_plan.vocabulary.statuses.first()
    url = reverse("plans_portal:entry", args=[item.pk, "2020H1"])
    assert secretary_client.get(url).status_code == 200

    response = secretary_client.post(
        url,
        {
            "done": "訪問を6回実施",
            "meetings": "6",
            "participants": "",
            "status": status.pk,
            "save": "1",
        },
    )
    assert response.status_code == 302
    entry = ProgressEntry.objects.get(item=item)
    assert (entry.period.code, entry.state, entry.meetings) == ("2020H1", ReviewState.DRAFT, 6)

    secretary_client.post(
        url, {"done": "訪問を6回実施した", "meetings": "6", "status": status.pk, "submit": "1"}
    )
    entry.refresh_from_db()
    assert entry.state == ReviewState.SUBMITTED
    assert entry.transitions.get().actor.pk == entry.created_by_id

    services.progress_transition(
        action=ProgressAction.RETURN,
        entry=entry,
        actor=editor_user,
        comment="参加人数も記入してください。",
    )
    body = secretary_client.get(url).content.decode()
    assert "参加人数も記入してください。" in body
    assert "差戻し" in body

    secretary_client.post(
        url,
        {
            "done": "訪問を6回実施した",
            "meetings": "6",
            "participants": "30",
            "status": status.pk,
            "submit": "1",
        },
    )
    services.progress_transition(
        action=ProgressAction.ACCEPT, entry=entry, actor=editor_user, comment="丁寧な取組です。"
    )

    # Accepted: the page is read-only and a POST changes nothing.
    body = secretary_client.get(url).content.decode()
    assert "丁寧な取組です。" in body and "承認済みのため変更できません" in body
    secretary_client.post(url, {"done": "改ざん", "status": status.pk, "save": "1"})
    entry.refresh_from_db()
    assert (entry.done, entry.state) == ("訪問を6回実施した", ReviewState.ACCEPTED)


def test_progress_outside_the_plan_period_is_refused(secretary_client, own_plan):
    item = own_plan.items.get()
    status = own_plan.vocabulary.statuses.first()
    response = secretary_client.post(
        reverse("plans_portal:entry", args=[item.pk, "2031"]),
        {"done": "x", "status": status.pk, "save": "1"},
    )
    assert response.status_code == 200
    assert "計画期間" in response.content.decode()
    assert not ProgressEntry.objects.exists()
    assert (
        secretary_client.get(
            reverse("plans_portal:progress", args=[own_plan.pk, "2031"])
        ).status_code
        == 404
    )
    assert (
        secretary_client.get(
            reverse("plans_portal:progress", args=[own_plan.pk, "someday"])
        ).status_code
        == 404
    )


def test_secretary_revises_the_plan_and_the_old_version_stays_readable(secretary_client, own_plan):
    response = secretary_client.post(
        reverse("plans_portal:plan_revise", args=[own_plan.pk]), {"note": "若者の参画を追加"}
    )
    new = Plan.objects.get(revision_of=own_plan)
    assert response.url == reverse("plans_portal:plan", args=[new.pk])
    assert (new.version, new.status, new.revision_note) == (2, PlanStatus.DRAFT, "若者の参画を追加")
    assert secretary_client.get(reverse("plans_portal:plan", args=[own_plan.pk])).status_code == 200
    assert secretary_client.get(reverse("plans_portal:plan_edit", args=[new.pk])).status_code == 200
    # The published version itself cannot be edited.
    response = secretary_client.get(reverse("plans_portal:plan_edit", args=[own_plan.pk]))
    assert response.status_code == 302


def test_dashboard_panel_flags_returned_progress(secretary_client, own_plan):
    EntryFactory(item=own_plan.items.get(), state=ReviewState.RETURNED)
    body = secretary_client.get(reverse("portal:home")).content.decode()
    assert "地域づくり計画・進捗" in body
    assert "差戻しされた進捗が1件あります" in body


def _grow(plan, n, start=0):
    policy = plan.policies.first()
    for i in range(start, start + n):
        item = PlanItemFactory(policy=policy, number=f"追加{i}")
        item.roles.create(actor="city", role="助言")
        item.schedule.create(fiscal_year=2021, text="検討")
        EntryFactory(item=item, fiscal_year=2020)


@pytest.mark.parametrize(
    "page",
    ["index", "plan", "progress", "home"],
)
def test_portal_pages_run_a_fixed_number_of_queries(
    secretary_client, own_plan, page, django_assert_max_num_queries
):
    urls = {
        "index": reverse("plans_portal:index"),
        "plan": reverse("plans_portal:plan", args=[own_plan.pk]),
        "progress": reverse("plans_portal:progress", args=[own_plan.pk, "2020"]),
        "home": reverse("portal:home"),
    }
    _grow(own_plan, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert secretary_client.get(urls[page]).status_code == 200
    _grow(own_plan, 15, start=2)
    with django_assert_max_num_queries(len(small)):
        assert secretary_client.get(urls[page]).status_code == 200


def _draft_with_item(council, vocabulary):
    plan = PlanFactory(
        community=True, council=council, vocabulary=vocabulary, status=PlanStatus.DRAFT
    )
    item = PlanItemFactory(policy=PolicyFactory(plan=plan, number="⑴"), number="事業1")
    return plan, item


def test_policy_with_items_is_not_deleted(secretary_client, council, vocabulary):
    plan, item = _draft_with_item(council, vocabulary)
    policy = item.policy
    response = secretary_client.post(
        reverse("plans_portal:plan_policies", args=[plan.pk]),
        {
            "policies-TOTAL_FORMS": "1",
            "policies-INITIAL_FORMS": "1",
            "policies-0-id": str(policy.pk),
            "policies-0-plan": str(plan.pk),
            "policies-0-order": "1",
            "policies-0-number": "⑴",
            "policies-0-title": "改めた方針名",
            "policies-0-DELETE": "on",
        },
        follow=True,
    )
    assert "事業が登録されている方針は削除できません。" in response.content.decode()
    policy.refresh_from_db()
    assert policy.title != "改めた方針名"


def test_item_with_progress_is_not_deleted_from_the_portal(secretary_client, council, vocabulary):
    plan, item = _draft_with_item(council, vocabulary)
    EntryFactory(item=item)
    response = secretary_client.post(
        reverse("plans_portal:item_delete", args=[item.pk]), follow=True
    )
    assert "進捗が記録された事業は削除できません。" in response.content.decode()
    assert PlanItem.objects.filter(pk=item.pk).exists()


def test_schedule_outside_the_plan_saves_nothing(secretary_client, council, vocabulary):
    plan, item = _draft_with_item(council, vocabulary)
    response = secretary_client.post(
        reverse("plans_portal:item_edit", args=[item.pk]),
        {
            "policy": item.policy_id,
            "order": "1",
            "number": "事業1",
            "title": "名前を変えた事業",
            "content": "内容",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-0-order": "1",
            "roles-0-actor": "jichikai",
            "roles-0-actor_name": "",
            "roles-0-role": "声かけ",
            "schedule-TOTAL_FORMS": "1",
            "schedule-INITIAL_FORMS": "0",
            "schedule-0-fiscal_year": "2035",
            "schedule-0-text": "実施",
        },
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.title != "名前を変えた事業"
    assert not item.roles.exists()
    assert not item.schedule.exists()
