"""On-demand benchmarks: ``./dev bench`` runs every ``bench_*.py`` here, ``./dev bench NAME`` one.

Each module defines ``run() -> None`` and prints ratios and query counts. The harness
creates a throwaway test database (SQLite in memory unless DATABASE_URL says otherwise).
"""
