"""The migration that makes notifications unique per event applies to a database that already holds
duplicates (written by tasks that ran twice before): it merges them first."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ruche.notifications.models import Notification
from ruche.posts.services import post_create

BEFORE = [("notifications", "0006_merge_ideas_and_email")]
AFTER = [("notifications", "0008_notification_once")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_duplicates_are_merged_and_keys_filled_in(make_user):
    alice, bruno = make_user("Alice", "Old"), make_user("Bruno", "Old")
    post = post_create(author=alice, body="Bonjour")
    old = _migrate(BEFORE).get_model("notifications", "Notification")
    try:
        now = timezone.now()
        row = {"recipient_id": bruno.pk, "actor_id": alice.pk}
        old.objects.bulk_create(
            [
                # A mention told twice, the second copy read: one row stays, read.
                old(kind="mention", post_id=post.pk, **row),
                old(kind="mention", post_id=post.pk, read_at=now, **row),
                # Grouped reactions: two unread rows for one post (the newest stays), one read row.
                old(kind="reaction", post_id=post.pk, actor_count=1, read_at=now, **row),
                old(kind="reaction", post_id=post.pk, actor_count=1, **row),
                old(kind="reaction", post_id=post.pk, actor_count=2, **row),
                # Follows may repeat (a follow after an unfollow): nothing to merge, no key to guess.
                old(kind="follow", **row),
                old(kind="follow", **row),
            ]
        )
    finally:
        _migrate(AFTER)
    mention = Notification.objects.get(kind="mention")
    assert (mention.key, mention.read_at is not None) == (f"post:{post.pk}", True)
    reactions = Notification.objects.filter(kind="reaction").order_by("pk")
    assert [(r.actor_count, r.read_at is None, r.key) for r in reactions] == [
        (1, False, None),
        (2, True, None),
    ]
    assert list(Notification.objects.filter(kind="follow").values_list("key", flat=True)) == [None, None]
