"""Fuzzing what users send: every portal form (through the test client, as a secretary), the
public search and every import, with long strings, control characters, mixed scripts, emoji
and huge numbers. Nothing gives a 500; a refused submission changes no row; nothing stored
holds a control character."""

import re
from html.parser import HTMLParser

import pytest
import tablib
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.validators import CONTROL_CHARACTERS
from tests.cities.portal_world import build_city_portal
from tests.subsidies.lifecycle import YEAR, application_in

pytestmark = pytest.mark.django_db

HOST = "ichinoseki.test"
APPS = ("councils", "plans", "subsidies", "staffing")
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "9" * 40,
    "100,000,000,000",
    "１２３４５６７８９０１２",
    "1e309",
    "NaN",
    "-0",
    "0x1F",
    "\x00",
    "山目\x00地域",
    "\x1b[31m赤\x1b[0m",
    "\u202e反転\u202c",
    "𠮷野家の🍙と👨‍👩‍👧",
    "한국어 العربية עברית Ελληνικά",
    '=HYPERLINK("http://evil")',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "あ" * 5000,
    "2026-02-30",
    "令和99年13月1日",
    "",
    " ",
]
values = st.one_of(
    st.sampled_from(NASTY),
    # Plausible text with one control character in it: accepted but for that character.
    st.builds(
        lambda head, char, tail: f"{head}{char}{tail}",
        st.sampled_from(["防災マップ", "見守り隊", "研修会", "1"]),
        st.sampled_from(["\x00", "\x01", "\x0b", "\x1b", "\x7f", "\x85"]),
        st.sampled_from(["", "の作成", "を開催した"]),
    ),
    st.text(max_size=200),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=201, max_size=600),
)


# Fields of the form machinery rather than of what people type.
MACHINERY = re.compile(r"(FORMS$|-id$|-plan$|-item$|-DELETE$|^confirm$|^save$)")


class FormParser(HTMLParser):
    """The POST forms of a page: [(action, {name: default value}, [file input names])]."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = (attrs.get("action") or "", {}, [])
            self.forms.append(self._form)
        if self._form is None or "name" not in attrs:
            if tag == "option" and self._select and "selected" in attrs:
                self._form[1][self._select] = attrs.get("value", "")
            return
        name = attrs["name"]
        if name == "csrfmiddlewaretoken":
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                self._form[2].append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form[1][name] = attrs.get("value", "on")
            else:
                self._form[1][name] = attrs.get("value", "")
        elif tag == "button":
            self._form[1].setdefault(name, attrs.get("value", ""))
        elif tag == "select":
            self._select = name
            self._form[1].setdefault(name, "")
        elif tag == "textarea":
            self._textarea = name
            self._form[1][name] = ""

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form[1][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def rows_now() -> dict:
    """Every row of the apps users write to (history tables included), by model."""
    found = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            found[model._meta.label] = list(model._base_manager.order_by("pk").values())
    return found


def control_characters_in(rows: dict) -> list:
    return [
        (label, field, value)
        for label, table in rows.items()
        for row in table
        for field, value in row.items()
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value)
    ]


def portal_forms(client) -> list[tuple[str, dict, list]]:
    """Every POST form on every portal page the secretary can open."""
    from tests.cities.test_portal_isolation import portal_patterns

    urls = {reverse("portal:home"), reverse("subsidies_portal:list"), "/portal/plans/"}
    for namespace, name, _route, names in portal_patterns():
        if not names:
            urls.add(reverse(f"{namespace}:{name}"))
    found = []
    for url in sorted(urls | set(_urls_with_ids)):
        response = client.get(url, HTTP_HOST=HOST)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        parser = FormParser()
        parser.feed(response.content.decode())
        for action, fields, files in parser.forms:
            target = action or url
            if target.startswith("/portal/") and fields:
                found.append((target, fields, files))
    return found


_urls_with_ids: list[str] = []


@pytest.fixture
def portal_side(city, client, settings, tmp_path):
    from tests.cities.test_portal_isolation import urls_with_ids

    side = build_city_portal(city, slug="ichinoseki", council_name="山目地域協働体")
    draft = application_in(side.world, "draft")  # an editable draft next to the decided one
    programme = side.world.programme.pk
    _urls_with_ids[:] = [
        *urls_with_ids(side),
        reverse("subsidies_portal:new") + f"?programme={programme}&fiscal_year={YEAR}",
        reverse("subsidies_portal:detail", args=[draft.pk]),
        reverse("subsidies_portal:edit", args=[draft.pk]),
        reverse("subsidies_portal:confirm", args=[draft.pk]),
    ]
    client.force_login(side.world.secretary)
    return side


def test_every_portal_form_refuses_bad_input_without_a_500_or_a_partial_write(client, portal_side):
    forms = portal_forms(client)
    actions = {action for action, _fields, _files in forms}
    assert len(forms) >= 12, actions  # new, edit, change, report, withdraw, plans' forms …
    outcomes = {"accepted": 0, "refused": 0}

    @settings(FUZZ, max_examples=80)
    @given(
        form=st.sampled_from(forms),
        fuzzed=st.dictionaries(
            st.integers(min_value=0, max_value=40), values, min_size=1, max_size=3
        ),
        anywhere=st.sampled_from([False, False, False, True]),
        upload=st.one_of(
            st.none(),
            st.sampled_from([b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b""]).flatmap(
                lambda head: st.binary(max_size=300).map(lambda tail: head + tail)
            ),
        ),
    )
    def submit(form, fuzzed, anywhere, upload):
        action, defaults, files = form
        data = dict(defaults)
        # Mostly what people type; sometimes the formset's and the form's hidden fields too.
        names = sorted(data) if anywhere else sorted(n for n in data if not MACHINERY.search(n))
        for index, value in fuzzed.items():
            if names:
                data[names[index % len(names)]] = value
        if upload is not None and files:
            data[files[0]] = SimpleUploadedFile("fuzz.pdf", upload)
        before = rows_now()
        response = client.post(action, data, HTTP_HOST=HOST)
        assert response.status_code != 500, (action, data)
        after = rows_now()
        if response.status_code in (301, 302, 303):
            outcomes["accepted"] += 1
        else:
            outcomes["refused"] += 1
            assert response.status_code in (200, 400, 403, 404, 405, 413), response.status_code
            changed = [label for label in after if after[label] != before[label]]
            assert changed == [], (action, response.status_code, changed)
        assert control_characters_in(after) == [], action

    submit()
    print(outcomes)
    assert outcomes["refused"] > 0


@FUZZ
@given(q=values, area=values, page=values)
def test_the_public_search_never_fails(client, q, area, page):
    response = client.get(
        reverse("public:council_list"), {"q": q, "area": area, "page": page}, HTTP_HOST=HOST
    )
    assert response.status_code == 200
    csv = client.get("/councils/councils.csv", {"q": q}, HTTP_HOST=HOST)
    assert csv.status_code == 200


def import_cases():
    """(resource, sample file or None, the samples imported before it)."""
    from councils.resources import (
        CivicCentreResource,
        CouncilResource,
        DistrictResource,
        PopulationResource,
    )
    from staffing.resources import (
        LiaisonAssignmentResource,
        SecretariatEmployeeResource,
        StaffMemberResource,
    )

    districts = (DistrictResource, "districts_utf8.csv")
    councils = (CouncilResource, "councils.csv")
    staff = (StaffMemberResource, "staff.csv")
    return [
        (*districts, []),
        (PopulationResource, "population_national_utf8.csv", [districts]),
        (*councils, [districts]),
        (CivicCentreResource, "civic_centres.csv", [districts, councils]),
        (*staff, []),
        (LiaisonAssignmentResource, "liaison_assignments.csv", [districts, councils, staff]),
        (SecretariatEmployeeResource, None, [districts, councils]),
    ]


@pytest.mark.parametrize(
    ("resource_class", "sample_name", "before"),
    import_cases(),
    ids=lambda c: getattr(c, "__name__", ""),
)
def test_every_import_refuses_bad_rows_whole_and_in_japanese(
    resource_class, sample_name, before, admin_user
):
    """Sample rows with a few cells replaced (or rows of fuzz alone): a dry run and a real run
    either import every row or refuse the file whole, with Japanese problems by row and
    column, never an error of the import itself."""
    from core.imports.reading import read_dataset
    from tests.staffing.importing import run_import, sample

    for earlier, name in before:
        assert run_import(earlier, name, user=admin_user).problems == []
    columns = [field.column_name for field in resource_class().fields.values()]
    base = []
    if sample_name:
        dataset = read_dataset(sample(sample_name), sample_name)
        columns = list(dataset.headers)
        base = [list(row) for row in dataset]
    outcomes = {"imported": 0, "refused": 0}

    @FUZZ
    @given(
        cells=st.dictionaries(st.integers(min_value=0, max_value=200), values, max_size=3),
        fuzz_rows=st.lists(
            st.lists(values, min_size=len(columns), max_size=len(columns)), max_size=2
        ),
    )
    def import_rows(cells, fuzz_rows):
        rows = [list(row) for row in base] + fuzz_rows
        if not rows:
            return
        for index, value in cells.items():
            row = rows[index % len(rows)]
            row[(index // len(rows)) % len(columns)] = value
        dataset = tablib.Dataset(*rows, headers=columns)
        before_rows = rows_now()
        for dry_run in (True, False):
            result = resource_class().import_data(
                dataset, dry_run=dry_run, user=admin_user, file_name="fuzz.csv"
            )
            unexpected = [p.message for p in result.problems if p.code == "error"]
            assert unexpected == []
            if result.has_errors() or result.has_validation_errors():
                assert result.problems
                assert rows_now() == before_rows
                outcomes["refused"] += 1
                return
        outcomes["imported"] += 1
        assert control_characters_in(rows_now()) == []

    import_rows()
    assert outcomes["refused"] > 0


def test_the_progress_import_refuses_bad_rows_whole(editor_user):
    """The progress file (plans.resources, exported and re-imported by staff) with cells
    replaced: no error of the import itself, a refused file changes nothing."""
    from plans.models import ProgressEntry
    from plans.resources import ProgressEntryResource
    from tests.plans.factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory

    plan = PlanFactory(title="第2次一関市地域協働推進計画")
    policy = PolicyFactory(plan=plan, number="⑴", title="地域協働の仕組みと組織づくり")
    for number in ("事業1", "事業2"):
        item = PlanItemFactory(policy=policy, number=number, title=f"{number}の支援")
        EntryFactory(item=item, fiscal_year=2020, done="支援した。")
    exported = ProgressEntryResource(user=editor_user).export(
        queryset=ProgressEntry.objects.filter(item__plan=plan).order_by("item__order")
    )
    columns = list(exported.headers)
    base = [list(row) for row in exported]
    outcomes = {"imported": 0, "refused": 0}

    @FUZZ
    @given(cells=st.dictionaries(st.integers(min_value=0, max_value=100), values, max_size=3))
    def import_rows(cells):
        rows = [list(row) for row in base]
        for index, value in cells.items():
            rows[index % len(rows)][(index // len(rows)) % len(columns)] = value
        dataset = tablib.Dataset(*rows, headers=columns)
        before = rows_now()
        for dry_run in (True, False):
            result = ProgressEntryResource(user=editor_user).import_data(
                dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
            )
            assert [str(e.error) for e in result.base_errors] == []
            assert [str(e.error) for _n, errors in result.row_errors() for e in errors] == []
            if result.has_validation_errors():
                assert rows_now() == before
                outcomes["refused"] += 1
                return
        outcomes["imported"] += 1
        assert control_characters_in(rows_now()) == []

    import_rows()
    assert outcomes["refused"] > 0


def test_the_fuzz_values_hold_what_they_should():
    assert any(CONTROL_CHARACTERS.search(v) for v in NASTY)
    assert any(re.search(r"[\U0001F300-\U0001FAFF]", v) for v in NASTY)
    assert max(len(v) for v in NASTY) == 5000
