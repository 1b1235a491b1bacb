"""Uploaded files are served only to those who may see what they belong to.

Each app registers, for the folder its uploads live in, who may read a file there
(`register_media("campaigns", may_read)`, in its AppConfig.ready). `may_read(user, name)` answers
False or None (404, as for a file that does not exist), True (shown in the page, its type guessed from
its name), or a `Served` saying how (a download under its original name, its type). A file in no
registered folder, or one the reader may not see, is answered 404, as a file that does not exist.

Files are read through Django's default storage (local disk or an S3 bucket, config/env.py), never
from MEDIA_ROOT directly. The bytes are sent by Django (FileResponse) or, after the same check, by the
web server (RUCHE_MEDIA_ACCEL); the headers are ours and the same in every mode. A file can never act
as a page of our site: a type that a browser would render or run (HTML, SVG, XML, scripts, anything
but a few image types) is sent as a download of unknown type, under a sandboxing policy, never sniffed.
"""

import mimetypes
import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.utils.http import content_disposition_header, http_date
from django.views.static import was_modified_since

# Shown in the page (an <img>, a new tab): image types no browser runs. Everything else is a download
# of unknown type. PDF is not among them: it may carry scripts, and browsers refuse to show a PDF under
# the sandbox below anyway (Chromium shows "blocked", Safari a blank page).
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
DOWNLOAD_TYPE = "application/octet-stream"
# No script, no style, no plugin, no form, an opaque origin: even a file a browser took for a page
# could do nothing in ours.
SANDBOX = "default-src 'none'; sandbox"
CACHE_CONTROL = "private, max-age=3600"  # never in a shared cache: what one may read another may not
REPRESENTATION = {"Content-Type", "Content-Disposition"}  # not repeated on a 304


@dataclass(frozen=True)
class Served:
    """How a permitted file is sent. `filename`: the name a download is saved under (default: the
    file's stored name); `inline`: shown in the page rather than downloaded, for the image types of
    INLINE_TYPES only; `content_type`: default guessed from the stored name."""

    filename: str | None = None
    inline: bool = True
    content_type: str | None = None


Reader = Callable[[object, str], "bool | Served | None"]
_readers: dict[str, Reader] = {}


def register_media(folder: str, may_read: Reader) -> None:
    """`may_read(user, name)`: `name` is the file's storage name (`folder/...`)."""
    _readers[folder] = may_read


@login_required
def media(request, path: str):
    served = _permitted(request.user, path)
    modified = _modified_time(path)
    headers = media_headers(path, served, modified)
    if modified and not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), modified.timestamp()):
        response = HttpResponseNotModified()
        headers = {name: value for name, value in headers.items() if name not in REPRESENTATION}
    elif settings.MEDIA_ACCEL == "x-accel-redirect":  # nginx sends the bytes from an internal location
        response = HttpResponse(content_type=headers["Content-Type"])
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_PREFIX + quote(path)
    elif settings.MEDIA_ACCEL == "x-sendfile":  # Apache (mod_xsendfile) or lighttpd, from the disk
        response = HttpResponse(content_type=headers["Content-Type"])
        response["X-Sendfile"] = default_storage.path(path)
    else:
        response = _streamed(path, headers["Content-Type"])
    for name, value in headers.items():
        response[name] = value
    return response


def _permitted(user, path: str) -> Served:
    """How `path` may be sent to `user`; 404 for a name out of shape, a folder without a rule, a refusal."""
    if posixpath.normpath(path) != path or path.startswith("/") or "\\" in path or "\0" in path:
        raise Http404  # "..", "//", a trailing "/": no storage is asked about names it would rewrite
    may_read = _readers.get(path.split("/", 1)[0])
    verdict = may_read(user, path) if may_read else None
    if not verdict:
        raise Http404
    return verdict if isinstance(verdict, Served) else Served()


def _modified_time(path: str):
    """When the file last changed (None if the storage cannot tell); 404 if there is no such file."""
    try:
        local = default_storage.path(path)
    except NotImplementedError:  # a bucket: no folders to mistake for files
        local = None
    if local is not None and not os.path.isfile(local):
        raise Http404  # missing, or a folder (photos/12)
    try:
        return default_storage.get_modified_time(path)
    except FileNotFoundError:
        raise Http404 from None
    except NotImplementedError:  # no conditional GET then
        return None


def _streamed(path: str, content_type: str) -> FileResponse:
    # A storage that can stream (ruche.core.s3) sends bytes as they arrive; open() is the generic way.
    opener = getattr(default_storage, "open_stream", None) or default_storage.open
    try:
        file = opener(path)
    except FileNotFoundError:  # deleted since the modified time was read
        raise Http404 from None
    response = FileResponse(file, content_type=content_type)
    if "Content-Length" not in response:  # a stream FileResponse cannot measure
        response["Content-Length"] = file.size
    return response


def media_headers(path: str, served: Served, modified=None) -> dict[str, str]:
    """Every header of a media answer but the body's length: the same whoever sends the bytes."""
    content_type = (served.content_type or _guessed_type(path, served.filename)).split(";")[0].strip().lower()
    if content_type not in INLINE_TYPES:
        content_type, inline = DOWNLOAD_TYPE, False
    else:
        inline = served.inline
    headers = {
        "Content-Type": content_type,
        "Content-Disposition": content_disposition_header(
            not inline, served.filename or posixpath.basename(path)
        ),
        "Cache-Control": CACHE_CONTROL,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": SANDBOX,
    }
    if modified:
        headers["Last-Modified"] = http_date(modified.timestamp())
    return headers


def _guessed_type(*names: str | None) -> str:
    """From the stored name, else the download's; a compressed file's (x.svgz, y.jpg.gz) is unknown."""
    for name in filter(None, names):
        content_type, encoding = mimetypes.guess_type(name)
        if content_type:
            return "" if encoding else content_type
    return ""
