"""Finding the city a host serves, cached so that a page pays no query for it.

Any change to a city or its host names bumps one version number in the cache (shared through
Redis in production), so every worker sees the change on its next request.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.models import Municipality, MunicipalityHost

_VERSION_KEY = "cities:version"
_MISSING = "none"


def _version() -> int:
    version = cache.get(_VERSION_KEY)
    if version is None:
        version = 1
        cache.add(_VERSION_KEY, version, None)
    return version


def hosts_version_key() -> str:
    """The cache key of the number that changes whenever a city or a host name changes."""
    return _VERSION_KEY


def host_name(host: str) -> str:
    return host.split(":", 1)[0].strip().lower().rstrip(".")


def city_for_host(host: str) -> Municipality | None:
    """The city served at ``host``, or the only city of a one-city install, or none."""
    key = f"cities:{_version()}:host:{host_name(host)}"
    found = cache.get(key)
    if found is None:
        found = municipality_for_host(host) or _MISSING
        cache.set(key, found, 300)
    return None if found == _MISSING else found


def only_city() -> Municipality | None:
    """The single city of an install that serves one, so that it needs no host set up."""
    cities = list(Municipality.objects.order_by("pk")[:2])
    return cities[0] if len(cities) == 1 else None


def municipality_for_host(host: str) -> Municipality | None:
    """The city served at ``host`` (port dropped), or the only city of a one-city install."""
    city = Municipality.objects.filter(hosts__host=host_name(host)).first()
    return city or only_city()


def is_platform_host(host: str) -> bool:
    return host_name(host) in {name.lower() for name in settings.PLATFORM_HOSTS}


def city_url(city: Municipality, request) -> str | None:
    """Where ``city`` is served, on the scheme and port of ``request`` (the port the visitor
    typed, as the Host header gives it, else the server's)."""
    hosts = sorted(city.hosts.all(), key=lambda host: host.pk)
    if not hosts:
        return None
    first = hosts[0]
    _, colon, typed_port = request.get_host().rpartition(":")
    port = typed_port if colon and typed_port.isdigit() else request.get_port()
    default = "443" if request.is_secure() else "80"
    suffix = "" if port in ("", default) else f":{port}"
    return f"{request.scheme}://{first.host}{suffix}/"


@receiver([post_save, post_delete], sender=Municipality)
@receiver([post_save, post_delete], sender=MunicipalityHost)
def _forget_hosts(**kwargs):
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 2, None)


def city_link(city, path: str) -> str:
    """``path`` at the host ``city`` is served at (its first host name), for an e-mail.

    HTTPS when the install enforces it (``SECURE_SSL_REDIRECT`` or secure session cookies).
    A one-city install with no host name registered gets the bare path, as no host is known.
    """
    host = (
        MunicipalityHost.objects.filter(municipality=city)
        .order_by("pk")
        .values_list("host", flat=True)
        .first()
    )
    if host is None:
        return path
    secure = settings.SECURE_SSL_REDIRECT or settings.SESSION_COOKIE_SECURE
    return f"{'https' if secure else 'http'}://{host}{path}"
