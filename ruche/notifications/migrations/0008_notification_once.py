"""The constraints themselves, in a migration of their own: on PostgreSQL the rows merged by 0007
are committed before the unique indexes are built."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notifications", "0007_notification_key")]

    operations = [
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(
                condition=models.Q(("key__isnull", False)),
                fields=("recipient", "kind", "key"),
                name="notif_event_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "reaction"), ("read_at__isnull", True)),
                fields=("recipient", "kind", "post"),
                name="notif_grouped_unread_once",
            ),
        ),
    ]
