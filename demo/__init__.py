"""The demo city (modelled on Ichinoseki): ``manage.py load_demo`` and all its data.

One module per domain app loads that app's part (``demo.councils``, ``demo.staffing``,
``demo.subsidies``, ``demo.plans``); literal seed tables live in ``demo/data/``. Past
workflow states are recorded through the domain services, so the audit rows are the
ones the services write. Every loader is idempotent on any database state.
"""
