"""A bounded load test: locust (headless, 127.0.0.1 only, stopping by itself) against gunicorn
on PostgreSQL with the national data set and Redis as the cache, DEBUG off.

Each page is loaded on its own for ``RUN_TIME`` with ``USERS`` users asking without pause,
then the bare view that reads the same rows (``benchmarks/load_urls.py``): req/s, p50, p99
and errors of each. Goals: a public page's p50 ≤ 3× its bare view's; the secretary
dashboard ≥ half a public page's req/s; no error.

Needs the data set first: ``DATABASE_URL=postgres://…/scale_national manage.py migrate``
then ``manage.py generate_scale_data``. ``LOAD_DATABASE_URL`` (default
postgres://postgres@127.0.0.1:5432/scale_national) and ``LOAD_CACHE_URL`` (default
redis://127.0.0.1:6379/4) name them; ``LOAD_WORKERS`` the gunicorn workers (default 2).
The benchmark's own throwaway database is not used.
"""

import csv
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
USERS = 8
RUN_TIME = "15s"
HOST = "scale001.scale.localhost"
PUBLIC_P50_GOAL = 3.0
DASHBOARD_THROUGHPUT_GOAL = 0.5
SCENARIOS = [
    # (name, its bare view, login)
    ("public_councils", "bare_councils", None),
    ("public_home", "bare_councils", None),
    ("dashboard", "bare_dashboard", "scale001-secretary"),
    ("review_queue", "bare_review_queue", "scale001-admin"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(database_url: str, cache_url: str, static_root: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.load_settings",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "DEBUG": "false",
        "SECRET_KEY": "load-test-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": ".scale.localhost,127.0.0.1,localhost",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "ERROR",
        # As ./dev prod runs it: each worker keeps its database connection (checked before
        # each reuse) instead of opening one for every request.
        "CONN_MAX_AGE": "60",
        # The logins' security events go to a file of the run, not between the figures.
        "SECURITY_LOG_FILE": str(Path(static_root).parent / "security.log"),
    }


def _wait_until_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": HOST})
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within a minute")


def _locust(port: int, scenario: str, username: str | None, folder: Path) -> dict:
    prefix = folder / scenario
    env = {
        **os.environ,
        "LOAD_SCENARIO": scenario,
        "LOAD_HOST_HEADER": HOST,
        "LOAD_USERNAME": username or "",
        "LOAD_PASSWORD": "kyodo-scale-2026",
    }
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "benchmarks" / "locustfile.py"),
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(USERS),
            "--run-time",
            RUN_TIME,
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
            "--only-summary",
            # Count from when every user is logged in: the logins (PBKDF2) are not the page's.
            "--reset-stats",
            "--loglevel",
            "ERROR",
        ],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            if row["Name"] == scenario:
                return {
                    "rps": float(row["Requests/s"]),
                    "p50": float(row["50%"]),
                    "p99": float(row["99%"]),
                    "requests": int(row["Request Count"]),
                    "errors": int(row["Failure Count"]),
                }
    return {"rps": 0.0, "p50": 0.0, "p99": 0.0, "requests": 0, "errors": -1}


def _has_scale_data(database_url: str) -> bool:
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup();"
            "from demo.scale import scale_cities; print(scale_cities().count())",
        ],
        env={**os.environ, "DATABASE_URL": database_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return check.returncode == 0 and check.stdout.strip() not in ("", "0")


def run():
    database_url = os.environ.get(
        "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scale_national"
    )
    cache_url = os.environ.get("LOAD_CACHE_URL", "redis://127.0.0.1:6379/4")
    workers = os.environ.get("LOAD_WORKERS", "2")
    if not _has_scale_data(database_url):
        print(f"skipped: no national data set at {database_url} (manage.py generate_scale_data)")
        return
    folder = Path(tempfile.mkdtemp(prefix="load-"))
    env = _environment(database_url, cache_url, str(folder / "static"))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            workers,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    results = {}
    try:
        _wait_until_up(port)
        for scenario, bare, username in SCENARIOS:
            for name, login in ((scenario, username), (bare, None)):
                if name not in results:
                    results[name] = _locust(port, name, login, folder)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"gunicorn {workers} workers, locust {USERS} users × {RUN_TIME} each, "
        f"host {HOST}, {database_url.rsplit('/', 1)[-1]}, cache {cache_url}"
    )
    print(f"  {'page':<20} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}")
    for name, r in results.items():
        print(
            f"  {name:<20} {r['rps']:8.1f} {r['p50']:8.0f} {r['p99']:8.0f}"
            f" {r['requests']:9d} {r['errors']:7d}"
        )
    for scenario, bare, _ in SCENARIOS:
        page, plain = results[scenario], results[bare]
        ratio = page["p50"] / plain["p50"] if plain["p50"] else float("inf")
        line = (
            f"  {scenario}: p50 {ratio:.1f}× its bare view, req/s {page['rps'] / plain['rps']:.2f}×"
        )
        if scenario.startswith("public"):
            verdict = "meets" if ratio <= PUBLIC_P50_GOAL else "misses"
            line += f"  ({verdict} the goal p50 ≤ {PUBLIC_P50_GOAL:.0f}×)"
        print(line)
    share = results["dashboard"]["rps"] / results["public_councils"]["rps"]
    verdict = "meets" if share >= DASHBOARD_THROUGHPUT_GOAL else "misses"
    print(
        f"  dashboard req/s / public council list req/s: {share:.2f}"
        f"  ({verdict} the goal ≥ {DASHBOARD_THROUGHPUT_GOAL})"
    )
    errors = sum(max(r["errors"], 0) for r in results.values())
    print(f"  errors: {errors}  ({'meets' if errors == 0 else 'misses'} the goal: none)")
