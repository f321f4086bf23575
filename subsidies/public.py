"""Subsidies on the public council page: what the council received, by year and programme."""

from core import terms
from core.tables import Table

from .selectors import public_grants

# The 確定額 of a grant whose project is not finished yet.
UNCONFIRMED = "未確定"


def council_sections(council) -> list[dict]:
    """One section listing the council's decided grants (one query); none when it has none."""
    grants = public_grants(council_id=council.pk)
    if not grants:
        return []
    table = Table(
        "subsidies",
        "交付を受けた補助金",
        ["年度", "補助制度", "交付決定額（円）", "確定額（円）", "支払額（円）", "交付決定日"],
        [
            "fiscal_year",
            "programme",
            "decided_amount",
            "confirmed_amount",
            "paid_amount",
            "decided_on",
        ],
        [
            [
                terms.fiscal_year(g.fiscal_year),
                g.programme_name,
                g.decided_amount,
                g.confirmed_amount,
                g.paid_amount,
                g.decided_on,
            ]
            for g in grants
        ],
        empty_texts={"confirmed_amount": UNCONFIRMED},
    )
    years: dict[int, dict] = {}
    for grant in grants:
        year = years.setdefault(
            grant.fiscal_year,
            {"label": terms.fiscal_year(grant.fiscal_year), "grants": [], "decided": 0, "paid": 0},
        )
        year["grants"].append(grant)
        year["decided"] += grant.decided_amount
        year["paid"] += grant.paid_amount
    return [
        {
            "template": "subsidies/public/_council_section.html",
            "council": council,
            "years": list(years.values()),
            "table": table,
            "tables": [table],
        }
    ]
