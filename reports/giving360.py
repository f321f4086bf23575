"""Grants as 360Giving data (https://standard.threesixtygiving.org), validated against the
schema shipped in reports/standards/ (CC BY 4.0).

Identifiers use the city's own prefix, JP-LG-<全国地方公共団体コード>, since Japanese
municipalities have no 360Giving organisation prefix; fields that do not fit a Japanese
city (charityNumber, companyNumber) are left out.
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).parent / "standards"
GRANT_SCHEMA_URL = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/"
    "360-giving-schema.json"
)


@dataclass(frozen=True)
class GrantRow:
    """One decided grant, in our terms."""

    reference: str  # unique within the city, e.g. 2026-活動費-0012
    title: str
    description: str
    amount_awarded: int
    award_date: date
    recipient_key: str  # stable key of the council, e.g. its id
    recipient_name: str
    programme_code: str
    programme_title: str
    amount_disbursed: int | None = None
    fiscal_year: int | None = None


def city_prefix(local_government_code: str) -> str:
    return f"JP-LG-{local_government_code or '000000'}"


def grant_record(
    row: GrantRow, *, city_name: str, local_government_code: str, department: str = ""
) -> dict:
    prefix = city_prefix(local_government_code)
    funder = {"id": prefix, "name": city_name}
    if department:
        funder["department"] = department
    record = {
        "id": f"{prefix}-{row.reference}",
        "title": row.title,
        "description": row.description or row.title,
        "currency": "JPY",
        "amountAwarded": row.amount_awarded,
        # A full date-time: the schema's oneOf (plain date | date-time) cannot tell a plain
        # date from a date-time unless formats are asserted, so plain dates fail it.
        "awardDate": f"{row.award_date.isoformat()}T00:00:00+09:00",
        "recipientOrganization": [
            {"id": f"{prefix}-council-{row.recipient_key}", "name": row.recipient_name}
        ],
        "fundingOrganization": [funder],
        "grantProgramme": [{"code": row.programme_code, "title": row.programme_title}],
    }
    if row.amount_disbursed is not None:
        record["amountDisbursed"] = row.amount_disbursed
    if row.fiscal_year is not None:
        record["plannedDates"] = [
            {
                "startDate": f"{row.fiscal_year}-04-01T00:00:00+09:00",
                "endDate": f"{row.fiscal_year + 1}-03-31T23:59:59+09:00",
            }
        ]
    return record


def package(records: list[dict], *, title: str) -> dict:
    return {"version": "1.4", "title": title, "grants": records}


@cache
def _validator():
    from jsonschema import Draft202012Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    grant = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text())
    package_schema = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text())
    # The files name their dialect with http://, which referencing does not recognise.
    resource = DRAFT202012.create_resource(grant)
    registry = Registry().with_resources([(GRANT_SCHEMA_URL, resource), (grant["$id"], resource)])
    return Draft202012Validator(package_schema, registry=registry)


def validation_errors(data: dict) -> list[str]:
    """Messages of every way ``data`` breaks the 360Giving package schema (empty if valid)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in _validator().iter_errors(data)
    ]
