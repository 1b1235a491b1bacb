"""Retention (ruche/privacy/services/retention.py): rows older than their setting are deleted, rows
just within it stay, in batches, and the daily job is registered."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from ruche.accounts.models import AdminLogEntry, SignIn
from ruche.communities.models import AuditEntry
from ruche.notifications.models import Email, Notification
from ruche.privacy.services.retention import retention_enforce
from ruche.privacy.tasks import retention_enforce_task
from ruche.realtime.models import RealtimeEvent

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@pytest.fixture
def limits(settings):
    settings.RETENTION_NOTIFICATIONS_DAYS = 180
    settings.RETENTION_OUTBOX_DAYS = 30
    settings.RETENTION_AUDIT_DAYS = 730
    settings.RETENTION_SIGNINS_DAYS = 365
    settings.REALTIME_RETENTION_MINUTES = 60
    settings.RETENTION_BATCH = 2  # several batches with a handful of rows
    return settings


def both_sides(days: int, now):
    """A moment just past the limit, and one just within it."""
    return now - days * DAY - HOUR, now - days * DAY + HOUR


@pytest.mark.django_db
def test_each_kind_is_kept_its_time_and_no_longer(limits, alice, bruno, make_community):
    now = timezone.now()
    community = make_community("Archives")
    old, recent = both_sides(180, now)
    for moment in (old, old, old, recent):
        Notification.objects.create(recipient=alice, actor=bruno, kind="follow", created=moment)
    old, recent = both_sides(30, now)
    Email.objects.create(recipient=alice, kind="digest", state=Email.State.SENT, created=old, key="a")
    Email.objects.create(recipient=alice, kind="digest", state=Email.State.FAILED, created=old, key="b")
    Email.objects.create(recipient=alice, kind="digest", state=Email.State.PENDING, created=old, key="c")
    Email.objects.create(recipient=alice, kind="digest", state=Email.State.SENT, created=recent, key="d")
    old, recent = both_sides(730, now)
    for moment in (old, recent):
        AdminLogEntry.objects.create(actor=alice, action="role_set", target="Bruno", created=moment)
        AuditEntry.objects.create(actor=alice, action="leave", community=community, created=moment)
    old, recent = both_sides(365, now)
    for moment in (old, recent):
        SignIn.objects.create(user=alice, at=moment)
    stale, live = SessionStore(), SessionStore()
    stale.create()
    live.create()
    Session.objects.filter(session_key=stale.session_key).update(expire_date=now - HOUR)
    for minutes in (90, 30):
        RealtimeEvent.objects.create(user=alice, type="ping", created=now - timedelta(minutes=minutes))

    counts = retention_enforce(now=now)

    assert counts == {
        "notifications": 3,
        "outbox": 2,
        "admin_log": 1,
        "community_audit": 1,
        "signins": 1,
        "sessions": 1,
        "realtime_events": 1,
    }
    assert Notification.objects.count() == 1
    assert set(Email.objects.values_list("key", flat=True)) == {"c", "d"}  # a waiting e-mail is never lost
    assert AdminLogEntry.objects.get().created > now - 730 * DAY
    assert all(entry.created > now - 730 * DAY for entry in AuditEntry.objects.all())
    assert SignIn.objects.get().at > now - 365 * DAY
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert RealtimeEvent.objects.count() == 1
    assert retention_enforce(now=now) == dict.fromkeys(counts, 0)  # safe twice


@pytest.mark.django_db
def test_limits_come_from_the_settings(limits, alice, bruno):
    limits.RETENTION_NOTIFICATIONS_DAYS = 7
    Notification.objects.create(recipient=alice, actor=bruno, kind="follow", created=timezone.now() - 8 * DAY)
    Notification.objects.create(recipient=alice, actor=bruno, kind="reply", created=timezone.now() - 6 * DAY)
    assert retention_enforce()["notifications"] == 1
    assert Notification.objects.get().kind == "reply"


@pytest.mark.django_db
def test_the_worker_task_runs_it(limits, alice):
    SignIn.objects.create(user=alice, at=timezone.now() - 400 * DAY)
    result = retention_enforce_task.enqueue()
    assert result.return_value["signins"] == 1
    assert not SignIn.objects.exists()
