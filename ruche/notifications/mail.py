"""E-mail: the outbox, messages in the recipient's language, one-click unsubscribe, and sending with
retries.

Every e-mail is first an `Email` row (the outbox), written in the transaction that decided it.
The task worker sends the due rows: it claims one (PENDING -> SENDING in a single UPDATE, so two
workers never send the same row), sends it, then records SENT. A refusal or a server that is down
puts the row back to PENDING with a later due time (exponential backoff): nothing is lost. A row
already SENT is never picked again: nothing is sent twice. Only a worker killed between the SMTP
server's "250 OK" and the database write can cause a resend; it happens with the same Message-ID
so mail clients fold it.

Notification e-mails wait a few minutes before they go (settings.EMAIL_NOTIFY_DELAY_MINUTES): what
the person read in the meantime, or saw because they were in the app after it happened, is left out,
and an e-mail left with nothing to say is not sent. Notifications about one conversation that come
while its e-mail waits join it; after an e-mail about a conversation, the next one waits at least
settings.EMAIL_THREAD_INTERVAL_MINUTES.
"""

import contextlib
import logging
import smtplib
from datetime import datetime, timedelta
from email import policy as email_policy

from django.conf import settings
from django.core import mail, signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Max, OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ruche.notifications.models import Channel, Email, Notification
from ruche.notifications.preferences import DEFAULTS, DIGEST, channels_for, delivery, kind_label

log = logging.getLogger(__name__)
State = Email.State
UNSUBSCRIBE_SALT = "ruche.notifications.unsubscribe"
# The server answered but would not take this message: try the next ones.
REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
# The server is down or went away: the others wait too.
UNREACHABLE = (smtplib.SMTPException, OSError)


# One-click unsubscribe ---------------------------------------------------------------------------


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps([user_id, kind], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """Raises signing.BadSignature for a link that was tampered with or made up."""
    value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
        raise signing.BadSignature("unexpected content")
    return value[0], str(value[1])


def unsubscribe_url(user_id: int, kind: str) -> str:
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id, kind)])


# Rendering ---------------------------------------------------------------------------------------


def render_email(*, recipient, kind: str, template: str, context: dict) -> tuple[str, str, str]:
    """Subject, text and HTML of `template` (`<template>_subject.txt`, `.txt`, `.html`, usually
    extending notifications/email/base.*) in the recipient's language, with the unsubscribe link
    for `kind` and the links to the site."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        context = {
            "recipient": recipient,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
            "unsubscribe_url": unsubscribe_url(recipient.pk, kind),
            "kind_label": kind_label(kind),
            **context,
        }
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return subject[:300], text, html


class NotificationMessage(EmailMultiAlternatives):
    """An e-mail whose List-Unsubscribe header goes out unfolded. Python folds a header longer than
    78 characters, and a URL, having no space to fold at, would become RFC 2047 encoded-words that
    mail clients do not read as a URL; RFC 5322 allows lines up to 998 characters."""

    def __init__(self, *args, unfolded: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.unfolded = unfolded

    def message(self, *, policy=email_policy.default):
        message = super().message(policy=policy.clone(refold_source="none"))
        for name, value in self.unfolded.items():
            message.set_raw(name, value)
        return message


def _message(email: Email, subject: str, text: str, html: str) -> EmailMultiAlternatives:
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    headers = {
        "Auto-Submitted": "auto-generated",
        # Stable: a resend after a crash is recognised as the same message.
        "Message-ID": f"<ruche.{email.pk}.{int(email.created.timestamp())}@{domain}>",
    }
    unfolded = {}
    if email.kind == DIGEST or email.kind in DEFAULTS:  # not an invitation: nobody unsubscribes from those
        unfolded["List-Unsubscribe"] = f"<{unsubscribe_url(email.recipient_id, email.kind)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = NotificationMessage(
        subject, text, to=[email.recipient.email], headers=headers, unfolded=unfolded
    )
    message.attach_alternative(html, "text/html")
    return message


def _notification_content(email: Email) -> tuple[str, str, str] | None:
    """The notifications still worth an e-mail at send time: unread, not seen in the app since,
    about content the recipient may still see, and still wanted by e-mail."""
    from ruche.notifications.selectors import _about_visible_content

    recipient = email.recipient
    if not recipient.is_active:
        return None
    rows = Notification.objects.filter(email=email, read_at__isnull=True).filter(
        _about_visible_content(recipient)
    )
    if recipient.last_seen_at:
        rows = rows.filter(created__gt=recipient.last_seen_at)
    notifications = [
        n
        for n in rows.select_related("actor", "post", "post__parent", "community").order_by("id")
        if Channel.EMAIL in delivery(recipient, n.kind, post=n.post, community_id=n.community_id)
    ]
    if not notifications:
        return None
    kinds = list(dict.fromkeys(n.kind for n in notifications))
    first = notifications[0]
    context = {
        "notifications": notifications,
        "first": first,
        "more": len(notifications) - 1,
        "link": settings.SITE_URL + first.target_url(),
        "post": first.post,
        "thread": (first.post.parent or first.post) if first.post else None,
        "other_kinds": [(kind_label(k), unsubscribe_url(recipient.pk, k)) for k in kinds if k != email.kind],
    }
    return render_email(
        recipient=recipient, kind=email.kind, template="notifications/email/notification", context=context
    )


def message_for(email: Email) -> EmailMultiAlternatives | None:
    """The message to send for this outbox row, or None when nothing is left worth sending."""
    if email.html:  # rendered when queued
        if not email.recipient.is_active:
            return None
        return _message(email, email.subject, email.text, email.html)
    content = _notification_content(email)
    return _message(email, *content) if content else None


# Queueing ----------------------------------------------------------------------------------------


def _wake_sender(due_at: datetime) -> None:
    """Ask the worker to send at `due_at` when the task backend can wait; otherwise (or anyway) the
    scheduler's sweep every minute sends what is due."""
    from django.tasks import default_task_backend

    from ruche.notifications.tasks import emails_send_due

    if due_at <= timezone.now():
        emails_send_due.enqueue()
    elif default_task_backend.supports_defer:
        emails_send_due.using(run_after=due_at).enqueue()


def email_build(
    *, recipient, kind: str, template: str, context: dict, key: str | None = None
) -> Email | None:
    """An outbox row (not saved) rendered now in the recipient's language (HTML and text,
    List-Unsubscribe for `kind`); None for a person who cannot receive e-mail."""
    if not recipient.is_active or not recipient.email or recipient.is_bot:
        return None
    subject, text, html = render_email(recipient=recipient, kind=kind, template=template, context=context)
    return Email(recipient=recipient, kind=kind, key=key, subject=subject, text=text, html=html)


def emails_write(emails: list[Email]) -> int:
    """Write rendered e-mails to the outbox in one insert; one whose (recipient, key) is already
    there is left out (a task run twice queues nothing the second time). Returns how many were given."""
    emails = [e for e in emails if e is not None]
    if emails:
        Email.objects.bulk_create(emails, ignore_conflicts=True)
        _wake_sender(min(e.due_at for e in emails))
    return len(emails)


def email_queue(
    *, recipient, kind: str, template: str, context: dict, key: str | None = None, check_preference=True
) -> Email | None:
    """Queue a notification-style e-mail rendered now (`email_build`), sent by the worker with
    retries. For other apps (announcements, invitations): `key` makes it once per recipient (e.g.
    "announcement:42"); None when the person turned e-mail off for `kind`, has no address, or
    already has an e-mail with this key."""
    if check_preference and kind != DIGEST and Channel.EMAIL not in channels_for(recipient.pk, kind):
        return None
    email = email_build(recipient=recipient, kind=kind, template=template, context=context, key=key)
    if email is None:
        return None
    try:
        with transaction.atomic():
            email.save(force_insert=True)
    except IntegrityError:
        return None
    _wake_sender(email.due_at)
    return email


def notification_emails_queue(notifications: list[Notification]) -> None:
    """Attach each new notification to the e-mail waiting for its conversation, or to a new one due
    after the delay (and not before the conversation's interval since its last e-mail). A few
    queries per conversation, whatever the number of recipients (one event: one conversation)."""
    threads: dict[str, list[Notification]] = {}
    for notification in notifications:
        threads.setdefault(notification.thread_key(), []).append(notification)
    for thread, told in threads.items():
        waiting = _waiting_emails(thread, told)
        for notification in told:
            notification.email_id = waiting[notification.recipient_id]
        # One UPDATE: each notification takes its recipient's waiting e-mail.
        Notification.objects.filter(pk__in=[n.pk for n in told]).update(
            email=Subquery(
                Email.objects.filter(
                    recipient_id=OuterRef("recipient_id"), thread=thread, state=State.PENDING
                ).values("pk")[:1]
            )
        )


def _waiting_emails(thread: str, told: list[Notification]) -> dict[int, int]:
    """{recipient: the pending e-mail of this conversation}, opening the missing ones."""
    ids = {n.recipient_id for n in told}
    # Locked until this transaction commits: a sender claiming one meanwhile waits, then renders it
    # with these notifications (PostgreSQL; SQLite serialises the writes anyway).
    pending = Email.objects.filter(recipient_id__in=ids, thread=thread, state=State.PENDING)
    waiting = dict(pending.select_for_update().values_list("recipient_id", "pk"))
    missing = ids - waiting.keys()
    if not missing:
        return waiting
    kinds = {n.recipient_id: n.kind for n in told}
    due = timezone.now() + timedelta(minutes=settings.EMAIL_NOTIFY_DELAY_MINUTES)
    interval = timedelta(minutes=settings.EMAIL_THREAD_INTERVAL_MINUTES)
    sent = Email.objects.filter(recipient_id__in=missing, thread=thread, sent_at__isnull=False)
    last = dict(sent.values("recipient_id").annotate(last=Max("sent_at")).values_list("recipient_id", "last"))
    opened = [
        Email(
            recipient_id=pk,
            kind=kinds[pk],
            thread=thread,
            due_at=max(due, last[pk] + interval) if pk in last else due,
        )
        for pk in missing
    ]
    # Another worker may just have opened one: its e-mail is the one taken.
    Email.objects.bulk_create(opened, ignore_conflicts=True)
    # One wake-up per minute at most (the number of recipients does not matter).
    for minute in {e.due_at.replace(second=0, microsecond=0) + timedelta(minutes=1) for e in opened}:
        _wake_sender(minute)
    waiting.update(pending.filter(recipient_id__in=missing).values_list("recipient_id", "pk"))
    return waiting


# Sending -----------------------------------------------------------------------------------------


def _backoff(attempts: int) -> timedelta:
    minutes = settings.EMAIL_RETRY_MINUTES * 2 ** max(attempts - 1, 0)
    return timedelta(minutes=min(minutes, 6 * 60))


def _back_to_pending(email: Email, reason: str, **fields) -> None:
    """PENDING again; if a newer e-mail already waits for the conversation, its news go there."""
    try:
        with transaction.atomic():
            Email.objects.filter(pk=email.pk).update(state=State.PENDING, **fields)
    except IntegrityError:
        waiting = Email.objects.get(recipient_id=email.recipient_id, thread=email.thread, state=State.PENDING)
        Notification.objects.filter(email=email).update(email=waiting)
        Email.objects.filter(pk=email.pk).update(
            state=State.SKIPPED, last_error=f"folded into {waiting.pk}: {reason}"
        )


def _requeue_interrupted(now: datetime) -> None:
    """A worker that died while sending left its row SENDING: send it again (same Message-ID)."""
    stale = now - timedelta(minutes=settings.EMAIL_SENDING_TIMEOUT_MINUTES)
    for email in Email.objects.filter(state=State.SENDING, due_at__lt=stale):
        _back_to_pending(email, "interrupted")


def _record_failure(email: Email, error: Exception, now: datetime) -> str:
    reason = f"{type(error).__name__}: {error}"[:450]
    log.warning("e-mail %s not sent (attempt %s): %s", email.pk, email.attempts, reason)
    if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        Email.objects.filter(pk=email.pk).update(state=State.FAILED, last_error=reason)
        return "failed"
    _back_to_pending(email, reason, due_at=now + _backoff(email.attempts), last_error=reason)
    return "retry"


def emails_send_due(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send the e-mails that are due, one claim at a time, until none is left or the server is
    down; returns what happened to them."""
    now = now or timezone.now()
    _requeue_interrupted(now)
    counts = dict.fromkeys(("sent", "skipped", "retry", "failed", "taken", "down"), 0)
    pending = Email.objects.filter(state=State.PENDING, due_at__lte=now).order_by("due_at", "id")
    connection = None
    try:
        while due := list(pending.values_list("pk", flat=True)[:limit]):
            for pk in due:
                outcome, connection = _send_one(pk, now, connection)
                counts[outcome] += 1
                if outcome == "down":
                    return counts  # the others stay due for the next run
    finally:
        _close(connection)
    return counts


def _send_one(pk: int, now: datetime, connection) -> tuple[str, object]:
    claimed = Email.objects.filter(pk=pk, state=State.PENDING, due_at__lte=now).update(
        state=State.SENDING, due_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return "taken", connection  # another worker has it
    email = Email.objects.select_related("recipient").get(pk=pk)
    message = message_for(email)
    if message is None:
        Email.objects.filter(pk=pk).update(state=State.SKIPPED)
        return "skipped", connection
    try:
        if connection is None:
            connection = mail.mailers.default
            connection.open()
        connection.send_messages([message])
    except UNREACHABLE as error:
        outcome = _record_failure(email, error, now)
        _close(connection)
        return (outcome if isinstance(error, REFUSALS) else "down"), None
    Email.objects.filter(pk=pk).update(state=State.SENT, sent_at=timezone.now(), last_error="")
    return "sent", connection


def _close(connection) -> None:
    if connection is not None:
        with contextlib.suppress(*UNREACHABLE):
            connection.close()
    return None


def emails_retry_failed() -> int:
    """For the operator, once the mail server is fixed: give the failed e-mails another round."""
    failed = list(Email.objects.filter(state=State.FAILED))
    for email in failed:
        _back_to_pending(email, "retried", attempts=0, due_at=timezone.now())
    return len(failed)
