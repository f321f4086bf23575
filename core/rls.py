"""The second wall on PostgreSQL: row-level security on every city-owned table.

The first wall is in code (``core.scoping``): every query of a city-owned model is filtered to
the city in force. This one holds in the database, for raw SQL and for any query the first wall
missed. After every ``migrate`` (the ``post_migrate`` signal) this module, idempotently:

- creates the role the application works under (``settings.CITY_DATABASE_ROLE``, by default
  ``kyodo_app``): NOLOGIN, not a superuser, no BYPASSRLS, so the policies hold for it;
- grants it the use of the schema, of every table and of every sequence;
- on every city-owned table (each concrete ``core.models.CityOwned`` model and its
  ``Historical…`` table) enables row-level security and (re)creates the policy ``city_wall``:
  a row is visible, and may be written, only when its ``municipality_id`` is the connection's
  ``app.municipality``. ``'all'`` (the platform operator's view, ``tenancy.all_cities()``) sees
  every row; an empty or unset setting sees none.

The owner and superusers bypass row-level security, so migrations (run as the owner) are
unaffected; the application runs under the role because ``core.tenancy.city_scope`` switches to
it (``SET ROLE`` through ``set_config``) when ``CITY_DATABASE_ROLE`` is set. SQLite has no such
thing: there the first wall is the only one.
"""

from django.apps import apps as global_apps
from django.conf import settings
from django.db import connections
from django.db.models.signals import post_migrate
from django.dispatch import receiver

DEFAULT_ROLE = "kyodo_app"
POLICY = "city_wall"
SETTING = "app.municipality"
COLUMN = "municipality_id"

# The setting, read without error when unset (NULL). The cast only runs on digits, so 'all', ''
# and anything else never raise. The condition is a range, ``lowest <= municipality_id <=
# highest``, so that an index on the column serves it: one city is the range [id, id], 'all' is
# every id, and anything else (unset, '') is the empty range [1, 0].
_SETTING_SQL = f"current_setting('{SETTING}', true)"


def _bound(for_all: str, otherwise: str) -> str:
    return (
        f"CASE WHEN {_SETTING_SQL} = 'all' THEN {for_all}::bigint "
        f"WHEN {_SETTING_SQL} ~ '^[0-9]{{1,18}}$' THEN ({_SETTING_SQL})::bigint "
        f"ELSE {otherwise}::bigint END"
    )


CONDITION = f"({COLUMN} BETWEEN {_bound('0', '1')} AND {_bound('9223372036854775807', '0')})"


def role_name() -> str:
    return getattr(settings, "CITY_DATABASE_ROLE", "") or DEFAULT_ROLE


def city_owned_models() -> list:
    """Every concrete city-owned model and the history model of each, from the code."""
    from core.models import CityOwned

    found = []
    for model in global_apps.get_models():
        owner = getattr(model, "instance_type", model)  # a Historical… model names its model
        if not isinstance(owner, type) or not issubclass(owner, CityOwned):
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        found.append(model)
    return found


def city_owned_tables(using: str = "default") -> list[str]:
    """The tables of ``city_owned_models`` that exist and carry ``municipality_id`` (a database
    migrated to an earlier state may lack some), sorted."""
    connection = connections[using]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        tables = []
        for model in city_owned_models():
            table = model._meta.db_table
            if table not in existing or table in tables:
                continue
            columns = connection.introspection.get_table_description(cursor, table)
            if any(column.name == COLUMN for column in columns):
                tables.append(table)
    return sorted(tables)


def _statements(connection, role: str, schema: str, tables: list[str]) -> list[str]:
    quote = connection.ops.quote_name
    role_q = quote(role)
    schema_q = quote(schema)
    literal = role.replace("'", "''")
    statements = [
        # Several test databases may be created at once: another may win the race.
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{literal}') THEN
                CREATE ROLE {role_q} NOLOGIN NOSUPERUSER NOBYPASSRLS;
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$""",
        # A non-superuser owner may only SET ROLE to a role it is a member of.
        f"""DO $$ BEGIN
            IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
               AND NOT pg_has_role(current_user, '{literal}', 'MEMBER') THEN
                EXECUTE 'GRANT {role_q} TO ' || quote_ident(current_user);
            END IF;
        END $$""",
        f"GRANT USAGE ON SCHEMA {schema_q} TO {role_q}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema_q} TO {role_q}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_q} TO {role_q}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_q} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role_q}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_q} GRANT USAGE, SELECT ON SEQUENCES TO {role_q}",
    ]
    for table in tables:
        table_q = quote(table)
        statements += [
            f"ALTER TABLE {table_q} ENABLE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS {POLICY} ON {table_q}",
            f"CREATE POLICY {POLICY} ON {table_q} USING {CONDITION} WITH CHECK {CONDITION}",
        ]
    return statements


def install(using: str = "default") -> list[str]:
    """Create the role, its grants and the policies on ``using``; return the tables walled.

    Does nothing (and returns nothing) on a database other than PostgreSQL.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    tables = city_owned_tables(using)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
        for statement in _statements(connection, role_name(), schema, tables):
            cursor.execute(statement)
    return tables


@receiver(post_migrate, dispatch_uid="core.rls.install")
def install_after_migrate(sender, using="default", **kwargs):
    # post_migrate is sent once per app after the whole plan ran; act once, for core.
    if sender.name != "core":
        return
    install(using)
