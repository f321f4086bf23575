"""Subsidies: programmes with rules by fiscal year, budgets, the exact-yen engine, and the
grant lifecycle (applications, expense lines, attachments, the audit trail, notices, the
ledger). ``models/`` holds the records by domain, ``engine`` the pure calculation,
``selectors`` the queries, ``services`` the lifecycle table (``LIFECYCLE``) and every
change, ``exceptions`` the domain errors.
"""
