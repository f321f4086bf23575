"""The Content Security Policy and the Permissions-Policy: every page sends them, and no
template of ours holds inline script, an on*= handler or a style attribute."""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.cities.portal_world import build_city_portal
from tests.cities.public_world import crawl, populate

ROOT = Path(settings.BASE_DIR)
APPS = ("core", "councils", "plans", "subsidies", "staffing", "portal", "reports", "demo")
# Rendered by WeasyPrint only, never sent to a browser: their <style> blocks are the PDF's.
PDF_ONLY = {
    "partials/pdf_page_style.html",
    "reports/pdf_page.html",
    "reports/city_report_pdf.html",
    "subsidies/notice_pdf.html",
    "subsidies/settlement_pdf.html",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)

PUBLIC_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)
ADMIN_POLICY = PUBLIC_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def our_templates():
    folders = [ROOT / "templates", *(ROOT / app / "templates" for app in APPS)]
    for folder in folders:
        for path in sorted(folder.rglob("*.html")):
            yield path.relative_to(folder).as_posix(), path.read_text(encoding="utf-8")


def test_the_scan_reads_every_template():
    names = [name for name, _text in our_templates()]
    assert len(names) > 70
    assert "base.html" in names and "admin/imports/export.html" in names


@pytest.mark.parametrize(
    "pattern", [INLINE_SCRIPT, HANDLER, STYLE_ATTRIBUTE], ids=["script", "on*=", "style="]
)
def test_no_template_holds_inline_script_handlers_or_style_attributes(pattern):
    found = [name for name, text in our_templates() if pattern.search(text)]
    assert found == []


def test_only_admin_and_pdf_templates_hold_style_blocks():
    found = [
        name
        for name, text in our_templates()
        if STYLE_ELEMENT.search(text) and not name.startswith("admin/") and name not in PDF_ONLY
    ]
    assert found == []


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<script type="module">x()</script>',
        '<button\n  onclick="x()">',
        '<p style="color:red">',
    ],
)
def test_the_scan_finds_what_it_looks_for(text):
    assert any(p.search(text) for p in (INLINE_SCRIPT, HANDLER, STYLE_ATTRIBUTE))


def test_the_scan_lets_static_scripts_through():
    text = '<script src="/static/js/print-button.js" defer></script><td class="num">'
    assert not any(p.search(text) for p in (INLINE_SCRIPT, HANDLER, STYLE_ATTRIBUTE))


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";"))


def assert_policies(response, policy, where):
    assert directives(response["Content-Security-Policy"]) == directives(policy), where
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions, where


@pytest.mark.django_db
def test_every_public_page_sends_the_strict_policy(client, city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    populate(city, "山目", address="一関市山目字町149")
    pages = crawl(client, "ichinoseki.test", ["/"])
    html = [url for url in pages if not url.endswith((".csv", ".json", "/pdf/"))]
    assert len(html) >= 10
    for url in html:
        response = client.get(url, HTTP_HOST="ichinoseki.test")
        assert_policies(response, PUBLIC_POLICY, url)


@pytest.mark.django_db
def test_every_portal_page_sends_the_strict_policy(client, city, settings, tmp_path):
    from tests.cities.test_portal_isolation import urls_with_ids

    settings.MEDIA_ROOT = tmp_path / "media"
    side = build_city_portal(city, slug="ichinoseki", council_name="山目地域協働体")
    client.force_login(side.world.secretary)
    urls = [reverse("portal:home"), reverse("subsidies_portal:list"), "/portal/plans/"]
    urls += urls_with_ids(side)
    answered = 0
    for url in urls:
        response = client.get(url, HTTP_HOST="ichinoseki.test")
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            answered += 1
            assert_policies(response, PUBLIC_POLICY, url)
    assert answered >= 10


@pytest.mark.django_db
def test_admin_pages_allow_inline_styles_but_no_inline_script(client, admin_user):
    client.force_login(admin_user)
    for url in [reverse("admin:index"), reverse("admin:councils_council_changelist")]:
        response = client.get(url)
        assert response.status_code == 200
        assert_policies(response, ADMIN_POLICY, url)
    login = client.get(reverse("login"))
    assert_policies(login, PUBLIC_POLICY, "login")


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed")
def test_no_csp_violation_in_the_browser(live_server, city, admin_user, settings, tmp_path):
    """The main public page, a plan's indicators with a chart, the portal home and the admin
    home load in Chromium with no CSP violation (nor a Permissions-Policy error) reported in
    the console."""
    from django.test import Client
    from playwright.sync_api import sync_playwright

    settings.MEDIA_ROOT = tmp_path / "media"
    from core.models import User

    content = populate(city, "山目", address="一関市山目字町149")
    secretary = User.objects.get(username=f"{city.slug}-secretary")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    def session_cookie(user):
        client = Client()
        client.force_login(user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    visits = [
        (None, "/"),
        (None, reverse("public:plan_indicators", args=[content.plan.pk])),
        (secretary, reverse("portal:home")),
        (admin_user, reverse("admin:index")),
        (admin_user, reverse("admin:councils_council_changelist")),
    ]
    violations = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            for user, path in visits:
                context = browser.new_context()
                if user is not None:
                    context.add_cookies(
                        [
                            {
                                "name": settings.SESSION_COOKIE_NAME,
                                "value": session_cookie(user),
                                "url": live_server.url,
                            }
                        ]
                    )
                page = context.new_page()
                messages = []
                page.on("console", lambda message, found=messages: found.append(message.text))
                response = page.goto(live_server.url + path)
                page.wait_for_load_state("networkidle")
                assert response.status == 200, path
                assert page.url == live_server.url + path, page.url  # not sent to the login
                violations += [
                    (path, text)
                    for text in messages
                    if "Content Security Policy" in text or "Permissions-Policy" in text
                ]
                context.close()
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    assert violations == []
