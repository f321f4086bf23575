"""The transparency page: grants decided and paid, by programme, council and fiscal year,
and the same grants as 360Giving open data."""

from collections import defaultdict

from django.http import JsonResponse

from core import terms
from core.models import Municipality
from core.tables import Table
from subsidies.public import UNCONFIRMED
from subsidies.selectors import public_grants

from .giving360 import GrantRow, grant_record, package
from .pages import Page, PublicPage


def _year_param(request, years):
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return None
    return year if year in years else None


class TransparencyPage(PublicPage):
    query_parameters = ("year",)

    def get_page(self, request, **kwargs):
        grants = public_grants()
        years = sorted({g.fiscal_year for g in grants}, reverse=True)
        year = _year_param(request, years)
        if year is not None:
            grants = [g for g in grants if g.fiscal_year == year]
        totals = defaultdict(lambda: {"count": 0, "decided": 0, "paid": 0, "confirmed": None})
        for g in grants:
            row = totals[(g.fiscal_year, g.programme_code, g.programme_name)]
            row["count"] += 1
            row["decided"] += g.decided_amount
            row["paid"] += g.paid_amount
            # The sum of the amounts confirmed so far; 未確定 (None), not 0, while no grant
            # of the programme has one, as each grant's row below says.
            if g.confirmed_amount is not None:
                row["confirmed"] = (row["confirmed"] or 0) + g.confirmed_amount
        by_programme = Table(
            "programmes",
            "補助制度別の交付状況",
            [
                "年度",
                "補助制度",
                "件数",
                "交付決定額（円）",
                "支払額（円・返還後）",
                "確定額（円）",
            ],
            [
                "fiscal_year",
                "programme",
                "count",
                "decided_amount",
                "paid_amount",
                "confirmed_amount",
            ],
            [
                [terms.fiscal_year(fy), name, t["count"], t["decided"], t["paid"], t["confirmed"]]
                for (fy, _code, name), t in totals.items()
            ],
            empty_texts={"confirmed_amount": UNCONFIRMED},
        )
        council_term = terms.council_term()
        by_council = Table(
            "grants",
            f"{council_term}別の交付状況",
            [
                "年度",
                council_term,
                "補助制度",
                "交付決定額（円）",
                "支払額（円・返還後）",
                "確定額（円）",
                "交付決定日",
            ],
            [
                "fiscal_year",
                "council",
                "programme",
                "decided_amount",
                "paid_amount",
                "confirmed_amount",
                "decided_on",
            ],
            [
                [
                    terms.fiscal_year(g.fiscal_year),
                    g.council_name,
                    g.programme_name,
                    g.decided_amount,
                    g.paid_amount,
                    g.confirmed_amount,
                    g.decided_on,
                ]
                for g in grants
            ],
            empty_texts={"confirmed_amount": UNCONFIRMED},
        )
        return Page(
            title="補助金の交付状況",
            body_template="reports/transparency_body.html",
            context={
                "years": years,
                "year": year,
                "total_decided": sum(g.decided_amount for g in grants),
                "total_paid": sum(g.paid_amount for g in grants),
                "grant_count": len(grants),
            },
            tables=[by_programme, by_council],
            filename="subsidies" + (f"-{year}" if year else ""),
        )


def giving360_package(fiscal_year: int | None = None) -> dict:
    """Every public grant as a 360Giving package (validated in the tests)."""
    city = Municipality.current()
    records = [
        grant_record(
            GrantRow(
                reference=g.reference,
                title=f"{g.programme_name}（{g.council_name} {g.fiscal_year_label}）",
                description=f"{g.council_name}への{g.fiscal_year_label}{g.programme_name}",
                amount_awarded=g.decided_amount,
                award_date=g.decided_on,
                recipient_key=str(g.council_id),
                recipient_name=g.council_name,
                programme_code=g.programme_code,
                programme_title=g.programme_name,
                amount_disbursed=g.paid_amount,
                fiscal_year=g.fiscal_year,
            ),
            city_name=city.name,
            local_government_code=city.local_government_code,
            department=city.department,
        )
        for g in public_grants(fiscal_year)
        if g.decided_on is not None
    ]
    return package(records, title=f"{city.name} 地域協働の補助金交付状況")


def giving360_view(request):
    response = JsonResponse(
        giving360_package(), json_dumps_params={"ensure_ascii": False, "indent": 1}
    )
    response["Content-Disposition"] = "inline; filename=360giving.json"
    return response
