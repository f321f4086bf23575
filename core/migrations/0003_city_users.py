from django.db import migrations

from core.city_migration import the_city


def users_to_city(apps, schema_editor):
    """Staff and secretaries of a one-city database belong to that city; superusers stay
    platform operators (no city)."""
    User = apps.get_model("core", "User")
    users = User.objects.filter(is_superuser=False, municipality=None)
    if users.exists():
        users.update(municipality=the_city(apps))


class Migration(migrations.Migration):
    dependencies = [("core", "0002_cities")]

    operations = [migrations.RunPython(users_to_city, migrations.RunPython.noop)]
