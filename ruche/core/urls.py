from django.conf import settings
from django.urls import path

from ruche.core.media import media

# Uploaded files, checked file by file (ruche/core/media.py). At scale a reverse proxy may serve them
# after the same check (X-Accel-Redirect / X-Sendfile); see docs/operations.md.
urlpatterns = [
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media, name="media"),
]
