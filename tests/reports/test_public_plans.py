"""Public plan pages: only published content reaches HTML, PDF, CSV and JSON."""

import io
import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from plans.models import PlanStatus, ReviewState
from plans.services import progress_transition
from tests.plans.factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory

pytestmark = pytest.mark.django_db

SECRET_WORDS = ("下書きの計画", "未承認の実施内容", "承認済み未公開の実施内容", "差戻しの実施内容")


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    cache.clear()


@pytest.fixture
def world(council):
    plan = PlanFactory(community=True, council=council, title="公開中の地域づくり計画")
    item = PlanItemFactory(policy=PolicyFactory(plan=plan), title="見守り活動")
    now = timezone.now()
    EntryFactory(
        item=item,
        fiscal_year=2020,
        done="公開済みの実施内容",
        state=ReviewState.ACCEPTED,
        published_at=now,
    )
    EntryFactory(item=item, fiscal_year=2021, done="未承認の実施内容", state=ReviewState.SUBMITTED)
    EntryFactory(
        item=item, fiscal_year=2022, done="承認済み未公開の実施内容", state=ReviewState.ACCEPTED
    )
    EntryFactory(
        item=item, fiscal_year=2019, half=1, done="差戻しの実施内容", state=ReviewState.RETURNED
    )
    draft = PlanFactory(title="下書きの計画", status=PlanStatus.DRAFT)
    PlanItemFactory(policy=PolicyFactory(plan=draft))
    return plan, draft


def every_public_url(plan, draft, council):
    urls = [
        reverse("public:home"),
        reverse("public:plans"),
        reverse("public:council_list"),
        reverse("public:council", args=[council.pk]),
    ]
    for name in ("plan", "plan_progress", "plan_rollup", "plan_indicators"):
        urls.append(reverse(f"public:{name}", args=[plan.pk]))
    return urls


def body_of(response):
    content = b"".join(response) if response.streaming else response.content
    if response["Content-Type"] == "application/pdf":
        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    return content.decode("utf-8-sig")


def test_drafts_and_unpublished_progress_reach_no_public_url(client, world, council):
    plan, draft = world
    urls = every_public_url(plan, draft, council)
    for url in list(urls):
        urls += [f"{url}pdf/"]
    urls += [
        reverse("public:plan_progress_csv", args=[plan.pk, "progress"]),
        reverse("public:plan_progress_json", args=[plan.pk, "progress"]),
        reverse("public:council_csv", args=[council.pk, "progress"]),
        reverse("public:plans_json", args=["plans"]),
        reverse("public:plan_json", args=[plan.pk, "items"]),
    ]
    seen_published = False
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = body_of(response)
        for word in SECRET_WORDS:
            assert word not in text, (url, word)
        seen_published |= "公開済みの実施内容" in text
    assert seen_published
    for name in ("plan", "plan_progress", "plan_rollup", "plan_indicators"):
        assert client.get(reverse(f"public:{name}", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("period", ["2021", "2099H1", "平成99年度", "abc"])
def test_unpublished_or_unknown_period_is_404(client, world, period):
    plan, _ = world
    response = client.get(reverse("public:plan_progress_period", args=[plan.pk, period]))
    assert response.status_code == 404


def test_published_period_page(client, world):
    plan, _ = world
    response = client.get(reverse("public:plan_progress_period", args=[plan.pk, "2020"]))
    body = response.content.decode()
    assert "公開済みの実施内容" in body and "令和2年度" in body


def test_publishing_progress_clears_the_public_cache(
    client, world, admin_user, django_capture_on_commit_callbacks
):
    plan, _ = world
    url = reverse("public:plan_progress", args=[plan.pk])
    assert "承認済み未公開の実施内容" not in client.get(url).content.decode()
    entry = plan.items.get().entries.get(fiscal_year=2022)
    with django_capture_on_commit_callbacks(execute=True):
        progress_transition(entry=entry, action="publish", actor=admin_user)
    assert "承認済み未公開の実施内容" in client.get(url).content.decode()


def test_rollup_json_gives_counts_and_shares(client, world):
    plan, _ = world
    rows = json.loads(
        client.get(reverse("public:plan_rollup_json", args=[plan.pk, "rollup"])).content
    )
    assert rows[-1]["policy"] == "全体計"
    assert rows[-1]["items"] == 1
    assert rows[-1]["status1"] == 1 and rows[-1]["status1_percent"] == "100.0"


def test_plan_pages_run_fixed_queries(client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan, _ = world
    names = ("plan", "plan_progress", "plan_rollup", "plan_indicators")
    before = {}
    for name in names:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse(f"public:{name}", args=[plan.pk]))
        before[name] = len(captured)
    policy = plan.policies.first()
    for n in range(20):
        item = PlanItemFactory(policy=policy)
        EntryFactory(
            item=item, state=ReviewState.ACCEPTED, published_at=timezone.now(), done=f"実施{n}"
        )
    for name in names:
        cache.clear()
        with django_assert_max_num_queries(before[name]):
            assert client.get(reverse(f"public:{name}", args=[plan.pk])).status_code == 200
