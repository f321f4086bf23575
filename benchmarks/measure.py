"""Timing helpers shared by the benchmarks: wall-clock time and the queries a call runs."""

import statistics
import time

from django.db import connection


def analyze() -> None:
    """Give the planner statistics for the rows a benchmark just loaded, as autovacuum does
    within a minute on a live database: without them PostgreSQL guesses a table of 7,200
    rows holds 2 and picks nested loops (the review queue's council filter took 230 ms
    instead of 4)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measured(function):
    """(seconds, queries, result) of one call of ``function``."""
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - started
    return seconds, queries, result


def median_of(label: str, function, repeat: int, width: int):
    """Run ``function`` ``repeat`` times; print the median, min and max time and the last
    run's query count; return the last result."""
    timings = []
    for _ in range(repeat):
        seconds, queries, result = measured(function)
        timings.append(seconds)
    print(
        f"{label:<{width}} median {statistics.median(timings) * 1000:7.1f} ms"
        f"  (min {min(timings) * 1000:.1f}, max {max(timings) * 1000:.1f})"
        f"  queries {queries}"
    )
    return result
