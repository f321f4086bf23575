"""Cities for tests: the three of the source documents, each with a host of its own."""

from core.models import Municipality, MunicipalityHost

CITIES = {
    "ichinoseki": {
        "name": "一関市",
        "name_kana": "いちのせきし",
        "prefecture": "岩手県",
        "local_government_code": "032093",
        "department": "まちづくり推進部 いちのせき元気な地域づくり推進課",
        "mayor_title": "一関市長",
        "mayor_name": "佐藤 善仁",
        "council_term": "地域協働体",
        "centre_term": "市民センター",
    },
    "morioka": {
        "name": "盛岡市",
        "name_kana": "もりおかし",
        "prefecture": "岩手県",
        "local_government_code": "032018",
        "department": "市民部 市民協働推進課",
        "mayor_title": "盛岡市長",
        "mayor_name": "内舘 茂",
        "council_term": "地域づくり組織",
        "centre_term": "地区活動センター",
    },
    "yamaguchi": {
        "name": "山口市",
        "name_kana": "やまぐちし",
        "prefecture": "山口県",
        "local_government_code": "352039",
        "department": "地域生活部 協働推進課",
        "mayor_title": "山口市長",
        "mayor_name": "伊藤 和貴",
        "council_term": "地域づくり協議会",
        "centre_term": "地域交流センター",
    },
}


def make_city(slug: str) -> Municipality:
    """The city ``slug`` with host ``<slug>.test``, made once per test database."""
    city, _ = Municipality.objects.get_or_create(slug=slug, defaults=CITIES[slug])
    MunicipalityHost.objects.get_or_create(municipality=city, host=f"{slug}.test")
    return city
