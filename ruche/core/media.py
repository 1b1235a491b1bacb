"""Uploaded files are served only to those who may see what they belong to.

Each app registers, for the folder its uploads live in, who may read a file there
(`register_media("campaigns", may_read)`, in its AppConfig.ready). A file in no registered folder,
or one the reader may not see, is answered 404, as a file that does not exist."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.static import serve


@dataclass(frozen=True)
class Served:
    """What a reader rule may answer instead of True: how to serve the file."""

    filename: str | None = None
    inline: bool = True
    content_type: str | None = None


_readers: dict[str, Callable[[object, str], bool]] = {}


def register_media(folder: str, may_read: Callable[[object, str], bool]) -> None:
    """`may_read(user, name)`: `name` is the file's storage name (`folder/...`)."""
    _readers[folder] = may_read


@login_required
def media(request, path: str):
    folder = path.split("/", 1)[0]
    may_read = _readers.get(folder)
    answer = may_read(request.user, path) if may_read else None
    if not answer:
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if isinstance(answer, Served):
        from django.utils.http import content_disposition_header

        if answer.content_type:
            response["Content-Type"] = answer.content_type
        if answer.filename or not answer.inline:
            response["Content-Disposition"] = content_disposition_header(not answer.inline, answer.filename)
    response["Cache-Control"] = "private, max-age=3600"  # never in a shared cache
    return response
