from django.db import migrations, models

from ruche.feed import stamps


def install(apps, schema_editor):
    stamps.install(schema_editor)


def uninstall(apps, schema_editor):
    stamps.uninstall(schema_editor)


class Migration(migrations.Migration):
    """The feed's stamps and the triggers that move them (ruche/feed/stamps.py): the tables they
    watch must exist first."""

    dependencies = [
        ("accounts", "0009_feed_choice"),
        ("communities", "0003_community_cover_unguessable_name"),
        ("feed", "0002_alter_feedentry_reason"),
        ("posts", "0010_post_hashtag_newest"),
    ]

    operations = [
        migrations.CreateModel(
            name="Stamp",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.PositiveSmallIntegerField()),
                ("item", models.BigIntegerField()),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("kind", "item"), name="feed_stamp_once")],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
