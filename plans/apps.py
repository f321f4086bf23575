from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "計画・進捗"
