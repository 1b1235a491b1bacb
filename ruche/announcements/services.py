"""Writes on announcements: publish, open, acknowledge, dismiss, remind."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ruche.accounts.models import User
from ruche.announcements import policies
from ruche.announcements.models import Announcement, Receipt
from ruche.core import markdown
from ruche.files.services import attachments_attach

TITLE_MAX = 150


def audience(*, everyone: bool, departments=(), sites=(), communities=()):
    """The people an audience designates, as one SQL query: active, activated colleagues who are
    in one of the departments or sites, or members of one of the communities (or everyone)."""
    from ruche.communities.models import Membership

    people = User.objects.filter(is_active=True, activated_at__isnull=False, deactivated_at__isnull=True)
    if everyone:
        return people
    where = Q(pk__in=[])
    if departments:
        where |= Q(profile__department__in=list(departments))
    if sites:
        where |= Q(profile__site__in=list(sites))
    if communities:
        member = Membership.objects.filter(user=OuterRef("pk"), community__in=list(communities))
        where |= Exists(member)
    return people.filter(where)


def audience_of(announcement: Announcement):
    return audience(
        everyone=announcement.everyone,
        departments=announcement.departments.all(),
        sites=announcement.sites.all(),
        communities=announcement.communities.all(),
    ).exclude(pk=announcement.author_id)


def _check(*, author, title: str, body: str, expires_at: datetime | None, communities) -> tuple[str, str]:
    from ruche.communities.models import Membership

    if not policies.can_publish(author):
        raise PermissionDenied(_("Only communications and executives may publish announcements."))
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the announcement a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("A title is limited to %(max)d characters.") % {"max": TITLE_MAX}
    if not body:
        errors["body"] = _("Write something before publishing.")
    elif len(body) > settings.POST_MAX_LENGTH:
        errors["body"] = _("A message is limited to %(max)d characters (this one has %(n)d).") % {
            "max": settings.POST_MAX_LENGTH,
            "n": len(body),
        }
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = _("The expiry date must be in the future.")
    if errors:
        raise ValidationError(errors)
    roles = dict(
        Membership.objects.filter(user=author, community__in=communities).values_list("community_id", "role")
    )
    for community in communities:
        role = roles.get(community.pk)
        if not policies.can_target_community(author, community, role):
            secret = community.visibility == community.Visibility.SECRET and role is None
            message = (
                _("You may not address the members of this community.")
                if secret  # its name is not for outsiders
                else _("You may not address the members of “%(name)s”.") % {"name": community.name}
            )
            raise ValidationError({"communities": message})
    return title, body


@transaction.atomic
def announcement_publish(
    *,
    author: User,
    title: str,
    body: str,
    everyone: bool = False,
    departments=(),
    sites=(),
    communities=(),
    requires_ack: bool = False,
    expires_at: datetime | None = None,
    attachments=(),
) -> Announcement:
    """Publish to an audience. An audience matching nobody is refused before anything is written.
    Small audiences get their receipts at once; a large one's are written by the worker.
    `attachments`: ids of files the author uploaded (ruche.files)."""
    departments, sites, communities = list(departments), list(sites), list(communities)
    title, body = _check(
        author=author, title=title, body=body, expires_at=expires_at, communities=communities
    )
    people = audience(everyone=everyone, departments=departments, sites=sites, communities=communities)
    size = people.exclude(pk=author.pk).count()
    if size == 0:
        raise ValidationError({"audience": _("This audience matches nobody: choose who should receive it.")})
    announcement = Announcement.objects.create(
        author=author,
        title=title,
        body=body,
        body_html=markdown.render_plain(body),
        requires_ack=requires_ack,
        expires_at=expires_at,
        everyone=everyone,
        recipient_count=size,
    )
    announcement.departments.set(departments)
    announcement.sites.set(sites)
    announcement.communities.set(communities)
    if attachments:
        attachments_attach(kind="announcement", holder_id=announcement.pk, ids=attachments, by=author)
    from ruche.announcements import tasks

    if size <= settings.ANNOUNCEMENT_INLINE_RECIPIENTS:
        receipts_materialise(announcement=announcement)
        tasks.deliver_announcement.enqueue(announcement_id=announcement.pk)
    else:
        tasks.materialise_and_deliver.enqueue(announcement_id=announcement.pk)
    return announcement


def receipts_materialise(*, announcement: Announcement) -> int:
    """One receipt per recipient, written in batches; idempotent (a retried task adds nobody twice).
    Returns the number of recipients, also stored on the announcement."""
    batch_size = settings.ANNOUNCEMENT_BATCH_SIZE * 5
    ids = audience_of(announcement).order_by().values_list("pk", flat=True)
    batch: list[Receipt] = []
    for user_id in ids.iterator(chunk_size=batch_size):
        batch.append(Receipt(announcement_id=announcement.pk, user_id=user_id))
        if len(batch) >= batch_size:
            Receipt.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Receipt.objects.bulk_create(batch, ignore_conflicts=True)
    count = Receipt.objects.filter(announcement=announcement).count()
    # Delivered once, when the receipts were first all written (a retried task changes nothing).
    delivered = Coalesce(F("delivered_at"), Value(timezone.now()))
    Announcement.objects.filter(pk=announcement.pk).update(recipient_count=count, delivered_at=delivered)
    announcement.refresh_from_db(fields=["recipient_count", "delivered_at"])
    return count


def _receipt_or_404(announcement: Announcement, user: User) -> Receipt:
    from django.http import Http404

    receipt = Receipt.objects.filter(announcement=announcement, user=user).first()
    if receipt is None:
        raise Http404
    return receipt


def _stamp(receipt: Receipt, **fields: bool) -> Receipt:
    """Set each named timestamp once (the first time counts), and opened_at with it."""
    now = timezone.now()
    changed = [name for name in ("opened_at", *fields) if getattr(receipt, name) is None]
    for name in changed:
        setattr(receipt, name, now)
    if changed:
        receipt.save(update_fields=changed)
    if "opened_at" in changed:  # read in the app: its notifications are read too
        from ruche.notifications.models import Notification

        Notification.objects.filter(
            recipient_id=receipt.user_id, announcement_id=receipt.announcement_id, read_at__isnull=True
        ).update(read_at=now)
    return receipt


@transaction.atomic
def receipt_open(*, announcement: Announcement, user: User) -> Receipt:
    """The recipient opened the announcement (its page, from the feed, a notification or an e-mail)."""
    return _stamp(_receipt_or_404(announcement, user))


@transaction.atomic
def announcement_acknowledge(*, announcement: Announcement, user: User) -> Receipt:
    """“I have read this”: the announcement leaves the person's feed. Idempotent."""
    return _stamp(_receipt_or_404(announcement, user), acknowledged_at=True)


@transaction.atomic
def announcement_dismiss(*, announcement: Announcement, user: User) -> Receipt:
    receipt = _receipt_or_404(announcement, user)
    if not policies.can_dismiss(user, announcement, receipt):
        raise ValidationError(_("This announcement asks you to confirm that you have read it."))
    return _stamp(receipt, dismissed_at=True)


def pending_receipts(announcement: Announcement):
    """Those who have not done what the announcement asks: confirmed (or, without confirmation, opened)."""
    receipts = Receipt.objects.filter(announcement=announcement, dismissed_at__isnull=True)
    if announcement.requires_ack:
        return receipts.filter(acknowledged_at__isnull=True)
    return receipts.filter(opened_at__isnull=True)


@transaction.atomic
def announcement_remind(*, announcement: Announcement, by: User) -> int:
    """Notify and e-mail again those who have not read (or confirmed), at most once per
    ANNOUNCEMENT_REMIND_HOURS. Returns how many people are reminded."""
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if not policies.can_manage(by, announcement):
        raise PermissionDenied(_("Only the author of an announcement may send reminders."))
    if announcement.is_expired:
        raise ValidationError(_("This announcement has expired: it can no longer be reminded."))
    if announcement.delivered_at is None:
        raise ValidationError(_("This announcement is still being delivered: try again in a moment."))
    if not policies.can_remind(by, announcement):
        due = policies.next_reminder_at(announcement)
        raise ValidationError(
            _("A reminder was sent recently: the next one is possible from %(when)s.")
            % {"when": formats.date_format(timezone.localtime(due), "DATETIME_FORMAT")}
        )
    count = pending_receipts(announcement).count()
    if count == 0:
        raise ValidationError(_("Everyone has read it: nobody to remind."))
    announcement.last_reminded_at = timezone.now()
    announcement.save(update_fields=["last_reminded_at"])
    from ruche.announcements import tasks

    tasks.deliver_announcement.enqueue(announcement_id=announcement.pk, reminder=True)
    return count
