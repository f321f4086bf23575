"""On a phone (375 × 812) every public page and every page of the secretary's portal of the
demo city fits the screen: no element ends beyond the right edge, no text is cut off, and the
header stays one compact line whose menu opens from a button; axe finds no serious or
critical violation on any portal page, nor on a page with the menu open.

The pages are read from the URL resolver (the public and portal namespaces), their ids filled
with the demo's rows, so that a new page is walked as soon as it has a URL."""

import io
import os
import re
import shutil
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.models import User
from councils.models import Council
from plans import services as plan_services
from plans.models import Plan, PlanItem, PlanStatus, ProgressEntry
from subsidies.models import Application
from tests.security.matrix_urls import walk

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed"),
]

HOST = "ichinoseki.test"
PHONE = {"width": 375, "height": 812}
HEADER_MAX = 56  # px: the phone header is one line, the menu behind a button
SECRETARY, PASSWORD = "yamanome", "kyodo-jimukyoku-2026"  # README: the demo's secretary
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP *.test 127.0.0.1",
]

# Every element whose box ends beyond the viewport's right edge, and every element that cuts
# its text off (overflow hidden or an ellipsis, with more content than room). Visually hidden
# text (1 px boxes: skip link, table headers of stacked tables) is meant to be clipped.
PROBLEMS = """() => {
  const width = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\\s+/g, '.') : '');
  const text = (el) => (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.width <= 1 || box.height <= 1) continue;
    if (box.right > width + 1) {
      found.push(`off screen (right ${Math.round(box.right)} > ${width}): ${name(el)} "${text(el)}"`);
      continue;
    }
    const style = getComputedStyle(el);
    const clips = ['hidden', 'clip'].includes(style.overflowX) || style.textOverflow === 'ellipsis';
    if (clips && el.scrollWidth > el.clientWidth + 1) {
      found.push(`cut off (${el.scrollWidth} > ${el.clientWidth}): ${name(el)} "${text(el)}"`);
    }
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      found.push(`scrolls sideways (${el.scrollWidth} > ${el.clientWidth}): ${name(el)} "${text(el)}"`);
    }
  }
  return found;
}"""


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    call_command("load_demo", stdout=io.StringIO())
    secretary = User.objects.get(username=SECRETARY)
    # A revision being drafted: the portal's plan editing pages open only for a draft.
    plan = Plan.objects.get(council__secretaries__user=secretary, status=PlanStatus.PUBLISHED)
    plan_services.plan_revise(plan=plan, actor=secretary, note="事業の見直し")
    return secretary


# Pages that need a query string to show anything (a GET form's answer).
QUERIES = {"plans_portal:progress_choose": "?period=2024"}


def candidates(route, council) -> list[dict]:
    """The keyword arguments to try for ``route``: every row of the demo the page may show
    (the pages that do not answer 200 for a row, such as the edit page of a decided
    application, are left out afterwards)."""
    names = list(route.pattern.pattern.regex.groupindex)
    if not names:
        return [{}]
    community = Plan.objects.filter(council=council).order_by("-version")
    in_force = community.filter(status=PlanStatus.PUBLISHED).first()
    city_plan = Plan.objects.filter(council=None, status=PlanStatus.PUBLISHED).first()
    entries = ProgressEntry.objects.filter(item__policy__plan=in_force).order_by("-fiscal_year")
    if route.namespace == "public":
        if ":council" in route.key:
            return [{"pk": council.pk}]
        if "period" in names:
            entry = entries.exclude(published_at=None).first()
            return [{"pk": in_force.pk, "period": entry.period.code}]
        if ":plan" in route.key:
            return [{"pk": in_force.pk}, {"pk": city_plan.pk}]
    if route.namespace == "subsidies_portal":
        found = []
        for application in Application.objects.filter(council=council).order_by("pk"):
            kwargs = {"pk": application.pk}
            if "attachment_pk" in names:
                attachment = application.attachments.first()
                if attachment is None:
                    continue
                kwargs["attachment_pk"] = attachment.pk
            if "notice_pk" in names:
                notice = application.notices.first()
                if notice is None:
                    continue
                kwargs["notice_pk"] = notice.pk
            found.append(kwargs)
        return found
    if route.namespace == "plans_portal":
        if route.text.startswith("portal/plans/items/"):
            if "period" not in names:  # an item of each version: the draft's may be edited
                items = PlanItem.objects.filter(policy__plan__in=community)
                return [{"pk": items.filter(policy__plan=plan).first().pk} for plan in community]
            item = in_force.policies.first().items.first()
            periods = sorted({e.period.code for e in entries.filter(item=item)})
            return [{"pk": item.pk, "period": code} for code in periods]
        if "period" in names:
            return [{"pk": in_force.pk, "period": e.period.code} for e in entries[:1]]
        return [{"pk": plan.pk} for plan in community]
    raise AssertionError(f"{route.key}: teach candidates() which demo rows fill {names}")


def html_pages(namespaces, council, client) -> list[str]:
    """The paths of the HTML pages of ``namespaces`` (GET, 200, text/html) for ``client``."""
    paths = []
    for route in walk("config.urls"):
        if route.namespace not in namespaces:
            continue
        # A public page's PDF, CSV and JSON (``fmt``), and a URL ending in a file name
        # (city.pdf, 360giving.json, a notice's PDF), are files, not pages.
        if route.pattern.default_args.get("fmt") or re.search(r"\.[a-z0-9]+$", route.text):
            continue
        for kwargs in candidates(route, council):
            path = reverse(route.key, kwargs=kwargs) + QUERIES.get(route.key, "")
            response = client.get(path, HTTP_HOST=HOST)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                paths.append(path)
    return paths


def problems_of(page, path, *, menu_open=False) -> list[str]:
    found = [f"{path}: {problem}" for problem in page.evaluate(PROBLEMS)]
    header = page.locator(".site-header").bounding_box()
    if not menu_open and header["height"] > HEADER_MAX:
        found.append(f"{path}: header {header['height']:.0f} px high (at most {HEADER_MAX})")
    return found


def serious(path, results, note="") -> list[tuple]:
    return [
        (path + note, violation["id"], violation["help"])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_every_page_fits_a_phone_and_the_portal_passes_axe(live_server, demo, monkeypatch):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    secretary = demo
    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(secretary)
    council = Council.objects.get(secretaries__user=secretary, secretaries__ended_on=None)
    # The login and password pages are the secretary's too.
    public = [*html_pages({"public"}, council, anonymous), reverse("login")]
    portal = [
        *html_pages({"portal", "subsidies_portal", "plans_portal"}, council, signed_in),
        reverse("password_change"),
    ]
    # The demo fills every public page, and the portal's: the list of pages is not empty.
    assert len(public) >= 10, public
    assert len(portal) >= 15, portal

    base = f"http://{HOST}:{urlparse(live_server.url).port}"
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    axe = Axe()
    layout, accessibility = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)

        visitor = browser.new_context(viewport=PHONE).new_page()
        for path in public:
            visitor.goto(base + path)
            layout += problems_of(visitor, path)
        visitor.goto(base + reverse("public:home"))
        assert not visitor.locator("#site-menu").is_visible()
        visitor.locator(".menu-toggle summary").click()
        assert visitor.locator("#site-menu").is_visible()
        layout += problems_of(visitor, "/ (menu open)", menu_open=True)
        accessibility += serious("/", axe.run(visitor), " (menu open)")

        page = browser.new_context(viewport=PHONE).new_page()
        page.goto(base + reverse("login"))
        page.fill("input[name=username]", SECRETARY)
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form [type=submit]").click()
        page.wait_for_url(base + reverse("portal:home"))
        for path in portal:
            page.goto(base + path)
            assert urlparse(page.url).path == path.split("?")[0], (path, page.url)
            layout += problems_of(page, path)
            accessibility += serious(path, axe.run(page))
        page.goto(base + reverse("portal:home"))
        page.locator(".menu-toggle summary").click()
        assert page.locator("#site-menu").is_visible()
        layout += problems_of(page, "/portal/ (menu open)", menu_open=True)
        accessibility += serious("/portal/", axe.run(page), " (menu open)")
        browser.close()
    assert layout == []
    assert accessibility == []
