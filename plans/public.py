"""The published community plan and its progress, as sections of the public council page."""

from core.tables import Table

from . import selectors


def public_comment(entry) -> str:
    """The city's 所見 on a progress entry as the public may read it: once the entry is
    published (accepted by the city, then published), never while it is under review."""
    return entry.staff_comment if entry.is_published else ""


def progress_table(plan, entries, slug="progress", caption=None) -> Table:
    return Table(
        slug,
        caption or f"{plan.title} 進捗状況",
        ["事業", "期間", "実施内容", "開催回数", "延べ参加人数", "達成状況", "市の所見"],
        ["item", "period", "done", "meetings", "participants", "status", "city_comment"],
        [
            [
                f"{e.item.number} {e.item.title}".strip(),
                e.period.label,
                e.done,
                e.meetings,
                e.participants,
                e.status.label if e.status else "",
                public_comment(e),
            ]
            for e in entries
        ],
    )


def council_sections(council) -> list[dict]:
    plan = selectors.plan_in_force(council)
    if plan is None:
        return []
    plan = selectors.published_plan(plan.pk)
    if plan is None:
        return []
    entries = list(selectors.published_progress(plan))
    return [
        {
            "template": "plans/public/_council_section.html",
            "plan": plan,
            "sections": selectors.plan_sections(plan),
            "indicators": selectors.indicator_table(plan),
            "entries": entries,
            "tables": [progress_table(plan, entries)],
        }
    ]
