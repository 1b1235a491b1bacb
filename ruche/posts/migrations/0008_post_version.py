from django.db import migrations, models

from ruche.posts import versions


def install(apps, schema_editor):
    versions.install(schema_editor)


def uninstall(apps, schema_editor):
    versions.uninstall(schema_editor)


class Migration(migrations.Migration):
    """Post.version and the triggers that keep it (ruche/posts/versions.py): the tables they watch
    must exist first."""

    dependencies = [
        ("accounts", "0009_feed_choice"),
        ("communities", "0003_community_cover_unguessable_name"),
        ("files", "0001_initial"),
        ("links", "0002_preview_image_unguessable_name"),
        ("posts", "0007_shared_post_share_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="version",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(install, uninstall),
    ]
