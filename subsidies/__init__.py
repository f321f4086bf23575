"""Subsidies: programmes and their rules by fiscal year, budgets, the exact-yen engine, and
the grant lifecycle (applications, their expense lines and attachments, the audit trail,
official notices, the ledger).

``models/`` holds the records by domain, ``engine`` the pure calculation, ``selectors``
the queries, ``services`` the lifecycle table (``LIFECYCLE``) and every change,
``exceptions`` the domain errors.
"""
