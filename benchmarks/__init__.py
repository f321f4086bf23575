"""On-demand benchmarks: ``./dev bench`` runs every ``bench_*.py`` here, ``./dev bench NAME`` one.

Each module defines ``run() -> None`` and prints ratios and query counts. Each benchmark
runs on a throwaway test database of its own (SQLite in memory unless DATABASE_URL says
otherwise); run together, each runs in its own process.
"""
