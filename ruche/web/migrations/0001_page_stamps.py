from django.db import migrations

from ruche.feed import stamps
from ruche.web.stamps import PAGE


def install(apps, schema_editor):
    stamps.install(schema_editor, PAGE)


def uninstall(apps, schema_editor):
    stamps.uninstall(schema_editor, PAGE)


class Migration(migrations.Migration):
    """The home page's own watches on the feed's stamps (ruche/web/stamps.py)."""

    dependencies = [
        ("accounts", "0009_feed_choice"),
        ("announcements", "0001_initial"),
        ("feed", "0003_stamps"),
        ("files", "0001_initial"),
        ("ideas", "0002_default_workflow"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
