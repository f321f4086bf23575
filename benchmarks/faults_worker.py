"""Fault: a worker killed with SIGKILL in the middle of a job. The job must run again, on
another worker, to the end, and complete once.

    .venv/bin/python benchmarks/faults_worker.py

Needs Redis (FAULTS_RQ_URL, default redis://127.0.0.1:6379/3: that database is flushed) and
makes a throwaway SQLite database in a temporary folder (or give an empty one in
FAULTS_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/kyodo_faults). Workers are
`manage.py rqworker default` processes with benchmarks/faults_settings.py (an abandoned job
is noticed within about 3 seconds instead of RQ's minutes).

1. A job that takes 4 seconds and records each start and its completion in Redis: the worker
   (and its work horse) are killed after 1 second; a second worker must start it again and
   complete it: 2 starts, 1 completion.
2. An import of 30,000 districts (core.imports.jobs.run_import): the worker is killed half-way;
   no district may be in the database then; a second worker imports all 30,000, once.

Prints PASS/FAIL lines and exits 1 on any failure.
"""

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RQ_URL = os.environ.get("FAULTS_RQ_URL", "redis://127.0.0.1:6379/3")
STARTS, COMPLETIONS = "faults:starts", "faults:completions"


def environment(database_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.faults_settings",
        "DATABASE_URL": database_url,
        "RQ_URL": RQ_URL,
        "CACHE_URL": RQ_URL,  # the import's progress is shared through the cache
        "DEBUG": "true",
        "SECRET_KEY": "faults-only-secret-key",
        "PYTHONPATH": str(ROOT),
    }


def setup_django(database_url: str) -> None:
    os.environ.update(environment(database_url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


STARTED: list[subprocess.Popen] = []


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    STARTED.append(process)
    return process


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    return start(["rqworker", "default", "--worker-ttl", "30"], env, log)


def stop_all() -> None:
    for process in STARTED:
        stop(process)


def kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(predicate, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


def report(ok: bool, text: str, failures: list) -> None:
    print(f"{'PASS' if ok else 'FAIL'} {text}", flush=True)
    if not ok:
        failures.append(text)


# --------------------------------------------------------------------------- the counted job

try:
    from django_tasks import task
except ImportError:  # pragma: no cover - the project's environment has it
    task = None


def counted_job(seconds: float) -> str:
    """Records its start (the work horse's pid) and, at the end, its completion."""
    import redis

    connection = redis.Redis.from_url(os.environ["RQ_URL"])
    connection.rpush(STARTS, os.getpid())
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.05)
    connection.rpush(COMPLETIONS, os.getpid())
    return "done"


if "DJANGO_SETTINGS_MODULE" in os.environ and os.environ.get("RQ_URL"):
    # Imported by a worker (or by main below, after set-up): the job as a Django Task.
    from django.apps import apps

    if apps.ready:
        counted_job = task()(counted_job)


def scenario_counted(env, logs, failures, redis_connection) -> None:
    from rq.job import Job

    import benchmarks.faults_worker as me

    first = start_worker(env, logs / "worker-1.log")
    result = me.counted_job.enqueue(4.0)
    horse = wait_for(lambda: redis_connection.lindex(STARTS, 0), 30)
    if horse is None:
        report(False, "counted job: the first worker never started the job", failures)
        stop(first)
        return
    time.sleep(1.0)
    killed_at = time.monotonic()
    kill(first.pid)
    kill(int(horse))
    first.wait()
    second = start_worker(env, logs / "worker-2.log")
    try:
        restarted = wait_for(lambda: redis_connection.llen(STARTS) >= 2, 60)
        restart_seconds = time.monotonic() - killed_at
        done = wait_for(lambda: redis_connection.llen(COMPLETIONS) >= 1, 30)
        done_seconds = time.monotonic() - killed_at
        time.sleep(4.0)  # room for a wrong extra run to show up
        starts, completions = redis_connection.llen(STARTS), redis_connection.llen(COMPLETIONS)
        job = Job.fetch(result.id, connection=redis_connection)
        report(
            bool(restarted),
            f"counted job: started again {restart_seconds:.1f} s after the kill",
            failures,
        )
        report(
            bool(done) and (starts, completions) == (2, 1),
            f"counted job: {starts} starts, {completions} completion "
            f"({done_seconds:.1f} s after the kill); expected 2 starts, 1 completion",
            failures,
        )
        report(
            job.get_status() == "finished" and job.retries_left == 1,
            f"counted job: RQ status {job.get_status()}, retries left {job.retries_left}",
            failures,
        )
    finally:
        stop(second)


def scenario_import(env, logs, failures, rows: int = 30_000) -> None:
    from django.core.cache import cache
    from django.db import OperationalError

    from core import tenancy
    from core.imports import jobs
    from core.imports.reading import CSV
    from core.models import ImportJob, Municipality, User
    from councils.models import District
    from councils.resources import DistrictResource

    city = Municipality.objects.create(
        name="一関市", local_government_code="032093", slug="ichinoseki"
    )
    with tenancy.city_scope(city):
        user = User.objects.create(username="faults", is_staff=True, municipality=city)
        lines = ["地区コード,地区名"] + [f"F-{n:06d},地区{n}" for n in range(rows)]
        job = jobs.store_upload(
            user=user,
            model=District,
            resource_class=DistrictResource,
            format_class=CSV,
            file_name="districts.csv",
            data="\r\n".join(lines).encode(),
        )
        job.status, job.rows_total = ImportJob.Status.CHECKED, rows
        job.save()
        first = start_worker(env, logs / "worker-3.log")
        jobs.start_import(job)

        def half_way():
            return (cache.get(jobs.progress_key(job.pk)) or 0) >= rows // 3

        if not wait_for(half_way, 120, step=0.02):
            report(False, "import: the first worker never got a third of the way", failures)
            stop(first)
            return
        done_before_kill = cache.get(jobs.progress_key(job.pk))
        # The worker and its work horse (a child in a process group of its own) die at once,
        # as when the machine stops.
        killed_at = time.monotonic()
        for pid in {first.pid, *_children(first.pid)}:
            kill(pid)
        first.wait()
        time.sleep(0.5)
        left = District.objects.count()
        job.refresh_from_db()
        report(
            left == 0,
            f"import: killed after {done_before_kill:,} of {rows:,} rows; {left} districts "
            f"left in the database (expected 0); the job shows {job.get_status_display()}",
            failures,
        )
        second = start_worker(env, logs / "worker-4.log")
        try:

            def finished():
                try:
                    job.refresh_from_db()
                except OperationalError:  # SQLite: locked while the worker writes
                    return False
                return job.is_finished

            wait_for(finished, 180, step=0.2)
            seconds = time.monotonic() - killed_at
            count = District.objects.count()
            report(
                (job.status, job.attempts, count, job.summary.get("new"))
                == ("done", 2, rows, rows),
                f"import: {job.get_status_display()} after {job.attempts} runs, "
                f"{count:,} districts, new {job.summary.get('new')} "
                f"({seconds:.1f} s after the kill); expected 完了, 2 runs, {rows:,}",
                failures,
            )
        finally:
            stop(second)


def _children(pid: int) -> list[int]:
    """Every process whose parent is ``pid`` (the work horse sits in its own group)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def main() -> int:
    import redis

    redis_connection = redis.Redis.from_url(RQ_URL)
    try:
        redis_connection.ping()
    except redis.exceptions.ConnectionError:
        print(f"FAIL Redis is not reachable at {RQ_URL}")
        return 1
    redis_connection.flushdb()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the workers on the way out
    folder = Path(tempfile.mkdtemp(prefix="kyodo-faults-"))
    database_url = os.environ.get("FAULTS_DATABASE_URL", f"sqlite:///{folder}/faults.sqlite3")
    env = {**environment(database_url), "MEDIA_ROOT": str(folder / "media")}
    os.environ["MEDIA_ROOT"] = env["MEDIA_ROOT"]
    print(f"database {database_url}, Redis {RQ_URL}, logs in {folder}", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    setup_django(database_url)
    failures: list[str] = []
    try:
        scenario_counted(env, folder, failures, redis_connection)
        scenario_import(env, folder, failures)
    finally:
        stop_all()
        redis_connection.flushdb()
    print("FAIL" if failures else "PASS", "faults_worker", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
