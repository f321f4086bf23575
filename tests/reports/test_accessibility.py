"""axe-core over every public page in headless Chromium: no serious or critical violation."""

import os
import shutil
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import Indicator, IndicatorValue, ReviewState
from tests.factories import CivicCentreFactory, CouncilFactory, MemberFactory
from tests.plans.factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed"),
]


def public_paths(council, plan):
    return [
        reverse("public:home"),
        reverse("public:council_list"),
        reverse("public:council", args=[council.pk]),
        reverse("public:civic_centres"),
        reverse("public:plans"),
        reverse("public:plan", args=[plan.pk]),
        reverse("public:plan_progress", args=[plan.pk]),
        reverse("public:plan_rollup", args=[plan.pk]),
        reverse("public:plan_indicators", args=[plan.pk]),
        reverse("public:transparency"),
        "/councils/999999/",
    ]


def test_public_pages_have_no_serious_axe_violations(live_server, monkeypatch):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    council = CouncilFactory(name="山﨑地域協働体", area="一関地域")
    CivicCentreFactory(council=council)
    MemberFactory(council=council)
    plan = PlanFactory(community=True, council=council)
    item = PlanItemFactory(policy=PolicyFactory(plan=plan))
    EntryFactory(item=item, state=ReviewState.ACCEPTED, published_at=timezone.now())
    indicator = Indicator.objects.create(
        plan=plan,
        name="地域活動への参加率",
        unit="%",
        baseline_year=2019,
        baseline_value=Decimal("37.5"),
    )
    IndicatorValue.objects.create(
        indicator=indicator, fiscal_year=2023, kind="target", value=Decimal("50")
    )
    paths = public_paths(council, plan)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    failures = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        for width in (375, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900})
            for path in paths:
                page.goto(live_server.url + path)
                assert page.locator("h1").count() == 1, path
                assert page.get_attribute("html", "lang") == "ja", (path, page.content()[:300])
                results = Axe().run(page)
                for violation in results.response["violations"]:
                    if violation["impact"] in ("serious", "critical"):
                        failures.append((width, path, violation["id"], violation["help"]))
            page.close()
        browser.close()
    assert failures == []
