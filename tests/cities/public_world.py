"""A city's public content for the isolation tests: a council with its centre and members, a
published community plan with progress and an indicator, a decided grant and a finished
whole-city report. Every name is given, so that a test can look for it on another city's pages.

Call inside ``tenancy.city_scope(city)``: the rows are filed under the city in force.
"""

import io
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from django.utils import timezone
from pypdf import PdfReader

from core import roles
from councils.models import Management
from plans.models import Actor, Indicator, IndicatorValue, ReviewState, RoleAllocation
from reports.tasks import request_city_report
from subsidies.models import Status
from tests.factories import (
    CivicCentreFactory,
    CouncilFactory,
    MemberFactory,
    SecretaryFactory,
    UserFactory,
)
from tests.plans.factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory
from tests.subsidies.factories import BudgetFactory, ExpenseCategoryFactory, RuleFactory
from tests.subsidies.lifecycle import YEAR, World, application_in


@dataclass
class CityContent:
    council: object
    plan: object
    names: tuple[str, ...]  # every distinctive name shown on the city's public pages


def populate(city, prefix: str, *, address: str) -> CityContent:
    """Public content of ``city`` (in force), each name beginning with ``prefix``."""
    names = {
        "council": f"{prefix}{city.council_term}",
        "centre": f"{prefix}{city.centre_term}",
        "member": f"{prefix}上郷自治会",
        "plan": f"{prefix}の地域づくり計画",
        "policy": f"{prefix}の安心な暮らし",
        "item": f"{prefix}見守り隊",
        "progress": f"{prefix}で防災訓練を実施した",
        "indicator": f"{prefix}の防災訓練参加者数",
        "programme": f"{prefix}地域づくり交付金",
        "representative": f"{prefix} 代表",
    }
    council = CouncilFactory(
        name=names["council"], kana="ぺけぺけ", representative_name=names["representative"]
    )
    CivicCentreFactory(
        council=council,
        name=names["centre"],
        address=address,
        management=Management.DESIGNATED,
        managed_since=date(2020, 4, 1),
    )
    MemberFactory(council=council, name=names["member"])
    plan = PlanFactory(community=True, council=council, title=names["plan"])
    item = PlanItemFactory(
        policy=PolicyFactory(plan=plan, title=names["policy"]), title=names["item"]
    )
    RoleAllocation.objects.create(item=item, actor=Actor.COUNCIL, role="見守りの担い手を募る")
    RoleAllocation.objects.create(item=item, actor=Actor.CIVIC_CENTRE, role="会場を貸す")
    EntryFactory(
        item=item,
        fiscal_year=2020,
        done=names["progress"],
        state=ReviewState.ACCEPTED,
        published_at=timezone.now(),
    )
    indicator = Indicator.objects.create(
        plan=plan, name=names["indicator"], unit="人", baseline_year=2019, baseline_value="40"
    )
    IndicatorValue.objects.create(indicator=indicator, fiscal_year=2021, kind="target", value="50")
    IndicatorValue.objects.create(indicator=indicator, fiscal_year=2020, kind="actual", value="45")
    _grant(city, council, names)
    request_city_report(actor=None)
    return CityContent(council=council, plan=plan, names=tuple(names.values()))


def _grant(city, council, names):
    groups = roles.ensure_staff_groups()
    staff = UserFactory(username=f"{city.slug}-editor", is_staff=True, municipality=city)
    staff.groups.add(groups[roles.EDITOR])
    secretary = SecretaryFactory(
        council=council, user=UserFactory(username=f"{city.slug}-secretary", municipality=city)
    ).user
    juyohi = ExpenseCategoryFactory(code="juyohi")
    rule = RuleFactory(
        programme__code="katsudo",
        programme__name=names["programme"],
        programme__contact_email="",
        categories=["juyohi"],
    )
    BudgetFactory(programme=rule.programme, fiscal_year=YEAR, amount=1_000_000)
    world = World(
        programme=rule.programme,
        rule=rule,
        juyohi=juyohi,
        hoshohi=None,
        council=council,
        other=None,
        secretary=secretary,
        other_secretary=None,
        staff=staff,
        viewer=None,
        preparing_stage="",
    )
    application_in(world, Status.DECIDED, amount=80_000)


EXCLUDED = ("/accounts/", "/admin/", "/portal/", "/static/", "/media/")


def text_of(response) -> str:
    """What a citizen reads in a response: HTML, CSV or JSON as text, a PDF's extracted text."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"] == "application/pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode("utf-8-sig")


def crawl(client, host: str, start: list[str]) -> dict[str, tuple[int, str]]:
    """Every public URL reachable from ``start`` at ``host``: {url: (status, text)}."""
    seen: dict[str, tuple[int, str]] = {}
    queue = list(start)
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url, HTTP_HOST=host)
        text = text_of(response)
        seen[url] = (response.status_code, text)
        if response["Content-Type"].startswith("text/html"):
            for href in re.findall(r'href="([^"]+)"', text):
                href = href.replace("&amp;", "&")
                parts = urlsplit(href)
                if parts.netloc or parts.scheme or not parts.path.startswith("/"):
                    continue
                if parts.path.startswith(EXCLUDED):
                    continue
                queue.append(href.split("#")[0])
    return seen
