"""Moving a one-city database into the many-city schema: every row goes to that city.

Used by each app's data migration. The city is the existing 自治体設定 row; a database that
has rows but never set one up gets a city named 「（自治体名未設定）」, to be completed in
the admin. Nothing is deleted and no row is left without a city.
"""

UNNAMED = "（自治体名未設定）"


def the_city(apps):
    Municipality = apps.get_model("core", "Municipality")
    city = Municipality.objects.order_by("pk").first()
    return city or Municipality.objects.create(name=UNNAMED, local_government_code="")


def fill_city(app_label):
    """A RunPython function that files every row of ``app_label`` under the one city."""

    def forwards(apps, schema_editor):
        models = [
            model
            for model in apps.get_app_config(app_label).get_models()
            if any(field.name == "municipality" for field in model._meta.fields)
        ]
        waiting = [model for model in models if model.objects.filter(municipality=None).exists()]
        if not waiting:
            return
        city = the_city(apps)
        for model in waiting:
            model.objects.filter(municipality=None).update(municipality=city)

    return forwards
