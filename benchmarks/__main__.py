import importlib
import os
import pkgutil
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")  # plain static storage, no manifest needed
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")


def main(names: list[str]) -> None:
    import django
    from django.test.utils import get_runner, setup_test_environment

    django.setup()
    from django.conf import settings

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        here = Path(__file__).parent
        modules = sorted(
            m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")
        )
        for name in modules:
            if names and name not in names and name.removeprefix("bench_") not in names:
                continue
            print(f"== {name}")
            importlib.import_module(f"benchmarks.{name}").run()
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main(sys.argv[1:])
