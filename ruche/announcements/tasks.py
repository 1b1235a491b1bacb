"""Delivery of announcements, by the task worker: receipts for a large audience, then in-app
notifications and e-mails, one batch per task run (each run enqueues the next)."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ruche.announcements.models import Announcement, Receipt
from ruche.announcements.services import pending_receipts, receipts_materialise
from ruche.notifications.models import Notification
from ruche.realtime.events import notifications_added

log = logging.getLogger(__name__)


@task()
def materialise_and_deliver(announcement_id: int) -> int:
    announcement = Announcement.objects.filter(pk=announcement_id).first()
    if announcement is None:
        return 0
    count = receipts_materialise(announcement=announcement)
    deliver_announcement.enqueue(announcement_id=announcement_id)
    return count


def render_email(announcement: Announcement, user, *, reminder: bool) -> EmailMultiAlternatives:
    """The announcement e-mail in the recipient's language: HTML and text, with its link."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "announcement": announcement,
            "author": announcement.author,
            "reminder": reminder,
            "url": settings.SITE_URL + announcement.get_absolute_url(),
            "site_name": settings.SITE_NAME,
        }
        subject = render_to_string("announcements/email/announcement_subject.txt", context).strip()
        text = render_to_string("announcements/email/announcement.txt", context)
        html = render_to_string("announcements/email/announcement.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message


def _batch(announcement: Announcement, *, reminder: bool, after: int) -> list[Receipt]:
    if reminder:
        rows = pending_receipts(announcement).filter(
            Q(reminded_at__isnull=True) | Q(reminded_at__lt=announcement.last_reminded_at)
        )
    else:
        rows = Receipt.objects.filter(announcement=announcement, notified_at__isnull=True)
    rows = rows.filter(pk__gt=after, user__is_active=True).select_related("user")
    return list(rows.order_by("pk")[: settings.ANNOUNCEMENT_BATCH_SIZE])


def _send(
    announcement: Announcement, receipts: list[Receipt], *, reminder: bool
) -> tuple[list, Exception | None]:
    """E-mail each recipient who has not seen it in the app yet; stop at the first failure and say
    which receipts are done (they are marked, the rest is retried: nobody twice, nobody lost)."""
    done: list[Receipt] = []
    mailer = mailers.default  # one connection for the batch
    try:
        with mailer:
            for receipt in receipts:
                if reminder or receipt.opened_at is None:
                    mailer.send_messages([render_email(announcement, receipt.user, reminder=reminder)])
                done.append(receipt)
    except Exception as error:  # noqa: BLE001 - an SMTP failure of any kind: mark what went, retry the rest
        return done, error
    return done, None


@task()
def deliver_announcement(announcement_id: int, reminder: bool = False, after: int = 0) -> int:
    """One batch of recipients: a notification and an e-mail each; then the next batch."""
    announcement = Announcement.objects.select_related("author").filter(pk=announcement_id).first()
    if announcement is None or (reminder and announcement.last_reminded_at is None):
        return 0
    receipts = _batch(announcement, reminder=reminder, after=after)
    if not receipts:
        return 0
    done, error = _send(announcement, receipts, reminder=reminder)
    kind = Notification.Kind.ANNOUNCEMENT_REMINDER if reminder else Notification.Kind.ANNOUNCEMENT
    now = timezone.now()
    with transaction.atomic():
        Notification.objects.bulk_create(
            Notification(
                recipient_id=r.user_id, kind=kind, actor_id=announcement.author_id, announcement=announcement
            )
            for r in done
        )
        notifications_added(r.user_id for r in done)  # realtime: the badges, after commit
        if reminder:
            Receipt.objects.filter(pk__in=[r.pk for r in done]).update(
                reminded_at=announcement.last_reminded_at
            )
        else:
            Receipt.objects.filter(pk__in=[r.pk for r in done]).update(notified_at=now)
    if error is not None:
        log.warning(
            "announcement %s: e-mail failed after %d of %d", announcement_id, len(done), len(receipts)
        )
        raise error
    if len(receipts) == settings.ANNOUNCEMENT_BATCH_SIZE:
        deliver_announcement.enqueue(
            announcement_id=announcement_id, reminder=reminder, after=receipts[-1].pk
        )
    return len(done)
