"""Delivery of announcements, by the task worker: receipts for a large audience, then in-app
notifications and e-mails (through the notifications' outbox), one batch per task run (each run
enqueues the next). Tasks run at least once: each is safe to run again, or twice at once."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from ruche.announcements.models import Announcement, Receipt
from ruche.announcements.services import pending_receipts, receipts_materialise
from ruche.notifications.mail import email_build, emails_write
from ruche.notifications.models import Channel, Email, Notification
from ruche.notifications.preferences import channels_for_each
from ruche.notifications.services import Event, notify_each

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
    """The next receipts to deliver, locked (PostgreSQL) until this batch commits: a duplicate run
    at the same time skips them and takes the next ones, so nobody is handled twice."""
    if reminder:
        rows = pending_receipts(announcement).filter(
            Q(reminded_at__isnull=True) | Q(reminded_at__lt=announcement.last_reminded_at)
        )
    else:
        rows = Receipt.objects.filter(announcement=announcement, notified_at__isnull=True)
    rows = rows.filter(pk__gt=after, user__is_active=True).select_related("user")
    rows = rows.select_for_update(skip_locked=True, of=("self",))
    return list(rows.order_by("pk")[: settings.ANNOUNCEMENT_BATCH_SIZE])


def _key(announcement: Announcement, *, reminder: bool) -> str:
    """The event told: the announcement, or one of its reminders (the e-mail's key too)."""
    key = f"announcement:{announcement.pk}"
    if reminder:
        key += f":reminder:{announcement.last_reminded_at:%Y%m%d%H%M%S%f}"
    return key


def _email(announcement: Announcement, receipt: Receipt, *, reminder: bool) -> Email | None:
    """Rendered in the recipient's language; written to the outbox with the batch's (sent by the
    worker, retried, never twice: the key)."""
    return email_build(
        recipient=receipt.user,
        kind=Kind.ANNOUNCEMENT,
        template="announcements/email/announcement",
        context={
            "announcement": announcement,
            "author": announcement.author,
            "reminder": reminder,
            "url": settings.SITE_URL + announcement.get_absolute_url(),
        },
        key=_key(announcement, reminder=reminder),
    )


@task()
def deliver_announcement(announcement_id: int, reminder: bool = False, after: int = 0) -> int:
    """One batch of recipients: a notification and an e-mail each, as they chose; then the next
    batch. One transaction: a run that fails leaves the batch to the retry, nothing half-done. Run
    again, it finds the batch done (notified_at, reminded_at); the notifications and e-mails are
    keyed besides, so none is ever written twice."""
    announcement = Announcement.objects.select_related("author").filter(pk=announcement_id).first()
    if announcement is None or (reminder and announcement.last_reminded_at is None):
        return 0
    with transaction.atomic():
        receipts = _batch(announcement, reminder=reminder, after=after)
        if not receipts:
            return 0
        wanted = channels_for_each([r.user_id for r in receipts], Kind.ANNOUNCEMENT)
        kind = Kind.ANNOUNCEMENT_REMINDER if reminder else Kind.ANNOUNCEMENT
        key = _key(announcement, reminder=reminder)
        event = Event(kind, announcement.author_id, key, announcement_id=announcement.pk, email=False)
        notify_each(event, [r.user_id for r in receipts if Channel.IN_APP in wanted[r.user_id]])
        # Nobody is e-mailed what they already opened in the app (a reminder goes to those who
        # have not confirmed, whether they opened it or not).
        emails_write(
            [
                _email(announcement, r, reminder=reminder)
                for r in receipts
                if Channel.EMAIL in wanted[r.user_id] and (reminder or r.opened_at is None)
            ]
        )
        done = Receipt.objects.filter(pk__in=[r.pk for r in receipts])
        if reminder:
            done.update(reminded_at=announcement.last_reminded_at)
        else:
            done.update(notified_at=timezone.now())
    if len(receipts) == settings.ANNOUNCEMENT_BATCH_SIZE:
        deliver_announcement.enqueue(
            announcement_id=announcement_id, reminder=reminder, after=receipts[-1].pk
        )
    return len(receipts)
