"""Management commands that work for one city: ``--city`` (識別名 or 全国地方公共団体コード).

A command that touches city data subclasses ``CityCommand`` and implements ``handle_city``,
which runs inside ``core.tenancy.city_scope`` of the city given on the command line. There is
no default city: a command run with no city in force would otherwise fail on its first query
(or, worse, work for whichever city happened to be in force). A command that may run for every
city sets ``allow_all_cities``; ``--all-cities`` then loops over the cities one by one, each in
its own ``city_scope``.
"""

from django.core.management.base import BaseCommand, CommandError

from core import tenancy
from core.models import Municipality


def city_choices_text() -> str:
    """「ichinoseki（一関市・032093）、…」: what ``--city`` accepts on this install."""
    cities = list(Municipality.objects.order_by("local_government_code", "pk"))
    if not cities:
        return "（自治体が登録されていません）"
    return "、".join(
        f"{city.slug or '識別名なし'}（{city.name}・{city.local_government_code or 'コードなし'}）"
        for city in cities
    )


def find_city(value: str) -> Municipality:
    """The city named by its slug or its 6-digit 全国地方公共団体コード; CommandError if none."""
    value = (value or "").strip()
    field = "local_government_code" if value.isdigit() else "slug"
    city = Municipality.objects.filter(**{field: value}).first() if value else None
    if city is None:
        raise CommandError(
            f"自治体「{value}」は見つかりません。--city には識別名か全国地方公共団体コード"
            f"（6桁）を指定してください。指定できる自治体: {city_choices_text()}"
        )
    return city


class CityCommand(BaseCommand):
    """A command for one city (``--city``), or for each city in turn (``--all-cities``)."""

    allow_all_cities = False

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument(
            "--city",
            help="対象の自治体: 識別名（例: ichinoseki）または全国地方公共団体コード（例: 032093）",
        )
        if self.allow_all_cities:
            group.add_argument(
                "--all-cities",
                action="store_true",
                help="登録されているすべての自治体について、1自治体ずつ実行します。",
            )
        self.add_city_arguments(parser)

    def add_city_arguments(self, parser):
        """Arguments of the command itself (override instead of add_arguments)."""

    def handle(self, *args, **options):
        # handle_city gets the city itself, not the text it was named by.
        named = options.pop("city", None)
        if not options.pop("all_cities", False):
            city = find_city(named)
            with tenancy.city_scope(city):
                return self.handle_city(city, *args, **options)
        # Every city in turn, each in its own scope; one city's failure does not stop the rest.
        failures = []
        for city in Municipality.objects.order_by("local_government_code", "pk"):
            with tenancy.city_scope(city):
                try:
                    self.handle_city(city, *args, **options)
                except CommandError as error:
                    self.stderr.write(str(error))
                    failures.append(city.name)
        if failures:
            raise CommandError(f"次の自治体で失敗しました: {'、'.join(failures)}")
        return None

    def handle_city(self, city: Municipality, *args, **options):
        raise NotImplementedError("CityCommand subclasses implement handle_city(city, ...).")
