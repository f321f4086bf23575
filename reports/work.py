"""The staff's work dashboard on the admin home: what waits for the city, counted per kind.

Each count links to an admin list filtered to exactly the rows counted (the filters read
the same conditions: ``plans.selectors.WAITING_FOR``, ``subsidies.selectors``' queues,
``staffing``'s main-liaison annotation). The city in force scopes every query, so another
city's rows never count. A fixed number of queries whatever the number of councils.
"""

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from plans import selectors as plans_selectors
from staffing.models import CouncilStaffing
from staffing.selectors import councils_with_staffing
from subsidies import selectors as subsidies_selectors
from subsidies.models import Budget


@dataclass(frozen=True)
class WorkItem:
    """One line of the dashboard: what waits, how many, since when, and where to act."""

    group: str
    label: str
    count: int
    url: str
    since: date | datetime | None = None
    since_label: str = ""  # what ``since`` is: 申請日, 期限, ...
    urgent: bool = False  # overdue: shown first-class


def _link(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def _applications(user, today) -> list[WorkItem]:
    if not user.has_perm("subsidies.view_application"):
        return []
    waiting = subsidies_selectors.applications_waiting(today)
    changelist = "admin:subsidies_application_changelist"
    group = "補助金"
    since_labels = {"review": "申請", "change": "変更申請", "report": "報告"}
    items = [
        WorkItem(
            group,
            subsidies_selectors.WAITING_LABELS[key],
            waiting[key][0],
            _link(changelist, waiting=key),
            waiting[key][1],
            f"最も古い{since_labels[key]}",
        )
        for key in subsidies_selectors.WAITING_STATUSES
    ]
    items.append(
        WorkItem(
            group,
            "実績報告の期限超過",
            waiting["overdue"][0],
            _link(changelist, overdue="yes"),
            waiting["overdue"][1],
            "最も古い期限",
            urgent=True,
        )
    )
    items.append(
        WorkItem(
            group,
            f"実績報告の期限が{subsidies_selectors.REPORT_DUE_SOON_DAYS}日以内",
            waiting["due_soon"][0],
            _link(changelist, overdue="soon"),
            waiting["due_soon"][1],
            "最も近い期限",
        )
    )
    return items


def _budgets(user, today) -> list[WorkItem]:
    if not user.has_perm("subsidies.view_budget"):
        return []
    nearly_used = subsidies_selectors.budgets_nearly_used(Budget.objects.all(), today)
    share, whole = subsidies_selectors.BUDGET_NEARLY_USED
    return [
        WorkItem(
            "補助金",
            f"予算の{share}割以上を交付決定済み（今年度以降）",
            nearly_used.count(),
            _link("admin:subsidies_budget_changelist", use="high"),
        )
    ]


def _progress(user) -> list[WorkItem]:
    if not user.has_perm("plans.view_progressentry"):
        return []
    waiting = plans_selectors.progress_waiting()
    since_labels = {"comment": "最も古い提出", "accept": "最も古い提出", "publish": "最も古い承認"}
    return [
        WorkItem(
            "計画の進捗",
            f"進捗の{label}",
            waiting[step][0],
            _link("admin:plans_progressentry_changelist", waiting=step),
            waiting[step][1],
            since_labels[step],
        )
        for step, label in plans_selectors.WAITING_LABELS.items()
    ]


def _staffing(user, today) -> list[WorkItem]:
    if not user.has_perm("staffing.view_councilstaffing"):
        return []
    missing = councils_with_staffing(CouncilStaffing.objects.all(), today).filter(
        has_main_liaison=False
    )
    return [
        WorkItem(
            "職員配置",
            "主担当の地域担当職員がいない地域協働体",
            missing.count(),
            _link("admin:staffing_councilstaffing_changelist", main="missing"),
        )
    ]


def work_items(user, today: date | None = None) -> list[WorkItem]:
    """The dashboard's lines for ``user`` in the city in force (only what they may view).

    At most eight queries: applications (one), budgets (one), progress (one), councils
    (one), plus the user's permissions (two, read once).
    """
    today = today or timezone.localdate()
    return [
        *_applications(user, today),
        *_budgets(user, today),
        *_progress(user),
        *_staffing(user, today),
    ]
