"""Announcements: those I received (pinned first), confirm “I have read this”, dismiss, and for their
author the reach and read receipts, and publishing."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from ruche.announcements import policies, selectors, services
from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.schemas import ATTACHMENTS, AttachmentOut, Id, PageQuery, PersonRef

router = Router(tags=["announcements"])


class AnnouncementOut(Schema):
    id: int
    title: str
    body: str
    body_html: str
    author: PersonRef
    created: datetime
    expires_at: datetime | None
    requires_ack: bool
    url: str

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class ReceivedOut(Schema):
    announcement: AnnouncementOut
    pinned: bool = Field(description="Shown at the top of the home feed: not confirmed, dismissed or expired")
    opened_at: datetime | None
    acknowledged_at: datetime | None
    dismissed_at: datetime | None

    @staticmethod
    def resolve_pinned(obj):
        a = obj.announcement
        return obj.acknowledged_at is None and obj.dismissed_at is None and not a.is_expired


class ReceivedPage(Schema):
    items: list[ReceivedOut]
    next_cursor: int | None


class DepartmentReachOut(Schema):
    name: str = Field(description="Empty for people without a department")
    total: int
    read: int
    acknowledged: int


class WaitingOut(Schema):
    person: PersonRef
    department: str
    opened: bool

    @staticmethod
    def resolve_person(obj):
        return obj.user

    @staticmethod
    def resolve_department(obj):
        department = obj.user.profile.department if hasattr(obj.user, "profile") else None
        return department.name if department else ""

    @staticmethod
    def resolve_opened(obj):
        return obj.opened_at is not None


class ReceiptsOut(Schema):
    recipients: int
    read: int
    acknowledged: int
    departments: list[DepartmentReachOut]
    waiting_count: int = Field(description="Who has not read (or not confirmed, when asked)")
    waiting: list[WaitingOut] = Field(description="The first 200 of them, by name")


class AnnouncementIn(Schema):
    title: str
    body: str
    everyone: bool = False
    department_ids: list[Id] = []
    site_ids: list[Id] = []
    community_ids: list[Id] = []
    requires_ack: bool = False
    expires_at: datetime | None = None
    attachments: list[Id] = ATTACHMENTS


class PublishedOut(AnnouncementOut):
    recipient_count: int


class AnnouncementDetail(AnnouncementOut):
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj):
        return selectors.files_of(obj)


@router.get(
    "/{id:announcement_id}", response={200: AnnouncementDetail, **READ_ERRORS}, summary="An announcement"
)
def announcement(request, announcement_id: Id):
    """With its attachments; reading it counts as opened, as on its page."""
    announcement, receipt = selectors.announcement_for(request.auth, announcement_id)
    if receipt is not None and receipt.opened_at is None:
        services.receipt_open(announcement=announcement, user=request.auth)
    return announcement


@router.get("/", response={200: ReceivedPage, **READ_ERRORS}, summary="Announcements I received")
def received(request, params: Query[PageQuery]):
    """Newest first, each with your receipt; `pinned` ones are on top of your home feed."""
    return selectors.received(request.auth, before=params.before, size=params.limit)


@router.get("/pinned", response={200: list[ReceivedOut], **READ_ERRORS}, summary="Pinned for me")
def pinned(request):
    return selectors.pinned_for(request.auth)


def _targets(data: AnnouncementIn) -> dict:
    """The audience's departments, sites and communities; an unknown id is a 400 naming its field."""
    from ruche.accounts.models import Department, Site
    from ruche.communities.models import Community

    found = {}
    for name, field, model in (
        ("departments", "department_ids", Department),
        ("sites", "site_ids", Site),
        ("communities", "community_ids", Community),
    ):
        ids = set(getattr(data, field))
        found[name] = list(model.objects.filter(pk__in=ids))
        if len(found[name]) != len(ids):
            raise ValidationError({field: _("Unknown id in this list.")})
    return found


@router.post("/", response={201: PublishedOut, **WRITE_ERRORS}, summary="Publish an announcement")
def publish(request, data: AnnouncementIn):
    """For communications and executives (the announcer role). An audience matching nobody is refused
    (400, field `audience`) and nothing is created."""
    if not policies.can_publish(request.auth):
        raise PermissionDenied(_("Only communications and executives may publish announcements."))
    announcement = services.announcement_publish(
        author=request.auth,
        title=data.title,
        body=data.body,
        everyone=data.everyone,
        requires_ack=data.requires_ack,
        expires_at=data.expires_at,
        attachments=data.attachments,
        **_targets(data),
    )
    return Status(201, announcement)


@router.post("/{id:announcement_id}/acknowledge", response={200: ReceivedOut, **WRITE_ERRORS},
             summary="I have read this")  # fmt: skip
def acknowledge(request, announcement_id: Id):
    """Idempotent: the first confirmation counts. 404 if you did not receive it."""
    announcement, _receipt = selectors.announcement_for(request.auth, announcement_id)
    return services.announcement_acknowledge(announcement=announcement, user=request.auth)


@router.post("/{id:announcement_id}/dismiss", response={200: ReceivedOut, **WRITE_ERRORS},
             summary="Remove from my feed")  # fmt: skip
def dismiss(request, announcement_id: Id):
    """Only for announcements that do not ask for a confirmation (400 otherwise)."""
    announcement, _receipt = selectors.announcement_for(request.auth, announcement_id)
    return services.announcement_dismiss(announcement=announcement, user=request.auth)


@router.get("/{id:announcement_id}/receipts", response={200: ReceiptsOut, **READ_ERRORS},
            summary="Reach and read receipts")  # fmt: skip
def receipts(request, announcement_id: Id):
    """For the author (and admins): recipients, read, confirmed, by department, who has not."""
    announcement, _receipt = selectors.announcement_for(request.auth, announcement_id)
    if not policies.can_manage(request.auth, announcement):
        raise PermissionDenied(_("Only the author of an announcement sees its read receipts."))
    return selectors.reach(announcement)


@router.post("/{id:announcement_id}/remind", response={200: dict, **WRITE_ERRORS},
             summary="Remind those who have not read")  # fmt: skip
def remind(request, announcement_id: Id):
    """At most once per RUCHE_ANNOUNCEMENT_REMIND_HOURS (400 with the next possible time otherwise)."""
    announcement, _receipt = selectors.announcement_for(request.auth, announcement_id)
    return {"reminded": services.announcement_remind(announcement=announcement, by=request.auth)}
