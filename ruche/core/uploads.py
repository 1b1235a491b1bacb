"""The names uploaded files are stored under."""

import posixpath
import re
import secrets
from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages


def unguessable_name(folder: str, filename: str) -> str:
    """`folder/<random token>.<ext>`, whatever the upload was called: a name that says nothing about
    it and that no one can guess (files are served by name, ruche/core/media.py, after the folder's
    rule; the token is a second lock). Only a short, plain extension is kept."""
    extension = posixpath.splitext(filename)[1].lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", extension):
        extension = ""
    return f"{folder}/{secrets.token_urlsafe(16)}{extension}"


def local_media_root() -> Path | None:
    """The folder uploaded files are kept in, or None when they are not on this machine's disk."""
    storage = storages["default"]
    return Path(storage.location) if isinstance(storage, FileSystemStorage) else None


def media_location() -> str:
    """Where uploaded files are kept, in words for an operator."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return f"the folder {storage.location}"
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        endpoint = getattr(storage, "endpoint_url", None) or "AWS S3"
        return f"the S3 bucket {bucket!r} ({endpoint})"
    return f"the storage {type(storage).__module__}.{type(storage).__qualname__}"
