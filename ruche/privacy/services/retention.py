"""Retention: what is kept only for a while is deleted once its time is up (the settings under
"Personal data: retention" in config/settings.py; docs/processing-register.md).

Rows are deleted in batches of RETENTION_BATCH, one transaction each, so that a first run on a
large table never holds a long lock. Realtime events are trimmed by their own service
(realtime.services.event_trim, called here too: it otherwise runs only when events are published);
analytics facts (analytics.services.facts_sweep, the analytics job) and succeeded worker tasks
(worker.services.tasks_prune, the worker) are swept by their apps.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ruche.accounts.models import AdminLogEntry, SignIn
from ruche.communities.models import AuditEntry
from ruche.notifications.models import Email, Notification
from ruche.realtime.services import event_trim


def _older(model, moment_field: str, days: int, now) -> QuerySet:
    return model.objects.filter(**{f"{moment_field}__lt": now - timedelta(days=days)})


def _delete_in_batches(rows: QuerySet) -> int:
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(rows.order_by("pk").values_list("pk", flat=True)[: settings.RETENTION_BATCH])
            if not ids:
                return deleted
            deleted += rows.model.objects.filter(pk__in=ids).delete()[0]


def retention_enforce(*, now=None) -> dict[str, int]:
    """Delete what is older than its retention period; returns the rows deleted, by kind."""
    now = now or timezone.now()
    done_emails = _older(Email, "created", settings.RETENTION_OUTBOX_DAYS, now).exclude(
        state__in=[Email.State.PENDING, Email.State.SENDING]
    )
    counts = {
        "notifications": _delete_in_batches(
            _older(Notification, "created", settings.RETENTION_NOTIFICATIONS_DAYS, now)
        ),
        "outbox": _delete_in_batches(done_emails),
        "admin_log": _delete_in_batches(_older(AdminLogEntry, "created", settings.RETENTION_AUDIT_DAYS, now)),
        "community_audit": _delete_in_batches(
            _older(AuditEntry, "created", settings.RETENTION_AUDIT_DAYS, now)
        ),
        "signins": _delete_in_batches(_older(SignIn, "at", settings.RETENTION_SIGNINS_DAYS, now)),
        # Expired sessions still hold whose they were (Django's clearsessions, in batches).
        "sessions": _delete_in_batches(Session.objects.filter(expire_date__lt=now)),
    }
    counts["realtime_events"] = event_trim()
    return counts
