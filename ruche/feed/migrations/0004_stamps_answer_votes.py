from django.db import migrations

from ruche.feed import stamps


def install(apps, schema_editor):
    stamps.install(schema_editor)


class Migration(migrations.Migration):
    """A reader's votes for answers move their stamp too (ruche/feed/stamps.py): the feed's triggers
    again, now that qa_answervote exists. Going back leaves them in place."""

    dependencies = [
        ("feed", "0003_stamps"),
        ("qa", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
