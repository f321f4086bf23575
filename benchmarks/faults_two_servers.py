"""Two web servers, one database, one Redis: publishing on one clears the page on the other.

    .venv/bin/python benchmarks/faults_two_servers.py

Runs two gunicorn servers (A and B, two workers each, on two ports) on the same PostgreSQL
database (a copy of the demo) and the same Redis cache. Anonymous visitors fetch a city's plan
list and a plan's progress page on both until every worker has served them from the cache;
then a progress entry is published (``plans.services.progress_transition``, in a process that
shares the database and Redis as a third server would). Every request to B right after must
serve the new page, and B's page must equal A's. The same is done for an edit in server A's
admin (a staff POST that renames a council). Exits 1 when a check fails.

Needs PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379 (database 2, flushed).
"""

import html
import json
import os
import re
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.faults_database import (  # noqa: E402
    Checks,
    Gunicorn,
    base_env,
    create_database,
    drop_database,
    flush_redis,
    free_port,
    get,
    login,
    manage_shell,
)

FIND_ENTRY = """
import json
from core import tenancy
from core.models import Municipality
from plans.models import PlanKind, ProgressEntry
for city in Municipality.objects.order_by("pk"):
    with tenancy.city_scope(city):
        entry = (
            ProgressEntry.objects.filter(published_at__isnull=False, item__plan__kind=PlanKind.CITY)
            .select_related("item__plan").order_by("-fiscal_year", "-half", "-pk").first()
        )
        if entry is not None:
            ProgressEntry.objects.filter(pk=entry.pk).update(published_at=None)  # no signal
            host = city.hosts.order_by("pk").first().host
            print(json.dumps({"city": city.pk, "host": host, "plan": entry.item.plan_id,
                              "entry": entry.pk, "done": entry.done}))
            break
"""

PUBLISH = """
from datetime import timedelta
from django.utils import timezone
from core import tenancy
from core.models import Municipality
from plans.models import ProgressEntry
from plans.services import PUBLISHER, progress_transition
city = Municipality.objects.get(pk={city})
with tenancy.city_scope(city):
    entry = ProgressEntry.objects.get(pk={entry})
    progress_transition(entry=entry, action="publish", actor=None, role=PUBLISHER,
                        at=timezone.now() - timedelta(seconds=1))
print("published")
"""


def warm(servers, host: str, paths) -> dict:
    """Fetch each page on each server until both workers of each have served it; the bodies."""
    bodies = {}
    for server in servers:
        for path in paths:
            answers = {get(server.port, path, host)[2] for _ in range(6)}
            bodies[server.port, path] = answers
    return bodies


def main() -> int:
    name = f"kyodo_faults_two_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="faults-two-"))
    checks = Checks()
    servers = []
    try:
        create_database(name, str(work / "static"))
        flush_redis()
        env = base_env(f"postgres://postgres@127.0.0.1:5432/{name}", str(work / "static"))
        env["CONN_MAX_AGE"] = "60"
        found = json.loads(manage_shell(env, FIND_ENTRY))
        host, plan = found["host"], found["plan"]
        a = Gunicorn(env, free_port(), workers=2, log=work / "a.log")
        b = Gunicorn(env, free_port(), workers=2, log=work / "b.log")
        servers = [a, b]
        list_path, progress_path = "/plans/", f"/plans/{plan}/progress/"
        print(f"servers A :{a.port} and B :{b.port}; {host}, plan {plan}, entry {found['entry']}")
        before = warm(servers, host, [list_path, progress_path])
        for (port, path), bodies in before.items():
            checks.check(len(bodies) == 1, f"before: :{port}{path} one body on every request")
        checks.check(
            before[a.port, progress_path] == before[b.port, progress_path],
            "before: A and B serve the same progress page",
        )
        old_progress = next(iter(before[b.port, progress_path]))
        done = html.escape(found["done"][:30])

        started = time.perf_counter()
        manage_shell(env, PUBLISH.format(city=found["city"], entry=found["entry"]))
        published = time.perf_counter()
        answers = [get(b.port, progress_path, host)[2] for _ in range(8)]
        fresh_a = get(a.port, progress_path, host)[2]
        checks.check(
            all(body != old_progress for body in answers),
            f"after publishing: 8 of 8 requests to B show the new progress page "
            f"(first {1000 * (time.perf_counter() - published):.0f} ms after the commit)",
        )
        checks.check(
            set(answers) == {fresh_a}, "after publishing: B's page is A's page, on every worker"
        )
        checks.check(
            all(body.count(done) > old_progress.count(done) for body in answers),
            f"after publishing: the entry 「{found['done'][:20]}…」 is on B's page",
        )
        for server in servers:
            bodies = {get(server.port, list_path, host)[2] for _ in range(6)}
            checks.check(len(bodies) == 1, f"after: :{server.port}{list_path} one body")
        print(f"  publishing took {1000 * (published - started):.0f} ms (a new process)")

        # An edit through server A's admin, seen at once on server B.
        council_host = "ichinoseki.localhost"
        councils = "/councils/"
        warm(servers, council_host, [councils])
        staff = login(a.port, council_host, "admin", "kyodo-admin-2026")
        status, _, page = get(a.port, "/admin/councils/council/", council_host, {"Cookie": staff})
        council_id = re.search(r"/admin/councils/council/(\d+)/change/", page).group(1)
        change = f"/admin/councils/council/{council_id}/change/"
        status, _, form = get(a.port, change, council_host, {"Cookie": staff})
        old_name = re.search(r'name="name"[^>]*value="([^"]*)"', form).group(1)
        new_name = f"{html.unescape(old_name)}（改称）"
        checks.check(new_name not in get(b.port, councils, council_host)[2], "B shows the old name")
        data = admin_form_data(form)
        data["name"] = new_name
        data["_save"] = "保存"
        status, _, answer = get(
            a.port,
            change,
            council_host,
            {
                "Cookie": staff,
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{council_host}{change}",
            },
            urllib.parse.urlencode(data, doseq=True).encode(),
        )
        errors = re.findall(
            r'field-([\w-]+)[^<]*<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', answer, re.S
        ) or re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', answer, re.S)
        checks.check(  # saved: redirected (and followed) to the list, no field error
            status == 200 and not errors,
            f"staff POST to A's admin: saved {errors or ''}",
        )
        seen = [new_name in get(b.port, councils, council_host)[2] for _ in range(6)]
        checks.check(all(seen), f"after the admin edit on A: {sum(seen)} of 6 requests to B")
    finally:
        for server in servers:
            server.stop()
        drop_database(name)
    print("all checks passed" if not checks.failed else f"{checks.failed} checks FAILED")
    return 1 if checks.failed else 0


def admin_form_data(page: str) -> dict:
    """The fields of an admin change form as the browser would send them."""
    from html.parser import HTMLParser

    data: dict[str, list[str]] = {}

    class Form(HTMLParser):
        select = None
        textarea = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            name = attrs.get("name")
            if tag == "input" and name:
                kind = attrs.get("type", "text")
                if kind in ("submit", "button", "file", "image"):
                    return
                if kind in ("checkbox", "radio") and "checked" not in attrs:
                    return
                default = "on" if kind in ("checkbox", "radio") else ""
                data.setdefault(name, []).append(attrs.get("value") or default)
            elif tag == "select" and name:
                self.select, self.first, self.chosen = name, None, False
                self.multiple = "multiple" in attrs
                data.setdefault(name, [])
            elif tag == "option" and self.select:
                if self.first is None:
                    self.first = attrs.get("value", "")
                if "selected" in attrs:
                    data[self.select].append(attrs.get("value", ""))
                    self.chosen = True
            elif tag == "textarea" and name:
                self.textarea = name
                data[name] = [""]

        def handle_endtag(self, tag):
            if tag == "select" and self.select:
                if not self.chosen and not self.multiple and self.first is not None:
                    data[self.select].append(self.first)  # what a browser sends
                self.select = None
            elif tag == "textarea":
                self.textarea = None

        def handle_data(self, text):
            if self.textarea:
                data[self.textarea][-1] += text

    Form().feed(page)
    return data


if __name__ == "__main__":
    sys.exit(main())
