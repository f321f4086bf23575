"""The council secretaries' portal (/portal/): the dashboard, the council's subsidy
applications and its community plan with progress.

It owns the pages only (views, URLs, portal-only forms, templates under
``templates/portal/``): it reads through the domain apps' selectors and changes
anything only through their services, and no domain app imports it.
"""
