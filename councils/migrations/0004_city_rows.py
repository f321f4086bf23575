from django.db import migrations

from core.city_migration import fill_city


class Migration(migrations.Migration):
    """Every existing row belongs to the one city this database served."""

    dependencies = [("councils", "0003_city_column"), ("core", "0003_city_users")]

    operations = [migrations.RunPython(fill_city("councils"), migrations.RunPython.noop)]
