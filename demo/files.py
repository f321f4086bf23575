"""The demo's seed tables in ``demo/data/`` (UTF-8 JSON and CSV)."""

import csv
import json
from pathlib import Path

DATA = Path(__file__).parent / "data"


def read_json(name: str):
    """The parsed content of ``demo/data/<name>``."""
    with (DATA / name).open(encoding="utf-8") as file:
        return json.load(file)


def read_csv(name: str) -> list[dict[str, str]]:
    """The rows of ``demo/data/<name>`` as dicts keyed by the header line.

    Lines starting with ``#`` before the header are comments (where the data comes from).
    """
    with (DATA / name).open(encoding="utf-8", newline="") as file:
        lines = [line for line in file if not line.startswith("#")]
    return list(csv.DictReader(lines))
