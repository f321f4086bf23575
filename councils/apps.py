from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = "地域協働体・地区"

    def ready(self):
        from import_export.signals import post_import

        from core.signals import public_content_changed

        from . import freshness

        # What a secretary sees reads rows of every domain (applications and their
        # programmes and rules, plans, items and progress, liaisons and staff, districts and
        # population, centres, members, stage history, tenures, users, the city itself): any
        # row saved or deleted moves the generations it belongs under (councils.freshness).
        post_save.connect(freshness.on_row_change, dispatch_uid="council-rows-save")
        post_delete.connect(freshness.on_row_change, dispatch_uid="council-rows-delete")
        m2m_changed.connect(freshness.on_m2m_change, dispatch_uid="council-rows-m2m")
        # Imports write in bulk (no row signal): move the city's generation after each.
        post_import.connect(freshness.on_bulk_change, dispatch_uid="council-rows-import")
        public_content_changed.connect(freshness.on_bulk_change, dispatch_uid="council-rows-pub")
