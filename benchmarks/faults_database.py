"""The database stops and comes back, under gunicorn with persistent connections.

    .venv/bin/python benchmarks/faults_database.py

Builds a throwaway PostgreSQL database (the demo), runs gunicorn (2 workers, CONN_MAX_AGE=60,
Redis as the shared cache) whose connections go through a small TCP proxy started here, then
cuts the proxy: open connections drop and new ones are refused, as when PostgreSQL stops.
While it is cut, a public page already cached must answer 200 with the same body, and so must
a secretary's dashboard cached before; every other page the Japanese 503 page with
Retry-After, /healthz 200 and /readyz 503 naming the database.
Once the proxy is back, the first request of every worker must work, also after a restart
so quick that no request noticed it (CONN_HEALTH_CHECKS; CONN_HEALTH_CHECKS=false shows the
failure it prevents).

The shared PostgreSQL and Redis servers are never stopped: only the proxy is. Needs
PostgreSQL at 127.0.0.1:5432 (user postgres) and Redis at 127.0.0.1:6379 (database 2 is used
and flushed). Exits 1 when a check fails.
"""

import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = os.environ.get("FAULTS_REDIS_URL", "redis://127.0.0.1:6379/2")
UNAVAILABLE = "ただいまシステムを利用できません。しばらくしてから再度お試しください。"
ACCESS_FORMAT = '{"pid": "%(p)s", "status": %(s)s, "path": "%(U)s", "host": "%({host}i)s"}'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the database: a fresh one for this run, dropped at the end --------------------------


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(statement)


TEMPLATE = "kyodo_faults_template"


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


def create_database(name: str, static_root: str) -> str:
    """A fresh copy of the demo database. The demo is built once (about two minutes) into
    ``kyodo_faults_template``, kept for the next runs; FAULTS_FRESH=1 builds it again."""
    if os.environ.get("FAULTS_FRESH") or not database_exists(TEMPLATE):
        admin_sql(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
        admin_sql(f'CREATE DATABASE "{TEMPLATE}"')
        prepare(base_env(f"{POSTGRES}/{TEMPLATE}", static_root))
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=base_env(f"{POSTGRES}/{name}", static_root),
        check=True,
    )
    return f"{POSTGRES}/{name}"


def drop_database(name: str) -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # this script's own Redis database only


def base_env(database_url: str, static_root: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        CACHE_URL=REDIS_URL,
        STATIC_ROOT=static_root,
        MEDIA_ROOT=str(Path(static_root).parent / "media"),
        LOG_FORMAT="json",
        LOG_LEVEL="ERROR",
    )
    return env


def prepare(env: dict) -> None:
    """Migrate, load the demo and collect the static files (DEBUG off needs the manifest)."""
    for args in (
        ["migrate", "--noinput", "-v0"],
        ["load_demo"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def manage_shell(env: dict, code: str) -> str:
    done = subprocess.run(
        [PY, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


# --- gunicorn ------------------------------------------------------------------------------


class Gunicorn:
    def __init__(self, env: dict, port: int, workers: int, log: Path):
        self.port, self.log = port, log
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
                "--access-logfile",
                str(log),
                "--access-logformat",
                ACCESS_FORMAT,
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(log.with_suffix(".err"), "w"),  # noqa: SIM115
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if get(port, "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn on port {port} did not start; see {log.with_suffix('.err')}")

    def access(self) -> list[dict]:
        lines = [json.loads(line) for line in self.log.read_text().splitlines() if line]
        for line in lines:
            line["pid"] = int(line["pid"].strip("<>"))
        return lines

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(15)


def get(port: int, path: str, host: str = "localhost", headers=None, data=None):
    """(status, headers, body) of one request, each on a new connection."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=data,
        headers={"Host": host, "Connection": "close", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8-sig")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8-sig")


# --- the proxy: PostgreSQL "stops" when it is cut -----------------------------------------


class Proxy:
    """A TCP proxy 127.0.0.1:port → PostgreSQL, in its own thread, that can be cut."""

    def __init__(self, port: int, target=("127.0.0.1", 5432)):
        self.port, self.target = port, target
        self.loop = asyncio.new_event_loop()
        self.server = None
        self.streams: set = set()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.restore()

    async def _pipe(self, reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _client(self, reader, writer):
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.streams.update({writer, up_writer})
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self.streams.difference_update({writer, up_writer})

    async def _start(self):
        self.server = await asyncio.start_server(
            self._client, "127.0.0.1", self.port, reuse_address=True
        )

    async def _cut(self):
        self.server.close()
        for writer in list(self.streams):
            writer.transport.abort()  # open connections drop, as when the server stops
        self.streams.clear()
        await self.server.wait_closed()

    def restore(self):
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)

    def cut(self):
        asyncio.run_coroutine_threadsafe(self._cut(), self.loop).result(10)


# --- checks --------------------------------------------------------------------------------


class Checks:
    def __init__(self):
        self.failed = 0

    def check(self, ok: bool, what: str) -> None:
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")
        self.failed += 0 if ok else 1

    def unavailable(self, answer, what: str) -> None:
        status, headers, body = answer
        self.check(
            status == 503 and headers.get("Retry-After") == "30" and UNAVAILABLE in body,
            f"{what}: {status}, Retry-After {headers.get('Retry-After')}, Japanese page",
        )


def at_once(count: int, request) -> list:
    """``request(i)`` for i in range(count), four at a time: one after another, a sync
    worker that is free takes them all, and the other worker's first request is never seen."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(request, range(count)))


def login(port: int, host: str, username: str, password: str) -> str:
    """Log in through the real form; the session cookie header to send afterwards."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    page = opener.open(urllib.request.Request(f"{base}/accounts/login/", headers={"Host": host}))
    body = page.read().decode()
    token = body.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    opener.open(
        urllib.request.Request(
            f"{base}/accounts/login/",
            data=form,
            headers={"Host": host, "Referer": f"http://{host}/accounts/login/"},
        )
    )
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def main() -> int:
    name = f"kyodo_faults_db_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="faults-db-"))
    checks = Checks()
    server = proxy = None
    try:
        started = time.monotonic()
        create_database(name, str(work / "static"))
        flush_redis()
        print(f"demo database {name} ready in {time.monotonic() - started:.0f} s")
        proxy_port = free_port()
        proxy = Proxy(proxy_port)
        env = base_env(f"postgres://postgres@127.0.0.1:{proxy_port}/{name}", str(work / "static"))
        env["CONN_MAX_AGE"] = "60"
        port = free_port()
        server = Gunicorn(env, port, workers=2, log=work / "access.log")
        host = "morioka.localhost"
        cookie = login(port, "ichinoseki.localhost", "yamanome", "kyodo-jimukyoku-2026")
        staff = login(port, "ichinoseki.localhost", "admin", "kyodo-admin-2026")
        # A secretary whose dashboard is cached (seen three times) before the database goes.
        ota = login(port, "morioka.localhost", "morioka-ota", "kyodo-jimukyoku-2026")
        for _ in range(2):
            warm_dashboard = get(port, "/portal/", "morioka.localhost", {"Cookie": ota})
        cached = get(port, "/councils/", host)
        for _ in range(6):  # both workers hold an open connection, each page is cached
            get(port, "/councils/", host)
            get(port, "/plans/", "ichinoseki.localhost")
        workers = {line["pid"] for line in server.access()}
        print(f"gunicorn: 2 workers ({len(workers)} answered), connections through the proxy")

        proxy.cut()
        print("database cut (proxy closed, open connections dropped):")
        for _ in range(4):
            answer = get(port, "/councils/", host)
            checks.check(
                answer[0] == 200 and answer[2] == cached[2],
                f"cached public page /councils/ at {host}: {answer[0]}, same body",
            )
        checks.unavailable(get(port, "/plans/", host), "uncached public page /plans/")
        checks.unavailable(get(port, "/accounts/login/", host), "login page")
        checks.unavailable(
            get(port, "/portal/", "ichinoseki.localhost", {"Cookie": cookie}), "portal"
        )
        checks.unavailable(get(port, "/admin/", "ichinoseki.localhost", {"Cookie": staff}), "admin")
        answer = get(port, "/portal/", "morioka.localhost", {"Cookie": ota})
        checks.check(
            answer[0] == 200 and "太田" in answer[2] and warm_dashboard[0] == 200,
            f"a dashboard cached before: {answer[0]}, from the cache",
        )
        status, _, body = get(port, "/healthz")
        checks.check(status == 200, f"/healthz: {status}")
        status, _, body = get(port, "/readyz")
        checks.check(
            status == 503 and json.loads(body)["failed"] == ["database"],
            f"/readyz: {status} {body}",
        )

        proxy.restore()
        mark = len(server.access())
        print("database back:")
        answers = at_once(12, lambda i: get(port, "/plans/", host))
        after = server.access()[mark:]
        first = {}
        for line in after:
            first.setdefault(line["pid"], line["status"])
        checks.check(
            all(a[0] == 200 for a in answers),
            f"12 requests to /plans/: {[a[0] for a in answers].count(200)} answered 200",
        )
        checks.check(
            set(first) == workers and set(first.values()) == {200},
            f"first request of each worker after the restore: {first}",
        )
        status, _, body = get(port, "/portal/", "ichinoseki.localhost", {"Cookie": cookie})
        checks.check(status == 200 and "山目" in body, f"portal after the restore: {status}")
        status, _, body = get(port, "/readyz")
        checks.check(status == 200, f"/readyz after the restore: {status}")

        # A quick restart: nothing asks the database while it is away, so every worker still
        # holds a connection that is dead; the first request of each must work all the same.
        for i in range(8):  # a new query string each time: a cache miss, so a query
            get(port, f"/plans/?warm={i}", host)
        proxy.cut()
        proxy.restore()
        mark = len(server.access())
        print("database restarted at once (no request in between):")
        answers = at_once(12, lambda i: get(port, f"/plans/?after={i}", host)[0])
        first = {}
        for line in server.access()[mark:]:
            first.setdefault(line["pid"], line["status"])
        checks.check(
            set(first) == workers and set(first.values()) == {200},
            f"first request of each worker: {first}; {answers.count(200)} of 12 answered 200",
        )
    finally:
        if server is not None:
            server.stop()
        drop_database(name)
    print("all checks passed" if not checks.failed else f"{checks.failed} checks FAILED")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
