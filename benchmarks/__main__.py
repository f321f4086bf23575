import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")  # plain static storage, no manifest needed
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")


def available() -> list[str]:
    """The benchmark modules in this package, by name (``bench_plans``), sorted."""
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))


def selected(names: list[str]) -> list[str]:
    """The modules ``names`` asks for (``plans`` or ``bench_plans``); all of them if none.

    Raises SystemExit naming the known benchmarks when a name matches none.
    """
    modules = available()
    if not names:
        return modules
    chosen = []
    for name in names:
        module = name if name.startswith("bench_") else f"bench_{name}"
        if module not in modules:
            known = ", ".join(m.removeprefix("bench_") for m in modules)
            raise SystemExit(f"unknown benchmark {name!r}; known: {known}")
        chosen.append(module)
    return chosen


def run_one(module: str) -> None:
    """Run one benchmark in this process, on a throwaway test database of its own."""
    import django
    from django.test.utils import get_runner, setup_test_environment

    django.setup()
    from django.conf import settings

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        from core import tenancy
        from core.models import Municipality

        # Every benchmark works for one city, 一関市, as a request at its host would.
        city = Municipality.objects.create(
            name="一関市", local_government_code="032093", slug="ichinoseki"
        )
        with tenancy.city_scope(city):
            importlib.import_module(f"benchmarks.{module}").run()
    finally:
        runner.teardown_databases(old)


def main(names: list[str]) -> int:
    modules = selected(names)
    if len(modules) == 1:
        print(f"== {modules[0]}", flush=True)
        run_one(modules[0])
        return 0
    # Benchmarks fill the database with rows that would collide (district codes, users):
    # each one runs in its own process, so each gets a clean throwaway database.
    failed = []
    for module in modules:
        if subprocess.run([sys.executable, "-m", "benchmarks", module], check=False).returncode:
            failed.append(module)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
