from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "事務局ポータル"

    def ready(self):
        from import_export.signals import post_import

        from core.signals import public_content_changed

        # The dashboard's cached sections read rows of every domain (applications and their
        # programmes and rules, plans, items and progress, liaisons and staff, districts and
        # population, centres, members, stage history, the city itself): any row a city owns
        # that is saved or deleted clears them, its council's alone when it names one.
        post_save.connect(clear_dashboards_on_change, dispatch_uid="portal-dashboard-save")
        post_delete.connect(clear_dashboards_on_change, dispatch_uid="portal-dashboard-delete")
        m2m_changed.connect(clear_dashboards_on_m2m, dispatch_uid="portal-dashboard-m2m")
        # Imports write in bulk (no row signal): clear the city's dashboards after each.
        post_import.connect(clear_city_dashboards, dispatch_uid="portal-dashboard-import")
        public_content_changed.connect(clear_city_dashboards, dispatch_uid="portal-dashboard-pub")


def _council_of(instance) -> int | None:
    from councils.models import Council

    if isinstance(instance, Council):
        return instance.pk
    return getattr(instance, "council_id", None)


def clear_dashboards_on_change(sender, instance=None, **kwargs) -> None:
    from core.models import CityOwned, Municipality

    from .panels import clear_dashboards

    if isinstance(instance, Municipality):
        clear_dashboards(municipality_id=instance.pk)
    elif isinstance(instance, CityOwned):
        council_id = _council_of(instance)
        if council_id is not None:
            clear_dashboards(council_id=council_id)
        else:
            clear_dashboards(municipality_id=instance.municipality_id)


def clear_dashboards_on_m2m(sender, instance=None, action="", **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        clear_dashboards_on_change(sender, instance=instance)


def clear_city_dashboards(sender, **kwargs) -> None:
    from .panels import clear_dashboards

    clear_dashboards()
