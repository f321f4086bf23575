"""Helpers for the import tests: the sample files live in tests/imports/."""

from pathlib import Path

from core.imports.reading import read_dataset
from core.models import Municipality

SAMPLES = Path(__file__).resolve().parent.parent / "imports"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def run_import(resource_class, name: str, *, user=None, dry_run=False, data: bytes | None = None):
    """Import a sample file (or ``data`` under that name) as the admin's confirm step does."""
    dataset = read_dataset(sample(name) if data is None else data, name)
    return resource_class().import_data(dataset, dry_run=dry_run, user=user, file_name=name)


def problems(result) -> list[tuple]:
    return [(p.row, p.column, p.code) for p in result.problems]


def city():
    """The city in force (the tests' 一関市), whose code the national population file names."""
    return Municipality.current()
