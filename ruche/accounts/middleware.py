from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation

from ruche.accounts.models import User

SEEN_EVERY = timedelta(minutes=5)


class UserLanguageMiddleware:
    """A signed-in person reads Ruche in the language of their profile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class LastSeenMiddleware:
    """Keeps last_seen_at (fan-out skips people long gone) and rebuilds the feed of those returning."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = timezone.now()
            if user.last_seen_at is None or now - user.last_seen_at > SEEN_EVERY:
                away = timedelta(days=settings.FEED_INACTIVE_DAYS)
                if user.feed_built_at is None or user.last_seen_at is None or now - user.last_seen_at > away:
                    from ruche.feed.services import feed_rebuild

                    feed_rebuild(user)
                User.objects.filter(pk=user.pk).update(last_seen_at=now)
                user.last_seen_at = now
        return self.get_response(request)
