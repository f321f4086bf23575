"""100,000 population rows through the admin's import path vs a plain bulk_create.

Two files of 100,000 rows each, both Shift_JIS CSV as city systems write them:

A. the national standard 地域・年齢別人口 with one row per district and age band
   (5,000 districts × 20 bands): the import sums them into 5,000 records. The baseline is a
   bulk_create of those 5,000 records, already summed (no reading, no checks, no history).
B. one row per district and date (1,000 districts × 100 dates): 100,000 records. The
   baseline is a bulk_create of the same 100,000 records.

The import path is what the admin's confirm step runs: decode and parse the file, check
every cell, load existing rows in a few queries, insert (on PostgreSQL: keys from the
sequence, then COPY) with simple-history rows naming the user and the file; COPY
statements are not counted as queries. Each is timed for the dry run, the import, and a re-import
of the same file (everything unchanged: no writes at all).

A second floor is printed beside the goal's: reading the file with the csv module, then the
same bulk_create. For A it is the fairer one: the import must read 100,000 rows whatever it
does, while the plain bulk_create inserts 5,000 records already summed.
"""

import csv
import io
from datetime import date, timedelta

from core.imports.reading import decode_text, plain_rows, read_dataset
from core.models import User
from councils.models import District, PopulationRecord
from councils.resources import STANDARD_COLUMNS, PopulationResource, aggregate_population

from .measure import measured

BANDS = [f"{a}-{a + 4}歳" for a in range(0, 100, 5)]  # 20 bands
GOAL = 2.0  # import at most twice a plain bulk_create of the same records


def _csv(headers, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("cp932")


def _districts(count: int, prefix: str) -> list[District]:
    District.objects.bulk_create(
        District(code=f"{prefix}{i:05d}", name=f"{prefix}第{i}地区") for i in range(count)
    )
    return list(District.objects.filter(code__startswith=prefix).order_by("code"))


def _clear():
    # Raw deletes: the ORM's delete() would load 100,000 rows to look for cascades.
    for queryset in (PopulationRecord.objects.all(), PopulationRecord.history.all()):
        queryset._raw_delete(queryset.db)


def _timed(label, function):
    seconds, queries, result = measured(function)
    print(f"  {label:<44} {seconds:8.2f} s  {queries:6d} queries")
    return seconds, result


def _import(data: bytes, user, *, dry_run: bool):
    dataset = read_dataset(data, "population.csv")
    result = PopulationResource().import_data(
        dataset, dry_run=dry_run, user=user, file_name="population.csv"
    )
    assert not result.problems, result.problems[:3]
    return result


def _read_and_sum(data):
    dataset = read_dataset(data, "population.csv")
    totals, problems = aggregate_population(
        list(dataset.headers),
        plain_rows(dataset),
        district_codes=set(District.objects.values_list("code", flat=True)),
    )
    assert not problems
    return totals


def _scenario(title, data, records, user):
    print(title)
    _timed("of which: read the file and sum it (no ORM)", lambda: _read_and_sum(data))
    _timed("import: dry run (preview)", lambda: _import(data, user, dry_run=True))
    seconds, result = _timed(
        "import: confirm (writes + history)", lambda: _import(data, user, dry_run=False)
    )
    assert result.summary["new"] == len(records)
    assert PopulationRecord.history.count() == len(records)
    _timed("re-import of the same file (all unchanged)", lambda: _import(data, user, dry_run=False))
    _clear()
    baseline, _ = _timed(
        "plain bulk_create of the records",
        lambda: PopulationRecord.objects.bulk_create(records, batch_size=1000),
    )
    _clear()
    read_baseline, _ = _timed(
        "read with the csv module, then bulk_create",
        lambda: _read_then_bulk_create(data, records),
    )
    _clear()
    ratio = seconds / baseline
    verdict = "meets" if ratio <= GOAL else "misses"
    print(f"  ratio import / bulk_create: {ratio:.1f}×  ({verdict} the goal ≤ {GOAL:.0f}×)")
    print(f"  ratio import / (csv module + bulk_create): {seconds / read_baseline:.1f}×")


def _read_then_bulk_create(data, records):
    """The least any import of the file does: decode it, split it into rows, insert."""
    rows = list(csv.reader(io.StringIO(decode_text(data))))
    assert len(rows) > 1
    PopulationRecord.objects.bulk_create(records, batch_size=1000)


def run() -> None:
    user = User.objects.create(username="bench", full_name="ベンチ 太郎")
    as_of = date(2026, 3, 31)

    # A: 5,000 districts × 20 age bands.
    districts = _districts(5_000, "A")
    rows, totals = [], {}
    for i, district in enumerate(districts):
        for b, band in enumerate(BANDS):
            male, female = 10 + (i + b) % 40, 12 + (i * 3 + b) % 35
            rows.append(
                [
                    "032093",
                    "2026-03-31",
                    district.code,
                    district.name,
                    band,
                    male + female,
                    male,
                    female,
                ]
            )
            totals[district.pk] = totals.get(district.pk, 0) + male + female
    # The national standard's columns up to 女性 (no 世帯数 or 出典 in this file).
    columns = STANDARD_COLUMNS[: STANDARD_COLUMNS.index("女性") + 1]
    data = _csv(columns, rows)
    records = [
        PopulationRecord(district=d, as_of=as_of, population=totals[d.pk], source="住民基本台帳")
        for d in districts
    ]
    _scenario(
        f"A. 地域・年齢別人口 {len(rows):,} rows → {len(records):,} records ({len(data) / 1e6:.1f} MB)",
        data,
        records,
        user,
    )

    # B: 1,000 districts × 100 dates, one total per row.
    districts = _districts(1_000, "B")
    dates = [as_of - timedelta(days=30 * n) for n in range(100)]
    rows, records = [], []
    for i, district in enumerate(districts):
        for n, day in enumerate(dates):
            people = 500 + (i * 7 + n) % 900
            rows.append([district.code, day.isoformat(), people, people // 2])
            records.append(
                PopulationRecord(
                    district=district,
                    as_of=day,
                    population=people,
                    households=people // 2,
                    source="住民基本台帳",
                )
            )
    data = _csv(["地域コード", "調査年月日", "総数", "世帯数"], rows)
    _scenario(
        f"B. one row per district and date: {len(rows):,} rows → {len(records):,} records",
        data,
        records,
        user,
    )
