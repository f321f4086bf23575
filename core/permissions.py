"""Permission names staff read in Japanese: 交付申請を追加できる, …を変更できる, …を削除できる,
…を閲覧できる, built from each model's verbose name.

Django stores a permission's name as English text made at migrate time ("Can add
application"); ``name_permissions_in_japanese`` runs after every migrate (post_migrate), so
new models are covered and the names follow a changed verbose name. Codenames, which the code
checks (``subsidies.add_application``), are never changed.
"""

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.db import DEFAULT_DB_ALIAS
from django.utils import translation

ACTION_WORDS = {"add": "追加", "change": "変更", "delete": "削除", "view": "閲覧"}


def permission_name(action: str, verbose_name: str) -> str:
    """add, 交付申請 → 交付申請を追加できる."""
    return f"{verbose_name}を{ACTION_WORDS[action]}できる"


def japanese_permission_names(app_config) -> dict[tuple[str, str], str]:
    """{(model_name, codename): Japanese name} of the default permissions of the app's models."""
    names = {}
    with translation.override(settings.LANGUAGE_CODE):
        for model in app_config.get_models():
            opts = model._meta
            for action in opts.default_permissions:
                if action in ACTION_WORDS:
                    codename = get_permission_codename(action, opts)
                    names[(opts.model_name, codename)] = permission_name(
                        action, str(opts.verbose_name)
                    )
    return names


def name_permissions_in_japanese(
    app_config, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs
) -> None:
    """post_migrate: the app's default permissions get their Japanese names (after Django's
    create_permissions, connected before, has made any missing ones)."""
    if not app_config.models_module:
        return
    try:
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    # The verbose names of the real models: a migration's state keeps Django's own models'
    # names untranslated ("group").
    wanted = japanese_permission_names(global_apps.get_app_config(app_config.label))
    permissions = (
        Permission.objects.using(using)
        .filter(content_type__app_label=app_config.label)
        .select_related("content_type")
    )
    renamed = []
    for permission in permissions:
        name = wanted.get((permission.content_type.model, permission.codename))
        if name is not None and permission.name != name:
            permission.name = name
            renamed.append(permission)
    Permission.objects.using(using).bulk_update(renamed, ["name"])
