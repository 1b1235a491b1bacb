"""Questions get an index of their own (see ruche/search/documents.py): create it, and move the
questions already indexed as posts into it."""

from django.db import migrations


def create(apps, schema_editor):
    from ruche.search.backends import PostgresIndex, SqliteIndex

    vendor = schema_editor.connection.vendor
    index = PostgresIndex() if vendor == "postgresql" else SqliteIndex() if vendor == "sqlite" else None
    if index is None:
        return
    with schema_editor.connection.cursor() as cursor:
        index.create_kind(cursor, "question")
    ids = list(apps.get_model("qa", "Question").objects.values_list("post_id", flat=True))
    if ids:
        from ruche.search.services import search_reindex

        search_reindex(kind="post", ids=ids)  # removed from the posts' index, added to the questions'


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "sqlite":
            cursor.execute("DROP TABLE IF EXISTS search_question")
        elif schema_editor.connection.vendor == "postgresql":
            cursor.execute("DELETE FROM search_document WHERE kind = 'question'")
            cursor.execute("DROP INDEX IF EXISTS search_document_question_gin")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial"), ("qa", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
