"""The ground floor, which knows no domain app: users, staff roles, the official calendar,
money formatting (``money``), PDF rendering (``pdf``), tables with their CSV/JSON responses
(``tables``), the import machinery (``imports/``), the shared admin helpers and the
``public_content_changed`` signal every app above may send or hear.
"""
