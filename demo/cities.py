"""The demo's three cities (``data/cities.json``): 一関市, 盛岡市 and 山口市.

Each city is found by its 全国地方公共団体コード, else by its slug, else created; blank fields
of an existing row are completed and nothing already filled is overwritten, so a database
with the one-city demo (一関市 without slug or hosts) keeps its row and gains the rest. Every
city is served at ``<slug>.localhost`` (browsers resolve ``*.localhost`` to 127.0.0.1).
"""

from core.models import Municipality, MunicipalityHost

from .files import read_json

SPECS = {slug: spec for slug, spec in read_json("cities.json").items() if slug != "_note"}
SLUGS = tuple(SPECS)
HOST = "{slug}.localhost"


def host(slug: str) -> str:
    return HOST.format(slug=slug)


def city(slug: str) -> Municipality:
    """The demo city ``slug``, made or completed, with its ``<slug>.localhost`` host."""
    fields = SPECS[slug]["municipality"]
    municipality = (
        Municipality.objects.filter(local_government_code=fields["local_government_code"]).first()
        or Municipality.objects.filter(slug=slug).first()
    )
    if municipality is None:
        municipality = Municipality(slug=slug, **fields)
        municipality.full_clean()
        municipality.save()
    else:
        _complete(municipality, slug, fields)
    if not MunicipalityHost.objects.filter(host=host(slug)).exists():
        MunicipalityHost.objects.create(municipality=municipality, host=host(slug))
    return municipality


def _complete(municipality: Municipality, slug: str, fields: dict) -> None:
    changed = [name for name, value in fields.items() if not getattr(municipality, name) and value]
    for name in changed:
        setattr(municipality, name, fields[name])
    if not municipality.slug and not Municipality.objects.filter(slug=slug).exists():
        municipality.slug = slug
        changed.append("slug")
    if changed:
        municipality.full_clean()
        municipality.save(update_fields=changed)
