"""A periodic job for the tests: counts its runs."""

RUNS = []


def count_run() -> str:
    RUNS.append(1)
    return f"run {len(RUNS)}"
