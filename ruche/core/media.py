"""Uploaded files are served only to those who may see what they belong to.

Each app registers, for the folder its uploads live in, who may read a file there
(`register_media("campaigns", may_read)`, in its AppConfig.ready). A file in no registered folder,
or one the reader may not see, is answered 404, as a file that does not exist."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.static import serve

_readers: dict[str, Callable[[object, str], bool]] = {}


def register_media(folder: str, may_read: Callable[[object, str], bool]) -> None:
    """`may_read(user, name)`: `name` is the file's storage name (`folder/...`)."""
    _readers[folder] = may_read


@login_required
def media(request, path: str):
    folder = path.split("/", 1)[0]
    may_read = _readers.get(folder)
    if may_read is None or not may_read(request.user, path):
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "private, max-age=3600"  # never in a shared cache
    return response
