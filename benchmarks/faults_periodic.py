"""Fault: two schedulers and two workers, one periodic job (every minute). It must run once in
each minute, even though the job is also enqueued twice more in every minute by hand (as a
second scheduler with a wrong clock, or a retry, would).

    .venv/bin/python benchmarks/faults_periodic.py

Needs Redis (FAULTS_RQ_URL, default redis://127.0.0.1:6379/3: that database is flushed) and
makes a throwaway SQLite database (or FAULTS_DATABASE_URL). Runs `manage.py rqscheduler` twice
and `manage.py rqworker default` twice with benchmarks/faults_settings.py, whose only periodic
job is ``faults_tick``; takes about three minutes (three minute slots). Prints PASS/FAIL lines
and exits 1 on any failure.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.faults_worker import (  # noqa: E402
    ROOT,
    RQ_URL,
    environment,
    report,
    setup_django,
    start,
    start_worker,
    stop_all,
)

TICKS = "faults:ticks"
SLOTS = 3
EXTRA_ENQUEUES_PER_SLOT = 2


def tick() -> str:
    """The periodic job: records the minute slot it ran for, and the process that ran it."""
    import redis
    from django.utils import timezone

    from core.periodic import slot_of

    slot = slot_of("* * * * *", timezone.now()).astimezone(UTC)
    redis.Redis.from_url(os.environ["RQ_URL"]).rpush(TICKS, f"{slot:%H:%M}|{os.getpid()}")
    return f"tick {slot:%H:%M}"


def main() -> int:
    import redis

    connection = redis.Redis.from_url(RQ_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        print(f"FAIL Redis is not reachable at {RQ_URL}")
        return 1
    connection.flushdb()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    folder = Path(tempfile.mkdtemp(prefix="kyodo-faults-periodic-"))
    database_url = os.environ.get("FAULTS_DATABASE_URL", f"sqlite:///{folder}/faults.sqlite3")
    env = {**environment(database_url), "MEDIA_ROOT": str(folder / "media")}
    print(f"database {database_url}, Redis {RQ_URL}, logs in {folder}", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    setup_django(database_url)
    from core.periodic import run_periodic

    failures: list[str] = []
    extra = []
    try:
        for n in (1, 2):
            start(["rqscheduler", "--interval", "1"], env, folder / f"scheduler-{n}.log")
            start_worker(env, folder / f"worker-{n}.log")
        # Start on a fresh minute, then watch SLOTS whole minutes.
        time.sleep(60 - time.time() % 60 + 0.5)
        first_slot = time.strftime("%H:%M", time.gmtime())
        for _ in range(SLOTS):
            time.sleep(5)
            for _ in range(EXTRA_ENQUEUES_PER_SLOT):
                extra.append(run_periodic.enqueue("faults_tick"))
            time.sleep(60 - time.time() % 60 + 0.5)
        time.sleep(3)
        ticks = [t.decode().split("|") for t in connection.lrange(TICKS, 0, -1)]
        per_slot = Counter(slot for slot, _pid in ticks)
        slots = sorted(s for s in per_slot if s >= first_slot)
        runners = Counter(pid for _slot, pid in ticks)
        skipped = 0
        for result in extra:
            result.refresh()
            skipped += result.is_finished and result.return_value == "skipped"
        scheduled = connection.zrange("rq:scheduler:scheduled_jobs", 0, -1)
        logs = "".join((folder / f"scheduler-{n}.log").read_text() for n in (1, 2))
        report(
            len(slots) >= SLOTS and all(per_slot[s] == 1 for s in slots),
            f"periodic: runs per minute slot {dict(sorted(per_slot.items()))} "
            f"(expected 1 in each of at least {SLOTS} slots)",
            failures,
        )
        report(
            skipped == len(extra),
            f"periodic: {skipped} of {len(extra)} extra enqueues skipped by the slot claim",
            failures,
        )
        report(
            [s.decode() for s in scheduled] == ["periodic-faults_tick"],
            f"periodic: scheduled once by two schedulers: {[s.decode() for s in scheduled]}",
            failures,
        )
        print(
            f"info: runs by work-horse process {dict(runners)}; a scheduler found the lock taken "
            f"{logs.count('Lock already taken')} times",
            flush=True,
        )
    finally:
        stop_all()
        connection.flushdb()
    print("FAIL" if failures else "PASS", "faults_periodic", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
