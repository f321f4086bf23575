from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "利用者・共通設定"
