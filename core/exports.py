"""Exports that are safe to open in a spreadsheet.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can
run as a formula in Excel or LibreOffice (CSV injection). django-import-export's own
``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` handles only ``=``, so every export here goes
through ``neutralise_cell``: such text gets a leading apostrophe, which spreadsheets show
as plain text. Only text is touched: widgets in ``core.imports.cells`` render numbers as numbers
(a refund of -120 stays the number -120).
``core.imports`` removes the apostrophe again, so an exported file imports unchanged.

Control characters other than tab and newline are dropped from text: inputs refuse them
(``core.validators``), but a row stored before that would make openpyxl refuse the whole
workbook.
"""

import tablib

from core.validators import strip_control_characters

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """The value, with text that a spreadsheet would run as a formula made inert and control
    characters dropped."""
    value = strip_control_characters(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def restore_cell(value):
    """Undo ``neutralise_cell`` on a value read back from an exported file."""
    if (
        isinstance(value, str)
        and len(value) > 1
        and value[0] == "'"
        and value[1:].startswith(FORMULA_PREFIXES)
    ):
        return value[1:]
    return value


def neutralise_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of ``dataset`` with every cell (and header) passed through ``neutralise_cell``."""
    safe = tablib.Dataset(title=dataset.title)
    if dataset.headers:
        safe.headers = [neutralise_cell(h) for h in dataset.headers]
    for row in dataset:
        safe.append([neutralise_cell(cell) for cell in row])
    return safe
