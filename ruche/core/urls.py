from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.static import serve

# Uploaded files (photos) are for colleagues only. At scale a reverse proxy serves them
# (X-Accel-Redirect / X-Sendfile); see docs/operations.md.
urlpatterns = [
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:path>",
        login_required(serve),
        {"document_root": settings.MEDIA_ROOT},
        name="media",
    ),
]
