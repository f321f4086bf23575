from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "利用者・共通設定"

    def ready(self):
        from django.contrib import admin
        from django.http import Http404

        from core import auth, cities, rls, security_log  # noqa: F401  (signal receivers)

        def not_found(model_admin, request, opts, object_id):
            # Another city's object is not "deleted, perhaps": it does not exist here.
            raise Http404(f"{opts.verbose_name}（ID {object_id}）は見つかりません。")

        admin.ModelAdmin._get_obj_does_not_exist_redirect = not_found
