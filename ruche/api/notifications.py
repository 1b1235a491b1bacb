"""Notifications: the list, the unread count, mark one or all read."""

from django.http import HttpResponse
from ninja import Query, Router

from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.schemas import Count, NotificationPage, PageQuery
from ruche.notifications import selectors, services

router = Router(tags=["notifications"])


@router.get("/", response={200: NotificationPage, **READ_ERRORS}, summary="Your notifications")
def notifications(request, params: Query[PageQuery]):
    """Newest first. Notifications about content you can no longer see are left out."""
    return selectors.notifications_for(request.auth, before=params.before, size=params.limit)


@router.get("/unread-count", response={200: Count, **READ_ERRORS}, summary="How many are unread")
def unread_count(request):
    return {"count": selectors.unread_count(request.auth)}


@router.post("/{int:notification_id}/read", response={204: None, **WRITE_ERRORS}, summary="Mark one read")
def mark_read(request, notification_id: int):
    """Idempotent: marking an already read notification (or one that is not yours) changes nothing."""
    services.notification_mark_read(user=request.auth, notification_id=notification_id)
    return HttpResponse(status=204)


@router.post("/read-all", response={200: Count, **WRITE_ERRORS}, summary="Mark all read")
def mark_all_read(request):
    """Returns how many notifications were marked."""
    return {"count": services.notifications_mark_all_read(user=request.auth)}
