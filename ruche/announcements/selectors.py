"""Reads of announcements: what is pinned for me, what I received, what I published and its reach."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from ruche.announcements import policies
from ruche.announcements.models import Announcement, Receipt
from ruche.core.pagination import Page, page_from
from ruche.core.prepared import prepared

PINNED_MAX = 5
NOT_YET_SHOWN = 200


def _live(now=None) -> Q:
    return Q(announcement__expires_at__isnull=True) | Q(announcement__expires_at__gt=now or timezone.now())


@prepared("viewer", "now")
def _pinned(viewer, now):
    rows = Receipt.objects.filter(user=viewer, acknowledged_at__isnull=True, dismissed_at__isnull=True)
    rows = rows.filter(_live(now)).select_related("announcement__author__profile")
    return rows.order_by("-announcement_id")[:PINNED_MAX]


def pinned_for(user) -> list[Receipt]:
    """The announcements pinned at the top of the person's home feed: neither confirmed nor dismissed,
    not expired. One query (the partial index receipt_pinned), compiled once per process."""
    if not user.is_authenticated:
        return []
    return _pinned(viewer=user, now=timezone.now())


def received(user, *, before: int | None = None, size: int | None = None) -> Page[Receipt]:
    """Every announcement the person received, newest first, with their receipt."""
    size = size or settings.FEED_PAGE_SIZE
    rows = Receipt.objects.filter(user=user)
    if before:
        rows = rows.filter(announcement_id__lt=before)
    items = list(
        rows.select_related("announcement__author__profile").order_by("-announcement_id")[: size + 1]
    )
    return page_from(items, size, key=lambda r: r.announcement_id)


def _reach_counts() -> dict:
    return {
        "read_count": Count("receipts", filter=Q(receipts__opened_at__isnull=False)),
        "ack_count": Count("receipts", filter=Q(receipts__acknowledged_at__isnull=False)),
    }


def published(user, *, before: int | None = None, size: int | None = None) -> Page[Announcement]:
    """What the person published, newest first, with its reach (one query)."""
    size = size or settings.FEED_PAGE_SIZE
    rows = Announcement.objects.filter(author=user)
    if before:
        rows = rows.filter(pk__lt=before)
    items = list(rows.annotate(**_reach_counts()).order_by("-id")[: size + 1])
    return page_from(items, size)


def files_of(announcement: Announcement) -> list:
    from ruche.files.selectors import attachments_of

    return attachments_of("announcement", [announcement.pk]).get(announcement.pk, [])


def announcement_for(user, pk: int) -> tuple[Announcement, Receipt | None]:
    """The announcement and the viewer's receipt; 404 for whoever neither received nor manages it."""
    announcement = Announcement.objects.select_related("author__profile").filter(pk=pk).first()
    if announcement is None:
        raise Http404
    receipt = (
        Receipt.objects.filter(announcement=announcement, user=user).first()
        if user.is_authenticated
        else None
    )
    if not policies.can_view(user, announcement, receipt):
        raise Http404
    return announcement, receipt


@dataclass
class DepartmentReach:
    name: str
    total: int
    read: int
    acknowledged: int

    @property
    def read_percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0

    @property
    def ack_percent(self) -> int:
        return round(100 * self.acknowledged / self.total) if self.total else 0


@dataclass
class Reach:
    recipients: int
    read: int
    acknowledged: int
    departments: list[DepartmentReach] = field(default_factory=list)
    waiting: list[Receipt] = field(default_factory=list)  # the first of those who have not (yet)
    waiting_count: int = 0

    @property
    def read_percent(self) -> int:
        return round(100 * self.read / self.recipients) if self.recipients else 0

    @property
    def ack_percent(self) -> int:
        return round(100 * self.acknowledged / self.recipients) if self.recipients else 0


def reach(announcement: Announcement) -> Reach:
    """Recipients, opened, confirmed, by department (one grouped query), and the first of those who
    have not read (or not confirmed, when asked) with their department (one query)."""
    from ruche.announcements.services import pending_receipts

    rows = (
        Receipt.objects.filter(announcement=announcement)
        .values("user__profile__department__name")
        .annotate(
            total=Count("id"),
            read=Count("id", filter=Q(opened_at__isnull=False)),
            acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
        )
        .order_by("user__profile__department__name")
    )
    departments = [
        DepartmentReach(r["user__profile__department__name"] or "", r["total"], r["read"], r["acknowledged"])
        for r in rows
    ]
    result = Reach(
        recipients=sum(d.total for d in departments),
        read=sum(d.read for d in departments),
        acknowledged=sum(d.acknowledged for d in departments),
        departments=departments,
    )
    done = result.acknowledged if announcement.requires_ack else result.read
    result.waiting_count = result.recipients - done
    if result.waiting_count:
        waiting = pending_receipts(announcement).select_related("user__profile__department")
        result.waiting = list(waiting.order_by("user__last_name", "user__first_name")[:NOT_YET_SHOWN])
    return result
