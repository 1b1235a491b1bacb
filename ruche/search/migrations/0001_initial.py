"""The search index: FTS5 tables on SQLite, a tsvector table with GIN indexes on PostgreSQL.

Not Django models: each database gets the structure it is good at (see ruche/search/backends.py).
Filling it is `manage.py search_rebuild`.
"""

from django.db import migrations

KINDS = ["post", "reply", "person", "community", "hashtag"]


def create(apps, schema_editor):
    from ruche.search.backends import PostgresIndex, SqliteIndex

    vendor = schema_editor.connection.vendor
    index = PostgresIndex() if vendor == "postgresql" else SqliteIndex() if vendor == "sqlite" else None
    if index is None:
        return
    with schema_editor.connection.cursor() as cursor:
        for kind in KINDS:
            index.create_kind(cursor, kind)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            for kind in KINDS:
                cursor.execute(f"DROP TABLE IF EXISTS search_{kind}")
        elif vendor == "postgresql":
            cursor.execute("DROP TABLE IF EXISTS search_document")
            cursor.execute("DROP FUNCTION IF EXISTS ruche_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create, drop, elidable=False)]
