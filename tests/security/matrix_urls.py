"""The access matrix's machinery: every URL pattern of a URL conf, read from the resolver;
its parameters filled with real rows; one request as one principal, classified."""

import re
from dataclasses import dataclass
from urllib.parse import urlparse

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from core.models import CityOwned, Municipality, User

# The outcome classes the table speaks of.
OK = "ok"  # 2xx, or a redirect to anything but a login page
LOGIN = "login"  # a redirect to /accounts/login/ or /admin/login/
FORBIDDEN = "403"
NOT_FOUND = "404"  # also the admin's answer to a missing object: a redirect to its index
NOT_ALLOWED = "405"
OUTCOMES = (OK, LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED)

LOGIN_PATHS = ("/accounts/login/", "/admin/login/")


@dataclass(frozen=True)
class Route:
    """One URL pattern: its name (``namespace:name``, or ``route:<pattern>`` when unnamed),
    the full pattern text and the pattern itself."""

    key: str
    text: str
    pattern: URLPattern
    namespace: str


def walk(urlconf: str):
    """Every URLPattern of ``urlconf``, through every include, in resolver order."""

    def visit(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from visit(entry.url_patterns, prefix + str(entry.pattern), inner)
            else:
                text = prefix + str(entry.pattern)
                if entry.name:
                    key = f"{namespace}:{entry.name}" if namespace else entry.name
                else:
                    key = f"route:{text}"
                yield Route(key=key, text=text, pattern=entry, namespace=namespace)

    yield from visit(get_resolver(urlconf).url_patterns, "", "")


def admin_models() -> dict[str, type]:
    """``<app>_<model>`` of every ModelAdmin of the site -> its model."""
    return {
        f"{model._meta.app_label}_{model._meta.model_name}": model for model in admin.site._registry
    }


def admin_page(key: str, models: dict) -> tuple[type | None, str]:
    """(model, page) of an admin URL name ``admin:<app>_<model>_<page>``; (None, name)
    for the site's own pages."""
    name = key.removeprefix("admin:")
    for prefix in sorted(models, key=len, reverse=True):
        if name.startswith(prefix + "_"):
            return models[prefix], name[len(prefix) + 1 :]
    return None, name


# ---------------------------------------------------------------------------- filling


def representative(model, world):
    """The row of ``model`` an admin URL opens: one of city A, council A's where it has one."""
    chosen = {
        "council": world.council,
        "application": world.application,
        "attachment": world.attachment,
        "notice": world.notice,
        "plan": world.plan,
        "planitem": world.item,
        "progressentry": world.entries["submitted"],
        "submittedprogress": world.entries["submitted"],
        "reportjob": world.report_job,
        "user": world.users["viewer"],
        "municipality": world.city,
        "importjob": world.extra["import_jobs"]["councils.district"],
        "accessattempt": world.extra["access_attempt"],
    }.get(model._meta.model_name)
    if chosen is not None:
        return model._default_manager.get(pk=chosen.pk)
    queryset = model._default_manager.order_by("pk")
    if not issubclass(model, CityOwned):
        field_names = {f.name for f in model._meta.get_fields()}
        # Rows without a city column of their own: take one hanging off city A's rows.
        for path in ("council", "plan", "item__plan", "vocabulary", "application", "indicator"):
            head = path.split("__")[0]
            if head in field_names:
                related = queryset.filter(**{f"{path}__municipality": world.city})
                if related.exists():
                    return related.first()
    return queryset.first()


def is_city_row(obj) -> bool:
    """Whether ``obj`` belongs to one city (another city's host must not find it)."""
    if obj is None:
        return False
    if isinstance(obj, CityOwned | Municipality):
        return True
    if obj._meta.model_name == "accessattempt":  # a failed login on a city's login
        return User.objects.filter(username=obj.username, municipality__isnull=False).exists()
    return getattr(obj, "municipality_id", None) is not None


class Unfillable(Exception):
    pass


def fill(route: Route, world, models: dict, page_tables: dict) -> tuple[list, dict, bool]:
    """(args, kwargs, carries_city_row) for ``route`` from ``world``'s rows."""
    pattern = route.pattern.pattern
    regex = pattern.regex
    names = list(regex.groupindex)
    positional = regex.groups - len(names)
    key = route.key
    model, page = admin_page(key, models) if key.startswith("admin:") else (None, "")
    city_row = False
    args, kwargs = [], {}

    if key == "admin:view_on_site":
        return (
            [],
            {
                "content_type_id": ContentType.objects.get_for_model(world.council).pk,
                "object_id": world.council.pk,
            },
            True,
        )
    if key == "admin:app_list":
        return [], {"app_label": "councils"}, False
    if key == "route:admin/(?P<url>.*)$":
        return [], {"url": "no-such-page/"}, False
    if key == "admin:auth_user_password_change":
        return [], {"id": world.users["viewer"].pk}, True
    unnamed = re.fullmatch(r"route:admin/(\w+)/(\w+)/<path:object_id>/", key)
    if unnamed:  # the admin's redirect from <id>/ to <id>/change/
        obj = representative(models[f"{unnamed[1]}_{unnamed[2]}"], world)
        if obj is None:
            raise Unfillable(f"no {unnamed[2]} row in the matrix world")
        # Only a redirect to the change page, which is tested itself: it shows no row.
        return [], {"object_id": obj.pk}, False

    if model is not None:
        obj = representative(model, world) if (names or positional) else None
        if obj is None and (names or positional):
            raise Unfillable(f"no {model.__name__} row in the matrix world")
        city_row = is_city_row(obj)
        if positional == 2:  # simple_history's history_form_view: object id, history id
            version = getattr(obj, model._meta.simple_history_manager_attribute).first()
            return [str(obj.pk), str(version.history_id)], {}, city_row
        if positional:
            raise Unfillable(f"{positional} positional groups")
        for name in names:
            if name in ("object_id", "pk"):
                target = obj
                if page == "import_job":  # the administrator's import into this model
                    target = world.extra["import_jobs"][model._meta.label_lower]
                elif key == "admin:plans_progressentry_review":
                    target = world.entries["submitted"]
                elif key == "admin:subsidies_application_proxy_edit":
                    target = world.extra["proxy_application"]
                elif key == "admin:subsidies_application_settlement":
                    target = world.extra["reported_application"]
                kwargs[name] = target.pk
            elif name == "attachment_pk":
                kwargs[name] = world.attachment.pk
            elif name == "notice_pk":
                kwargs[name] = world.notice.pk
            elif name == "action":
                kwargs[name] = "pay_advance"
            else:
                raise Unfillable(f"parameter {name!r}")
        return args, kwargs, city_row

    if positional:
        raise Unfillable(f"{positional} positional groups")
    for name in names:
        if name == "pk":
            if route.namespace == "public" and ":council" in key:
                kwargs[name] = world.council.pk
            elif route.namespace == "public" and ":plan" in key:
                kwargs[name] = world.plan.pk
            elif key in ("public:city_report",):
                kwargs[name] = world.report_job.pk
            elif key == "subsidies_portal:settlement":
                kwargs[name] = world.extra["reported_application"].pk
            elif route.namespace == "subsidies_portal":
                kwargs[name] = world.application.pk
            elif route.namespace == "plans_portal":
                kwargs[name] = (
                    world.item.pk if route.text.startswith("portal/plans/items/") else world.plan.pk
                )
            else:
                raise Unfillable("parameter 'pk'")
            city_row = True
        elif name == "attachment_pk":
            kwargs[name] = world.attachment.pk
        elif name == "notice_pk":
            kwargs[name] = world.notice.pk
        elif name == "period":
            # The public shows the published entry's year; the portal edits the draft's.
            kwargs[name] = "2022" if route.namespace == "public" else "2020"
        elif name == "table":
            base = re.sub(r"_(csv|json)$", "", key)
            kwargs[name] = page_tables.get(base) or "no-table"
        elif name == "object_id" and key.startswith("admin:"):
            raise Unfillable("admin object id without a model")
        else:
            raise Unfillable(f"parameter {name!r}")
    return args, kwargs, city_row


# --------------------------------------------------------------------------- requesting


def classify(response, path: str, *, names_a_row: bool = False) -> str:
    """The outcome class of ``response`` to a request for ``path`` (``names_a_row``: the
    path carries a row's id)."""
    status = response.status_code
    if 300 <= status < 400:
        target = urlparse(response.get("Location", "")).path
        if target in LOGIN_PATHS:
            return LOGIN
        if target == "/admin/" and names_a_row:
            # The admin's change and history pages answer a missing object this way.
            return NOT_FOUND
        return OK
    if 200 <= status < 300:
        return OK
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    if status == 405:
        return NOT_ALLOWED
    return str(status)


# Pages that need a query string to show anything (a GET form's answer).
QUERIES = {"plans_portal:progress_choose": "?period=2020"}


def path_of(route: Route, urlconf: str, args, kwargs) -> str:
    """The path of ``route`` with its parameters; unnamed patterns are filled by hand."""
    from django.urls import reverse

    if not route.key.startswith("route:"):
        path = reverse(route.key, urlconf=urlconf, args=args, kwargs=kwargs)
        return path + QUERIES.get(route.key, "")
    text = route.key.removeprefix("route:")
    if "(?P<url>" in text:
        return "/admin/" + kwargs["url"]
    return "/" + text.replace("<path:object_id>", str(kwargs["object_id"]))


def request_once(client, method: str, path: str, host: str):
    """One request, inside a savepoint rolled back afterwards: a POST that deletes or moves
    a row changes nothing for the next request. The client's cookies are put back too (a
    logout ends the session in the database, rolled back, and in the cookie jar)."""
    cookies = client.cookies
    client.cookies = type(cookies)()
    for name, morsel in cookies.items():
        client.cookies[name] = morsel.value
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(path, HTTP_HOST=host)
            else:
                response = client.post(path, {}, HTTP_HOST=host)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response
