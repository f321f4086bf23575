from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "利用者・共通設定"

    def ready(self):
        from django.contrib import admin

        # Permission names in Japanese after every migrate (core.permissions); auth's
        # create_permissions, connected earlier, has made the rows by then.
        from django.db.models.signals import post_migrate
        from django.http import Http404

        from core import auth, cities, rls, security_log  # noqa: F401  (signal receivers)
        from core.permissions import name_permissions_in_japanese

        post_migrate.connect(name_permissions_in_japanese, dispatch_uid="core_permission_names")

        # The user a session names is cached (core.auth.session_user): any save or delete of
        # a user retires it.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        user_model = get_user_model()
        post_save.connect(auth.bump_user_generation, sender=user_model, dispatch_uid="user-gen")
        post_delete.connect(auth.bump_user_generation, sender=user_model, dispatch_uid="user-gd")

        def not_found(model_admin, request, opts, object_id):
            # Another city's object is not "deleted, perhaps": it does not exist here.
            raise Http404(f"{opts.verbose_name}（ID {object_id}）は見つかりません。")

        admin.ModelAdmin._get_obj_does_not_exist_redirect = not_found

        # Every text field of every form (portal, admin, login) refuses control characters
        # other than tab and newline, next to the field; CityOwned.clean_fields does the same
        # for rows validated without a form (imports, services). On the method, not on
        # default_validators: form classes made before this runs (the admin's autodiscovery
        # imports most of them) are covered too.
        from django import forms

        from core.validators import validate_no_control_characters

        if not getattr(forms.CharField.validate, "refuses_control_characters", False):
            validate = forms.CharField.validate

            def validate_text(field, value):
                validate(field, value)
                validate_no_control_characters(value)

            validate_text.refuses_control_characters = True
            forms.CharField.validate = validate_text
