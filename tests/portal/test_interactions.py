"""A secretary on a phone (375×812) files one application with two expense lines and one
PDF, from the login page, in Chromium: every interaction is counted. And axe-core finds no
serious or critical violation on the form after a rejected submit."""

import os
import shutil

import pytest
from django.urls import reverse

from subsidies.models import Application, Status
from tests.security.files import pdf_bytes

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "kyodo-jimukyoku-2026"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = os.environ.get("APPFORM_SCREENSHOTS")  # a folder, to look at the pages

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed"),
]


class Counted:
    """The page's interactions, each counted once: a typed URL, a tap, a field typed, a
    choice made, files chosen."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def _one(self):
        self.count += 1
        return self.page

    def goto(self, url):
        self._one().goto(url)

    def click(self, selector):
        self._one().click(selector)

    def fill(self, selector, value):
        self._one().fill(selector, value)

    def select(self, selector, label):
        self._one().select_option(selector, label=label)

    def set_input_files(self, selector, files):
        self._one().set_input_files(selector, files)


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def secretary(world):
    world.secretary.set_password(PASSWORD)
    world.secretary.save()
    return world.secretary


def log_in(page, live_server, secretary):
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", secretary.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


def test_filing_on_a_phone_takes_few_interactions(live_server, browser, secretary, world, tmp_path):
    from playwright.sync_api import expect

    plan = tmp_path / "事業計画書.pdf"
    plan.write_bytes(pdf_bytes())
    page = browser.new_page(viewport={"width": 375, "height": 812})
    act = Counted(page)
    act.goto(live_server.url + reverse("login"))
    act.fill("#id_username", secretary.username)
    act.fill("#id_password", PASSWORD)
    act.click("main button[type=submit]")
    shot(page, "home-375")
    act.click("main >> text=新しく申請する")
    act.fill("#id_title", "防災マップの作成")
    act.select("#id_lines-0-category", "需用費")
    act.fill("#id_lines-0-amount", "120000")
    act.select("#id_lines-1-category", "報償費")
    act.fill("#id_lines-1-amount", "95000")
    act.set_input_files("#id_files", str(plan))
    expect(page.locator(".js-lines-total")).to_have_text("¥215,000")
    expect(page.locator(".js-grant-amount")).to_have_text("¥200,000")
    shot(page, "form-375")
    act.click("button[name=confirm]")
    assert "年度上限" in page.inner_text("main")  # the engine's breakdown
    shot(page, "confirm-375")
    act.click("text=この内容で申請する")
    print(f"\ninteractions from the login page to a filed application: {act.count}")
    application = Application.objects.get()
    assert application.status == Status.SUBMITTED
    assert application.requested_amount == 200_000
    assert [a.original_name for a in application.attachments.all()] == ["事業計画書.pdf"]
    assert act.count <= 14


def test_the_form_after_a_rejected_submit_has_no_serious_axe_violations(
    live_server, browser, secretary, world, tmp_path
):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    plan = tmp_path / "事業計画書.pdf"
    plan.write_bytes(pdf_bytes())
    failures = []
    for width in (375, 1280):
        page = browser.new_page(viewport={"width": width, "height": 900})
        log_in(page, live_server, secretary)
        page.goto(live_server.url + reverse("subsidies_portal:new"))
        page.select_option("#id_lines-0-category", label="需用費")
        page.fill("#id_lines-0-amount", "120000")
        page.set_input_files("#id_files", str(plan))
        page.click("text=行を追加")
        assert page.locator(".line-row").count() == 4
        page.click("button[name=confirm]")  # no 事業名: rejected
        assert page.locator(".error-summary a[href='#id_title']").count() == 1
        assert "添付済み: 事業計画書.pdf" in page.inner_text("main")
        expect(page.locator(".js-grant-amount")).to_have_text("¥120,000")
        shot(page, f"rejected-{width}")
        for violation in Axe().run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                failures.append((width, violation["id"], violation["help"]))
        if SCREENSHOTS:
            page.goto(live_server.url + reverse("subsidies_portal:list"))
            shot(page, f"list-{width}")
        page.close()
    assert failures == []
