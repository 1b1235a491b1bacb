from django.conf import settings

from ruche.notifications.selectors import unread_count


def ruche(request):
    user = getattr(request, "user", None)
    return {
        "site_name": settings.SITE_NAME,
        "unread_notifications": unread_count(user) if user is not None else 0,
        "post_max_length": settings.POST_MAX_LENGTH,
        "video_rooms_enabled": bool(settings.VIDEO_BASE_URL),
    }
