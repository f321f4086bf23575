"""{% work_dashboard %}: the staff's work on the admin home of a city (nothing elsewhere)."""

from itertools import groupby

from django import template

from core.tenancy import current_municipality

from ..work import work_items

register = template.Library()


@register.inclusion_tag("admin/work_dashboard.html", takes_context=True)
def work_dashboard(context):
    request = context.get("request")
    city = current_municipality()
    # The platform host has no city in force: its operator sees the plain admin index.
    if request is None or city is None or not request.user.is_authenticated:
        return {"groups": []}
    items = work_items(request.user)
    groups = [(name, list(rows)) for name, rows in groupby(items, key=lambda item: item.group)]
    return {"groups": groups, "city": city}
