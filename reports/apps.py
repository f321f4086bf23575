from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "公開・帳票"

    def ready(self):
        from core.signals import public_content_changed
        from councils.models import CivicCentre, Council, MemberOrganisation

        from .cache import clear_public_cache_on_commit, clear_public_cache_on_signal

        public_content_changed.connect(clear_public_cache_on_signal)
        # Councils have no publishing workflow: staff edit them in the admin and the public
        # pages show the change at once, so every save or delete of these rows clears the cache.
        for model in (Council, CivicCentre, MemberOrganisation):
            post_save.connect(clear_public_cache_on_commit, sender=model)
            post_delete.connect(clear_public_cache_on_commit, sender=model)
