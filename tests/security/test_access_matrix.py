"""Who may open what: every URL pattern of the city and platform URL confs, filled with real
rows, requested by GET and by an empty POST as every kind of user, against one table.

How to read and extend it
-------------------------
``TABLE`` has one line per URL name (``namespace:name``; an unnamed pattern is
``route:<pattern>``), or per glob of names (``admin:councils_district_*`` for one model's
admin pages). The most specific line wins: an exact name, then the longest glob. Each line
gives the rule at a city's host and the rule at the platform host (``None``: the URL conf of
that host has no such URL). A rule is a name of ``RULES`` (same rule for GET and POST), or
``"<GET rule>|<POST rule>"``, or ``"family:<name>"`` for the usual pages of a ModelAdmin
(``FAMILIES``: changelist, add, change, delete, history, …). A URL with no line fails
``test_every_url_has_a_row`` with the line to add.

``RULES`` gives the outcome for each principal of a city's host, in ``PRINCIPALS`` order:
``ok`` (2xx, or a redirect anywhere but a login page; a POST refused by validation counts),
``login`` (a redirect to a login page), ``403``, ``404`` (also the admin's redirect to its
index for a missing object) or ``405``. The staff member (an administrator) and the
secretary of another city ask at their own city's host with the same URLs: where the URL
carries a row of 一関市 they must get ``404`` where an administrator or a secretary of 一関市
would be let in, and a refusal where they would be refused; at 一関市's host they count as
anonymous.

At the platform host only platform operators are logged in; anyone else counts as anonymous.
``PLATFORM_RULES`` gives (anonymous, operator) there.

Every request runs inside a savepoint rolled back afterwards, so a POST that deletes, decides
or logs out changes nothing for the next one. No response may be a 500.

A URL with a parameter the matrix does not know yet fails with "cannot fill": teach
``fill()`` in ``tests/security/matrix_urls.py`` which row of ``matrix_world`` to use. To see
what every URL answers before writing its line, run with ``MATRIX_SURVEY=/tmp/survey``: each
principal's outcomes are written to ``/tmp/survey-<host>-<principal>.tsv``.
"""

import fnmatch
import os
import re
import time
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.models import User
from reports.models import ReportJob
from tests.cities import make_city
from tests.factories import DistrictFactory, UserFactory

from .matrix_urls import (
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    OUTCOMES,
    Unfillable,
    admin_models,
    admin_page,
    classify,
    fill,
    path_of,
    request_once,
    walk,
)
from .matrix_world import build_world

pytestmark = pytest.mark.django_db

CITY_URLCONF, PLATFORM_URLCONF = "config.urls", "config.platform_urls"
CITY_HOST, OTHER_CITY_HOST, PLATFORM_HOST = "ichinoseki.test", "yamaguchi.test", "testserver"

PRINCIPALS = (
    "anonymous",
    "administrator",  # 市職員（管理者）
    "editor",  # 市職員（編集者）
    "viewer",  # 市職員（閲覧者）
    "operator",  # platform operator, acting for 一関市 at its host
    "secretary",  # secretary of council A, whose rows fill the URLs
    "other_council_secretary",  # secretary of council B, same city
)
# Principals of 山口市, at 山口市's host, and whom they stand for.
OTHER_CITY = {"other_city_staff": "administrator", "other_city_secretary": "secretary"}
PLATFORM_PRINCIPALS = ("anonymous", "operator", "administrator", "secretary")

_ = OK, LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED
L, F, N, X = LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED

# fmt: off
RULES = {
    #                        anon admin editor viewer oper sec other-council sec
    "public":               (OK, OK,   OK,    OK,    OK,  OK,  OK),
    "not_allowed":          (X,  X,    X,     X,     X,   X,   X),
    "to_login":             (L,  L,    L,     L,     L,   L,   L),
    "logged_in":            (L,  OK,   OK,    OK,    OK,  OK,  OK),
    "logged_in_405":        (L,  X,    X,     X,     X,   X,   X),
    # the portal: a council's current secretary, for their own council's rows only
    "secretary":            (L,  F,    F,     F,     F,   OK,  OK),
    "secretary_own":        (L,  F,    F,     F,     F,   OK,  N),
    "secretary_405":        (L,  F,    F,     F,     F,   X,   X),
    # the admin: staff, by group (secretaries are not staff: the admin's login page)
    "staff_view":           (L,  OK,   OK,    OK,    OK,  L,   L),
    "staff_edit":           (L,  OK,   OK,    F,     OK,  L,   L),
    "administrator":        (L,  OK,   F,     F,     OK,  L,   L),
    "operator":             (L,  F,    F,     F,     OK,  L,   L),
    "no_staff":             (L,  F,    F,     F,     F,   L,   L),
    "staff_405":            (L,  X,    X,     X,     X,   L,   L),
    "staff_not_found":      (L,  N,    N,     N,     N,   L,   L),
    # a staff member's own rows (the matrix's are the administrator's): others find nothing
    "own_import":           (L,  OK,   N,     F,     OK,  L,   L),   # needs the import right
    "own_row":              (L,  OK,   N,     N,     OK,  L,   L),
    "own_row_refused":      (L,  F,    N,     N,     F,   L,   L),
    "admin_logout_get":     (OK, X,    X,     X,     X,   OK,  OK),
    "admin_logout_post":    (OK, L,    L,     L,     L,   OK,  OK),
}

PLATFORM_RULES = {
    #                        anon operator
    "public":               (OK, OK),
    "not_allowed":          (X,  X),
    "to_login":             (L,  L),
    "logged_in":            (L,  OK),
    "operator":             (L,  OK),
    "operator_refused":     (L,  F),   # a city's row is only looked at from the platform host
    "operator_405":         (L,  X),
    "operator_not_found":   (L,  N),
    "city_host_only":       (N,  N),   # the page opens at the city's own host only
    "admin_logout_get":     (OK, X),
    "admin_logout_post":    (OK, L),
}

# The usual pages of a ModelAdmin: page -> rule (or "GET rule|POST rule").
FAMILIES = {
    # at a city's host
    "domain": {
        "changelist": "staff_view", "add": "staff_edit", "change": "staff_view|staff_edit",
        "delete": "administrator", "history": "staff_view",
        "simple_history": "staff_view|staff_edit",  # a POST there reverts to that version
        "import": "staff_edit", "process_import": "staff_405|staff_edit", "export": "staff_view",
        "import_job": "own_import",  # the job of the staff member who started the import
    },
    "read_only": {  # rows written by the services only
        "changelist": "staff_view", "add": "no_staff", "change": "staff_view|no_staff",
        "delete": "no_staff", "history": "staff_view",
    },
    "applications": {  # created by secretaries or by 窓口代行入力, never deleted
        "changelist": "staff_view", "add": "no_staff", "change": "staff_view|staff_edit",
        "delete": "no_staff", "history": "staff_view", "simple_history": "staff_view|staff_edit",
    },
    "review_queue": {  # the change page only leads to the review page
        "changelist": "staff_view", "add": "no_staff", "change": "staff_view",
        "delete": "no_staff", "history": "staff_view",
    },
    "report_jobs": {
        "changelist": "staff_view", "add": "no_staff", "change": "staff_view|no_staff",
        "delete": "administrator", "history": "staff_view",
    },
    "import_jobs": {  # made by the import pages only; each staff member sees their own
        "changelist": "staff_view", "add": "no_staff", "change": "own_row|no_staff",
        "delete": "own_row_refused", "history": "own_row",
    },
    "login_locks": {  # those who manage accounts look and lift (delete); nobody edits
        "changelist": "administrator", "add": "no_staff", "change": "administrator|no_staff",
        "delete": "administrator", "history": "administrator",
    },
    "users": {
        "changelist": "administrator", "add": "administrator", "change": "administrator",
        "delete": "administrator", "history": "administrator",
    },
    "groups": {  # the staff roles are shared by every city: operators change them
        "changelist": "administrator", "add": "operator", "change": "administrator|operator",
        "delete": "operator", "history": "administrator",
    },
    "municipalities": {  # a city's administrators keep their own city's words
        "changelist": "administrator", "add": "no_staff", "change": "administrator",
        "delete": "no_staff", "history": "administrator",
    },
    # at the platform host
    "city_rows": {
        "changelist": "operator", "add": "operator_refused",
        "change": "operator|operator_refused", "delete": "operator_refused",
        "history": "operator", "simple_history": "operator|operator_refused",
        "import": "city_host_only", "process_import": "city_host_only", "export": "operator",
        "import_job": "city_host_only",
    },
    "city_queue": {
        "changelist": "operator", "add": "operator_refused", "change": "operator",
        "delete": "operator_refused", "history": "operator",
    },
    "platform_locks": {
        "changelist": "operator", "add": "operator_refused",
        "change": "operator|operator_refused", "delete": "operator", "history": "operator",
    },
    "platform_import_jobs": {
        "changelist": "operator", "add": "operator_refused",
        "change": "operator|operator_refused", "delete": "operator_refused",
        "history": "operator",
    },
    "platform_rows": {
        "changelist": "operator", "add": "operator", "change": "operator",
        "delete": "operator", "history": "operator",
    },
}

D, P = "family:domain", "family:city_rows"
RO = "family:read_only"

# One line per URL name or glob of names: (rule at a city's host, rule at the platform host).
TABLE = {
    # --- accounts
    "login":                                    ("public", "public"),
    "logout":                                   ("not_allowed|to_login", "not_allowed|to_login"),
    "password_change":                          ("logged_in", None),
    "password_change_done":                     ("logged_in|logged_in_405", None),
    "after_login":                              ("public", None),
    "platform_home":                            (None, "public"),
    "two_factor_verify":                        ("logged_in", "logged_in"),
    "two_factor_setup":                         ("logged_in", "logged_in"),
    "two_factor_recovery_codes":                ("logged_in", "logged_in"),
    # --- the probes: answered at every host, before the host is looked up
    "healthz":                                  ("public", "public"),
    "readyz":                                   ("public", "public"),
    # --- the public pages of a city: GET only, each page with its PDF, CSV and JSON
    "public:home*":                             ("public|not_allowed", None),
    "public:council_list*":                     ("public|not_allowed", None),
    "public:council":                           ("public|not_allowed", None),
    "public:council_*":                         ("public|not_allowed", None),
    "public:civic_centres*":                    ("public|not_allowed", None),
    "public:plans*":                            ("public|not_allowed", None),
    "public:plan":                              ("public|not_allowed", None),
    "public:plan_*":                            ("public|not_allowed", None),
    "public:transparency*":                     ("public|not_allowed", None),
    "public:giving360":                         ("public", None),
    "public:city_report_latest":                ("public", None),
    "public:city_report":                       ("public", None),
    "public:notice_verify":                     ("public", None),  # POST: the form's answer
    # --- the secretary portal
    "portal:home":                              ("secretary", None),
    "portal:notice_settings":                   ("secretary", None),
    "portal:notice_confirm":                    ("secretary", None),
    "subsidies_portal:list":                    ("secretary", None),
    "subsidies_portal:new":                     ("secretary", None),
    "subsidies_portal:estimate":                ("secretary_405|secretary", None),
    "subsidies_portal:detail":                  ("secretary_own", None),
    "subsidies_portal:edit":                    ("secretary_own", None),
    "subsidies_portal:confirm":                 ("secretary_own", None),
    "subsidies_portal:withdraw":                ("secretary_405|secretary_own", None),
    "subsidies_portal:history":                 ("secretary_own", None),
    "subsidies_portal:change":                  ("secretary_own", None),
    "subsidies_portal:change_withdraw":         ("secretary_405|secretary_own", None),
    "subsidies_portal:report":                  ("secretary_own", None),
    "subsidies_portal:attachment":              ("secretary_own", None),
    "subsidies_portal:attachment_delete":       ("secretary_405|secretary_own", None),
    "subsidies_portal:notice":                  ("secretary_own", None),
    "subsidies_portal:settlement":              ("secretary_own", None),
    "plans_portal:index":                       ("secretary", None),
    "plans_portal:plan_create":                 ("secretary", None),
    "plans_portal:plan":                        ("secretary_own", None),
    "plans_portal:plan_edit":                   ("secretary_own", None),
    "plans_portal:plan_issues":                 ("secretary_own", None),
    "plans_portal:plan_policies":               ("secretary_own", None),
    "plans_portal:item_create":                 ("secretary_own", None),
    "plans_portal:plan_submit":                 ("not_allowed|secretary_own", None),
    "plans_portal:plan_revise":                 ("not_allowed|secretary_own", None),
    "plans_portal:progress_choose":             ("secretary_own", None),
    "plans_portal:progress":                    ("secretary_own", None),
    "plans_portal:item_edit":                   ("secretary_own", None),
    "plans_portal:item_delete":                 ("not_allowed|secretary_own", None),
    "plans_portal:entry":                       ("secretary_own", None),
    # --- the admin site's own pages
    "admin:index":                              ("staff_view", "operator"),
    "admin:login":                              ("public", "public"),
    "admin:logout":                             ("admin_logout_get|admin_logout_post",
                                                 "admin_logout_get|admin_logout_post"),
    "admin:password_change":                    ("staff_view", "operator"),
    "admin:password_change_done":               ("staff_view|staff_405", "operator|operator_405"),
    "admin:autocomplete":                       ("no_staff|staff_405", "operator_refused|operator_405"),
    "admin:jsi18n":                             ("staff_view|staff_405", "operator|operator_405"),
    "admin:view_on_site":                       ("staff_not_found", "operator_not_found"),
    "admin:app_list":                           ("staff_view", "operator"),
    "route:admin/(?P<url>.*)$":                 ("staff_not_found", "operator_not_found"),
    "route:admin/*/<path:object_id>/":          ("staff_view", "operator"),
    # --- users, roles, cities
    "admin:core_user_*":                        ("family:users", "family:platform_rows"),
    "admin:auth_user_password_change":          ("administrator", "operator"),
    "admin:auth_group_*":                       ("family:groups", "family:platform_rows"),
    "admin:core_municipality_*":                ("family:municipalities", "family:platform_rows"),
    "admin:axes_accessattempt_*":               ("family:login_locks", "family:platform_locks"),
    "admin:core_importjob_*":                   ("family:import_jobs",
                                                 "family:platform_import_jobs"),
    # --- councils
    "admin:councils_district_*":                (D, P),
    "admin:councils_populationrecord_*":        (D, P),
    "admin:councils_council_*":                 (D, P),
    "admin:councils_council_secretary":         ("administrator", "city_host_only"),
    "admin:councils_civiccentre_*":             (D, P),
    "admin:councils_councilsecretary_*":        (RO, P),
    # --- notifications and reminders
    "admin:notifications_sentnotice_*":         (RO, P),
    "admin:reminders_remindertiming_*":         (D, P),
    # --- plans
    "admin:plans_statusvocabulary_*":           (D, P),
    "admin:plans_progressstatus_*":             (D, P),
    "admin:plans_plan_*":                       (D, P),
    "admin:plans_plan_workflow":                ("staff_view", "city_host_only"),  # the service picks the steps a role may take
    "admin:plans_policy_*":                     (D, P),
    "admin:plans_planitem_*":                   (D, P),
    "admin:plans_roleallocation_*":             (D, P),
    "admin:plans_itemschedule_*":               (D, P),
    "admin:plans_localissue_*":                 (D, P),
    "admin:plans_indicator_*":                  (D, P),
    "admin:plans_indicatorvalue_*":             (D, P),
    "admin:plans_progressentry_*":              (D, P),
    "admin:plans_progressentry_review":         ("staff_view", "city_host_only"),  # idem
    "admin:plans_submittedprogress_*":          ("family:review_queue", "family:city_queue"),
    "admin:plans_progresstransition_*":         (RO, P),
    "admin:plans_plantransition_*":             (RO, P),
    # --- subsidies
    "admin:subsidies_expensecategory_*":        (D, P),
    "admin:subsidies_subsidyprogramme_*":       (D, P),
    "admin:subsidies_subsidyprogramme_allocation": ("staff_view", "city_host_only"),
    "admin:subsidies_subsidyprogramme_templates":  ("staff_edit", "city_host_only"),
    "admin:subsidies_programmerule_*":          (D, P),
    "admin:subsidies_budget_*":                 (D, P),
    "admin:subsidies_application_*":            ("family:applications", P),
    "admin:subsidies_application_proxy":        ("staff_edit", "city_host_only"),
    "admin:subsidies_application_proxy_edit":   ("staff_edit", "city_host_only"),
    "admin:subsidies_application_ledger":       ("staff_view", "city_host_only"),
    "admin:subsidies_application_transition":   ("staff_edit", "city_host_only"),
    "admin:subsidies_application_attachment":   ("staff_view", "city_host_only"),
    "admin:subsidies_application_notice":       ("staff_view", "city_host_only"),
    "admin:subsidies_application_proxy_report": ("staff_edit", "city_host_only"),
    "admin:subsidies_application_settlement":   ("staff_view", "city_host_only"),
    "admin:subsidies_applicationevent_*":       (RO, P),
    "admin:subsidies_notice_*":                 (RO, P),
    "admin:subsidies_attachment_*":             (RO, P),
    "admin:subsidies_applicationline_*":        (RO, P),
    "admin:subsidies_documentcounter_*":        (RO, P),
    # --- staffing
    "admin:staffing_staffmember_*":             (D, P),
    "admin:staffing_liaisonassignment_*":       (D, P),
    "admin:staffing_liaisonassignment_reassign": ("staff_edit", "city_host_only"),
    "admin:staffing_secretariatemployee_*":     (D, P),
    "admin:staffing_councilstaffing_*":         (RO, P),
    # --- reports
    "admin:reports_reportjob_*":                ("family:report_jobs", P),
    "admin:reports_reportjob_request":          ("staff_view|staff_edit", "city_host_only"),
}
# fmt: on


# ------------------------------------------------------------------------------ machinery


def row_for(key: str):
    """The TABLE line for URL name ``key``: (pattern, (city rule, platform rule)) or None."""
    if key in TABLE:
        return key, TABLE[key]
    globs = [p for p in TABLE if any(c in p for c in "*?[") and fnmatch.fnmatchcase(key, p)]
    if not globs:
        return None
    best = max(globs, key=len)
    return best, TABLE[best]


def rule_names(spec: str, page: str) -> tuple[str, str] | None:
    """(GET rule, POST rule) of a TABLE spec for an admin ``page``; None if not covered."""
    if spec.startswith("family:"):
        spec = FAMILIES[spec.removeprefix("family:")].get(page)
        if spec is None:
            return None
    get, _, post = spec.partition("|")
    return get, post or get


def expected(rules: dict, order: tuple, rule: str, principal: str) -> str:
    return dict(zip(order, rules[rule], strict=True))[principal]


def routes(urlconf: str):
    models = admin_models()
    for route in walk(urlconf):
        model, page = (
            admin_page(route.key, models) if route.key.startswith("admin:") else (None, "")
        )
        if route.key.startswith("route:admin/") and route.key.endswith("<path:object_id>/"):
            page = "object_redirect"
        yield route, page


def suggestion(key: str, page: str) -> str:
    models = admin_models()
    model, _ = admin_page(key, models)
    if model is not None and page in {p for family in FAMILIES.values() for p in family}:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_*"
        return f'    "{prefix}": ("family:domain", "family:city_rows"),'
    return (
        f'    "{key}": ("<rule at a city host>", "<rule at the platform host, or None>"),\n'
        f"  rules at a city host: {', '.join(RULES)}\n"
        f"  rules at the platform host: {', '.join(PLATFORM_RULES)}"
    )


@pytest.mark.parametrize("urlconf", [CITY_URLCONF, PLATFORM_URLCONF])
def test_every_url_has_a_row(urlconf):
    missing = {}  # the line to add -> the URLs it would cover
    column = 0 if urlconf == CITY_URLCONF else 1
    for route, page in routes(urlconf):
        found = row_for(route.key)
        spec = found and found[1][column]
        if not spec or rule_names(spec, page) is None:
            missing.setdefault(suggestion(route.key, page), []).append(
                f"{route.key} ({route.text})"
            )
    assert not missing, (
        f"URLs of {urlconf} with no rule in TABLE of tests/security/test_access_matrix.py "
        f"(column {column + 1}: {'city host' if column == 0 else 'platform host'}):\n"
        + "\n".join(
            f"  {', '.join(urls)}\n  add to TABLE:\n{line}" for line, urls in missing.items()
        )
    )


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Uploads and PDFs in a folder of the test's; the whole-city report is queued, not
    rendered inline, so that each request stays short (and a refusal that fails writes
    nothing into the project)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def world(city, settings):
    built = build_world(city)
    cache.clear()
    return built


def page_tables(world) -> dict:
    """A table slug of each public page with CSV/JSON links, read from the page itself."""
    client = Client()
    slugs = {}
    for route in walk(CITY_URLCONF):
        if route.namespace != "public" or not route.key.endswith("_csv"):
            continue
        base = route.key.removesuffix("_csv")
        args, kwargs, _ = fill(route, world, {}, {})
        kwargs.pop("table")
        page = client.get(reverse(base, kwargs=kwargs), HTTP_HOST=CITY_HOST)
        found = re.search(rb'href="[^"]*/([\w-]+)\.csv"', page.content)
        if found:
            slugs[base] = found[1].decode()
    return slugs


def run(world, principal, urlconf, host, rules, order, column, *, expect_as=None, elsewhere=False):
    """Request every URL of ``urlconf`` at ``host`` as ``principal``; compare with the rule's
    outcome for ``expect_as`` (default: the principal). ``elsewhere``: the principal is of
    another city, so a URL carrying a row of 一関市 that ``expect_as`` may open is not found."""
    client = Client(raise_request_exception=False)
    user = world.users[principal]
    if user is not None:
        client.force_login(user)
    models = admin_models()
    tables = page_tables(world)
    failures, observed, count = [], [], 0
    started = time.perf_counter()
    for route, page in routes(urlconf):
        found = row_for(route.key)
        spec = found and found[1][column]
        names = spec and rule_names(spec, page)
        try:
            args, kwargs, city_row = fill(route, world, models, tables)
        except Unfillable as error:
            failures.append(
                f"{route.key}: cannot fill ({error}); teach fill() in tests/security/matrix_urls.py"
            )
            continue
        path = path_of(route, urlconf, args, kwargs)
        for method, rule in zip(("GET", "POST"), names or (None, None), strict=True):
            began = time.perf_counter()
            response = request_once(client, method, path, host)
            took = time.perf_counter() - began
            count += 1
            outcome = classify(response, path, names_a_row=bool(args or kwargs))
            observed.append(f"{route.key}\t{method}\t{outcome}\t{took * 1000:.0f} ms")
            if outcome not in OUTCOMES:
                detail = getattr(response, "exc_info", None)
                failures.append(
                    f"{method} {path} ({route.key}): {outcome} {detail and detail[1]!r}"
                )
                continue
            if rule is None:
                failures.append(
                    f"{method} {path} ({route.key}): no row in TABLE (test_every_url_has_a_row "
                    f"says which to add), got {outcome}"
                )
                continue
            want = {expected(rules, order, rule, expect_as or principal)}
            if elsewhere and city_row and want & {OK, FORBIDDEN}:
                # Another city's row: not found; a refusal may come before the look-up.
                want = {NOT_FOUND} | (want - {OK})
            if outcome not in want:
                want = "/".join(sorted(want))
                failures.append(
                    f"{method} {path} ({route.key}, rule {rule!r} of {found[0]!r}): "
                    f"expected {want}, got {outcome}"
                )
    survey = os.environ.get("MATRIX_SURVEY")
    if survey:
        with open(f"{survey}-{host}-{principal}.tsv", "w") as out:
            out.write("\n".join(observed))
    return failures, count, time.perf_counter() - started


def report(principal, host, failures, count, elapsed):
    assert not failures, (
        f"{len(failures)} of {count} requests as {principal} at {host} differ from TABLE "
        f"({elapsed:.1f} s):\n" + "\n".join(failures)
    )


@pytest.mark.parametrize("principal", [*PRINCIPALS, *OTHER_CITY])
def test_city_host(world, principal):
    if principal in OTHER_CITY:
        host, expect_as = OTHER_CITY_HOST, OTHER_CITY[principal]
    else:
        host, expect_as = CITY_HOST, principal
    failures, count, elapsed = run(
        world,
        principal,
        CITY_URLCONF,
        host,
        RULES,
        PRINCIPALS,
        0,
        expect_as=expect_as,
        elsewhere=principal in OTHER_CITY,
    )
    report(principal, host, failures, count, elapsed)


@pytest.mark.parametrize("principal", OTHER_CITY)
def test_city_host_as_a_user_of_another_city(world, principal):
    """At 一関市's host a login of 山口市 counts for nothing: every URL answers as to anyone."""
    failures, count, elapsed = run(
        world, principal, CITY_URLCONF, CITY_HOST, RULES, PRINCIPALS, 0, expect_as="anonymous"
    )
    report(principal, CITY_HOST, failures, count, elapsed)


@pytest.mark.parametrize("principal", PLATFORM_PRINCIPALS)
def test_platform_host(world, principal):
    expect_as = principal if principal in ("anonymous", "operator") else "anonymous"
    failures, count, elapsed = run(
        world,
        principal,
        PLATFORM_URLCONF,
        PLATFORM_HOST,
        PLATFORM_RULES,
        ("anonymous", "operator"),
        1,
        expect_as=expect_as,
    )
    report(principal, PLATFORM_HOST, failures, count, elapsed)


@pytest.mark.parametrize(
    "urlconf, host", [(PLATFORM_URLCONF, PLATFORM_HOST), (CITY_URLCONF, CITY_HOST)]
)
def test_operator_without_a_second_factor_is_sent_to_set_one_up(world, settings, urlconf, host):
    """With the second factor enforced, an operator with no authenticator app reaches no admin
    page (but the logout): each GET and POST is sent to the setup page, and that page opens."""
    settings.TWO_FACTOR_ENFORCED = True
    client = Client(raise_request_exception=False)
    client.force_login(world.users["operator"])
    models, tables = admin_models(), {}
    setup = reverse("two_factor_setup", urlconf=urlconf)
    failures, count = [], 0
    for route, _page in routes(urlconf):
        if not route.key.startswith(("admin:", "route:admin/")) or route.key == "admin:logout":
            continue
        path = path_of(route, urlconf, *fill(route, world, models, tables)[:2])
        for method in ("GET", "POST"):
            response = request_once(client, method, path, host)
            count += 1
            want = f"{setup}?{urlencode({'next': path})}"
            if response.status_code != 302 or response["Location"] != want:
                failures.append(
                    f"{method} {path}: {response.status_code} {response.get('Location')}"
                )
    assert count > 100
    assert not failures, f"{len(failures)} of {count} admin requests not sent to {setup}:\n" + (
        "\n".join(failures)
    )
    page = client.get(f"{setup}?next=/admin/", HTTP_HOST=host)
    assert page.status_code == 200
    assert "認証アプリ" in page.content.decode()


# ------------------------------------------- the gaps the matrix found, with a full POST


def test_editor_cannot_issue_a_secretary_account(client, editor_user, council):
    client.force_login(editor_user)
    url = reverse("admin:councils_council_secretary", args=[council.pk])
    form = {"full_name": "菅原 次郎", "username": "sugawara", "replace_current": "on"}
    assert client.post(url, form).status_code == 403
    assert council.secretaries.count() == 0
    assert not User.objects.filter(username="sugawara").exists()
    page = client.get(reverse("admin:councils_council_change", args=[council.pk]))
    assert "事務局アカウントの発行・引継ぎ</a>" not in page.content.decode()


def test_administrator_issues_a_secretary_account(client, admin_user, council):
    client.force_login(admin_user)
    url = reverse("admin:councils_council_secretary", args=[council.pk])
    form = {"full_name": "菅原 次郎", "username": "sugawara", "replace_current": "on"}
    assert client.post(url, form).status_code == 200
    assert council.secretaries.get().user.username == "sugawara"


def test_viewer_cannot_request_the_whole_city_report(client, viewer_user):
    client.force_login(viewer_user)
    assert client.post(reverse("admin:reports_reportjob_request")).status_code == 403
    assert not ReportJob.objects.exists()
    listing = client.get(reverse("admin:reports_reportjob_changelist")).content.decode()
    assert "全地域協働体の一括PDFを作成" not in listing


def test_editor_may_request_the_whole_city_report(client, editor_user):
    client.force_login(editor_user)
    assert client.post(reverse("admin:reports_reportjob_request")).status_code == 302
    assert ReportJob.objects.get().requested_by == editor_user


def test_viewer_cannot_revert_a_row_from_its_history(client, viewer_user):
    district = DistrictFactory(code="D-1", name="山目地区")
    district.name = "山目地区（改称）"
    district.save()
    first = district.history.order_by("history_id").first()
    client.force_login(viewer_user)
    url = reverse("admin:councils_district_simple_history", args=[district.pk, first.history_id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": "D-1", "name": "書き換え", "kana": "", "notes": ""})
    assert response.status_code == 403
    district.refresh_from_db()
    assert district.name == "山目地区（改称）"
    assert district.history.count() == 2


def test_operator_cannot_revert_a_city_row_at_the_platform_host(client, settings):
    make_city("yamaguchi")  # two cities: the bare host is the platform's
    district = DistrictFactory(code="D-1", name="山目地区")
    district.name = "山目地区（改称）"
    district.save()
    first = district.history.order_by("history_id").first()
    client.force_login(UserFactory(username="op", is_staff=True, is_superuser=True))
    url = reverse(
        "admin:councils_district_simple_history",
        args=[district.pk, first.history_id],
        urlconf=PLATFORM_URLCONF,
    )
    form = {"code": "D-1", "name": "書き換え", "kana": "", "notes": ""}
    assert client.post(url, form, HTTP_HOST=PLATFORM_HOST).status_code == 403
    district.refresh_from_db()
    assert district.name == "山目地区（改称）"
