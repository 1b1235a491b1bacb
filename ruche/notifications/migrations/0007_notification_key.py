"""Notifications get the key of the event they tell (tasks run at least once: one row per
recipient, kind and key). Before the constraints of 0008 are added, duplicates that earlier task
runs may have written are merged, and the key is filled in where the row itself names its event,
so that a task enqueued before the upgrade and run after it does not tell its event twice."""

from django.db import migrations, models
from django.db.models import CharField, Count, F, Max, Min, Value
from django.db.models.functions import Cast, Concat

# kind -> (the field naming the event, the key's prefix): as the tasks now write them.
KEYED = {
    "mention": ("post", "post:"),
    "reply": ("post", "post:"),
    "thread_reply": ("post", "post:"),
    "answer_accepted": ("post", "post:"),
    "expert_asked": ("post", "post:"),
    "idea_coauthor": ("post", "idea:"),  # an idea's primary key is its post's
    "campaign_opened": ("campaign", "campaign:"),
    "campaign_closing": ("campaign", "campaign:"),
    "announcement": ("announcement", "announcement:"),
}


def _merge(rows, group, keep) -> None:
    """One row per group: the one `keep` picks; it is read if any of its duplicates was."""
    duplicates = rows.values(*group).annotate(n=Count("id"), keep=keep).filter(n__gt=1)
    for found in list(duplicates):
        same = rows.filter(**{name: found[name] for name in group})
        read = same.aggregate(first=Min("read_at"))["first"]
        if read is not None:
            same.filter(pk=found["keep"], read_at__isnull=True).update(read_at=read)
        same.exclude(pk=found["keep"]).delete()


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    # Grouped reactions: the newest unread row of each (recipient, post) stays.
    unread = Notification.objects.filter(kind="reaction", read_at__isnull=True)
    _merge(unread, ["recipient_id", "post_id"], Max("id"))
    for kind, (field, prefix) in KEYED.items():
        column = f"{field}_id"
        rows = Notification.objects.filter(kind=kind, **{f"{column}__isnull": False})
        _merge(rows, ["recipient_id", column], Min("id"))
        rows.filter(key__isnull=True).update(
            key=Concat(Value(prefix), Cast(F(column), CharField()), output_field=CharField())
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_merge_ideas_and_email")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="key",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
