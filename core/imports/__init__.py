"""Importing the files Japanese city systems actually write, with django-import-export.

Reusable by every app (see ``councils/resources.py`` and ``staffing/resources.py``), one
module per concern:

- ``reading``: encodings and formats. ``CSV`` reads UTF-8 with or without BOM and
  Shift_JIS/CP932 and writes UTF-8 with a BOM so that Excel opens it, ``ShiftJISCSV``
  exports for older systems, ``XLSX``; all exports pass through
  ``core.exports.neutralise_cell`` against formula injection;
- ``cells``: parsing cells and the widgets that accept full-width digits, thousands
  separators, Japanese dates (令和8年3月31日) and choice labels, and raise ``ValueError``
  with a Japanese message naming the value;
- ``resources``: ``JapaneseModelResource``, all-or-nothing imports in one transaction,
  natural keys loaded in one query, rows repeated in the file refused, unchanged rows
  skipped (a re-import changes nothing), bulk writes that still record who imported what in
  the django-simple-history tables, and ``result.problems``: every error by row and column;
- ``admin_views``: ``ImportExportAdminMixin`` for a ModelAdmin (those formats, Japanese
  import/export pages with a dry run and a confirm step) and ``ExportAdminMixin`` for
  export-only models.

Import the names from those modules.
"""
