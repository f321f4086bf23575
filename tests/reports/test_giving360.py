from datetime import date

from reports.giving360 import GrantRow, grant_record, package, validation_errors


def row(**overrides):
    values = {
        "reference": "2026-0001",
        "title": "地域協働体活動費補助金（ひと・まち応援金）",
        "description": "山目地域協働体 令和8年度 地域づくり事業",
        "amount_awarded": 850_000,
        "award_date": date(2026, 5, 20),
        "recipient_key": "3",
        "recipient_name": "山目地域協働体",
        "programme_code": "jigyo8",
        "programme_title": "地域協働体活動費補助金",
        "amount_disbursed": 850_000,
        "fiscal_year": 2026,
    }
    values.update(overrides)
    return GrantRow(**values)


def test_grant_package_validates_against_the_shipped_schema():
    data = package(
        [grant_record(row(), city_name="一関市", local_government_code="032093")],
        title="一関市 補助金交付状況",
    )
    assert validation_errors(data) == []
    grant = data["grants"][0]
    assert grant["id"] == "JP-LG-032093-2026-0001"
    assert grant["currency"] == "JPY"
    assert grant["recipientOrganization"][0]["name"] == "山目地域協働体"


def test_schema_catches_a_broken_grant():
    broken = grant_record(row(), city_name="一関市", local_government_code="032093")
    del broken["awardDate"]
    broken["amountAwarded"] = "八十五万円"
    errors = validation_errors(package([broken], title="x"))
    assert errors
