"""The demo: three cities of the source documents, ``manage.py load_demo`` and all their data.

一関市 (33 地域協働体, programmes, staffing, applications, the 推進計画 and community plans),
盛岡市 (its 地域づくり組織 and モデル地区, the 平成22–24年度 progress table) and 山口市 (21
地域づくり協議会, the 協働推進プラン): ``demo.cities`` makes each city, and each city's rows
are loaded with that city in force. One module per domain app loads that app's part
(``demo.councils`` and ``demo.areas``, ``demo.staffing``, ``demo.subsidies``,
``demo.plans``), ``demo.logins`` the demo's users; literal seed tables live in
``demo/data/``. Past workflow states are recorded through the domain services, so the
audit rows are the ones the services write. Every loader is idempotent on any database
state.
"""
