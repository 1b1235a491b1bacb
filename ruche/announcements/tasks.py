"""Delivery of announcements, by the task worker: receipts for a large audience, then in-app
notifications and e-mails (through the notifications' outbox), one batch per task run (each run
enqueues the next)."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from ruche.announcements.models import Announcement, Receipt
from ruche.announcements.services import pending_receipts, receipts_materialise
from ruche.notifications.mail import email_queue
from ruche.notifications.models import Channel, Notification
from ruche.notifications.preferences import channels_for_each
from ruche.realtime.events import notifications_added

Kind = Notification.Kind


@task()
def materialise_and_deliver(announcement_id: int) -> int:
    announcement = Announcement.objects.filter(pk=announcement_id).first()
    if announcement is None:
        return 0
    count = receipts_materialise(announcement=announcement)
    deliver_announcement.enqueue(announcement_id=announcement_id)
    return count


def _batch(announcement: Announcement, *, reminder: bool, after: int) -> list[Receipt]:
    if reminder:
        rows = pending_receipts(announcement).filter(
            Q(reminded_at__isnull=True) | Q(reminded_at__lt=announcement.last_reminded_at)
        )
    else:
        rows = Receipt.objects.filter(announcement=announcement, notified_at__isnull=True)
    rows = rows.filter(pk__gt=after, user__is_active=True).select_related("user")
    return list(rows.order_by("pk")[: settings.ANNOUNCEMENT_BATCH_SIZE])


def _email(announcement: Announcement, receipt: Receipt, *, reminder: bool) -> None:
    """Queued in the e-mail outbox (sent by the worker, retried, never twice: the key)."""
    key = f"announcement:{announcement.pk}"
    if reminder:
        key += f":reminder:{announcement.last_reminded_at:%Y%m%d%H%M%S%f}"
    email_queue(
        recipient=receipt.user,
        kind=Kind.ANNOUNCEMENT,
        template="announcements/email/announcement",
        context={
            "announcement": announcement,
            "author": announcement.author,
            "reminder": reminder,
            "url": settings.SITE_URL + announcement.get_absolute_url(),
        },
        key=key,
        check_preference=False,  # decided for the whole batch by the caller
    )


@task()
def deliver_announcement(announcement_id: int, reminder: bool = False, after: int = 0) -> int:
    """One batch of recipients: a notification and an e-mail each, as they chose; then the next
    batch. One transaction: a run that fails leaves the batch to the retry, nothing half-done."""
    announcement = Announcement.objects.select_related("author").filter(pk=announcement_id).first()
    if announcement is None or (reminder and announcement.last_reminded_at is None):
        return 0
    receipts = _batch(announcement, reminder=reminder, after=after)
    if not receipts:
        return 0
    wanted = channels_for_each([r.user_id for r in receipts], Kind.ANNOUNCEMENT)
    kind = Kind.ANNOUNCEMENT_REMINDER if reminder else Kind.ANNOUNCEMENT
    with transaction.atomic():
        Notification.objects.bulk_create(
            Notification(
                recipient_id=r.user_id, kind=kind, actor_id=announcement.author_id, announcement=announcement
            )
            for r in receipts
            if Channel.IN_APP in wanted[r.user_id]
        )
        for receipt in receipts:
            # Nobody is e-mailed what they already opened in the app (a reminder goes to those who
            # have not confirmed, whether they opened it or not).
            if Channel.EMAIL in wanted[receipt.user_id] and (reminder or receipt.opened_at is None):
                _email(announcement, receipt, reminder=reminder)
        done = Receipt.objects.filter(pk__in=[r.pk for r in receipts])
        # Realtime: the badges of those notified in the app, after commit.
        notifications_added(r.user_id for r in receipts if Channel.IN_APP in wanted[r.user_id])
        if reminder:
            done.update(reminded_at=announcement.last_reminded_at)
        else:
            done.update(notified_at=timezone.now())
    if len(receipts) == settings.ANNOUNCEMENT_BATCH_SIZE:
        deliver_announcement.enqueue(
            announcement_id=announcement_id, reminder=reminder, after=receipts[-1].pk
        )
    return len(receipts)
